use super::*;
use crate::cli::Request;
use crate::registry::{Permission, TokenSpec};
use std::collections::HashMap;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(npmrc: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".npmrc"), npmrc).unwrap();
        Fixture { dir }
    }

    fn env(&self, vars: &[(&str, &str)]) -> Env {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let user = self.dir.path().join(".npmrc").display().to_string();
        map.entry("npm_config_userconfig".into()).or_insert(user);
        map.insert(
            "npm_config_globalconfig".into(),
            self.dir.path().join("no-global").display().to_string(),
        );
        Env {
            vars: map,
            cwd: self.dir.path().to_owned(),
            home: Some(self.dir.path().to_owned()),
        }
    }

    fn resolve(&self, args: &[&str], vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        self.resolve_in(args, vars, &Terminal::default())
    }

    fn resolve_in(
        &self,
        args: &[&str],
        vars: &[(&str, &str)],
        terminal: &Terminal,
    ) -> Result<Settings, ConfigError> {
        let argv = std::iter::once("npm-token").chain(args.iter().copied());
        let parsed = crate::cli::parse(argv.map(std::ffi::OsString::from)).unwrap();
        let Request::Registry(job) = parsed.cli.request() else {
            panic!("not a registry job: {args:?}");
        };
        let env = self.env(vars);
        Settings::resolve(job, Loaded::new(parsed.layer, &env), &env, terminal)
    }
}

fn create(s: &Settings) -> &CreateSettings {
    match &s.command {
        CommandSettings::Create(create) => create,
        other => panic!("not create: {other:?}"),
    }
}

#[test]
fn given_settings_replace_only_what_they_give() {
    let old = TokenSpec {
        name: Some("ci".into()),
        packages: vec!["a".into()],
        packages_and_scopes_permission: Some(Permission::ReadWrite),
        orgs_permission: Some(Permission::ReadWrite),
        expires_days: Some(90),
        bypass_2fa: true,
        ..TokenSpec::default()
    };
    let f = Fixture::new("//r/:_authToken=x\nregistry=http://r/\n");
    let s = f
        .resolve(&["rotate", "abc", "--expires", "30", "--read-only"], &[])
        .unwrap();
    let CommandSettings::Rotate { given, .. } = &s.command else {
        panic!("not rotate");
    };
    let new = given.given.apply(old.clone());
    assert_eq!(new.name.as_deref(), Some("ci"));
    assert_eq!(new.packages, ["a"]);
    assert_eq!(new.expires_days, Some(30));
    assert!(new.bypass_2fa && new.readonly);
    // Read-only means read-only on npmjs.org too.
    assert_eq!(
        new.packages_and_scopes_permission,
        Some(Permission::ReadOnly)
    );
    assert_eq!(new.orgs_permission, Some(Permission::ReadOnly));
    // Nothing given: the old token's spec, unchanged.
    let s = f.resolve(&["rotate", "abc"], &[]).unwrap();
    let CommandSettings::Rotate { given, .. } = &s.command else {
        panic!("not rotate");
    };
    assert_eq!(given.given.apply(old.clone()), old);
}

/// Each change to the old token is named with the setting that asked for it, its own or
/// the one that implies it (`--read-only` lowers a copied permission).
#[test]
fn changes_name_the_setting_that_made_them() {
    let old = TokenSpec {
        name: Some("ci".into()),
        packages_and_scopes_permission: Some(Permission::ReadWrite),
        orgs_permission: Some(Permission::NoAccess),
        expires_days: Some(90),
        ..TokenSpec::default()
    };
    let f = Fixture::new("//r/:_authToken=x\nregistry=http://r/\nname=ci\n");
    let s = f
        .resolve(
            &["rotate", "abc", "--read-only"],
            &[("npm_config_expires", "0")],
        )
        .unwrap();
    let CommandSettings::Rotate { given, .. } = &s.command else {
        panic!("not rotate");
    };
    let new = given.given.apply(old.clone());
    let changes: Vec<_> = given
        .given
        .changes(&old, &new)
        .into_iter()
        .map(|c| (c.what, c.old, c.new, c.from, c.on_command_line))
        .collect();
    let change = |what, old: &str, new: &str, from: &str, cli| {
        (what, old.to_owned(), new.to_owned(), from.to_owned(), cli)
    };
    assert_eq!(
        changes,
        [
            change(
                "packages and scopes permission",
                "read-write",
                "read-only",
                "--read-only",
                true
            ),
            change(
                "lifetime",
                "90 days",
                "no expiry",
                "npm_config_expires",
                false
            ),
            change("read-only", "no", "yes", "--read-only", true),
        ],
        "the name given is the old one's, and no-access stays: neither is a change"
    );
}

#[test]
fn registry_and_token_from_user_config() {
    let f = Fixture::new(
        "registry=http://127.0.0.1:4873/prefix\n//127.0.0.1:4873/prefix/:_authToken=t0k3n\n",
    );
    let s = f.resolve(&["list"], &[]).unwrap();
    assert_eq!(s.auth.registry.as_str(), "http://127.0.0.1:4873/prefix/");
    assert_eq!(s.auth.credential_key, "//127.0.0.1:4873/prefix/");
    assert_eq!(s.redactor.redact("x t0k3n y"), "x *** y");
}

#[test]
fn flags_beat_env_beat_files() {
    let f = Fixture::new("registry=http://file/\n//file/:_authToken=a\n//env/:_authToken=b\n//flag/:_authToken=c\njson=true\n");
    let s = f
        .resolve(&[], &[("npm_config_registry", "http://env/")])
        .unwrap();
    assert_eq!(s.auth.registry.as_str(), "http://env/");
    assert_eq!(s.printer.format, OutputFormat::Json);
    let s = f
        .resolve(
            &["--registry", "http://flag/"],
            &[("npm_config_registry", "http://env/")],
        )
        .unwrap();
    assert_eq!(s.auth.registry.as_str(), "http://flag/");
}

#[test]
fn basic_auth_from_username_and_password() {
    // _password is base64("pass word").
    let f = Fixture::new("//r/:username=bob\n//r/:_password=cGFzcyB3b3Jk\nregistry=http://r/\n");
    let s = f.resolve(&[], &[]).unwrap();
    let url = Url::parse("http://r/-/npm/v1/tokens").unwrap();
    let (_, cred) = s
        .client
        .credentials
        .for_url(&url, &s.client.registry)
        .unwrap();
    match cred {
        Credential::Basic(b) => assert_eq!(b.expose(), "Ym9iOnBhc3Mgd29yZA=="),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.redactor.redact("pass word"), "***");
}

#[test]
fn unscoped_auth_is_refused_like_npm() {
    let f = Fixture::new("registry=http://127.0.0.1:4999/\n_authToken=abc\n");
    let err = f.resolve(&[], &[]).unwrap_err().to_string();
    assert!(
        err.starts_with("Invalid auth configuration found: `_authToken` must be renamed to `//127.0.0.1:4999/:_authToken` in user config ("),
        "{err}"
    );
    assert!(err.ends_with("Please run `npm config fix` to repair your configuration."));
    assert!(!err.contains("abc"));
}

#[test]
fn every_configured_secret_is_registered_as_the_layers_load() {
    // base64("alice:s3cr3t-pw"), and a _password of base64("pass word").
    let f = Fixture::new(
        "//a/:_auth=YWxpY2U6czNjcjN0LXB3\n//b/:username=bob\n//b/:_password=cGFzcyB3b3Jk\n\
         registry=http://c/\n//c/:_authToken=tok-c-123\nproxy=http://me:pr%40xy@proxy.example/\notp=246810\n",
    );
    let env = f.env(&[
        ("npm_config_password", "hunter22"),
        ("HTTPS_PROXY", "http://u:env-proxy-pw@p/"),
    ]);
    let argv = ["npm-token"].map(std::ffi::OsString::from);
    let parsed = crate::cli::parse(argv).unwrap();
    let loaded = Loaded::new(parsed.layer, &env);
    assert_eq!(
        loaded.redactor.redact(
            "alice:s3cr3t-pw s3cr3t-pw YWxpY2U6czNjcjN0LXB3 pass word cGFzcyB3b3Jk tok-c-123 \
             pr@xy pr%40xy 246810 hunter22 env-proxy-pw"
        ),
        ["***"; 11].join(" ")
    );
    // Settings and the registry client share that one redactor: a secret learnt later
    // (typed at a prompt) is seen by both.
    let s = Settings::resolve(
        Job::List {
            filters: Filters::default(),
        },
        loaded,
        &env,
        &Terminal::default(),
    )
    .unwrap();
    s.redactor.register(&Secret::new("typed-later"));
    assert_eq!(s.client.redactor.redact("typed-later"), "***");
}

#[test]
fn missing_credentials_name_the_registry() {
    let f = Fixture::new("registry=http://127.0.0.1:4999/\n//other/:_authToken=x\n");
    let err = f.resolve(&[], &[]).unwrap_err().to_string();
    assert!(err.starts_with("no credentials for //127.0.0.1:4999/ (registry http://127.0.0.1:4999/); log in with `npm login --registry=http://127.0.0.1:4999/`, or add a line `//127.0.0.1:4999/:_authToken=<token>` to "), "{err}");
}

#[test]
fn bad_registry_urls_are_errors() {
    for bad in ["not a url", "ftp://x/", "file:///etc/"] {
        let f = Fixture::new(&format!("registry={bad}\n"));
        let err = f.resolve(&[], &[]).unwrap_err().to_string();
        assert!(err.starts_with("invalid registry URL"), "{bad}: {err}");
    }
}

#[test]
fn an_invalid_registry_url_is_shown_without_its_userinfo() {
    for (bad, shown) in [
        ("http://me:hunter2@[::1/", "http://***@[::1/"),
        ("http://me:hun@ter2@ho st/x@y", "http://***@ho st/x@y"),
        ("me:hunter2@registry.example/", "***@registry.example/"),
        ("ftp://me:hunter2@r.example/", "ftp://r.example/"),
        ("mailto:me:hunter2@r.example", "***@r.example"),
        ("http://:hunter2@/", "http://***@/"),
        ("not a url", "not a url"),
    ] {
        let f = Fixture::new(&format!("registry={bad}\n"));
        let err = f.resolve(&[], &[]).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("invalid registry URL \"{shown}\": ")),
            "{bad}: {err}"
        );
        assert!(!err.contains("hunter2") && !err.contains("ter2"), "{err}");
    }
}

#[test]
fn create_options_from_config_layers() {
    let f = Fixture::new("//r/:_authToken=x\nregistry=http://r/\ncidr[]=10.0.0.0/8\ncidr[]=192.0.2.0/24\nread-only=true\n");
    let s = f
        .resolve(
            &["create", "--name", "ci"],
            &[("npm_config_password", "hunter22")],
        )
        .unwrap();
    assert_eq!(
        create(&s).given.apply(TokenSpec::default()).cidr_whitelist,
        ["10.0.0.0/8", "192.0.2.0/24"]
    );
    let spec = create(&s).given.apply(TokenSpec::default());
    assert!(spec.readonly);
    assert_eq!(spec.name.as_deref(), Some("ci"));
    assert_eq!(create(&s).password.as_ref().unwrap().expose(), "hunter22");
    assert_eq!(s.redactor.redact("hunter22"), "***");
}

#[test]
fn invalid_permissions_in_config_are_errors_not_ignored() {
    let f = Fixture::new("//r/:_authToken=x\nregistry=http://r/\norgs-permission=admin\n");
    let err = f.resolve(&["create"], &[]).unwrap_err().to_string();
    assert!(
        err.starts_with("invalid orgs-permission \"admin\" in "),
        "{err}"
    );
    // Stage-only is for packages and scopes: refused for organizations from any layer.
    let f = Fixture::new(
        "//r/:_authToken=x\nregistry=http://r/\norgs-permission=read-write-stage-only\n",
    );
    let err = f.resolve(&["create"], &[]).unwrap_err().to_string();
    assert!(
        err.contains("stage-only is for packages and scopes"),
        "{err}"
    );
    let err = Fixture::new("//r/:_authToken=x\nregistry=http://r/\n")
        .resolve(
            &["create", "--orgs-permission", "read-write-stage-only"],
            &[],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("in command line: organizations take"), "{err}");
}

#[test]
fn odd_booleans_warn_and_are_ignored() {
    let f = Fixture::new("//r/:_authToken=x\nregistry=http://r/\njson=banana\n");
    let s = f.resolve(&["--lines"], &[]).unwrap();
    assert_eq!(s.printer.format, OutputFormat::Lines);
    assert!(
        s.warnings[0].starts_with("ignoring json \"banana\""),
        "{:?}",
        s.warnings
    );
}

/// `--read-only` with any permission that can write is refused, for both permissions; one
/// that does not write goes through. (Every permission there is, so one added later is
/// checked too: it counts as writing unless it is read-only or no-access.)
#[test]
fn read_only_refuses_every_permission_that_writes() {
    let f = Fixture::new("//r/:_authToken=x\nregistry=http://r/\n");
    for permission in Permission::ALL {
        for key in ["--packages-and-scopes-permission", "--orgs-permission"] {
            for command in [&["create"][..], &["rotate", "abc123"]] {
                let mut args = command.to_vec();
                args.extend(["--read-only", key, permission.as_str()]);
                let result = f.resolve(&args, &[]);
                let writes = !matches!(permission, Permission::ReadOnly | Permission::NoAccess);
                match result {
                    Err(ConfigError::Contradiction(message)) => {
                        assert!(writes, "{args:?}: {message}");
                        assert!(
                            message.starts_with(&format!(
                                "--read-only and {key} {} contradict each other",
                                permission.as_str()
                            )),
                            "{message}"
                        );
                    }
                    Ok(_) => assert!(!writes, "{args:?} was not refused"),
                    // Stage-only is no permission on orgs at all: refused for that first.
                    Err(ConfigError::InvalidValue { .. })
                        if key == "--orgs-permission" && !permission.applies_to_orgs() => {}
                    Err(other) => panic!("{args:?}: {other}"),
                }
            }
        }
    }
}

/// `--packages-all` given to `rotate` means all packages: the old token's list goes.
#[test]
fn packages_all_replaces_the_old_tokens_packages_and_scopes() {
    let old = TokenSpec {
        packages: vec!["a".into()],
        scopes: vec!["@s".into()],
        ..TokenSpec::default()
    };
    let f = Fixture::new("//r/:_authToken=x\nregistry=http://r/\n");
    let s = f
        .resolve(&["rotate", "abc", "--packages-all"], &[])
        .unwrap();
    let CommandSettings::Rotate { given, .. } = &s.command else {
        panic!("not rotate");
    };
    let new = given.given.apply(old);
    assert!(new.packages_all && new.packages.is_empty() && new.scopes.is_empty());
}
