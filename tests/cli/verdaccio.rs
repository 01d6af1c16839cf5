//! End to end against a real Verdaccio, and side by side with real `npm token`.

use crate::support::{Run, User};

fn publish(user: &User, token: &str, package: &str) -> Run {
    let dir = user.home().join(package);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("package.json"),
        format!(r#"{{"name":"{package}","version":"1.0.0"}}"#),
    )
    .unwrap();
    user.use_token(token);
    let run = Run::of(
        user.npm()
            .args(["publish", "--registry", &user.registry.url])
            .current_dir(&dir),
    );
    user.use_token(&user.token);
    run
}

#[test]
fn list_matches_npm_byte_for_byte() {
    let user = User::new();
    user.create(&[]);
    user.create(&["--read-only"]);
    for format in ["--json", "--parseable"] {
        let ours = user.run(&["list", format]);
        let npm = user.run_npm(&["token", "list", format]);
        assert_eq!(ours.code, 0, "{ours:?}");
        assert_eq!(npm.code, 0, "{npm:?}");
        assert_eq!(ours.stdout, npm.stdout, "{format}");
    }
    // The human lines differ only where we mean them to: npm prints `undefined` for a
    // token without a name.
    let ours = user.run(&["list"]);
    let npm = user.run_npm(&["token", "list"]);
    assert_eq!(
        ours.stdout,
        npm.stdout.replace(" name undefined ", " name (unnamed) ")
    );
    assert_eq!(ours.stdout.matches("Token ").count(), 2);
}

#[test]
fn the_default_command_is_list_and_stdout_gets_npm_lines_when_piped() {
    let user = User::new();
    user.create(&[]);
    let default = user.run(&[]);
    let ls = user.run(&["ls"]);
    assert_eq!(default.code, 0, "{default:?}");
    assert_eq!(default.stdout, ls.stdout);
    assert!(default.stdout.starts_with("Token "), "{default:?}");
    let table = user.run(&["list", "--table"]);
    assert!(table.stdout.contains("│ id "), "{table:?}");
}

#[test]
fn read_only_token_cannot_publish() {
    let user = User::new();
    let created = user.create(&["--read-only"]);
    let token = created["token"].as_str().unwrap();
    assert_eq!(created["readonly"], true, "{created}");
    let listed = user.list();
    assert!(listed.iter().any(|t| t["readonly"] == true), "{listed:?}");

    let refused = publish(&user, token, &format!("ro-{}", user.name));
    assert_ne!(refused.code, 0, "a read-only token published: {refused:?}");
    assert!(refused.stderr.contains("403"), "{refused:?}");
    // The same publish with a read-write token works, so the refusal was the token's.
    let allowed = publish(&user, &user.token, &format!("rw-{}", user.name));
    assert_eq!(allowed.code, 0, "{allowed:?}");
}

#[test]
fn cidr_token_shows_its_networks_everywhere() {
    let user = User::new();
    let run = user.run(&[
        "create",
        "--password",
        &user.password,
        "--cidr",
        "192.0.2.0/24,198.51.100.0/24",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("Created token ") && lines[0].len() > 40,
        "{run:?}"
    );
    assert_eq!(
        lines[1..],
        ["with IP whitelist: 192.0.2.0/24,198.51.100.0/24"]
    );

    let listed = user.list();
    let cidr_token = listed
        .iter()
        .find(|t| t["cidr"].as_array().is_some_and(|c| !c.is_empty()))
        .unwrap();
    assert_eq!(
        cidr_token["cidr"],
        serde_json::json!(["192.0.2.0/24", "198.51.100.0/24"])
    );
    let id = cidr_token["id"].as_str().unwrap();

    let parseable = user.run(&["list", "--parseable"]);
    let row = parseable
        .stdout
        .lines()
        .find(|l| l.split('\t').nth(2) == Some(id))
        .unwrap();
    assert!(
        row.ends_with("\tfalse\t192.0.2.0/24,198.51.100.0/24"),
        "{row}"
    );
    let lines = user.run(&["list"]);
    assert!(
        lines
            .stdout
            .contains(&format!("with id {id} name (unnamed) created ")),
        "{lines:?}"
    );
    assert!(
        lines
            .stdout
            .contains("\nwith IP whitelist: 192.0.2.0/24,198.51.100.0/24\n"),
        "{lines:?}"
    );
    let table = user.run(&["list", "--table"]);
    assert!(
        table.stdout.contains("192.0.2.0/24, 198.51.100.0/24"),
        "{table:?}"
    );

    // The registry enforces it: this machine is not in 192.0.2.0/24.
    user.use_token(cidr_token_value(&run.stdout));
    let refused = user.run(&["list"]);
    assert_eq!(
        refused.code, 1,
        "a CIDR-limited token worked from outside its networks: {refused:?}"
    );
}

fn cidr_token_value(create_output: &str) -> &str {
    create_output
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("Created token ")
}

#[test]
fn revoked_token_no_longer_authenticates() {
    let user = User::new();
    let doomed = user.create(&[]);
    let doomed_token = doomed["token"].as_str().unwrap().to_owned();
    let listed = user.list();
    let doomed_entry = listed
        .iter()
        .find(|t| t["created"] == doomed["created"])
        .unwrap();
    let id = doomed_entry["id"].as_str().unwrap();

    // The doomed token works before...
    user.use_token(&doomed_token);
    assert_eq!(user.run(&["list", "--json"]).code, 0);
    user.use_token(&user.token);

    let run = user.run(&["revoke", id]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "Removed 1 token\n"),
        "{run:?}"
    );
    assert_eq!(user.list().len(), listed.len() - 1);

    // ...and not after.
    user.use_token(&doomed_token);
    let refused = user.run(&["list"]);
    assert_eq!(refused.code, 1, "{refused:?}");
    // Verdaccio answers 403 to a revoked token (the npm registry, 401).
    assert_eq!(
        refused.stderr,
        format!(
            "npm-token error 403 Forbidden - GET {0}-/npm/v1/tokens - unauthorized access; the registry refused \
             this token or account (it may be revoked, read-only, or limited to other IP addresses); a granular \
             access token, or one that bypasses 2FA, cannot manage tokens: managing tokens on {0} needs a login \
             session: npm login --registry={0}\n",
            user.registry.url
        )
    );
    assert!(!refused.stderr.contains(&doomed_token));
}

#[test]
fn revoke_accepts_a_full_token_and_reports_keys() {
    let user = User::new();
    let created = user.create(&[]);
    let token = created["token"].as_str().unwrap();
    let key = user
        .list()
        .into_iter()
        .find(|t| t["created"] == created["created"])
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = user.run(&["rm", token, "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, format!("[\n  \"{key}\"\n]\n"));
    assert!(!run.stdout.contains(token) && !run.stderr.contains(token));
    assert!(user.list().iter().all(|t| t["key"] != key.as_str()));
}

#[test]
fn revoke_checks_every_id_before_deleting_any() {
    let user = User::new();
    user.create(&[]);
    let before = user.list();
    let id = before[0]["id"].as_str().unwrap();
    let run = user.run(&["revoke", id, "ffffffffffff"]);
    run.assert_error("Unknown token id or value \"ffffffffffff\".");
    assert_eq!(user.list().len(), before.len(), "nothing may be revoked");

    let usage = user.run(&["revoke"]);
    assert_eq!(usage.code, 1);
    assert!(
        usage
            .stderr
            .starts_with("npm-token error `<tokenKey>` argument is required.\n"),
        "{usage:?}"
    );
}

#[test]
fn wrong_password_on_create_says_so_and_hides_it() {
    let user = User::new();
    let run = user.run(&["create", "--password", "wrong-password-123"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "npm-token error 401 Unauthorized - POST {url}-/npm/v1/tokens - bad username/password, access denied; \
             check your password and try again (if it is right, the token for //127.0.0.1:{port}/ may have expired: \
             `npm login --registry={url}`)\n",
            url = user.registry.url,
            port = user.registry.port
        )
    );
    assert!(!run.stderr.contains("wrong-password-123"));
}

#[test]
fn invalid_cidr_is_refused_before_anything_is_sent() {
    let user = User::new();
    let before = user.list().len();
    user.run(&["create", "--password", &user.password, "--cidr", "10.0.0.1"])
        .assert_error("CIDR whitelist contains invalid CIDR entry: 10.0.0.1 (each entry is an IPv4 network, like 192.0.2.0/24, or 192.0.2.1/32 for one address)");
    user.run(&["create", "--cidr", "10.0.0.0/8", "--cidr", "2001:db8::/32"])
        .assert_error("CIDR whitelist can only contain IPv4 addresses, 2001:db8::/32 is IPv6");
    assert_eq!(user.list().len(), before);
}

#[test]
fn create_without_password_or_terminal_names_the_flag() {
    let user = User::new();
    user.run(&["create"]).assert_error(
        "creating a token needs your password, and there is no terminal to ask for it: \
         pass --password <password> or set npm_config_password",
    );
    // npm_config_password works like the flag.
    let run = Run::of(
        user.cmd()
            .args(["create", "--json"])
            .env("npm_config_password", &user.password),
    );
    assert_eq!(run.code, 0, "{run:?}");
}

/// Many DELETEs in flight at once: every token named goes, and Verdaccio loses none of the
/// deletions to the concurrency (the list is read again to check).
#[test]
fn revoking_many_tokens_at_once_leaves_none_behind() {
    let user = User::new();
    user.create(&["--read-only"]);
    for _ in 0..24 {
        user.create(&[]);
    }
    let ids: Vec<String> = user
        .list()
        .iter()
        .filter(|t| t["readonly"] == false)
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 24);
    let mut args = vec!["revoke", "--parseable"];
    args.extend(ids.iter().map(String::as_str));
    let run = user.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.trim_end().split('\t').count(), 24, "{run:?}");
    let left = user.list();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["readonly"], true);
}

/// On Verdaccio's classic tokens: the token in use is recognised by its mask, `status`
/// names the user, and `rotate --save` replaces it in the npmrc and revokes the old one.
#[test]
fn status_and_rotate_the_token_in_use() {
    let user = User::new();
    // Verdaccio lets a read-write token manage tokens (a read-only one gets 403).
    let created = user.create(&["--cidr", "127.0.0.1/32"]);
    let token = created["token"].as_str().unwrap().to_owned();
    user.use_token(&token);

    let run = user.run(&["status"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!("user      {}\n", user.name)),
        "{run:?}"
    );
    assert!(run.stdout.contains("\naccess    read-write\n"), "{run:?}");
    assert!(run.stdout.contains("\nCIDR      127.0.0.1/32\n"), "{run:?}");
    // Classic tokens never expire: nothing to fail on.
    assert_eq!(user.run(&["status", "--fail-within", "90"]).code, 0);

    let table = user.run(&["list", "--table"]);
    assert_eq!(table.stdout.matches("(in use)").count(), 1, "{table:?}");

    let run = user.run(&[
        "rotate",
        &token,
        "--save",
        "--password",
        &user.password,
        "--json",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    // One JSON line a step: created (handed over first), saved, tested, revoked.
    let events: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let steps: Vec<&str> = events.iter().map(|e| e["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["created", "saved", "tested", "revoked"], "{run:?}");
    let rotated = &events[0]["created"];
    let new_token = rotated["token"].as_str().unwrap();
    assert_ne!(new_token, token);
    assert_eq!(
        rotated["readonly"], false,
        "the old token's rights: {rotated}"
    );
    assert_eq!(
        events[2]["user"],
        user.name.as_str(),
        "tested as the same user"
    );
    let last = run.stderr.trim_end().rsplit('\n').next().unwrap();
    assert!(
        last.starts_with("Revoked ")
            && last.contains("; its replacement is ")
            && last.ends_with(": read-write."),
        "{run:?}"
    );
    let npmrc = std::fs::read_to_string(user.npmrc()).unwrap();
    assert!(
        npmrc.contains(new_token) && !npmrc.contains(&token),
        "{npmrc}"
    );
    // The saved token works; the old one is gone from the list.
    let left = user.list();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["cidr"], serde_json::json!(["127.0.0.1/32"]));
    let status = user.run(&["status", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(status["token"]["key"], left[0]["key"]);
}
