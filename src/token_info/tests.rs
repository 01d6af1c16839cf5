//! Tests of reading a token object, and the fixtures the other modules' tests share.

use super::*;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use serde_json::json;

/// The GAT npmjs.org lists (npm/cli#9443).
pub(super) fn gat() -> Value {
    json!({"name": "publish_token", "description": "Publish Token",
     "key": "d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6", "token": "npm_NYn6...jCq0",
     "expiry": "2026-02-03T20:06:18.920Z", "cidr": [], "bypass_2fa": true, "revoked": null,
     "created": "2025-05-28T12:22:18.350Z", "updated": "2025-11-05T20:06:18.920Z",
     "accessed": "2026-02-02T08:21:34.208Z",
     "permissions": [{"name": "package", "action": "write"}],
     "scopes": [{"name": "a_test_package", "type": "package"}]})
}

/// A classic token, as npm's registry listed them.
pub(super) fn classic() -> Value {
    json!({"token": "a73c95", "key": "ab".repeat(64), "cidr_whitelist": null,
     "readonly": false, "automation": false, "created": "2017-10-21T10:00:00.000Z",
     "updated": "2017-10-21T10:00:00.000Z"})
}

/// A classic token as Verdaccio 6 lists it.
pub(super) fn verdaccio() -> Value {
    json!({"user": "alice", "token": "ABCDE...VWXYZ", "key": "0123456789abcdef0123456789abcdef",
     "cidr": ["192.0.2.0/24"], "readonly": true, "created": "2026-01-10T09:00:00.000Z"})
}

pub(super) fn info(v: Value) -> TokenInfo {
    TokenInfo::from_fields(v.as_object().expect("an object"))
}

/// `fixture` with the fields of `changes` set (to null too); `without` removes fields.
pub(super) fn with(mut fixture: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        fixture[k] = v.clone();
    }
    fixture
}

pub(super) fn without(mut fixture: Value, names: &[&str]) -> Value {
    for name in names {
        fixture.as_object_mut().unwrap().remove(*name);
    }
    fixture
}

pub(super) fn ts(text: &str) -> Timestamp {
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
    assert!(t.bypasses_2fa());
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
    assert!(!t.bypasses_2fa());

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
    assert!(!t.bypasses_2fa());
    assert_eq!(t.access(), &Access::ReadWrite);
    assert!(t.coverage().is_empty());
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
        // The widest offsets either way: no instant's day is out of range.
        static ZONES: std::sync::OnceLock<[TimeZone; 3]> = std::sync::OnceLock::new();
        let zones = ZONES.get_or_init(|| {
            [TimeZone::UTC, TimeZone::fixed(Offset::MIN), TimeZone::fixed(Offset::MAX)]
        });
        for (at, zone) in [now, Timestamp::MIN, Timestamp::MAX].iter().flat_map(|at| zones.iter().map(move |z| (*at, z))) {
            let now = Now { at, zone };
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
