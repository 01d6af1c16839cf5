//! Token hygiene: the filters `list` and `revoke` share, and which listed token is the one
//! this configuration authenticates with. Pure functions of the listed tokens and `now`.

use crate::text;
use crate::token_info::{Now, TokenInfo, When};

/// `--expired`, `--expires-within DAYS`, `--unused-for DAYS`; a token must match every one
/// given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub expired: bool,
    pub expires_within: Option<u32>,
    pub unused_for: Option<u32>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// Why `token` matches every filter given (`expired 3 days ago`, `unused for 40 days`),
    /// or `None` when one does not match. No filter: everything matches, for no reason.
    pub fn reasons(&self, token: &TokenInfo, now: Now) -> Option<Vec<String>> {
        let mut reasons = Vec::new();
        if self.expired {
            reasons.push(token.expired(now)?);
        }
        if let Some(days) = self.expires_within {
            reasons.push(token.expires_within(days, now)?);
        }
        if let Some(days) = self.unused_for {
            reasons.push(token.unused_for(days, now)?);
        }
        Some(reasons)
    }

    /// What the filters cannot see, said once instead of silently matching nothing: tokens
    /// whose registry reports no expiry (classic tokens) for `--expired` and
    /// `--expires-within`, and no last use for `--unused-for`.
    pub fn blind_spots(&self, tokens: &[TokenInfo]) -> Vec<String> {
        let mut notes = Vec::new();
        let total = tokens.len();
        let expiry_flags = match (self.expired, self.expires_within.is_some()) {
            (true, true) => Some(("--expired and --expires-within", "match")),
            (true, false) => Some(("--expired", "matches")),
            (false, true) => Some(("--expires-within", "matches")),
            (false, false) => None,
        };
        if let Some((flags, match_)) = expiry_flags {
            match tokens
                .iter()
                .filter(|t| matches!(t.expiry(), When::Unreported))
                .count()
            {
                0 => {}
                n if n == total => notes.push(format!(
                    "no token here reports an expiry (classic tokens never expire): {flags} {match_} none of them"
                )),
                n => notes.push(format!(
                    "{n} of {total} tokens report no expiry (classic tokens never expire): {flags} cannot match them"
                )),
            }
        }
        if self.unused_for.is_some() {
            match tokens
                .iter()
                .filter(|t| matches!(t.last_use(), When::Unreported))
                .count()
            {
                0 => {}
                n if n == total => notes.push(
                    "this registry does not report when tokens were last used: --unused-for matches none of them"
                        .to_owned(),
                ),
                n => notes.push(format!(
                    "{n} of {total} tokens do not report their last use: --unused-for cannot match them"
                )),
            }
        }
        notes
    }
}

/// A token to revoke: its key (what the DELETE names), the id and name `list` shows, and
/// why a filter picked it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub key: String,
    pub id: String,
    pub name: Option<String>,
    pub why: String,
    /// It is, or may be, the token this configuration authenticates with: revoked last.
    pub in_use: bool,
}

impl Target {
    /// `3f2a9c (ci-publish)`.
    pub fn shown(&self) -> String {
        shown(&self.id, self.name.as_deref())
    }
}

/// A token as messages name it: its id, and its name when it has one (`3f2a9c (ci)`).
/// Both come from the registry: escaped, so that a line break in a name cannot make a
/// message look like two.
pub fn shown(id: &str, name: Option<&str>) -> String {
    let id = text::for_terminal_line(id);
    match name.map(text::for_terminal_line) {
        Some(name) if !name.is_empty() => format!("{id} ({name})"),
        _ => id.into_owned(),
    }
}

/// Whether `token` is the one this configuration authenticates with: by its key (a
/// classic token's key can be the token itself), or by its mask (a GAT's `npm_XXXX...YYYY`,
/// Verdaccio's `ABCDE...VWXYZ`, npm's classic prefix).
fn is_in_use(token: &TokenInfo, credential: &str) -> bool {
    !credential.is_empty() && (token.key() == Some(credential) || token.mask_matches(credential))
}

/// What the listed tokens say about the token this configuration authenticates with: the
/// one decision `list`, `status`, `audit`, `revoke` and `rotate` all take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InUse {
    /// No token is configured (a username and password, a client certificate).
    NotAToken,
    /// Exactly this listed token is it.
    One(usize),
    /// Any of these may be it (see [`Doubt`]).
    Maybe(Vec<usize>, Doubt),
    /// No listed token is it, and each was compared (a login session is never listed).
    NotListed,
}

/// Why the token in use cannot be told apart from some listed tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doubt {
    /// Several listed tokens share its mask.
    SharedMask,
    /// None matched it, and these show too little of their masks to be ruled out (`null`,
    /// tail-only, too short).
    MaskTooShort,
}

impl Doubt {
    /// Why a listed token that may be the one in use cannot be told apart, about that
    /// token, among `candidates` of them.
    pub fn why(self, candidates: usize) -> String {
        match self {
            Doubt::SharedMask => format!(
                "{candidates} listed tokens share the mask of the token this configuration uses, \
                 and it may be any of them"
            ),
            Doubt::MaskTooShort => "the registry lists it with a mask that shows too little of it \
                 to tell whether it is the token this configuration uses"
                .to_owned(),
        }
    }
}

impl InUse {
    /// Finds it among `tokens`, for `credential` (`None`: not a token).
    pub fn find(tokens: &[TokenInfo], credential: Option<&str>) -> InUse {
        let Some(credential) = credential.filter(|c| !c.is_empty()) else {
            return InUse::NotAToken;
        };
        let candidates: Vec<usize> = (0..tokens.len())
            .filter(|&n| is_in_use(&tokens[n], credential))
            .collect();
        match candidates.as_slice() {
            [one] => InUse::One(*one),
            [] => {
                let blind: Vec<usize> = (0..tokens.len())
                    .filter(|&n| !tokens[n].mask_is_comparable())
                    .collect();
                if blind.is_empty() {
                    InUse::NotListed
                } else {
                    InUse::Maybe(blind, Doubt::MaskTooShort)
                }
            }
            _ => InUse::Maybe(candidates, Doubt::SharedMask),
        }
    }

    /// The listed token that is the one in use, when exactly one is.
    pub fn one(&self) -> Option<usize> {
        match self {
            InUse::One(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether the token at `n` is, or may be, the one in use.
    pub fn covers(&self, n: usize) -> bool {
        match self {
            InUse::One(one) => *one == n,
            InUse::Maybe(all, _) => all.contains(&n),
            InUse::NotAToken | InUse::NotListed => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn info(v: Value) -> TokenInfo {
        TokenInfo::from_fields(v.as_object().unwrap())
    }

    fn now() -> Now {
        Now::utc("2026-11-30T12:00:00Z".parse().unwrap())
    }

    fn gat(key: &str, expiry: &str, accessed: Value, created: &str) -> TokenInfo {
        info(
            json!({"key": key, "token": "npm_AbCdEfGh...wxyz", "expiry": expiry,
            "accessed": accessed, "created": created, "revoked": null,
            "permissions": [{"name": "package", "action": "read"}], "scopes": []}),
        )
    }

    #[test]
    fn filters_combine_with_and_and_give_reasons() {
        let old_unused = gat(
            "a",
            "2026-11-27T12:00:00Z",
            json!("2026-09-01T12:00:00Z"),
            "2026-08-01T00:00:00Z",
        );
        let soon = gat(
            "b",
            "2026-12-03T13:00:00Z",
            json!(null),
            "2026-11-29T00:00:00Z",
        );
        let expired = Filters {
            expired: true,
            ..Filters::default()
        };
        assert_eq!(
            expired.reasons(&old_unused, now()).unwrap(),
            ["expired 3 days ago"]
        );
        assert_eq!(expired.reasons(&soon, now()), None);
        let both = Filters {
            expired: true,
            unused_for: Some(60),
            ..Filters::default()
        };
        assert_eq!(
            both.reasons(&old_unused, now()).unwrap(),
            ["expired 3 days ago", "unused for 90 days"]
        );
        let within = Filters {
            expires_within: Some(7),
            ..Filters::default()
        };
        assert_eq!(within.reasons(&soon, now()).unwrap(), ["expires in 3 days"]);
        assert_eq!(within.reasons(&old_unused, now()), None, "already expired");
        assert_eq!(
            Filters::default().reasons(&soon, now()).unwrap(),
            Vec::<String>::new()
        );
        assert!(Filters::default().is_empty() && !within.is_empty());
    }

    #[test]
    fn blind_spots_are_said_instead_of_matching_nothing() {
        let classic = info(json!({"key": "k", "token": "a73c95", "readonly": false,
            "created": "2017-10-21T10:00:00.000Z"}));
        let gat = gat(
            "a",
            "2026-12-01T00:00:00Z",
            json!(null),
            "2026-11-01T00:00:00Z",
        );
        let all = Filters {
            expired: true,
            expires_within: Some(3),
            unused_for: Some(30),
        };
        assert_eq!(
            all.blind_spots(&[classic.clone(), gat.clone()]),
            [
                "1 of 2 tokens report no expiry (classic tokens never expire): --expired and --expires-within cannot match them",
                "1 of 2 tokens do not report their last use: --unused-for cannot match them",
            ]
        );
        let expired = Filters {
            expired: true,
            ..Filters::default()
        };
        assert_eq!(
            expired.blind_spots(std::slice::from_ref(&classic)),
            ["no token here reports an expiry (classic tokens never expire): --expired matches none of them"]
        );
        assert!(expired.blind_spots(&[gat]).is_empty());
        assert!(Filters::default().blind_spots(&[classic]).is_empty());
    }

    #[test]
    fn the_token_in_use_is_found_by_key_or_mask_and_only_when_unique() {
        let tokens = [
            info(json!({"key": "k1", "token": "npm_AbCdEfGh...wxyz"})),
            info(json!({"key": "secret-classic-key", "token": "secret"})),
            info(json!({"key": "k3", "token": "ODZmM...hODg="})),
        ];
        let in_use = |credential: &str| InUse::find(&tokens, Some(credential)).one();
        assert_eq!(in_use("npm_AbCdEfGh0123456789012345678901wxyz"), Some(0));
        assert_eq!(in_use("ODZmMzz-the-middle-zzhODg="), Some(2));
        // A classic key is the token: the key matches, and so does the bare-prefix mask of
        // the same token, which is still one token.
        assert_eq!(in_use("secret-classic-key"), Some(1));
        assert_eq!(InUse::find(&tokens, Some("npm_other")), InUse::NotListed);
        assert_eq!(InUse::find(&tokens, Some("")), InUse::NotAToken);
        let twins = [
            info(json!({"key": "a", "token": "ABCDE...VWXYZ"})),
            info(json!({"key": "b", "token": "ABCDE...VWXYZ"})),
        ];
        assert_eq!(
            InUse::find(&twins, Some("ABCDEmiddleVWXYZ")),
            InUse::Maybe(vec![0, 1], Doubt::SharedMask),
            "ambiguous"
        );
        let blind = [
            info(json!({"key": "a", "token": null})),
            info(json!({"key": "b", "token": "ABCDE...VWXYZ"})),
        ];
        assert_eq!(
            InUse::find(&blind, Some("npm_other")),
            InUse::Maybe(vec![0], Doubt::MaskTooShort),
            "a token without a mask may be any"
        );
    }
}
