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
