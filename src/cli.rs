//! The command-line interface: what can be typed, and nothing else. Every flag becomes a
//! value in the highest config layer (see `parse`), so flags, `npm_config_*` variables and
//! npmrc files resolve through one mechanism, exactly as in npm.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::hygiene::Filters;
use crate::log::LogLevel;
use crate::output::Color;
use crate::registry::Permission;
use crate::usage;

mod layer;
pub use layer::parse;

/// The top level's examples: all of them in `-h`; `--help` adds where settings come from.
macro_rules! examples {
    () => {
        "\
Everyday uses:
  In a terminal, list your tokens (a table; npm's lines when piped):
    npm-token
  In a script, each token's id and expiry (npmjs.org's tokens expire):
    npm-token list --json | jq -r '.[] | [.id, .expiry] | @tsv'
  A read-only token usable only from one network:
    npm-token create --read-only --cidr 192.0.2.0/24

More:
  npm-token revoke 3f2a9c      revoke the token `list` shows as 3f2a9c
  npm-token completions zsh    shell completions"
    };
}

const EXAMPLES: &str = examples!();

const LONG_EXAMPLES: &str = concat!(
    examples!(),
    "

Everything npm reads is read too: .npmrc files (project, user, global), npm_config_* \
environment variables, and these flags, highest priority last. Every flag is the npm \
config key of the same name, written as npm writes it (--key=value, --no-key)."
);

#[derive(Parser)]
#[command(
    name = "npm-token",
    version,
    about = "List, create and revoke npm registry access tokens",
    long_about = "List, create and revoke npm registry access tokens.\n\n\
        A drop-in for `npm token`: the same configuration, the same outputs, faster, and \
        careful with your secrets. With no subcommand, lists your tokens.",
    after_help = EXAMPLES,
    after_long_help = LONG_EXAMPLES,
    args_conflicts_with_subcommands = false
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Subcommand)]
pub enum Command {
    /// List your tokens (the default)
    #[command(visible_alias = "ls", after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Create a new token; prompts for your password
    #[command(after_help = CREATE_EXAMPLES)]
    Create(Box<CreateArgs>),
    /// Revoke tokens by id (a unique prefix of the key), by the full token, or by filter
    #[command(visible_aliases = ["rm", "delete", "remove"], after_help = REVOKE_EXAMPLES)]
    Revoke(RevokeArgs),
    /// Show the registry, your user, and the token this configuration uses
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
    /// Find what is not ready for January 2027, or not safe: your tokens and this machine
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Replace a token with a new one like it: create, hand over, test, then revoke the old
    #[command(after_help = ROTATE_EXAMPLES)]
    Rotate(Box<RotateArgs>),
    /// Print a shell completion script
    #[command(
        after_help = COMPLETIONS_EXAMPLES,
        override_usage = "npm-token completions <SHELL>",
        help_template = OFFLINE_HELP
    )]
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): npm-token man > ~/.local/share/man/man1/npm-token.1
    #[command(override_usage = "npm-token man", help_template = OFFLINE_HELP)]
    Man,
}

/// Help for the commands that read no configuration and send no request: the global flags,
/// which they accept but ignore, are left out.
const OFFLINE_HELP: &str =
    "{about-with-newline}\n{usage-heading} {usage}\n\n{positionals}{after-help}";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  mkdir -p ~/.local/share/bash-completion/completions
  npm-token completions bash > ~/.local/share/bash-completion/completions/npm-token
  mkdir -p ~/.zfunc    # and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
  npm-token completions zsh > ~/.zfunc/_npm-token
  mkdir -p ~/.config/fish/completions
  npm-token completions fish > ~/.config/fish/completions/npm-token.fish";

const LIST_EXAMPLES: &str = "\
Examples:
  npm-token list --expired                 expired or revoked tokens
  npm-token list --unused-for 90 --json    tokens nobody used for 90 days
  npm-token list --parseable | cut -f1,3   key and id of every token
  npm-token list --registry https://npm.example.com/
  # the ids of the tokens that can publish directly (granular tokens only)
  npm-token list --json |
    jq -r '.[] | select(any(.permissions[]?; .action == \"write\")) | .id'";

const STATUS_EXAMPLES: &str = "\
Examples:
  npm-token status
  npm-token status --fail-within 14    in CI: exit 3 with 14 days or less left
  npm-token status --json | jq .token.expiry";

const AUDIT_EXAMPLES: &str = "\
Examples:
  npm-token audit            your tokens and this machine, by severity
  npm-token audit --local    in CI: this machine's npmrc files and environment
  npm-token audit --json | jq -r '.tokens[]?.findings[].fix'

Exit status: 0 nothing to report, 3 findings, 1 an error (or the tokens could not be \
listed and this machine has nothing to report).";

const ROTATE_EXAMPLES: &str = "\
Examples:
  # a new token like 3f2a9c, then 3f2a9c revoked
  npm-token rotate 3f2a9c
  # the same, expiring in 30 days
  npm-token rotate 3f2a9c --expires 30
  # the token in use: the new one is written into its npmrc
  npm-token rotate 3f2a9c --save
  # the same rights, releases staged for your 2FA approval (January 2027)
  npm-token rotate 3f2a9c --packages-and-scopes-permission read-write-stage-only
  # in CI: keep the old one, store the new one, then revoke the old one
  npm-token rotate 3f2a9c --keep-old --json > rotated.jsonl
  jq -r 'select(.step == \"created\") | .created.token' rotated.jsonl

The new token is asked for with the old one's name, description, packages, scopes, orgs, \
permissions, CIDR list, 2FA bypass and lifetime; an option given (on the command line, in an \
npmrc or as npm_config_*) replaces that part, and each difference is said first.

Four steps, each said as it is done: create the new token, hand it over (printed once, in \
full; with --save, saved), test it (it must sign in as you; --no-verify skips), and only \
then revoke the old one. A step that fails stops there and says what exists.";

const CREATE_EXAMPLES: &str = "\
Examples:
  npm-token create --cidr 192.0.2.0/24,198.51.100.0/24
  npm_config_password=\"$PASSWORD\" npm-token create --json | jq -r .token

The new token is printed once, in full, in every output format: store it now.";

const REVOKE_EXAMPLES: &str = "\
Examples:
  npm-token revoke 3f2a9c
  npm-token rm 3f2a9c 7b1e04 --json
  npm-token revoke --expired --dry-run       what a clean-up would revoke
  npm-token revoke --expired --yes           in CI: revoke every expired token

Every argument is checked against your token list before anything is revoked. With \
filters, the tokens that match are shown first and revoked after you confirm (or with \
--yes); the token this configuration uses is never revoked by a filter.";

/// Flags every command takes. Each flag's long name is the npm config key it sets: flags
/// are the highest config layer (see `parse`), so a flag, an `npm_config_*` variable and an
/// npmrc line are one setting, read in one place (`Config`'s typed getters).
#[derive(Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The registry to talk to [default: https://registry.npmjs.org/]
    #[arg(long, global = true, value_name = "URL")]
    pub registry: Option<String>,

    /// A one-time password from your authenticator, sent with every request
    #[arg(long, global = true, value_name = "CODE")]
    pub otp: Option<String>,

    /// Print JSON
    #[arg(long, global = true)]
    pub json: bool,

    /// Print tab-separated values
    #[arg(short = 'p', long, visible_alias = "porcelain", global = true)]
    pub parseable: bool,

    /// Show a table even when stdout is not a terminal
    #[arg(long, global = true, conflicts_with = "lines")]
    pub table: bool,

    /// Print npm's line format even in a terminal
    #[arg(long, global = true)]
    pub lines: bool,

    /// When to use colour (`--no-color` is never) [default: auto, or never when NO_COLOR is set]
    #[arg(long, global = true, value_name = "WHEN")]
    pub color: Option<Color>,

    /// The user config file [default: ~/.npmrc]
    #[arg(long, global = true, value_name = "PATH")]
    pub userconfig: Option<PathBuf>,

    /// The global config file [default: <prefix>/etc/npmrc, as npm finds it]
    #[arg(long, global = true, value_name = "PATH")]
    pub globalconfig: Option<PathBuf>,

    /// How much to log on stderr; `http` logs every request [default: notice]
    /// (npm's shorthands: -s/--silent, -q/--quiet, -d for info, --verbose)
    #[arg(long, global = true, value_name = "LEVEL")]
    pub loglevel: Option<LogLevel>,

    #[command(flatten)]
    pub network: NetworkArgs,
}

/// npm's network settings, as flags.
#[derive(Args)]
#[command(next_help_heading = "Network options")]
pub struct NetworkArgs {
    /// Milliseconds to wait for the registry (0: for ever) [default: 300000]
    #[arg(long, global = true, hide_short_help = true, value_name = "MS", value_parser = usage::milliseconds)]
    pub fetch_timeout: Option<u64>,

    /// How many times to retry a failed GET, or a 429 [default: 2]
    #[arg(long, global = true, hide_short_help = true, value_name = "N", value_parser = usage::count)]
    pub fetch_retries: Option<u64>,

    /// The growth factor of the wait between retries [default: 10]
    #[arg(long, global = true, hide_short_help = true, value_name = "N", value_parser = usage::count)]
    pub fetch_retry_factor: Option<u64>,

    /// The first wait before a retry, in milliseconds [default: 10000]
    #[arg(long, global = true, hide_short_help = true, value_name = "MS", value_parser = usage::milliseconds)]
    pub fetch_retry_mintimeout: Option<u64>,

    /// The longest wait before a retry, in milliseconds [default: 60000]
    #[arg(long, global = true, hide_short_help = true, value_name = "MS", value_parser = usage::milliseconds)]
    pub fetch_retry_maxtimeout: Option<u64>,

    /// A proxy for every request [default: HTTP_PROXY]
    #[arg(long, global = true, hide_short_help = true, value_name = "URL")]
    pub proxy: Option<String>,

    /// A proxy for https requests, before `proxy` [default: HTTPS_PROXY]
    #[arg(long, global = true, hide_short_help = true, value_name = "URL")]
    pub https_proxy: Option<String>,

    /// Hosts to reach without a proxy, comma-separated [default: NO_PROXY]
    #[arg(long, global = true, hide_short_help = true, value_name = "HOSTS")]
    pub noproxy: Option<String>,

    /// Check the registry's TLS certificate, as is the default (`--no-strict-ssl`: do not)
    #[arg(long, global = true, hide_short_help = true)]
    pub strict_ssl: bool,

    /// A file of PEM certificates to trust instead of the built-in ones
    #[arg(long, global = true, hide_short_help = true, value_name = "PATH")]
    pub cafile: Option<PathBuf>,

    /// The folder whose etc/npmrc is the global config [default: as npm finds it]
    #[arg(long, global = true, hide_short_help = true, value_name = "PATH")]
    pub prefix: Option<PathBuf>,

    /// npm's `auth-type`, sent to the registry as `npm-auth-type` [default: web]
    #[arg(long, global = true, hide_short_help = true, value_name = "TYPE")]
    pub auth_type: Option<String>,
}

#[derive(Args)]
pub struct CreateArgs {
    /// A name for the token
    #[arg(long)]
    pub name: Option<String>,

    /// A description for the token
    #[arg(long, value_name = "TEXT")]
    pub token_description: Option<String>,

    /// Expire the token after this many days
    #[arg(long, value_name = "DAYS", value_parser = usage::lifetime_days, allow_negative_numbers = true)]
    pub expires: Option<u32>,

    /// Limit the token to these packages (repeatable)
    #[arg(long, value_name = "PACKAGE")]
    pub packages: Vec<String>,

    /// Give the token access to all your packages
    #[arg(long)]
    pub packages_all: bool,

    /// Limit the token to these scopes, with or without `@` (repeatable)
    #[arg(long, value_name = "SCOPE")]
    pub scopes: Vec<String>,

    /// Limit the token to these organizations (repeatable)
    #[arg(long, value_name = "ORG")]
    pub orgs: Vec<String>,

    /// Permission on the packages and scopes; read-write-stage-only stages releases for
    /// your 2FA approval instead of publishing them
    #[arg(long, value_name = "PERMISSION")]
    pub packages_and_scopes_permission: Option<Permission>,

    /// Permission on the organizations
    #[arg(long, value_name = "PERMISSION", value_parser = orgs_permission())]
    pub orgs_permission: Option<Permission>,

    /// Allow the token only from these IPv4 networks (repeatable, or comma-separated)
    #[arg(long, value_name = "CIDR")]
    pub cidr: Vec<String>,

    /// Let the token bypass two-factor authentication
    #[arg(long = "bypass-2fa")]
    pub bypass_2fa: bool,

    /// Your password; prefer the prompt or npm_config_password, which stay out of shell history
    #[arg(long)]
    pub password: Option<String>,

    /// Make a read-only token: it can install but not publish
    #[arg(long, visible_alias = "readonly")]
    pub read_only: bool,
}

/// Which tokens: every filter given must match. Read from the command line only: no npmrc
/// or environment variable ever selects tokens to revoke.
#[derive(Args, Clone, Copy, Debug, Default)]
#[command(next_help_heading = "Filters")]
pub struct FilterArgs {
    /// Tokens past their expiry, or revoked
    #[arg(long, conflicts_with = "expires_within")]
    pub expired: bool,

    /// Tokens still valid that expire within DAYS days
    #[arg(long, value_name = "DAYS", value_parser = usage::days, allow_negative_numbers = true)]
    pub expires_within: Option<u32>,

    /// Tokens last used more than DAYS days ago (or never, and created before that)
    #[arg(long, value_name = "DAYS", value_parser = usage::days, allow_negative_numbers = true)]
    pub unused_for: Option<u32>,
}

impl FilterArgs {
    pub fn filters(self) -> Filters {
        Filters {
            expired: self.expired,
            expires_within: self.expires_within,
            unused_for: self.unused_for,
        }
    }
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Args)]
pub struct RevokeArgs {
    /// Token ids (unique key prefixes, as `list` shows them) or full tokens
    #[arg(value_name = "ID|TOKEN")]
    pub ids: Vec<String>,

    /// Revoke what the filters match without asking (needed without a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Show what would be revoked, and revoke nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Args)]
pub struct StatusArgs {
    /// Exit 3 when the token in use is expired, revoked, or expires within DAYS days
    #[arg(long, value_name = "DAYS", value_parser = usage::days, allow_negative_numbers = true)]
    pub fail_within: Option<u32>,
}

#[derive(Args)]
pub struct AuditArgs {
    /// Check this machine only (npmrc files and environment); send no request
    #[arg(long)]
    pub local: bool,
}

#[derive(Args)]
pub struct RotateArgs {
    /// The token to replace, by its id (as `list` shows it) or the full token
    #[arg(value_name = "ID|TOKEN")]
    pub target: String,

    /// Create the new token, and leave the old one working
    #[arg(long)]
    pub keep_old: bool,

    /// Write the new token into the npmrc the old one was read from (the token in use only)
    #[arg(long)]
    pub save: bool,

    /// Do not test the new token before revoking the old one (for a token limited to
    /// networks this machine is outside)
    #[arg(long = "no-verify")]
    pub no_verify: bool,

    /// What the new token gets instead of the old one's
    #[command(flatten)]
    pub create: CreateArgs,
}

impl clap::ValueEnum for Permission {
    fn value_variants<'a>() -> &'a [Self] {
        &Permission::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// `--orgs-permission`: help lists what organizations take. `read-write-stage-only` is
/// parsed all the same, so that the settings refuse it in one line, as from an npmrc.
fn orgs_permission() -> impl clap::builder::TypedValueParser<Value = Permission> {
    let values = Permission::ALL
        .map(|p| clap::builder::PossibleValue::new(p.as_str()).hide(!p.applies_to_orgs()));
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(values).try_map(|s| s.parse::<Permission>())
}

/// What a command line asks for: a job against the registry, or text made from the clap
/// tree alone (no configuration, no network).
pub enum Request {
    Registry(Job),
    Completions(clap_complete::Shell),
    Man,
}

/// A job against the registry, with what was typed for it that is not configuration.
#[derive(Debug)]
pub enum Job {
    List { filters: Filters },
    Create,
    Revoke(RevokeJob),
    Status { fail_within: Option<u32> },
    Audit { local: bool },
    Rotate(RotateJob),
}

/// `revoke`: ids, or filters.
pub struct RevokeJob {
    /// Ids, or full tokens: Debug shows how many, not what.
    pub ids: Vec<String>,
    pub filters: Filters,
    pub yes: bool,
    pub dry_run: bool,
}

impl std::fmt::Debug for RevokeJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevokeJob")
            .field("ids", &format_args!("[{} given]", self.ids.len()))
            .field("filters", &self.filters)
            .field("yes", &self.yes)
            .field("dry_run", &self.dry_run)
            .finish()
    }
}

/// `rotate`: which token, and what becomes of the old one.
pub struct RotateJob {
    /// An id or a full token, as `revoke` takes them: Debug shows neither.
    pub target: String,
    pub keep_old: bool,
    pub save: bool,
    /// Test the new token (`GET /-/whoami` with it) before revoking the old one.
    pub verify: bool,
}

impl std::fmt::Debug for RotateJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RotateJob")
            .field("target", &"REDACTED")
            .field("keep_old", &self.keep_old)
            .field("save", &self.save)
            .field("verify", &self.verify)
            .finish()
    }
}

impl Cli {
    pub fn request(&self) -> Request {
        match &self.command {
            None => Request::Registry(Job::List {
                filters: Filters::default(),
            }),
            Some(Command::List(args)) => Request::Registry(Job::List {
                filters: args.filters.filters(),
            }),
            Some(Command::Create(_)) => Request::Registry(Job::Create),
            Some(Command::Revoke(args)) => Request::Registry(Job::Revoke(RevokeJob {
                ids: args.ids.clone(),
                filters: args.filters.filters(),
                yes: args.yes,
                dry_run: args.dry_run,
            })),
            Some(Command::Status(args)) => Request::Registry(Job::Status {
                fail_within: args.fail_within,
            }),
            Some(Command::Audit(args)) => Request::Registry(Job::Audit { local: args.local }),
            Some(Command::Rotate(args)) => Request::Registry(Job::Rotate(RotateJob {
                target: args.target.clone(),
                keep_old: args.keep_old,
                save: args.save,
                verify: !args.no_verify,
            })),
            Some(Command::Completions { shell }) => Request::Completions(*shell),
            Some(Command::Man) => Request::Man,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npmrc::{Layer, Value};
    use clap::CommandFactory;
    use std::ffi::OsString;

    /// `revoke` and `rotate` take a full token as well as an id: a Debug print of what was
    /// typed (of the settings holding it) shows neither.
    #[test]
    fn a_token_typed_as_an_argument_stays_out_of_debug_prints() {
        let token = "npm_NYn6aBcDeFgHiJkLmNoPqRsTuVwXyZ12jCq0";
        let revoke = RevokeJob {
            ids: vec!["3f2a9c".into(), token.into()],
            filters: Filters::default(),
            yes: false,
            dry_run: true,
        };
        let rotate = RotateJob {
            target: token.into(),
            keep_old: false,
            save: false,
            verify: true,
        };
        for shown in [format!("{revoke:?}"), format!("{rotate:?}")] {
            assert!(!shown.contains("NYn6"), "{shown}");
        }
        assert!(format!("{revoke:?}").contains("dry_run: true"));
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn layer(args: &[&str]) -> Layer {
        let args = std::iter::once("npm-token").chain(args.iter().copied());
        parse(args.map(OsString::from)).unwrap().layer
    }

    #[test]
    fn flags_become_the_cli_layer() {
        let layer = layer(&[
            "create",
            "--cidr",
            "10.0.0.0/8",
            "--cidr",
            "192.0.2.0/24",
            "--readonly",
            "--json",
            "--expires",
            "30",
            "--registry",
            "http://r/",
            "--fetch-retries=0",
        ]);
        assert!(layer.get("read-only") == Some(&Value::Bool(true)));
        assert!(layer.get("json") == Some(&Value::Bool(true)));
        assert!(layer.get("expires") == Some(&Value::Str("30".into())));
        assert!(
            layer.get("cidr")
                == Some(&Value::List(vec![
                    "10.0.0.0/8".into(),
                    "192.0.2.0/24".into()
                ]))
        );
        assert!(layer.get("registry") == Some(&Value::Str("http://r/".into())));
        assert!(layer.get("fetch-retries") == Some(&Value::Str("0".into())));
        assert!(layer.get("parseable").is_none());
    }

    #[test]
    fn after_a_double_dash_everything_is_a_value() {
        let args = ["npm-token", "revoke", "--", "-s", "--no-json", "abc123"];
        let parsed = parse(args.map(OsString::from)).unwrap();
        let Some(Command::Revoke(revoke)) = parsed.cli.command else {
            panic!("not revoke");
        };
        assert_eq!(revoke.ids, ["-s", "--no-json", "abc123"]);
        assert!(parsed.layer.get("json").is_none() && parsed.layer.get("loglevel").is_none());
    }

    #[test]
    fn booleans_negate_and_shorthands_expand_as_in_npm() {
        let flags = layer(&["--no-json", "--parseable=true", "-s", "--strict-ssl=false"]);
        assert!(flags.get("json") == Some(&Value::Bool(false)));
        assert!(flags.get("parseable") == Some(&Value::Bool(true)));
        assert!(flags.get("loglevel") == Some(&Value::Str("silent".into())));
        assert!(flags.get("strict-ssl") == Some(&Value::Bool(false)));
        let flags = layer(&["ls", "--no-color", "--no-strict-ssl", "--verbose"]);
        assert!(flags.get("color") == Some(&Value::Str("never".into())));
        assert!(flags.get("strict-ssl") == Some(&Value::Bool(false)));
        assert!(flags.get("loglevel") == Some(&Value::Str("verbose".into())));
        let flags = layer(&["--color=false", "create", "--no-bypass-2fa"]);
        assert!(flags.get("color") == Some(&Value::Str("false".into())));
        assert!(flags.get("bypass-2fa") == Some(&Value::Bool(false)));
        // Not a boolean: left to clap, which names the flag it knows.
        let parse = |args: &[&str]| {
            let args = std::iter::once("npm-token").chain(args.iter().copied());
            parse(args.map(OsString::from)).err().map(|e| e.to_string())
        };
        let err = parse(&["--no-registry"]).unwrap();
        assert!(err.contains("unexpected argument '--no-registry'"), "{err}");
        let err = parse(&["--jsn"]).unwrap();
        assert!(
            err.contains("tip: a similar argument exists: '--json'"),
            "{err}"
        );
    }

    #[test]
    fn the_last_of_a_boolean_flag_decides_in_every_spelling() {
        let parsed = |args: &[&str]| {
            let args = std::iter::once("npm-token").chain(args.iter().copied());
            parse(args.map(OsString::from)).unwrap()
        };
        let revoke = |args: &[&str]| {
            let parsed = parsed(args);
            let Some(Command::Revoke(revoke)) = parsed.cli.command else {
                panic!("not revoke: {args:?}");
            };
            (revoke.yes, revoke.dry_run, parsed.layer.get("yes").cloned())
        };
        // The command and the config layer agree, and the last word is the one kept.
        assert_eq!(
            revoke(&["revoke", "--expired", "--yes", "--no-yes"]),
            (false, false, Some(Value::Bool(false)))
        );
        assert_eq!(
            revoke(&["revoke", "--expired", "-y", "--yes=false"]),
            (false, false, Some(Value::Bool(false)))
        );
        assert_eq!(
            revoke(&["revoke", "--expired", "--no-yes", "-y", "--yes"]),
            (true, false, Some(Value::Bool(true)))
        );
        assert!(!revoke(&["revoke", "--expired", "--dry-run", "--no-dry-run"]).1);
        assert!(revoke(&["revoke", "--expired", "--no-dry-run", "--dry-run"]).1);
        // Short flags together, and an alias.
        let flags = parsed(&["ls", "-p", "--no-parseable"]);
        assert!(!flags.cli.global.parseable);
        assert_eq!(flags.layer.get("parseable"), Some(&Value::Bool(false)));
        let flags = parsed(&["ls", "--no-parseable", "--porcelain"]);
        assert!(flags.cli.global.parseable);
        assert_eq!(flags.layer.get("parseable"), Some(&Value::Bool(true)));
        assert!(revoke(&["revoke", "--expired", "-yp"]).0);
        let flags = parsed(&["--no-json", "--json"]);
        assert!(flags.cli.global.json && flags.layer.get("json") == Some(&Value::Bool(true)));
        // Not flags: a value after `--`, and a negative number.
        let flags = parsed(&["revoke", "--", "-y", "--no-yes"]);
        assert!(flags.layer.get("yes").is_none());
        let Some(Command::Revoke(revoke)) = flags.cli.command else {
            panic!("not revoke");
        };
        assert_eq!(revoke.ids, ["-y", "--no-yes"]);
    }

    #[test]
    fn aliases_and_default_subcommand() {
        for alias in ["rm", "delete", "remove", "revoke"] {
            let cli = Cli::try_parse_from(["npm-token", alias, "abc123"]).unwrap();
            assert!(matches!(cli.command, Some(Command::Revoke(_))));
        }
        let cli = Cli::try_parse_from(["npm-token", "ls", "--porcelain"]).unwrap();
        assert!(matches!(cli.command, Some(Command::List(_))) && cli.global.parseable);
        let cli = Cli::try_parse_from(["npm-token", "--json"]).unwrap();
        assert!(cli.command.is_none() && cli.global.json);
    }

    #[test]
    fn permissions_and_expiry_are_checked_locally() {
        assert!(
            Cli::try_parse_from(["npm-token", "create", "--orgs-permission", "admin"]).is_err()
        );
        assert!(Cli::try_parse_from(["npm-token", "create", "--expires", "0"]).is_err());
        assert!(Cli::try_parse_from(["npm-token", "create", "--expires", "soon"]).is_err());
    }
}
