//! `audit`: each finding about the account's tokens and about this machine, the exit
//! statuses, the JSON shape, and a credential npmjs.org will not list tokens to.

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::npmjs::{PUBLISH_KEY, PUBLISH_TOKEN, TOKENS};
use super::status::InFlight;
use super::{page, requests, Fake};
use crate::support::{Run, BIN};

/// A moment `days` days (and an hour) from the real now.
fn days(days: i64) -> String {
    let hour = if days < 0 { -3_600 } else { 3_600 };
    let at = Timestamp::now() + SignedDuration::from_secs(days * 86_400 + hour);
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A granular token that is ready for January 2027 (stage-only, a CIDR list, used
/// yesterday, 60 days left), with `changes`.
fn token(key: &str, name: &str, changes: Value) -> Value {
    let mut token = json!({"name": name, "key": key, "token": format!("npm_{}...ZZZZ", &key[..4]),
        "expiry": days(60), "cidr": ["192.0.2.0/24"], "bypass_2fa": false, "revoked": null,
        "created": days(-200), "updated": days(-200), "accessed": days(-1),
        "publish_policy": "stage_only",
        "permissions": [{"name": "package", "action": "write"}], "scopes": []});
    for (k, v) in changes.as_object().unwrap() {
        token[k] = v.clone();
    }
    token
}

/// One of each token finding; the first is the token this machine uses.
fn tokens() -> Value {
    let read = json!([{"name": "package", "action": "read"}]);
    json!([
        token(
            PUBLISH_KEY,
            "publish",
            json!({"token": "npm_NYn6...jCq0", "publish_policy": null,
              "bypass_2fa": true, "cidr": [], "expiry": days(5)})
        ),
        token("5a5a5a5a-0000-4000-8000-000000000001", "ready", json!({})),
        token(
            "6b6b6b6b-0000-4000-8000-000000000002",
            "stager",
            json!({"publish_policy": null,
              "permissions": [{"name": "package", "action": "stage"}], "cidr": []})
        ),
        token(
            "7c7c7c7c-0000-4000-8000-000000000003",
            "idle",
            json!({"permissions": read,
              "accessed": days(-120)})
        ),
        token(
            "8d8d8d8d-0000-4000-8000-000000000004",
            "old",
            json!({"expiry": days(-3)})
        ),
        token(
            "9e9e9e9e-0000-4000-8000-000000000005",
            "gone",
            json!({"revoked": days(-2)})
        ),
        token(
            "afafafaf-0000-4000-8000-000000000006",
            "soon",
            json!({"permissions": read,
              "expiry": days(5)})
        ),
        token(
            "b0b0b0b0-0000-4000-8000-000000000007",
            "odd",
            json!({"publish_policy": null,
              "permissions": [{"name": "package", "action": "admin"}], "cidr": null})
        ),
    ])
}

/// The user npmrc readable by its owner only, as npm writes it.
fn private(fake: &Fake) {
    use std::os::unix::fs::PermissionsExt;
    let perms = std::fs::Permissions::from_mode(0o600);
    std::fs::set_permissions(fake.sandbox.npmrc(), perms).unwrap();
}

async fn account() -> (Fake, InFlight) {
    let fake = Fake::start().await;
    let counter = InFlight::new();
    counter
        .mount(
            &fake.server,
            "/-/whoami",
            ResponseTemplate::new(200).set_body_json(json!({"username": "alice"})),
        )
        .await;
    counter
        .mount(&fake.server, TOKENS, page(tokens(), ""))
        .await;
    let port = fake.server.address().port();
    fake.configure(&format!("//127.0.0.1:{port}/:_authToken={PUBLISH_TOKEN}\n"));
    private(&fake);
    (fake, counter)
}

#[tokio::test(flavor = "multi_thread")]
async fn each_token_finding_with_its_fix_and_the_json_shape() {
    let (fake, counter) = account().await;
    let run = fake.run(&["audit", "--json"]).await;
    assert_eq!(run.code, 3, "findings: exit 3 {run:?}");
    assert_eq!(run.stderr, "", "the output says it all");
    assert_eq!(counter.high(), 2, "whoami and the list asked for at once");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["user"], "alice");
    assert_eq!(report["local"], json!([]));
    assert_eq!(report["errors"], json!([]));
    let found: Vec<(String, Vec<String>)> = report["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let codes = t["findings"].as_array().unwrap().iter();
            (
                t["id"].as_str().unwrap().to_owned(),
                codes
                    .map(|f| f["code"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    let expected = [
        (
            "d83cf1",
            &[
                "direct-publish",
                "expires-soon",
                "bypass-2fa",
                "write-without-cidr",
            ][..],
        ),
        ("6b6b6b", &["write-without-cidr"]),
        ("7c7c7c", &["unused"]),
        ("8d8d8d", &["expired"]),
        ("9e9e9e", &["expired"]),
        ("afafaf", &["expires-soon"]),
        ("b0b0b0", &["unknown-permission", "write-without-cidr"]),
    ];
    let expected: Vec<(String, Vec<String>)> = expected
        .iter()
        .map(|(id, codes)| {
            (
                id.to_string(),
                codes.iter().map(|c| c.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(found, expected, "the ready token has nothing to report");

    let publish = &report["tokens"][0];
    assert_eq!(publish["key"], PUBLISH_KEY);
    assert_eq!(publish["name"], "publish");
    assert_eq!(publish["in_use"], true);
    let finding = &publish["findings"][0];
    assert_eq!(finding["severity"], "high");
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .contains("January 2027"));
    assert_eq!(
        finding["fix"],
        "npm-token rotate d83cf1 --packages-and-scopes-permission read-write-stage-only \
         --no-bypass-2fa --save"
    );
    let soon = &publish["findings"][1];
    assert_eq!(soon["severity"], "high", "the token in use");
    assert!(soon["message"]
        .as_str()
        .unwrap()
        .ends_with("and it is the token this machine uses"));
    assert_eq!(
        report["tokens"][2]["findings"][0]["fix"],
        "npm-token revoke 7c7c7c"
    );
    assert_eq!(
        report["summary"],
        json!({"findings": 11, "critical": 0, "high": 2, "moderate": 3, "low": 6,
               "tokens_checked": 8})
    );

    // People: grouped by token, the fix under each finding, a summary line.
    let run = fake.run(&["audit"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    let registry = fake.url("/");
    assert!(
        run.stdout.starts_with(&format!(
            "Tokens (alice on {registry}): 8 tokens checked, 7 with findings\n\n\
             d83cf1 publish (in use)\n  high     direct-publish: can publish directly"
        )),
        "{run:?}"
    );
    let idle = run.stdout.split("\n7c7c7c idle\n").nth(1).unwrap();
    assert!(
        idle.starts_with("  low      unused: unused for ")
            && idle.contains(" days\n           fix: npm-token revoke 7c7c7c\n"),
        "{run:?}"
    );
    assert!(
        run.stdout.ends_with(
            "\nThis machine: nothing to report\n\n11 findings: 2 high, 3 moderate, 6 low\n"
        ),
        "{run:?}"
    );

    // Coloured by severity on a terminal (or when asked).
    let run = fake.run(&["audit", "--color", "always"]).await;
    assert!(
        run.stdout
            .contains("\x1b[31mhigh    \x1b[39m direct-publish"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("\x1b[33mmoderate\x1b[39m bypass-2fa"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("\x1b[36mlow     \x1b[39m unused"),
        "{run:?}"
    );

    // Tab-separated: one line a finding.
    let run = fake.run(&["audit", "--parseable"]).await;
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "kind\twhere\tline\tcode\tseverity\tmessage\tfix");
    assert_eq!(lines.len(), 12);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("token\t7c7c7c\t\tunused\tlow\tunused for ")),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_local_finding_points_at_its_file_line_or_variable() {
    let fake = Fake::start().await;
    let port = fake.server.address().port();
    // setup-node's npmrc, in the user's place, readable by others; a project .npmrc with
    // a literal token for another registry.
    fake.sandbox.write_npmrc(&format!(
        "registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken=${{NODE_AUTH_TOKEN}}\n"
    ));
    let project = fake.sandbox.file(
        ".npmrc",
        "@acme:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=ghp_literal0123456789\n",
    );
    let user = fake.sandbox.npmrc().display().to_string();
    let audit = |vars: &[(&str, &str)]| {
        let mut cmd = fake.cmd();
        cmd.args(["audit", "--local", "--json"]);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        Run::of_async(cmd)
    };
    let run = audit(&[("NODE_AUTH_TOKEN", "XXXXX-XXXXX-XXXXX-XXXXX")]).await;
    assert_eq!(run.code, 3, "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["tokens"],
        Value::Null,
        "--local: the account is not asked"
    );
    let local = report["local"].as_array().unwrap();
    let summary: Vec<(&str, &str, Value, Value, Value)> = local
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f.get("file").cloned().unwrap_or(Value::Null),
                f.get("line").cloned().unwrap_or(Value::Null),
                f.get("variable").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "token-in-project-npmrc",
                "critical",
                json!(project),
                json!(2),
                Value::Null
            ),
            (
                "npmrc-readable-by-others",
                "high",
                json!(project),
                json!(2),
                Value::Null
            ),
            (
                "placeholder-token",
                "moderate",
                json!(user),
                json!(2),
                json!("NODE_AUTH_TOKEN")
            ),
        ]
    );
    assert!(local[0]["fix"]
        .as_str()
        .unwrap()
        .starts_with("write `//npm.pkg.github.com/:_authToken=${NPM_TOKEN}` there"));
    assert_eq!(local[1]["fix"], format!("chmod 600 {project}"));
    assert!(!local.iter().any(|f| f.get("tokens").is_some()));

    // A real token beside GitHub's OIDC identity: npm would publish with it.
    std::fs::remove_file(&project).unwrap();
    let run = audit(&[
        (
            "NODE_AUTH_TOKEN",
            "npm_RealTokenFromTheEnvironment000000000",
        ),
        (
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "https://actions.example/token",
        ),
    ])
    .await;
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let finding = &report["local"][0];
    assert_eq!(finding["code"], "token-overrides-trusted-publishing");
    assert_eq!(
        (&finding["file"], &finding["line"], &finding["variable"]),
        (&json!(user), &json!(2), &json!("NODE_AUTH_TOKEN"))
    );
    assert_eq!(
        finding["fix"],
        format!(
            "leave NODE_AUTH_TOKEN unset for the publish step (or remove //127.0.0.1:{port}/:_authToken from {user}:2)"
        )
    );
    assert!(!run.stdout.contains("RealToken"), "no secret shown");
    assert_eq!(requests(&fake.server).await, 0, "--local sends nothing");

    // Fixed: nothing to report, exit 0.
    private(&fake);
    let mut cmd = fake.cmd();
    cmd.args(["audit", "--local"]).env(
        "NODE_AUTH_TOKEN",
        "npm_RealTokenFromTheEnvironment000000000",
    );
    let run = Run::of_async(cmd).await;
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            0,
            "Tokens: not checked (--local)\n\nThis machine: nothing to report\n\nNothing to report\n",
            ""
        )
    );
}

/// npmjs.org lists tokens only to a login session: the machine's findings still print, and
/// the report says why the account part is missing.
#[tokio::test(flavor = "multi_thread")]
async fn a_credential_that_may_not_list_tokens_still_gets_the_machine_audited() {
    let fake = Fake::start().await;
    fake.is_a_ci_token().await;
    // The fake's user npmrc holds a literal token and is readable by others (0644).
    let run = fake.run(&["audit"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    let registry = fake.url("/");
    assert!(
        run.stdout.starts_with(&format!(
            "Tokens (ci-bot on {registry}): not checked: the registry will not list tokens to \
             this credential (E403; on npmjs.org only a login session may: `npm login`, then \
             run it again)\n\nThis machine:\n"
        )),
        "{run:?}"
    );
    assert!(run.stdout.contains("npmrc-readable-by-others"), "{run:?}");
    assert!(
        run.stdout
            .ends_with("1 finding: 1 high (the account's tokens were not checked)\n"),
        "{run:?}"
    );
    let run = fake.run(&["audit", "--json"]).await;
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["tokens"], Value::Null);
    assert_eq!(report["errors"][0]["part"], "tokens");
    assert_eq!(report["errors"][0]["code"], "E403");

    // Nothing on this machine: the audit could not be made, exit 1, and says what to do.
    private(&fake);
    let run = fake.run(&["audit"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("This machine: nothing to report\n"),
        "{run:?}"
    );
    assert!(
        run.stderr.starts_with(
            "npm-token error could not audit the account's tokens (the registry will not \
                 list tokens to this credential, E403): this machine has nothing to report"
        ) && run
            .stderr
            .contains("`npm-token audit --local` for this machine only\n"),
        "{run:?}"
    );
    assert!(!run.stdout.contains(super::TOKEN) && !run.stderr.contains(super::TOKEN));
}

/// Registry text in a finding (a name, a right, the user) cannot drive the terminal.
#[tokio::test(flavor = "multi_thread")]
async fn registry_text_in_findings_is_escaped() {
    use super::hostile::{drives_the_terminal, HOSTILE};
    let fake = Fake::start().await;
    fake.list_answers(page(
        json!([token(
            "aaaaaaaa-0000-4000-8000-000000000001",
            HOSTILE,
            json!({"permissions": [{"name": "package", "action": HOSTILE}]})
        )]),
        "",
    ))
    .await;
    Mock::given(method("GET"))
        .and(path("/-/whoami"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"username": HOSTILE})))
        .mount(&fake.server)
        .await;
    for args in [&["audit"][..], &["audit", "--parseable"]] {
        let run = fake.run(args).await;
        assert_eq!(run.code, 3, "{run:?}");
        assert!(run.stdout.contains("unknown-permission"), "{run:?}");
        assert!(
            !run.stdout.chars().any(drives_the_terminal),
            "{args:?}: {:?}",
            run.stdout
        );
        assert!(
            run.stdout.contains("\\x1b]0;pwned\\x07"),
            "{args:?}: {run:?}"
        );
    }
    let run = fake.run(&["audit", "--json"]).await;
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["tokens"][0]["name"], HOSTILE, "JSON stays JSON");
}

/// No credential at all for the registry: the machine is still audited.
#[tokio::test(flavor = "multi_thread")]
async fn no_credential_still_audits_the_machine() {
    let fake = Fake::start().await;
    let port = fake.server.address().port();
    fake.sandbox
        .write_npmrc(&format!("registry=http://127.0.0.1:{port}/\n"));
    let run = fake.run(&["audit", "--json"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"][0]["code"], "ENEEDAUTH");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("no credentials for //127.0.0.1:"),
        "{report}"
    );
    assert_eq!(requests(&fake.server).await, 0);
}

/// In a terminal, what is wrong is wrapped between words under itself, never cut mid-word
/// by the terminal; a fix is left whole (a command copies as one line).
#[tokio::test(flavor = "multi_thread")]
async fn findings_wrap_between_words_in_a_narrow_terminal() {
    let (fake, _) = account().await;
    let run = fake
        .run_in_terminal(
            format!("stty cols 60; {BIN} audit --color never"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 3, "{run:?}");
    // Each line as it stays on the screen, the status line's gone.
    let screen = super::feedback::without_status_lines(&run.stdout);
    let lines: Vec<&str> = screen.lines().collect();
    let wrapped = [
        "  high     direct-publish: can publish directly, which",
        "           tokens can no longer do on npmjs.org from January",
        "           2027; a stage-only token puts releases in a queue",
        "           you approve with 2FA",
    ];
    assert!(lines.windows(4).any(|four| four == wrapped), "{run:?}");
    for line in &lines {
        let fix = line.trim_start().starts_with("fix: ");
        assert!(fix || line.chars().count() <= 60, "{line:?} in {run:?}");
    }
}
