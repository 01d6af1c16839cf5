//! Flags, environment and npmrc layers, resolved once into the settings the commands use.
//! Resolving is a pure function of what was typed, the environment and the terminal, so that
//! every rule here is unit-tested without touching the process.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use reqwest::Url;

use crate::cidr::{parse_cidr_list, CidrError};
use crate::cli::{Job, RevokeJob, RotateJob};
use crate::hygiene::Filters;
use crate::log::LogLevel;
use crate::npmrc::{Config, Env, InvalidValue, Layer, LoadWarning, Value};
use crate::output::{Color, OutputFormat, Paint, Printer};
use crate::registry::{
    display_url, nerf_dart, nerf_dart_walk, ClientOptions, Credential, Credentials, Permission,
    RetryPolicy, TokenSpec, Transport,
};
use crate::secret::{Redactor, Secret};
use crate::terminal::Terminal;

pub const DEFAULT_REGISTRY: &str = "https://registry.npmjs.org/";
const DEFAULT_FETCH_TIMEOUT_MS: u64 = 5 * 60 * 1000;
/// A token list page is kilobytes; even 100 000 tokens in one page fit in this.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// All the pages of one token list together: a registry serving page after large page must
/// not take the memory of the machine (12 pages of 29 MB once reached 500 MB).
const MAX_LIST_BYTES: usize = 64 * 1024 * 1024;

/// What `create` and `rotate` were given for a new token, and the password to create it.
#[derive(Debug, Default)]
pub struct CreateSettings {
    pub given: SpecSettings,
    pub password: Option<Secret>,
}

/// Every setting that shapes a new token, each `None` where no flag, variable or npmrc line
/// gave it: `create` lays them over an empty request, `rotate` over the old token's.
#[derive(Debug, Default)]
pub struct SpecSettings {
    pub name: Option<String>,
    pub description: Option<String>,
    pub packages: Option<Vec<String>>,
    pub packages_all: Option<bool>,
    pub scopes: Option<Vec<String>>,
    pub orgs: Option<Vec<String>>,
    pub packages_and_scopes_permission: Option<Permission>,
    pub orgs_permission: Option<Permission>,
    /// `Some(None)`: `expires=0`, no expiry.
    pub expires_days: Option<Option<u32>>,
    pub cidr_whitelist: Option<Vec<String>>,
    pub bypass_2fa: Option<bool>,
    pub readonly: Option<bool>,
}

impl SpecSettings {
    /// `base` with every setting that was given in its place.
    pub fn apply(&self, mut base: TokenSpec) -> TokenSpec {
        fn put<T: Clone>(target: &mut T, given: &Option<T>) {
            if let Some(value) = given {
                target.clone_from(value);
            }
        }
        put(&mut base.name, &self.name.clone().map(Some));
        put(&mut base.description, &self.description.clone().map(Some));
        put(&mut base.packages, &self.packages);
        put(&mut base.packages_all, &self.packages_all);
        put(&mut base.scopes, &self.scopes);
        put(&mut base.orgs, &self.orgs);
        put(
            &mut base.packages_and_scopes_permission,
            &self.packages_and_scopes_permission.map(Some),
        );
        put(&mut base.orgs_permission, &self.orgs_permission.map(Some));
        put(&mut base.expires_days, &self.expires_days);
        put(&mut base.cidr_whitelist, &self.cidr_whitelist);
        put(&mut base.bypass_2fa, &self.bypass_2fa);
        put(&mut base.readonly, &self.readonly);
        // `--read-only` means read-only on npmjs.org too, where the permissions are what
        // counts: a `read-write` copied from an old token gives way unless one was given.
        if self.readonly == Some(true) {
            let lower = |p: Option<Permission>| match p {
                Some(Permission::ReadWrite) => Some(Permission::ReadOnly),
                other => other,
            };
            if self.packages_and_scopes_permission.is_none() {
                base.packages_and_scopes_permission = lower(base.packages_and_scopes_permission);
            }
            if self.orgs_permission.is_none() {
                base.orgs_permission = lower(base.orgs_permission);
            }
        }
        base
    }
}

/// Where the token in use was configured, for `rotate --save`: an npmrc file and its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedAt {
    pub file: PathBuf,
    pub key: String,
}

/// What the chosen command needs beyond the shared settings.
#[derive(Debug)]
pub enum CommandSettings {
    List {
        filters: Filters,
    },
    Create(CreateSettings),
    Revoke(RevokeJob),
    Status {
        fail_within: Option<u32>,
    },
    Rotate {
        job: RotateJob,
        /// What the new token gets instead of the old one's.
        given: CreateSettings,
        /// With `--save`: where to write the new token, or why it cannot be written.
        saved_at: Option<Result<SavedAt, String>>,
    },
}

/// The registry and the credential in use, to explain failures in the user's terms.
#[derive(Clone, Debug)]
pub struct AuthContext {
    /// The registry as it may be shown.
    pub registry: String,
    /// The nerf dart of the credential used for the registry, e.g. `//registry.npmjs.org/`.
    pub credential_key: String,
}

#[derive(Debug)]
pub struct Settings {
    pub client: ClientOptions,
    pub printer: Printer,
    pub command: CommandSettings,
    pub auth: AuthContext,
    /// The registry's token, to recognise it in the list (`None` for other credentials).
    pub token_in_use: Option<Secret>,
    /// A person can answer prompts.
    pub interactive: bool,
    /// Colour on stderr.
    pub paint_stderr: Paint,
    pub loglevel: LogLevel,
    /// Every secret configured, to scrub from anything printed on stderr.
    pub redactor: Redactor,
    /// Problems worth a warning that did not stop anything.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("Invalid auth configuration found: {problems}. Please run `npm config fix` to repair your configuration.")]
    InvalidAuth { problems: String },

    #[error("invalid registry URL \"{url}\": {reason}; set `registry` to an http(s) URL such as {DEFAULT_REGISTRY}")]
    InvalidRegistry { url: String, reason: String },

    #[error("invalid {key} \"{value}\" in {source_name}: {expected}")]
    InvalidValue {
        key: &'static str,
        value: String,
        source_name: String,
        expected: String,
    },

    #[error(transparent)]
    Cidr(#[from] CidrError),

    #[error("could not read the {key} file {}: {reason}", .path.display())]
    UnreadableFile {
        key: &'static str,
        path: PathBuf,
        reason: String,
    },

    #[error("no credentials for {nerf} (registry {registry}); log in with `npm login --registry={registry}`, or add a line `{nerf}:_authToken=<token>` to {user_config}")]
    NoCredentials {
        nerf: String,
        registry: String,
        user_config: String,
    },
}

impl From<InvalidValue> for ConfigError {
    fn from(e: InvalidValue) -> Self {
        ConfigError::InvalidValue {
            key: e.key,
            value: e.value,
            source_name: e.source,
            expected: e.expected,
        }
    }
}

/// The configuration layers, loaded once; `json` is known from here on, so that even an error
/// in the rest of the settings is reported in npm's JSON when `json` is configured.
pub struct Loaded {
    config: Config,
    warnings: Vec<String>,
    pub json: bool,
    /// Every secret configured, registered as the layers load: a handle the logger, the
    /// error reporter and the registry client share, so that from here on nothing printed
    /// carries one, not even an error about the configuration itself.
    pub redactor: Redactor,
}

impl Loaded {
    pub fn new(flags: Layer, env: &Env) -> Loaded {
        let mut load_warnings = Vec::new();
        let config = Config::load(flags, env, &mut load_warnings);
        let mut warnings: Vec<String> = load_warnings.into_iter().map(|LoadWarning(w)| w).collect();
        let json = config.bool("json", &mut warnings);
        let redactor = Redactor::default();
        register_secrets(&config, env, &redactor);
        Loaded {
            config,
            warnings,
            json,
            redactor,
        }
    }
}

impl Settings {
    /// Settings for a job from the loaded configuration, the environment and the terminal.
    pub fn resolve(
        job: Job,
        loaded: Loaded,
        env: &Env,
        terminal: &Terminal,
    ) -> Result<Settings, ConfigError> {
        let Loaded {
            config,
            mut warnings,
            json,
            redactor,
        } = loaded;
        let config = &config;
        check_unscoped_auth(config)?;
        let registry = registry_url(config)?;
        // What the user typed is checked before anything about the registry: a bad CIDR is
        // reported as such even where no credentials are configured.
        let command = match job {
            Job::List { filters } => CommandSettings::List { filters },
            Job::Create => CommandSettings::Create(create_settings(config, &mut warnings)?),
            Job::Revoke(job) => CommandSettings::Revoke(job),
            Job::Status { fail_within } => CommandSettings::Status { fail_within },
            Job::Rotate(job) => CommandSettings::Rotate {
                given: create_settings(config, &mut warnings)?,
                saved_at: job.save.then(|| saved_at(config, &registry)),
                job,
            },
        };
        let credentials = collect_credentials(config, &redactor, &mut warnings);
        let tokens_url = registry
            .join("-/npm/v1/tokens")
            .expect("a fixed relative path joins onto any http(s) base");
        let user_config = config.user_config_path();
        let transport = transport(config, env, &registry, &redactor)?;
        let client_cert_key = client_cert_files(config, &registry).map(|(key, _, _)| key);
        let token_in_use = match credentials.for_url(&tokens_url, &registry) {
            Some((_, Credential::Bearer(token))) => Some(token.clone()),
            _ => None,
        };
        let credential_key = match (credentials.for_url(&tokens_url, &registry), client_cert_key) {
            (Some((key, _)), _) => key.to_owned(),
            // A client certificate is credential enough, as for npm.
            (None, Some(key)) => key,
            (None, None) => {
                return Err(ConfigError::NoCredentials {
                    nerf: nerf_dart(&registry),
                    registry: display_url(&registry),
                    user_config: user_config
                        .as_ref()
                        .map_or("~/.npmrc".to_owned(), |p| p.display().to_string()),
                })
            }
        };

        let otp = config.get_str("otp").map(Secret::new);
        let loglevel = config
            .parsed_or_warn::<LogLevel>("loglevel", &mut warnings)
            .unwrap_or_default();
        let fetch_timeout = match config.number("fetch-timeout", &mut warnings) {
            Some(0) => None,
            Some(ms) => Some(Duration::from_millis(ms)),
            None => Some(Duration::from_millis(DEFAULT_FETCH_TIMEOUT_MS)),
        };
        let mut number = |key, default: u64| config.number(key, &mut warnings).unwrap_or(default);
        let retry = RetryPolicy {
            retries: number("fetch-retries", 2).min(u32::MAX.into()) as u32,
            factor: number("fetch-retry-factor", 10).min(u32::MAX.into()) as u32,
            min_timeout: Duration::from_millis(number("fetch-retry-mintimeout", 10_000)),
            max_timeout: Duration::from_millis(number("fetch-retry-maxtimeout", 60_000)),
        };

        let format = if json {
            OutputFormat::Json
        } else if config.bool("parseable", &mut warnings) {
            OutputFormat::Parseable
        } else if config.bool("table", &mut warnings)
            || (!config.bool("lines", &mut warnings) && terminal.stdout)
        {
            OutputFormat::Table
        } else {
            OutputFormat::Lines
        };
        let color = config.parsed_or_warn::<Color>("color", &mut warnings);
        let (paint_stdout, paint_stderr) = paint(color, env, terminal);

        Ok(Settings {
            client: ClientOptions {
                registry: registry.clone(),
                credentials,
                otp,
                auth_type: config
                    .get_str("auth-type")
                    .unwrap_or_else(|| "web".to_owned()),
                timeout: fetch_timeout,
                user_agent: format!(
                    "npm-token/{} ({} {})",
                    env!("CARGO_PKG_VERSION"),
                    std::env::consts::OS,
                    std::env::consts::ARCH
                ),
                max_body_bytes: MAX_BODY_BYTES,
                max_list_bytes: MAX_LIST_BYTES,
                retry,
                transport,
                redactor: redactor.clone(),
            },
            printer: Printer {
                format,
                paint: paint_stdout,
                progress: terminal.stderr && loglevel != LogLevel::Silent,
                width: terminal.width,
                ascii: env.var("TERM") == Some("dumb"),
                now: crate::token_info::now(),
            },
            command,
            auth: AuthContext {
                registry: display_url(&registry),
                credential_key,
            },
            token_in_use,
            interactive: terminal.stdin,
            paint_stderr,
            loglevel,
            redactor,
            warnings,
        })
    }
}

/// Whether stdout and stderr get colour: npm's `color` (`always`; `false`; else only on
/// terminals, and not `TERM=dumb` ones), or when unset, never if NO_COLOR is set to
/// something other than `0`.
pub fn paint(color: Option<Color>, env: &Env, terminal: &Terminal) -> (Paint, Paint) {
    let no_color = env
        .var("NO_COLOR")
        .is_some_and(|v| !v.is_empty() && v != "0");
    let allowed = match color {
        Some(Color::Always) => return (Paint(true), Paint(true)),
        Some(Color::Never) => false,
        Some(Color::Auto) => true,
        None => !no_color,
    };
    let capable =
        |is_terminal: bool| Paint(allowed && is_terminal && env.var("TERM") != Some("dumb"));
    (capable(terminal.stdout), capable(terminal.stderr))
}

/// The registry's `:certfile` and `:keyfile`, found by the nerf-dart walk.
fn client_cert_files(config: &Config, registry: &Url) -> Option<(String, PathBuf, PathBuf)> {
    let tokens_url = registry.join("-/npm/v1/tokens").ok()?;
    nerf_dart_walk(&tokens_url).find_map(|dart| {
        let cert = config.get_path_scoped(&format!("{dart}:certfile"))?;
        let key = config.get_path_scoped(&format!("{dart}:keyfile"))?;
        Some((dart, cert, key))
    })
}

/// Proxies and TLS, from npm's settings: `https-proxy`/`proxy` (else the HTTPS_PROXY /
/// HTTP_PROXY variables), `noproxy` (else NO_PROXY), `strict-ssl`, `ca` or `cafile`, and a
/// client certificate from `cert`+`key` or the registry's `:certfile`+`:keyfile`.
fn transport(
    config: &Config,
    env: &Env,
    registry: &Url,
    redactor: &Redactor,
) -> Result<Transport, ConfigError> {
    let env_var = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| env.var(n).filter(|v| !v.is_empty()).map(str::to_owned))
    };
    let proxy_setting =
        |value: Option<String>, key: &'static str| -> Result<Option<Secret>, ConfigError> {
            let Some(value) = value else { return Ok(None) };
            let url = Url::parse(&value).map_err(|_| ConfigError::InvalidValue {
                key,
                value: "(not shown)".into(),
                source_name: "your configuration".into(),
                expected: "expected a proxy URL such as http://proxy.example:8080".into(),
            })?;
            let value = Secret::new(value);
            if url.password().is_some() {
                redactor.register_url_credentials(&value);
            }
            Ok(Some(value))
        };
    let proxy = proxy_setting(
        config
            .get_str("https-proxy")
            .or_else(|| config.get_str("proxy")),
        "proxy",
    )?;
    let env_https_proxy = proxy_setting(env_var(&["HTTPS_PROXY", "https_proxy"]), "HTTPS_PROXY")?;
    let env_http_proxy = proxy_setting(env_var(&["HTTP_PROXY", "http_proxy"]), "HTTP_PROXY")?;
    let no_proxy = match config.get("noproxy") {
        Some(Value::List(hosts)) => Some(hosts.join(",")),
        Some(Value::Str(s)) if !s.is_empty() => Some(s),
        _ => env_var(&["NO_PROXY", "no_proxy"]),
    };
    let strict_ssl = match config.get("strict-ssl") {
        Some(Value::Bool(b)) => b,
        Some(Value::Str(s)) => s != "false",
        _ => true,
    };
    let read = |key: &'static str, path: &Path| {
        std::fs::read_to_string(path).map_err(|e| ConfigError::UnreadableFile {
            key,
            path: path.to_owned(),
            reason: e.to_string(),
        })
    };
    let ca = match config.get("ca") {
        Some(Value::List(pems)) => pems,
        Some(Value::Str(pem)) if !pem.is_empty() => pem.split("\n\n").map(str::to_owned).collect(),
        _ => match config.get_path("cafile") {
            Some(path) => vec![read("cafile", &path)?],
            None => Vec::new(),
        },
    };
    let client_identity = match (config.get_str("cert"), config.get_str("key")) {
        (Some(cert), Some(key)) => Some(format!("{cert}\n{key}")),
        _ => match client_cert_files(config, registry) {
            Some((_, cert, key)) => Some(format!(
                "{}\n{}",
                read("certfile", &cert)?,
                read("keyfile", &key)?
            )),
            None => None,
        },
    };
    Ok(Transport {
        proxy,
        env_https_proxy,
        env_http_proxy,
        no_proxy,
        strict_ssl,
        ca,
        client_identity: client_identity.map(Secret::new),
    })
}

/// npm refuses auth settings that are not scoped to a registry (`_authToken=…` at top level)
/// in any config file, naming each one and what it should be.
fn check_unscoped_auth(config: &Config) -> Result<(), ConfigError> {
    let registry = config
        .get_str("registry")
        .and_then(|r| Url::parse(&r).ok())
        .unwrap_or_else(|| Url::parse(DEFAULT_REGISTRY).expect("the default registry is a URL"));
    let nerfed = nerf_dart(&registry);
    let mut problems = Vec::new();
    for layer in config.file_layers() {
        let where_ = layer.kind;
        let has = |key: &str| layer.get(key).is_some_and(|v| *v != Value::Null);
        for key in ["_authtoken", "-authtoken"] {
            if has(key) {
                problems.push(format!(
                    "`{key}` is not allowed in {where_} config ({})",
                    layer.describe()
                ));
            }
        }
        for key in ["_auth", "_authToken", "username", "_password"] {
            if !has(key) {
                continue;
            }
            let orphan = (key == "username" && !has("_password"))
                || (key == "_password" && !has("username"));
            if orphan {
                problems.push(format!(
                    "`{key}` is not allowed in {where_} config ({})",
                    layer.describe()
                ));
            } else {
                problems.push(format!(
                    "`{key}` must be renamed to `{nerfed}:{key}` in {where_} config ({})",
                    layer.describe()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ConfigError::InvalidAuth {
            problems: problems.join(", "),
        })
    }
}

/// The registry URL, normalised to end in `/` so that a path prefix is kept when the API
/// paths are joined onto it (npm appends them the same way).
fn registry_url(config: &Config) -> Result<Url, ConfigError> {
    let raw = config
        .get_str("registry")
        .unwrap_or_else(|| DEFAULT_REGISTRY.to_owned());
    // Shown without its userinfo, even when it does not parse: a password may be there.
    let invalid = |reason: &str| ConfigError::InvalidRegistry {
        url: match Url::parse(&raw) {
            Ok(u) => mask_userinfo(&display_url(&u)),
            Err(_) => mask_userinfo(&raw),
        },
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("only http and https registries are supported"));
    }
    url.set_query(None);
    url.set_fragment(None);
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// `url` with what looks like userinfo (`user:password@`, before the host) replaced by
/// `***`, for a URL too broken to parse: the authority is what follows `://` (or the start)
/// up to the first `/`, `?` or `#`, and its userinfo everything up to its last `@`.
fn mask_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    }
}

/// Every `//nerf/dart/:_authToken`, `:_auth` and `:username`+`:_password` configured in any
/// layer, each resolved through the layers, as npm-registry-fetch's `getAuth` does.
fn collect_credentials(
    config: &Config,
    redactor: &Redactor,
    warnings: &mut Vec<String>,
) -> Credentials {
    let mut credentials = Credentials::default();
    let mut darts: Vec<String> = config
        .keys()
        .into_iter()
        .filter(|k| k.starts_with("//"))
        .filter_map(|k| {
            ["_authToken", "_auth", "username", "_password"]
                .iter()
                .find_map(|suffix| k.strip_suffix(suffix)?.strip_suffix(':'))
                .map(str::to_owned)
        })
        .collect();
    darts.sort();
    darts.dedup();
    for dart in darts {
        let get = |suffix: &str| config.get_str(&format!("{dart}:{suffix}"));
        let credential = if let Some(token) = get("_authToken") {
            Credential::Bearer(Secret::new(token))
        } else if let Some(auth) = get("_auth") {
            Credential::Basic(Secret::new(auth))
        } else if let (Some(user), Some(password)) = (get("username"), get("_password")) {
            let decoded = match decode_base64_lenient(&password) {
                Some(p) => p,
                None => {
                    warnings.push(format!(
                        "ignoring {dart}:_password: it is not base64, as npm expects"
                    ));
                    redactor.register(&Secret::new(password));
                    continue;
                }
            };
            redactor.register(&Secret::new(password));
            redactor.register(&Secret::new(decoded.clone()));
            let joined = format!("{user}:{decoded}");
            Credential::Basic(Secret::new(
                base64::engine::general_purpose::STANDARD.encode(joined),
            ))
        } else {
            continue;
        };
        match &credential {
            Credential::Bearer(token) => redactor.register(token),
            Credential::Basic(auth) => redactor.register_basic_auth(auth),
        }
        credentials.insert(dart, credential);
    }
    credentials
}

/// Registers every secret in the configuration, whatever the command and wherever it is set
/// (a registry may echo anything, and an error may quote a setting): tokens, passwords and
/// one-time passwords as they are, `_auth` and `_password` decoded too, and the userinfo of
/// proxy and registry URLs, including the proxies from the environment.
fn register_secrets(config: &Config, env: &Env, redactor: &Redactor) {
    for key in config.keys() {
        let Some(Value::Str(value)) = config.get(&key).filter(|v| *v != Value::Str(String::new()))
        else {
            continue;
        };
        // A scoped key (`//host/:_authToken`) by its last part.
        let name = key.rsplit(':').next().unwrap_or(&key);
        match name {
            "_authToken" | "_authtoken" | "-authtoken" | "password" | "otp" | "key" => {
                redactor.register(&Secret::new(value));
            }
            "_auth" => redactor.register_basic_auth(&Secret::new(value)),
            "_password" => {
                if let Some(decoded) = decode_base64_lenient(&value) {
                    redactor.register(&Secret::new(decoded));
                }
                redactor.register(&Secret::new(value));
            }
            "proxy" | "https-proxy" | "registry" => {
                redactor.register_url_credentials(&Secret::new(value));
            }
            _ => {}
        }
    }
    for name in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] {
        if let Some(url) = env.var(name) {
            redactor.register_url_credentials(&Secret::new(url));
        }
    }
}

/// Node's `Buffer.from(s, 'base64')` accepts missing padding and the URL-safe alphabet.
fn decode_base64_lenient(s: &str) -> Option<String> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = GeneralPurpose::new(&base64::alphabet::STANDARD, config)
        .decode(&cleaned)
        .or_else(|_| GeneralPurpose::new(&base64::alphabet::URL_SAFE, config).decode(&cleaned))
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Where the registry's token is configured, when it is an `_authToken` line of an npmrc
/// file (not an environment variable, a flag, or another kind of credential).
fn saved_at(config: &Config, registry: &Url) -> Result<SavedAt, String> {
    let tokens_url = registry
        .join("-/npm/v1/tokens")
        .expect("a fixed relative path joins onto any http(s) base");
    for dart in nerf_dart_walk(&tokens_url) {
        let key = format!("{dart}:_authToken");
        if let Some((_, layer)) = config.get_with_layer(&key) {
            return match &layer.source {
                // `${NPM_TOKEN}`: writing the new token there would replace a reference to a
                // secret with the secret. Refused now, before anything is created.
                Some(file) if matches!(layer.get(&key), Some(Value::Str(raw)) if raw.contains("${")) => {
                    Err(format!(
                        "{key} in {} refers to an environment variable: store the new token where that comes from",
                        file.display()
                    ))
                }
                Some(file) => Ok(SavedAt {
                    file: file.clone(),
                    key,
                }),
                None => Err(format!(
                    "the token in use comes from the {}, not an npmrc file: store the new token there yourself",
                    layer.kind
                )),
            };
        }
    }
    Err("the registry's credential is not an `_authToken` in an npmrc file".to_owned())
}

/// A number of days, as `expires` takes it.
struct Days(u32);

impl std::str::FromStr for Days {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.parse()
            .map(Days)
            .map_err(|_| "expected a whole number of days".to_owned())
    }
}

/// Settings that change what `create` asks the registry for are checked strictly: ignoring a
/// bad `orgs-permission` would create a token with wider access than intended.
fn create_settings(
    config: &Config,
    warnings: &mut Vec<String>,
) -> Result<CreateSettings, ConfigError> {
    let given = |key: &str| config.get(key).is_some_and(|v| v != Value::Null);
    let list = |key: &str| given(key).then(|| config.list(key));
    let mut flag = |key: &'static str| given(key).then(|| config.bool(key, warnings));
    let packages_all = flag("packages-all");
    let bypass_2fa = flag("bypass-2fa");
    let readonly = flag("read-only");
    Ok(CreateSettings {
        given: SpecSettings {
            name: config.get_str("name"),
            description: config.get_str("token-description"),
            packages: list("packages"),
            packages_all,
            scopes: list("scopes"),
            orgs: list("orgs"),
            packages_and_scopes_permission: config.parsed("packages-and-scopes-permission")?,
            orgs_permission: config.parsed("orgs-permission")?,
            expires_days: config
                .parsed::<Days>("expires")?
                .map(|Days(days)| (days > 0).then_some(days)),
            cidr_whitelist: list("cidr").map(|l| parse_cidr_list(&l)).transpose()?,
            bypass_2fa,
            readonly,
        },
        password: config.get_str("password").map(Secret::new),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Request;
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
        let f =
            Fixture::new("//r/:username=bob\n//r/:_password=cGFzcyB3b3Jk\nregistry=http://r/\n");
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
}
