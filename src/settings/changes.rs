//! How a new token differs from the old one `rotate` replaces, and which setting made it so:
//! a setting in an npmrc file or an `npm_config_*` variable changes a rotated token as a flag
//! does, and is said, never applied silently.

use serde_json::{json, Value};

use super::create::SpecSettings;
use crate::npmrc::{Config, LayerKind};
use crate::registry::{Permission, TokenSpec};

/// One way the new token differs from the old one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What differs, in words: `CIDR list`.
    pub what: &'static str,
    pub old: String,
    pub new: String,
    /// The setting that asked for it, as the user gave it: `--cidr`, `npm_config_cidr`,
    /// `cidr in /home/me/.npmrc`.
    pub from: String,
    /// Given on the command line: the user asked for it in this very command.
    pub on_command_line: bool,
}

impl Change {
    /// For `--json`'s `created` line.
    pub fn to_json(&self) -> Value {
        json!({"what": self.what, "old": self.old, "new": self.new, "from": self.from})
    }
}

/// Where a setting was given, as the user would look for it.
pub(super) fn origin(config: &Config, key: &str) -> Option<(String, bool)> {
    let (_, layer) = config.get_with_layer(key)?;
    Some(match layer.kind {
        LayerKind::Cli => (format!("--{key}"), true),
        LayerKind::Env => (format!("npm_config_{}", key.replace('-', "_")), false),
        _ => (format!("{key} in {}", layer.describe()), false),
    })
}

impl SpecSettings {
    /// How `new` (this laid over `old`) differs from `old`, field by field, each with the
    /// setting that changed it: its own, or `read-only` (which lowers a permission copied
    /// from the old token) or `packages-all` (which drops its list of packages and scopes).
    pub fn changes(&self, old: &TokenSpec, new: &TokenSpec) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut field = |what, key: &str, implied_by: Option<&str>, old: String, new: String| {
            if old == new {
                return;
            }
            let by = |key: &str| self.origins.iter().find(|(k, _)| *k == key);
            let Some((_, (from, on_command_line))) = by(key).or_else(|| implied_by.and_then(by))
            else {
                return;
            };
            changes.push(Change {
                what,
                old,
                new,
                from: from.clone(),
                on_command_line: *on_command_line,
            });
        };
        let text = |s: &Option<String>| s.clone().unwrap_or_else(|| "none".into());
        let list = |l: &[String]| match l {
            [] => "none".to_owned(),
            l => l.join(", "),
        };
        let permission = |p: Option<Permission>| {
            p.map_or("none (a classic token)", Permission::as_str)
                .to_owned()
        };
        let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let days = |d: Option<u32>| d.map_or("no expiry".to_owned(), |d| format!("{d} days"));
        field("name", "name", None, text(&old.name), text(&new.name));
        field(
            "description",
            "token-description",
            None,
            text(&old.description),
            text(&new.description),
        );
        field(
            "packages",
            "packages",
            Some("packages-all"),
            list(&old.packages),
            list(&new.packages),
        );
        field(
            "all packages",
            "packages-all",
            None,
            yes(old.packages_all),
            yes(new.packages_all),
        );
        field(
            "scopes",
            "scopes",
            Some("packages-all"),
            list(&old.scopes),
            list(&new.scopes),
        );
        field("orgs", "orgs", None, list(&old.orgs), list(&new.orgs));
        field(
            "packages and scopes permission",
            "packages-and-scopes-permission",
            Some("read-only"),
            permission(old.packages_and_scopes_permission),
            permission(new.packages_and_scopes_permission),
        );
        field(
            "orgs permission",
            "orgs-permission",
            Some("read-only"),
            permission(old.orgs_permission),
            permission(new.orgs_permission),
        );
        field(
            "lifetime",
            "expires",
            None,
            days(old.expires_days),
            days(new.expires_days),
        );
        field(
            "CIDR list",
            "cidr",
            None,
            list(&old.cidr_whitelist),
            list(&new.cidr_whitelist),
        );
        field(
            "2FA bypass",
            "bypass-2fa",
            None,
            yes(old.bypass_2fa),
            yes(new.bypass_2fa),
        );
        field(
            "read-only",
            "read-only",
            None,
            yes(old.readonly),
            yes(new.readonly),
        );
        changes
    }
}
