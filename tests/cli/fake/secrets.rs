//! Secrets stay where they belong: never printed, never sent to another origin.

use base64::Engine as _;
use serde_json::json;
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, Request, ResponseTemplate};

use super::{created, otp_challenge, page, Fake, TOKEN};
use crate::support::{Run, BIN};

fn base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// An error answer that quotes `echo` back, as a careless or hostile registry might.
fn echo(status: u16, echo: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "error": format!("you sent {echo}") }))
}

/// `run`'s whole output (stdout and stderr, or the terminal) holds none of `secrets`, and
/// masks at least one.
#[track_caller]
fn assert_masked(run: &Run, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{secret} leaked: {run:?}"
        );
    }
    assert!(
        run.stdout.contains("***") || run.stderr.contains("***"),
        "{run:?}"
    );
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

/// Every command and fault case, at the most verbose log level: no configured secret may
/// appear on stdout or stderr (the token a create returns is output, and not configured).
/// Besides the token in use, the npmrc holds an `_auth` and a proxy with a password, both
/// configured but unused (the token wins, `noproxy` bypasses the proxy): configured is
/// enough to be masked.
#[tokio::test(flavor = "multi_thread")]
async fn no_secret_ever_reaches_the_output() {
    const PASSWORD: &str = "sw0rdfish-password";
    const OTP: &str = "918273";
    const AUTH_PASSWORD: &str = "aut0-passw0rd";
    const PROXY_PASSWORD: &str = "pr0xy-passw0rd";
    let auth_decoded = format!("alice:{AUTH_PASSWORD}");
    let auth = base64(&auth_decoded);
    let everything = format!("{TOKEN} {PASSWORD} {OTP} {auth} {auth_decoded} {PROXY_PASSWORD}");
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
            ResponseTemplate::new(500).set_body_string(format!("oops {everything}")),
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
                .set_body_json(json!({"error": format!("wrong password {everything}")})),
        ),
        (
            "DELETE",
            ResponseTemplate::new(500).set_body_string(everything.clone()),
        ),
    ];
    let commands: [&[&str]; 6] = [
        &["list"],
        &["list", "--json"],
        &["create", "--password", PASSWORD, "--parseable"],
        &["revoke", "aaaaaaaa01", "--json"],
        &["status", "--json"],
        &["audit"],
    ];
    for (verb, response) in responses {
        let fake = Fake::start().await;
        let port = fake.server.address().port();
        fake.configure(&format!(
            "fetch-retries=1\n//127.0.0.1:{port}/:_auth={auth}\n\
             https-proxy=http://bob:{PROXY_PASSWORD}@127.0.0.1:9/\nnoproxy=127.0.0.1\n"
        ));
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
            let run = Run::of_async(cmd).await;
            for secret in [TOKEN, PASSWORD, OTP, AUTH_PASSWORD, &auth, PROXY_PASSWORD] {
                assert!(
                    !run.stdout.contains(secret) && !run.stderr.contains(secret),
                    "{secret} leaked by {args:?} after {verb}: {run:?}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_typed_at_the_prompt_is_masked_when_echoed() {
    const TYPED: &str = "typed-passw0rd";
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .respond_with(|req: &Request| {
            let body = String::from_utf8_lossy(&req.body).into_owned();
            echo(401, &body)
        })
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --loglevel silly"),
            Some("npm password: "),
            format!("{TYPED}\n"),
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_masked(&run, &[TYPED]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_otp_typed_at_the_prompt_is_masked_when_echoed() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(header("npm-otp", "8675309"))
        .respond_with(echo(403, "8675309"))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(otp_challenge())
        .with_priority(2)
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456 --loglevel silly"),
            Some("Enter OTP: "),
            // Typed with a space, so that the terminal's echo of it is not the code itself.
            "867 5309\n".into(),
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_masked(&run, &["8675309"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_web_login_token_is_masked_when_echoed() {
    const WEB_TOKEN: &str = "web-login-token-31337";
    let fake = Fake::start().await;
    let challenge = otp_challenge().set_body_json(json!({
        "authUrl": fake.url("/auth/x"), "doneUrl": fake.url("/auth/x/done"),
    }));
    Mock::given(method("GET"))
        .and(path("/auth/x/done"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "token": WEB_TOKEN })))
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .and(header_exists("npm-otp"))
        .respond_with(|req: &Request| {
            let otp = req.headers.get("npm-otp").unwrap().to_str().unwrap();
            echo(403, otp)
        })
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(challenge)
        .with_priority(2)
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456 --loglevel silly"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_masked(&run, &[WEB_TOKEN]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_decoded_auth_setting_is_masked_when_echoed() {
    let fake = Fake::start().await;
    let port = fake.server.address().port();
    fake.sandbox.write_npmrc(&format!(
        "registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_auth={}\n",
        base64("alice:aut0-passw0rd")
    ));
    fake.list_answers(echo(401, "alice:aut0-passw0rd, password aut0-passw0rd"))
        .await;
    let run = fake.run(&["list", "--loglevel", "silly"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_masked(&run, &["aut0-passw0rd"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_password_is_masked_when_echoed() {
    // The fake is the proxy too: it is sent the absolute URL and `Proxy-Authorization`,
    // and quotes both back.
    let fake = Fake::start().await;
    fake.sandbox.write_npmrc(&format!(
        "registry=http://registry.invalid/\n//registry.invalid/:_authToken={TOKEN}\n\
         proxy=http://bob:pr%40xy-passw0rd@127.0.0.1:{}/\n",
        fake.server.address().port()
    ));
    Mock::given(method("GET"))
        .respond_with(|req: &Request| {
            let auth = req.headers.get("proxy-authorization");
            let auth = auth.map_or("", |v| v.to_str().unwrap()).to_owned();
            echo(
                500,
                &format!("{auth} for pr@xy-passw0rd (pr%40xy-passw0rd)"),
            )
        })
        .mount(&fake.server)
        .await;
    let run = fake
        .run(&["list", "--loglevel", "silly", "--fetch-retries", "0"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    let sent = base64("bob:pr@xy-passw0rd");
    assert_masked(&run, &["pr@xy-passw0rd", "pr%40xy-passw0rd", &sent]);
    assert!(
        run.stderr.contains("you sent Basic *** for *** (***)"),
        "{run:?}"
    );
}
