//! The command-line interface: what can be typed, and nothing else. Every flag becomes a
//! value in the highest config layer (see `to_layer`), so flags, `npm_config_*` variables and
//! npmrc files resolve through one mechanism, exactly as in npm.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::npmrc::{Layer, LayerKind, Value};

/// The three everyday uses, shown in every help page.
macro_rules! everyday_uses {
    () => {
        "\
Everyday uses:
  In a terminal, list your tokens (a table; npm's lines when piped):
    npm-token
  In CI, the keys of read-only tokens:
    npm-token list --json | jq -r '.[] | select(.readonly) | .key'
  A read-only token usable only from one network:
    npm-token create --read-only --cidr 192.0.2.0/24"
    };
}

const EXAMPLES: &str = concat!(
    everyday_uses!(),
    "

More:
  npm-token revoke 3f2a9c        revoke the token whose id `list` shows as 3f2a9c
  npm-token completions zsh      shell completions

Everything npm reads is read too: .npmrc files (project, user, global), npm_config_*
environment variables, and these flags, highest priority last."
);

const PERMISSIONS: [&str; 3] = ["read-only", "read-write", "no-access"];

#[derive(Parser)]
#[command(
    name = "npm-token",
    version,
    about = "List, create and revoke npm registry access tokens",
    long_about = "List, create and revoke npm registry access tokens.\n\n\
        A drop-in for `npm token`: the same configuration, the same outputs, faster, and \
        careful with your secrets. With no subcommand, lists your tokens.",
    after_help = EXAMPLES,
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
    List,
    /// Create a new token; prompts for your password
    #[command(after_help = CREATE_EXAMPLES)]
    Create(Box<CreateArgs>),
    /// Revoke tokens by id (a unique prefix of the key) or by the full token
    #[command(visible_aliases = ["rm", "delete", "remove"], after_help = REVOKE_EXAMPLES)]
    Revoke(RevokeArgs),
    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    #[command(hide = true)]
    Man,
}

const COMPLETIONS_EXAMPLES: &str = concat!(
    "\
Examples:
  npm-token completions bash > ~/.local/share/bash-completion/completions/npm-token
  npm-token completions zsh > \"${fpath[1]}/_npm-token\"
  npm-token completions fish > ~/.config/fish/completions/npm-token.fish

",
    everyday_uses!()
);

const LIST_EXAMPLES: &str = concat!(
    "\
Examples:
  npm-token list --parseable | cut -f1,3     key and id of every token
  npm-token list --registry https://npm.example.com/

",
    everyday_uses!()
);

const CREATE_EXAMPLES: &str = concat!(
    "\
Examples:
  npm-token create --cidr 192.0.2.0/24,198.51.100.0/24
  npm_config_password=\"$PASSWORD\" npm-token create --json | jq -r .token

The new token is printed once, in full, in every output format: store it now.

",
    everyday_uses!()
);

const REVOKE_EXAMPLES: &str = concat!(
    "\
Examples:
  npm-token revoke 3f2a9c
  npm-token rm 3f2a9c 7b1e04 --json

Every argument is checked against your token list before anything is revoked.

",
    everyday_uses!()
);

#[derive(Args)]
pub struct GlobalArgs {
    /// The registry to talk to [config: registry; default: https://registry.npmjs.org/]
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

    /// When to use colour [config: color; default: auto, or never when NO_COLOR is set]
    #[arg(long, global = true, value_name = "WHEN", value_parser = ["auto", "always", "never"])]
    pub color: Option<String>,

    /// The user config file [default: ~/.npmrc]
    #[arg(long, global = true, value_name = "PATH")]
    pub userconfig: Option<PathBuf>,

    /// The global config file [default: <prefix>/etc/npmrc, as npm finds it]
    #[arg(long, global = true, value_name = "PATH")]
    pub globalconfig: Option<PathBuf>,

    /// How much to log on stderr; `http` logs every request [default: notice]
    #[arg(long, global = true, value_name = "LEVEL", value_parser = crate::log::LEVELS)]
    pub loglevel: Option<String>,
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
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..))]
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

    /// Permission on the packages and scopes
    #[arg(long, value_name = "PERMISSION", value_parser = PERMISSIONS)]
    pub packages_and_scopes_permission: Option<String>,

    /// Permission on the organizations
    #[arg(long, value_name = "PERMISSION", value_parser = PERMISSIONS)]
    pub orgs_permission: Option<String>,

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

#[derive(Args)]
pub struct RevokeArgs {
    /// Token ids (unique key prefixes, as `list` shows them) or full tokens
    #[arg(value_name = "ID|TOKEN")]
    pub ids: Vec<String>,
}

impl Cli {
    /// The flags the user typed, as npm config keys in the highest-priority layer.
    pub fn to_layer(&self) -> Layer {
        let mut values = BTreeMap::new();
        let mut set = |key: &str, value: Value| {
            values.insert(key.to_owned(), value);
        };
        let g = &self.global;
        let strings = [
            ("registry", &g.registry),
            ("otp", &g.otp),
            ("loglevel", &g.loglevel),
        ];
        for (key, value) in strings {
            if let Some(v) = value {
                set(key, Value::Str(v.clone()));
            }
        }
        // npm's `color` config: true (only on a terminal), false, or "always".
        if let Some(when) = &g.color {
            let value = match when.as_str() {
                "always" => Value::Str("always".into()),
                "never" => Value::Bool(false),
                _ => Value::Bool(true),
            };
            set("color", value);
        }
        if let Some(path) = &g.globalconfig {
            set("globalconfig", Value::Str(path.display().to_string()));
        }
        if let Some(path) = &g.userconfig {
            set("userconfig", Value::Str(path.display().to_string()));
        }
        for (key, on) in [("json", g.json), ("parseable", g.parseable)] {
            if on {
                set(key, Value::Bool(true));
            }
        }
        if let Some(Command::Create(c)) = &self.command {
            let strings = [
                ("name", &c.name),
                ("token-description", &c.token_description),
                (
                    "packages-and-scopes-permission",
                    &c.packages_and_scopes_permission,
                ),
                ("orgs-permission", &c.orgs_permission),
                ("password", &c.password),
            ];
            for (key, value) in strings {
                if let Some(v) = value {
                    set(key, Value::Str(v.clone()));
                }
            }
            if let Some(days) = c.expires {
                set("expires", Value::Str(days.to_string()));
            }
            let lists = [
                ("packages", &c.packages),
                ("scopes", &c.scopes),
                ("orgs", &c.orgs),
                ("cidr", &c.cidr),
            ];
            for (key, list) in lists {
                if !list.is_empty() {
                    set(key, Value::List(list.clone()));
                }
            }
            let flags = [
                ("packages-all", c.packages_all),
                ("bypass-2fa", c.bypass_2fa),
                ("read-only", c.read_only),
            ];
            for (key, on) in flags {
                if on {
                    set(key, Value::Bool(true));
                }
            }
        }
        Layer::new(LayerKind::Cli, None, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_become_the_cli_layer() {
        let cli = Cli::try_parse_from([
            "npm-token",
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
        ])
        .unwrap();
        let layer = cli.to_layer();
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
        assert!(layer.get("parseable").is_none());
    }

    #[test]
    fn aliases_and_default_subcommand() {
        for alias in ["rm", "delete", "remove", "revoke"] {
            let cli = Cli::try_parse_from(["npm-token", alias, "abc123"]).unwrap();
            assert!(matches!(cli.command, Some(Command::Revoke(_))));
        }
        let cli = Cli::try_parse_from(["npm-token", "ls", "--porcelain"]).unwrap();
        assert!(matches!(cli.command, Some(Command::List)) && cli.global.parseable);
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
