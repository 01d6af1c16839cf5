//! `rotate` as a protocol (issue "Rotation and revocation that cannot lock anyone out"):
//! create, hand over, test, finish, in that order, against a registry that misbehaves at
//! each step. Whatever happens, the user keeps a working token they know about: the old
//! one is revoked only after the new one was printed (and saved) and signed in, and every
//! failure says the true state and the next command.

use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, Request, ResponseTemplate};

use super::hygiene::as_publish;
use super::npmjs::{npmjs, PUBLISH_KEY, PUBLISH_TOKEN, TOKENS};
use super::{created, Fake, TOKEN};
use crate::support::{Run, BIN};

/// The new token every create below answers with (a GAT, as npmjs.org makes them).
pub(super) const NEW_TOKEN: &str = "npm_NewTokenAbCdEfGhIjKlMnOpQrStUvWx12";
pub(super) const NEW_KEY: &str = "4f2a1c00-1111-4222-8333-944455556666";

pub(super) fn created_gat() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({
        "name": "publish", "key": NEW_KEY, "token": NEW_TOKEN,
        "expiry": "2027-03-01T00:00:00.000Z", "created": "2026-12-01T00:00:00.000Z",
        "cidr": ["192.0.2.0/24"], "bypass_2fa": false, "revoked": null,
        "permissions": [{"name": "package", "action": "write"}],
        "scopes": [{"name": "@acme/a", "type": "package"}],
    }))
}

/// Answers `GET /-/whoami` asked with `token` as `user`.
pub(super) async fn whoami_as(fake: &Fake, token: &str, answer: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/-/whoami"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(answer)
        .mount(&fake.server)
        .await;
}

pub(super) fn user(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"username": name}))
}

/// The fake npmjs where the configured credential (a login session: not listed) is alice,
/// and a create answers with [`NEW_TOKEN`].
pub(super) async fn registry() -> Fake {
    let fake = npmjs().await;
    whoami_as(&fake, TOKEN, user("alice")).await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(created_gat())
        .mount(&fake.server)
        .await;
    fake
}

/// As [`registry`], with the new token signing in as alice and every DELETE accepted.
pub(super) async fn healthy() -> Fake {
    let fake = registry().await;
    whoami_as(&fake, NEW_TOKEN, user("alice")).await;
    fake.accepts_deletes().await;
    fake
}

/// The fake npmjs authenticating with the publish token itself (the token in use, which
/// `--save` may write), with these npmrc lines too; its new token signs in as alice.
pub(super) async fn saving(lines: &str) -> Fake {
    let fake = npmjs().await;
    let port = fake.server.address().port();
    fake.configure(&format!(
        "//127.0.0.1:{port}/:_authToken={PUBLISH_TOKEN}\n{}",
        lines.replace("{port}", &port.to_string())
    ));
    whoami_as(&fake, PUBLISH_TOKEN, user("alice")).await;
    whoami_as(&fake, NEW_TOKEN, user("alice")).await;
    Mock::given(method("POST"))
        .respond_with(created_gat())
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    fake
}

/// Each `--json` line, parsed.
pub(super) fn events(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?} {run:?}")))
        .collect()
}

pub(super) fn steps(run: &Run) -> Vec<String> {
    events(run)
        .iter()
        .map(|e| e["step"].as_str().unwrap().to_owned())
        .collect()
}

/// What the registry received, as `METHOD path (bearer)`, in order.
pub(super) async fn received(fake: &Fake) -> Vec<String> {
    let bearer = |r: &Request| {
        let auth = r.headers.get("authorization")?.to_str().ok()?;
        Some(match auth.strip_prefix("Bearer ")? {
            t if t == NEW_TOKEN => "new",
            t if t == TOKEN => "configured",
            t if t == PUBLISH_TOKEN => "publish",
            _ => "other",
        })
    };
    fake.server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} ({})",
                r.method,
                r.url.path(),
                bearer(r).unwrap_or("none")
            )
        })
        .collect()
}

pub(super) async fn rotate(fake: &Fake, extra: &[&str]) -> Run {
    let mut args = vec!["rotate", "d83cf1", "--password", "pw-123456"];
    args.extend_from_slice(extra);
    fake.run(&args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_four_steps_in_order_each_said() {
    let fake = healthy().await;
    let run = rotate(&fake, &["--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(steps(&run), ["created", "tested", "revoked"], "{run:?}");
    let events = events(&run);
    assert_eq!(events[0]["created"]["token"], NEW_TOKEN);
    assert_eq!(events[0]["created"]["key"], NEW_KEY);
    assert_eq!(events[0]["id"], "4f2a1c");
    assert_eq!(events[1]["user"], "alice");
    assert_eq!(
        events[2],
        json!({"step": "revoked", "key": PUBLISH_KEY, "id": "d83cf1"})
    );
    // The list and who this is side by side, then create, test with the new token, revoke.
    let requests = received(&fake).await;
    let tail: Vec<&str> = requests[requests.len() - 3..]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            format!("POST {TOKENS} (configured)"),
            "GET /-/whoami (new)".to_owned(),
            format!("DELETE {TOKENS}/token/{PUBLISH_KEY} (configured)"),
        ],
        "{requests:?}"
    );
    // The last line says the state, in the table's terms.
    let (steps_said, last) = run.stderr.trim_end().rsplit_once('\n').unwrap();
    // A direct-publish token gives a direct-publish token, and create's warning says so.
    assert_eq!(
        steps_said,
        "npm-token warn this token can publish directly, which tokens can no longer do on \
         npmjs.org from January 2027; with --packages-and-scopes-permission \
         read-write-stage-only its releases wait in a staging queue for your 2FA approval \
         instead (https://gh.io/bypass-2fa-tokens-no-longer-publish)\n\
         Created 4f2a1c (publish).\nTested it: it signs in as alice.",
        "{run:?}"
    );
    assert!(
        last.starts_with(
            "Revoked d83cf1 (publish); its replacement is 4f2a1c (publish): packages: write, \
             expires 2027-03-01 (in "
        ) && last.ends_with(" days)."),
        "{run:?}"
    );

    // For people: npm's create lines on stdout, the same steps on stderr.
    let fake = healthy().await;
    let run = rotate(&fake, &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with(&format!("Created token {NEW_TOKEN}\n")),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("\nCreated 4f2a1c (publish).\nTested it"),
        "{run:?}"
    );
    // Quiet: no steps, the token still printed.
    let fake = healthy().await;
    let run = rotate(&fake, &["--loglevel", "error"]).await;
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
}

/// An answer that holds no token that can be one: nothing is printed as a token, nothing
/// saved, nothing revoked, and the message says a token may exist all the same.
#[tokio::test(flavor = "multi_thread")]
async fn a_create_answer_without_a_token_revokes_nothing() {
    let answers = [
        ResponseTemplate::new(201).set_body_json(json!({"key": NEW_KEY})),
        ResponseTemplate::new(201).set_body_json(json!({"token": ""})),
        ResponseTemplate::new(201).set_body_json(json!({"token": null})),
        ResponseTemplate::new(201).set_body_json(json!({"token": "\n"})),
        ResponseTemplate::new(201).set_body_json(json!({"token": 42})),
        ResponseTemplate::new(201)
            .set_body_json(json!({"token": format!("npm_{}", "A".repeat(20_000))})),
        ResponseTemplate::new(303).insert_header("location", TOKENS),
        ResponseTemplate::new(200).set_body_string("<html><body>Welcome</body></html>"),
    ];
    for (n, answer) in answers.into_iter().enumerate() {
        let fake = npmjs().await;
        whoami_as(&fake, TOKEN, user("alice")).await;
        Mock::given(method("POST"))
            .respond_with(answer)
            .mount(&fake.server)
            .await;
        fake.accepts_deletes().await;
        let before = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
        let run = rotate(&fake, &[]).await;
        assert_eq!(run.code, 1, "{n}: {run:?}");
        assert_eq!(run.stdout, "", "{n}: no `Created token undefined`: {run:?}");
        assert!(
            run.stderr.contains("d83cf1 (publish) was not revoked"),
            "{n}: {run:?}"
        );
        assert!(fake.deletes().await.is_empty(), "{n}");
        assert_eq!(
            std::fs::read_to_string(fake.sandbox.npmrc()).unwrap(),
            before
        );
    }
}

/// A create that failed after it reached the registry (a 5xx, a timeout, a 201 that is a
/// web page) may have made the token all the same: `create` and `rotate` say so, and where
/// to look, rather than that nothing was made; one refused (401) made nothing, and says
/// nothing of the kind.
#[tokio::test(flavor = "multi_thread")]
async fn a_create_that_may_have_happened_says_so() {
    let maybe = [
        ResponseTemplate::new(500),
        ResponseTemplate::new(201).set_delay(std::time::Duration::from_secs(5)),
        ResponseTemplate::new(201).set_body_string("<html>Created</html>"),
    ];
    for (n, answer) in maybe.into_iter().enumerate() {
        let fake = npmjs().await;
        whoami_as(&fake, TOKEN, user("alice")).await;
        fake.configure("fetch-timeout=1000\n");
        Mock::given(method("POST"))
            .respond_with(answer)
            .mount(&fake.server)
            .await;
        let run = rotate(&fake, &[]).await;
        assert_eq!(run.code, 1, "{n}: {run:?}");
        assert!(
            run.stderr.contains(
                "npm-token error creating the new token failed, and d83cf1 (publish) was not \
                 revoked: "
            ),
            "{n}: {run:?}"
        );
        assert!(
            run.stderr
                .ends_with("; it may have been made all the same: `npm-token list` shows it\n"),
            "{n}: {run:?}"
        );
        let run = fake.run(&["create", "--password", "pw-123456"]).await;
        assert_eq!(run.code, 1, "{n}: {run:?}");
        assert!(
            run.stderr
                .ends_with("; it may have been made all the same: `npm-token list` shows it\n"),
            "{n}: {run:?}"
        );
    }
    let fake = npmjs().await;
    whoami_as(&fake, TOKEN, user("alice")).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "bad password"})))
        .mount(&fake.server)
        .await;
    let run = rotate(&fake, &[]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(!run.stderr.contains("may have been made"), "{run:?}");
}

/// The new token does not sign in (a CIDR list this machine is outside, a registry slow to
/// know it): the old one is kept, and the message says how to finish.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_token_that_does_not_sign_in_keeps_the_old_one() {
    for status in [401, 403] {
        let fake = registry().await;
        whoami_as(&fake, NEW_TOKEN, ResponseTemplate::new(status)).await;
        fake.accepts_deletes().await;
        let run = rotate(&fake, &["--json"]).await;
        assert_eq!(run.code, 1, "{run:?}");
        assert!(fake.deletes().await.is_empty());
        assert_eq!(steps(&run), ["created", "failed"], "{run:?}");
        let failed = &events(&run)[1];
        assert_eq!(failed["at"], "test");
        assert_eq!(
            failed["old"],
            json!({"key": PUBLISH_KEY, "id": "d83cf1", "state": "not revoked"})
        );
        assert!(
            run.stderr.contains(
                "4f2a1c (publish) (printed on stdout) could not sign in from here, so d83cf1 (publish) was not \
                 revoked. If the new token is limited to networks this machine is outside (its \
                 CIDR list), put it in place and finish with `npm-token revoke d83cf1` (or rotate \
                 with --no-verify); else revoke it (`npm-token revoke 4f2a1c`)"
            ),
            "{run:?}"
        );
        assert!(!run.stderr.contains(NEW_TOKEN), "{run:?}");
        // Asking who a token is manages no token: no advice to log in for that.
        assert!(!run.stderr.contains("cannot manage tokens"), "{run:?}");
    }

    // --no-verify: no test, straight to the revoke.
    let fake = registry().await;
    fake.accepts_deletes().await;
    let run = rotate(&fake, &["--no-verify", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(steps(&run), ["created", "revoked"], "{run:?}");
    assert!(!received(&fake).await.iter().any(|r| r.ends_with("(new)")));

    // Another user's token: never taken for this one's.
    let fake = registry().await;
    whoami_as(&fake, NEW_TOKEN, user("mallory")).await;
    fake.accepts_deletes().await;
    let run = rotate(&fake, &[]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("signs in as mallory, not as alice"),
        "{run:?}"
    );
    assert!(fake.deletes().await.is_empty());
}

/// A revoke whose outcome is unknown (a timeout after sending, a 404 for a token already
/// gone, a server error, an answer that is no registry's) never says the old token works;
/// one the registry refused says it was not revoked.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_revoke_says_the_true_state() {
    let maybe = [
        ResponseTemplate::new(204).set_delay(std::time::Duration::from_secs(5)),
        ResponseTemplate::new(404).set_body_json(json!({"error": "not found"})),
        ResponseTemplate::new(500),
        ResponseTemplate::new(303).insert_header("location", TOKENS),
        ResponseTemplate::new(200).set_body_string("<html>Signed out</html>"),
    ];
    for (n, answer) in maybe.into_iter().enumerate() {
        let fake = registry().await;
        whoami_as(&fake, NEW_TOKEN, user("alice")).await;
        fake.configure("fetch-timeout=1000\n");
        Mock::given(method("DELETE"))
            .respond_with(answer)
            .mount(&fake.server)
            .await;
        let run = rotate(&fake, &["--json"]).await;
        assert_eq!(run.code, 1, "{n}: {run:?}");
        assert_eq!(steps(&run), ["created", "tested", "failed"], "{n}: {run:?}");
        assert_eq!(events(&run)[2]["old"]["state"], "may be revoked", "{n}");
        assert!(
            run.stderr.contains(
                "the new token is printed on stdout and signs in, but revoking d83cf1 (publish) \
                 failed: "
            ) && run
                .stderr
                .contains("; it may already be revoked: `npm-token list` shows whether it is\n"),
            "{n}: {run:?}"
        );
        assert!(!run.stderr.contains("still works"), "{n}: {run:?}");
    }
    for status in [401, 403, 429] {
        let fake = registry().await;
        whoami_as(&fake, NEW_TOKEN, user("alice")).await;
        Mock::given(method("DELETE"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&fake.server)
            .await;
        let run = rotate(&fake, &[]).await;
        assert_eq!(run.code, 1, "{status}: {run:?}");
        assert!(
            run.stderr
                .contains("; it was not revoked: `npm-token revoke d83cf1` tries again\n"),
            "{status}: {run:?}"
        );
    }
}

/// After a failed revoke, the new token's state is said as it is: printed, saved where
/// `--save` put it, signing in when it was tested; never "in place" when it is not.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_revoke_says_where_the_new_token_is() {
    let fake = saving("").await;
    let npmrc = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    let run = rotate(&fake, &["--save"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "npm-token error the new token is printed on stdout, saved in {} and signs in, but \
             revoking d83cf1 (publish) failed: 500 ",
            fake.sandbox.npmrc().display()
        )),
        "{run:?}"
    );
    // The publish token in use again: the fake hands out the same new token each time, and
    // a create that hands back the token in use is refused.
    fake.sandbox.write_npmrc(&npmrc);
    let run = rotate(&fake, &["--no-verify"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "npm-token error the new token is printed on stdout (not tested: --no-verify), but \
             revoking d83cf1 (publish) failed: 500 "
        ),
        "{run:?}"
    );
}

/// On a terminal, the new token is shown as `create` shows it, its id included: the id
/// `list` will show and `revoke` takes.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_the_new_token_is_shown_with_its_id() {
    let fake = healthy().await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} rotate d83cf1 --password pw-123456 --color never"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "Created token {NEW_TOKEN}\nid        4f2a1c\nname      publish\n"
        )),
        "{run:?}"
    );
}

/// The last line names the new token in the table's terms: its access as the table says
/// it (`; bypasses 2FA` included), and its expiry with the date.
#[tokio::test(flavor = "multi_thread")]
async fn the_last_line_says_the_new_token_as_the_table_does() {
    let fake = npmjs().await;
    whoami_as(&fake, TOKEN, user("alice")).await;
    whoami_as(&fake, NEW_TOKEN, user("alice")).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "name": "publish", "key": NEW_KEY, "token": NEW_TOKEN,
            "expiry": "2099-03-01T12:00:00.000Z", "bypass_2fa": true, "revoked": null,
            "permissions": [{"name": "package", "action": "write"}], "scopes": [],
        })))
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    let run = rotate(&fake, &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let last = run.stderr.trim_end().rsplit_once('\n').unwrap().1;
    assert!(
        last.starts_with(
            "Revoked d83cf1 (publish); its replacement is 4f2a1c (publish): packages: write; \
             bypasses 2FA, expires 2099-03-01 (in "
        ),
        "{run:?}"
    );
}

/// The new token's one showing must reach someone: a pipe whose reader is gone, a closed
/// stdout or the null device stop `rotate` before the old token is touched.
#[tokio::test(flavor = "multi_thread")]
async fn output_that_goes_nowhere_revokes_nothing() {
    let fake = healthy().await;
    // The reader is gone before anything is made (`| true`): nothing is.
    let run = Run::of_async(fake.sandbox.shell(
        "\"$0\" rotate d83cf1 --password pw-123456 | true; echo \"exit=${PIPESTATUS[0]}\" >&2",
    ))
    .await;
    assert!(run.stderr.ends_with("exit=1\n"), "{run:?}");
    assert!(
        run.stderr.contains(
            "the output's reader is gone (it closed the pipe), so the new token would be lost: \
             nothing was created"
        ),
        "{run:?}"
    );
    assert!(!received(&fake).await.iter().any(|r| r.starts_with("POST")));
    // The token cannot be printed (a full device): made, and said so; nothing revoked.
    let run = Run::of_async(
        fake.sandbox
            .shell("\"$0\" rotate d83cf1 --password pw-123456 >/dev/full"),
    )
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "4f2a1c (publish) was created but could not be printed (No space left on device (os \
             error 28)): nobody has seen it; d83cf1 (publish) was not revoked. Revoke the new one \
             (`npm-token revoke 4f2a1c`) and run rotate again"
        ),
        "{run:?}"
    );
    assert!(fake.deletes().await.is_empty());

    // Closed, or the null device: refused before anything is created.
    for redirect in [">&-", ">/dev/null"] {
        let fake = healthy().await;
        let run = Run::of_async(fake.sandbox.shell(&format!(
            "\"$0\" rotate d83cf1 --password pw-123456 {redirect}"
        )))
        .await;
        assert_eq!(run.code, 1, "{redirect}: {run:?}");
        assert!(run.stderr.contains("nothing was"), "{redirect}: {run:?}");
        let posts = received(&fake).await;
        assert!(
            !posts.iter().any(|r| r.starts_with("POST")),
            "{redirect}: {posts:?}"
        );
    }
}

/// Ctrl-C while the old token is being revoked: the new token was handed over already.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_the_revoke_leaves_the_new_token_handed_over() {
    let fake = registry().await;
    whoami_as(&fake, NEW_TOKEN, user("alice")).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(std::time::Duration::from_secs(20)))
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} rotate d83cf1 --password pw-123456 --lines"),
            Some("Revoking a token"),
            "\u{3}".into(),
        )
        .await;
    assert_eq!(run.code, 130, "{run:?}");
    assert!(
        run.stdout.contains(&format!("Created token {NEW_TOKEN}")),
        "the new token was shown before the revoke began: {run:?}"
    );
    // The last line says where things stand.
    assert!(
        run.stdout.ends_with(
            "npm-token error interrupted while d83cf1 (publish) was being revoked: the new token \
             is printed above and signs in; d83cf1 (publish) may be revoked: `npm-token list` \
             shows whether it is\n"
        ),
        "{run:?}"
    );
}

/// Ctrl-C while the new token is being created: it may exist, the old one is untouched, and
/// the last line says both.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_the_create_says_the_new_token_may_exist() {
    let fake = npmjs().await;
    whoami_as(&fake, TOKEN, user("alice")).await;
    Mock::given(method("POST"))
        .respond_with(created_gat().set_delay(std::time::Duration::from_secs(20)))
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} rotate d83cf1 --password pw-123456"),
            Some("Creating a token"),
            "\u{3}".into(),
        )
        .await;
    assert_eq!(run.code, 130, "{run:?}");
    assert!(
        run.stdout.ends_with(
            "npm-token error interrupted while the new token was being created: it may have \
             been made (`npm-token list` shows it, to revoke); d83cf1 (publish) was not \
             revoked\n"
        ),
        "{run:?}"
    );
    assert_eq!(fake.deletes().await, Vec::<String>::new());
    // `create` says the same of its token.
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456"),
            Some("Creating a token"),
            "\u{3}".into(),
        )
        .await;
    assert_eq!(run.code, 130, "{run:?}");
    assert!(
        run.stdout.ends_with(
            "npm-token error interrupted while the token was being created: it may have been \
             made (`npm-token list` shows it)\n"
        ),
        "{run:?}"
    );
}

/// `--save` writes the new token under every key of the npmrc that held the old one, keeps
/// the file's mode, says where else the old token is configured, and a write that fails
/// leaves no file behind and revokes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn save_keeps_what_it_did_not_mean_to_change() {
    // The token in use, under two keys for the same registry, and once more elsewhere.
    let fake = saving(&format!(
        "//localhost:{{port}}/:_authToken={PUBLISH_TOKEN}\n"
    ))
    .await;
    let port = fake.server.address().port();
    let project = fake.sandbox.home().join(".npmrc");
    std::fs::write(
        &project,
        format!("//other.example/:_authToken={PUBLISH_TOKEN}\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o400);
        std::fs::set_permissions(fake.sandbox.npmrc(), mode).unwrap();
    }
    let before = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
    let run = rotate(&fake, &["--save", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let after = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
    assert_eq!(after, before.replace(PUBLISH_TOKEN, NEW_TOKEN));
    let saved = &events(&run)[1];
    assert_eq!(
        saved["keys"],
        json!([
            format!("//127.0.0.1:{port}/:_authToken"),
            format!("//localhost:{port}/:_authToken")
        ])
    );
    assert!(
        run.stderr.contains(&format!(
            "npm-token warn the old token is also configured as //other.example/:_authToken in {}: \
             it stops working when d83cf1 (publish) is revoked; put the new token there too",
            project.display()
        )),
        "{run:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(fake.sandbox.npmrc())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o400, "the mode is kept");
    }
    assert_eq!(fake.deletes().await, [PUBLISH_KEY]);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_save_cut_short_by_a_file_size_limit_leaves_nothing_behind() {
    let fake = saving("").await;
    let before = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
    let files = || std::fs::read_dir(fake.sandbox.home()).unwrap().count();
    let count = files();
    // `ulimit -f 0`: any write to a file fails (SIGXFSZ ignored, the write says EFBIG).
    let run = Run::of_async(
        fake.sandbox
            .shell("ulimit -f 0; \"$0\" rotate d83cf1 --password pw-123456 --save"),
    )
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(fake.sandbox.npmrc()).unwrap(),
        before
    );
    assert_eq!(files(), count, "no temporary file left behind");
    assert!(
        run.stdout.contains(NEW_TOKEN),
        "handed over on stdout: {run:?}"
    );
    assert!(
        run.stderr.contains("was not saved: could not write")
            && run.stderr.contains("the file size limit (ulimit -f) stops it")
            && run.stderr.contains("d83cf1 (publish) was not revoked: store the new token yourself, then `npm-token revoke d83cf1`"),
        "{run:?}"
    );
    assert!(fake.deletes().await.is_empty());
}

/// Run as root (`sudo npm-token rotate … --save`), a user's npmrc stays the user's.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn save_as_root_keeps_the_owner() {
    use std::os::unix::fs::MetadataExt;
    if unsafe { libc::geteuid() } != 0 {
        // Only root can give a file away; the unit tests cover keeping one's own.
        return;
    }
    let fake = saving("").await;
    std::os::unix::fs::chown(fake.sandbox.npmrc(), Some(4242), Some(4343)).unwrap();
    let run = rotate(&fake, &["--save"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let metadata = std::fs::metadata(fake.sandbox.npmrc()).unwrap();
    assert_eq!((metadata.uid(), metadata.gid()), (4242, 4343));
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_copies_the_old_token_creates_first_then_revokes() {
    let fake = npmjs().await;
    fake.answers_whoami("alice").await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .and(body_partial_json(json!({
            "name": "publish", "description": "CI publish", "password": "pw-123456",
            "packages": ["@acme/a", "@acme/b"], "scopes": ["@tools"], "orgs": ["acme"],
            "packages_and_scopes_permission": "read-write", "orgs_permission": "read-only",
            "cidr_whitelist": ["192.0.2.0/24", "198.51.100.0/24"], "bypass_2fa": true,
            "expires": 30,
        })))
        .respond_with(created())
        .expect(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{TOKENS}/token/{PUBLISH_KEY}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&fake.server)
        .await;
    // The old lifetime (a year and more) overridden by a flag.
    let run = fake
        .run(&[
            "rotate",
            "d83cf1",
            "--password",
            "pw-123456",
            "--expires",
            "30",
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("Created token npm_NEWTOKEN"),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_save_writes_only_the_token_in_use_into_its_npmrc() {
    // Not the token in use: refused before anything is created.
    let fake = as_publish().await;
    fake.answers_whoami("alice").await;
    let run = fake
        .run(&["rotate", "0b3f2c", "--password", "pw-123456", "--save"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("0b3f2c (reader) is not the token in use"),
        "{run:?}"
    );
    assert!(run.stderr.ends_with("nothing was created\n"), "{run:?}");

    // The token in use: the new token replaces it in the npmrc, nothing else changes.
    Mock::given(method("POST"))
        .respond_with(created())
        .expect(1)
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    let before = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
    let mode = || {
        std::fs::metadata(fake.sandbox.npmrc())
            .unwrap()
            .permissions()
    };
    let mode_before = mode();
    let run = fake
        .run(&["rotate", PUBLISH_TOKEN, "--password", "pw-123456", "--save"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let after = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
    assert_eq!(after, before.replace(PUBLISH_TOKEN, "npm_NEWTOKEN"));
    assert_eq!(mode(), mode_before, "the file's mode is kept");
    assert_eq!(fake.deletes().await, [PUBLISH_KEY]);

    // From the environment: refused, nothing created.
    let fake = as_publish().await;
    fake.answers_whoami("alice").await;
    let port = fake.server.address().port();
    let mut cmd = fake.cmd();
    cmd.args(["rotate", "d83cf1", "--password", "pw", "--save"])
        .env(
            format!("npm_config_//127.0.0.1:{port}/:_authToken"),
            PUBLISH_TOKEN,
        );
    let run = crate::support::Run::of_async(cmd).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("comes from the environment, not an npmrc file"),
        "{run:?}"
    );
}

/// `--read-only` means read-only on npmjs.org too: the old token's copied `read-write`
/// permission gives way.
#[tokio::test(flavor = "multi_thread")]
async fn rotate_read_only_makes_a_read_only_successor() {
    let fake = npmjs().await;
    fake.answers_whoami("alice").await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .and(body_partial_json(json!({
            "readonly": true,
            "packages_and_scopes_permission": "read-only",
            "orgs_permission": "read-only",
        })))
        .respond_with(created())
        .expect(1)
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    let run = fake
        .run(&["rotate", "d83cf1", "--password", "pw-123456", "--read-only"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
}

/// What the registry answers is hostile: a "token" that would add lines to the npmrc is not
/// written, and the old token is kept; and the new token, once shown, is masked in errors.
#[tokio::test(flavor = "multi_thread")]
async fn rotate_save_writes_only_a_plain_token_and_masks_it_after() {
    let fake = as_publish().await;
    fake.answers_whoami("alice").await;
    let hostile =
        "npm_NEW\nregistry=http://evil.example/\n//evil.example/:_authToken=${GITHUB_TOKEN}";
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"token": hostile})))
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    let before = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
    let run = fake
        .run(&["rotate", "d83cf1", "--password", "pw-123456", "--save"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("was not revoked"), "{run:?}");
    assert_eq!(
        std::fs::read_to_string(fake.sandbox.npmrc()).unwrap(),
        before
    );
    assert!(fake.deletes().await.is_empty());

    // The revoke fails with a body that quotes the new token: stderr masks it.
    let fake = npmjs().await;
    fake.answers_whoami("alice").await;
    Mock::given(method("POST"))
        .respond_with(created())
        .mount(&fake.server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": "cannot revoke while npm_NEWTOKEN exists"})),
        )
        .mount(&fake.server)
        .await;
    let run = fake
        .run(&["rotate", "d83cf1", "--password", "pw-123456"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("npm_NEWTOKEN"),
        "the output shows it once: {run:?}"
    );
    assert!(!run.stderr.contains("npm_NEWTOKEN"), "{run:?}");
}

/// `--save` of a token that comes from `${NPM_TOKEN}` is refused before anything is created.
#[tokio::test(flavor = "multi_thread")]
async fn rotate_save_of_an_environment_reference_is_refused_first() {
    let fake = npmjs().await;
    fake.answers_whoami("alice").await;
    let port = fake.server.address().port();
    fake.configure(&format!("//127.0.0.1:{port}/:_authToken=${{NPM_TOKEN}}\n"));
    let mut cmd = fake.cmd();
    cmd.args(["rotate", "d83cf1", "--password", "pw-123456", "--save"])
        .env("NPM_TOKEN", PUBLISH_TOKEN);
    let run = crate::support::Run::of_async(cmd).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("refers to an environment variable"),
        "{run:?}"
    );
    let posts = fake
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 0, "nothing was created");
}
