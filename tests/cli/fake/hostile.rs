//! Registry text cannot drive the terminal: names, masks, dates, CIDR entries and keys with
//! escape sequences, BEL, carriage returns, line breaks and bidirectional overrides are shown
//! escaped in every human format and in `--parseable`; `--json` stays JSON.

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::{page, Fake};

pub(super) const HOSTILE: &str =
    "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\r\nnpm-token error fake\u{202e}txt.exe\u{2066}\u{9b}";

/// No character that acts on a terminal instead of showing: controls (but the newline
/// ending a line, and the tab between parseable fields) and Unicode format characters.
pub(super) fn drives_the_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

async fn hostile_fake() -> Fake {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([{"key": "aaaaaaaa01", "token": format!("npm_AAAA{HOSTILE}...zzzz"),
                "name": HOSTILE, "created": HOSTILE, "cidr": [HOSTILE, "192.0.2.0/24"],
                "expiry": "2020-01-01T00:00:00.000Z", "accessed": null, "revoked": null,
                "permissions": [{"name": HOSTILE, "action": HOSTILE}],
                "scopes": [{"name": HOSTILE, "type": "package"}]}]),
        "",
    ))
    .await;
    fake
}

#[tokio::test(flavor = "multi_thread")]
async fn registry_text_is_escaped_in_every_human_format() {
    let fake = hostile_fake().await;
    for args in [
        &["list", "--table"][..],
        &["list", "--lines"],
        &["list", "--parseable"],
        &["list", "--table", "--expired"],
        &["revoke", "--expired", "--dry-run"],
        &["revoke", "--expired", "--dry-run", "--parseable"],
        &["revoke", "--expired"],
    ] {
        let run = fake.run(args).await;
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            assert!(
                !text.chars().any(drives_the_terminal),
                "{args:?} {stream}: {text:?}"
            );
            assert!(
                !text
                    .lines()
                    .any(|line| line.starts_with("npm-token error fake")),
                "{args:?} {stream}: a registry's line break made a line of its own: {text:?}"
            );
        }
        if args.contains(&"--parseable") && args[0] == "list" {
            // One header and one row, with the same number of fields.
            let rows: Vec<usize> = run.stdout.lines().map(|l| l.split('\t').count()).collect();
            assert_eq!(rows, [7, 7], "{args:?}: {:?}", run.stdout);
        }
    }
    // --json is JSON: the text is there, JSON-escaped, and reads back whole.
    let run = fake.run(&["list", "--json"]).await;
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(listed[0]["name"], HOSTILE);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_created_token_and_status_are_escaped_too() {
    let fake = hostile_fake().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "token": "npm_PlainNewToken0123456789", "name": HOSTILE, "cidr": [HOSTILE],
            "expiry": HOSTILE,
        })))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/-/whoami"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"username": HOSTILE})))
        .mount(&fake.server)
        .await;
    for args in [
        &["create", "--password", "pw-123456"][..],
        &["create", "--password", "pw-123456", "--parseable"],
        &["status"],
        &["status", "--parseable"],
    ] {
        let run = fake.run(args).await;
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        assert!(
            !run.stdout.chars().any(drives_the_terminal),
            "{args:?}: {:?}",
            run.stdout
        );
        assert!(
            run.stdout.contains("\\x1b]0;pwned\\x07"),
            "{args:?}: {:?}",
            run.stdout
        );
    }
}

/// A "token" that holds what drives a terminal is no token: `create` refuses the answer
/// instead of printing it, and says a token may still have been made.
#[tokio::test(flavor = "multi_thread")]
async fn a_created_token_that_drives_the_terminal_is_refused() {
    let fake = hostile_fake().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"token": format!("npm_{HOSTILE}")})),
        )
        .mount(&fake.server)
        .await;
    for args in [
        &["create", "--password", "pw-123456"][..],
        &["create", "--password", "pw-123456", "--json"],
    ] {
        let run = fake.run(args).await;
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(!run.stdout.chars().any(drives_the_terminal), "{run:?}");
        assert!(!run.stderr.chars().any(drives_the_terminal), "{run:?}");
        assert!(
            run.stderr.contains("holds no token")
                && run.stderr.contains("`npm-token list` shows it"),
            "{run:?}"
        );
    }
}

/// A registry's mask that shows too little (`npm_`, `3f2a`) cannot claim a stale id or
/// another account's token: revoke deletes only what the user named.
#[tokio::test(flavor = "multi_thread")]
async fn short_masks_claim_no_argument() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([{"key": "ffff0000ffff0000", "token": "3f2a"},
               {"key": "1111aaaa", "token": "npm_"},
               {"key": "2222bbbb", "token": "n...z"}]),
        "",
    ))
    .await;
    fake.accepts_deletes().await;
    for arg in [
        "3f2a9c",
        "npm_ZZZZsomeOtherAccountsTokenQQQQ",
        "nothing-like-a-tokenz",
    ] {
        let run = fake.run(&["revoke", arg]).await;
        assert_eq!(run.code, 1, "{arg}: {run:?}");
        assert!(
            run.stderr.contains("Unknown token id or value"),
            "{arg}: {run:?}"
        );
    }
    assert!(fake.deletes().await.is_empty());
}

/// A registry that echoes the credentials it was sent into what it lists, answers or names
/// gets them masked in every output, stdout included (the new token alone is shown, once).
#[tokio::test(flavor = "multi_thread")]
async fn echoed_secrets_are_masked_on_stdout_too() {
    use super::TOKEN;
    let fake = Fake::start().await;
    let password = "Hunter2-pass";
    let echo = format!("leak {TOKEN} {password} 246810");
    fake.list_answers(page(
        json!([{"key": "aaaaaaaa01", "token": "npm_AAAA...ZZZZ", "name": echo,
                "expiry": "2020-01-01T00:00:00.000Z", "accessed": null, "revoked": null,
                "permissions": [], "scopes": [], "created": "2019-01-01T00:00:00.000Z"}]),
        "",
    ))
    .await;
    Mock::given(method("GET"))
        .and(path("/-/whoami"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"username": format!("u-{TOKEN}")})),
        )
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "token": "npm_NEWTOKEN", "name": echo, "cidr": [password],
        })))
        .mount(&fake.server)
        .await;
    for args in [
        &["list", "--lines"][..],
        &["list", "--json"],
        &["list", "--table"],
        &["list", "--parseable"],
        &["status"],
        &["status", "--json"],
        &["audit"],
        &["audit", "--json"],
        &["revoke", "--expired"],
        &["create", "--password", password, "--otp", "246810"],
        &[
            "create",
            "--password",
            password,
            "--otp",
            "246810",
            "--parseable",
        ],
        &[
            "create",
            "--password",
            password,
            "--otp",
            "246810",
            "--json",
        ],
    ] {
        let run = fake.run(args).await;
        // What this command was given: the npmrc's token, and create's password and OTP.
        let known: &[&str] = if args[0] == "create" {
            &[TOKEN, password, "246810"]
        } else {
            &[TOKEN]
        };
        for secret in known {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{args:?} shows {secret}: {run:?}"
            );
        }
        if args[0] == "create" {
            assert!(run.stdout.contains("npm_NEWTOKEN"), "{args:?}: {run:?}");
        }
    }
}

/// A line break in a registry's name cannot make an error look like two messages.
#[tokio::test(flavor = "multi_thread")]
async fn a_name_cannot_add_an_error_line() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([{"key": "eeeeeeee11", "token": "npm_EEEE...EEEE",
                "name": "ci)\nnpm-token notice token is fine for 90 more days ("}]),
        "",
    ))
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "eeeeee"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert!(run.stderr.contains("(ci)\\nnpm-token notice"), "{run:?}");
}
