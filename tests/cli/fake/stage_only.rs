//! Stage-only tokens (npmjs.org, from September 2026; the only tokens that publish, in a
//! way, from January 2027): created with npm 12.2.2's value, refused for organizations,
//! read back from what the list sends, and shown for what they are.

use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use super::{page, requests, Fake};
use crate::support::Run;

const TOKENS: &str = "/-/npm/v1/tokens";

/// A fake that answers any create with a granular token, without saying what it may do (so
/// that what was asked is never found unlike what was made).
async fn creates() -> Fake {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "token": "npm_0123456789abcdefghijklmnopqrstuvwxyz", "key": "k",
        })))
        .mount(&fake.server)
        .await;
    fake
}

async fn create(fake: &Fake, args: &[&str]) -> Run {
    let args = [&["create", "--password", "pw-123456"][..], args].concat();
    fake.run(&args).await
}

/// The create body carries `read-write-stage-only` verbatim, as npm 12.2.2 sends it, and
/// no warning is printed.
#[tokio::test(flavor = "multi_thread")]
async fn a_stage_only_token_is_created_with_the_value_verbatim_and_no_warning() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .and(body_json(json!({
            "name": "release", "password": "pw-123456", "packages": ["@acme/a"],
            "packages_and_scopes_permission": "read-write-stage-only",
            "orgs_permission": "read-only", "expires": 90,
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "token": "npm_0123456789abcdefghijklmnopqrstuvwxyz", "key": "k",
            "publish_policy": "stage_only",
        })))
        .expect(1)
        .mount(&fake.server)
        .await;
    let run = create(
        &fake,
        &[
            "--name",
            "release",
            "--packages",
            "@acme/a",
            "--packages-and-scopes-permission",
            "read-write-stage-only",
            "--orgs-permission",
            "read-only",
            "--expires",
            "90",
        ],
    )
    .await;
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (0, ""),
        "no warning for stage-only: {run:?}"
    );
    assert_eq!(
        run.stdout,
        "Created token npm_0123456789abcdefghijklmnopqrstuvwxyz\n"
    );
}

/// npm 12.2.2's warning, in our words: direct publishing ends in January 2027, and the
/// stage-only value is named. Only for `read-write` packages and scopes.
#[tokio::test(flavor = "multi_thread")]
async fn only_a_direct_publish_token_is_warned_about() {
    let fake = creates().await;
    let run = create(&fake, &["--packages-and-scopes-permission", "read-write"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stderr,
        "npm-token warn this token can publish directly, which tokens can no longer do on \
         npmjs.org from January 2027; with --packages-and-scopes-permission \
         read-write-stage-only its releases wait in a staging queue for your 2FA approval \
         instead (https://gh.io/bypass-2fa-tokens-no-longer-publish)\n"
    );
    // The same from an npmrc or the environment, and in every output format (stderr only).
    let mut cmd = fake.cmd();
    cmd.env("npm_config_packages_and_scopes_permission", "read-write")
        .args(["create", "--password", "pw-123456", "--json"]);
    let json = Run::of_async(cmd).await;
    assert_eq!(json.code, 0, "{json:?}");
    assert!(json.stderr.contains("January 2027"), "{json:?}");
    assert!(
        serde_json::from_str::<Value>(&json.stdout).is_ok(),
        "{json:?}"
    );
    // `--loglevel error` hides it, as npm's log.warn.
    let quiet = create(
        &fake,
        &[
            "--packages-and-scopes-permission=read-write",
            "--loglevel",
            "error",
        ],
    )
    .await;
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""), "{quiet:?}");

    for args in [
        &["--packages-and-scopes-permission", "read-only"][..],
        &["--packages-and-scopes-permission", "no-access"],
        &["--packages-and-scopes-permission", "read-write-stage-only"],
        &["--bypass-2fa"],
        &["--orgs-permission", "read-write"],
        &["--read-only"],
        &[],
    ] {
        let run = create(&fake, args).await;
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (0, ""),
            "{args:?}: {run:?}"
        );
    }
}

/// Organizations take no stage-only level (npm 12.2.2's config refuses it too): one line,
/// and no request.
#[tokio::test(flavor = "multi_thread")]
async fn stage_only_for_organizations_is_refused_before_anything_is_sent() {
    let fake = creates().await;
    let line = "invalid orgs-permission \"read-write-stage-only\" in command line: organizations \
                take read-only, read-write or no-access; stage-only is for packages and scopes \
                (--packages-and-scopes-permission read-write-stage-only)";
    create(&fake, &["--orgs-permission", "read-write-stage-only"])
        .await
        .assert_error(line);
    let mut cmd = fake.cmd();
    cmd.env("npm_config_orgs_permission", "read-write-stage-only")
        .args(["create", "--password", "pw-123456"]);
    Run::of_async(cmd)
        .await
        .assert_error(&line.replace("command line", "environment"));
    assert_eq!(requests(&fake.server).await, 0, "nothing was sent");
}

/// A GAT with these permissions and fields (`publish_policy` among them).
fn gat(key: &str, name: &str, fields: Value) -> Value {
    let mut token = json!({"name": name, "key": key, "token": format!("npm_{key}...ZZZZ"),
        "expiry": null, "cidr": ["192.0.2.0/24"], "bypass_2fa": false, "revoked": null,
        "created": "2026-10-01T00:00:00.000Z", "accessed": null, "scopes": []});
    for (k, v) in fields.as_object().unwrap() {
        token[k] = v.clone();
    }
    token
}

/// Both ways the list may say stage-only (`publish_policy`, or the permission's action),
/// the other powers, and what the model does not know, shown exactly as sent (escaped).
#[tokio::test(flavor = "multi_thread")]
async fn the_table_shows_each_publishing_power_and_the_json_keeps_every_field() {
    let fake = Fake::start().await;
    let write = json!([{"name": "package", "action": "write"}]);
    fake.list_answers(page(
        json!([
            gat(
                "aaaa1111",
                "policy",
                json!({"permissions": write, "publish_policy": "stage_only"})
            ),
            gat(
                "bbbb2222",
                "action",
                json!({"permissions": [{"name": "package", "action": "stage_only"}]})
            ),
            gat(
                "cccc3333",
                "direct",
                json!({"permissions": write, "bypass_2fa": true})
            ),
            gat(
                "dddd4444",
                "reader",
                json!({"permissions": [{"name": "package", "action": "read"}]})
            ),
            gat(
                "eeee5555",
                "odd",
                json!({"permissions": [{"name": "package", "action": "publish\u{1b}[31m"}]})
            ),
            gat(
                "ffff6666",
                "newpolicy",
                json!({"permissions": write, "publish_policy": "approval_queue"})
            ),
        ]),
        "",
    ))
    .await;
    let run = fake.run(&["list", "--table", "--color", "never"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let access = |id: &str| -> String {
        let line = run.stdout.lines().find(|l| l.contains(id)).unwrap();
        line.split('┆').nth(3).unwrap().trim().to_owned()
    };
    assert_eq!(access("aaaa11"), "packages: stage only");
    assert_eq!(access("bbbb22"), "packages: stage only");
    assert_eq!(access("cccc33"), "packages: write; bypasses 2FA");
    assert_eq!(access("dddd44"), "packages: read");
    assert_eq!(
        access("eeee55"),
        "packages: publish\\x1b[31m",
        "as sent, escaped, never read as read or write"
    );
    assert_eq!(
        access("ffff66"),
        "packages: write (publish_policy: approval_queue)"
    );

    // --json passes every field through, `publish_policy` included.
    let run = fake.run(&["list", "--json"]).await;
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(listed[0]["publish_policy"], "stage_only");
    assert_eq!(listed[5]["publish_policy"], "approval_queue");
    assert_eq!(listed[1]["permissions"][0]["action"], "stage_only");
}

/// A registry that makes another token than the one asked for (Verdaccio ignores every
/// granular setting and makes a classic token; a registry may ignore a permission) is said
/// to have done so, from its answer: never a stronger or weaker token silently.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_made_unlike_the_one_asked_for_is_warned_about() {
    let cases = [
        (
            json!({"readonly": false}),
            "--packages-and-scopes-permission=read-write-stage-only",
            "npm-token warn the registry made the new token able to publish directly, where a \
             stage-only token was asked for: its answer is a classic token's (this registry \
             makes no granular tokens, and ignores their settings); check it with `npm-token \
             list`\n",
        ),
        (
            json!({"permissions": [{"name": "package", "action": "write"}]}),
            "--read-only",
            "npm-token warn the registry made the new token able to publish directly, where a \
             token that cannot publish was asked for; check it with `npm-token list`\n",
        ),
        (
            json!({"permissions": [{"name": "package", "action": "admin"}]}),
            "--packages-and-scopes-permission=read-only",
            "npm-token warn the registry made the new token packages: admin (a right this \
             version cannot read), where a token that cannot publish was asked for; check it \
             with `npm-token list`\n",
        ),
        // A plain write asked as stage-only: npmjs.org's answer for a stage-only token is not
        // documented, and may leave `publish_policy` out; only a `null` one says "direct".
        (
            json!({"permissions": [{"name": "package", "action": "write"}]}),
            "--packages-and-scopes-permission=read-write-stage-only",
            "npm-token warn the registry's answer does not say whether the new token is \
             stage-only, as asked, or publishes directly: it shows `packages: write` and no \
             publish_policy, and how npmjs.org shows a stage-only token is not documented\n",
        ),
        (
            json!({"permissions": [{"name": "package", "action": "write"}],
                   "publish_policy": null}),
            "--packages-and-scopes-permission=read-write-stage-only",
            "npm-token warn the registry made the new token able to publish directly, where a \
             stage-only token was asked for; check it with `npm-token list`\n",
        ),
        // An answer that does not say what the token may do is not read as saying it: a
        // granular answer without `permissions` (whatever else it holds), a classic one
        // without a true or false `readonly`.
        (
            json!({"expiry": "2027-03-01T00:00:00.000Z", "readonly": true}),
            "--packages-and-scopes-permission=read-write-stage-only",
            "",
        ),
        (json!({"readonly": "false"}), "--read-only", ""),
        (json!({"permissions": "all"}), "--read-only", ""),
        // As asked: nothing to say.
        (json!({"readonly": true}), "--read-only", ""),
        (
            json!({"permissions": [{"name": "package", "action": "write"}],
                   "publish_policy": "stage_only"}),
            "--packages-and-scopes-permission=read-write-stage-only",
            "",
        ),
    ];
    for (rights, flag, warning) in cases {
        let fake = Fake::start().await;
        let mut answer = json!({"token": "npm_0123456789abcdefghijklmnopqrstuvwxyz", "key": "k"});
        for (field, value) in rights.as_object().unwrap() {
            answer[field] = value.clone();
        }
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_json(answer))
            .mount(&fake.server)
            .await;
        let run = create(&fake, &[flag]).await;
        assert_eq!((run.code, run.stderr.as_str()), (0, warning), "{rights}");
    }
}
