//! npmjs.org as it serves tokens since December 2025 (`notes/npmjs-granular-tokens.md`):
//! granular access tokens (GATs) beside a classic one, pages linked by absolute
//! `?page=N&perPage=M` URLs, 201 on create, 204 on revoke, one-time-password challenges and
//! `npm-notice` headers. Beside real npm wherever npm is right.

use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use super::{otp_challenge, Fake};
use crate::support::Run;

pub(super) const TOKENS: &str = "/-/npm/v1/tokens";
pub(super) const PUBLISH_KEY: &str = "d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6";
/// The full token `npm_NYn6...jCq0` masks.
pub(super) const PUBLISH_TOKEN: &str = "npm_NYn6aBcDeFgHiJkLmNoPqRsTuVwXyZ12jCq0";

/// Noon (UTC, the sandbox's time zone) on the day `days` days from today: days are
/// counted to the day printed, so the counts hold whatever the time of day.
fn days_from_now(days: i64) -> String {
    let today = Timestamp::now().to_zoned(TimeZone::UTC).date();
    let day = today.checked_add(Span::new().days(days)).unwrap();
    format!("{day}T12:00:00.000Z")
}

/// Page 0: two GATs; page 1: an expired GAT, a revoked one, and a classic token.
fn pages() -> [Value; 2] {
    [
        json!([
            {"name": "publish", "description": "CI publish", "key": PUBLISH_KEY,
             "token": "npm_NYn6...jCq0", "expiry": days_from_now(400),
             "cidr": ["192.0.2.0/24", "198.51.100.0/24"], "bypass_2fa": true, "revoked": null,
             "created": "2025-05-28T12:22:18.350Z", "updated": "2025-11-05T20:06:18.920Z",
             "accessed": days_from_now(-3),
             "permissions": [{"name": "package", "action": "write"}, {"name": "org", "action": "read"}],
             "scopes": [{"name": "@acme/a", "type": "package"}, {"name": "@acme/b", "type": "package"},
                        {"name": "@tools", "type": "scope"}, {"name": "acme", "type": "org"}]},
            {"name": "reader", "description": null, "key": "0b3f2c11-9a8b-4c7d-8e6f-5a4b3c2d1e0f",
             "token": "npm_Ab12...Zz99", "expiry": null, "cidr": [], "bypass_2fa": false,
             "revoked": null, "created": "2025-12-01T00:00:00.000Z",
             "updated": "2025-12-01T00:00:00.000Z", "accessed": null,
             "permissions": [{"name": "package", "action": "read"}],
             "scopes": [{"name": "@acme/a", "type": "package"}]},
        ]),
        json!([
            {"name": "old", "key": "7c0ffee0-1111-4222-8333-944455556666",
             "token": "npm_OLD1...OLD2", "expiry": days_from_now(-12), "cidr": [],
             "bypass_2fa": false, "revoked": null, "created": "2025-10-01T00:00:00.000Z",
             "updated": "2025-10-01T00:00:00.000Z", "accessed": null,
             "permissions": [{"name": "package", "action": "read"}], "scopes": []},
            {"name": "gone", "key": "9e9e9e9e-1111-4222-8333-944455556666",
             "token": "npm_GONE...GONE", "expiry": days_from_now(30), "cidr": [],
             "bypass_2fa": false, "revoked": "2026-01-05T10:00:00.000Z",
             "created": "2025-10-01T00:00:00.000Z", "updated": "2026-01-05T10:00:00.000Z",
             "accessed": null, "permissions": [], "scopes": []},
            {"token": "a73c95", "key": "ab12cd34ef56ab12cd34ef56ab12cd34", "cidr_whitelist": null,
             "readonly": true, "automation": false, "created": "2017-10-21T10:00:00.000Z",
             "updated": "2017-10-21T10:00:00.000Z"},
        ]),
    ]
}

/// A fake npmjs.org serving [`pages`], page 1 by an absolute `next` link.
pub(super) async fn npmjs() -> Fake {
    let fake = Fake::start().await;
    let [first, second] = pages();
    let next = fake.url(&format!("{TOKENS}?page=1&perPage=2"));
    Mock::given(method("GET"))
        .and(path(TOKENS))
        .and(query_param("page", "1"))
        .and(query_param("perPage", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"objects": second, "total": 5, "urls": {"next": ""}})),
        )
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(TOKENS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"objects": first, "total": 5, "urls": {"next": next}})),
        )
        .with_priority(2)
        .mount(&fake.server)
        .await;
    fake
}

/// Every key [`pages`] lists that is a UUID: npm 11 prints each as `***`.
const UUID_KEYS: [&str; 4] = [
    PUBLISH_KEY,
    "0b3f2c11-9a8b-4c7d-8e6f-5a4b3c2d1e0f",
    "7c0ffee0-1111-4222-8333-944455556666",
    "9e9e9e9e-1111-4222-8333-944455556666",
];

async fn npm(fake: &Fake, args: &[&str]) -> Run {
    let mut cmd = fake.sandbox.npm();
    cmd.args(args);
    Run::of_async(cmd).await
}

/// Where npm is right, our bytes are npm's. The differences, on purpose: keys are printed
/// in full (npm 11 prints every UUID key as `***`), and a GAT's `cidr` list is shown where
/// npm reads only `cidr_whitelist` (the `with IP whitelist:` line, the parseable column).
/// The lines also name an unnamed token `(unnamed)`, not `undefined`.
#[tokio::test(flavor = "multi_thread")]
async fn lists_what_npm_lists_with_keys_in_full_and_the_cidr_of_gats() {
    let fake = npmjs().await;
    let as_npm_11 = |ours: &str| {
        UUID_KEYS
            .iter()
            .fold(ours.to_owned(), |text, key| text.replace(key, "***"))
    };

    let ours = fake.run(&["list", "--json"]).await;
    let theirs = npm(&fake, &["token", "list", "--json"]).await;
    assert_eq!((ours.code, theirs.code), (0, 0), "{ours:?} {theirs:?}");
    assert_eq!(ours.stdout.matches("\"id\": ").count(), 5);
    for key in UUID_KEYS {
        assert!(
            ours.stdout.contains(&format!("\"key\": \"{key}\"")),
            "{key}"
        );
    }
    assert_eq!(as_npm_11(&ours.stdout), theirs.stdout);

    let ours = fake.run(&["list", "--parseable"]).await;
    let theirs = npm(&fake, &["token", "list", "--parseable"]).await;
    assert_eq!((ours.code, theirs.code), (0, 0), "{ours:?} {theirs:?}");
    assert!(ours.stdout.contains(&format!(
        "{PUBLISH_KEY}\tnpm_NYn6...jCq0\td83cf1\tpublish\t2025-05-28T12:22:18.350Z\tfalse\t\
         192.0.2.0/24,198.51.100.0/24\n"
    )));
    assert_eq!(
        as_npm_11(&ours.stdout).replace("\t192.0.2.0/24,198.51.100.0/24\n", "\t\n"),
        theirs.stdout
    );

    // Piped: npm's lines.
    let ours = fake.run(&["list"]).await;
    let theirs = npm(&fake, &["token", "list"]).await;
    assert_eq!((ours.code, theirs.code), (0, 0), "{ours:?} {theirs:?}");
    assert!(ours.stdout.starts_with(
        "Token npm_NYn6...jCq0… with id d83cf1 name publish created 2025-05-28\n\
         with IP whitelist: 192.0.2.0/24,198.51.100.0/24\n\n"
    ));
    assert_eq!(
        ours.stdout
            .replace("with IP whitelist: 192.0.2.0/24,198.51.100.0/24\n", "")
            .replace(" name (unnamed) ", " name undefined "),
        theirs.stdout
    );
}

/// The table at the real now: the fixtures' dates are at noon, whole days from today.
#[tokio::test(flavor = "multi_thread")]
async fn the_table_tells_what_each_token_may_do_and_when_it_ends() {
    let fake = npmjs().await;
    let run = fake.run(&["list", "--table", "--color", "never"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let row = |id: &str| -> Vec<String> {
        let line = run.stdout.lines().find(|l| l.contains(id)).unwrap();
        line.split('┆')
            .map(|cell| cell.trim_matches(['│', ' ']).to_owned())
            .collect()
    };
    let header = row(" id ");
    assert_eq!(
        header,
        [
            "id",
            "name",
            "token",
            "access",
            "covers",
            "CIDR",
            "created",
            "expires",
            "last used"
        ]
    );
    let publish = row("d83cf1");
    assert_eq!(publish[3], "packages: write, orgs: read; bypasses 2FA");
    assert_eq!(publish[4], "@acme/a, @acme/b, @tools +1");
    assert_eq!(publish[5], "192.0.2.0/24, 198.51.100.0/24");
    assert!(publish[7].ends_with(" (in 400 days)"), "{publish:?}");
    assert_eq!(publish[8], "3 days ago");
    let reader = row("0b3f2c");
    assert_eq!(reader[3], "packages: read", "never a right the token lacks");
    assert_eq!((reader[7].as_str(), reader[8].as_str()), ("never", "never"));
    assert!(
        row("7c0ffe")[7].ends_with(" (expired 12 days ago)"),
        "{run:?}"
    );
    assert_eq!(row("9e9e9e")[7], "revoked 2026-01-05");
    let classic = row("ab12cd");
    assert_eq!(classic[1..4], ["(unnamed)", "a73c95", "read-only"]);
    assert_eq!(classic[7..], ["", ""], "a classic token reports neither");
}

/// npmjs.org asks for a second factor, then answers 201 with the new GAT.
#[tokio::test(flavor = "multi_thread")]
async fn create_sends_read_only_rights_and_shows_what_npmjs_returns() {
    let fake = npmjs().await;
    let expiry = days_from_now(30);
    let token = "npm_0123456789abcdefghijklmnopqrstuvwxyz";
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .and(header("npm-otp", "123456"))
        .and(body_json(json!({
            "name": "ci", "password": "pw-123456", "expires": 30,
            "packages_and_scopes_permission": "read-only",
            "cidr_whitelist": ["192.0.2.0/24"], "readonly": true,
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "name": "ci", "key": "5e5e5e5e-1111-4222-8333-944455556666", "token": token,
            "expiry": expiry, "cidr": ["192.0.2.0/24"], "bypass_2fa": false, "revoked": null,
            "created": "2026-01-01T00:00:00.000Z", "updated": "2026-01-01T00:00:00.000Z",
            "accessed": null, "permissions": [{"name": "package", "action": "read"}],
            "scopes": [],
        })))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(otp_challenge())
        .with_priority(2)
        .mount(&fake.server)
        .await;
    let args = [
        "create",
        "--name",
        "ci",
        "--expires",
        "30",
        "--cidr",
        "192.0.2.0/24",
        "--read-only",
        "--password",
        "pw-123456",
    ];
    let challenged = fake.run(&args).await;
    assert_eq!(challenged.code, 1, "{challenged:?}");
    assert!(challenged.stderr.contains("--otp=<code>"), "{challenged:?}");

    let run = fake.run(&[&args[..], &["--otp", "123456"]].concat()).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (
            0,
            format!("Created token {token}\nwith IP whitelist: 192.0.2.0/24\nexpires: {expiry}\n")
                .as_str()
        ),
        "{run:?}"
    );
    let parseable = fake
        .run(&[&args[..], &["--otp", "123456", "--parseable"]].concat())
        .await;
    assert_eq!(
        parseable.stdout,
        format!(
            "name\tci\ntoken\t{token}\nexpiry\t{expiry}\ncidr\t192.0.2.0/24\nbypass_2fa\tfalse\n\
             revoked\tnull\ncreated\t2026-01-01T00:00:00.000Z\naccessed\tnull\n\
             permissions\t[{{\"name\":\"package\",\"action\":\"read\"}}]\nscopes\t\n"
        ),
        "{parseable:?}"
    );
}

/// npmjs.org answers 204; a full token resolves to its key and is never sent.
#[tokio::test(flavor = "multi_thread")]
async fn revoke_by_full_token_deletes_its_key() {
    let fake = npmjs().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{TOKENS}/token/{PUBLISH_KEY}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", PUBLISH_TOKEN, "--json"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, format!("[\n  \"{PUBLISH_KEY}\"\n]\n").as_str(), ""),
    );
    let run = fake.run(&["rm", "d83c"]).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "Removed 1 token\n"));
    for request in fake.server.received_requests().await.unwrap() {
        assert!(
            !request.url.as_str().contains(PUBLISH_TOKEN),
            "{}",
            request.url
        );
    }

    // Same head, another tail: not this token. Neither is sent nor shown.
    let other = "npm_NYn6aBcDeFgHiJkLmNoPqRsTuVwXyZ12XXXX";
    let unknown = fake.run(&["revoke", other]).await;
    unknown.assert_error("Unknown token id or value \"npm_NY…\".");
    let requests = fake.server.received_requests().await.unwrap();
    let deletes = requests.iter().filter(|r| r.method.as_str() == "DELETE");
    assert_eq!(deletes.count(), 2, "nothing deleted for an unknown token");
}

/// A registry's `npm-notice` header: a notice line, without the terminal escapes it holds.
#[tokio::test(flavor = "multi_thread")]
async fn npm_notice_headers_are_shown_as_npm_shows_them() {
    let fake = Fake::start().await;
    fake.list_answers(
        ResponseTemplate::new(200)
            .set_body_json(json!({"objects": [], "urls": {"next": ""}}))
            .insert_header(
                "npm-notice",
                "Tokens expire soon:\u{9b}31m see https://example.test/",
            ),
    )
    .await;
    let run = fake.run(&["list", "--json"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            0,
            "[]\n",
            "npm-token notice Tokens expire soon:31m see https://example.test/\n"
        ),
    );
    let quiet = fake.run(&["list", "--json", "--loglevel", "warn"]).await;
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
}
