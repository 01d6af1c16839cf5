//! `rotate` and January 2027: a stage-only token rotates into a stage-only token, `rotate ID
//! --packages-and-scopes-permission read-write-stage-only` migrates a direct-publish token
//! keeping everything else, and a token with a right this version cannot name is not
//! rotated unless the flag names the permission: never a weaker or stronger token, silently.

use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use super::{page, Fake};
use crate::support::Run;

const TOKENS: &str = "/-/npm/v1/tokens";
const KEY: &str = "5a5a5a5a-1111-4222-8333-944455556666";

/// A GAT as npmjs.org lists it, created 30 days before it expires (a 30-day lifetime),
/// with `changes` laid over it.
fn listed(changes: Value) -> Value {
    let mut token = json!({
        "name": "release", "description": "CI release", "key": KEY,
        "token": "npm_Rele...ase1", "expiry": "2027-01-31T12:00:00.000Z",
        "created": "2027-01-01T12:00:00.000Z", "accessed": null, "revoked": null,
        "cidr": ["192.0.2.0/24"], "bypass_2fa": false,
        "permissions": [{"name": "package", "action": "write"}, {"name": "org", "action": "read"}],
        "scopes": [{"name": "@acme/a", "type": "package"}, {"name": "@tools", "type": "scope"},
                   {"name": "acme", "type": "org"}],
    });
    for (name, value) in changes.as_object().unwrap() {
        token[name] = value.clone();
    }
    token
}

/// A fake listing `token`, where anyone is alice, every DELETE succeeds, and a create
/// succeeds only with exactly `body` (any other create is a 400 the test would see),
/// answering with a token of its permissions.
async fn registry(token: Value, body: Value) -> Fake {
    let stage_only = body["packages_and_scopes_permission"] == "read-write-stage-only";
    let answer = json!({
        "token": "npm_Successor0123456789abcdefghijklmnop", "key": "6b6b6b6b-0000",
        "permissions": [{"name": "package", "action": "write"}],
        "publish_policy": if stage_only { json!("stage_only") } else { Value::Null },
    });
    let fake = Fake::start().await;
    fake.list_answers(page(json!([token]), "")).await;
    fake.answers_whoami("alice").await;
    fake.accepts_deletes().await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "unexpected body"})))
        .with_priority(2)
        .mount(&fake.server)
        .await;
    fake
}

/// What the successor of [`listed`] is asked for, with this packages permission.
fn successor(packages_permission: &str) -> Value {
    with_orgs(packages_permission, "read-only")
}

/// The same, with this orgs permission.
fn with_orgs(packages_permission: &str, orgs_permission: &str) -> Value {
    json!({
        "name": "release", "password": "pw-123456", "description": "CI release",
        "packages": ["@acme/a"], "scopes": ["@tools"], "orgs": ["acme"],
        "packages_and_scopes_permission": packages_permission, "orgs_permission": orgs_permission,
        "expires": 30, "cidr_whitelist": ["192.0.2.0/24"],
    })
}

async fn rotate(fake: &Fake, extra: &[&str]) -> Run {
    let args = [&["rotate", "5a5a5a", "--password", "pw-123456"][..], extra].concat();
    fake.run(&args).await
}

async fn posts(fake: &Fake) -> usize {
    fake.server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count()
}

const WARNING: &str = "npm-token warn this token can publish directly, which tokens can no \
                       longer do on npmjs.org from January 2027";

/// A stage-only token, whichever way the registry says so, gives a stage-only token, and
/// nothing warns about it.
#[tokio::test(flavor = "multi_thread")]
async fn a_stage_only_token_rotates_into_a_stage_only_token() {
    let stage_only = [
        json!({"publish_policy": "stage_only"}),
        json!({"permissions": [{"name": "package", "action": "stage_only"},
                               {"name": "org", "action": "read"}]}),
    ];
    for token in stage_only {
        let fake = registry(listed(token.clone()), successor("read-write-stage-only")).await;
        let run = rotate(&fake, &[]).await;
        assert_eq!(run.code, 0, "{token}: {run:?}");
        assert!(!run.stderr.contains("warn"), "{token}: {run:?}");
        assert!(run.stderr.contains("packages: stage only"), "{run:?}");
    }
}

/// The migration: one line, the new token like the old in everything but its publishing.
#[tokio::test(flavor = "multi_thread")]
async fn the_migration_keeps_everything_but_direct_publishing() {
    let fake = registry(listed(json!({})), successor("read-write-stage-only")).await;
    let run = rotate(
        &fake,
        &["--packages-and-scopes-permission", "read-write-stage-only"],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("warn"), "{run:?}");
    // What the command line changed is said before anything is created.
    assert!(
        run.stderr.starts_with(
            "The new token's packages and scopes permission is read-write-stage-only \
             (--packages-and-scopes-permission); 5a5a5a (release) has read-write.\n"
        ),
        "{run:?}"
    );
    assert_eq!(fake.deletes().await, [KEY]);

    // Without the flag, a direct-publish token stays one, and is warned about.
    let fake = registry(listed(json!({})), successor("read-write")).await;
    let run = rotate(&fake, &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.starts_with(WARNING), "{run:?}");
}

/// A right this version cannot name stops the rotation before anything is created, unless
/// the flag names the permission; a right on a resource no flag names stops it always.
#[tokio::test(flavor = "multi_thread")]
async fn a_right_it_cannot_name_is_never_guessed() {
    let unnamed = [
        (
            json!({"permissions": [{"name": "package", "action": "admin"}]}),
            "packages: admin",
            "no-access",
        ),
        (
            json!({"publish_policy": "approval_queue"}),
            "packages: write (publish_policy: approval_queue)",
            "read-only",
        ),
    ];
    for (token, right, orgs) in unnamed {
        let body = with_orgs("read-write-stage-only", orgs);
        let fake = registry(listed(token.clone()), body).await;
        let run = rotate(&fake, &[]).await;
        assert_eq!(run.code, 1, "{token}: {run:?}");
        assert_eq!(
            run.stderr,
            format!(
                "npm-token error 5a5a5a (release) has a right this version cannot name \
                 ({right}), so a token like it cannot be asked for, and one without it or with \
                 a guess could have fewer rights or more; nothing was created: name the \
                 permission the new token gets (--packages-and-scopes-permission \
                 read-write-stage-only, for one)\n"
            )
        );
        assert_eq!(posts(&fake).await, 0, "nothing was created");
        // Named: rotated, as asked.
        let run = rotate(
            &fake,
            &["--packages-and-scopes-permission", "read-write-stage-only"],
        )
        .await;
        assert_eq!(run.code, 0, "{token}: {run:?}");
        assert_eq!(posts(&fake).await, 1);
    }

    let token = listed(
        json!({"permissions": [{"name": "package", "action": "write"},
                                              {"name": "team", "action": "write"}]}),
    );
    let fake = registry(token, successor("read-write")).await;
    let run = rotate(
        &fake,
        &[
            "--packages-and-scopes-permission",
            "read-write",
            "--orgs-permission",
            "read-only",
        ],
    )
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("(team: write)")
            && run.stderr.contains("no create flag gives that right"),
        "{run:?}"
    );
    assert_eq!(posts(&fake).await, 0);
}

/// A setting in an npmrc file or a variable changes a rotated token as a flag does (npm's
/// configuration, whatever layer), and is never applied silently: a warning names it, and
/// `--json`'s `created` line lists every change with where it came from.
#[tokio::test(flavor = "multi_thread")]
async fn a_setting_from_npmrc_or_the_environment_that_changes_the_token_is_named() {
    let mut body = successor("read-write");
    body["cidr_whitelist"] = json!(["10.0.0.0/8"]);
    body["expires"] = json!(7);
    let fake = registry(listed(json!({})), body).await;
    fake.configure("cidr=10.0.0.0/8\n");
    let npmrc = fake.sandbox.npmrc().display().to_string();
    let mut cmd = fake.cmd();
    cmd.env("npm_config_expires", "7").args([
        "rotate",
        "5a5a5a",
        "--password",
        "pw-123456",
        "--json",
    ]);
    let run = Run::of_async(cmd).await;
    assert_eq!(run.code, 0, "{run:?}");
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(" warn "))
        .collect();
    assert_eq!(warnings.len(), 3, "{run:?}");
    assert_eq!(
        warnings[0],
        "npm-token warn npm_config_expires makes the new token's lifetime 7 days, where 5a5a5a \
         (release) has 30 days: npm's settings apply to rotate as to create; drop that setting \
         to keep 30 days"
    );
    assert_eq!(
        warnings[1],
        format!(
            "npm-token warn cidr in {npmrc} makes the new token's CIDR list 10.0.0.0/8, where \
             5a5a5a (release) has 192.0.2.0/24: npm's settings apply to rotate as to create; \
             drop that setting to keep 192.0.2.0/24"
        )
    );
    assert!(warnings[2].starts_with(WARNING), "{run:?}");
    let created: Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        created["changes"],
        json!([
            {"what": "lifetime", "old": "30 days", "new": "7 days", "from": "npm_config_expires"},
            {"what": "CIDR list", "old": "192.0.2.0/24", "new": "10.0.0.0/8",
             "from": format!("cidr in {npmrc}")},
        ]),
        "{run:?}"
    );
}

/// A registry that made the successor weaker than asked (it ignored the permission copied
/// from the old token): whatever publishes with the old token would stop, so the old one
/// is kept, and the message says which to revoke. Stronger than asked is said, and goes on.
#[tokio::test(flavor = "multi_thread")]
async fn a_successor_made_weaker_than_asked_leaves_the_old_token() {
    let made = |permissions: Value| async move {
        let fake = Fake::start().await;
        fake.list_answers(page(json!([listed(json!({}))]), ""))
            .await;
        fake.answers_whoami("alice").await;
        fake.accepts_deletes().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "token": "npm_Successor0123456789abcdefghijklmnop", "key": "6b6b6b6b-0000",
                "permissions": permissions,
            })))
            .mount(&fake.server)
            .await;
        fake
    };
    let fake = made(json!([{"name": "package", "action": "read"}])).await;
    let run = rotate(&fake, &[]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "npm-token warn the registry made 6b6b6b unable to publish, where a token \
             that publishes directly was asked for; check it with `npm-token list`\n"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr.ends_with(
            "npm-token error the registry made 6b6b6b unable to publish, where a token that \
             publishes directly was asked for, so 5a5a5a (release) was not revoked: revoke the \
             new one (`npm-token revoke 6b6b6b`), or, if it will do, put it in place, then \
             `npm-token revoke 5a5a5a`\n"
        ),
        "{run:?}"
    );
    assert_eq!(fake.deletes().await, Vec::<String>::new());

    // Stage-only asked, direct made (`publish_policy: null`): said, and the rotation goes on
    // (nothing publishes less).
    let fake = made(json!([{"name": "package", "action": "write"}])).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "token": "npm_Successor0123456789abcdefghijklmnop", "key": "6b6b6b6b-0000",
            "permissions": [{"name": "package", "action": "write"}], "publish_policy": null,
        })))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    let run = rotate(
        &fake,
        &["--packages-and-scopes-permission", "read-write-stage-only"],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(
            "npm-token warn the registry made 6b6b6b able to publish directly, where \
             a stage-only token was asked for; check it with `npm-token list`\n"
        ),
        "{run:?}"
    );
    assert_eq!(fake.deletes().await, [KEY]);
}

/// With `--save`, a successor made weaker than asked is not written over the old token in
/// the npmrc: the old one, which still works, stays in place there, and is not revoked.
/// (Saved and then kept, the old token's value would be gone from the file that held it,
/// and "revoke the new one" would leave that file with a revoked token.)
#[tokio::test(flavor = "multi_thread")]
async fn a_successor_made_weaker_than_asked_is_not_saved() {
    let fake = Fake::start().await;
    let old_token = "npm_Rele0123456789abcdefghijklmnopqrsase1";
    let port = fake.server.address().port();
    let npmrc = fake.sandbox.npmrc();
    fake.sandbox.write_npmrc(&format!(
        "registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={old_token}\n"
    ));
    let before = std::fs::read_to_string(&npmrc).unwrap();
    fake.list_answers(page(json!([listed(json!({}))]), ""))
        .await;
    fake.answers_whoami("alice").await;
    fake.accepts_deletes().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "token": "npm_Successor0123456789abcdefghijklmnop", "key": "6b6b6b6b-0000",
            "permissions": [{"name": "package", "action": "read"}],
        })))
        .mount(&fake.server)
        .await;
    let run = rotate(&fake, &["--save"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(std::fs::read_to_string(&npmrc).unwrap(), before, "{run:?}");
    assert_eq!(fake.deletes().await, Vec::<String>::new());
    assert!(run.stdout.contains("npm_Successor"), "handed over: {run:?}");
    assert!(
        run.stderr.ends_with(&format!(
            "npm-token error the registry made 6b6b6b unable to publish, where a token that \
             publishes directly was asked for, so it was not saved in {} and 5a5a5a (release) \
             was not revoked: revoke the new one (`npm-token revoke 6b6b6b`), or, if it will \
             do, put it in place, then `npm-token revoke 5a5a5a`\n",
            npmrc.display()
        )),
        "{run:?}"
    );
}
