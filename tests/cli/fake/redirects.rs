//! Redirects carry nothing across origins: no credential (even one configured for the other
//! host), no one-time password, no body; a create or revoke is never sent on to another
//! origin, and nothing is followed from https to plain http.

use serde_json::json;
use wiremock::matchers::{body_string_contains, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{created, page, requests, Fake, TOKEN};
use crate::network::{tls_front, Pki};
use crate::support::{Run, Sandbox};

/// The token the npmrc holds for the other origin: a redirect must not fetch it.
const OTHER_TOKEN: &str = "other-origin-token-9876543210";

/// A fake registry, and another server for whose origin the npmrc holds [`OTHER_TOKEN`].
async fn two_origins() -> (Fake, MockServer) {
    let fake = Fake::start().await;
    let other = MockServer::start().await;
    let port = other.address().port();
    fake.configure(&format!("//127.0.0.1:{port}/:_authToken={OTHER_TOKEN}\n"));
    (fake, other)
}

fn redirect(status: u16, to: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", to)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_to_another_origin_sends_none_of_its_credentials() {
    let (fake, other) = two_origins().await;
    Mock::given(method("GET"))
        .respond_with(page(json!([{"key": "bbbbbbbb"}]), ""))
        .mount(&other)
        .await;
    fake.list_answers(redirect(302, &format!("{}/moved", other.uri())))
        .await;
    let run = fake.run(&["list", "--json", "--otp", "111111"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let seen = other.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1);
    for secret_header in ["authorization", "npm-otp"] {
        assert!(
            seen[0].headers.get(secret_header).is_none(),
            "{secret_header} crossed origins: {:?}",
            seen[0].headers
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_back_from_another_origin_gets_no_credentials_either() {
    let (fake, other) = two_origins().await;
    // The other origin bounces the request back to the registry, on a path of its choosing.
    Mock::given(method("GET"))
        .respond_with(redirect(302, &fake.url("/elsewhere")))
        .mount(&other)
        .await;
    Mock::given(method("GET"))
        .and(path("/elsewhere"))
        .respond_with(page(json!([]), ""))
        .mount(&fake.server)
        .await;
    fake.list_answers(redirect(307, &format!("{}/bounce", other.uri())))
        .await;
    let run = fake.run(&["list", "--json", "--otp", "111111"]).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");
    let back = fake.server.received_requests().await.unwrap();
    let back = back.iter().find(|r| r.url.path() == "/elsewhere").unwrap();
    assert!(back.headers.get("authorization").is_none(), "{back:?}");
    assert!(back.headers.get("npm-otp").is_none(), "{back:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_or_revoke_is_never_sent_on_to_another_origin() {
    for status in [307, 308] {
        let (fake, other) = two_origins().await;
        Mock::given(method("POST"))
            .respond_with(redirect(status, &format!("{}/steal", other.uri())))
            .mount(&fake.server)
            .await;
        let run = fake
            .run(&["create", "--password", "hunter2-secret", "--otp", "111111"])
            .await;
        run.assert_error(&format!(
            "the registry redirected POST {} to {}, not followed: a create or revoke is sent to \
             the registry's own origin only; the registry is misbehaving: report it to its \
             operators",
            fake.url("/-/npm/v1/tokens"),
            other.uri(),
        ));
        assert_eq!(requests(&other).await, 0, "{status}: the body went on");
    }

    let (fake, other) = two_origins().await;
    fake.list_answers(page(json!([{"key": "aaaaaaaa01"}]), ""))
        .await;
    Mock::given(method("DELETE"))
        .respond_with(redirect(301, &format!("{}/steal", other.uri())))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "aaaaaaaa01"]).await;
    run.assert_error(&format!(
        "could not revoke aaaaaa: the registry redirected DELETE {} \
         to {}, not followed: a create or revoke is sent to the registry's own origin only; the \
         registry is misbehaving: report it to its operators; it may already be revoked: \
         `npm-token list` shows whether it is",
        fake.url("/-/npm/v1/tokens/token/aaaaaaaa01"),
        other.uri(),
    ));
    assert_eq!(requests(&other).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn same_origin_redirects_keep_credentials_and_body() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path("/moved"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("npm-otp", "111111"))
        .and(body_string_contains("hunter2-secret"))
        .respond_with(created())
        .expect(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/-/npm/v1/tokens"))
        .respond_with(redirect(307, "/moved"))
        .mount(&fake.server)
        .await;
    let run = fake
        .run(&[
            "create",
            "--json",
            "--password",
            "hunter2-secret",
            "--otp",
            "111111",
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");

    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/moved"))
        .and(header_exists("authorization"))
        .and(header("npm-otp", "111111"))
        .respond_with(page(json!([]), ""))
        .expect(1)
        .mount(&fake.server)
        .await;
    fake.list_answers(redirect(301, "/moved")).await;
    let run = fake.run(&["list", "--json", "--otp", "111111"]).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_from_https_to_http_is_refused() {
    let backend = MockServer::start().await;
    let plain = MockServer::start().await;
    let plain_port = plain.address().port();
    let pki = Pki::new();
    let port = tls_front(*backend.address(), pki.leaf(&["127.0.0.1"]), None).await;
    // The same host, on plain http: the registry's origin but for its scheme.
    let target = format!("http://127.0.0.1:{plain_port}/-/npm/v1/tokens");
    Mock::given(method("GET"))
        .respond_with(redirect(302, &target))
        .mount(&backend)
        .await;
    let home = Sandbox::new(&format!(
        "registry=https://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={TOKEN}\n\
         //127.0.0.1:{plain_port}/:_authToken={TOKEN}\n"
    ));
    home.file("ca.pem", &pki.ca_pem());
    let mut cmd = home.cmd();
    cmd.args(["list", "--cafile", "ca.pem"]);
    let run = Run::of_async(cmd).await;
    run.assert_error(&format!(
        "the registry redirected GET https://127.0.0.1:{port}/-/npm/v1/tokens to {target}, not \
         followed: it leaves https for plain http; the registry is misbehaving: report it to its \
         operators"
    ));
    assert_eq!(requests(&plain).await, 0);
}

/// A `next` link is held to the same rule as a redirect: another origin gets no credential,
/// even the one the npmrc holds for it, and no one-time password; and a list read over
/// https is not continued over plain http.
#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_to_another_origin_gets_none_of_its_credentials() {
    let (fake, other) = two_origins().await;
    Mock::given(method("GET"))
        .respond_with(page(json!([{"key": "bbbbbbbb", "token": "t2"}]), ""))
        .mount(&other)
        .await;
    fake.list_answers(page(
        json!([{"key": "aaaaaaaa", "token": "t1"}]),
        &format!("{}/steal", other.uri()),
    ))
    .await;
    let run = fake.run(&["list", "--json", "--otp", "123456"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let seen = other.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].headers.get("authorization").is_none(),
        "{:?}",
        seen[0].headers
    );
    assert!(seen[0].headers.get("npm-otp").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_from_https_to_http_is_refused() {
    let backend = MockServer::start().await;
    let plain = MockServer::start().await;
    let plain_port = plain.address().port();
    let pki = Pki::new();
    let port = tls_front(*backend.address(), pki.leaf(&["127.0.0.1"]), None).await;
    let next = format!("http://127.0.0.1:{plain_port}/-/npm/v1/tokens?page=1");
    Mock::given(method("GET"))
        .respond_with(page(json!([{"key": "aaaaaaaa", "token": "t1"}]), &next))
        .mount(&backend)
        .await;
    let home = Sandbox::new(&format!(
        "registry=https://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={TOKEN}\n"
    ));
    home.file("ca.pem", &pki.ca_pem());
    let mut cmd = home.cmd();
    cmd.args(["list", "--cafile", "ca.pem"]);
    let run = Run::of_async(cmd).await;
    run.assert_error(&format!(
        "the registry's token list, read over https, links to a next page over plain http, not \
         followed: {next}; the registry is misbehaving: report it to its operators"
    ));
    assert_eq!(requests(&plain).await, 0);
}
