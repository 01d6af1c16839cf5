//! Secrets stay where they belong: never printed, never sent to another origin.

use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::{created, otp_challenge, page, Fake, TOKEN};
use crate::support::Run;

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
            let run = Run::of_async(cmd).await;
            for secret in [TOKEN, PASSWORD, OTP] {
                assert!(
                    !run.stdout.contains(secret) && !run.stderr.contains(secret),
                    "{secret} leaked by {args:?} after {verb}: {run:?}"
                );
            }
        }
    }
}
