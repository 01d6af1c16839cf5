//! Ctrl-C (SIGINT) while a command creates or revokes: what it says, and how the process
//! ends, as the shell that ran it sees it.

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

use super::{created, Fake};
use crate::support::BIN;

/// A fake whose create answers after `delay`.
async fn slow_create(delay: Duration) -> Fake {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .respond_with(created().set_delay(delay))
        .mount(&fake.server)
        .await;
    fake
}

/// Ctrl-C ends the command by the signal, as an interrupted command ends: the shell running
/// a script (a loop of creates or revokes) stops the script, where an ordinary exit 130
/// would let it go on to the next command.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_the_script_that_ran_the_command() {
    let fake = slow_create(Duration::from_secs(20)).await;
    let command = format!(
        "bash -c 'for n in 1 2; do {BIN} create --password pw-123456; echo \"exit=$?\"; done'"
    );
    let run = fake
        .run_in_terminal(command, Some("Creating a token"), "\u{3}".into())
        .await;
    assert_eq!(run.code, 130, "{run:?}");
    assert!(
        run.stdout.ends_with(
            "npm-token error interrupted while the token was being created: it may have been \
             made (`npm-token list` shows it)\n"
        ),
        "{run:?}"
    );
    assert!(!run.stdout.contains("exit="), "the script went on: {run:?}");
}

/// A command started with Ctrl-C ignored (`trap '' INT`, a script's background job) keeps
/// ignoring it, as whoever started it asked: the create completes and is shown.
#[tokio::test(flavor = "multi_thread")]
async fn an_ignored_ctrl_c_stays_ignored() {
    let fake = slow_create(Duration::from_secs(2)).await;
    let command = format!(
        "bash -c 'trap \"\" INT; {BIN} create --password pw-123456 --json; echo \"exit=$?\"'"
    );
    let run = fake
        .run_in_terminal(command, Some("Creating a token"), "\u{3}".into())
        .await;
    assert!(
        run.stdout.contains("\"token\": \"npm_NEWTOKEN\""),
        "{run:?}"
    );
    assert!(run.stdout.ends_with("}\nexit=0\n"), "{run:?}");
}

/// Runs `args` with stdout a pipe nobody reads, waits until the fake has received what
/// `until` looks for and `settle` more (for an output larger than a pipe holds to be stuck),
/// sends `signal` (`INT`, `TERM`), and returns stdout and what went to stderr, once the
/// process has ended by that signal.
async fn interrupt(
    fake: &Fake,
    args: &[&str],
    until: impl Fn(&[wiremock::Request]) -> bool,
    settle: Duration,
    signal: &str,
) -> (String, String) {
    // stderr into a file: what a revoke plans is said there first, and must not block.
    let stderr_path = fake.sandbox.home().join("stderr");
    let mut cmd = fake.sandbox.cmd();
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_path).unwrap());
    let child = cmd.spawn().unwrap();
    for _ in 0..200 {
        if until(&fake.server.received_requests().await.unwrap()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(until(&fake.server.received_requests().await.unwrap()));
    tokio::time::sleep(settle).await;
    let killed = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap();
    let number = if signal == "TERM" { 15 } else { 2 };
    assert_eq!(out.status.signal(), Some(number), "{stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

/// [`interrupt`] with SIGINT once `requests` have arrived and a second more: the output is
/// then stuck in a pipe nobody reads.
async fn interrupt_while_printing(fake: &Fake, args: &[&str], requests: usize) -> String {
    let arrived = |received: &[wiremock::Request]| received.len() >= requests;
    let (_, stderr) = interrupt(fake, args, arrived, Duration::from_secs(1), "INT").await;
    stderr
}

/// Whether a DELETE has arrived.
fn deleting(received: &[wiremock::Request]) -> bool {
    received.iter().any(|r| r.method.as_str() == "DELETE")
}

/// A token made but not yet shown is as lost as one that may have been made: Ctrl-C while
/// it is printed (stdout full, its reader slow) says it may exist, and where to find it.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_before_the_new_token_is_shown_says_it_may_exist() {
    let fake = Fake::start().await;
    // An answer far larger than a pipe holds: printing it waits for a reader that never reads.
    let answer = json!({"token": "npm_NEWTOKEN", "key": "k", "note": "x".repeat(1 << 20)});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .mount(&fake.server)
        .await;
    let stderr =
        interrupt_while_printing(&fake, &["create", "--password", "pw-123456", "--json"], 1).await;
    assert!(
        stderr.ends_with(
            "npm-token error interrupted while the token was being created: it may have been \
             made (`npm-token list` shows it)\n"
        ),
        "{stderr}"
    );
}

/// The same for a revoke's report: the revokes are over, and the list says what is left.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_before_a_revoke_report_is_shown_says_the_revokes_are_over() {
    let fake = Fake::start().await;
    // Names far larger than a pipe holds, which the report repeats.
    let token = |key: &str| {
        json!({"key": key, "token": "npm_Zz99...Yy88", "name": "x".repeat(1 << 19),
               "expiry": "2020-01-01T00:00:00.000Z", "created": "2019-01-01T00:00:00.000Z",
               "accessed": null, "revoked": null, "permissions": [], "scopes": []})
    };
    fake.list_answers(super::page(
        json!([token("aaaaaaaa01"), token("bbbbbbbb02")]),
        "",
    ))
    .await;
    fake.accepts_deletes().await;
    let stderr =
        interrupt_while_printing(&fake, &["revoke", "--expired", "--yes", "--json"], 3).await;
    assert!(
        stderr.ends_with(
            "npm-token error interrupted while the report was being written: the revokes are \
             over; `npm-token list` shows which tokens are left\n"
        ),
        "{stderr}"
    );
    assert_eq!(fake.deletes().await.len(), 2);
}

/// A CI job cancelled while it rotates (SIGTERM, no terminal): its log ends with where things
/// stand, and the process ends by that signal.
#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_job_says_where_the_rotation_stands() {
    let fake = super::rotation::registry().await;
    super::rotation::whoami_as(
        &fake,
        super::rotation::NEW_TOKEN,
        super::rotation::user("alice"),
    )
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(20)))
        .mount(&fake.server)
        .await;
    let args = ["rotate", "d83cf1", "--password", "pw-123456", "--json"];
    let (stdout, stderr) = interrupt(&fake, &args, deleting, Duration::ZERO, "TERM").await;
    assert!(
        stderr.ends_with(
            "npm-token error interrupted while d83cf1 (publish) was being revoked: the new token \
             is printed on stdout and signs in; d83cf1 (publish) may be revoked: `npm-token list` \
             shows whether it is\n"
        ),
        "{stderr}"
    );
    // The new token was handed over whole before the revoke began.
    assert!(stdout.contains("\"step\":\"created\""), "{stdout}");
}

/// Ctrl-C with nothing to say (a list) clears the status line it is typed on: the shell's
/// prompt takes its place, rather than coming after a spinner left on the screen.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_clears_the_status_line() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(20)))
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} list"),
            Some("Fetching tokens"),
            "\u{3}".into(),
        )
        .await;
    assert_eq!(run.code, 130, "{run:?}");
    assert!(run.stdout.ends_with("\r\u{1b}[2K"), "{run:?}");
}

/// A registry that names a token with the configured secret does not get it printed by
/// Ctrl-C's line either: masked, as on every other line.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_masks_a_secret_the_registry_echoes() {
    let fake = Fake::start().await;
    fake.list_answers(super::page(
        json!([{"key": "aaaaaaaa01", "token": "npm_Zz99...Yy88", "name": super::TOKEN,
                "created": "2019-01-01T00:00:00.000Z", "readonly": false}]),
        "",
    ))
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(20)))
        .mount(&fake.server)
        .await;
    let (_, stderr) = interrupt(
        &fake,
        &["revoke", "aaaaaa"],
        deleting,
        Duration::ZERO,
        "INT",
    )
    .await;
    assert!(
        stderr.ends_with(
            "npm-token error interrupted while aaaaaa (***) was being revoked: it may be revoked: \
             `npm-token list` shows whether it is\n"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains(super::TOKEN), "{stderr}");
}
