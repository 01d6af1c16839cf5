//! One-time passwords: the flag, the prompt on a terminal, the web login.

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

use super::feedback::without_status_lines;
use super::{otp_challenge, page, Fake};
use crate::support::BIN;

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
    // On a terminal, the token's summary follows (`fake::words`).
    assert!(
        without_status_lines(&run.stdout).ends_with(
            "Created token npm_NEWTOKEN\nid        k\nname      (unnamed)\naccess    read-write\n"
        ),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn web_login_is_polled_then_its_token_used_as_otp() {
    let fake = Fake::start().await;
    fake.create_needs_web_login(ResponseTemplate::new(202).insert_header("retry-after", "0"))
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
    // A shell that traps Ctrl-C goes on after it, and sees how the command ended.
    let command =
        format!("bash -c 'trap : INT; {BIN} create --password pw-123456; echo \"exit=$?\"'");
    let run = fake
        .run_in_terminal(command, Some("Enter OTP: "), "\u{3}".into())
        .await;
    assert!(run.stdout.contains("exit=130"), "{run:?}");
}

/// A web login whose registry answers with what no arithmetic or memory can hold: a
/// `Retry-After` of 2⁶⁴−1 seconds ends the wait (no overflow, no panic), and a done URL
/// whose answer is larger than any token list is refused, not read whole.
#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_web_login_is_bounded() {
    for (poll, expected) in [
        (
            ResponseTemplate::new(202).insert_header("retry-after", "18446744073709551615"),
            "the web login was not completed within",
        ),
        (
            ResponseTemplate::new(200).set_body_string(" ".repeat(33 * 1024 * 1024)),
            "is larger than 32 MiB",
        ),
    ] {
        let fake = Fake::start().await;
        Mock::given(method("POST"))
            .respond_with(otp_challenge().set_body_json(json!({
                "authUrl": fake.url("/auth/x"), "doneUrl": fake.url("/auth/x/done"),
            })))
            .mount(&fake.server)
            .await;
        Mock::given(method("GET"))
            .and(path("/auth/x/done"))
            .respond_with(poll)
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
        assert!(run.stdout.contains(expected), "{expected}: {run:?}");
        assert!(!run.stdout.contains("panicked"), "{run:?}");
    }
}

/// Ctrl-D at a prompt ends its line: the error starts on a line of its own.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_d_at_a_prompt_leaves_the_error_on_its_own_line() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .respond_with(otp_challenge())
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456 --color=never"),
            Some("Enter OTP: "),
            "\u{4}".into(),
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        without_status_lines(&run.stdout)
            .contains("Enter OTP: \nnpm-token error no one-time password given; pass --otp=<code>"),
        "{run:?}"
    );
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --color=never"),
            Some("npm password: "),
            "\u{4}".into(),
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "npm password: \nnpm-token error no password given; creating a token needs your password"
        ),
        "{run:?}"
    );
}

/// A revoke answered with a one-time-password challenge was not performed: when no
/// password comes (Ctrl-D at the prompt), the token is said not to be revoked, not that it
/// may be.
#[tokio::test(flavor = "multi_thread")]
async fn a_revoke_stopped_at_the_otp_prompt_is_not_revoked() {
    let fake = Fake::start().await;
    fake.list_answers(super::page(
        json!([{"key": "aaaaaaaa01", "token": "npm_Zz99...Yy88"}]),
        "",
    ))
    .await;
    Mock::given(method("DELETE"))
        .respond_with(otp_challenge())
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} revoke aaaaaa --color=never"),
            Some("Enter OTP: "),
            "\u{4}".into(),
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "no one-time password given; pass --otp=<code>; it was not revoked: `npm-token \
             revoke aaaaaa` tries again"
        ),
        "{run:?}"
    );
    assert!(!run.stdout.contains("may already be revoked"), "{run:?}");
}

/// A one-time password declined once (Ctrl-D at the prompt) is not asked for again by every
/// other request of the batch: each fails as not revoked, and the prompt came once.
#[tokio::test(flavor = "multi_thread")]
async fn a_declined_otp_is_asked_for_once_per_command() {
    let fake = Fake::start().await;
    let keys = ["aaaaaaaa01", "bbbbbbbb02", "cccccccc03", "dddddddd04"];
    let tokens: Vec<_> = keys
        .iter()
        .map(|key| json!({"key": key, "token": format!("npm_{}...Yy88", &key[..4])}))
        .collect();
    fake.list_answers(super::page(json!(tokens), "")).await;
    Mock::given(method("DELETE"))
        .respond_with(otp_challenge())
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} revoke aaaaaa bbbbbb cccccc dddddd --color=never"),
            Some("Enter OTP: "),
            "\u{4}".into(),
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stdout.matches("Enter OTP: ").count(), 1, "{run:?}");
    assert!(
        run.stdout
            .contains("revoked 0 of 4 tokens; 4 could not be revoked"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("may already be revoked"), "{run:?}");
}
