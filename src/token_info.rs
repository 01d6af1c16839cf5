//! What one listed token is, typed: its kind, what it may do, what it covers, and when it
//! expires and was last used. Pure: everything that depends on the time takes `now`.
//!
//! Registries send two shapes (see `notes/npmjs-granular-tokens.md`):
//! - a *classic* token (`readonly`, `automation`, `cidr_whitelist`; Verdaccio sends `cidr`);
//! - a *granular* access token, GAT (`name`, `description`, `expiry`, `accessed`, `revoked`,
//!   `cidr`, `bypass_2fa`, `permissions[{name, action}]`, `scopes[{name, type}]`), which is
//!   every token npmjs.org lists since December 2025.
//!
//! Registry text is hostile: any field may be missing, null or of another type. A field of
//! the wrong type is treated as absent, so reading a token never fails.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value};

use crate::registry::{Permission, TokenSpec};

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

/// A date the registry sent: its text, and the instant it names when that text is an
/// RFC 3339 timestamp with an offset (`2026-02-03T20:06:18.920Z`, `…+01:00`). A date without
/// an offset names no instant (whose midnight?), so it is kept as text only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Date {
    text: String,
    timestamp: Option<Timestamp>,
}

impl Date {
    pub fn parse(text: &str) -> Date {
        Date {
            text: text.to_owned(),
            timestamp: text.parse().ok(),
        }
    }

    /// The text as the registry sent it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The instant, when the text names one.
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.timestamp
    }
}

/// A moment the registry may or may not report: a GAT's `expiry` and `accessed`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum When {
    /// The registry sent no such field (a classic token), or one of another type.
    Unreported,
    /// The field is `null`: the token never expires, or was never used.
    Never,
    At(Date),
}

/// What a token may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// Classic tokens.
    ReadOnly,
    ReadWrite,
    Automation,
    /// A granular token's rights, one per resource (packages first, then orgs, then any
    /// resource this version does not know, in the registry's order). Empty: no access.
    Granular(Vec<Grant>),
}

/// One right of a granular token: `{"name": "package", "action": "write"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub resource: Resource,
    pub level: Level,
}

/// What a grant is on: `package` (packages and scopes) or `org`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    Packages,
    Orgs,
    Other(String),
}

/// What a grant allows: `read` or `write` (which includes reading).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Level {
    Read,
    Write,
    Other(String),
}

/// What a granular token covers, from its `scopes[]`, in the registry's order. Empty for
/// classic tokens, and for entries of a type this version does not know.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub packages: Vec<String>,
    pub scopes: Vec<String>,
    pub orgs: Vec<String>,
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
            Access::Granular(grants(fields.get("permissions")))
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

    #[cfg(test)]
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

    #[cfg(test)]
    pub fn bypass_2fa(&self) -> bool {
        self.bypass_2fa
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

/// The `{name, action}` objects of `permissions`, merged per resource: a `write` grant
/// includes `read`. Entries without a string name and action are dropped.
fn grants(permissions: Option<&Value>) -> Vec<Grant> {
    let Some(Value::Array(items)) = permissions else {
        return Vec::new();
    };
    let mut grants: Vec<Grant> = Vec::new();
    for item in items {
        let text = |name: &str| item.get(name).and_then(Value::as_str);
        let (Some(name), Some(action)) = (text("name"), text("action")) else {
            continue;
        };
        let grant = Grant {
            resource: match name {
                "package" => Resource::Packages,
                "org" => Resource::Orgs,
                other => Resource::Other(other.to_owned()),
            },
            level: match action {
                "read" => Level::Read,
                "write" => Level::Write,
                other => Level::Other(other.to_owned()),
            },
        };
        let same_resource = |g: &&mut Grant| g.resource == grant.resource;
        match grants
            .iter_mut()
            .find(|g| same_resource(g) && g.level == grant.level)
        {
            Some(_) => {}
            None => match (grant.level.clone(), grants.iter_mut().find(same_resource)) {
                (Level::Read, Some(g)) if g.level == Level::Write => {}
                (Level::Write, Some(g)) if g.level == Level::Read => g.level = Level::Write,
                _ => grants.push(grant),
            },
        }
    }
    // Stable: resources this version does not know keep the registry's order.
    grants.sort_by(|a, b| match (&a.resource, &b.resource) {
        (Resource::Other(_), Resource::Other(_)) => std::cmp::Ordering::Equal,
        (a, b) => a.cmp(b),
    });
    grants
}

/// The `{name, type}` objects of `scopes`: `package`, `scope` or `org`.
fn coverage(scopes: Option<&Value>) -> Coverage {
    let mut coverage = Coverage::default();
    let Some(Value::Array(items)) = scopes else {
        return coverage;
    };
    for item in items {
        let text = |name: &str| item.get(name).and_then(Value::as_str);
        let (Some(name), Some(kind)) = (text("name"), text("type")) else {
            continue;
        };
        let list = match kind {
            "package" => &mut coverage.packages,
            "scope" => &mut coverage.scopes,
            "org" => &mut coverage.orgs,
            _ => continue,
        };
        list.push(name.to_owned());
    }
    coverage
}

impl fmt::Display for Access {
    /// `read-only`, `read-write`, `automation`; a GAT: `packages: read, orgs: read`, or
    /// `no access` when it has no permission at all.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Access::ReadOnly => f.write_str("read-only"),
            Access::ReadWrite => f.write_str("read-write"),
            Access::Automation => f.write_str("automation"),
            Access::Granular(grants) if grants.is_empty() => f.write_str("no access"),
            Access::Granular(grants) => {
                for (i, grant) in grants.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{grant}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let resource = match &self.resource {
            Resource::Packages => "packages",
            Resource::Orgs => "orgs",
            Resource::Other(name) => name,
        };
        let level = match &self.level {
            Level::Read => "read",
            Level::Write => "write",
            Level::Other(action) => action,
        };
        write!(f, "{resource}: {level}")
    }
}

impl Coverage {
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty() && self.scopes.is_empty() && self.orgs.is_empty()
    }

    /// Packages, scopes, then orgs (as `org:NAME`, so that an org is not read as a package).
    pub fn names(&self) -> Vec<String> {
        self.packages
            .iter()
            .chain(&self.scopes)
            .cloned()
            .chain(self.orgs.iter().map(|org| format!("org:{org}")))
            .collect()
    }

    /// [`Coverage::names`] comma-separated; past `limit` names (at least one is shown), the
    /// rest as a count: `@a/b, @c/d +3 more`. Empty when the token lists nothing.
    pub fn display(&self, limit: usize) -> String {
        let names = self.names();
        let (shown, more) = shortened(&names, limit);
        let mut text = shown.join(", ");
        if more > 0 {
            text.push_str(&format!(" +{more} more"));
        }
        text
    }
}

/// A long list cut for display: the first `limit` items (at least one, if there are any),
/// and how many more there are.
pub fn shortened<T>(items: &[T], limit: usize) -> (&[T], usize) {
    let shown = limit.max(1).min(items.len());
    (&items[..shown], items.len() - shown)
}

/// Whether a token still works. A revoked token is `Revoked` even once past its expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    Expired,
    Revoked,
}

const HOUR: i64 = 3_600;
const DAY: i64 = 24 * HOUR;

/// The current time: the one clock read, for the command that shows or filters tokens.
pub fn now() -> Timestamp {
    Timestamp::now()
}

/// Whole days in `days` as a duration (no overflow: `u32::MAX` days fit an `i64` of seconds).
fn days(days: u32) -> SignedDuration {
    SignedDuration::from_secs(i64::from(days) * DAY)
}

/// `1 day`, `12 days`; `1 hour`, `3 hours`.
fn count(n: i64, unit: &str) -> String {
    match n {
        1 => format!("1 {unit}"),
        n => format!("{n} {unit}s"),
    }
}

/// How long until an expiry, in plain English, counting whole units down:
/// `in 5 days`, `in 1 day`, `in 3 hours`, `in under an hour`; once past it,
/// `expired today` (under a day ago) or `expired 12 days ago`.
fn expiry_phrase(left: SignedDuration) -> String {
    let secs = left.as_secs();
    if left <= SignedDuration::ZERO {
        match -secs / DAY {
            0 => "expired today".to_owned(),
            n => format!("expired {} ago", count(n, "day")),
        }
    } else if secs >= DAY {
        format!("in {}", count(secs / DAY, "day"))
    } else if secs >= HOUR {
        format!("in {}", count(secs / HOUR, "hour"))
    } else {
        "in under an hour".to_owned()
    }
}

impl TokenInfo {
    /// The token's state at `now`: revoked wins over expired; a token whose expiry names no
    /// instant (unparseable, or none) is active.
    pub fn status(&self, now: Timestamp) -> Status {
        if self.revoked.is_some() {
            Status::Revoked
        } else if self.expiry_timestamp().is_some_and(|expiry| expiry <= now) {
            Status::Expired
        } else {
            Status::Active
        }
    }

    fn expiry_timestamp(&self) -> Option<Timestamp> {
        match &self.expiry {
            When::At(date) => date.timestamp,
            When::Never | When::Unreported => None,
        }
    }

    /// Whole days left before the expiry, counted towards zero: `0` within a day of it either
    /// way, negative once past it. `None` without an expiry instant.
    pub fn expires_in_days(&self, now: Timestamp) -> Option<i64> {
        let expiry = self.expiry_timestamp()?;
        Some(now.duration_until(expiry).as_secs() / DAY)
    }

    /// The expiry for people: `in 5 days`, `in 3 hours`, `expired 12 days ago` (see
    /// `expiry_phrase`); `never` for a GAT whose `expiry` is null; the registry's text when
    /// it names no instant. `None` (show nothing) when the registry reports no expiry, as
    /// for classic tokens.
    pub fn expiry_phrase(&self, now: Timestamp) -> Option<String> {
        match &self.expiry {
            When::Unreported => None,
            When::Never => Some("never".to_owned()),
            When::At(date) => Some(match date.timestamp {
                Some(expiry) => expiry_phrase(now.duration_until(expiry)),
                None => date.text.clone(),
            }),
        }
    }

    /// The last use for people: `today` (under a day ago, or a date ahead of our clock),
    /// `1 day ago`, `3 days ago`; `never` for a GAT whose `accessed` is null; the registry's
    /// text when it names no instant. `None` when the registry does not report use.
    pub fn last_used_phrase(&self, now: Timestamp) -> Option<String> {
        match &self.last_use {
            When::Unreported => None,
            When::Never => Some("never".to_owned()),
            When::At(date) => Some(match date.timestamp {
                Some(used) => match used.duration_until(now).as_secs() / DAY {
                    n if n <= 0 => "today".to_owned(),
                    n => format!("{} ago", count(n, "day")),
                },
                None => date.text.clone(),
            }),
        }
    }

    /// `list --expired`: revoked, or past its expiry. Gives the reason when it matches:
    /// `revoked`, `expired 3 days ago`, `expired today`.
    pub fn expired(&self, now: Timestamp) -> Option<String> {
        match self.status(now) {
            Status::Revoked => Some("revoked".to_owned()),
            Status::Expired => self.expiry_phrase(now),
            Status::Active => None,
        }
    }

    /// `list --expires-within DAYS`: still valid, and expiring at most `within` days from
    /// `now` (exactly `within` days counts). Gives the reason: `expires in 5 days`.
    pub fn expires_within(&self, within: u32, now: Timestamp) -> Option<String> {
        let left = now.duration_until(self.expiry_timestamp()?);
        (self.status(now) == Status::Active && left <= days(within))
            .then(|| format!("expires {}", expiry_phrase(left)))
    }

    /// `list --unused-for DAYS`: last used more than `unused` days before `now` (exactly
    /// `unused` days does not count), or never used and created more than `unused` days
    /// before it. A token whose registry does not report use, or whose dates name no
    /// instant, never matches: we cannot know it is unused. Gives the reason:
    /// `unused for 40 days`, `never used, created 40 days ago`.
    pub fn unused_for(&self, unused: u32, now: Timestamp) -> Option<String> {
        match &self.last_use {
            When::Unreported => None,
            When::At(date) => {
                let idle = date.timestamp?.duration_until(now);
                (idle > days(unused))
                    .then(|| format!("unused for {}", count(idle.as_secs() / DAY, "day")))
            }
            When::Never => {
                let age = self.created.as_ref()?.timestamp?.duration_until(now);
                (age > days(unused)).then(|| {
                    format!(
                        "never used, created {} ago",
                        count(age.as_secs() / DAY, "day")
                    )
                })
            }
        }
    }
}

impl TokenInfo {
    /// How long the token was made to live: from `created` to `expiry`, in days rounded to
    /// the nearest (a registry stamps the two a few milliseconds apart). `None` for a token
    /// that never expires, a classic one, dates that name no instant, or an expiry less
    /// than half a day after creation.
    pub fn lifetime_days(&self) -> Option<u32> {
        let created = self.created.as_ref()?.timestamp?;
        let lifetime = created.duration_until(self.expiry_timestamp()?).as_secs();
        let days = (lifetime + DAY / 2).div_euclid(DAY);
        u32::try_from(days).ok().filter(|&days| days > 0)
    }

    /// The create request that makes a token like this one, for `rotate`: a granular
    /// token's name, description, packages, scopes, orgs, both permissions (`package: write`
    /// becomes `read-write`, `package: read` `read-only`, neither `no-access`, and the same
    /// for `org`; an action this version does not know is not copied, so the successor never
    /// has more rights), CIDR list, 2FA bypass and lifetime; a classic token's name,
    /// read-only flag and CIDR list.
    pub fn successor_spec(&self) -> TokenSpec {
        let Access::Granular(grants) = &self.access else {
            return TokenSpec {
                name: self.name.clone(),
                readonly: self.access == Access::ReadOnly,
                cidr_whitelist: self.cidr.clone().unwrap_or_default(),
                ..TokenSpec::default()
            };
        };
        let permission = |resource: Resource| {
            let levels = || {
                grants
                    .iter()
                    .filter(|g| g.resource == resource)
                    .map(|g| &g.level)
            };
            Some(if levels().any(|level| *level == Level::Write) {
                Permission::ReadWrite
            } else if levels().any(|level| *level == Level::Read) {
                Permission::ReadOnly
            } else {
                Permission::NoAccess
            })
        };
        TokenSpec {
            name: self.name.clone(),
            description: self.description.clone(),
            packages: self.coverage.packages.clone(),
            scopes: self.coverage.scopes.clone(),
            orgs: self.coverage.orgs.clone(),
            packages_and_scopes_permission: permission(Resource::Packages),
            orgs_permission: permission(Resource::Orgs),
            expires_days: self.lifetime_days(),
            cidr_whitelist: self.cidr.clone().unwrap_or_default(),
            bypass_2fa: self.bypass_2fa,
            ..TokenSpec::default()
        }
    }
}

/// Whether `candidate` (a full token given to `revoke`, or the one in use) is the token
/// `mask` stands for. Security-critical: a wrong yes revokes or trusts the wrong token.
///
/// - With an ellipsis (`...` or `…`, the first one found splits it): `npm_NYn6...jCq0`
///   (npmjs: first 8 and last 4 characters), `ABCDE...VWXYZ` (Verdaccio). The head and the
///   tail must both be non-empty and show at least `MIN_SHOWN` characters together, and the
///   candidate must start with the head, end with the tail, and be strictly longer than
///   both together (something was hidden).
/// - Without: a classic npm mask is a bare prefix (`a73c95`), matched as npm matches it: the
///   candidate starts with it. But only a mask of `MIN_SHOWN` characters or more, and only a
///   candidate as long as a token (`MIN_TOKEN_LEN`): a registry's mask `npm_` or `3f2a`
///   would otherwise claim every token, or an id the user typed, and revoke the wrong one.
pub fn mask_matches(mask: &str, candidate: &str) -> bool {
    let split = ["...", "…"]
        .into_iter()
        .filter_map(|ellipsis| mask.split_once(ellipsis))
        .min_by_key(|(head, _)| head.len());
    match split {
        Some((head, tail)) => {
            !head.is_empty()
                && !tail.is_empty()
                && head.chars().count() + tail.chars().count() >= MIN_SHOWN
                && candidate.len() > head.len() + tail.len()
                && candidate.starts_with(head)
                && candidate.ends_with(tail)
        }
        None => {
            mask.chars().count() >= MIN_SHOWN
                && candidate.chars().count() >= MIN_TOKEN_LEN
                && candidate.starts_with(mask)
        }
    }
}

/// The fewest characters of a token a mask must show to stand for it (npm's classic masks
/// show 6).
const MIN_SHOWN: usize = 6;

/// The shortest text taken for a full token (npm's are 36 characters or more); anything
/// shorter is an id.
const MIN_TOKEN_LEN: usize = 16;

impl TokenInfo {
    /// Whether `candidate` is the full token this one masks (see `mask_matches`); never
    /// without a mask.
    pub fn mask_matches(&self, candidate: &str) -> bool {
        self.mask
            .as_deref()
            .is_some_and(|mask| mask_matches(mask, candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The GAT npmjs.org lists (npm/cli#9443).
    fn gat() -> Value {
        json!({"name": "publish_token", "description": "Publish Token",
         "key": "d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6", "token": "npm_NYn6...jCq0",
         "expiry": "2026-02-03T20:06:18.920Z", "cidr": [], "bypass_2fa": true, "revoked": null,
         "created": "2025-05-28T12:22:18.350Z", "updated": "2025-11-05T20:06:18.920Z",
         "accessed": "2026-02-02T08:21:34.208Z",
         "permissions": [{"name": "package", "action": "write"}],
         "scopes": [{"name": "a_test_package", "type": "package"}]})
    }

    /// A classic token, as npm's registry listed them.
    fn classic() -> Value {
        json!({"token": "a73c95", "key": "ab".repeat(64), "cidr_whitelist": null,
         "readonly": false, "automation": false, "created": "2017-10-21T10:00:00.000Z",
         "updated": "2017-10-21T10:00:00.000Z"})
    }

    /// A classic token as Verdaccio 6 lists it.
    fn verdaccio() -> Value {
        json!({"user": "alice", "token": "ABCDE...VWXYZ", "key": "0123456789abcdef0123456789abcdef",
         "cidr": ["192.0.2.0/24"], "readonly": true, "created": "2026-01-10T09:00:00.000Z"})
    }

    fn info(v: Value) -> TokenInfo {
        TokenInfo::from_fields(v.as_object().expect("an object"))
    }

    /// `fixture` with the fields of `changes` set (to null too); `without` removes fields.
    fn with(mut fixture: Value, changes: Value) -> Value {
        for (k, v) in changes.as_object().unwrap() {
            fixture[k] = v.clone();
        }
        fixture
    }

    fn without(mut fixture: Value, names: &[&str]) -> Value {
        for name in names {
            fixture.as_object_mut().unwrap().remove(*name);
        }
        fixture
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn reads_a_granular_token() {
        let t = info(gat());
        assert!(t.is_granular());
        assert_eq!(t.key(), Some("d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6"));
        assert_eq!(t.mask(), Some("npm_NYn6...jCq0"));
        assert_eq!(t.name(), Some("publish_token"));
        assert_eq!(t.description(), Some("Publish Token"));
        assert_eq!(
            t.created().unwrap().timestamp(),
            Some(ts("2025-05-28T12:22:18.350Z"))
        );
        assert_eq!(t.updated().unwrap().text(), "2025-11-05T20:06:18.920Z");
        assert_eq!(
            t.expiry(),
            &When::At(Date::parse("2026-02-03T20:06:18.920Z"))
        );
        assert_eq!(
            t.last_use(),
            &When::At(Date::parse("2026-02-02T08:21:34.208Z"))
        );
        assert_eq!(t.revoked(), None);
        assert_eq!(t.cidr(), Some(&[][..]));
        assert!(t.bypass_2fa());
        assert_eq!(t.access().to_string(), "packages: write");
        assert_eq!(t.coverage().packages, ["a_test_package"]);
    }

    #[test]
    fn reads_classic_tokens() {
        let t = info(classic());
        assert!(!t.is_granular());
        assert_eq!(t.mask(), Some("a73c95"));
        assert_eq!(t.name(), None);
        assert_eq!(t.expiry(), &When::Unreported);
        assert_eq!(t.last_use(), &When::Unreported);
        assert_eq!(t.cidr(), None, "cidr_whitelist: null is no list");
        assert_eq!(t.access(), &Access::ReadWrite);
        assert!(t.coverage().is_empty());
        assert!(!t.bypass_2fa());

        let t = info(verdaccio());
        assert!(!t.is_granular());
        assert_eq!(t.access().to_string(), "read-only");
        assert_eq!(t.cidr(), Some(&["192.0.2.0/24".to_owned()][..]));
        // Verdaccio also sends an empty `cidr_whitelist`: the real list is `cidr`.
        let t = info(with(verdaccio(), json!({"cidr_whitelist": []})));
        assert_eq!(t.cidr(), Some(&["192.0.2.0/24".to_owned()][..]));
        let t = info(with(
            classic(),
            json!({"cidr_whitelist": ["10.0.0.0/8", 7, null, "10.1.0.0/16"]}),
        ));
        assert_eq!(
            t.cidr(),
            Some(&["10.0.0.0/8".to_owned(), "10.1.0.0/16".to_owned()][..])
        );
        let t = info(with(classic(), json!({"cidr_whitelist": []})));
        assert_eq!(t.cidr(), Some(&[][..]));
    }

    #[test]
    fn classic_access_is_read_only_read_write_or_automation() {
        let access = |changes: Value| info(with(classic(), changes)).access().to_string();
        assert_eq!(access(json!({})), "read-write");
        assert_eq!(access(json!({"readonly": true})), "read-only");
        assert_eq!(access(json!({"automation": true})), "automation");
        assert_eq!(
            access(json!({"readonly": true, "automation": true})),
            "read-only",
            "never claim a right the token may lack"
        );
        // Wrong types are absent, not truthy.
        assert_eq!(access(json!({"readonly": "false"})), "read-write");
        assert_eq!(access(json!({"automation": 1})), "read-write");
        assert_eq!(
            access(json!({"readonly": null, "automation": null})),
            "read-write"
        );
    }

    #[test]
    fn granular_access_names_only_the_rights_it_has() {
        let access = |permissions: Value| {
            info(with(gat(), json!({"permissions": permissions})))
                .access()
                .to_string()
        };
        assert_eq!(
            access(json!([{"name": "package", "action": "read"}])),
            "packages: read",
            "a read-only GAT is not read-write"
        );
        assert_eq!(
            access(
                json!([{"name": "org", "action": "read"}, {"name": "package", "action": "read"}])
            ),
            "packages: read, orgs: read"
        );
        assert_eq!(
            access(
                json!([{"name": "package", "action": "read"}, {"name": "package", "action": "write"}, {"name": "package", "action": "read"}])
            ),
            "packages: write",
            "write includes read"
        );
        assert_eq!(
            access(
                json!([{"name": "org", "action": "write"}, {"name": "package", "action": "read"}])
            ),
            "packages: read, orgs: write"
        );
        assert_eq!(access(json!([])), "no access");
        assert_eq!(access(json!(null)), "no access");
        assert_eq!(access(json!("package:write")), "no access");
        assert_eq!(
            access(
                json!([{"name": "package"}, {"action": "write"}, {"name": 1, "action": "write"},
                          "package", null, [], {"name": "org", "action": null}])
            ),
            "no access",
            "incomplete entries grant nothing"
        );
        // What this version does not know is shown as the registry names it, never dropped
        // and never read as something else.
        assert_eq!(
            access(
                json!([{"name": "user", "action": "read"}, {"name": "package", "action": "stage"},
                          {"name": "package", "action": "read"}, {"name": "audit", "action": "read"}])
            ),
            "packages: stage, packages: read, user: read, audit: read"
        );
    }

    #[test]
    fn kind_is_granular_when_any_granular_field_is_there() {
        for changes in [
            json!({"permissions": []}),
            json!({"permissions": null}),
            json!({"scopes": []}),
            json!({"scopes": null}),
            json!({"expiry": null}),
            json!({"expiry": "2026-02-03T20:06:18.920Z"}),
            json!({"expiry": "soon"}),
        ] {
            assert!(
                info(with(classic(), changes.clone())).is_granular(),
                "{changes}"
            );
        }
        for changes in [
            json!({}),
            json!({"permissions": "write"}),
            json!({"scopes": {}}),
            json!({"expiry": 30}),
            json!({"accessed": null, "revoked": null, "bypass_2fa": false}),
        ] {
            assert!(
                !info(with(classic(), changes.clone())).is_granular(),
                "{changes}"
            );
        }
        let bare = without(gat(), &["permissions", "scopes"]);
        assert!(info(bare.clone()).is_granular(), "expiry alone");
        assert!(!info(without(bare, &["expiry"])).is_granular());
    }

    #[test]
    fn garbage_fields_are_absent() {
        assert_eq!(
            info(json!({})),
            info(json!({"key": 1, "token": [], "name": {}}))
        );
        let t = info(
            json!({"key": 1, "token": ["npm_"], "name": 2, "description": false,
            "created": 1700000000, "updated": null, "expiry": 3, "accessed": true,
            "revoked": 0, "cidr": "10.0.0.0/8", "cidr_whitelist": {}, "bypass_2fa": "true",
            "readonly": "yes", "automation": [], "permissions": {}, "scopes": "a"}),
        );
        assert_eq!(t.key(), None);
        assert_eq!(t.mask(), None);
        assert_eq!(t.name(), None);
        assert_eq!(t.description(), None);
        assert_eq!(t.created(), None);
        assert_eq!(t.updated(), None);
        assert_eq!(t.expiry(), &When::Unreported);
        assert_eq!(t.last_use(), &When::Unreported);
        assert_eq!(t.revoked(), None);
        assert_eq!(t.cidr(), None);
        assert!(!t.bypass_2fa());
        assert_eq!(t.access(), &Access::ReadWrite);
        assert!(t.coverage().is_empty());
    }

    #[test]
    fn dates_need_an_offset_and_keep_their_text() {
        let same = ts("2026-02-03T20:06:18.920Z");
        for text in [
            "2026-02-03T20:06:18.920Z",
            "2026-02-03T21:06:18.920+01:00",
            "2026-02-03T15:36:18.920-04:30",
            "2026-02-04T05:06:18.92+09:00",
        ] {
            assert_eq!(Date::parse(text).timestamp(), Some(same), "{text}");
            assert_eq!(Date::parse(text).text(), text);
        }
        for text in [
            "",
            "soon",
            "2026-02-03",
            "2026-02-03T20:06:18",
            "2026-13-03T20:06:18Z",
            "1700000000",
        ] {
            let date = Date::parse(text);
            assert_eq!(date.timestamp(), None, "{text}");
            assert_eq!(date.text(), text);
        }
        let t = info(with(gat(), json!({"expiry": "next Tuesday"})));
        assert_eq!(t.expiry(), &When::At(Date::parse("next Tuesday")));
    }

    #[test]
    fn coverage_lists_packages_scopes_and_orgs() {
        let t = info(with(
            gat(),
            json!({"scopes": [
                {"name": "@a/b", "type": "package"}, {"name": "@myscope", "type": "scope"},
                {"name": "myorg", "type": "org"}, {"name": "c", "type": "package"},
                {"name": "x", "type": "team"}, {"name": "y"}, {"type": "package"},
                {"name": 5, "type": "package"}, null, "d"]}),
        ));
        let c = t.coverage();
        assert_eq!(c.packages, ["@a/b", "c"]);
        assert_eq!(c.scopes, ["@myscope"]);
        assert_eq!(c.orgs, ["myorg"]);
        assert_eq!(c.display(10), "@a/b, c, @myscope, org:myorg");
        assert_eq!(c.display(4), "@a/b, c, @myscope, org:myorg");
        assert_eq!(c.display(3), "@a/b, c, @myscope +1 more");
        assert_eq!(c.display(1), "@a/b +3 more");
        assert_eq!(c.display(0), "@a/b +3 more", "at least one name is shown");
        let five = Coverage {
            packages: ["@a/b", "@c/d", "e", "f", "g"].map(String::from).to_vec(),
            ..Coverage::default()
        };
        assert_eq!(five.display(2), "@a/b, @c/d +3 more");
        assert_eq!(Coverage::default().display(2), "");
        assert_eq!(info(classic()).coverage().display(2), "");
    }

    /// A GAT with these dates (null or absent as given); `now` is fixed in each test.
    fn dated(expiry: Value, accessed: Value, created: &str) -> TokenInfo {
        info(with(
            gat(),
            json!({"expiry": expiry, "accessed": accessed, "created": created}),
        ))
    }

    const NOW: &str = "2026-03-10T12:00:00Z";

    #[test]
    fn status_expired_and_revoked_at_a_given_time() {
        let now = ts(NOW);
        let t = info(gat());
        assert_eq!(t.status(ts("2026-02-01T00:00:00Z")), Status::Active);
        assert_eq!(t.status(ts("2026-02-03T20:06:18.919Z")), Status::Active);
        assert_eq!(
            t.status(ts("2026-02-03T20:06:18.920Z")),
            Status::Expired,
            "at the instant"
        );
        assert_eq!(t.status(now), Status::Expired);
        let revoked = info(with(gat(), json!({"revoked": "2026-02-01T00:00:00Z"})));
        assert_eq!(
            revoked.status(now),
            Status::Revoked,
            "revoked wins over expired"
        );
        assert_eq!(revoked.status(ts("2025-06-01T00:00:00Z")), Status::Revoked);
        assert_eq!(
            info(with(gat(), json!({"revoked": "yes"}))).status(now),
            Status::Revoked,
            "a revocation date we cannot read is still a revocation"
        );
        assert_eq!(
            info(with(gat(), json!({"revoked": true}))).status(now),
            Status::Expired
        );
        assert_eq!(
            info(with(gat(), json!({"expiry": null}))).status(now),
            Status::Active
        );
        assert_eq!(
            info(with(gat(), json!({"expiry": "soon"}))).status(now),
            Status::Active
        );
        assert_eq!(info(classic()).status(now), Status::Active);
    }

    #[test]
    fn expiry_in_days_and_words() {
        let now = ts(NOW);
        let phrase = |expiry: &str| {
            let t = dated(json!(expiry), json!(null), "2026-01-01T00:00:00Z");
            (
                t.expiry_phrase(now).unwrap(),
                t.expires_in_days(now).unwrap(),
            )
        };
        assert_eq!(phrase("2026-03-15T12:00:00Z"), ("in 5 days".into(), 5));
        assert_eq!(phrase("2026-03-16T11:59:59Z"), ("in 5 days".into(), 5));
        assert_eq!(phrase("2026-03-11T12:00:00Z"), ("in 1 day".into(), 1));
        assert_eq!(
            phrase("2026-03-11T11:59:59.999Z"),
            ("in 23 hours".into(), 0)
        );
        assert_eq!(phrase("2026-03-10T15:00:00Z"), ("in 3 hours".into(), 0));
        assert_eq!(phrase("2026-03-10T13:00:00Z"), ("in 1 hour".into(), 0));
        assert_eq!(
            phrase("2026-03-10T12:59:59Z"),
            ("in under an hour".into(), 0)
        );
        assert_eq!(phrase(NOW), ("expired today".into(), 0));
        assert_eq!(phrase("2026-03-09T12:00:01Z"), ("expired today".into(), 0));
        assert_eq!(
            phrase("2026-03-09T12:00:00Z"),
            ("expired 1 day ago".into(), -1)
        );
        assert_eq!(
            phrase("2026-02-26T09:00:00Z"),
            ("expired 12 days ago".into(), -12)
        );
        // Offsets are instants, not wall clocks: 22:00+10:00 is noon UTC.
        assert_eq!(phrase("2026-03-15T22:00:00+10:00"), ("in 5 days".into(), 5));
        assert_eq!(phrase("2026-03-15T06:00:00-06:00"), ("in 5 days".into(), 5));
        assert_eq!(phrase("2026-03-15T05:59:59-06:00"), ("in 4 days".into(), 4));

        let t = dated(json!(null), json!(null), NOW);
        assert_eq!(t.expiry_phrase(now).as_deref(), Some("never"));
        assert_eq!(t.expires_in_days(now), None);
        let t = dated(json!("in a while"), json!(null), NOW);
        assert_eq!(t.expiry_phrase(now).as_deref(), Some("in a while"));
        assert_eq!(t.expires_in_days(now), None);
        let t = info(classic());
        assert_eq!(
            t.expiry_phrase(now),
            None,
            "classic: no expiry, shown blank"
        );
        assert_eq!(t.expires_in_days(now), None);
    }

    #[test]
    fn last_use_in_words() {
        let now = ts(NOW);
        let used = |accessed: Value| {
            dated(json!(null), accessed, "2026-01-01T00:00:00Z").last_used_phrase(now)
        };
        assert_eq!(
            used(json!("2026-03-07T12:00:00Z")).as_deref(),
            Some("3 days ago")
        );
        assert_eq!(
            used(json!("2026-03-09T12:00:00Z")).as_deref(),
            Some("1 day ago")
        );
        assert_eq!(
            used(json!("2026-03-09T12:00:00.001Z")).as_deref(),
            Some("today")
        );
        assert_eq!(used(json!(NOW)).as_deref(), Some("today"));
        assert_eq!(
            used(json!("2026-03-10T13:00:00Z")).as_deref(),
            Some("today"),
            "clock skew"
        );
        assert_eq!(
            used(json!("2026-03-08T00:00:00+12:00")).as_deref(),
            Some("3 days ago")
        );
        assert_eq!(used(json!(null)).as_deref(), Some("never"));
        assert_eq!(used(json!("yesterday")).as_deref(), Some("yesterday"));
        assert_eq!(used(json!(17)), None, "a wrong type is no report");
        assert_eq!(
            info(without(gat(), &["accessed"])).last_used_phrase(now),
            None
        );
        assert_eq!(info(classic()).last_used_phrase(now), None);
    }

    #[test]
    fn expired_filter_matches_past_expiry_or_revoked() {
        let now = ts(NOW);
        let expired = |changes: Value| info(with(gat(), changes)).expired(now);
        assert_eq!(
            expired(json!({"expiry": "2026-03-07T12:00:00Z"})).as_deref(),
            Some("expired 3 days ago")
        );
        assert_eq!(
            expired(json!({"expiry": NOW})).as_deref(),
            Some("expired today")
        );
        assert_eq!(expired(json!({"expiry": "2026-03-10T12:00:00.001Z"})), None);
        assert_eq!(
            expired(json!({"expiry": "2026-04-01T00:00:00Z", "revoked": "2026-03-01T00:00:00Z"}))
                .as_deref(),
            Some("revoked")
        );
        assert_eq!(
            expired(json!({"expiry": "2026-01-01T00:00:00Z", "revoked": "2026-03-01T00:00:00Z"}))
                .as_deref(),
            Some("revoked"),
            "revoked wins"
        );
        assert_eq!(expired(json!({"expiry": null})), None);
        assert_eq!(expired(json!({"expiry": "garbage"})), None);
        assert_eq!(info(classic()).expired(now), None);
    }

    #[test]
    fn expires_within_matches_valid_tokens_expiring_in_time() {
        let now = ts(NOW);
        let within = |expiry: Value, n: u32| {
            info(with(gat(), json!({"expiry": expiry}))).expires_within(n, now)
        };
        assert_eq!(
            within(json!("2026-03-17T12:00:00Z"), 7).as_deref(),
            Some("expires in 7 days"),
            "exactly 7 days"
        );
        assert_eq!(within(json!("2026-03-17T12:00:00.001Z"), 7), None);
        assert_eq!(
            within(json!("2026-03-17T13:00:00+01:00"), 7).as_deref(),
            Some("expires in 7 days")
        );
        assert_eq!(
            within(json!("2026-03-10T15:00:00Z"), 0).as_deref(),
            None,
            "0 days: nothing valid expires within no time"
        );
        assert_eq!(
            within(json!("2026-03-10T15:00:00Z"), 1).as_deref(),
            Some("expires in 3 hours")
        );
        assert_eq!(
            within(json!("2026-03-09T12:00:00Z"), 7),
            None,
            "already expired"
        );
        assert_eq!(within(json!(NOW), 7), None, "expired at this instant");
        assert_eq!(within(json!(null), 7), None, "never expires");
        assert_eq!(within(json!("soon"), 7), None);
        assert_eq!(
            within(json!("2026-03-12T12:00:00Z"), u32::MAX).as_deref(),
            Some("expires in 2 days")
        );
        let revoked = info(with(
            gat(),
            json!({"expiry": "2026-03-12T12:00:00Z", "revoked": "2026-03-01T00:00:00Z"}),
        ));
        assert_eq!(revoked.expires_within(7, now), None, "revoked is not valid");
        assert_eq!(info(classic()).expires_within(u32::MAX, now), None);
    }

    #[test]
    fn unused_for_matches_old_last_use_or_old_never_used_tokens() {
        let now = ts(NOW);
        let unused = |accessed: Value, created: &str, n: u32| {
            dated(json!(null), accessed, created).unused_for(n, now)
        };
        let created = "2025-01-01T00:00:00Z";
        assert_eq!(
            unused(json!("2026-01-29T12:00:00Z"), created, 40).as_deref(),
            None,
            "exactly 40 days is not more than 40"
        );
        assert_eq!(
            unused(json!("2026-01-29T11:59:59.999Z"), created, 40).as_deref(),
            Some("unused for 40 days")
        );
        assert_eq!(
            unused(json!("2026-01-29T12:59:59+01:00"), created, 40).as_deref(),
            Some("unused for 40 days")
        );
        assert_eq!(
            unused(json!("2026-01-01T00:00:00Z"), created, 30).as_deref(),
            Some("unused for 68 days")
        );
        assert_eq!(unused(json!("2026-03-09T00:00:00Z"), created, 30), None);
        assert_eq!(
            unused(json!("2026-03-09T00:00:00Z"), created, 0).as_deref(),
            Some("unused for 1 day")
        );
        // Never used: the token's age decides.
        assert_eq!(
            unused(json!(null), "2026-01-29T11:00:00Z", 40).as_deref(),
            Some("never used, created 40 days ago")
        );
        assert_eq!(
            unused(json!(null), "2026-01-29T12:00:00Z", 40),
            None,
            "exactly 40 days"
        );
        assert_eq!(unused(json!(null), "2026-03-01T00:00:00Z", 40), None);
        assert_eq!(
            unused(json!(null), "last year", 1),
            None,
            "an age we cannot read"
        );
        let no_created = info(without(
            with(gat(), json!({"accessed": null})),
            &["created"],
        ));
        assert_eq!(no_created.unused_for(0, now), None);
        // No report of use: never matched, however old.
        assert_eq!(unused(json!("a while ago"), created, 1), None);
        assert_eq!(unused(json!(0), created, 1), None);
        assert_eq!(info(without(gat(), &["accessed"])).unused_for(0, now), None);
        assert_eq!(info(classic()).unused_for(0, now), None);
    }

    #[test]
    fn lifetime_is_expiry_minus_created_in_days() {
        let lifetime = |created: &str, expiry: Value| {
            info(with(gat(), json!({"created": created, "expiry": expiry}))).lifetime_days()
        };
        assert_eq!(
            lifetime("2026-01-01T00:00:00Z", json!("2026-01-31T00:00:00Z")),
            Some(30)
        );
        assert_eq!(
            lifetime(
                "2026-01-01T00:00:00.350Z",
                json!("2026-01-31T00:00:00.300Z")
            ),
            Some(30),
            "milliseconds apart"
        );
        assert_eq!(
            lifetime("2026-01-01T00:00:00Z", json!("2026-01-31T11:59:59Z")),
            Some(30)
        );
        assert_eq!(
            lifetime("2026-01-01T00:00:00Z", json!("2026-01-31T12:00:00Z")),
            Some(31)
        );
        assert_eq!(
            lifetime("2026-01-01T00:00:00+02:00", json!("2026-01-07T22:00:00Z")),
            Some(7),
            "offsets are instants"
        );
        // The fixture: 90 days after its last update, 251 after its creation.
        assert_eq!(info(gat()).lifetime_days(), Some(251));
        assert_eq!(
            lifetime("2026-01-01T00:00:00Z", json!("2026-01-01T11:59:59Z")),
            None
        );
        assert_eq!(
            lifetime("2026-01-31T00:00:00Z", json!("2026-01-01T00:00:00Z")),
            None
        );
        assert_eq!(
            lifetime("2026-01-01T00:00:00Z", json!(null)),
            None,
            "never expires"
        );
        assert_eq!(lifetime("2026-01-01T00:00:00Z", json!("soon")), None);
        assert_eq!(lifetime("new year", json!("2026-01-31T00:00:00Z")), None);
        assert_eq!(info(classic()).lifetime_days(), None);
    }

    #[test]
    fn rotation_copies_what_create_can_ask_for() {
        let t = info(with(
            gat(),
            json!({"cidr": ["10.0.0.0/8"],
                   "permissions": [{"name": "package", "action": "write"},
                                   {"name": "org", "action": "read"}],
                   "scopes": [{"name": "a_test_package", "type": "package"},
                              {"name": "@myscope", "type": "scope"},
                              {"name": "myorg", "type": "org"}]}),
        ));
        assert_eq!(
            t.successor_spec(),
            TokenSpec {
                name: Some("publish_token".into()),
                description: Some("Publish Token".into()),
                packages: vec!["a_test_package".into()],
                scopes: vec!["@myscope".into()],
                orgs: vec!["myorg".into()],
                packages_and_scopes_permission: Some(Permission::ReadWrite),
                orgs_permission: Some(Permission::ReadOnly),
                expires_days: Some(251),
                cidr_whitelist: vec!["10.0.0.0/8".into()],
                bypass_2fa: true,
                ..TokenSpec::default()
            }
        );
        let permissions = |permissions: Value| {
            let spec = info(with(gat(), json!({"permissions": permissions}))).successor_spec();
            (
                spec.packages_and_scopes_permission.unwrap().as_str(),
                spec.orgs_permission.unwrap().as_str(),
            )
        };
        assert_eq!(
            permissions(json!([{"name": "package", "action": "read"}])),
            ("read-only", "no-access")
        );
        assert_eq!(
            permissions(json!([{"name": "org", "action": "write"}])),
            ("no-access", "read-write")
        );
        assert_eq!(permissions(json!([])), ("no-access", "no-access"));
        assert_eq!(
            permissions(json!([{"name": "package", "action": "stage"},
                               {"name": "user", "action": "write"}])),
            ("no-access", "no-access"),
            "what we cannot name is not copied"
        );
        assert_eq!(
            permissions(json!([{"name": "package", "action": "stage"},
                               {"name": "package", "action": "read"}])),
            ("read-only", "no-access")
        );
        let bare = info(json!({"expiry": null})).successor_spec();
        assert_eq!(
            bare,
            TokenSpec {
                packages_and_scopes_permission: Some(Permission::NoAccess),
                orgs_permission: Some(Permission::NoAccess),
                ..TokenSpec::default()
            }
        );
        assert_eq!(
            info(classic()).successor_spec(),
            TokenSpec::default(),
            "a read-write classic token without a name or CIDR list"
        );
        assert_eq!(
            info(verdaccio()).successor_spec(),
            TokenSpec {
                readonly: true,
                cidr_whitelist: vec!["192.0.2.0/24".into()],
                ..TokenSpec::default()
            }
        );
    }

    #[test]
    fn masks_with_an_ellipsis_need_both_ends() {
        let full = "npm_NYn6AbCdEfGhIjKlMnOpQrStUvWxYzjCq0";
        assert_eq!(full.len(), 4 + 36 - 2);
        let gat = info(gat());
        assert!(gat.mask_matches(full));
        assert!(gat.mask_matches("npm_NYn6xjCq0"), "one hidden character");
        assert!(!gat.mask_matches("npm_NYn6jCq0"), "nothing hidden");
        assert!(!gat.mask_matches("npm_NYn6Cq0"), "head and tail overlap");
        assert!(!gat.mask_matches("npm_NYn6AbCdEfGhIjKlMnOpQrStUvWxYzjCq1"));
        assert!(!gat.mask_matches("npm_NYn7AbCdEfGhIjKlMnOpQrStUvWxYzjCq0"));
        assert!(
            !gat.mask_matches("npm_nyn6AbCdEfGhIjKlMnOpQrStUvWxYzjcq0"),
            "case matters"
        );
        assert!(!gat.mask_matches(""));

        assert!(mask_matches("ABCDE...VWXYZ", "ABCDEfffffVWXYZ"));
        assert!(!mask_matches("ABCDE...VWXYZ", "ABCDEVWXYZ"));
        assert!(!mask_matches("ABCDE...VWXYZ", "ABCDEffffVWXY"));
        assert!(mask_matches("npm_NYn6…jCq0", full), "a Unicode ellipsis");
        assert!(!mask_matches("npm_NYn6…jCq0", "npm_NYn6jCq0"));
        // Without a head or a tail, a mask would match a whole family of tokens.
        for mask in [
            "...jCq0",
            "npm_NYn6...",
            "...",
            "…",
            "…jCq0",
            "npm_NYn6…",
            "....",
            "......",
        ] {
            assert!(!mask_matches(mask, full), "{mask}");
            assert!(
                !mask_matches(mask, &format!("{mask}{full}{mask}")),
                "{mask}"
            );
        }
        // A mask that shows too little stands for too many tokens, and a short argument is
        // an id, never a token a bare-prefix mask could claim.
        assert!(!mask_matches("ab...c", "abXXXXXXXXXXXXXXXXXc"));
        assert!(!mask_matches("npm_", full));
        assert!(!mask_matches("3f2a", "3f2a9c"));
        assert!(!mask_matches("3f2a9c", "3f2a9c"));
        assert!(!mask_matches("a73c95", "a73c95b"));
        assert!(mask_matches(
            "a73c95",
            "a73c95b1-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
        ));
        // The first ellipsis splits: the rest is part of the tail, matched literally.
        assert!(mask_matches("ab...cd...ef", "abXcd...ef"));
        assert!(!mask_matches("ab...cd...ef", "abXcdYef"));
        assert!(mask_matches("ab…cd...ef", "abXcd...ef"));
        assert!(!mask_matches("ab…cd...ef", "ab…cdXef"));
    }

    #[test]
    fn bare_masks_match_as_a_prefix_like_npm() {
        let classic = info(classic());
        assert!(classic.mask_matches("a73c95deadbeef0123"));
        // npm's `indexOf(mask) === 0` takes the mask itself; an argument that short is an
        // id, and ids are matched against keys only.
        assert!(!classic.mask_matches("a73c95"));
        assert!(!classic.mask_matches("a73c9"));
        assert!(!classic.mask_matches("xa73c95"));
        assert!(!classic.mask_matches("A73C95DEADBEEF"));
        assert!(
            !mask_matches("", "anything"),
            "an empty mask matches nothing"
        );
        assert!(!mask_matches("", ""));
        assert!(!info(json!({})).mask_matches("anything"), "no mask");
        assert!(!info(json!({"token": 7})).mask_matches("7"));
    }

    /// Any JSON a few levels deep, with the names and texts a token has.
    fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let text = prop::sample::select(vec![
            "",
            "package",
            "org",
            "scope",
            "read",
            "write",
            "name",
            "action",
            "type",
            "2026-03-10T12:00:00Z",
            "2026-03-10T12:00:00+14:00",
            "9999-12-31T23:59:59Z",
            "-009999-01-01T00:00:00Z",
            "…",
            "...",
            "npm_NYn6...jCq0",
        ])
        .prop_map(|s| json!(s));
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            text,
            "\\PC{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec(("name|action|type|[a-z]{1,3}", inner), 0..4)
                    .prop_map(|fields| Value::Object(fields.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn any_token_object_reads_without_panicking(
            fields in proptest::collection::vec(
                (proptest::sample::select(vec![
                    "key", "token", "name", "description", "created", "updated", "expiry",
                    "accessed", "revoked", "cidr", "cidr_whitelist", "bypass_2fa", "readonly",
                    "automation", "permissions", "scopes",
                ]), any_value()),
                0..10,
            ),
            now in proptest::prelude::any::<i64>(),
            days in proptest::prelude::any::<u32>(),
        ) {
            let fields: Map<String, Value> =
                fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let t = TokenInfo::from_fields(&fields);
            let now = Timestamp::from_second(now % Timestamp::MAX.as_second()).unwrap();
            for now in [now, Timestamp::MIN, Timestamp::MAX] {
                let _ = (t.status(now), t.expires_in_days(now), t.expiry_phrase(now));
                let _ = (t.last_used_phrase(now), t.expired(now));
                let _ = (t.expires_within(days, now), t.unused_for(days, now));
            }
            let _ = (t.access().to_string(), t.coverage().display(2), format!("{t:?}"));
            let _ = (t.lifetime_days(), t.successor_spec(), t.mask_matches("npm_x"));
        }

        #[test]
        fn a_token_matches_its_own_masks(token in "[A-Za-z0-9_]{16,72}") {
            let gat_mask = format!("{}...{}", &token[..8], &token[token.len() - 4..]);
            let verdaccio_mask = format!("{}…{}", &token[..5], &token[token.len() - 5..]);
            proptest::prop_assert!(mask_matches(&gat_mask, &token));
            proptest::prop_assert!(mask_matches(&verdaccio_mask, &token));
            proptest::prop_assert!(mask_matches(&token[..6], &token));
            // Dropping the hidden middle always breaks the match.
            let shown = format!("{}{}", &token[..8], &token[token.len() - 4..]);
            proptest::prop_assert!(!mask_matches(&gat_mask, &shown));
        }
    }

    #[test]
    fn debug_shows_no_key_or_mask() {
        let t = info(gat());
        let debug = format!("{t:?}");
        assert!(!debug.contains("d83cf1a2"), "{debug}");
        assert!(!debug.contains("NYn6"), "{debug}");
        assert!(!debug.contains("jCq0"), "{debug}");
        assert!(debug.contains("publish_token"), "{debug}");
    }
}
