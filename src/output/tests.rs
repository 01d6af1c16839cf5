use super::*;
use crate::token_info::Now;
use serde_json::json;

mod tables;

const PLAIN: Paint = Paint(false);

fn tokens() -> Vec<Token> {
    [
        json!({"user": "alice", "token": "ODZmM...hODg=", "key": "6d812cd1dd101381e3662cb1cbe30c7b",
               "cidr": ["192.0.2.0/24", "10.0.0.0/8"], "readonly": false,
               "created": "2026-11-25T01:22:03.385Z"}),
        json!({"token": "npm_ab", "key": "2dfdb1d2", "name": "ci", "readonly": true,
               "cidr_whitelist": null, "created": "2026-11-25T01:22:03.698Z", "updated": "x"}),
        json!({}),
    ]
    .into_iter()
    .map(|v| Token::from_map(v.as_object().unwrap().clone()))
    .collect()
}

/// The fixed "now" of these tests.
const NOW: &str = "2026-03-10T12:00:00Z";

fn printer(format: OutputFormat, paint: Paint) -> Printer {
    Printer {
        format,
        paint,
        progress: false,
        width: None,
        ascii: false,
        now: Now::utc(NOW.parse().unwrap()),
    }
}

fn token_list(tokens: &[Token], ids: &[String], format: OutputFormat, paint: Paint) -> String {
    let mut out = Vec::new();
    write_token_list(&mut out, tokens, ids, None, &printer(format, paint)).unwrap();
    String::from_utf8(out).unwrap()
}

fn ids() -> Vec<String> {
    vec!["6d812c".into(), "2dfdb1".into(), "".into()]
}

#[test]
fn lines_follow_npm() {
    assert_eq!(
        token_list(&tokens(), &ids(), OutputFormat::Lines, PLAIN),
        "Token ODZmM...hODg=… with id 6d812c name (unnamed) created 2026-11-25\n\
         with IP whitelist: 192.0.2.0/24,10.0.0.0/8\n\n\
         Token npm_ab… with id 2dfdb1 name ci created 2026-11-25\n\n\
         Token undefined… with id  name (unnamed) created undefined\n\n"
    );
}

#[test]
fn colour_follows_npm_chalk() {
    let out = token_list(
        &tokens()[..1],
        &ids()[..1],
        OutputFormat::Lines,
        Paint(true),
    );
    assert_eq!(
        out,
        "\x1b[34mToken\x1b[39m ODZmM...hODg=… with id \x1b[36m6d812c\x1b[39m name \x1b[35m(unnamed)\x1b[39m created 2026-11-25\n\
         with IP whitelist: \x1b[32m192.0.2.0/24,10.0.0.0/8\x1b[39m\n\n"
    );
    let table = token_list(&tokens(), &ids(), OutputFormat::Table, Paint(true));
    assert!(table.contains("\x1b[1m id "), "{table}");
    let plain = token_list(&tokens(), &ids(), OutputFormat::Table, PLAIN);
    assert!(!plain.contains('\x1b'), "{plain}");
}

#[test]
fn parseable_follows_npm() {
    assert_eq!(
        token_list(&tokens(), &ids(), OutputFormat::Parseable, PLAIN),
        "key\ttoken\tid\tname\tcreated\treadonly\tCIDR whitelist\n\
         6d812cd1dd101381e3662cb1cbe30c7b\tODZmM...hODg=\t6d812c\t\t2026-11-25T01:22:03.385Z\tfalse\t192.0.2.0/24,10.0.0.0/8\n\
         2dfdb1d2\tnpm_ab\t2dfdb1\tci\t2026-11-25T01:22:03.698Z\ttrue\t\n\
         \t\t\t\t\tfalse\t\n"
    );
}

#[test]
fn json_passes_objects_through_with_id_last() {
    let out = token_list(&tokens()[1..2], &ids()[1..2], OutputFormat::Json, PLAIN);
    assert_eq!(
        out,
        "[\n  {\n    \"token\": \"npm_ab\",\n    \"key\": \"2dfdb1d2\",\n    \"name\": \"ci\",\n    \"readonly\": true,\n    \"cidr_whitelist\": null,\n    \"created\": \"2026-11-25T01:22:03.698Z\",\n    \"updated\": \"x\",\n    \"id\": \"2dfdb1\"\n  }\n]\n"
    );
    assert_eq!(token_list(&[], &[], OutputFormat::Json, PLAIN), "[]\n");
    assert_eq!(token_list(&[], &[], OutputFormat::Lines, PLAIN), "");
}

#[test]
fn table_shows_every_token() {
    let out = token_list(&tokens(), &ids(), OutputFormat::Table, PLAIN);
    for needle in [
        "6d812c",
        "ODZmM...hODg=",
        "192.0.2.0/24, 10.0.0.0/8",
        "read-only",
        "ci",
    ] {
        assert!(out.contains(needle), "{needle} in\n{out}");
    }
    assert_eq!(
        token_list(&[], &[], OutputFormat::Table, PLAIN),
        "No tokens.\n"
    );
}

/// npmjs.org's list: granular tokens (one expiring soon, one expired, one revoked, one
/// that never expires) and a classic one.
fn npmjs_tokens() -> Vec<Token> {
    [
        json!({"name": "publish", "key": "d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6",
               "token": "npm_NYn6...jCq0", "expiry": "2026-03-15T12:00:00.000Z",
               "cidr": ["192.0.2.0/24"], "bypass_2fa": false, "revoked": null,
               "created": "2026-01-14T12:22:18.350Z", "accessed": "2026-03-07T08:21:34.208Z",
               "permissions": [{"name": "package", "action": "write"}, {"name": "org", "action": "read"}],
               "scopes": [{"name": "@a/one", "type": "package"}, {"name": "@a/two", "type": "package"},
                          {"name": "@b", "type": "scope"}, {"name": "acme", "type": "org"}]}),
        json!({"name": "old", "key": "0b3f2c11-0000-4000-8000-000000000001",
               "token": "npm_AAAA...BBBB", "expiry": "2026-02-26T09:00:00.000Z", "cidr": [],
               "revoked": null, "created": "2025-12-01T00:00:00.000Z", "accessed": null,
               "permissions": [{"name": "package", "action": "read"}], "scopes": []}),
        json!({"name": "gone", "key": "7c0ffee0-0000-4000-8000-000000000002",
               "token": "npm_CCCC...DDDD", "expiry": "2026-06-01T00:00:00.000Z", "cidr": [],
               "revoked": "2026-03-01T10:00:00.000Z", "created": "2026-02-01T00:00:00.000Z",
               "accessed": null, "permissions": [], "scopes": []}),
        json!({"name": "reader", "key": "9e9e9e9e-0000-4000-8000-000000000003",
               "token": "npm_EEEE...FFFF", "expiry": null, "cidr": [], "revoked": null,
               "created": "2026-03-01T00:00:00.000Z", "accessed": "2026-03-10T11:00:00.000Z",
               "permissions": [{"name": "package", "action": "read"}],
               "scopes": [{"name": "@a/one", "type": "package"}]}),
        json!({"token": "a73c95", "key": "ab12cd34", "cidr_whitelist": null, "readonly": true,
               "automation": false, "created": "2017-10-21T10:00:00.000Z"}),
    ]
    .into_iter()
    .map(|v| Token::from_map(v.as_object().unwrap().clone()))
    .collect()
}

#[test]
fn table_tells_what_each_token_may_do_and_when_it_ends() {
    let ids: Vec<String> = ["d83cf1", "0b3f2c", "7c0ffe", "9e9e9e", "ab12cd"]
        .map(String::from)
        .to_vec();
    let out = token_list(&npmjs_tokens(), &ids, OutputFormat::Table, PLAIN);
    assert_eq!(
        out,
        "\
┌────────┬───────────┬─────────────────┬─────────────────────────────┬───────────────────────┬──────────────┬────────────┬──────────────────────────────────┬────────────┐
│ id     ┆ name      ┆ token           ┆ access                      ┆ covers                ┆ CIDR         ┆ created    ┆ expires                          ┆ last used  │
╞════════╪═══════════╪═════════════════╪═════════════════════════════╪═══════════════════════╪══════════════╪════════════╪══════════════════════════════════╪════════════╡
│ d83cf1 ┆ publish   ┆ npm_NYn6...jCq0 ┆ packages: write, orgs: read ┆ @a/one, @a/two, @b +1 ┆ 192.0.2.0/24 ┆ 2026-01-14 ┆ 2026-03-15 (in 5 days)           ┆ 3 days ago │
│ 0b3f2c ┆ old       ┆ npm_AAAA...BBBB ┆ packages: read              ┆                       ┆              ┆ 2025-12-01 ┆ 2026-02-26 (expired 12 days ago) ┆ never      │
│ 7c0ffe ┆ gone      ┆ npm_CCCC...DDDD ┆ no access                   ┆                       ┆              ┆ 2026-02-01 ┆ revoked 2026-03-01               ┆ never      │
│ 9e9e9e ┆ reader    ┆ npm_EEEE...FFFF ┆ packages: read              ┆ @a/one                ┆              ┆ 2026-03-01 ┆ never                            ┆ today      │
│ ab12cd ┆ (unnamed) ┆ a73c95          ┆ read-only                   ┆                       ┆              ┆ 2017-10-21 ┆                                  ┆            │
└────────┴───────────┴─────────────────┴─────────────────────────────┴───────────────────────┴──────────────┴────────────┴──────────────────────────────────┴────────────┘
"
    );
    // With colour, the ids of the expired and the revoked token are red.
    let coloured = token_list(&npmjs_tokens(), &ids, OutputFormat::Table, Paint(true));
    for (id, dead) in [
        ("d83cf1", false),
        ("0b3f2c", true),
        ("7c0ffe", true),
        ("ab12cd", false),
    ] {
        let red = format!("\x1b[38;5;9m {id} ");
        assert_eq!(coloured.contains(&red), dead, "{id} in\n{coloured}");
    }
}

#[test]
fn table_leaves_out_columns_no_token_fills() {
    // Verdaccio's tokens: no expiry, use or coverage to show.
    let out = token_list(&tokens()[..2], &ids()[..2], OutputFormat::Table, PLAIN);
    let header = out.lines().nth(1).unwrap();
    assert_eq!(
        header
            .split('┆')
            .map(|c| c.trim_matches(['│', ' ']))
            .collect::<Vec<_>>(),
        ["id", "name", "token", "access", "CIDR", "created"]
    );
    let no_cidr = token_list(&tokens()[1..2], &ids()[1..2], OutputFormat::Table, PLAIN);
    assert!(!no_cidr.contains("CIDR"), "{no_cidr}");
}

#[test]
fn create_outputs() {
    let created = |result: &serde_json::Value, format| {
        created_token(result.as_object().unwrap(), &printer(format, PLAIN))
    };
    let result = json!({"token": "full-token", "key": "k", "updated": "u", "cidr": ["10.0.0.0/8"],
        "readonly": true, "expires": null});
    assert_eq!(
        created(&result, OutputFormat::Lines),
        "Created token full-token\nwith IP whitelist: 10.0.0.0/8\n"
    );
    // npm leaves out `key` and `updated`.
    assert_eq!(
        created(&result, OutputFormat::Parseable),
        "token\tfull-token\ncidr\t10.0.0.0/8\nreadonly\ttrue\nexpires\tnull\n"
    );
    assert_eq!(
        created(&result, OutputFormat::Json),
        "{\n  \"token\": \"full-token\",\n  \"cidr\": [\n    \"10.0.0.0/8\"\n  ],\n  \"readonly\": true,\n  \"expires\": null\n}\n"
    );
    let expiring = json!({"token": "t", "cidr_whitelist": [], "expires": "2027-01-01"});
    assert_eq!(
        created(&expiring, OutputFormat::Lines),
        "Created token t\nexpires: 2027-01-01\n"
    );
    // npmjs.org's answer: `cidr` and `expiry`, rights as objects.
    let gat = json!({"name": "ci", "token": "npm_0123456789abcdefghijklmnopqrstuvwxyz",
        "key": "d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6",
        "expiry": "2026-04-09T12:00:00.000Z", "cidr": ["192.0.2.0/24"],
        "permissions": [{"name": "package", "action": "read"}], "scopes": [], "revoked": null});
    assert_eq!(
        created(&gat, OutputFormat::Lines),
        "Created token npm_0123456789abcdefghijklmnopqrstuvwxyz\n\
         with IP whitelist: 192.0.2.0/24\n\
         expires: 2026-04-09T12:00:00.000Z\n"
    );
    assert_eq!(
        created(&gat, OutputFormat::Parseable),
        "name\tci\ntoken\tnpm_0123456789abcdefghijklmnopqrstuvwxyz\n\
         expiry\t2026-04-09T12:00:00.000Z\ncidr\t192.0.2.0/24\n\
         permissions\t[{\"name\":\"package\",\"action\":\"read\"}]\nscopes\t\nrevoked\tnull\n"
    );
    // On a terminal: the token, then the summary in the table's terms.
    let table = created(&gat, OutputFormat::Table);
    assert!(
        table.starts_with(
            "Created token npm_0123456789abcdefghijklmnopqrstuvwxyz\n\
             id        d83cf1\n\
             name      ci\n\
             access    packages: read\n\
             CIDR      192.0.2.0/24\n\
             expires   2026-04-09 (in "
        ),
        "{table}"
    );
    // Verdaccio's answer: a classic token, no expiry reported.
    let classic = json!({"token": "npm_x", "key": "6d812cd1dd10", "cidr": [], "readonly": false});
    assert_eq!(
        created(&classic, OutputFormat::Table),
        "Created token npm_x\nid        6d812c\nname      (unnamed)\naccess    read-write\n"
    );
    let never = json!({"token": "npm_x", "name": "forever", "expiry": null, "permissions": []});
    assert_eq!(
        created(&never, OutputFormat::Table),
        "Created token npm_x\nname      forever\naccess    no access\nexpires   never\n"
    );
}

#[test]
fn revoke_outputs() {
    let keys = vec!["a".to_owned(), "b".to_owned()];
    assert_eq!(revoked(&keys, OutputFormat::Lines), "Removed 2 tokens\n");
    assert_eq!(
        revoked(&keys[..1], OutputFormat::Lines),
        "Removed 1 token\n"
    );
    assert_eq!(revoked(&keys, OutputFormat::Parseable), "a\tb\n");
    assert_eq!(
        revoked(&keys, OutputFormat::Json),
        "[\n  \"a\",\n  \"b\"\n]\n"
    );
}
