//! Keeping tokens tidy on npmjs.org's shapes: the list filters, bulk revoke, the token in
//! use, `status` and `rotate` (the issue "Token hygiene").

use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

use super::npmjs::{npmjs, PUBLISH_KEY, PUBLISH_TOKEN};
use super::{otp_challenge, Fake};
use crate::support::BIN;

const READER_KEY: &str = "0b3f2c11-9a8b-4c7d-8e6f-5a4b3c2d1e0f";
const OLD_KEY: &str = "7c0ffee0-1111-4222-8333-944455556666";
const GONE_KEY: &str = "9e9e9e9e-1111-4222-8333-944455556666";

/// The fake npmjs, authenticating with the full token of its `publish` GAT.
pub(super) async fn as_publish() -> Fake {
    let fake = npmjs().await;
    let port = fake.server.address().port();
    fake.configure(&format!("//127.0.0.1:{port}/:_authToken={PUBLISH_TOKEN}\n"));
    fake
}

#[tokio::test(flavor = "multi_thread")]
async fn list_filters_keep_each_format_and_say_what_they_cannot_see() {
    let fake = npmjs().await;
    let run = fake.run(&["list", "--expired", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let keys: Vec<&str> = listed.iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [OLD_KEY, GONE_KEY],
        "npm's object shape, the ids unchanged"
    );
    assert_eq!(listed[0]["id"], "7c0ffe");
    // The classic token reports no expiry: said once, not silently unmatched.
    assert_eq!(
        run.stderr,
        "npm-token warn 1 of 5 tokens report no expiry (classic tokens never expire): --expired cannot match them\n"
    );

    let run = fake
        .run(&["list", "--expires-within", "500", "--lines"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("Token npm_NYn6...jCq0… with id d83cf1 name publish"),
        "{run:?}"
    );
    assert_eq!(run.stdout.matches("Token ").count(), 1, "{run:?}");

    // Never used, created long ago; AND with --expired.
    let run = fake
        .run(&["list", "--unused-for", "30", "--expired", "--parseable"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{run:?}");
    assert!(
        rows[0].starts_with(OLD_KEY) && rows[1].starts_with(GONE_KEY),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("--unused-for cannot match them"),
        "{run:?}"
    );

    let run = fake
        .run(&["list", "--expires-within", "1", "--table"])
        .await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "No tokens match.\n"),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_marks_the_token_in_use() {
    let fake = as_publish().await;
    let run = fake.run(&["list", "--table"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let marked: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("(in use)"))
        .collect();
    assert_eq!(marked.len(), 1, "{run:?}");
    assert!(
        marked[0].contains("d83cf1") && marked[0].contains("publish (in use)"),
        "{run:?}"
    );
    // npm's formats stay npm's bytes.
    let lines = fake.run(&["list"]).await;
    assert!(!lines.stdout.contains("in use"), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_revoke_shows_asks_and_never_takes_the_token_in_use() {
    let fake = as_publish().await;
    fake.accepts_deletes().await;

    // No terminal, no --yes: the plan is shown, nothing is deleted.
    let run = fake.run(&["revoke", "--expired"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "2 tokens will be revoked:\n  7c0ffe  old   expired 12 days ago\n  9e9e9e  gone  revoked\n"
        ),
        "{run:?}"
    );
    assert!(run.stderr.ends_with("npm-token error not revoking 2 tokens without confirmation, and there is no terminal to ask: pass --yes (-y) to revoke them, or --dry-run to only list them\n"), "{run:?}");
    assert!(fake.deletes().await.is_empty());

    // --dry-run: the plan is the output, in the real run's shape, nothing revoked.
    let run = fake
        .run(&["revoke", "--unused-for", "1", "--dry-run", "--json"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["revoked"], json!([]));
    assert_eq!(report["failed"], json!([]));
    let plan = report["planned"].as_array().unwrap();
    let keys: Vec<&str> = plan.iter().map(|t| t["key"].as_str().unwrap()).collect();
    // `publish` was last used 3 days ago; it would not match anyway. `reader` was never used.
    assert_eq!(keys, [READER_KEY, OLD_KEY, GONE_KEY], "{run:?}");
    let why = plan[1]["why"].as_str().unwrap();
    assert!(
        why.starts_with("never used, created ") && why.ends_with(" days ago"),
        "{why}"
    );
    assert!(fake.deletes().await.is_empty());

    // The token in use matches --expires-within, and is skipped, said so.
    let run = fake.run(&["revoke", "--expires-within", "500", "-y"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "No tokens match.\n"),
        "{run:?}"
    );
    assert!(run.stderr.contains("skipping d83cf1 (publish): it is the token this configuration uses (name it to revoke it)"), "{run:?}");
    assert!(fake.deletes().await.is_empty());

    // --yes: revoked, and reported as npm reports it.
    let run = fake.run(&["revoke", "--expired", "--yes"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Removed 2 tokens\n"),
        "{run:?}"
    );
    assert_eq!(fake.deletes().await, [OLD_KEY, GONE_KEY]);
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_revoke_asks_on_a_terminal() {
    let fake = as_publish().await;
    fake.accepts_deletes().await;
    let no = fake
        .run_in_terminal(
            format!("{BIN} revoke --expired --color=never"),
            Some("[y/N] "),
            "n\r".into(),
        )
        .await;
    assert_eq!(no.code, 2, "{no:?}");
    assert!(no.stdout.contains("2 tokens will be revoked:\n"), "{no:?}");
    assert!(no.stdout.contains("Revoke them? [y/N] n"), "{no:?}");
    assert!(
        no.stdout.ends_with("\nCancelled; nothing was revoked.\n"),
        "{no:?}"
    );
    assert!(fake.deletes().await.is_empty());
    let yes = fake
        .run_in_terminal(
            format!("{BIN} revoke --expired --lines"),
            Some("[y/N] "),
            "y\r".into(),
        )
        .await;
    assert_eq!(yes.code, 0, "{yes:?}");
    assert!(yes.stdout.ends_with("Removed 2 tokens\n"), "{yes:?}");
    assert_eq!(fake.deletes().await, [OLD_KEY, GONE_KEY]);
}

#[tokio::test(flavor = "multi_thread")]
async fn status_names_the_user_and_the_token_and_fails_before_it_expires() {
    let fake = as_publish().await;
    Mock::given(method("GET"))
        .and(path("/-/whoami"))
        .and(header(
            "authorization",
            format!("Bearer {PUBLISH_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"username": "alice"})))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["status"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let registry = fake.url("/");
    let npmrc = fake.sandbox.npmrc();
    assert!(
        run.stdout.starts_with(&format!(
            "registry  {registry}\nuser      alice\ntoken     d83cf1 publish (npm_NYn6...jCq0)\n\
         from      //127.0.0.1:{port}/:_authToken in {npmrc}:5\n\
         access    packages: write, orgs: read; bypasses 2FA\n",
            port = fake.server.address().port(),
            npmrc = npmrc.display()
        )),
        "{run:?}"
    );
    assert!(run.stdout.contains("\nexpires   20"), "{run:?}");
    assert!(
        run.stdout
            .contains(" (in 400 days)\nlast used 3 days ago\n"),
        "{run:?}"
    );

    let run = fake.run(&["status", "--json"]).await;
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status["user"], "alice");
    assert_eq!(status["token"]["key"], PUBLISH_KEY);
    assert_eq!(status["token"]["expires_in_days"], 400);
    assert_eq!(status["token"]["status"], "active");
    assert_eq!(status["credential"], "token");

    let ok = fake.run(&["status", "--fail-within", "30"]).await;
    assert_eq!(ok.code, 0, "{ok:?}");
    let due = fake
        .run(&["status", "--fail-within", "401", "--json"])
        .await;
    assert_eq!(due.code, 3, "{due:?}");
    assert!(
        serde_json::from_str::<Value>(&due.stdout).is_ok(),
        "stdout stays one JSON document: {due:?}"
    );
    assert_eq!(
        due.stderr,
        "npm-token error the token in use, d83cf1 (publish), expires in 400 days: replace it with `npm-token rotate d83cf1` (add --save to update its npmrc)\n"
    );

    // A token the list does not show: a login session.
    let port = fake.server.address().port();
    fake.configure(&format!(
        "//127.0.0.1:{port}/:_authToken=npm_SessionTokenNotListed000000000000\n"
    ));
    fake.answers_whoami("alice").await;
    let run = fake.run(&["status", "--fail-within", "30"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("token     not in the token list: a login session"),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_one_time_password_is_asked_once_for_many_deletes() {
    let fake = as_publish().await;
    Mock::given(method("DELETE"))
        .and(header("npm-otp", "123456"))
        .respond_with(ResponseTemplate::new(204))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(otp_challenge())
        .with_priority(2)
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} revoke 7c0ffe 9e9e9e 0b3f2c --lines"),
            Some("Enter OTP: "),
            "123456\r".into(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.matches("Enter OTP").count(), 1, "{run:?}");
    assert!(run.stdout.ends_with("Removed 3 tokens\n"), "{run:?}");
}

/// When several listed tokens share the mask of the token in use, a filter spares them all.
#[tokio::test(flavor = "multi_thread")]
async fn a_filter_spares_every_token_that_could_be_the_one_in_use() {
    let fake = Fake::start().await;
    let port = fake.server.address().port();
    fake.configure(&format!(
        "//127.0.0.1:{port}/:_authToken=npm_AAAA1111middlemiddlemiddleZZZZ\n"
    ));
    let twin = |key: &str| {
        json!({"key": key, "token": "npm_AAAA1111...ZZZZ", "expiry": "2020-01-01T00:00:00.000Z",
               "created": "2019-01-01T00:00:00.000Z", "accessed": null, "revoked": null,
               "permissions": [], "scopes": []})
    };
    fake.list_answers(super::page(
        json!([twin("aaaaaaaa01"), twin("bbbbbbbb02")]),
        "",
    ))
    .await;
    fake.accepts_deletes().await;
    let run = fake.run(&["revoke", "--expired", "--yes"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr.matches("skipping").count(), 2, "{run:?}");
    assert!(fake.deletes().await.is_empty());
    fake.answers_whoami("alice").await;
    let run = fake.run(&["status", "--fail-within", "7"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("one of 2 listed tokens that share its mask"),
        "{run:?}"
    );
}

/// A token that may publish but not list tokens (npmjs.org: anything but a login session):
/// `status` says its expiry is unknown; `--fail-within` cannot pass it.
#[tokio::test(flavor = "multi_thread")]
async fn status_of_a_token_that_may_not_list_tokens() {
    let fake = Fake::start().await;
    fake.is_a_ci_token().await;
    let run = fake.run(&["status"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "user      ci-bot\ntoken     unknown: the registry does not list tokens to this token"
        ),
        "{run:?}"
    );
    let run = fake.run(&["status", "--fail-within", "14", "--json"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    let status: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(status["token"], Value::Null);
    assert!(
        run.stderr
            .contains("--fail-within cannot check the token in use"),
        "{run:?}"
    );
}
