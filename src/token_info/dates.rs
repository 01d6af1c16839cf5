//! When a token was made, expires and was last used, and what that means now: its status,
//! the phrases people read, and the filters that select by date.
//!
//! One rule for days: "in 5 days", "3 days ago", `--expires-within 5`, `--unused-for 3` and
//! `status --fail-within 5` all count calendar days, in the time zone the dates are printed
//! in, from today to the date printed beside the count. Under a day ahead, an expiry is
//! counted in hours instead ("in 11 hours").

use std::sync::OnceLock;

use jiff::civil;
use jiff::tz::TimeZone;
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

    /// The calendar day people read, `2026-03-15`, in `now`'s time zone: the day every count
    /// of days is counted to. A date that names no instant shows its text's first ten
    /// characters, as npm shows `created`.
    pub fn day(&self, now: Now) -> String {
        match self.timestamp {
            Some(at) => now.day_of(at).to_string(),
            None => self.text.chars().take(10).collect(),
        }
    }
}

/// What "now" and "today" are for one command: the instant it runs (the one clock read) and
/// the time zone its dates are printed and its days counted in. Copied freely: the zone is
/// read once and lives as long as the process.
#[derive(Clone, Copy, Debug)]
pub struct Now {
    pub at: Timestamp,
    pub zone: &'static TimeZone,
}

impl Now {
    /// The clock, and the system's time zone (`TZ`, else `/etc/localtime`; UTC when neither
    /// names one), each read once.
    pub fn read() -> Now {
        static SYSTEM: OnceLock<TimeZone> = OnceLock::new();
        Now {
            at: Timestamp::now(),
            zone: SYSTEM.get_or_init(system_zone),
        }
    }

    /// `at`, with days counted in UTC.
    #[cfg(test)]
    pub fn utc(at: Timestamp) -> Now {
        static UTC: TimeZone = TimeZone::UTC;
        Now { at, zone: &UTC }
    }

    /// The calendar day `at` falls on in this time zone.
    pub fn day_of(self, at: Timestamp) -> civil::Date {
        self.zone.to_datetime(at).date()
    }

    /// Calendar days from today to the day `then` falls on: `0` today, `1` tomorrow, `-1`
    /// yesterday, however many hours apart the two instants are (23 or 25 across a change
    /// of daylight saving time).
    pub fn days_until(self, then: Timestamp) -> i64 {
        day_number(self.day_of(then)) - day_number(self.day_of(self.at))
    }
}

/// The system's time zone, as `TimeZone::system` finds it, but reading only the one file it
/// names: jiff's own lookup first walks every file under /usr/share/zoneinfo to name the zone
/// (a few milliseconds at every start, most of a one-token `list`), and no name is needed
/// here. `TZ` may be a zone file's path (`:/etc/localtime`), a name under the zoneinfo
/// folder (`Europe/Berlin`), or a POSIX rule (`EST5EDT,M3.2.0,M11.1.0`); unset, it is
/// /etc/localtime. Anything else is left to jiff.
fn system_zone() -> TimeZone {
    zone_for(std::env::var("TZ").ok().as_deref())
}

/// [`system_zone`] for this value of `TZ`.
fn zone_for(tz: Option<&str>) -> TimeZone {
    let read = |path: &std::path::Path| {
        let bytes = std::fs::read(path).ok()?;
        TimeZone::tzif("Local", &bytes).ok()
    };
    let found = match tz {
        None => read(std::path::Path::new("/etc/localtime")),
        Some(tz) => {
            let tz = tz.strip_prefix(':').unwrap_or(tz);
            let path = std::path::Path::new(tz);
            let plain_name = path
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if tz.is_empty() || tz.eq_ignore_ascii_case("UTC") {
                Some(TimeZone::UTC)
            } else if path.is_absolute() {
                read(path)
            } else if plain_name {
                [
                    "/usr/share/zoneinfo",
                    "/usr/lib/zoneinfo",
                    "/usr/share/lib/zoneinfo",
                ]
                .iter()
                .find_map(|dir| read(&std::path::Path::new(dir).join(path)))
                .or_else(|| TimeZone::posix(tz).ok())
            } else {
                None
            }
        }
    };
    found.unwrap_or_else(|| TimeZone::try_system().unwrap_or(TimeZone::UTC))
}

/// Days since 1970-01-01 (negative before), for any civil date: Howard Hinnant's
/// `days_from_civil`, which cannot fail where date arithmetic could overflow.
fn day_number(date: civil::Date) -> i64 {
    let (month, day) = (i64::from(date.month()), i64::from(date.day()));
    let year = i64::from(date.year()) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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

/// `1 day`, `12 days`; `1 hour`, `3 hours`.
fn count(n: i64, unit: &str) -> String {
    match n {
        1 => format!("1 {unit}"),
        n => format!("{n} {unit}s"),
    }
}

/// How long until `expiry`, in plain English: `in 5 days` (calendar days to its day, see
/// [`Now::days_until`]); under a day ahead, or later today, in whole hours counted down:
/// `in 3 hours`, `in 1 hour`, `in under an hour`; once past it, `expired today` or
/// `expired 12 days ago`.
fn expiry_phrase(expiry: Timestamp, now: Now) -> String {
    let days = now.days_until(expiry);
    let left = now.at.duration_until(expiry);
    if left <= SignedDuration::ZERO {
        match -days {
            n if n <= 0 => "expired today".to_owned(),
            n => format!("expired {} ago", count(n, "day")),
        }
    } else if left.as_secs() < DAY || days <= 0 {
        match left.as_secs() / HOUR {
            0 => "in under an hour".to_owned(),
            n => format!("in {}", count(n, "hour")),
        }
    } else {
        format!("in {}", count(days, "day"))
    }
}

impl TokenInfo {
    /// The token's state at `now`: revoked wins over expired; a token whose expiry names no
    /// instant (unparseable, or none) is active.
    pub fn status(&self, now: Now) -> Status {
        if self.revoked.is_some() {
            Status::Revoked
        } else if self
            .expiry_timestamp()
            .is_some_and(|expiry| expiry <= now.at)
        {
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

    /// Calendar days from today to the day of the expiry (see [`Now::days_until`]): `0`
    /// when it is today, negative once past. `None` without an expiry instant.
    pub fn expires_in_days(&self, now: Now) -> Option<i64> {
        Some(now.days_until(self.expiry_timestamp()?))
    }

    /// The expiry for people: `in 5 days`, `in 3 hours`, `expired 12 days ago` (see
    /// `expiry_phrase`); `never` for a GAT whose `expiry` is null; the registry's text when
    /// it names no instant. `None` (show nothing) when the registry reports no expiry, as
    /// for classic tokens.
    pub fn expiry_phrase(&self, now: Now) -> Option<String> {
        match &self.expiry {
            When::Unreported => None,
            When::Never => Some("never".to_owned()),
            When::At(date) => Some(match date.timestamp {
                Some(expiry) => expiry_phrase(expiry, now),
                None => date.text.clone(),
            }),
        }
    }

    /// The last use for people, in calendar days: `today` (or a date ahead of our clock),
    /// `1 day ago` (yesterday), `3 days ago`; `never` for a GAT whose `accessed` is null; the
    /// registry's text when it names no instant. `None` when the registry does not report
    /// use.
    pub fn last_used_phrase(&self, now: Now) -> Option<String> {
        match &self.last_use {
            When::Unreported => None,
            When::Never => Some("never".to_owned()),
            When::At(date) => Some(match date.timestamp {
                Some(used) => match -now.days_until(used) {
                    n if n <= 0 => "today".to_owned(),
                    n => format!("{} ago", count(n, "day")),
                },
                None => date.text.clone(),
            }),
        }
    }

    /// `list --expired`: revoked, or past its expiry. Gives the reason when it matches:
    /// `revoked`, `expired 3 days ago`, `expired today`.
    pub fn expired(&self, now: Now) -> Option<String> {
        match self.status(now) {
            Status::Revoked => Some("revoked".to_owned()),
            Status::Expired => self.expiry_phrase(now),
            Status::Active => None,
        }
    }

    /// `list --expires-within DAYS`: still valid, and expiring on a day at most `within`
    /// calendar days after today, so that a token shown `in 5 days` matches 5 (and one
    /// expiring later today, 0). Gives the reason: `expires in 5 days`.
    pub fn expires_within(&self, within: u32, now: Now) -> Option<String> {
        let expiry = self.expiry_timestamp()?;
        (self.status(now) == Status::Active && now.days_until(expiry) <= i64::from(within))
            .then(|| format!("expires {}", expiry_phrase(expiry, now)))
    }

    /// `list --unused-for DAYS`: last used more than `unused` calendar days before today
    /// (shown `4 days ago` matches 3, not 4), or never used and created more than `unused`
    /// days before today. A token whose registry does not report use, or whose dates name
    /// no instant, never matches: we cannot know it is unused. Gives the reason:
    /// `unused for 40 days`, `never used, created 40 days ago`.
    pub fn unused_for(&self, unused: u32, now: Now) -> Option<String> {
        let (since, never_used) = match &self.last_use {
            When::Unreported => return None,
            When::At(date) => (date.timestamp?, false),
            When::Never => (self.created.as_ref()?.timestamp?, true),
        };
        let idle = -now.days_until(since);
        (idle > i64::from(unused)).then(|| {
            if never_used {
                format!("never used, created {} ago", count(idle, "day"))
            } else {
                format!("unused for {}", count(idle, "day"))
            }
        })
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

    /// `text`, with days counted in UTC.
    fn utc(text: &str) -> Now {
        Now::utc(ts(text))
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

    /// A GAT with these dates (null or absent as given); `now` is fixed in each test.
    fn dated(expiry: Value, accessed: Value, created: &str) -> TokenInfo {
        info(with(
            gat(),
            json!({"expiry": expiry, "accessed": accessed, "created": created}),
        ))
    }

    #[test]
    fn status_expired_and_revoked_at_a_given_time() {
        let now = utc(NOW);
        let t = info(gat());
        assert_eq!(t.status(utc("2026-02-01T00:00:00Z")), Status::Active);
        assert_eq!(t.status(utc("2026-02-03T20:06:18.919Z")), Status::Active);
        assert_eq!(
            t.status(utc("2026-02-03T20:06:18.920Z")),
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
        assert_eq!(revoked.status(utc("2025-06-01T00:00:00Z")), Status::Revoked);
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
        let now = utc(NOW);
        let phrase = |expiry: &str| {
            let t = dated(json!(expiry), json!(null), "2026-01-01T00:00:00Z");
            (
                t.expiry_phrase(now).unwrap(),
                t.expires_in_days(now).unwrap(),
            )
        };
        assert_eq!(phrase("2026-03-15T12:00:00Z"), ("in 5 days".into(), 5));
        assert_eq!(phrase("2026-03-15T00:00:00Z"), ("in 5 days".into(), 5));
        assert_eq!(
            phrase("2026-03-15T23:59:59.999Z"),
            ("in 5 days".into(), 5),
            "any time on the day printed"
        );
        assert_eq!(phrase("2026-03-16T00:00:00Z"), ("in 6 days".into(), 6));
        assert_eq!(phrase("2026-03-11T12:00:00Z"), ("in 1 day".into(), 1));
        // Under a day ahead: hours, whatever the day.
        assert_eq!(
            phrase("2026-03-11T11:59:59.999Z"),
            ("in 23 hours".into(), 1)
        );
        assert_eq!(phrase("2026-03-11T00:00:00Z"), ("in 12 hours".into(), 1));
        assert_eq!(phrase("2026-03-10T15:00:00Z"), ("in 3 hours".into(), 0));
        assert_eq!(phrase("2026-03-10T13:00:00Z"), ("in 1 hour".into(), 0));
        assert_eq!(
            phrase("2026-03-10T12:59:59Z"),
            ("in under an hour".into(), 0)
        );
        assert_eq!(phrase(NOW), ("expired today".into(), 0));
        assert_eq!(phrase("2026-03-10T00:00:00Z"), ("expired today".into(), 0));
        assert_eq!(
            phrase("2026-03-09T23:59:59Z"),
            ("expired 1 day ago".into(), -1),
            "yesterday"
        );
        assert_eq!(
            phrase("2026-02-26T09:00:00Z"),
            ("expired 12 days ago".into(), -12)
        );
        // An offset names an instant; the day is the one it falls on in our zone (UTC
        // here): 22:00+10:00 is noon UTC, 2026-03-15T20:00-06:00 is 02:00 UTC on the 16th.
        assert_eq!(phrase("2026-03-15T22:00:00+10:00"), ("in 5 days".into(), 5));
        assert_eq!(phrase("2026-03-16T09:59:59+10:00"), ("in 5 days".into(), 5));
        assert_eq!(phrase("2026-03-15T20:00:00-06:00"), ("in 6 days".into(), 6));

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

    /// Eastern time with its daylight saving rule, without a time zone database.
    fn new_york() -> &'static TimeZone {
        static ZONE: OnceLock<TimeZone> = OnceLock::new();
        ZONE.get_or_init(|| TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap())
    }

    /// Central European time: 2026's clocks go forward on March 29th, back on October 25th.
    fn berlin() -> &'static TimeZone {
        static ZONE: OnceLock<TimeZone> = OnceLock::new();
        ZONE.get_or_init(|| TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap())
    }

    fn tokyo() -> &'static TimeZone {
        static ZONE: OnceLock<TimeZone> = OnceLock::new();
        ZONE.get_or_init(|| TimeZone::posix("JST-9").unwrap())
    }

    /// `now` in `zone`.
    fn at(now: &str, zone: &'static TimeZone) -> Now {
        Now { at: ts(now), zone }
    }

    /// What the table prints for an expiry: its day, and the phrase beside it.
    fn shown(expiry: &str, now: Now) -> (String, String, i64) {
        let t = dated(json!(expiry), json!(null), "2026-01-01T00:00:00Z");
        let When::At(date) = t.expiry() else {
            unreachable!()
        };
        (
            date.day(now),
            t.expiry_phrase(now).unwrap(),
            t.expires_in_days(now).unwrap(),
        )
    }

    #[test]
    fn days_count_to_the_day_printed_around_midnight() {
        // The case: on December 1st, a token that expires on December 6th.
        let late = utc("2026-12-01T23:59:00Z");
        assert_eq!(
            shown("2026-12-06T00:01:00Z", late),
            ("2026-12-06".into(), "in 5 days".into(), 5),
            "4 days and 2 minutes, but the 6th is 5 days after the 1st"
        );
        let early = utc("2026-12-01T00:00:00Z");
        assert_eq!(
            shown("2026-12-06T23:59:59Z", early),
            ("2026-12-06".into(), "in 5 days".into(), 5)
        );
        // A minute after midnight, the same expiry is a day nearer.
        let next = utc("2026-12-02T00:00:00Z");
        assert_eq!(
            shown("2026-12-06T00:01:00Z", next),
            ("2026-12-06".into(), "in 4 days".into(), 4)
        );
        // Tomorrow, but under a day: hours; the count of days says tomorrow.
        assert_eq!(
            shown("2026-12-02T00:01:00Z", late),
            ("2026-12-02".into(), "in under an hour".into(), 1)
        );
        assert_eq!(
            shown("2026-12-02T23:58:59Z", late),
            ("2026-12-02".into(), "in 23 hours".into(), 1)
        );
        assert_eq!(
            shown("2026-12-02T23:59:00Z", late),
            ("2026-12-02".into(), "in 1 day".into(), 1)
        );
        // Past: the day it expired, counted back.
        assert_eq!(
            shown("2026-11-30T23:59:59Z", utc("2026-12-01T00:00:00Z")),
            ("2026-11-30".into(), "expired 1 day ago".into(), -1)
        );
    }

    #[test]
    fn days_are_counted_in_the_zone_the_dates_are_printed_in() {
        // One instant, three zones: the date printed and the count move together.
        let now = "2026-12-01T23:59:00Z";
        let expiry = "2026-12-06T00:01:00Z";
        assert_eq!(
            shown(expiry, utc(now)),
            ("2026-12-06".into(), "in 5 days".into(), 5)
        );
        // Tokyo: now is 08:59 on the 2nd, the expiry 09:01 on the 6th.
        assert_eq!(
            shown(expiry, at(now, tokyo())),
            ("2026-12-06".into(), "in 4 days".into(), 4)
        );
        // New York: now is 18:59 on the 1st, the expiry 19:01 on the 5th.
        assert_eq!(
            shown(expiry, at(now, new_york())),
            ("2026-12-05".into(), "in 4 days".into(), 4)
        );
        // A date sent with another offset is shown on our day, not the registry's.
        assert_eq!(
            shown("2026-12-06T08:00:00+09:00", utc(now)),
            ("2026-12-05".into(), "in 4 days".into(), 4)
        );
        // Last use: the day it happened, here.
        let used = dated(json!(null), json!("2026-12-01T23:00:00Z"), now);
        assert_eq!(used.last_used_phrase(utc(now)).as_deref(), Some("today"));
        assert_eq!(
            used.last_used_phrase(at(now, tokyo())).as_deref(),
            Some("today")
        );
        let used = dated(json!(null), json!("2026-12-01T14:00:00Z"), now);
        assert_eq!(
            used.last_used_phrase(at(now, tokyo())).as_deref(),
            Some("1 day ago"),
            "23:00 on the 1st in Tokyo, now 08:59 on the 2nd"
        );
        assert_eq!(
            used.unused_for(0, at(now, tokyo())).as_deref(),
            Some("unused for 1 day")
        );
        assert_eq!(used.unused_for(0, utc(now)), None);
    }

    #[test]
    fn days_across_daylight_saving_time() {
        // Berlin's clocks go from 02:00 to 03:00 on March 29th: that day has 23 hours.
        let now = at("2026-03-28T11:00:00Z", berlin()); // 12:00 CET on the 28th
        assert_eq!(
            shown("2026-03-29T10:00:00Z", now), // 12:00 CEST on the 29th: 23 hours on
            ("2026-03-29".into(), "in 23 hours".into(), 1)
        );
        assert_eq!(
            shown("2026-03-29T22:30:00Z", now), // 00:30 CEST on the 30th
            ("2026-03-30".into(), "in 2 days".into(), 2)
        );
        // ... and from 03:00 back to 02:00 on October 25th: that day has 25 hours, so an
        // expiry 24 hours and 20 minutes away can be later the same day.
        let now = at("2026-10-24T22:10:00Z", berlin()); // 00:10 CEST on the 25th
        let t = dated(json!("2026-10-25T22:30:00Z"), json!(null), NOW); // 23:30 CET
        assert_eq!(
            shown("2026-10-25T22:30:00Z", now),
            ("2026-10-25".into(), "in 24 hours".into(), 0),
            "never `in 0 days`"
        );
        assert_eq!(
            t.expires_within(0, now).as_deref(),
            Some("expires in 24 hours")
        );
        // New York: a last use 23 hours before, across the spring change, was yesterday.
        let now = at("2026-03-09T04:30:00Z", new_york()); // 00:30 EDT on the 9th
        let used = dated(json!(null), json!("2026-03-08T05:30:00Z"), NOW); // 00:30 EST, the 8th
        assert_eq!(used.last_used_phrase(now).as_deref(), Some("1 day ago"));
        assert_eq!(used.unused_for(0, now).as_deref(), Some("unused for 1 day"));
        assert_eq!(used.unused_for(1, now), None);
    }

    #[test]
    fn day_numbers_are_exact_for_any_date() {
        let day = |y, m, d| day_number(civil::date(y, m, d));
        assert_eq!(day(1970, 1, 1), 0);
        assert_eq!(day(1969, 12, 31), -1);
        assert_eq!(
            day(2000, 3, 1) - day(2000, 2, 28),
            2,
            "2000 was a leap year"
        );
        assert_eq!(day(1900, 3, 1) - day(1900, 2, 28), 1, "1900 was not");
        assert_eq!(day(2026, 12, 6) - day(2026, 12, 1), 5);
        // Against jiff's own arithmetic, across its whole range.
        for date in [civil::Date::MIN, civil::date(-1, 1, 1), civil::Date::MAX] {
            let span = civil::date(1970, 1, 1)
                .until((jiff::Unit::Day, date))
                .unwrap();
            assert_eq!(day_number(date), i64::from(span.get_days()), "{date}");
        }
        // The widest instants, in the widest offsets, still have a day.
        static WIDEST: OnceLock<[TimeZone; 2]> = OnceLock::new();
        let widest = WIDEST
            .get_or_init(|| [jiff::tz::Offset::MIN, jiff::tz::Offset::MAX].map(TimeZone::fixed));
        for zone in widest.iter().chain([tokyo(), new_york()]) {
            for at in [Timestamp::MIN, Timestamp::MAX] {
                let now = Now { at, zone };
                assert!(now.days_until(Timestamp::MIN) <= now.days_until(Timestamp::MAX));
            }
        }
    }

    #[test]
    fn last_use_in_words() {
        let now = utc(NOW);
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
            used(json!("2026-03-09T23:59:59Z")).as_deref(),
            Some("1 day ago"),
            "yesterday, however late"
        );
        assert_eq!(
            used(json!("2026-03-10T00:00:00Z")).as_deref(),
            Some("today")
        );
        assert_eq!(used(json!(NOW)).as_deref(), Some("today"));
        assert_eq!(
            used(json!("2026-03-11T13:00:00Z")).as_deref(),
            Some("today"),
            "clock skew"
        );
        assert_eq!(
            used(json!("2026-03-08T00:00:00+12:00")).as_deref(),
            Some("3 days ago"),
            "12:00 UTC on the 7th"
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
        let now = utc(NOW);
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
    fn expires_within_matches_what_the_table_shows() {
        let now = utc(NOW);
        let within = |expiry: Value, n: u32| {
            info(with(gat(), json!({"expiry": expiry}))).expires_within(n, now)
        };
        assert_eq!(
            within(json!("2026-03-17T12:00:00Z"), 7).as_deref(),
            Some("expires in 7 days"),
            "exactly 7 days"
        );
        assert_eq!(
            within(json!("2026-03-17T23:59:59.999Z"), 7).as_deref(),
            Some("expires in 7 days"),
            "shown `in 7 days`: matches 7"
        );
        assert_eq!(within(json!("2026-03-18T00:00:00Z"), 7), None);
        assert_eq!(
            within(json!("2026-03-17T13:00:00+01:00"), 7).as_deref(),
            Some("expires in 7 days")
        );
        assert_eq!(
            within(json!("2026-03-10T15:00:00Z"), 0).as_deref(),
            Some("expires in 3 hours"),
            "0 days: later today"
        );
        assert_eq!(within(json!("2026-03-11T01:00:00Z"), 0), None, "tomorrow");
        assert_eq!(
            within(json!("2026-03-11T01:00:00Z"), 1).as_deref(),
            Some("expires in 13 hours")
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
        // Every phrase `in N days` matches N and not N - 1, through a year of expiries.
        for hours in 0..(24 * 366) {
            let expiry = ts(NOW) + SignedDuration::from_hours(hours) + SignedDuration::from_secs(1);
            let t = dated(json!(expiry.to_string()), json!(null), NOW);
            let phrase = t.expiry_phrase(now).unwrap();
            if let Some(n) = phrase
                .strip_prefix("in ")
                .and_then(|p| p.strip_suffix(" days"))
            {
                let n: u32 = n.parse().unwrap();
                assert!(t.expires_within(n, now).is_some(), "{expiry}: {phrase}");
                assert!(t.expires_within(n - 1, now).is_none(), "{expiry}: {phrase}");
            }
        }
    }

    #[test]
    fn unused_for_matches_old_last_use_or_old_never_used_tokens() {
        let now = utc(NOW);
        let unused = |accessed: Value, created: &str, n: u32| {
            dated(json!(null), accessed, created).unused_for(n, now)
        };
        let created = "2025-01-01T00:00:00Z";
        assert_eq!(
            unused(json!("2026-01-29T00:00:00Z"), created, 40).as_deref(),
            None,
            "40 days ago is not more than 40"
        );
        assert_eq!(
            unused(json!("2026-01-28T23:59:59.999Z"), created, 40).as_deref(),
            Some("unused for 41 days")
        );
        assert_eq!(
            unused(json!("2026-01-29T00:59:59+01:00"), created, 40).as_deref(),
            Some("unused for 41 days"),
            "23:59:59 UTC on the 28th"
        );
        assert_eq!(
            unused(json!("2026-01-01T00:00:00Z"), created, 30).as_deref(),
            Some("unused for 68 days")
        );
        assert_eq!(unused(json!("2026-03-09T00:00:00Z"), created, 30), None);
        assert_eq!(
            unused(json!("2026-03-09T23:00:00Z"), created, 0).as_deref(),
            Some("unused for 1 day"),
            "yesterday"
        );
        assert_eq!(unused(json!("2026-03-10T00:00:00Z"), created, 0), None);
        // Never used: the token's age decides, by the same rule.
        assert_eq!(
            unused(json!(null), "2026-01-28T11:00:00Z", 40).as_deref(),
            Some("never used, created 41 days ago")
        );
        assert_eq!(
            unused(json!(null), "2026-01-29T23:00:00Z", 40),
            None,
            "40 days ago"
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
        // Every phrase `N days ago` matches N - 1 and not N.
        for hours in 1..(24 * 100) {
            let used = ts(NOW) - SignedDuration::from_hours(hours);
            let t = dated(json!(null), json!(used.to_string()), created);
            let phrase = t.last_used_phrase(now).unwrap();
            if let Some(n) = phrase.strip_suffix(" days ago") {
                let n: u32 = n.parse().unwrap();
                assert!(t.unused_for(n - 1, now).is_some(), "{used}: {phrase}");
                assert!(t.unused_for(n, now).is_none(), "{used}: {phrase}");
            }
        }
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

    /// The system zone read from its one file is the zone jiff finds by its own walk.
    #[test]
    fn the_system_zone_is_read_from_its_file_alone() {
        let instants = [
            "2026-01-15T12:00:00Z",
            "2026-07-15T12:00:00Z",
            "2026-03-29T01:30:00Z",
        ];
        let same = |a: &TimeZone, b: &TimeZone| {
            instants
                .iter()
                .all(|at| a.to_offset(ts(at)) == b.to_offset(ts(at)))
        };
        let jiffs = TimeZone::try_system().unwrap_or(TimeZone::UTC);
        assert!(same(&zone_for(None), &jiffs), "/etc/localtime");
        assert!(same(&zone_for(Some("")), &TimeZone::UTC));
        assert!(same(&zone_for(Some("UTC")), &TimeZone::UTC));
        let rule = "EST5EDT,M3.2.0,M11.1.0";
        assert!(same(&zone_for(Some(rule)), &TimeZone::posix(rule).unwrap()));
        if let Ok(berlin) = TimeZone::get("Europe/Berlin") {
            assert!(same(&zone_for(Some("Europe/Berlin")), &berlin));
            assert!(same(&zone_for(Some(":Europe/Berlin")), &berlin));
        }
        // A name that would leave the zoneinfo folder is not read as one.
        let escaped = zone_for(Some("../../etc/passwd"));
        assert!(same(
            &escaped,
            &TimeZone::try_system().unwrap_or(TimeZone::UTC)
        ));
    }
}
