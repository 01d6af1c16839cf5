//! `status`: the kind of credential and where it is set (and what it hides), one JSON
//! shape, `--fail-within` for each kind, and whoami and the list asked for at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::npmjs::{npmjs, PUBLISH_KEY, PUBLISH_TOKEN, TOKENS};
use super::{otp_challenge, page, Fake, TOKEN};
use crate::support::{Run, BIN};

/// Answers with `response` after `delay`, counting the requests in flight across every
/// mock it is cloned into: `high` is the most there ever were at once. A request counts
/// from its arrival until just before its answer goes out, so two requests sent one after
/// the other never overlap, and two sent together always do.
#[derive(Clone)]
pub(super) struct InFlight {
    now: Arc<AtomicUsize>,
    pub high: Arc<AtomicUsize>,
    delay: Duration,
}

impl InFlight {
    pub(super) fn new() -> InFlight {
        InFlight {
            now: Arc::default(),
            high: Arc::default(),
            delay: Duration::from_millis(400),
        }
    }

    /// `response`, counted.
    pub(super) fn counted(&self, response: ResponseTemplate) -> impl Respond {
        Counted {
            counter: self.clone(),
            response,
        }
    }

    /// Mounts `response` for `GET route`, counted.
    pub(super) async fn mount(&self, server: &MockServer, route: &str, response: ResponseTemplate) {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(self.counted(response))
            .mount(server)
            .await;
    }

    pub(super) fn high(&self) -> usize {
        self.high.load(Ordering::SeqCst)
    }
}

struct Counted {
    counter: InFlight,
    response: ResponseTemplate,
}

impl Respond for Counted {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let InFlight { now, high, delay } = self.counter.clone();
        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
        high.fetch_max(n, Ordering::SeqCst);
        std::thread::spawn(move || {
            std::thread::sleep(delay - Duration::from_millis(50));
            now.fetch_sub(1, Ordering::SeqCst);
        });
        self.response.clone().set_delay(delay)
    }
}

fn whoami(user: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"username": user}))
}

async fn json_of(fake: &Fake, args: &[&str]) -> (Run, Value) {
    let run = fake.run(args).await;
    let value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    (run, value)
}

#[tokio::test(flavor = "multi_thread")]
async fn whoami_and_the_list_go_out_together() {
    let fake = Fake::start().await;
    let counter = InFlight::new();
    counter
        .mount(&fake.server, "/-/whoami", whoami("alice"))
        .await;
    counter
        .mount(&fake.server, TOKENS, page(json!([]), ""))
        .await;
    let run = fake.run(&["status"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(counter.high(), 2, "both requests in flight at once");

    // The counter tells one after the other from side by side: two pages linked by a
    // cursor, which only following `next` can read, never overlap.
    let sequential = InFlight::new();
    let other = Fake::start().await;
    Mock::given(method("GET"))
        .and(path(TOKENS))
        .and(query_param("cursor", "b"))
        .respond_with(sequential.counted(page(json!([]), "")))
        .with_priority(1)
        .mount(&other.server)
        .await;
    let first = json!([{"key": "aaaaaaaa01", "token": "npm_a"}]);
    Mock::given(method("GET"))
        .and(path(TOKENS))
        .respond_with(sequential.counted(page(first, "/-/npm/v1/tokens?cursor=b")))
        .with_priority(2)
        .mount(&other.server)
        .await;
    let run = other.run(&["list", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(other.server.received_requests().await.unwrap().len(), 2);
    assert_eq!(sequential.high(), 1, "one after the other");
}

/// Both requests meet a one-time-password challenge at once: the person is asked once, and
/// both are sent again with the code.
#[tokio::test(flavor = "multi_thread")]
async fn one_prompt_for_two_challenges_in_flight() {
    let fake = Fake::start().await;
    for (route, answer) in [
        ("/-/whoami", whoami("alice")),
        (TOKENS, page(json!([]), "")),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("npm-otp", "123456"))
            .respond_with(answer)
            .with_priority(1)
            .mount(&fake.server)
            .await;
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(otp_challenge())
            .with_priority(2)
            .expect(1)
            .mount(&fake.server)
            .await;
    }
    let run = fake
        .run_in_terminal(
            format!("{BIN} status --lines"),
            Some("Enter OTP: "),
            "123456\n".into(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.matches("Enter OTP: ").count(), 1, "{run:?}");
    assert!(run.stdout.contains("user      alice\n"), "{run:?}");
}

/// The JSON for each kind of credential: one shape, the list's field names, access as data.
#[tokio::test(flavor = "multi_thread")]
async fn one_json_shape_says_what_kind_of_credential_it_found() {
    let fake = npmjs().await;
    fake.answers_whoami("alice").await;
    let port = fake.server.address().port();
    fake.configure(&format!("//127.0.0.1:{port}/:_authToken={PUBLISH_TOKEN}\n"));
    let (run, status) = json_of(&fake, &["status", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(status["credential"], "token");
    assert_eq!(status["errors"], json!([]));
    let token = &status["token"];
    for (field, value) in [
        ("id", json!("d83cf1")),
        ("key", json!(PUBLISH_KEY)),
        ("name", json!("publish")),
        ("token", json!("npm_NYn6...jCq0")),
        ("accessed", token["accessed"].clone()),
        ("status", json!("active")),
        ("cidr", json!(["192.0.2.0/24", "198.51.100.0/24"])),
    ] {
        assert_eq!(token[field], value, "{field}");
    }
    assert!(
        token["expiry"].as_str().unwrap().starts_with("20"),
        "{token}"
    );
    assert!(token.get("expires").is_none() && token.get("last_used").is_none());
    assert_eq!(
        token["access"],
        json!({"summary": "packages: write, orgs: read; bypasses 2FA", "publishing": "direct",
               "bypass_2fa": true, "classic": null,
               "grants": [{"on": "packages", "level": "write"}, {"on": "orgs", "level": "read"}]})
    );
    assert_eq!(status["source"]["layer"], "user");
    assert_eq!(status["source"]["line"], 5);

    // A login session: a token the list does not show.
    fake.configure(&format!(
        "//127.0.0.1:{port}/:_authToken=npm_SessionTokenNotListed000000000000\n"
    ));
    let (_, status) = json_of(&fake, &["status", "--json"]).await;
    assert_eq!(status["credential"], "login-session");
    assert_eq!(status["token"], Value::Null);

    // Not a token: no list is asked for.
    let before = fake.server.received_requests().await.unwrap().len();
    fake.sandbox.write_npmrc(&format!(
        "registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_auth=dXNlcjpwYXNz\n"
    ));
    let (run, status) = json_of(&fake, &["status", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(status["credential"], "not-a-token");
    assert_eq!(
        status["source"]["key"],
        format!("//127.0.0.1:{port}/:_auth")
    );
    let after = fake.server.received_requests().await.unwrap();
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap().url.path(), "/-/whoami");
}

/// npmjs.org lists tokens only to a login session: the credential is `unknown`, the refusal
/// is in the JSON, and `--fail-within` fails (exit 1) where a login session passes.
#[tokio::test(flavor = "multi_thread")]
async fn unknown_and_login_session_are_told_apart() {
    let fake = Fake::start().await;
    fake.answers_whoami("ci-bot").await;
    Mock::given(method("GET"))
        .and(path(TOKENS))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"error": "token may not list"})),
        )
        .mount(&fake.server)
        .await;
    let (run, status) = json_of(&fake, &["status", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(status["credential"], "unknown");
    assert_eq!(status["errors"][0]["part"], "tokens");
    assert_eq!(status["errors"][0]["code"], "E403");
    assert!(
        status["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("token may not list"),
        "{status}"
    );
    let (run, _) = json_of(&fake, &["status", "--json", "--fail-within", "7"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("its expiry is unknown"), "{run:?}");

    let session = Fake::start().await;
    session.answers_whoami("alice").await;
    session.list_answers(page(json!([]), "")).await;
    let run = session.run(&["status", "--fail-within", "7"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("a login session"), "{run:?}");
    assert_eq!(
        run.stderr,
        "npm-token warn --fail-within: the credential in use is a login session (`npm login`), \
         not a listed token: it has no expiry to check, so the check passes\n"
    );
}

/// Where the credential is set: a project `.npmrc` line that reads an environment
/// variable, hiding the user's npmrc; human, parseable and JSON.
#[tokio::test(flavor = "multi_thread")]
async fn status_says_where_the_credential_comes_from_and_what_it_hides() {
    let fake = Fake::start().await;
    fake.answers_whoami("alice").await;
    fake.list_answers(page(json!([]), "")).await;
    let port = fake.server.address().port();
    let project = fake.sandbox.file(
        ".npmrc",
        &format!("; CI\n//127.0.0.1:{port}/:_authToken=${{NODE_AUTH_TOKEN}}\n"),
    );
    let user = fake.sandbox.npmrc().display().to_string();
    let key = format!("//127.0.0.1:{port}/:_authToken");
    let mut cmd = fake.cmd();
    cmd.env("NODE_AUTH_TOKEN", "npm_FromTheEnvironment00000000000000000")
        .args(["status"]);
    let run = Run::of_async(cmd).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "from      NODE_AUTH_TOKEN, through {key} in {project}:2\n\
             shadows   {key} in {user}:2, not used\n"
        )),
        "{run:?}"
    );
    let mut cmd = fake.cmd();
    cmd.env("NODE_AUTH_TOKEN", "npm_FromTheEnvironment00000000000000000")
        .args(["status", "--json"]);
    let run = Run::of_async(cmd).await;
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        status["source"],
        json!({"layer": "project", "file": project, "line": 2, "key": key,
               "variable": "NODE_AUTH_TOKEN",
               "shadows": [{"layer": "user", "file": user, "line": 2, "key": key,
                            "variable": null}]})
    );
    assert!(!run.stdout.contains(TOKEN) && !run.stdout.contains("FromTheEnvironment"));

    // From the environment itself.
    std::fs::remove_file(&project).unwrap();
    fake.sandbox
        .write_npmrc(&format!("registry=http://127.0.0.1:{port}/\n"));
    let mut cmd = fake.cmd();
    cmd.env(format!("npm_config_{key}"), "npm_x")
        .args(["status", "--parseable"]);
    let run = Run::of_async(cmd).await;
    assert!(
        run.stdout.contains(&format!(
            "from\tthe environment variable npm_config_{key}\n"
        )),
        "{run:?}"
    );
}

/// A list that failed (a 500, a timeout) is not a list refused to this token: `status`
/// says the token is unknown because the list could not be read, beside the error, and
/// exits 1; it does not claim the registry will not list tokens to it.
#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_failed_is_not_called_a_refusal() {
    let fake = Fake::start().await;
    fake.answers_whoami("alice").await;
    fake.list_answers(ResponseTemplate::new(500)).await;
    let run = fake.run(&["status"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("token     unknown: the token list could not be read (the error below)\n"),
        "{run:?}"
    );
    assert!(run.stdout.contains("error     tokens: 500 "), "{run:?}");
    assert!(!run.stdout.contains("does not list tokens"), "{run:?}");
}
