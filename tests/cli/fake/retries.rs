//! Retries as npm does them: reads through transient failures, bounded; writes never.

use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

use super::{page, requests, Fake};
use crate::support::Run;

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
