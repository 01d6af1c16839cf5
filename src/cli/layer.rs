//! The command line as npm reads its own: every flag is the config key of its long name, and
//! the flags given become the highest config layer.

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::parser::ValueSource;
use clap::{ArgAction, CommandFactory, FromArgMatches};

use super::Cli;
use crate::npmrc::{Layer, LayerKind, Value};

/// npm's shorthands (`nopt`'s), expanded before parsing as npm expands them; `color` is
/// not a plain boolean (`always` is its third value), so its negation is spelled here.
const SHORTHANDS: [(&str, &str); 7] = [
    ("-s", "--loglevel=silent"),
    ("--silent", "--loglevel=silent"),
    ("-q", "--loglevel=warn"),
    ("--quiet", "--loglevel=warn"),
    ("-d", "--loglevel=info"),
    ("--verbose", "--loglevel=verbose"),
    ("--no-color", "--color=never"),
];

/// What was typed: the command, and the config layer the flags make.
pub struct Parsed {
    pub cli: Cli,
    pub layer: Layer,
}

/// Parses the command line as npm reads its own: every flag is the config key of its long
/// name; a boolean flag also takes `--no-<flag>` and `--<flag>=true|false`; npm's
/// shorthands (`-s`, `--silent`, `-q`, `-d`, `--verbose`) set the log level. An unknown
/// flag stays clap's error, with its suggestion.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, clap::Error> {
    let mut command = Cli::command();
    let booleans = boolean_flags(&command);
    // Each boolean flag as typed (any spelling: `--yes`, `-y`, `--no-yes`, `--yes=false`),
    // in order; the last of each decides, as in npm. Its positive form alone reaches clap,
    // at the place of that last occurrence, so that the command and the config layer agree
    // (`--yes --no-yes` does not revoke without asking).
    let mut argv: Vec<Arg> = Vec::new();
    let mut args = args.into_iter().enumerate();
    while let Some((n, arg)) = args.next() {
        let Some(text) = arg.to_str().filter(|_| n > 0) else {
            argv.push(Arg::Raw(arg));
            continue;
        };
        // After `--`, everything is a value, as typed.
        if text == "--" {
            argv.push(Arg::Raw(arg));
            argv.extend(args.by_ref().map(|(_, arg)| Arg::Raw(arg)));
            break;
        }
        if let Some((_, long)) = SHORTHANDS.iter().find(|(short, _)| *short == text) {
            argv.push(Arg::Raw(OsString::from(long)));
            continue;
        }
        match booleans.typed(text) {
            Some(flags) => argv.extend(flags.into_iter().map(|(name, on)| Arg::Bool(name, on))),
            None => argv.push(Arg::Raw(arg)),
        }
    }
    let last = |n: usize, name: &str| {
        !argv[n + 1..]
            .iter()
            .any(|later| matches!(later, Arg::Bool(other, _) if *other == name))
    };
    let mut negated = Vec::new();
    let mut kept = Vec::with_capacity(argv.len());
    for (n, arg) in argv.iter().enumerate() {
        match arg {
            Arg::Raw(arg) => kept.push(arg.clone()),
            Arg::Bool(name, on) if last(n, name) => match on {
                true => kept.push(OsString::from(format!("--{name}"))),
                false => negated.push(name.to_string()),
            },
            Arg::Bool(..) => {}
        }
    }
    let argv = kept;
    // The tree is built once: parsing keeps it, and the flags' long names are read from it.
    let matches = command.try_get_matches_from_mut(argv)?;
    let cli = Cli::from_arg_matches(&matches)?;
    let mut values = BTreeMap::new();
    let mut scopes = vec![(&command, &matches)];
    if let Some((name, sub)) = matches.subcommand() {
        if let Some(sub_command) = command.find_subcommand(name) {
            scopes.push((sub_command, sub));
        }
    }
    for (command, matches) in &scopes {
        for arg in command.get_arguments() {
            let (Some(key), id) = (arg.get_long(), arg.get_id().as_str()) else {
                continue;
            };
            if matches.value_source(id) != Some(ValueSource::CommandLine) {
                continue;
            }
            let Ok(Some(raw)) = matches.try_get_raw(id) else {
                continue;
            };
            let mut raw: Vec<String> = raw.map(|v| v.to_string_lossy().into_owned()).collect();
            let value = match arg.get_action() {
                ArgAction::SetTrue => Value::Bool(true),
                ArgAction::Append => Value::List(raw),
                _ => Value::Str(raw.pop().unwrap_or_default()),
            };
            values.insert(key.to_owned(), value);
        }
    }
    for key in negated {
        values.insert(key, Value::Bool(false));
    }
    Ok(Parsed {
        cli,
        layer: Layer::new(LayerKind::Cli, None, values),
    })
}

/// An argument as typed: a boolean flag (its long name, and whether it turns it on), or
/// anything else.
enum Arg<'c> {
    Raw(OsString),
    Bool(&'c str, bool),
}

/// The flags that are booleans (with `--no-` forms), in any subcommand: their long names,
/// aliases and short forms.
struct Booleans<'c> {
    /// (long name, alias or long name)
    longs: Vec<(&'c str, &'c str)>,
    shorts: Vec<(char, &'c str)>,
}

impl<'c> Booleans<'c> {
    /// The boolean flags `text` sets, and to what: `--name`, an alias, `--no-name`,
    /// `--name=true|false`, `-y`, or short ones together (`-yp`); `None` for anything else.
    fn typed(&self, text: &str) -> Option<Vec<(&'c str, bool)>> {
        let long = |spelled: &str| {
            self.longs
                .iter()
                .find(|(_, as_typed)| *as_typed == spelled)
                .map(|(name, _)| *name)
        };
        if let Some(rest) = text.strip_prefix("--") {
            if let Some(name) = rest.strip_prefix("no-").and_then(long) {
                return Some(vec![(name, false)]);
            }
            let (spelled, on) = match rest.split_once('=') {
                Some((spelled, "true")) => (spelled, true),
                Some((spelled, "false")) => (spelled, false),
                Some(_) => return None,
                None => (rest, true),
            };
            return long(spelled).map(|name| vec![(name, on)]);
        }
        let shorts = text.strip_prefix('-').filter(|s| !s.is_empty())?;
        shorts
            .chars()
            .map(|c| {
                let (_, name) = self.shorts.iter().find(|(short, _)| *short == c)?;
                Some((*name, true))
            })
            .collect()
    }
}

/// The flags that are booleans, in any subcommand.
fn boolean_flags(command: &clap::Command) -> Booleans<'_> {
    let mut booleans = Booleans {
        longs: Vec::new(),
        shorts: Vec::new(),
    };
    let commands = std::iter::once(command).chain(command.get_subcommands());
    for command in commands {
        for arg in command.get_arguments() {
            let boolean = matches!(arg.get_action(), ArgAction::SetTrue);
            let (true, Some(long)) = (boolean, arg.get_long()) else {
                continue;
            };
            booleans.longs.push((long, long));
            for alias in arg.get_all_aliases().unwrap_or_default() {
                booleans.longs.push((long, alias));
            }
            if let Some(short) = arg.get_short() {
                booleans.shorts.push((short, long));
            }
        }
    }
    booleans
}
