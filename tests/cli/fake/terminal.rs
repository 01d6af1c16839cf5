//! Terminal manners: colour, progress, prompts and Ctrl-C, closed pipes, log levels.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::Mock;

use super::{page, Fake, TOKEN};
use crate::support::{Run, BIN};

#[tokio::test(flavor = "multi_thread")]
async fn colour_only_where_it_belongs() {
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([{"key": "aaaaaaaa01", "token": "npm_aa", "cidr_whitelist": ["10.0.0.0/8"]}]),
        "",
    ))
    .await;
    let piped = fake.run(&["list"]).await;
    assert!(!piped.stdout.contains('\x1b'), "{piped:?}");
    let forced = fake.run(&["list", "--color", "always"]).await;
    assert!(
        forced
            .stdout
            .starts_with("\x1b[34mToken\x1b[39m npm_aa… with id \x1b[36maaaaaa\x1b[39m"),
        "{forced:?}"
    );
    let by_config = Run::of(fake.cmd().arg("list").env("npm_config_color", "always"));
    assert_eq!(by_config.stdout, forced.stdout);

    let terminal = fake
        .run_in_terminal(BIN.to_owned(), None, String::new())
        .await;
    assert!(
        terminal.stdout.contains("\x1b[1m id "),
        "a terminal gets a styled table: {terminal:?}"
    );
    // A dumb terminal gets ASCII borders too.
    for (opt_out, border) in [
        (format!("env NO_COLOR=1 {BIN}"), "│ id "),
        (format!("{BIN} --color never"), "│ id "),
        (format!("env TERM=dumb {BIN}"), "| id "),
    ] {
        let plain = fake
            .run_in_terminal(opt_out.clone(), None, String::new())
            .await;
        assert!(plain.stdout.contains(border), "{opt_out}: {plain:?}");
        // The status line on stderr is cleared with an escape, and is no colour.
        let output = plain.stdout.rsplit("\r\x1b[2K").next().unwrap();
        assert!(!output.contains('\x1b'), "{opt_out}: {plain:?}");
        assert!(!plain.stdout.contains("\x1b[3"), "{opt_out}: {plain:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_page_lists_show_progress_only_on_a_terminal() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens"))
        .respond_with(page(json!([{"key": "aaaaaaaa01"}]), "/-/npm/v1/tokens/2"))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/-/npm/v1/tokens/2"))
        .respond_with(page(json!([{"key": "bbbbbbbb02"}]), ""))
        .mount(&fake.server)
        .await;
    let piped = fake.run(&["list", "--json"]).await;
    assert_eq!((piped.code, piped.stderr.as_str()), (0, ""), "{piped:?}");
    let terminal = fake
        .run_in_terminal(format!("{BIN} list --json"), None, String::new())
        .await;
    let (status, output) = terminal.stdout.rsplit_once("\r\x1b[2K").unwrap();
    assert!(
        status.contains("Fetching tokens: page 2 (1 so far)…") && output.starts_with("[\n"),
        "{terminal:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_at_the_password_prompt_restores_the_terminal_and_exits_130() {
    let fake = Fake::start().await;
    // A shell that traps Ctrl-C goes on after it, and sees how the command ended.
    let command = format!("bash -c 'trap : INT; {BIN} create; echo \"exit=$?\"; stty -a'");
    let run = fake
        .run_in_terminal(command, Some("npm password: "), "\u{3}".into())
        .await;
    assert!(run.stdout.contains("exit=130"), "{run:?}");
    let settings = run.stdout.split("exit=130").nth(1).unwrap();
    assert!(
        settings.contains(" echo ") || settings.contains(" echo\n"),
        "echo was left off: {run:?}"
    );
    assert!(fake.server.received_requests().await.unwrap().is_empty());
}

/// A reader that stops early (`| head`) did not get the output: the command says so on
/// stderr and fails, so that a script cannot take a cut list for the whole one.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_is_an_error() {
    let fake = Fake::start().await;
    let many: Vec<serde_json::Value> = (0..5000)
        .map(|i| json!({"key": format!("{i:032x}"), "token": "npm_abcd", "created": "2026-01-01T00:00:00.000Z"}))
        .collect();
    fake.list_answers(page(json!(many), "")).await;
    let sh = fake
        .sandbox
        .shell("set -o pipefail; \"$0\" list --json | head -c 10 > /dev/null; echo \"exit=$?\"");
    let run = Run::of_async(sh).await;
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        (
            "exit=1\n",
            "npm-token error the output was closed before all of it was written (broken pipe): \
             what the command did is not all shown\n"
        ),
        "{run:?}"
    );
}

/// A stdout that is not open at all (`>&-`) takes every write without an error: nothing is
/// done, not even the request.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_does_nothing() {
    let fake = Fake::start().await;
    fake.list_answers(page(json!([]), "")).await;
    for command in ["list", "create --password pw-123456", "revoke aaaaaa"] {
        let sh = fake
            .sandbox
            .shell(&format!("\"$0\" {command} >&-; echo \"exit=$?\" >&2"));
        let run = Run::of_async(sh).await;
        assert_eq!(
            run.stderr,
            "npm-token error the output (stdout) is closed, so nothing could be shown: nothing \
             was done; run the command with its output open (a file, a pipe or a terminal)\n\
             exit=1\n",
            "{command}: {run:?}"
        );
    }
    assert_eq!(fake.server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn loglevel_http_logs_each_request() {
    let fake = Fake::start().await;
    fake.list_answers(page(json!([]), "")).await;
    let run = fake.run(&["list", "--loglevel", "http"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let prefix = format!(
        "npm-token http fetch GET 200 {} ",
        fake.url("/-/npm/v1/tokens")
    );
    let line = run
        .stderr
        .strip_suffix("ms\n")
        .and_then(|l| l.strip_prefix(&prefix));
    assert!(line.is_some_and(|ms| ms.parse::<u64>().is_ok()), "{run:?}");
    assert!(!run.stderr.contains(TOKEN));
    let quiet = fake.run(&["list", "--loglevel", "silent"]).await;
    assert_eq!(quiet.stderr, "");
}
