//! Words: settings that contradict each other are refused before anything is sent; `create`
//! ends with the new token in the table's terms on a terminal (npm's bytes elsewhere); and
//! the examples the help pages give work on npmjs.org's granular tokens.

use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use super::feedback::without_status_lines;
use super::npmjs::{npmjs, TOKENS};
use super::{requests, Fake};
use crate::support::{Run, BIN};

/// Arguments, environment variables, and the words the refusal must hold.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

/// A read-only token that may write, a token for all packages and only some: the registry
/// would have to pick one, so nothing is sent, whichever layer each setting came from.
#[tokio::test(flavor = "multi_thread")]
async fn contradictions_are_refused_before_anything_is_sent() {
    let fake = Fake::start().await;
    let cases: [Case; 9] = [
        (
            &[
                "create",
                "--read-only",
                "--packages-and-scopes-permission",
                "read-write",
            ],
            &[],
            "--read-only and --packages-and-scopes-permission read-write contradict each other",
        ),
        (
            &[
                "create",
                "--read-only",
                "--packages-and-scopes-permission",
                "read-write-stage-only",
            ],
            &[],
            "--read-only and --packages-and-scopes-permission read-write-stage-only contradict",
        ),
        (
            &["create", "--readonly", "--orgs-permission=read-write"],
            &[],
            "--read-only and --orgs-permission read-write contradict each other",
        ),
        (
            &["create", "--orgs-permission", "read-write"],
            &[("npm_config_read_only", "true")],
            "npm_config_read_only=true and --orgs-permission read-write contradict each other",
        ),
        (
            &["create", "--read-only"],
            &[("npm_config_packages_and_scopes_permission", "read-write")],
            "--read-only and npm_config_packages_and_scopes_permission=read-write contradict",
        ),
        (
            &["create", "--packages-all", "--packages", "a"],
            &[],
            "--packages-all and --packages a contradict each other: a token covers all your \
             packages, or only those named",
        ),
        (
            &["create", "--packages-all", "--scopes", "@s"],
            &[],
            "--packages-all and --scopes @s contradict each other",
        ),
        (
            &[
                "rotate",
                "aaaaaa",
                "--read-only",
                "--packages-and-scopes-permission",
                "read-write",
            ],
            &[],
            "--read-only and --packages-and-scopes-permission read-write contradict each other",
        ),
        (
            &["rotate", "aaaaaa", "--packages-all", "--packages", "a"],
            &[],
            "--packages-all and --packages a contradict each other",
        ),
    ];
    for (args, vars, expected) in cases {
        let mut cmd = fake.cmd();
        cmd.args(args)
            .args(["--password", "pw-123456"])
            .envs(vars.iter().copied());
        let run = Run::of_async(cmd).await;
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (1, ""),
            "{args:?}: {run:?}"
        );
        assert!(run.stderr.contains(expected), "{args:?}: {run:?}");
        assert!(run
            .stderr
            .ends_with("; give one or the other (nothing was sent)\n"));
    }
    // From an npmrc: named with its file.
    fake.configure("read-only=true\n");
    let run = fake
        .run(&[
            "create",
            "--orgs-permission",
            "read-write",
            "--password",
            "x",
        ])
        .await;
    let npmrc = fake.sandbox.npmrc();
    assert!(
        run.stderr.contains(&format!(
            "read-only=true in {} and --orgs-permission read-write contradict each other",
            npmrc.display()
        )),
        "{run:?}"
    );
    assert_eq!(requests(&fake.server).await, 0, "a request was sent");
}

/// What does not contradict still goes out as npm sends it: `--packages-all` alone, and
/// `--read-only` with a permission that does not write.
#[tokio::test(flavor = "multi_thread")]
async fn settings_that_agree_are_sent_as_npm_sends_them() {
    let fake = Fake::start().await;
    for body in [
        json!({"name": null, "password": "pw-123456", "packages_all": true}),
        json!({"name": null, "password": "pw-123456",
               "packages_and_scopes_permission": "no-access", "orgs_permission": "read-only",
               "readonly": true}),
    ] {
        Mock::given(method("POST"))
            .and(body_json(body))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"token": "npm_NEW"})))
            .expect(1)
            .mount(&fake.server)
            .await;
    }
    let all = fake
        .run(&["create", "--packages-all", "--password", "pw-123456"])
        .await;
    assert_eq!(all.stdout, "Created token npm_NEW\n", "{all:?}");
    let agreed = fake
        .run(&[
            "create",
            "--read-only",
            "--packages-and-scopes-permission",
            "no-access",
            "--orgs-permission",
            "read-only",
            "--password",
            "pw-123456",
        ])
        .await;
    assert_eq!(agreed.stdout, "Created token npm_NEW\n", "{agreed:?}");
}

/// npmjs.org's answer to a create.
fn created_gat() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({
        "name": "ci", "key": "5e5e5e5e-1111-4222-8333-944455556666",
        "token": "npm_0123456789abcdefghijklmnopqrstuvwxyz", "expiry": "2099-01-01T00:00:00.000Z",
        "cidr": ["192.0.2.0/24"], "bypass_2fa": false, "revoked": null,
        "created": "2026-01-01T00:00:00.000Z", "updated": "2026-01-01T00:00:00.000Z",
        "accessed": null, "permissions": [{"name": "package", "action": "read"}],
        "scopes": [{"name": "@acme", "type": "scope"}],
    }))
}

/// On a terminal, `create` ends with the new token in the table's terms; piped, npm's lines
/// are unchanged, byte for byte.
#[tokio::test(flavor = "multi_thread")]
async fn create_ends_with_a_summary_on_a_terminal_and_npm_lines_when_piped() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(created_gat())
        .mount(&fake.server)
        .await;
    let run = fake
        .run_in_terminal(
            format!("{BIN} create --password pw-123456 --color never"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let screen = without_status_lines(&run.stdout);
    let (head, expiry) = screen.split_once("expires   2099-01-01 (in ").unwrap();
    assert_eq!(
        head,
        "Created token npm_0123456789abcdefghijklmnopqrstuvwxyz\n\
         id        5e5e5e\n\
         name      ci\n\
         access    packages: read\n\
         covers    @acme\n\
         CIDR      192.0.2.0/24\n"
    );
    assert!(expiry.ends_with(" days)\n"), "{run:?}");

    let piped = fake.run(&["create", "--password", "pw-123456"]).await;
    assert_eq!(
        piped.stdout,
        "Created token npm_0123456789abcdefghijklmnopqrstuvwxyz\n\
         with IP whitelist: 192.0.2.0/24\n\
         expires: 2099-01-01T00:00:00.000Z\n"
    );
    // `--json`: the registry's object, less `key` and `updated`, as npm prints it.
    let json = fake
        .run(&["create", "--password", "pw-123456", "--json"])
        .await;
    let object: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let object = object.as_object().unwrap();
    assert!(!object.contains_key("key") && !object.contains_key("updated"));
    assert_eq!(object["token"], "npm_0123456789abcdefghijklmnopqrstuvwxyz");
    assert_eq!(object.len(), 10);
}

/// The command lines `npm-token --help`, `list --help` and `create --help` show, run as a
/// shell runs them (jq included) against npmjs.org's granular tokens: each succeeds and
/// prints something. (Left out: lines naming another registry, out of reach here, and those
/// revoking `3f2a9c`, which stands for one of your ids.)
#[tokio::test(flavor = "multi_thread")]
async fn help_examples_work_on_granular_tokens() {
    let fake = npmjs().await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(created_gat())
        .mount(&fake.server)
        .await;
    // `npm-token` on the PATH, as installed.
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(BIN, bin.path().join("npm-token")).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut examples = Vec::new();
    for page in [&["--help"][..], &["list", "--help"], &["create", "--help"]] {
        let help = fake.run(page).await.stdout;
        examples.extend(help_examples(&help));
    }
    assert!(examples.len() >= 8, "{examples:#?}");
    assert!(examples.iter().filter(|e| e.contains("| jq ")).count() >= 3);
    for example in examples {
        let mut sh = fake.sandbox.shell(&format!("set -o pipefail; {example}"));
        sh.env("PATH", &path)
            .env("PASSWORD", "pw-123456")
            .env("npm_config_password", "pw-123456");
        let run = Run::of_async(sh).await;
        assert_eq!(run.code, 0, "{example}: {run:?}");
        assert!(!run.stdout.trim().is_empty(), "{example}: {run:?}");
        // What jq picks out is there: no `null` for a field granular tokens lack.
        if example.contains("| jq") {
            assert!(!run.stdout.contains("null"), "{example}: {run:?}");
        }
    }
}

/// The command lines in a help page's examples: each line that starts a command, joined with
/// the lines it continues on (a line ending in `|`), without the words after it that say
/// what it does.
fn help_examples(help: &str) -> Vec<String> {
    let mut examples = Vec::new();
    let mut lines = help.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if !(line.starts_with("npm-token") || line.starts_with("npm_config_password=")) {
            continue;
        }
        // `npm-token list --expired      expired or revoked tokens`: the command only.
        let mut command = line.split("   ").next().unwrap().trim().to_owned();
        while command.ends_with('|') {
            command.push(' ');
            command.push_str(lines.next().unwrap_or_default());
        }
        // Another registry is out of reach here; `3f2a9c` stands for an id of your own.
        if !command.contains("--registry") && !command.contains("3f2a9c") {
            examples.push(command);
        }
    }
    examples
}

/// The JSON shapes README's "JSON output" documents for `list` (with and without filters)
/// and `revoke <ids>`, parsed as a script would.
#[tokio::test(flavor = "multi_thread")]
async fn list_and_revoke_print_the_json_shapes_documented() {
    let fake = npmjs().await;
    fake.accepts_deletes().await;
    let parse = |run: Run| -> Vec<serde_json::Value> {
        assert_eq!(run.code, 0, "{run:?}");
        serde_json::from_str(&run.stdout).unwrap()
    };
    let all = parse(fake.run(&["list", "--json"]).await);
    let ids: Vec<&str> = all.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["d83cf1", "0b3f2c", "7c0ffe", "9e9e9e", "ab12cd"]);
    // Every field the registry sent, then `id`.
    let last_field = |t: &serde_json::Value| t.as_object().unwrap().keys().next_back().cloned();
    assert!(all.iter().all(|t| last_field(t).as_deref() == Some("id")));
    assert_eq!(all[0]["permissions"][0]["action"], "write");

    let expired = parse(fake.run(&["list", "--expired", "--json"]).await);
    assert_eq!(
        expired,
        all[2..4],
        "the same objects, with the whole list's ids"
    );
    let none = fake.run(&["list", "--expires-within", "1", "--json"]).await;
    assert_eq!(none.stdout, "[]\n");

    let revoked = parse(fake.run(&["revoke", "0b3f2c", "7c0ffe", "--json"]).await);
    assert_eq!(revoked, [all[1]["key"].clone(), all[2]["key"].clone()]);
}

/// Every command's help fits an 80-column terminal: what clap lays out, and the examples
/// and paragraphs written by hand (a line wider than the terminal breaks where it falls).
#[test]
fn every_help_page_fits_80_columns() {
    let sandbox = crate::support::Sandbox::empty();
    let pages = [
        "list",
        "create",
        "revoke",
        "status",
        "audit",
        "rotate",
        "completions",
        "man",
    ];
    for page in [None].into_iter().chain(pages.map(Some)) {
        for help in ["-h", "--help"] {
            let mut cmd = sandbox.cmd();
            cmd.env("COLUMNS", "80").args(page).arg(help);
            let run = Run::of(&mut cmd);
            assert_eq!(run.code, 0, "{page:?} {help}: {run:?}");
            let lines: Vec<&str> = run.stdout.lines().collect();
            for line in &lines {
                assert!(
                    line.chars().count() <= 80,
                    "{page:?} {help}: {line:?} is {} columns",
                    line.chars().count()
                );
            }
            // A paragraph (lines that start at the margin) is wrapped as clap wraps: no
            // line ends where the next one's first word would still have fitted.
            let prose = |line: &&str| !line.is_empty() && !line.starts_with(' ');
            for pair in lines.windows(2) {
                let [line, next] = [pair[0], pair[1]];
                if prose(&line) && prose(&next) && !line.ends_with(':') {
                    let word = next.split(' ').next().unwrap_or_default();
                    assert!(
                        line.chars().count() + 1 + word.chars().count() > 80,
                        "{page:?} {help}: {line:?} is broken before {word:?}"
                    );
                }
            }
        }
    }
}
