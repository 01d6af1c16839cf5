//! Words: settings that contradict each other are refused before anything is sent.

use serde_json::json;
use wiremock::matchers::{body_json, method};
use wiremock::{Mock, ResponseTemplate};

use super::{requests, Fake};
use crate::support::Run;

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
