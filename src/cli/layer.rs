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
    let mut negated = Vec::new();
    let mut argv = Vec::new();
    let mut args = args.into_iter().enumerate();
    while let Some((n, arg)) = args.next() {
        let Some(text) = arg.to_str().filter(|_| n > 0) else {
            argv.push(arg);
            continue;
        };
        // After `--`, everything is a value, as typed.
        if text == "--" {
            argv.push(arg);
            argv.extend(args.by_ref().map(|(_, arg)| arg));
            break;
        }
        if let Some((_, long)) = SHORTHANDS.iter().find(|(short, _)| *short == text) {
            argv.push(OsString::from(long));
            continue;
        }
        let negation = text
            .strip_prefix("--no-")
            .filter(|name| booleans.contains(name))
            .map(|name| (name, false));
        let assignment = text.strip_prefix("--").and_then(|rest| {
            let (name, value) = rest.split_once('=')?;
            let on = match value {
                "true" => true,
                "false" => false,
                _ => return None,
            };
            booleans.contains(&name).then_some((name, on))
        });
        match negation.or(assignment) {
            Some((name, false)) => negated.push(name.to_owned()),
            Some((name, true)) => argv.push(OsString::from(format!("--{name}"))),
            None => argv.push(arg),
        }
    }
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

/// The long names of the flags that are booleans (with `--no-` forms), in any subcommand.
fn boolean_flags(command: &clap::Command) -> Vec<&str> {
    let mut names = Vec::new();
    let commands = std::iter::once(command).chain(command.get_subcommands());
    for command in commands {
        for arg in command.get_arguments() {
            let boolean = matches!(arg.get_action(), ArgAction::SetTrue);
            if let (true, Some(long)) = (boolean, arg.get_long()) {
                names.push(long);
            }
        }
    }
    names
}
