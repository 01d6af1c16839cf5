//! When a token was made, expires and was last used, and what that means at `now`: its
//! status, the phrases people read, and the filters that select by date.

use jiff::{SignedDuration, Timestamp};

use super::TokenInfo;

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
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use super::*;
    use serde_json::{json, Value};

    const NOW: &str = "2026-03-10T12:00:00Z";

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

    /// A GAT with these dates (null or absent as given); `now` is fixed in each test.
    fn dated(expiry: Value, accessed: Value, created: &str) -> TokenInfo {
        info(with(
            gat(),
            json!({"expiry": expiry, "accessed": accessed, "created": created}),
        ))
    }

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
}
