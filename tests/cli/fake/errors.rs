//! Registry errors and network faults: each ends in one clear line, never a panic or a hang.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::{page, raw_server, Fake, TOKEN};
use crate::support::free_port;

#[tokio::test(flavor = "multi_thread")]
async fn http_errors_each_get_one_clear_line() {
    let cases: [(u16, serde_json::Value, &str); 6] = [
        (401, json!({"error": "token expired"}), "Unable to authenticate, your authentication token seems to be invalid (401 Unauthorized - GET {url} - token expired). To correct this please try logging in again with: npm login --registry={reg}; a granular access token, or one that bypasses 2FA, cannot manage tokens: managing tokens on {reg} needs a login session"),
        (403, json!({"error": "forbidden"}), "403 Forbidden - GET {url} - forbidden; the registry refused this token or account (it may be revoked, read-only, or limited to other IP addresses); a granular access token, or one that bypasses 2FA, cannot manage tokens: managing tokens on {reg} needs a login session: npm login --registry={reg}"),
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
    fake.sandbox.write_npmrc(&format!(
        "registry={url}\n//127.0.0.1:{port}/:_authToken={TOKEN}\nfetch-retry-mintimeout=1\n"
    ));
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
        .expect(2)
        .mount(&fake.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/-/npm/v1/tokens/token/bbbbbbbb02"))
        .respond_with(ResponseTemplate::new(500))
        .expect(2)
        .mount(&fake.server)
        .await;
    // Both DELETEs are sent; the report says exactly which went and which did not, why.
    let run = fake.run(&["revoke", "aaaa", "bbbb"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout, "Removed 1 token\n", "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "npm-token error could not revoke bbbbbb: 500 Internal Server Error - DELETE {}; the registry failed: try again later; it may already be revoked: \
             `npm-token list` shows whether it is\n\
             npm-token error revoked 1 of 2 tokens; 1 could not be revoked (see above)\n",
            fake.url("/-/npm/v1/tokens/token/bbbbbbbb02")
        )
    );
    let run = fake.run(&["revoke", "aaaa", "bbbb", "--json"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with("[\n  \"aaaaaaaa01\"\n]\n"),
        "the revoked keys, then npm's error object: {run:?}"
    );
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
async fn an_invalid_registry_url_never_shows_its_password() {
    let fake = Fake::start().await;
    for (registry, shown, reason) in [
        (
            "http://me:hunter2@[::1/",
            "http://***@[::1/",
            "invalid IPv6 address",
        ),
        (
            "ftp://me:hunter2@r.example/",
            "ftp://r.example/",
            "only http and https registries are supported",
        ),
    ] {
        let run = fake.run(&["list", "--registry", registry]).await;
        run.assert_error(&format!(
            "invalid registry URL \"{shown}\": {reason}; set `registry` to an http(s) URL such as https://registry.npmjs.org/"
        ));
    }
}

/// A registry serving `pages` token pages of exactly `page_bytes` bytes each (one token,
/// then whitespace), page n linking to page n + 1. The pages are streamed from one small
/// buffer, so that the test holds none of them.
fn large_pages(pages: usize, page_bytes: usize) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(pages + 4) {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut head = String::new();
                while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
                let n: usize = head
                    .split(' ')
                    .nth(1)
                    .and_then(|path| path.strip_prefix("/page/"))
                    .map_or(1, |n| n.parse().unwrap());
                let next = if n < pages {
                    format!("/page/{}", n + 1)
                } else {
                    String::new()
                };
                let json =
                    json!({"objects": [{"key": format!("k{n:09}")}], "urls": {"next": next}});
                let mut stream = &stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {page_bytes}\r\nConnection: close\r\n\r\n{json}"
                );
                let padding = [b' '; 64 * 1024];
                let mut left = page_bytes - json.to_string().len();
                while left > 0 {
                    let chunk = left.min(padding.len());
                    if stream.write_all(&padding[..chunk]).is_err() {
                        return;
                    }
                    left -= chunk;
                }
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread")]
async fn many_large_pages_are_refused_past_64_mib_in_all() {
    const MIB: usize = 1024 * 1024;
    let fake = Fake::start().await;
    // Each page well within the 32 MiB a page may have; 21 of them make 63 MiB, so the
    // 22nd would go past 64 MiB and is not read.
    let port = large_pages(30, 3 * MIB);
    fake.point_at(port, "");
    let run = fake.run(&["list"]).await;
    run.assert_error(
        "the registry's token list goes past 64 MiB in all, at page 22; the registry is \
         misbehaving: report it to its operators",
    );

    // A list just within the limit is read whole.
    let port = large_pages(21, 3 * MIB);
    fake.point_at(port, "");
    let run = fake.run(&["list", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(listed.len(), 21);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_next_link_cannot_drive_the_terminal() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([{"key": "aaaaaaaa"}]),
        &format!("javascript:\u{1b}]0;owned\u{7}\r\u{202e}\nnpm-token error {TOKEN}"),
    ))
    .await;
    let run = fake.run(&["list"]).await;
    run.assert_error(
        "the registry's token list links to a next page that is not an http(s) URL: \
         javascript:\\x1b]0;owned\\x07\\r\\u{202e}\\nnpm-token error ***; the registry is \
         misbehaving: report it to its operators",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn registry_text_in_errors_and_warnings_cannot_drive_the_terminal() {
    let fake = Fake::start().await;
    fake.configure("fetch-retries=1\n");
    fake.list_answers(ResponseTemplate::new(500).set_body_json(json!({
        "error": "\u{1b}[2J\u{1b}]0;owned\u{7}boom\r\u{202e}\u{2066}txt.exe\u{2069}\nsecond line"
    })))
    .await;
    let run = fake.run(&["list"]).await;
    let url = fake.url("/-/npm/v1/tokens");
    // Escape sequences, BEL, CR and bidi controls are dropped from a registry's message;
    // the warn line quoting it and the error are each one line.
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            1,
            "",
            format!(
                "npm-token warn retrying GET {url} in 0.0s (1/1): 500 Internal Server Error - GET {url} - [2J]0;ownedboomtxt.exe\n\
                 npm-token error 500 Internal Server Error - GET {url} - [2J]0;ownedboomtxt.exe; the registry failed: try again later\n"
            )
            .as_str()
        ),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn config_values_in_errors_and_warnings_cannot_drive_the_terminal() {
    let fake = Fake::start().await;
    fake.list_answers(page(json!([]), "")).await;
    let npmrc = fake.sandbox.npmrc().display().to_string();
    fake.configure("color=\"\\u001b[2J\\u202ered\\nnpm-token error fake\"\n");
    let run = fake.run(&["list", "--json"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            0,
            "[]\n",
            format!(
                "npm-token warn ignoring color \"\\x1b[2J\\u{{202e}}red\\nnpm-token error fake\" in \
                 {npmrc}: expected auto, always or never (or true, false)\n"
            )
            .as_str()
        )
    );

    fake.configure("orgs-permission=\"\\u001b[31m\\u0007x\\u2066\"\n");
    let run = fake.run(&["create", "--password", "pw-123456"]).await;
    run.assert_error(&format!(
        "invalid orgs-permission \"\\x1b[31m\\x07x\\u{{2066}}\" in {npmrc}: expected read-only, \
         read-write or no-access"
    ));
}
