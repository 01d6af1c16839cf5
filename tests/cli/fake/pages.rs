//! What is sent and how answers are read: headers, path prefixes, request bodies, pages.

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use super::{page, Fake, TOKEN};

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
async fn create_sends_npm_11_body_plus_readonly() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path("/-/npm/v1/tokens"))
        .and(body_json(json!({
            "name": "ci", "password": "pw-123456", "description": "deploys",
            "packages": ["a", "b"], "scopes": ["@s"], "orgs": ["o"],
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
