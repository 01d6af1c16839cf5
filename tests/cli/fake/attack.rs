//! Attacks on `rotate` and bulk `revoke` by whoever controls the registry's answers and the
//! machine around the binary, each one a way the user could have been left without a
//! working token they know about, shown a secret, or told of a success that was not.

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::npmjs::{npmjs, PUBLISH_KEY, PUBLISH_TOKEN, TOKENS};
use super::rotation::{received, rotate, user, whoami_as, NEW_TOKEN};
use super::{Fake, TOKEN};

const READER_KEY: &str = "0b3f2c11-9a8b-4c7d-8e6f-5a4b3c2d1e0f";

/// The fake npmjs where the configured credential (a login session) is alice, answering a
/// create with `answer`; every new token signs in as alice, every DELETE is accepted.
async fn creating(answer: Value, configured: &str) -> Fake {
    let fake = npmjs().await;
    let port = fake.server.address().port();
    fake.configure(&format!("//127.0.0.1:{port}/:_authToken={configured}\n"));
    whoami_as(&fake, configured, user("alice")).await;
    if let Some(token) = answer["token"].as_str() {
        whoami_as(&fake, token, user("alice")).await;
    }
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    fake
}

fn answer(token: &str, key: &str) -> Value {
    json!({"name": "publish", "key": key, "token": token,
           "expiry": "2027-03-01T00:00:00.000Z", "created": "2026-12-01T00:00:00.000Z",
           "permissions": [{"name": "package", "action": "write"}],
           "scopes": [{"name": "@acme/a", "type": "package"}]})
}

/// A registry that answers the create with the token being replaced (its value, or its
/// key), the token this configuration signs in with, or a token already listed, has made
/// nothing new: revoking the old token would revoke what was handed over. Nothing is
/// printed as a new token, tested or revoked.
#[tokio::test(flavor = "multi_thread")]
async fn a_create_answered_with_a_token_that_is_not_new_revokes_nothing() {
    let cases = [
        // The old token itself, while it is the one in use, then while it is not.
        (
            answer(PUBLISH_TOKEN, "4f2a1c00-0000-4000-8000-000000000001"),
            PUBLISH_TOKEN,
            "the token this configuration uses",
        ),
        (
            answer(PUBLISH_TOKEN, "4f2a1c00-0000-4000-8000-000000000001"),
            TOKEN,
            "a token d83cf1 (publish)'s mask matches (it, or one the list cannot tell from it)",
        ),
        // A new value, under the old token's key.
        (
            answer(NEW_TOKEN, PUBLISH_KEY),
            TOKEN,
            "d83cf1 (publish)'s own key",
        ),
        // The login session this configuration signs in with.
        (
            answer(TOKEN, "4f2a1c00-0000-4000-8000-000000000001"),
            TOKEN,
            "the token this configuration uses",
        ),
        // Another listed token's key.
        (
            answer(NEW_TOKEN, READER_KEY),
            TOKEN,
            "the key of a token already listed (0b3f2c)",
        ),
    ];
    for (answer, configured, what) in cases {
        let fake = creating(answer.clone(), configured).await;
        for format in [None, Some("--json")] {
            let run = rotate(&fake, format.as_slice()).await;
            assert_eq!(run.code, 1, "{answer} {run:?}");
            assert!(fake.deletes().await.is_empty(), "{answer} {run:?}");
            let token = answer["token"].as_str().unwrap();
            assert!(!run.stdout.contains(token), "{answer} {run:?}");
            assert!(!run.stderr.contains(token), "{answer} {run:?}");
            assert!(
                run.stderr.contains(&format!(
                    "the registry answered the create with {what}, not a new token: nothing was \
                     handed over, and d83cf1 (publish) was not revoked"
                )),
                "{answer} {run:?}"
            );
            if format.is_some() {
                let error: Value = serde_json::from_str(&run.stdout).unwrap();
                assert_eq!(error["error"]["code"], "EBADRESPONSE", "{run:?}");
            } else {
                assert_eq!(run.stdout, "", "{run:?}");
            }
        }
        // Never tested with what it handed back: the create is the last request.
        let requests = received(&fake).await;
        assert!(
            requests.last().unwrap().starts_with("POST"),
            "{answer} {requests:?}"
        );
    }
}

/// Answers with `template`, after doing `first`: a change to the machine, or a file a
/// reader in a test's pipeline waits for, at the moment the request arrives.
struct After {
    first: Box<dyn Fn() + Send + Sync>,
    template: ResponseTemplate,
}

impl After {
    fn new(first: impl Fn() + Send + Sync + 'static, template: ResponseTemplate) -> After {
        After {
            first: Box::new(first),
            template,
        }
    }
}

impl wiremock::Respond for After {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        (self.first)();
        self.template.clone()
    }
}

/// `rotate | reader` where the reader leaves without reading: before anything is created,
/// nothing is; after the new token was printed into the pipe, unread, the old one is kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_reader_that_leaves_without_reading_keeps_the_old_token() {
    let delayed = |ms| user("alice").set_delay(std::time::Duration::from_millis(ms));
    let fake = npmjs().await;
    let flag = fake.sandbox.home().join("created");
    whoami_as(&fake, TOKEN, delayed(300)).await;
    // The test of the new token waits for the reader to have left.
    whoami_as(&fake, NEW_TOKEN, delayed(1500)).await;
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(After::new(
            {
                let flag = flag.clone();
                move || std::fs::write(&flag, "").unwrap()
            },
            ResponseTemplate::new(201)
                .set_body_json(answer(NEW_TOKEN, "4f2a1c00-0000-4000-8000-000000000001")),
        ))
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    let rotate = "\"$0\" rotate d83cf1 --password pw-123456";
    let status = "echo \"exit=${PIPESTATUS[0]}\" >&2";

    // Gone before anything is made: nothing is.
    let script = format!("{rotate} | (exec 0<&-; sleep 3); {status}");
    let run = crate::support::Run::of_async(fake.sandbox.shell(&script)).await;
    assert!(run.stderr.ends_with("exit=1\n"), "{run:?}");
    assert!(
        run.stderr.contains(
            "the output's reader is gone (it closed the pipe), so the new token would be lost: \
             nothing was created"
        ),
        "{run:?}"
    );
    assert!(!flag.exists(), "created: {run:?}");

    // Alive when the new token is printed, gone (without reading it) before the revoke.
    for json in ["", " --json"] {
        let reader = format!(
            "while [ ! -e {} ]; do sleep 0.01; done; sleep 0.5",
            flag.display()
        );
        let script = format!("{rotate}{json} | ({reader}); {status}");
        let run = crate::support::Run::of_async(fake.sandbox.shell(&script)).await;
        std::fs::remove_file(&flag).unwrap();
        assert!(run.stderr.ends_with("exit=1\n"), "{run:?}");
        assert!(
            run.stderr.contains(
                "the output's reader left without reading the new token (printed into the pipe, unread), so \
                 d83cf1 (publish) was not revoked: revoke the new one (`npm-token revoke 4f2a1c`)"
            ),
            "{run:?}"
        );
        assert!(fake.deletes().await.is_empty(), "{run:?}");
    }
}

/// A list that changed while it was read (or a registry that mixes two tokens up) lists a
/// key twice, not the same each time: here the token in use, first under another mask and
/// expired. Folded to its first copy, a filter took it for an expired token that is not in
/// use, and revoked it first. Now no filter decides on it, and rotate will not guess what a
/// token like it is; a key listed twice the same is still revoked once.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_listed_twice_differently_is_left_to_be_named() {
    let fake = Fake::start().await;
    let port = fake.server.address().port();
    fake.configure(&format!("//127.0.0.1:{port}/:_authToken={PUBLISH_TOKEN}\n"));
    let token = |key: &str, mask: &str, expiry: &str| {
        json!({"key": key, "token": mask, "name": &key[..6], "expiry": expiry,
               "created": "2019-01-01T00:00:00.000Z", "accessed": null, "revoked": null,
               "permissions": [{"name": "package", "action": "read"}], "scopes": []})
    };
    let expired = "2020-01-01T00:00:00.000Z";
    let listed = json!([
        token(PUBLISH_KEY, "npm_Zz99...Yy88", expired),
        token("aaaaaaaa01", "npm_AAAA...ZZZZ", expired),
        token(PUBLISH_KEY, "npm_NYn6...jCq0", "2027-01-01T00:00:00.000Z"),
        token("aaaaaaaa01", "npm_AAAA...ZZZZ", expired),
    ]);
    fake.list_answers(super::page(listed, "")).await;
    fake.accepts_deletes().await;
    let run = fake.run(&["revoke", "--expired", "--yes"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Removed 1 token\n"),
        "{run:?}"
    );
    assert_eq!(fake.deletes().await, ["aaaaaaaa01"]);
    assert!(
        run.stderr.contains(
            "npm-token warn skipping d83cf1 (d83cf1): the registry listed it more than once, \
             differently each time (the list changed while it was read), so what the filters \
             matched may not be this token: name it to revoke it"
        ),
        "{run:?}"
    );
    let run = fake
        .run(&["revoke", "--expired", "--dry-run", "--json"])
        .await;
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["skipped"][0]["key"], PUBLISH_KEY, "{run:?}");
    assert_eq!(report["planned"].as_array().unwrap().len(), 1, "{run:?}");

    let run = fake
        .run(&["rotate", "d83cf1", "--password", "pw-123456"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.ends_with(
            "npm-token error the registry listed d83cf1 (d83cf1) more than once, differently each \
             time (the list changed while it was read), so what a token like it is cannot be \
             told; nothing was created: run rotate again\n"
        ),
        "{run:?}"
    );
    assert!(!received(&fake).await.iter().any(|r| r.starts_with("POST")));
}

/// `rotate --save` reads the npmrc again to write it: if the line it replaces no longer
/// holds the token being replaced (another token put there while the new one was being
/// made), that token is not overwritten and lost; the old one is not revoked. A line that
/// does not hold it before anything is made refuses the save then.
#[tokio::test(flavor = "multi_thread")]
async fn save_leaves_a_line_changed_under_it_and_revokes_nothing() {
    let fake = npmjs().await;
    let port = fake.server.address().port();
    let key = format!("//127.0.0.1:{port}/:_authToken");
    fake.configure(&format!("{key}={PUBLISH_TOKEN}\n"));
    whoami_as(&fake, PUBLISH_TOKEN, user("alice")).await;
    whoami_as(&fake, NEW_TOKEN, user("alice")).await;
    let npmrc = fake.sandbox.npmrc();
    let another = "npm_AnotherWorkingTokenAbCdEfGhIjKlMn99";
    let changed = std::fs::read_to_string(&npmrc)
        .unwrap()
        .replace(PUBLISH_TOKEN, another);
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .respond_with(After::new(
            {
                let (npmrc, changed) = (npmrc.clone(), changed.clone());
                move || std::fs::write(&npmrc, &changed).unwrap()
            },
            ResponseTemplate::new(201)
                .set_body_json(answer(NEW_TOKEN, "4f2a1c00-0000-4000-8000-000000000001")),
        ))
        .mount(&fake.server)
        .await;
    fake.accepts_deletes().await;
    let run = rotate(&fake, &["--save"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(std::fs::read_to_string(&npmrc).unwrap(), changed);
    assert!(fake.deletes().await.is_empty(), "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "4f2a1c (publish) (printed on stdout) was not saved: {key} in {} no longer holds the token being \
             replaced (the file changed since it was read); it is left as it is; d83cf1 \
             (publish) was not revoked",
            npmrc.display()
        )),
        "{run:?}"
    );
    assert!(run.stdout.contains(NEW_TOKEN), "handed over: {run:?}");
}

/// A TLS registry on this machine that answers each request on a connection of its own:
/// `GET`s of the token list with `list` (the first `drop_gets` of them cut off instead),
/// and every `DELETE` by closing the connection without TLS's close_notify, as a crashed
/// server or a load balancer does. Returns the sandbox configured for it.
async fn cutting_tls_registry(list: Value, drop_gets: usize) -> crate::support::Sandbox {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;

    let pki = crate::network::Pki::new();
    let leaf = pki.leaf(&["127.0.0.1"]);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der], leaf.key_der)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = json!({"objects": list, "urls": {}}).to_string();
    let gets = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, body, gets) = (acceptor.clone(), body.clone(), gets.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match tls.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let get = head.starts_with(b"GET ");
                if !get || gets.fetch_add(1, Ordering::SeqCst) < drop_gets {
                    // Dropped without `shutdown`: no close_notify, the TCP connection closed.
                    return;
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    let sandbox = crate::support::Sandbox::new(&format!(
        "registry=https://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={TOKEN}\n\
         fetch-retry-mintimeout=1\nfetch-retry-maxtimeout=50\n"
    ));
    let cafile = sandbox.file("ca.pem", &pki.ca_pem());
    sandbox.append_npmrc(&format!("cafile={cafile}\n"));
    sandbox
}

/// A TLS connection cut off mid-request (closed without close_notify) is a broken
/// connection, not an untrusted certificate: a GET is retried through it, and a revoke cut
/// off may have happened, so it says "may already be revoked", never "was not revoked",
/// with no advice about certificates.
#[tokio::test(flavor = "multi_thread")]
async fn a_tls_connection_cut_off_is_a_reset_not_a_certificate() {
    let list = json!([{"key": "aaaaaaaa01", "token": "npm_AAAA...ZZZZ", "name": "old"}]);
    let sandbox = cutting_tls_registry(list, 1).await;
    let mut cmd = sandbox.cmd();
    cmd.args(["revoke", "aaaaaa"]);
    let run = crate::support::Run::of_async(cmd).await;
    assert_eq!((run.code, run.stdout.as_str()), (1, ""), "{run:?}");
    assert!(
        run.stderr
            .starts_with("npm-token warn retrying GET https://127.0.0.1:"),
        "the list's GET was not retried: {run:?}"
    );
    assert!(
        run.stderr.contains(
            "(ECONNRESET); check that the registry is up and reachable, and if you are behind a \
             proxy, that the `proxy` config is set; it may already be revoked: `npm-token list` \
             shows whether it is"
        ),
        "{run:?}"
    );
    assert!(!run.stderr.contains("ECERT"), "{run:?}");
    assert!(!run.stderr.contains("certificate"), "{run:?}");
}

/// A registry that answers every DELETE with 429: once one has met it after every retry,
/// the batch sends no more (each would wait its retries in turn: hours over a long batch,
/// three times the requests the registry asked to have fewer of). Each token is reported
/// once, not revoked.
#[tokio::test(flavor = "multi_thread")]
async fn a_storm_of_429s_stops_the_batch() {
    let fake = Fake::start().await;
    let tokens: Vec<Value> = (0..30)
        .map(|n| {
            json!({"key": format!("{n:02}aaaaaaaa"), "token": format!("npm_{n:02}AA...ZZZZ"),
                   "expiry": "2020-01-01T00:00:00.000Z", "created": "2019-01-01T00:00:00.000Z",
                   "accessed": null, "revoked": null, "permissions": [], "scopes": []})
        })
        .collect();
    fake.list_answers(super::page(json!(tokens), "")).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "--expired", "--yes", "--json"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    // The first DELETE, alone, and its two retries.
    assert_eq!(fake.deletes().await.len(), 3, "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 30, "{run:?}");
    assert!(report["revoked"].as_array().unwrap().is_empty());
    for failure in failed {
        assert_eq!(failure["state"], "not revoked", "{failure}");
        assert_eq!(failure["error"]["code"], "E429", "{failure}");
    }
    assert!(
        failed[1]["error"]["summary"]
            .as_str()
            .unwrap()
            .contains("not sent: the registry kept answering 429 Too Many Requests"),
        "{run:?}"
    );
    assert!(
        run.stderr.ends_with(
            "npm-token error revoked 0 of 30 tokens; 30 could not be revoked (see above)\n"
        ),
        "{run:?}"
    );
}

/// A revoke's answer is a few bytes (npmjs.org's 204, Verdaccio's `{"ok": …}`): one past
/// 64 KiB is read no further and is not taken for a revoke. Read to 32 MiB as other answers
/// are, 64 DELETEs in flight over HTTP/2 could hold 2 GiB (16 over HTTP/1.1 held 560 MB).
#[tokio::test(flavor = "multi_thread")]
async fn a_huge_answer_to_a_revoke_is_not_read_whole() {
    let fake = Fake::start().await;
    fake.list_answers(super::page(
        json!([{"key": "aaaaaaaa01", "token": "npm_AAAA...ZZZZ", "name": "old"}]),
        "",
    ))
    .await;
    let huge = format!("{{\"ok\": \"{}\"}}", "a".repeat(100 * 1024));
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json"))
        .mount(&fake.server)
        .await;
    let run = fake.run(&["revoke", "aaaaaa"]).await;
    let port = fake.server.address().port();
    run.assert_error(&format!(
        "could not revoke aaaaaa (old): the registry's answer to DELETE \
         http://127.0.0.1:{port}/-/npm/v1/tokens/token/aaaaaaaa01 is larger than 64 KiB; the \
         registry is misbehaving: report it to its operators; it may already be revoked: \
         `npm-token list` shows whether it is"
    ));
}

/// A flag given twice, the last time turned off (`--yes --no-yes`, a wrapper's default
/// overridden): the last word decides, as in npm. Before, the command read `--yes` and the
/// config layer `false`: the tokens were revoked without asking, and `--save --no-save`
/// wrote the npmrc.
#[tokio::test(flavor = "multi_thread")]
async fn the_last_word_of_a_flag_decides() {
    let fake = Fake::start().await;
    fake.list_answers(super::page(
        json!([{"key": "aaaaaaaa01", "token": "npm_AAAA...ZZZZ", "name": "old",
                "expiry": "2020-01-01T00:00:00.000Z", "created": "2019-01-01T00:00:00.000Z",
                "accessed": null, "revoked": null, "permissions": [], "scopes": []}]),
        "",
    ))
    .await;
    fake.accepts_deletes().await;
    for no in [["--yes", "--no-yes"], ["-y", "--yes=false"]] {
        let run = fake.run(&["revoke", "--expired", no[0], no[1]]).await;
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stderr.contains("pass --yes (-y) to revoke them"),
            "{run:?}"
        );
        assert!(fake.deletes().await.is_empty(), "{no:?}: {run:?}");
    }
    let run = fake
        .run(&[
            "revoke",
            "--expired",
            "--no-yes",
            "--yes",
            "--dry-run",
            "--no-dry-run",
        ])
        .await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Removed 1 token\n"),
        "{run:?}"
    );

    let fake = super::rotation::saving("").await;
    let before = std::fs::read_to_string(fake.sandbox.npmrc()).unwrap();
    let run = rotate(&fake, &["--save", "--no-save"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(fake.sandbox.npmrc()).unwrap(),
        before
    );
    assert!(!run.stderr.contains("Saved it in"), "{run:?}");
}

/// An npmrc with another hard link (a backup, a second name): replaced by a new file, the
/// other name would keep the old token, revoked once rotate is done. Refused before
/// anything is created.
#[tokio::test(flavor = "multi_thread")]
async fn save_refuses_an_npmrc_with_other_names() {
    let fake = super::rotation::saving("").await;
    let npmrc = fake.sandbox.npmrc();
    let other = fake.sandbox.home().join("npmrc.backup");
    std::fs::hard_link(&npmrc, &other).unwrap();
    let run = rotate(&fake, &["--save"]).await;
    run.assert_error(&format!(
        "--save cannot write the new token: could not write {}: it has another hard link, \
         which a new file in its place would leave holding the old token; nothing was created",
        npmrc.display()
    ));
    assert!(!received(&fake).await.iter().any(|r| r.starts_with("POST")));
}

/// A stderr that cannot be written (`2>/dev/full`) loses its lines: it never panics (exit
/// 101) in the middle of a revoke, with nothing said anywhere.
#[tokio::test(flavor = "multi_thread")]
async fn a_stderr_that_cannot_be_written_is_no_panic() {
    let fake = Fake::start().await;
    fake.list_answers(super::page(
        json!([{"key": "aaaaaaaa01", "token": "npm_AAAA...ZZZZ", "name": "old",
                "expiry": "2020-01-01T00:00:00.000Z", "created": "2019-01-01T00:00:00.000Z",
                "accessed": null, "revoked": null, "permissions": [], "scopes": []}]),
        "",
    ))
    .await;
    fake.accepts_deletes().await;
    let run = crate::support::Run::of_async(
        fake.sandbox
            .shell("\"$0\" revoke --expired --yes 2>/dev/full; echo \"exit=$?\""),
    )
    .await;
    assert_eq!(run.stdout, "Removed 1 token\nexit=0\n", "{run:?}");
    assert_eq!(fake.deletes().await, ["aaaaaaaa01"]);
}

/// A checked-out project's `.npmrc` can be a symbolic link to anything: `/dev/zero` was read
/// until memory ran out, a named pipe without a writer waited for ever (and `cafile` the
/// same). Each is now read within 16 MiB, a pipe without a writer as empty.
#[test]
fn an_endless_or_blocking_npmrc_is_no_hang() {
    let sandbox = crate::support::Sandbox::new("");
    let home = sandbox.home();
    std::fs::write(home.join("package.json"), "{}").unwrap();
    let fifo = home.join("fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    for target in [std::path::Path::new("/dev/zero"), &fifo] {
        let _ = std::fs::remove_file(home.join(".npmrc"));
        std::os::unix::fs::symlink(target, home.join(".npmrc")).unwrap();
        // Bounded by the shell's `timeout` and `ulimit`, so that a failure fails, not hangs.
        let run = crate::support::Run::of(
            &mut sandbox
                .shell("ulimit -v 4000000; timeout 60 \"$0\" audit --local; echo \"exit=$?\""),
        );
        assert!(run.stdout.ends_with("exit=0\n"), "{target:?}: {run:?}");
        if target == std::path::Path::new("/dev/zero") {
            assert_eq!(
                run.stderr,
                format!(
                    "npm-token warn could not read project config {}: it is larger than 16 MiB, \
                     which no configuration file is\n",
                    home.join(".npmrc").display()
                ),
                "{run:?}"
            );
        }
    }
    sandbox.write_npmrc(
        "cafile=/dev/zero\nregistry=https://127.0.0.1:9/\n//127.0.0.1:9/:_authToken=x\n",
    );
    std::fs::remove_file(home.join(".npmrc")).unwrap();
    let run = crate::support::Run::of(
        &mut sandbox.shell("ulimit -v 4000000; timeout 60 \"$0\" list; echo \"exit=$?\" >&2"),
    );
    assert_eq!(
        run.stderr,
        "npm-token error could not read the cafile file /dev/zero: it is larger than 16 MiB, \
         which no configuration file is\nexit=1\n",
        "{run:?}"
    );
}
