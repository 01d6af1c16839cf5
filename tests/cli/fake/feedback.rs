//! The status line: on a terminal, what the command waits for is on stderr while a request is
//! out (`Fetching tokens…`, `Creating a token…`, `Revoking 1 of 2…`), then cleared before the
//! output; never when piped or with `--loglevel silent`. The registry answers late here, so
//! that the line is certainly drawn while the request is in flight (no timing is asserted).

use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::{page, Fake};
use crate::support::BIN;

/// How late the fake answers: several turns of the spinner (it turns every 100 ms).
const LATE: Duration = Duration::from_millis(700);

/// indicatif clears the status line with this before each redraw and when it is done.
const CLEAR: &str = "\r\x1b[2K";

/// The spinner's frames: a status line starts with one and a space.
const FRAMES: &str = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

/// What a terminal shows once every status line is gone: each drawing of the line (a frame,
/// a space, the text, padding) up to the `CLEAR` that erases it is taken out.
pub(super) fn without_status_lines(screen: &str) -> String {
    let mut pieces: Vec<&str> = screen.split(CLEAR).collect();
    let last = pieces.pop().unwrap_or_default();
    let mut out = String::new();
    for piece in pieces {
        let (kept, tail) = match piece.rfind('\n') {
            Some(n) => piece.split_at(n + 1),
            None => ("", piece),
        };
        let is_status = tail
            .chars()
            .next()
            .is_some_and(|c| FRAMES.contains(c) && tail[c.len_utf8()..].starts_with(' '));
        out.push_str(kept);
        if !is_status {
            out.push_str(tail);
        }
    }
    out.push_str(last);
    out
}

/// Each status line the screen showed, once per text.
fn status_lines(screen: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for piece in screen.split(CLEAR) {
        let tail = piece.rsplit('\n').next().unwrap_or_default();
        let mut chars = tail.chars();
        if chars.next().is_some_and(|c| FRAMES.contains(c)) {
            let text = chars.as_str().trim().to_owned();
            if lines.last() != Some(&text) {
                lines.push(text);
            }
        }
    }
    lines
}

async fn late_list(fake: &Fake) {
    fake.list_answers(page(json!([{"key": "aaaaaaaa01", "token": "npm_aa"}]), "").set_delay(LATE))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_terminal_sees_what_a_list_waits_for_then_the_list() {
    let fake = Fake::start().await;
    late_list(&fake).await;
    let run = fake
        .run_in_terminal(format!("{BIN} list --json"), None, String::new())
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(status_lines(&run.stdout), ["Fetching tokens…"], "{run:?}");
    // Drawn again as the spinner turns while the answer is late, and erased before the list.
    assert!(
        run.stdout.matches("Fetching tokens…").count() > 2,
        "{run:?}"
    );
    assert!(run.stdout.contains(&format!("{CLEAR}[\n")), "{run:?}");
    assert!(
        without_status_lines(&run.stdout).starts_with("[\n  {\n"),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_are_counted_on_the_status_line() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens"))
        .respond_with(page(json!([{"key": "aaaaaaaa01"}]), "/-/npm/v1/tokens/2").set_delay(LATE))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens/2"))
        .respond_with(page(json!([{"key": "bbbbbbbb02"}]), "").set_delay(LATE))
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(format!("{BIN} list --json"), None, String::new())
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        status_lines(&run.stdout),
        ["Fetching tokens…", "Fetching tokens: page 2 (1 so far)…"],
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_and_revoke_say_what_they_wait_for() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"token": "npm_NEWTOKEN", "key": "cccccccc03"}))
                .set_delay(LATE),
        )
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(status_lines(&run.stdout), ["Creating a token…"], "{run:?}");
    assert!(
        without_status_lines(&run.stdout).starts_with("Created token npm_NEWTOKEN\n"),
        "{run:?}"
    );

    fake.list_answers(page(
        json!([{"key": "aaaaaaaa01"}, {"key": "bbbbbbbb02"}]),
        "",
    ))
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(LATE))
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(format!("{BIN} revoke aaaaaa bbbbbb"), None, String::new())
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let lines = status_lines(&run.stdout);
    assert_eq!(
        lines[1..],
        ["Revoking 1 of 2…", "Revoking 2 of 2…"],
        "{run:?}"
    );
    assert_eq!(without_status_lines(&run.stdout), "Removed 2 tokens\n");
}

/// Piped, or with `--loglevel silent`: not a byte of it.
#[tokio::test(flavor = "multi_thread")]
async fn no_status_line_when_piped_or_silent() {
    let fake = Fake::start().await;
    late_list(&fake).await;
    let piped = fake.run(&["list"]).await;
    assert_eq!((piped.code, piped.stderr.as_str()), (0, ""), "{piped:?}");
    // stdout a terminal, stderr not: the line belongs on stderr, so none.
    let stderr_piped = fake
        .run_in_terminal(format!("{BIN} list 2>/dev/null"), None, String::new())
        .await;
    assert!(
        !stderr_piped.stdout.contains("Fetching"),
        "{stderr_piped:?}"
    );
    for quiet in ["--loglevel silent", "-s"] {
        let run = fake
            .run_in_terminal(format!("{BIN} list {quiet}"), None, String::new())
            .await;
        assert_eq!(run.code, 0, "{run:?}");
        assert!(!run.stdout.contains("Fetching"), "{quiet}: {run:?}");
        assert!(!run.stdout.contains(CLEAR), "{quiet}: {run:?}");
    }
    let dumb = fake
        .run_in_terminal(format!("env TERM=dumb {BIN} list"), None, String::new())
        .await;
    assert!(!dumb.stdout.contains("Fetching"), "{dumb:?}");
}

/// A prompt or a log line clears the status line first: it never shares a line with it.
#[tokio::test(flavor = "multi_thread")]
async fn prompts_and_log_lines_never_share_the_status_line() {
    let fake = Fake::start().await;
    // An OTP prompt comes while `Creating a token…` is up.
    fake.create_needs_otp("123456", super::otp_challenge())
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456"),
            Some("Enter OTP: "),
            "123456\n".into(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "{CLEAR}This operation requires a one-time password.\nEnter OTP: "
        )),
        "{run:?}"
    );
    assert!(
        without_status_lines(&run.stdout)
            .starts_with("This operation requires a one-time password.\nEnter OTP: "),
        "{run:?}"
    );
    // A web login: the line is gone before the message, and stays gone while the person is
    // in the browser (the registry says "not yet" twice).
    let fake = Fake::start().await;
    fake.create_needs_web_login(
        ResponseTemplate::new(202)
            .insert_header("retry-after", "0")
            .set_delay(LATE),
    )
    .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let (before, after) = run
        .stdout
        .split_once("Waiting for you to finish (Ctrl-C to stop)...\n")
        .unwrap();
    assert!(
        before.ends_with(&format!(
            "{CLEAR}Authenticate your account at:\n{}\n",
            fake.url("/auth/abc")
        )),
        "{run:?}"
    );
    // After the login, the create is sent again: its line is back, then the token.
    assert_eq!(status_lines(after), ["Creating a token…"], "{run:?}");
    assert!(
        after.matches("Creating a token…").count() < 4,
        "drawn while the person was away: {run:?}"
    );

    // A warning logged while `Fetching tokens…` is up (a retry) starts on a line of its own.
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    late_list(&fake).await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} list --json --color never"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!("{CLEAR}npm-token warn ")),
        "{run:?}"
    );
    assert!(
        without_status_lines(&run.stdout).starts_with("npm-token warn "),
        "{run:?}"
    );
}

/// `status` asks who you are and for the list at once: each has its line, the list's on
/// top while it is out, then who you are until the registry says.
#[tokio::test(flavor = "multi_thread")]
async fn status_waits_for_who_you_are_beside_the_list() {
    let fake = Fake::start().await;
    late_list(&fake).await;
    Mock::given(method("GET"))
        .and(path("/-/whoami"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"username": "alice"}))
                .set_delay(LATE * 2),
        )
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(format!("{BIN} status"), None, String::new())
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let lines = status_lines(&run.stdout);
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Checking who you are…"),
        "{run:?}"
    );
    assert!(lines.iter().any(|l| l == "Fetching tokens…"), "{run:?}");
    assert!(
        without_status_lines(&run.stdout).starts_with("registry "),
        "{run:?}"
    );
}
