//! Bulk `revoke` never locks anyone out: the token in use is never revoked unknowingly
//! (a filter will not decide when its mask cannot tell; naming it warns or asks, and it goes
//! last), and the report and exit code never say more than what happened.

use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use super::hygiene::as_publish;
use super::npmjs::{PUBLISH_KEY, PUBLISH_TOKEN, TOKENS};
use super::{page, Fake};
use crate::support::{Run, BIN};

const OLD_KEY: &str = "7c0ffee0-1111-4222-8333-944455556666";

/// An expired GAT, never used, with this mask.
fn expired(key: &str, mask: Value) -> Value {
    json!({"key": key, "token": mask, "name": key, "expiry": "2020-01-01T00:00:00.000Z",
           "created": "2019-01-01T00:00:00.000Z", "accessed": null, "revoked": null,
           "permissions": [{"name": "package", "action": "read"}], "scopes": []})
}

/// The DELETEs received, in the order they arrived.
async fn deletes_in_order(fake: &Fake) -> Vec<String> {
    fake.server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .map(|r| r.url.path().rsplit('/').next().unwrap().to_owned())
        .collect()
}

/// The token in use is listed, but with a mask that cannot be matched (null, missing,
/// tail-only): a filter cannot rule those out, so it spares them and says why, and revokes
/// the ones it can tell apart.
#[tokio::test(flavor = "multi_thread")]
async fn a_filter_spares_what_may_be_the_token_in_use() {
    let fake = Fake::start().await;
    let port = fake.server.address().port();
    fake.configure(&format!("//127.0.0.1:{port}/:_authToken={PUBLISH_TOKEN}\n"));
    let mut keyless_mask = expired("cccccccc03", json!(null));
    keyless_mask.as_object_mut().unwrap().remove("token");
    let listed = vec![
        expired("aaaaaaaa01", json!(null)),
        expired("bbbbbbbb02", json!("...jCq0")),
        keyless_mask,
        expired("dddddddd04", json!("npm_Zz99...Yy88")),
    ];
    fake.list_answers(page(Value::Array(listed), "")).await;
    fake.accepts_deletes().await;
    let run = fake.run(&["revoke", "--unused-for", "90", "--yes"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Removed 1 token\n"),
        "{run:?}"
    );
    assert_eq!(deletes_in_order(&fake).await, ["dddddddd04"]);
    for id in ["aaaaaa", "bbbbbb", "cccccc"] {
        assert!(
            run.stderr
                .contains(&format!("npm-token warn skipping {id} ({id}")),
            "{id}: {run:?}"
        );
    }
    assert_eq!(
        run.stderr
            .matches(
                "shows too little of it to tell whether it is the token this \
             configuration uses (name it to revoke it)"
            )
            .count(),
        3,
        "{run:?}"
    );
    // --json says the same: what was skipped, and why.
    let run = fake
        .run(&["revoke", "--unused-for", "90", "--dry-run", "--json"])
        .await;
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["skipped"].as_array().unwrap().len(), 3, "{run:?}");
    assert_eq!(report["planned"][0]["key"], "dddddddd04");
}

/// Named among others, the token in use is revoked last (the others' DELETEs still sign in
/// with it), with a warning when no one can be asked.
#[tokio::test(flavor = "multi_thread")]
async fn the_token_in_use_named_goes_last_with_a_warning() {
    let fake = as_publish().await;
    fake.accepts_deletes().await;
    let run = fake.run(&["revoke", "d83cf1", "7c0ffe"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Removed 2 tokens\n"),
        "{run:?}"
    );
    assert_eq!(deletes_in_order(&fake).await, [OLD_KEY, PUBLISH_KEY]);
    assert_eq!(
        run.stderr,
        "npm-token warn d83cf1 (publish) is the token this configuration uses: once it is \
         revoked, commands that use this configuration fail until another token is configured\n"
    );
}

/// A storm of 429s that stops the batch stops it before the token in use too: revoked
/// while the others were not sent, it would leave them with no credential to revoke them
/// with when "try again later" comes.
#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_batch_does_not_revoke_the_token_in_use() {
    let fake = as_publish().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{TOKENS}/token/{OLD_KEY}")))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    let run = fake.run(&["revoke", "d83cf1", "7c0ffe", "--json"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    // The other token's DELETE and its two retries; never the one in use.
    assert_eq!(deletes_in_order(&fake).await, [OLD_KEY; 3], "{run:?}");
    assert!(
        run.stderr.contains(
            "could not revoke d83cf1 (publish): not sent: the registry kept answering 429 Too \
             Many Requests to this batch"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr.ends_with(
            "npm-token error revoked 0 of 2 tokens; 2 could not be revoked (see above)\n"
        ),
        "{run:?}"
    );
}

/// On a terminal, naming the token in use asks first; no is no.
#[tokio::test(flavor = "multi_thread")]
async fn the_token_in_use_named_on_a_terminal_is_asked_about() {
    let fake = as_publish().await;
    fake.accepts_deletes().await;
    let no = fake
        .run_in_terminal(
            format!("{BIN} revoke d83cf1 --lines"),
            Some("Revoke it? [y/N] "),
            "n\r".into(),
        )
        .await;
    assert_eq!(no.code, 2, "{no:?}");
    assert!(
        no.stdout
            .contains("d83cf1 (publish) is the token this configuration uses"),
        "{no:?}"
    );
    assert!(
        no.stdout.ends_with("Cancelled; nothing was revoked.\n"),
        "{no:?}"
    );
    assert!(fake.deletes().await.is_empty());
    let yes = fake
        .run_in_terminal(
            format!("{BIN} revoke d83cf1 --lines"),
            Some("Revoke it? [y/N] "),
            "y\r".into(),
        )
        .await;
    assert_eq!(yes.code, 0, "{yes:?}");
    assert_eq!(fake.deletes().await, [PUBLISH_KEY]);
    // --yes answers it.
    let fake = as_publish().await;
    fake.accepts_deletes().await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} revoke d83cf1 --yes --lines"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(fake.deletes().await, [PUBLISH_KEY]);
}

/// Failures are failures whether or not the report could be written: with the reader gone
/// (`| true`) a revoke with failures exits 1, as does one whose report was lost.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_report_never_makes_a_success() {
    let fake = Fake::start().await;
    let tokens: Vec<Value> = (0..10)
        .map(|n| {
            expired(
                &format!("{n:02}aaaaaaaa"),
                json!(format!("npm_{n:02}AA...ZZZZ")),
            )
        })
        .collect();
    fake.list_answers(page(json!(tokens), "")).await;
    Mock::given(method("DELETE"))
        .and(path(format!("{TOKENS}/token/00aaaaaaaa")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&fake.server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&fake.server)
        .await;
    let script = "\"$0\" revoke --expired --yes | true; echo \"exit=${PIPESTATUS[0]}\" >&2";
    let run = Run::of_async(fake.sandbox.shell(script)).await;
    assert!(run.stderr.ends_with("exit=1\n"), "{run:?}");
    assert!(
        run.stderr
            .contains("revoked 1 of 10 tokens; 9 could not be revoked (see above)"),
        "{run:?}"
    );

    // Nothing failed, but nobody saw the report: still not a success.
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([expired("aaaaaaaa01", json!("npm_AAAA...ZZZZ"))]),
        "",
    ))
    .await;
    fake.accepts_deletes().await;
    let run = Run::of_async(fake.sandbox.shell(script)).await;
    assert!(run.stderr.ends_with("exit=1\n"), "{run:?}");
    assert_eq!(fake.deletes().await, ["aaaaaaaa01"]);
}

/// A registry that repeats a page lists each token twice: each is planned, revoked and
/// counted once.
#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_page_is_folded_by_key() {
    let fake = Fake::start().await;
    let tokens: Vec<Value> = (0..15)
        .map(|n| {
            expired(
                &format!("{n:02}bbbbbbbb"),
                json!(format!("npm_{n:02}BB...ZZZZ")),
            )
        })
        .collect();
    let again = fake.url(&format!("{TOKENS}?page=1&perPage=15"));
    Mock::given(method("GET"))
        .and(path(TOKENS))
        .and(query_param("page", "1"))
        .respond_with(page(json!(tokens), ""))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    fake.list_answers(page(json!(tokens), &again)).await;
    // A second DELETE of the same key would be a 404.
    for token in &tokens {
        let key = token["key"].as_str().unwrap();
        Mock::given(method("DELETE"))
            .and(path(format!("{TOKENS}/token/{key}")))
            .respond_with(ResponseTemplate::new(204))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&fake.server)
            .await;
    }
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404))
        .with_priority(2)
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "--expired", "--yes"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Removed 15 tokens\n"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("the registry listed 15 tokens more than once; each is counted once"),
        "{run:?}"
    );
    assert_eq!(fake.deletes().await.len(), 15);
    let json = fake
        .run(&["revoke", "--expired", "--dry-run", "--json"])
        .await;
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["planned"].as_array().unwrap().len(), 15);
}

/// The token in use matches no mask, but one listed token shows too little of its mask to
/// be ruled out: every command says so, as the filters do. `status` does not call the
/// credential a login session (nor pass `--fail-within` for one), and `audit` does not
/// suggest revoking that token as unused.
#[tokio::test(flavor = "multi_thread")]
async fn what_may_be_the_token_in_use_is_never_taken_for_something_else() {
    let fake = Fake::start().await;
    fake.answers_whoami("alice").await;
    let blind = json!({"key": "bbbbbbbb02", "token": null, "name": "blind",
        "expiry": "2099-01-01T00:00:00.000Z", "created": "2019-01-01T00:00:00.000Z",
        "accessed": null, "revoked": null,
        "permissions": [{"name": "package", "action": "read"}], "scopes": []});
    fake.list_answers(page(
        json!([expired("aaaaaaaa01", json!("npm_Zz99...Yy88")), blind]),
        "",
    ))
    .await;

    let run = fake.run(&["status", "--json"]).await;
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (&status["credential"], &status["candidates"]),
        (&json!("ambiguous"), &json!(1)),
        "{run:?}"
    );
    let run = fake.run(&["status", "--fail-within", "30"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stdout.contains("login session"), "{run:?}");
    assert!(
        run.stderr.contains(
            "--fail-within cannot check the token in use: 1 listed token shows too little of \
             its mask to tell whether it is the one"
        ),
        "{run:?}"
    );

    let run = fake.run(&["audit", "--json"]).await;
    let audit: Value = serde_json::from_str(&run.stdout).unwrap();
    let blind_findings: Vec<&Value> = audit["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["key"] == "bbbbbbbb02")
        .collect();
    assert_eq!(blind_findings, Vec::<&Value>::new(), "{run:?}");

    // `rotate --save` writes over the token in use only, and cannot tell whether this is it.
    let run = fake
        .run(&["rotate", "bbbbbb", "--save", "--password", "pw-123456"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "npm-token error --save writes the new token where the token in use is configured, \
         and whether bbbbbb (blind) is the token in use cannot be told: the registry lists it \
         with a mask that shows too little of it to tell whether it is the token this \
         configuration uses; run without --save, and store the new token yourself; nothing was \
         created\n"
    );
    let requests = fake.server.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| r.method.as_str() != "POST"),
        "nothing was created"
    );
}

/// A 404 to a DELETE of a token the list just showed means the token is gone (revoked
/// meanwhile), not that the registry serves no token API: the message says so, beside
/// "may already be revoked", for `revoke` and `rotate` alike.
#[tokio::test(flavor = "multi_thread")]
async fn a_404_to_a_revoke_says_the_token_is_not_there() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([expired("aaaaaaaa01", json!("npm_Zz99...Yy88"))]),
        "",
    ))
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "not found"})))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "aaaaaa"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            " - not found; the registry has no such token any more (it was just listed); it may \
             already be revoked: `npm-token list` shows whether it is\n"
        ),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains("does not serve the token API"),
        "{run:?}"
    );
    // The list itself answering 404 is still a registry without the token API there.
    let fake = Fake::start().await;
    fake.list_answers(ResponseTemplate::new(404)).await;
    let run = fake.run(&["revoke", "aaaaaa"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("this registry does not serve the token API there"),
        "{run:?}"
    );
}

/// Ctrl-C during a bulk revoke: the last line says some may be revoked, and where to look.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_a_bulk_revoke_says_some_may_be_revoked() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([
            expired("aaaaaaaa01", json!("npm_Aa11...Aa11")),
            expired("bbbbbbbb02", json!("npm_Bb22...Bb22"))
        ]),
        "",
    ))
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(std::time::Duration::from_secs(20)))
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} revoke aaaaaa bbbbbb"),
            Some("Revoking"),
            "\u{3}".into(),
        )
        .await;
    assert_eq!(run.code, 130, "{run:?}");
    assert!(
        run.stdout.ends_with(
            "npm-token error interrupted while 2 tokens were being revoked: some may be \
             revoked: `npm-token list` shows which are left\n"
        ),
        "{run:?}"
    );
}
