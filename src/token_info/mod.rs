//! What one listed token is, typed: its kind, what it may do, what it covers, and when it
//! expires and was last used. Pure: everything that depends on the time takes `now`.
//!
//! Registries send two shapes (see `notes/npmjs-granular-tokens.md`):
//! - a *classic* token (`readonly`, `automation`, `cidr_whitelist`; Verdaccio sends `cidr`);
//! - a *granular* access token, GAT (`name`, `description`, `expiry`, `accessed`, `revoked`,
//!   `cidr`, `bypass_2fa`, `permissions[{name, action}]`, `scopes[{name, type}]`, and for
//!   stage-only tokens perhaps `publish_policy`), which is every token npmjs.org lists since
//!   December 2025.
//!
//! Registry text is hostile: any field may be missing, null or of another type. A field of
//! the wrong type is treated as absent, so reading a token never fails.

mod access;
mod coverage;
mod dates;
mod mask;
mod successor;

use std::fmt;

use serde_json::{Map, Value};

use access::grants;
pub use access::{Access, Grant, Level, PublishingPower, Resource};
use coverage::coverage;
pub use coverage::Coverage;
pub use dates::{Date, Now, Status, When};
#[cfg(test)]
use mask::mask_matches;

/// One listed token, as far as the registry told us.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenInfo {
    key: Option<String>,
    mask: Option<String>,
    name: Option<String>,
    description: Option<String>,
    created: Option<Date>,
    updated: Option<Date>,
    expiry: When,
    last_use: When,
    revoked: Option<Date>,
    cidr: Option<Vec<String>>,
    bypass_2fa: bool,
    access: Access,
    coverage: Coverage,
}

// Keys and masks are not the secret itself, but they identify one; keep Debug free of both.
impl fmt::Debug for TokenInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |field: &Option<String>| field.as_ref().map(|_| "REDACTED");
        f.debug_struct("TokenInfo")
            .field("key", &redacted(&self.key))
            .field("mask", &redacted(&self.mask))
            .field("name", &self.name)
            .field("description", &self.description)
            .field("created", &self.created)
            .field("updated", &self.updated)
            .field("expiry", &self.expiry)
            .field("last_use", &self.last_use)
            .field("revoked", &self.revoked)
            .field("cidr", &self.cidr)
            .field("bypass_2fa", &self.bypass_2fa)
            .field("access", &self.access)
            .field("coverage", &self.coverage)
            .finish()
    }
}

impl TokenInfo {
    /// Reads one token object of either kind. A token is granular when it has any of
    /// `permissions`, `scopes` (arrays) or `expiry` (a date), each possibly `null`: classic
    /// tokens have none of them. Everything else is read the same way for both kinds.
    pub fn from_fields(fields: &Map<String, Value>) -> TokenInfo {
        let string = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
        let date = |name: &str| fields.get(name).and_then(Value::as_str).map(Date::parse);
        let when = |name: &str| match fields.get(name) {
            Some(Value::Null) => When::Never,
            Some(Value::String(text)) => When::At(Date::parse(text)),
            _ => When::Unreported,
        };
        let array_or_null =
            |name: &str| matches!(fields.get(name), Some(Value::Array(_) | Value::Null));
        let granular = array_or_null("permissions")
            || array_or_null("scopes")
            || matches!(fields.get("expiry"), Some(Value::String(_) | Value::Null));
        let flag = |name: &str| fields.get(name).and_then(Value::as_bool);
        let access = if granular {
            Access::Granular(grants(
                fields.get("permissions"),
                fields.get("publish_policy"),
            ))
        } else if flag("readonly") == Some(true) {
            // Read-only wins over `automation`: never claim a right the token may lack.
            Access::ReadOnly
        } else if flag("automation") == Some(true) {
            Access::Automation
        } else {
            Access::ReadWrite
        };
        TokenInfo {
            key: string("key"),
            mask: string("token"),
            name: string("name"),
            description: string("description"),
            created: date("created"),
            updated: date("updated"),
            expiry: when("expiry"),
            last_use: when("accessed"),
            revoked: date("revoked"),
            cidr: cidr(fields),
            bypass_2fa: flag("bypass_2fa") == Some(true),
            access,
            coverage: coverage(fields.get("scopes")),
        }
    }

    /// A granular access token (every token npmjs.org lists), not a classic one.
    pub fn is_granular(&self) -> bool {
        matches!(self.access, Access::Granular(_))
    }

    /// The token's key: what `revoke` deletes.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The masked token: `npm_NYn6...jCq0` (npmjs GAT), `ABCDE...VWXYZ` (Verdaccio),
    /// `a73c95` (classic npm).
    pub fn mask(&self) -> Option<&str> {
        self.mask.as_deref()
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    #[cfg(test)]
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn created(&self) -> Option<&Date> {
        self.created.as_ref()
    }

    #[cfg(test)]
    pub fn updated(&self) -> Option<&Date> {
        self.updated.as_ref()
    }

    pub fn expiry(&self) -> &When {
        &self.expiry
    }

    /// The last use (a GAT's `accessed`).
    pub fn last_use(&self) -> &When {
        &self.last_use
    }

    /// When the token was revoked, if it was.
    pub fn revoked(&self) -> Option<&Date> {
        self.revoked.as_ref()
    }

    /// The CIDR allow-list; `None` when the registry sent none, so that "no list" and
    /// "an empty list" stay apart.
    pub fn cidr(&self) -> Option<&[String]> {
        self.cidr.as_deref()
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn coverage(&self) -> &Coverage {
        &self.coverage
    }
}

/// The CIDR list: npm's `cidr_whitelist`, else `cidr` (GATs and Verdaccio, which also sends
/// an empty `cidr_whitelist`). Entries that are not strings are dropped.
fn cidr(fields: &Map<String, Value>) -> Option<Vec<String>> {
    let list = |name: &str| match fields.get(name) {
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        ),
        _ => None,
    };
    match (list("cidr_whitelist"), list("cidr")) {
        (Some(whitelist), _) if !whitelist.is_empty() => Some(whitelist),
        (whitelist, None) => whitelist,
        (_, cidr) => cidr,
    }
}

#[cfg(test)]
mod tests;
