//! Findings about the account's listed tokens.

use super::{Code, Finding, Severity, TokenFindings};
use crate::hygiene::InUse;
use crate::token_info::{Now, PublishingPower, Resource, TokenInfo};

/// Unused for longer than this many days is worth revoking.
pub const UNUSED_DAYS: u32 = 90;
/// Expiring within this many days is worth rotating now.
pub const EXPIRES_SOON_DAYS: u32 = 14;

/// What the token findings are made from.
pub struct AccountFacts<'a> {
    pub infos: &'a [TokenInfo],
    /// Each token's short id, in the same order.
    pub ids: &'a [String],
    /// Which token this configuration authenticates with, or may.
    pub in_use: &'a InUse,
    /// `rotate --save` can write a new token where the one in use is configured.
    pub saveable: bool,
    pub now: Now,
}

/// The tokens that have something to report, in the list's order, each with its findings
/// most severe first.
pub fn token_findings(facts: &AccountFacts) -> Vec<TokenFindings> {
    facts
        .infos
        .iter()
        .zip(facts.ids)
        .enumerate()
        .filter_map(|(n, (info, id))| {
            let in_use = facts.in_use.one() == Some(n);
            let use_ = Use {
                in_use,
                may_be_in_use: facts.in_use.covers(n),
                save: facts.saveable && in_use,
            };
            let mut findings = findings(info, id, use_, facts.now);
            if findings.is_empty() {
                return None;
            }
            findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
            Some(TokenFindings {
                key: info.key().unwrap_or_default().to_owned(),
                id: id.clone(),
                name: info.name().map(str::to_owned),
                in_use,
                findings,
            })
        })
        .collect()
}

/// How a token stands to this configuration.
#[derive(Clone, Copy)]
struct Use {
    /// It is the token this configuration authenticates with.
    in_use: bool,
    /// It is, or may be (its mask cannot tell): never called unused, as a filter never
    /// revokes it.
    may_be_in_use: bool,
    /// `rotate --save` can write its replacement where it is configured.
    save: bool,
}

/// One token's findings. An expired or revoked token has only that one: nothing else
/// about it matters any more.
fn findings(info: &TokenInfo, id: &str, use_: Use, now: Now) -> Vec<Finding> {
    let Use {
        in_use,
        may_be_in_use,
        save,
    } = use_;
    if let Some(reason) = info.expired(now) {
        return vec![Finding::new(
            Code::Expired,
            format!("{reason}, and still listed"),
            format!("npm-token revoke {id}"),
        )];
    }
    let mut found = Vec::new();
    let power = info.publishing();
    // The January 2027 change and CIDR lists are granular tokens' (npmjs.org's); a classic
    // token (Verdaccio, older registries) is not affected.
    let granular = info.is_granular();
    let direct = granular && power == PublishingPower::Direct;
    let bypass = info.bypasses_2fa();
    let unrecognised = info.access().unrecognised();
    let unrecognised_on = |resource: Resource| unrecognised.iter().any(|g| g.resource == resource);
    // One rotation fixes what rotating can (and renews the expiry): every finding names the
    // same command, the CIDR one with the flag it needs on top. A right rotate cannot name
    // must be named on its command line, or rotate refuses (see `commands::rotate`).
    let mut flags = String::new();
    if direct || unrecognised_on(Resource::Packages) {
        flags.push_str(" --packages-and-scopes-permission read-write-stage-only");
    }
    if unrecognised_on(Resource::Orgs) {
        flags.push_str(" --orgs-permission <read-only|read-write|no-access>");
    }
    if bypass {
        flags.push_str(" --no-bypass-2fa");
    }
    let save = if save { " --save" } else { "" };
    let (rotate, rotate_with_cidr) = match unrecognised
        .iter()
        .find(|g| matches!(g.resource, Resource::Other(_)))
    {
        Some(grant) => {
            let instead = format!(
                "no create flag gives it all its rights ({grant}), so it cannot be rotated: \
                 create the token you need (npm-token create), then npm-token revoke {id}"
            );
            (instead.clone(), instead)
        }
        None => (
            format!("npm-token rotate {id}{flags}{save}"),
            format!("npm-token rotate {id}{flags} --cidr <your CI's network>{save}"),
        ),
    };
    if direct {
        found.push(Finding::new(
            Code::DirectPublish,
            "can publish directly, which tokens can no longer do on npmjs.org from January \
             2027; a stage-only token puts releases in a queue you approve with 2FA",
            rotate.clone(),
        ));
    }
    if bypass {
        found.push(Finding::new(
            Code::Bypass2fa,
            "bypasses two-factor authentication: whoever holds a copy needs no second factor",
            rotate.clone(),
        ));
    }
    if !unrecognised.is_empty() {
        let names: Vec<String> = unrecognised.iter().map(|g| g.to_string()).collect();
        found.push(Finding::new(
            Code::UnknownPermission,
            format!(
                "has rights this version of npm-token cannot read ({}): whether it can publish \
                 directly is unknown",
                names.join(", ")
            ),
            "check the token on the registry's website, or update npm-token",
        ));
    }
    let publishes = matches!(
        power,
        PublishingPower::Direct | PublishingPower::StageOnly | PublishingPower::Unknown(_)
    );
    let no_cidr = info.cidr().is_none_or(<[String]>::is_empty);
    if granular && publishes && no_cidr {
        found.push(Finding::new(
            Code::WriteWithoutCidr,
            "can publish or stage from any network: it has no CIDR allow-list",
            rotate_with_cidr,
        ));
    }
    if let Some(reason) = info.expires_within(EXPIRES_SOON_DAYS, now) {
        let mut finding = if in_use {
            Finding::new(
                Code::ExpiresSoon,
                format!("{reason}, and it is the token this machine uses"),
                rotate,
            )
        } else {
            Finding::new(
                Code::ExpiresSoon,
                reason,
                format!("{rotate}, if something still uses it"),
            )
        };
        if in_use {
            finding.severity = Severity::High;
        }
        found.push(finding);
    }
    // The token in use is being used, whatever the registry last recorded.
    if !may_be_in_use {
        if let Some(reason) = info.unused_for(UNUSED_DAYS, now) {
            found.push(Finding::new(
                Code::Unused,
                reason,
                format!("npm-token revoke {id}"),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const NOW: &str = "2026-12-02T12:00:00Z";

    fn at(days: i64) -> String {
        let now: jiff::Timestamp = NOW.parse().unwrap();
        (now + jiff::SignedDuration::from_hours(days * 24 + 1))
            .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    }

    /// A granular token that is ready: stage-only, a CIDR list, used yesterday, 60 days left.
    fn ready() -> Value {
        json!({"key": "k1", "name": "ci", "token": "npm_AAAA...BBBB", "expiry": at(60),
               "created": at(-30), "accessed": at(-1), "revoked": null,
               "cidr": ["192.0.2.0/24"], "bypass_2fa": false, "publish_policy": "stage_only",
               "permissions": [{"name": "package", "action": "write"}], "scopes": []})
    }

    fn codes_of(token: Value, in_use: bool) -> Vec<(&'static str, &'static str, String)> {
        let mut fields = ready();
        for (k, v) in token.as_object().unwrap() {
            fields[k] = v.clone();
        }
        let infos = [TokenInfo::from_fields(fields.as_object().unwrap())];
        let ids = ["k1aaaa".to_owned()];
        let facts = AccountFacts {
            infos: &infos,
            ids: &ids,
            in_use: &if in_use {
                InUse::One(0)
            } else {
                InUse::NotListed
            },
            saveable: true,
            now: Now::utc(NOW.parse().unwrap()),
        };
        token_findings(&facts)
            .into_iter()
            .flat_map(|t| t.findings)
            .map(|f| (f.code.as_str(), f.severity.as_str(), f.fix))
            .collect()
    }

    #[test]
    fn a_ready_token_has_nothing_to_report() {
        assert!(codes_of(json!({}), false).is_empty());
        assert!(codes_of(json!({}), true).is_empty());
    }

    /// rotate refuses a token with a right it cannot name unless the permission is given
    /// (and cannot give a right on a resource no create flag names): every fix that
    /// rotates such a token is a command rotate accepts, or says what to do instead.
    #[test]
    fn fixes_for_a_token_with_rights_it_cannot_name_are_commands_that_work() {
        let unknown = json!({"publish_policy": null, "cidr": [],
                             "permissions": [{"name": "package", "action": "publish"}]});
        let found = codes_of(unknown, false);
        assert_eq!(found[0].0, "unknown-permission");
        assert_eq!(
            found[1],
            (
                "write-without-cidr",
                "low",
                "npm-token rotate k1aaaa --packages-and-scopes-permission read-write-stage-only \
                 --cidr <your CI's network>"
                    .to_owned()
            )
        );
        let orgs = json!({"publish_policy": null,
                          "permissions": [{"name": "package", "action": "write"},
                                          {"name": "org", "action": "admin"}]});
        assert_eq!(
            codes_of(orgs, false)[0].2,
            "npm-token rotate k1aaaa --packages-and-scopes-permission read-write-stage-only \
             --orgs-permission <read-only|read-write|no-access>"
        );
        let other = json!({"publish_policy": null,
                           "permissions": [{"name": "package", "action": "write"},
                                           {"name": "user", "action": "write"}]});
        let found = codes_of(other, false);
        assert_eq!(found[0].0, "direct-publish");
        assert_eq!(
            found[0].2,
            "no create flag gives it all its rights (user: write), so it cannot be rotated: \
             create the token you need (npm-token create), then npm-token revoke k1aaaa"
        );
    }

    #[test]
    fn each_finding_and_its_fix() {
        let direct = json!({"publish_policy": null});
        assert_eq!(
            codes_of(direct.clone(), false),
            [(
                "direct-publish",
                "high",
                "npm-token rotate k1aaaa --packages-and-scopes-permission read-write-stage-only"
                    .to_owned()
            )]
        );
        let mut both = direct;
        both["bypass_2fa"] = json!(true);
        let fix = "npm-token rotate k1aaaa --packages-and-scopes-permission \
                   read-write-stage-only --no-bypass-2fa --save";
        assert_eq!(
            codes_of(both, true),
            [
                ("direct-publish", "high", fix.to_owned()),
                ("bypass-2fa", "moderate", fix.to_owned())
            ],
            "one rotation fixes both"
        );
        assert_eq!(
            codes_of(json!({"cidr": []}), false),
            [(
                "write-without-cidr",
                "low",
                "npm-token rotate k1aaaa --cidr <your CI's network>".to_owned()
            )]
        );
        assert!(
            codes_of(
                json!({"cidr": [], "permissions": [{"name": "package", "action": "read"}]}),
                false
            )
            .is_empty(),
            "a read-only token publishes from nowhere"
        );
        assert_eq!(
            codes_of(json!({"accessed": at(-120)}), false),
            [("unused", "low", "npm-token revoke k1aaaa".to_owned())]
        );
        assert_eq!(
            codes_of(json!({"accessed": null, "created": at(-100)}), false)[0].0,
            "unused"
        );
        assert!(
            codes_of(json!({"accessed": at(-120)}), true).is_empty(),
            "the token in use is in use"
        );
        assert_eq!(
            codes_of(json!({"expiry": at(-3)}), false),
            [("expired", "low", "npm-token revoke k1aaaa".to_owned())]
        );
        assert_eq!(
            codes_of(
                json!({"revoked": "2026-11-01T00:00:00.000Z", "publish_policy": null}),
                false
            ),
            [("expired", "low", "npm-token revoke k1aaaa".to_owned())],
            "a revoked token has only that to say"
        );
        assert_eq!(
            codes_of(json!({"expiry": at(5)}), false),
            [(
                "expires-soon",
                "moderate",
                "npm-token rotate k1aaaa, if something still uses it".to_owned()
            )]
        );
        assert_eq!(
            codes_of(json!({"expiry": at(5)}), true),
            [(
                "expires-soon",
                "high",
                "npm-token rotate k1aaaa --save".to_owned()
            )]
        );
        assert_eq!(
            codes_of(
                json!({"permissions": [{"name": "package", "action": "publish"}]}),
                false
            )[0]
            .0,
            "unknown-permission"
        );
    }

    #[test]
    fn classic_tokens_are_not_granular_ones() {
        let classic = json!({"key": "c1", "token": "a73c95", "readonly": false,
                             "created": "2017-10-21T10:00:00.000Z"});
        let infos = [TokenInfo::from_fields(classic.as_object().unwrap())];
        let facts = AccountFacts {
            infos: &infos,
            ids: &["c1c1c1".to_owned()],
            in_use: &InUse::NotAToken,
            saveable: false,
            now: Now::utc(NOW.parse().unwrap()),
        };
        assert!(token_findings(&facts).is_empty());
    }

    #[test]
    fn messages_say_what_and_when() {
        let infos = [TokenInfo::from_fields(
            json!({"key": "k", "expiry": at(5), "created": at(-1), "accessed": at(-1),
                   "permissions": [], "cidr": []})
            .as_object()
            .unwrap(),
        )];
        let facts = AccountFacts {
            infos: &infos,
            ids: &["kkkkkk".to_owned()],
            in_use: &InUse::One(0),
            saveable: false,
            now: Now::utc(NOW.parse().unwrap()),
        };
        let found = token_findings(&facts);
        assert!(found[0].in_use);
        assert_eq!(
            found[0].findings[0].message,
            "expires in 5 days, and it is the token this machine uses"
        );
    }
}
