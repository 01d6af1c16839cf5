//! npm's configuration layers, end to end: the binary reads what npm reads.

use crate::support::{Run, Sandbox, User, BIN};

/// A user whose token is only in the given place; the user npmrc names just the registry.
fn user_without_token_in_npmrc() -> User {
    let user = User::new();
    user.write_npmrc(&format!("registry={}\n", user.registry.url));
    user.create_via_login_token();
    user
}

impl User {
    fn create_via_login_token(&self) {
        let run = Run::of(
            self.cmd()
                .args(["create", "--password", &self.password])
                .env(
                    format!("npm_config_//127.0.0.1:{}/:_authToken", self.registry.port),
                    &self.token,
                ),
        );
        assert_eq!(run.code, 0, "{run:?}");
    }

    fn auth_line(&self) -> String {
        format!(
            "//127.0.0.1:{}/:_authToken={}\n",
            self.registry.port, self.token
        )
    }
}

#[test]
fn project_npmrc_next_to_package_json_is_read() {
    let user = user_without_token_in_npmrc();
    let project = user.home().join("project");
    let deep = project.join("src/deep");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(project.join("package.json"), "{}").unwrap();
    std::fs::write(project.join(".npmrc"), user.auth_line()).unwrap();
    let run = Run::of(user.cmd().arg("--json").current_dir(&deep));
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&run.stdout)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn userconfig_flag_env_expansion_and_global_config() {
    let user = user_without_token_in_npmrc();
    let other = user.home().join("other.npmrc");
    // `${VAR}` in the value, as people keep tokens out of files.
    std::fs::write(
        &other,
        format!(
            "//127.0.0.1:{}/:_authToken=${{MY_NPM_TOKEN}}\n",
            user.registry.port
        ),
    )
    .unwrap();
    let run = Run::of(
        user.cmd()
            .args(["list", "--registry", &user.registry.url, "--userconfig"])
            .arg(&other)
            .env("MY_NPM_TOKEN", &user.token),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("Token "), "{run:?}");

    let global = user.home().join("global.npmrc");
    std::fs::write(&global, user.auth_line()).unwrap();
    let run = Run::of(
        user.cmd()
            .arg("--parseable")
            .env("NPM_CONFIG_GLOBALCONFIG", &global),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 2);
    let run = Run::of(
        user.cmd()
            .arg("--parseable")
            .arg("--globalconfig")
            .arg(&global),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 2);
}

#[test]
fn npm_config_environment_variables_work_like_flags() {
    let user = User::new();
    user.create(&[]);
    let run = Run::of(user.cmd().env("npm_config_json", "true"));
    assert!(run.stdout.starts_with("[\n"), "{run:?}");
    let run = Run::of(user.cmd().env("NPM_CONFIG_PARSEABLE", "true"));
    assert!(run.stdout.starts_with("key\ttoken\t"), "{run:?}");
}

#[test]
fn unscoped_auth_token_is_refused_with_npms_explanation() {
    let user = User::new();
    user.write_npmrc(&format!(
        "registry={}\n_authToken={}\n",
        user.registry.url, user.token
    ));
    let run = user.run(&["list"]);
    run.assert_error(&format!(
        "Invalid auth configuration found: `_authToken` must be renamed to `//127.0.0.1:{}/:_authToken` in user config ({}). \
         Please run `npm config fix` to repair your configuration.",
        user.registry.port,
        user.npmrc().display()
    ));
}

#[test]
fn no_credentials_is_refused_before_any_request() {
    let user = User::new();
    user.write_npmrc(&format!("registry={}\n", user.registry.url));
    user.run(&["list"]).assert_error(&format!(
        "no credentials for //127.0.0.1:{port}/ (registry {url}); log in with `npm login --registry={url}`, \
         or add a line `//127.0.0.1:{port}/:_authToken=<token>` to {npmrc}",
        port = user.registry.port,
        url = user.registry.url,
        npmrc = user.npmrc().display()
    ));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let run = Sandbox::empty().run(&["bogus"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("npm-token error bogus is not a recognized subcommand.\n"),
        "{run:?}"
    );
}

#[test]
fn a_terminal_gets_a_table_and_a_silent_password_prompt() {
    let user = User::new();
    let run = user.in_terminal(
        &format!("{BIN} create"),
        Some("npm password: "),
        &format!("{}\n", user.password),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("npm password: "), "{run:?}");
    assert!(
        !run.stdout.contains(&user.password),
        "the password was echoed: {run:?}"
    );
    assert!(run.stdout.contains("Created token "), "{run:?}");

    let run = user.in_terminal(BIN, None, "");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(" id ") && run.stdout.contains("┆"),
        "{run:?}"
    );
    assert!(run.stdout.contains("read-write"), "{run:?}");
}

#[test]
fn completions_and_man_page_need_no_configuration() {
    // No npmrc anywhere, no registry, no credentials.
    let bare = Sandbox::empty();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = bare.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        // Option names without dashes: fish writes `-l read-only`.
        for word in [
            "npm-token",
            "create",
            "revoke",
            "read-only",
            "cidr",
            "registry",
        ] {
            assert!(run.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let man = bare.run(&["man"]);
    assert_eq!(man.code, 0, "{man:?}");
    assert!(man.stdout.contains(".TH npm-token 1"), "{man:?}");
    for word in ["create", "revoke", "\\-\\-registry"] {
        assert!(
            man.stdout.contains(word),
            "the man page lacks {word}: {man:?}"
        );
    }
}

/// `json` from any layer, not only the flag, makes errors npm's JSON object on stdout, as in
/// npm; with the error in the settings themselves as much as in a request.
#[test]
fn json_from_an_npmrc_or_the_environment_also_makes_json_errors() {
    let sandbox = Sandbox::new("registry=http://127.0.0.1:9/\njson=true\n");
    let run = sandbox.run(&["list"]);
    assert_eq!(run.code, 1, "{run:?}");
    let error: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(error["error"]["code"], "ENEEDAUTH", "{run:?}");
    let sandbox = Sandbox::new("registry=http://127.0.0.1:9/\n//127.0.0.1:9/:_authToken=t\n");
    let run = Run::of(
        sandbox
            .cmd()
            .args(["list", "--fetch-retries=0"])
            .env("npm_config_json", "true"),
    );
    let error: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(error["error"]["code"], "ECONNREFUSED", "{run:?}");
    // `--no-json` on the command line wins over the file, as any flag does.
    let sandbox = Sandbox::new("registry=http://127.0.0.1:9/\njson=true\n");
    let run = sandbox.run(&["list", "--no-json"]);
    assert_eq!(run.stdout, "", "{run:?}");
}

/// A configuration the HTTP client cannot be built from is an error with a code, like any
/// other configuration error.
#[test]
fn an_unusable_ca_is_a_config_error_with_its_code() {
    let sandbox = Sandbox::new(
        "registry=https://127.0.0.1:9/\n//127.0.0.1:9/:_authToken=t\nca=not a certificate\n",
    );
    let run = sandbox.run(&["list", "--json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let error: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(error["error"]["code"], "EINVALIDCONFIG", "{run:?}");
    assert!(
        run.stderr
            .contains("the `ca` / `cafile` setting holds no readable PEM certificate"),
        "{run:?}"
    );
}

/// npm's ways of writing a flag: `--no-<flag>`, `--<flag>=false`, and its shorthands.
#[test]
fn every_setting_is_a_flag_written_as_npm_writes_it() {
    let sandbox = Sandbox::new("registry=http://127.0.0.1:9/\n//127.0.0.1:9/:_authToken=t\n");
    for args in [
        &["list", "--fetch-retries", "0", "--fetch-timeout=1000"][..],
        &[
            "list",
            "--fetch-retries=0",
            "--no-color",
            "--strict-ssl=false",
        ],
        &["list", "--fetch-retries=0", "--color=false", "-s"],
        &[
            "--fetch-retries=0",
            "--noproxy",
            "127.0.0.1",
            "--proxy",
            "http://127.0.0.1:9/",
        ],
    ] {
        let run = sandbox.run(args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(
            run.stderr.ends_with("(ECONNREFUSED); check that the registry is up and reachable, and if you are behind a proxy, that the `proxy` config is set\n"),
            "{args:?}: {run:?}"
        );
        assert!(!run.stderr.contains("retrying"), "{args:?}: {run:?}");
    }
    let run = sandbox.run(&["list", "--fetch-retries=many"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("invalid value 'many' for '--fetch-retries <N>'"),
        "{run:?}"
    );
    let run = sandbox.run(&["list", "--no-fetch-retries"]);
    assert!(
        run.stderr
            .contains("unexpected argument '--no-fetch-retries'"),
        "{run:?}"
    );
}

/// An argument that is not UTF-8 is a usage error like any other, not a panic.
#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let sandbox = Sandbox::empty();
    for args in [&[&b"\xff"[..]][..], &[b"list", b"\xff"]] {
        let mut cmd = sandbox.cmd();
        cmd.args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a)));
        let run = Run::of(&mut cmd);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(!run.stderr.contains("panicked"), "{run:?}");
        assert!(run.stderr.ends_with("for usage.\n"), "{run:?}");
    }
}
