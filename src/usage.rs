//! Usage errors in npm-token's words: what was wrong, naming the argument or value; clap's
//! tip when it has one; a command line like the one typed that works; and the help to run.
//! Also the one parser every DAYS flag shares, so that `7d` gets an example, not a Rust
//! parser's words.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;

/// A DAYS value (`--expires-within`, `--unused-for`, `--fail-within`): a whole number.
pub fn days(text: &str) -> Result<u32, String> {
    whole_days(text, "7")
}

/// `--expires`: a whole number of days, at least 1 (a token must live a day).
pub fn lifetime_days(text: &str) -> Result<u32, String> {
    match whole_days(text, "30")? {
        0 => Err("expected a whole number of days, at least 1, like 30".into()),
        days => Ok(days),
    }
}

fn whole_days(text: &str, like: &str) -> Result<u32, String> {
    whole_number(text, "days", like)
        .and_then(|n| u32::try_from(n).map_err(|_| format!("too many days: at most {}", u32::MAX)))
}

/// A number of milliseconds (`--fetch-timeout`, the retry waits).
pub fn milliseconds(text: &str) -> Result<u64, String> {
    whole_number(text, "milliseconds", "60000")
}

/// A count (`--fetch-retries`, `--fetch-retry-factor`).
pub fn count(text: &str) -> Result<u64, String> {
    whole_number(text, "", "2")
}

/// Digits only: no sign, unit, fraction or space.
fn whole_number(text: &str, unit: &str, like: &str) -> Result<u64, String> {
    let what = if unit.is_empty() {
        "a whole number".to_owned()
    } else {
        format!("a whole number of {unit}")
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("expected {what}, like {like}"));
    }
    text.parse()
        .map_err(|_| format!("expected {what} up to {}", u64::MAX))
}

/// clap's error as npm-token's lines (each becomes one `npm-token error` line): the problem,
/// clap's tips, an example, and the help to run. `args`: the command line, to tell which
/// subcommand was typed.
pub fn message(e: &clap::Error, args: &[OsString]) -> String {
    let mut root = Cli::command();
    // Global flags are copied into every subcommand, so each finds them.
    root.build();
    // (`to_str`: an argument that is not UTF-8 is no subcommand, and no reason to panic.)
    let sub = args
        .iter()
        .skip(1)
        .find_map(|arg| root.find_subcommand(arg.to_str()?));
    let (command, path) = match sub {
        Some(sub) => (sub, format!("npm-token {}", sub.get_name())),
        None => (&root, "npm-token".to_owned()),
    };
    let rendered = e.render().to_string();
    let args_named = invalid_args(e);
    let arg = args_named.first().and_then(|spec| find_arg(command, spec));
    let mut lines = problem(e, &rendered, command, &path, &args_named);
    lines.extend(
        rendered
            .lines()
            .map(str::trim)
            .filter(|line| line.starts_with("tip: ") || line.starts_with("[possible values: "))
            .map(str::to_owned),
    );
    let example = match (e.kind(), arg) {
        // The command's own example holds every argument it needs.
        (ErrorKind::MissingRequiredArgument | ErrorKind::UnknownArgument, _) | (_, None) => {
            command_example(sub.map(Command::get_name))
        }
        (_, Some(arg)) => arg_example(command, &path, arg),
    };
    lines.push(format!("Example: {example}"));
    lines.push(format!("Run `{path} --help` for usage."));
    lines.join("\n")
}

/// What was wrong, in one line or two: clap's first line, except where it names nothing
/// (a missing argument) or npm has its own words (an unknown subcommand).
fn problem(
    e: &clap::Error,
    rendered: &str,
    command: &Command,
    path: &str,
    named: &[String],
) -> Vec<String> {
    let first = || {
        rendered
            .lines()
            .find_map(|line| line.strip_prefix("error: "))
            .unwrap_or("invalid usage")
            .to_owned()
    };
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let problem = match e.get(ContextKind::InvalidSubcommand) {
                Some(ContextValue::String(name)) => {
                    format!("{name} is not a recognized subcommand.")
                }
                _ => first(),
            };
            let names: Vec<&str> = command
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                .map(Command::get_name)
                .collect();
            vec![problem, format!("The commands are: {}.", names.join(", "))]
        }
        ErrorKind::MissingRequiredArgument if !named.is_empty() => named
            .iter()
            .map(|spec| {
                let help = find_arg(command, spec)
                    .and_then(Arg::get_help)
                    .map(|h| format!(": {}", lowercase_first(&h.to_string())))
                    .unwrap_or_default();
                format!("`{path}` needs {spec}{help}")
            })
            .collect(),
        ErrorKind::ArgumentConflict => {
            let mut lines = vec![first()];
            let prior = match e.get(ContextKind::PriorArg) {
                Some(ContextValue::String(s)) => vec![s.clone()],
                Some(ContextValue::Strings(v)) => v.clone(),
                _ => Vec::new(),
            };
            let longs: Vec<&str> = named
                .iter()
                .chain(&prior)
                .filter_map(|spec| find_arg(command, spec)?.get_long())
                .collect();
            lines.extend(conflict_reason(&longs).map(str::to_owned));
            lines
        }
        _ => vec![first()],
    }
}

/// Why two flags cannot go together, where clap's words alone leave it a riddle.
fn conflict_reason(longs: &[&str]) -> Option<&'static str> {
    let has = |name| longs.contains(&name);
    if has("expired") && has("expires-within") {
        Some(
            "--expired picks tokens already expired or revoked, --expires-within tokens still \
             valid: together they match nothing; run one, then the other",
        )
    } else if has("table") && has("lines") {
        Some("both choose how tokens are shown: give one")
    } else {
        None
    }
}

/// The arguments clap's error names (`--expires-within <DAYS>`, `<ID|TOKEN>`).
fn invalid_args(e: &clap::Error) -> Vec<String> {
    match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        _ => Vec::new(),
    }
}

/// The argument clap names as `--long <VALUE>`, `--long=…`, `-p` or `<VALUE>`.
fn find_arg<'a>(command: &'a Command, spec: &str) -> Option<&'a Arg> {
    if let Some(rest) = spec.strip_prefix("--") {
        let long = rest.split([' ', '=']).next()?;
        command.get_arguments().find(|a| {
            a.get_long() == Some(long)
                || a.get_all_aliases()
                    .is_some_and(|aliases| aliases.contains(&long))
        })
    } else if let Some(rest) = spec.strip_prefix('-') {
        let short = rest.chars().next()?;
        command
            .get_arguments()
            .find(|a| a.get_short() == Some(short))
    } else {
        let name = spec.trim_start_matches('<').split('>').next()?;
        command.get_positionals().find(|a| {
            a.get_value_names()
                .is_some_and(|names| names.iter().any(|n| n.as_str() == name))
        })
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A command line that works, for a subcommand (`None`: the top level).
pub fn command_example(sub: Option<&str>) -> String {
    match sub {
        None | Some("list") => "npm-token list --expires-within 7",
        Some("create") => "npm-token create --name ci --read-only --cidr 192.0.2.0/24",
        Some("revoke") => "npm-token revoke 3f2a9c",
        Some("status") => "npm-token status --fail-within 14",
        Some("audit") => "npm-token audit --local",
        Some("rotate") => "npm-token rotate 3f2a9c --expires 30",
        Some("completions") => "npm-token completions zsh",
        Some("man") => "npm-token man > npm-token.1",
        Some(other) => return format!("npm-token {other}"),
    }
    .to_owned()
}

/// `path --flag VALUE` (or `path VALUE` for a positional) with a value that works, after
/// the arguments `command` requires (`npm-token rotate 3f2a9c --name ci`).
fn arg_example(command: &Command, path: &str, arg: &Arg) -> String {
    let mut words = vec![path.to_owned()];
    if !arg.is_positional() {
        words.extend(
            command
                .get_positionals()
                .filter(|p| p.is_required_set())
                .map(example_value),
        );
    }
    words.extend(match arg.get_long() {
        Some(long) => Some(format!("--{long}")),
        None => arg.get_short().map(|s| format!("-{s}")),
    });
    if arg.get_action().takes_values() {
        words.push(example_value(arg));
    }
    words.join(" ")
}

/// A value that works for `arg`, as it would be typed in a shell.
pub fn example_value(arg: &Arg) -> String {
    let by_name = match arg.get_long().unwrap_or(arg.get_id().as_str()) {
        "registry" => "https://registry.npmjs.org/",
        "otp" => "123456",
        "color" => "never",
        "userconfig" => "~/.npmrc",
        "globalconfig" => "/usr/local/etc/npmrc",
        "loglevel" => "http",
        "fetch-timeout" | "fetch-retry-maxtimeout" => "60000",
        "fetch-retries" => "2",
        "fetch-retry-factor" => "10",
        "fetch-retry-mintimeout" => "10000",
        "proxy" | "https-proxy" => "http://proxy.example.com:8080/",
        "noproxy" => "localhost,.example.com",
        "cafile" => "/etc/ssl/certs/ca-certificates.crt",
        "prefix" => "/usr/local",
        "auth-type" => "web",
        "name" => "ci",
        "token-description" => "'CI publish'",
        "expires" => "30",
        "packages" => "my-package",
        "scopes" => "@my-scope",
        "orgs" => "my-org",
        "cidr" => "192.0.2.0/24",
        "password" => "\"$NPM_PASSWORD\"",
        "expires-within" => "7",
        "unused-for" => "90",
        "fail-within" => "14",
        "shell" => "zsh",
        _ => "",
    };
    if !by_name.is_empty() {
        return by_name.to_owned();
    }
    if let Some(value) = arg
        .get_possible_values()
        .into_iter()
        .find(|v| !v.is_hide_set())
    {
        return value.get_name().to_owned();
    }
    let value_name = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map(|n| n.as_str());
    match value_name {
        Some("DAYS") => "7",
        Some("ID|TOKEN") => "3f2a9c",
        Some("URL") => "https://npm.example.com/",
        Some("MS") => "60000",
        Some("N") => "2",
        _ => "VALUE",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shell line's words: quotes group, a redirect ends the command.
    fn shell_words(line: &str) -> Vec<OsString> {
        let mut words = vec![String::new()];
        let mut quote = None;
        for c in line.chars() {
            match (quote, c) {
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, ' ') => words.push(String::new()),
                (None, '>') => break,
                (_, c) => words.last_mut().unwrap().push(c),
            }
        }
        words
            .into_iter()
            .filter(|w| !w.is_empty())
            .map(OsString::from)
            .collect()
    }

    fn parses(line: &str) -> Result<(), String> {
        crate::cli::parse(shell_words(line))
            .map(|_| ())
            .map_err(|e| format!("{line}: {e}"))
    }

    /// Every example a usage error can show is a command line that parses.
    #[test]
    fn every_example_parses() {
        let mut root = Cli::command();
        root.build();
        parses(&command_example(None)).unwrap();
        for sub in root.get_subcommands() {
            let name = sub.get_name();
            if name == "help" {
                continue;
            }
            parses(&command_example(Some(name))).unwrap();
            for arg in sub.get_arguments() {
                if arg.get_action().takes_values() {
                    let value = example_value(arg);
                    assert_ne!(value, "VALUE", "{name} {}: no example value", arg.get_id());
                    parses(&arg_example(sub, &format!("npm-token {name}"), arg)).unwrap();
                }
            }
        }
    }

    fn error(args: &[&str]) -> String {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let e = crate::cli::parse(args.clone())
            .err()
            .expect("a usage error");
        message(&e, &args)
    }

    #[test]
    fn a_missing_argument_is_named_with_an_example() {
        assert_eq!(
            error(&["npm-token", "rotate"]),
            "`npm-token rotate` needs <ID|TOKEN>: the token to replace, by its id (as `list` \
             shows it) or the full token\n\
             Example: npm-token rotate 3f2a9c --expires 30\n\
             Run `npm-token rotate --help` for usage."
        );
    }

    #[test]
    fn days_are_whole_numbers_with_an_example() {
        for flag in ["--expires-within", "--unused-for"] {
            for bad in ["7d", "-1", "1.5", "", "seven"] {
                let message = error(&["npm-token", "list", flag, bad]);
                assert!(
                    message.starts_with(&format!(
                        "invalid value '{bad}' for '{flag} <DAYS>': expected a whole number of \
                         days, like 7\nExample: npm-token list {flag} "
                    )),
                    "{message}"
                );
            }
        }
        let message = error(&["npm-token", "create", "--expires", "0"]);
        assert!(
            message.contains("expected a whole number of days, at least 1, like 30\nExample: npm-token create --expires 30\n"),
            "{message}"
        );
        assert_eq!(days("7"), Ok(7));
        assert!(days("99999999999").unwrap_err().contains("too many days"));
    }

    #[test]
    fn contradictory_filters_say_why() {
        let message = error(&["npm-token", "list", "--expired", "--expires-within", "7"]);
        assert!(message.contains("together they match nothing"), "{message}");
    }
}
