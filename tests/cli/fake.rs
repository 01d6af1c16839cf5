//! Against an in-process fake registry (wiremock): faults, pagination, headers and bodies
//! that Verdaccio cannot be made to produce.

use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{free_port, in_terminal, Run, BIN};

const TOKEN: &str = "fake-secret-token-0123456789";

struct Fake {
    server: MockServer,
    home: tempfile::TempDir,
}

impl Fake {
    async fn start() -> Fake {
        Fake::with_prefix("").await
    }

    /// A fake whose registry URL carries a path prefix (`http://…/prefix/`).
    async fn with_prefix(prefix: &str) -> Fake {
        let server = MockServer::start().await;
        let home = tempfile::tempdir().unwrap();
        let port = server.address().port();
        std::fs::write(
            home.path().join("npmrc"),
            // npm's retry waits (10 s, then 60 s) shortened to keep the tests quick.
            format!(
                "registry=http://127.0.0.1:{port}/{prefix}\n//127.0.0.1:{port}/:_authToken={TOKEN}\n\
                 fetch-retry-mintimeout=1\nfetch-retry-maxtimeout=50\n"
            ),
        )
        .unwrap();
        Fake { server, home }
    }

    /// Sets npmrc lines on top of the fake's own.
    fn configure(&self, lines: &str) {
        let npmrc = self.home.path().join("npmrc");
        let mut text = std::fs::read_to_string(&npmrc).unwrap();
        text.push_str(lines);
        std::fs::write(npmrc, text).unwrap();
    }

    fn url(&self, p: &str) -> String {
        format!("{}{p}", self.server.uri())
    }

    /// `npm-token` configured for this fake registry.
    fn cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("NPM_CONFIG_USERCONFIG", self.home.path().join("npmrc"))
            .env("NPM_CONFIG_GLOBALCONFIG", self.home.path().join("none"))
            .current_dir(self.home.path())
            .stdin(std::process::Stdio::null());
        cmd
    }

    async fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.cmd();
        cmd.args(args);
        tokio::task::spawn_blocking(move || Run::of(&mut cmd))
            .await
            .unwrap()
    }

    /// Runs a command line in a terminal (see `support::in_terminal`).
    async fn run_in_terminal(
        &self,
        command: String,
        prompt: Option<&'static str>,
        input: String,
    ) -> Run {
        let template = self.cmd();
        tokio::task::spawn_blocking(move || in_terminal(&template, &command, prompt, &input))
            .await
            .unwrap()
    }

    async fn list_answers(&self, response: ResponseTemplate) {
        Mock::given(method("GET"))
            .and(path("/-/npm/v1/tokens"))
            .respond_with(response)
            .mount(&self.server)
            .await;
    }
}

fn page(objects: serde_json::Value, next: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"objects": objects, "total": 0, "urls": {"next": next}}))
}

#[tokio::test(flavor = "multi_thread")]
async fn sends_npm_headers_and_the_token_only_where_it_belongs() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("npm-command", "token"))
        .respond_with(page(json!([{"key": "aaaaaaaa11", "token": "npm_aa"}]), ""))
        .expect(1)
        .mount(&fake.server)
        .await;
    let run = fake.run(&["list", "--parseable"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let requests = fake.server.received_requests().await.unwrap();
    let agent = requests[0]
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(agent.starts_with("npm-token/"), "{agent}");
}

#[tokio::test(flavor = "multi_thread")]
async fn follows_pages_and_computes_ids_across_them() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens"))
        .respond_with(page(
            json!([{"key": "abcdef0001", "token": "t1"}]),
            &fake.url("/-/npm/v1/tokens/page/2"),
        ))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens/page/2"))
        .respond_with(page(
            json!([{"key": "abcdef0002", "token": "t2"}]),
            "/-/npm/v1/tokens/page/3",
        ))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens/page/3"))
        .respond_with(page(json!([{"key": "ffffff0003", "token": "t3"}]), ""))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["list", "--parseable"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let ids: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(2).unwrap())
        .collect();
    assert_eq!(ids, ["abcdef0001", "abcdef0002", "ffffff"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_that_loops_is_an_error_not_a_hang() {
    let fake = Fake::start().await;
    fake.list_answers(page(json!([]), &fake.url("/-/npm/v1/tokens")))
        .await;
    let run = fake.run(&["list"]).await;
    run.assert_error(&format!(
        "the registry's token list links back to a page already read ({}); the registry is misbehaving: report it to its operators",
        fake.url("/-/npm/v1/tokens")
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_to_another_origin_gets_no_credentials() {
    let fake = Fake::start().await;
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(page(json!([{"key": "bbbbbbbb", "token": "t2"}]), ""))
        .mount(&other)
        .await;
    fake.list_answers(page(
        json!([{"key": "aaaaaaaa", "token": "t1"}]),
        &format!("{}/steal", other.uri()),
    ))
    .await;
    let run = fake.run(&["list", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let seen = other.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].headers.get("authorization").is_none(),
        "the token went to another origin"
    );
    assert!(seen[0].headers.get("npm-otp").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn keeps_the_registry_path_prefix() {
    let fake = Fake::with_prefix("npm/private").await;
    Mock::given(method("GET"))
        .and(path("/npm/private/-/npm/v1/tokens"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(page(json!([]), ""))
        .expect(1)
        .mount(&fake.server)
        .await;
    let run = fake.run(&["list", "--json"]).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tolerates_token_objects_with_missing_fields() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([{}, {"key": null, "token": null, "created": 5}]),
        "",
    ))
    .await;
    let run = fake.run(&["list"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "Token undefined… with id  name (unnamed) created undefined\n\nToken null… with id  name (unnamed) created 5\n\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_sends_npm_11_body_plus_readonly() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path("/-/npm/v1/tokens"))
        .and(body_json(json!({
            "name": "ci", "password": "pw-123456", "description": "deploys",
            "packages": ["a", "b"], "packages_all": true, "scopes": ["@s"], "orgs": ["o"],
            "packages_and_scopes_permission": "read-only", "orgs_permission": "no-access",
            "expires": 30, "cidr_whitelist": ["10.0.0.0/8", "192.0.2.0/24"], "bypass_2fa": true,
            "readonly": true,
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "npm_FULLTOKEN", "key": "k", "cidr_whitelist": ["10.0.0.0/8", "192.0.2.0/24"],
            "readonly": true, "expires": "2027-01-01T00:00:00.000Z", "updated": "u"
        })))
        .expect(3)
        .mount(&fake.server)
        .await;
    let args = [
        "create",
        "--name",
        "ci",
        "--token-description",
        "deploys",
        "--packages",
        "a",
        "--packages",
        "b",
        "--packages-all",
        "--scopes",
        "@s",
        "--orgs",
        "o",
        "--packages-and-scopes-permission",
        "read-only",
        "--orgs-permission",
        "no-access",
        "--expires",
        "30",
        "--cidr",
        "10.0.0.0/8, 192.0.2.0/24",
        "--bypass-2fa",
        "--password",
        "pw-123456",
        "--readonly",
    ];
    let run = fake.run(&args).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Created token npm_FULLTOKEN\nwith IP whitelist: 10.0.0.0/8,192.0.2.0/24\nexpires: 2027-01-01T00:00:00.000Z\n"),
        "{run:?}"
    );
    let json = fake.run(&[&args[..], &["--json"]].concat()).await;
    assert_eq!(
        json.stdout,
        "{\n  \"token\": \"npm_FULLTOKEN\",\n  \"cidr_whitelist\": [\n    \"10.0.0.0/8\",\n    \"192.0.2.0/24\"\n  ],\n  \"readonly\": true,\n  \"expires\": \"2027-01-01T00:00:00.000Z\"\n}\n"
    );
    let parseable = fake.run(&[&args[..], &["-p"]].concat()).await;
    assert_eq!(
        parseable.stdout,
        "token\tnpm_FULLTOKEN\ncidr_whitelist\t10.0.0.0/8,192.0.2.0/24\nreadonly\ttrue\nexpires\t2027-01-01T00:00:00.000Z\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn http_errors_each_get_one_clear_line() {
    let cases: [(u16, serde_json::Value, &str); 6] = [
        (401, json!({"error": "token expired"}), "Unable to authenticate, your authentication token seems to be invalid (401 Unauthorized - GET {url} - token expired). To correct this please try logging in again with: npm login --registry={reg}"),
        (403, json!({"error": "forbidden"}), "403 Forbidden - GET {url} - forbidden; the registry refused this token or account (it may be revoked, read-only, or limited to other IP addresses)"),
        (404, json!({"error": "not found"}), "404 Not Found - GET {url} - not found; this registry does not serve the token API there: check the `registry` config ({reg})"),
        (429, json!({}), "429 Too Many Requests - GET {url}; the registry is busy or rate limiting: wait a little and try again"),
        (500, json!({"error": "boom"}), "500 Internal Server Error - GET {url} - boom; the registry failed: try again later"),
        (503, json!(null), "503 Service Unavailable - GET {url}; the registry failed: try again later"),
    ];
    for (status, body, expected) in cases {
        let fake = Fake::start().await;
        // The final message is the point here; retries are tested on their own.
        fake.configure("fetch-retries=0\n");
        fake.list_answers(ResponseTemplate::new(status).set_body_json(body))
            .await;
        let run = fake.run(&["list"]).await;
        let expected = expected
            .replace("{url}", &fake.url("/-/npm/v1/tokens"))
            .replace("{reg}", &fake.url("/"));
        run.assert_error(&expected);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_answers_are_reported_not_panicked_on() {
    let cases: [(&[u8], &str); 6] = [
        (
            b"{\"objects\": [",
            "is not valid JSON: EOF while parsing a list at line 1 column 13",
        ),
        (
            b"<html>hello</html>",
            "is not valid JSON: expected value at line 1 column 1",
        ),
        (
            b"\xff\xfe\x00garbage",
            "is not valid JSON: expected value at line 1 column 1",
        ),
        (
            b"{\"objects\": 5}",
            "is not what the token API returns: `objects` is a number, not a list",
        ),
        // Valid-looking text that decoding refuses: never a token with its fields lost.
        (
            b"{\"objects\": [{\"key\": \"abcdef123\", \"token\": \"npm_x\", \"n\": 1e400}]}",
            "is not valid JSON: number out of range at line 1 column 62",
        ),
        (
            b"{\"objects\": [], \"note\": \"\\ud800\"}",
            "is not valid JSON: unexpected end of hex escape at line 1 column 32",
        ),
    ];
    for (body, detail) in cases {
        let fake = Fake::start().await;
        fake.list_answers(
            ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json"),
        )
        .await;
        let run = fake.run(&["list"]).await;
        run.assert_error(&format!(
            "the registry's answer to GET {} {detail}; check that {} is an npm registry (the `registry` config)",
            fake.url("/-/npm/v1/tokens"),
            fake.url("/"),
        ));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn json_errors_also_go_to_stdout_like_npm() {
    let fake = Fake::start().await;
    fake.list_answers(ResponseTemplate::new(500).set_body_json(json!({"error": "boom"})))
        .await;
    let run = fake.run(&["list", "--json"]).await;
    assert_eq!(run.code, 1);
    let parsed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(parsed["error"]["code"], "E500");
    assert!(parsed["error"]["summary"]
        .as_str()
        .unwrap()
        .starts_with("500 Internal Server Error - GET "));
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_refused_names_the_url() {
    let fake = Fake::start().await;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/");
    std::fs::write(
        fake.home.path().join("npmrc"),
        format!(
            "registry={url}\n//127.0.0.1:{port}/:_authToken={TOKEN}\nfetch-retry-mintimeout=1\n"
        ),
    )
    .unwrap();
    let run = fake.run(&["list"]).await;
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "two retries, then the error: {run:?}");
    for (i, line) in lines[..2].iter().enumerate() {
        let retry = format!(
            "npm-token warn retrying GET {url}-/npm/v1/tokens in 0.0s ({}/2): request to ",
            i + 1
        );
        assert!(line.starts_with(&retry), "{run:?}");
    }
    let prefix = format!("npm-token error request to {url}-/npm/v1/tokens failed, reason: ");
    assert!(lines[2].starts_with(&prefix), "{run:?}");
    assert!(run.stderr.ends_with(" (ECONNREFUSED); check that the registry is up and reachable, and if you are behind a proxy, that the `proxy` config is set\n"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registry_that_echoes_secrets_does_not_get_them_printed() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .respond_with(|req: &Request| {
            let body = String::from_utf8_lossy(&req.body).into_owned();
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": format!("bad request {body} {TOKEN}")}))
        })
        .mount(&fake.server)
        .await;
    let run = fake
        .run(&[
            "create",
            "--password",
            "hunter2-secret",
            "--otp",
            "123456",
            "--loglevel",
            "silly",
        ])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    for secret in ["hunter2-secret", TOKEN, "123456"] {
        assert!(
            !run.stderr.contains(secret) && !run.stdout.contains(secret),
            "{secret} leaked: {run:?}"
        );
    }
    assert!(run.stderr.contains("***"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn revoke_reports_what_was_removed_when_one_fails() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([{"key": "aaaaaaaa01"}, {"key": "bbbbbbbb02"}]),
        "",
    ))
    .await;
    Mock::given(method("DELETE"))
        .and(path("/-/npm/v1/tokens/token/aaaaaaaa01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/-/npm/v1/tokens/token/bbbbbbbb02"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "aaaa", "bbbb"]).await;
    run.assert_error(&format!(
        "could not revoke bbbbbbbb02 (revoked 1 before it: aaaaaaaa01): 500 Internal Server Error - DELETE {} ; the registry failed: try again later",
        fake.url("/-/npm/v1/tokens/token/bbbbbbbb02")
    ).replace(" ;", ";"));
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn gets_are_retried_through_transient_failures() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&fake.server)
        .await;
    fake.list_answers(page(json!([{"key": "aaaaaaaa"}]), ""))
        .await;
    let run = fake.run(&["list", "--parseable"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(requests(&fake.server).await, 3);
    let url = fake.url("/-/npm/v1/tokens");
    assert_eq!(
        run.stderr,
        format!(
            "npm-token warn retrying GET {url} in 0.0s (1/2): 503 Service Unavailable - GET {url}\n\
             npm-token warn retrying GET {url} in 0.0s (2/2): 429 Too Many Requests - GET {url}\n"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_are_bounded_by_fetch_retries() {
    let fake = Fake::start().await;
    fake.list_answers(ResponseTemplate::new(500)).await;
    let run = fake.run(&["list"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(requests(&fake.server).await, 3, "npm's default: 2 retries");

    let fake = Fake::start().await;
    fake.list_answers(ResponseTemplate::new(502)).await;
    let run = Run::of(fake.cmd().env("npm_config_fetch_retries", "0"));
    assert_eq!(run.code, 1);
    assert_eq!(requests(&fake.server).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_and_revokes_are_never_retried() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["create", "--password", "pw-123456"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(requests(&fake.server).await, 1, "a POST was repeated");

    let fake = Fake::start().await;
    fake.list_answers(page(json!([{"key": "aaaaaaaa01"}]), ""))
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "aaaaaaaa01"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(requests(&fake.server).await, 2, "one list, one DELETE");
}

/// A 401 that asks for a one-time password, as the npm registry sends it.
fn otp_challenge() -> ResponseTemplate {
    ResponseTemplate::new(401)
        .insert_header("www-authenticate", "OTP")
        .set_body_json(json!({"error": "You must provide a one-time pass. Upgrade your client to npm@latest in order to use 2FA."}))
}

impl Fake {
    /// A create that succeeds once with `npm-otp: otp`, after exactly one `challenge`.
    async fn create_needs_otp(&self, otp: &str, challenge: ResponseTemplate) {
        Mock::given(method("POST"))
            .and(header("npm-otp", otp))
            .respond_with(created())
            .with_priority(1)
            .expect(1)
            .mount(&self.server)
            .await;
        Mock::given(method("POST"))
            .respond_with(challenge)
            .with_priority(2)
            .expect(1)
            .mount(&self.server)
            .await;
    }
}

fn created() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"token": "npm_NEWTOKEN", "key": "k", "readonly": false}))
}

#[tokio::test(flavor = "multi_thread")]
async fn otp_challenge_without_a_terminal_names_the_flag() {
    for challenge in [
        otp_challenge(),
        // No www-authenticate: npm's heuristic on the body.
        ResponseTemplate::new(401)
            .set_body_json(json!({"error": "a one-time password is required"})),
    ] {
        let fake = Fake::start().await;
        Mock::given(method("POST"))
            .respond_with(challenge)
            .mount(&fake.server)
            .await;
        fake.run(&["create", "--password", "pw-123456"]).await.assert_error(
            "This operation requires a one-time password from your authenticator. You can provide a one-time \
             password by passing --otp=<code> to the command you ran. If you already provided one, it was \
             mistyped or has expired: try again.",
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn otp_flag_is_sent_with_every_request() {
    let fake = Fake::start().await;
    Mock::given(header("npm-otp", "654321"))
        .and(method("GET"))
        .respond_with(page(json!([{"key": "aaaaaaaa01"}]), ""))
        .expect(1)
        .mount(&fake.server)
        .await;
    Mock::given(header("npm-otp", "654321"))
        .and(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "aaaa", "--otp", "654321"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Removed 1 token\n"),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn otp_prompt_in_a_terminal_retries_once_with_the_code() {
    let fake = Fake::start().await;
    fake.create_needs_otp("123456", otp_challenge()).await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456"),
            Some("Enter OTP: "),
            "123 456\n".into(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("This operation requires a one-time password.\nEnter OTP: "),
        "{run:?}"
    );
    assert!(
        run.stdout.ends_with("Created token npm_NEWTOKEN\n"),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn web_login_is_polled_then_its_token_used_as_otp() {
    let fake = Fake::start().await;
    let challenge = otp_challenge().set_body_json(json!({
        "authUrl": fake.url("/auth/abc"), "doneUrl": fake.url("/auth/abc/done"),
    }));
    fake.create_needs_otp("web-otp-token", challenge).await;
    Mock::given(method("GET"))
        .and(path("/auth/abc/done"))
        .respond_with(ResponseTemplate::new(202).insert_header("retry-after", "0"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/auth/abc/done"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "web-otp-token"})))
        .with_priority(2)
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456 --json"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "Authenticate your account at:\n{}\n",
            fake.url("/auth/abc")
        )),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("\"token\": \"npm_NEWTOKEN\""),
        "{run:?}"
    );
    let polls = fake
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/auth/abc/done")
        .count();
    assert_eq!(polls, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_at_the_password_prompt_restores_the_terminal_and_exits_130() {
    let fake = Fake::start().await;
    let command = format!("bash -c '{BIN} create; echo \"exit=$?\"; stty -a'");
    let run = fake
        .run_in_terminal(command, Some("npm password: "), "\u{3}".into())
        .await;
    assert!(run.stdout.contains("exit=130"), "{run:?}");
    let settings = run.stdout.split("exit=130").nth(1).unwrap();
    assert!(
        settings.contains(" echo ") || settings.contains(" echo\n"),
        "echo was left off: {run:?}"
    );
    assert!(fake.server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_to_another_origin_carries_no_secrets() {
    let fake = Fake::start().await;
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(page(json!([{"key": "bbbbbbbb"}]), ""))
        .mount(&other)
        .await;
    fake.list_answers(
        ResponseTemplate::new(302)
            .insert_header("location", format!("{}/moved", other.uri()).as_str()),
    )
    .await;
    let run = fake.run(&["list", "--json", "--otp", "111111"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let seen = other.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1);
    for secret_header in ["authorization", "npm-otp"] {
        assert!(
            seen[0].headers.get(secret_header).is_none(),
            "{secret_header} crossed origins"
        );
    }
    // The same redirect within the registry's origin keeps them.
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/moved"))
        .and(header_exists("authorization"))
        .and(header("npm-otp", "111111"))
        .respond_with(page(json!([]), ""))
        .expect(1)
        .mount(&fake.server)
        .await;
    fake.list_answers(ResponseTemplate::new(301).insert_header("location", "/moved"))
        .await;
    let run = fake.run(&["list", "--json", "--otp", "111111"]).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");
}

/// A raw TCP "registry" that misbehaves below HTTP: for every connection it reads the
/// request, then writes `reply` and either closes or (with `stall`) keeps the socket open.
fn raw_server(reply: &'static [u8], stall: bool) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(reply);
                if stall {
                    std::thread::sleep(std::time::Duration::from_secs(30));
                }
            });
        }
    });
    port
}

impl Fake {
    /// `bash -c script` with this fake's environment, and `$0` set to the binary.
    fn shell(&self, script: &str) -> std::process::Command {
        let template = self.cmd();
        let mut sh = std::process::Command::new("bash");
        sh.env_clear()
            .args(["-c", script, BIN])
            .current_dir(self.home.path());
        for (k, v) in template.get_envs() {
            if let Some(v) = v {
                sh.env(k, v);
            }
        }
        sh
    }

    /// Points this fake's configuration at another port on this machine.
    fn point_at(&self, port: u16, extra: &str) {
        std::fs::write(
            self.home.path().join("npmrc"),
            format!("registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={TOKEN}\n{extra}"),
        )
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_connections_and_cut_bodies_end_in_one_line() {
    let cases: [(&'static [u8], &str); 2] = [
        (b"", "ECONNRESET"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"objects\":[",
            "ECONNRESET",
        ),
    ];
    for (reply, code) in cases {
        let fake = Fake::start().await;
        let port = raw_server(reply, false);
        fake.point_at(port, "fetch-retries=0\n");
        let run = fake.run(&["list"]).await;
        assert_eq!((run.code, run.stdout.as_str()), (1, ""), "{run:?}");
        let url = format!("http://127.0.0.1:{port}/-/npm/v1/tokens");
        assert!(
            run.stderr.starts_with(&format!(
                "npm-token error request to {url} failed, reason: "
            )),
            "{run:?}"
        );
        assert!(
            run.stderr
                .contains(&format!("({code}); check that the registry is up")),
            "{run:?}"
        );
        assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_response_that_never_ends_times_out() {
    let fake = Fake::start().await;
    let port = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"obj",
        true,
    );
    fake.point_at(port, "fetch-retries=0\nfetch-timeout=500\n");
    let started = std::time::Instant::now();
    let run = fake.run(&["list"]).await;
    run.assert_error(&format!(
        "request to http://127.0.0.1:{port}/-/npm/v1/tokens timed out after 0.5 seconds; the registry may be down \
         or slow: try again, or raise `fetch-timeout` (milliseconds)"
    ));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_body_is_refused() {
    let fake = Fake::start().await;
    let huge = vec![b' '; 50 * 1024 * 1024];
    fake.list_answers(ResponseTemplate::new(200).set_body_raw(huge, "application/json"))
        .await;
    fake.run(&["list"]).await.assert_error(&format!(
        "the registry's answer to GET {} is larger than 32 MiB; the registry is misbehaving: report it to its operators",
        fake.url("/-/npm/v1/tokens")
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_ends_quietly() {
    let fake = Fake::start().await;
    let many: Vec<serde_json::Value> = (0..5000)
        .map(|i| json!({"key": format!("{i:032x}"), "token": "npm_abcd", "created": "2026-01-01T00:00:00.000Z"}))
        .collect();
    fake.list_answers(page(json!(many), "")).await;
    let mut sh = fake
        .shell("set -o pipefail; \"$0\" list --json | head -c 10 > /dev/null; echo \"exit=$?\"");
    let run = tokio::task::spawn_blocking(move || Run::of(&mut sh))
        .await
        .unwrap();
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("exit=0\n", ""),
        "{run:?}"
    );
}

/// Every command and fault case, at the most verbose log level: no configured secret may
/// appear on stdout or stderr (the token a create returns is output, and not configured).
#[tokio::test(flavor = "multi_thread")]
async fn no_secret_ever_reaches_the_output() {
    const PASSWORD: &str = "sw0rdfish-password";
    const OTP: &str = "918273";
    let responses: Vec<(&str, ResponseTemplate)> = vec![
        (
            "GET",
            page(json!([{"key": "aaaaaaaa01", "token": "npm_aa"}]), ""),
        ),
        (
            "GET",
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": format!("bad token {TOKEN}")})),
        ),
        (
            "GET",
            ResponseTemplate::new(500).set_body_string(format!("oops {TOKEN} {OTP}")),
        ),
        (
            "GET",
            ResponseTemplate::new(200).set_body_string(format!("{{\"objects\": \"{TOKEN}\"}}")),
        ),
        (
            "GET",
            ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:1/x"),
        ),
        ("POST", created()),
        ("POST", otp_challenge()),
        (
            "POST",
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": format!("wrong password {PASSWORD}")})),
        ),
        (
            "DELETE",
            ResponseTemplate::new(500).set_body_string(format!("{TOKEN} {PASSWORD} {OTP}")),
        ),
    ];
    let commands: [&[&str]; 4] = [
        &["list"],
        &["list", "--json"],
        &["create", "--password", PASSWORD, "--parseable"],
        &["revoke", "aaaaaaaa01", "--json"],
    ];
    for (verb, response) in responses {
        let fake = Fake::start().await;
        fake.configure("fetch-retries=1\n");
        if verb != "GET" {
            fake.list_answers(page(json!([{"key": "aaaaaaaa01", "token": "npm_aa"}]), ""))
                .await;
        }
        Mock::given(method(verb))
            .respond_with(response)
            .mount(&fake.server)
            .await;
        for args in commands {
            let args = [args, &["--loglevel", "silly", "--otp", OTP]].concat();
            // The password is configured for every command, as CI would set it.
            let mut cmd = fake.cmd();
            cmd.args(&args).env("npm_config_password", PASSWORD);
            let run = tokio::task::spawn_blocking(move || Run::of(&mut cmd))
                .await
                .unwrap();
            for secret in [TOKEN, PASSWORD, OTP] {
                assert!(
                    !run.stdout.contains(secret) && !run.stderr.contains(secret),
                    "{secret} leaked by {args:?} after {verb}: {run:?}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unfinished_web_login_gives_up_in_bounded_time() {
    let fake = Fake::start().await;
    fake.configure("fetch-timeout=1500\n");
    Mock::given(method("POST"))
        .respond_with(otp_challenge().set_body_json(json!({
            "authUrl": fake.url("/auth/x"), "doneUrl": fake.url("/auth/x/done"),
        })))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/auth/x/done"))
        .respond_with(ResponseTemplate::new(202).insert_header("retry-after", "1"))
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.ends_with(
            // A terminal: the label is red.
            "npm-token \x1b[31merror\x1b[39m the web login was not completed within 1.5 seconds; run the command again, or pass --otp=<code>\n"
        ),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_at_the_otp_prompt_exits_130() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .respond_with(otp_challenge())
        .mount(&fake.server)
        .await;
    let command = format!("bash -c '{BIN} create --password pw-123456; echo \"exit=$?\"'");
    let run = fake
        .run_in_terminal(command, Some("Enter OTP: "), "\u{3}".into())
        .await;
    assert!(run.stdout.contains("exit=130"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn colour_only_where_it_belongs() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([{"key": "aaaaaaaa01", "token": "npm_aa", "cidr_whitelist": ["10.0.0.0/8"]}]),
        "",
    ))
    .await;
    let piped = fake.run(&["list"]).await;
    assert!(!piped.stdout.contains('\x1b'), "{piped:?}");
    let forced = fake.run(&["list", "--color", "always"]).await;
    assert!(
        forced
            .stdout
            .starts_with("\x1b[34mToken\x1b[39m npm_aa… with id \x1b[36maaaaaa\x1b[39m"),
        "{forced:?}"
    );
    let by_config = Run::of(fake.cmd().arg("list").env("npm_config_color", "always"));
    assert_eq!(by_config.stdout, forced.stdout);

    let terminal = fake
        .run_in_terminal(BIN.to_owned(), None, String::new())
        .await;
    assert!(
        terminal.stdout.contains("\x1b[1m id "),
        "a terminal gets a styled table: {terminal:?}"
    );
    for opt_out in [
        format!("env NO_COLOR=1 {BIN}"),
        format!("{BIN} --color never"),
        format!("env TERM=dumb {BIN}"),
    ] {
        let plain = fake
            .run_in_terminal(opt_out.clone(), None, String::new())
            .await;
        assert!(plain.stdout.contains("│ id "), "{opt_out}: {plain:?}");
        assert!(!plain.stdout.contains('\x1b'), "{opt_out}: {plain:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_page_lists_show_progress_only_on_a_terminal() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens"))
        .respond_with(page(json!([{"key": "aaaaaaaa01"}]), "/-/npm/v1/tokens/2"))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens/2"))
        .respond_with(page(json!([{"key": "bbbbbbbb02"}]), ""))
        .mount(&fake.server)
        .await;
    let piped = fake.run(&["list", "--json"]).await;
    assert_eq!((piped.code, piped.stderr.as_str()), (0, ""), "{piped:?}");
    let terminal = fake
        .run_in_terminal(format!("{BIN} list --json"), None, String::new())
        .await;
    assert!(
        terminal
            .stdout
            .starts_with("\r\x1b[2KFetching tokens: page 2 (1 so far)…\r\x1b[2K[\n"),
        "{terminal:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn loglevel_http_logs_each_request() {
    let fake = Fake::start().await;
    fake.list_answers(page(json!([]), "")).await;
    let run = fake.run(&["list", "--loglevel", "http"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let prefix = format!(
        "npm-token http fetch GET 200 {} ",
        fake.url("/-/npm/v1/tokens")
    );
    let line = run
        .stderr
        .strip_suffix("ms\n")
        .and_then(|l| l.strip_prefix(&prefix));
    assert!(line.is_some_and(|ms| ms.parse::<u64>().is_ok()), "{run:?}");
    assert!(!run.stderr.contains(TOKEN));
    let quiet = fake.run(&["list", "--loglevel", "silent"]).await;
    assert_eq!(quiet.stderr, "");
}
