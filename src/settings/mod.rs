//! Flags, environment and npmrc layers, resolved once into the settings the commands use.
//! Resolving is a pure function of what was typed, the environment and the terminal, so that
//! every rule here is unit-tested without touching the process.

mod auth;
mod changes;
mod create;
mod source;
mod transport;

use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;

use crate::audit::{local_findings, LocalFinding};
use crate::cidr::CidrError;
use crate::cli::{Job, RevokeJob, RotateJob};
use crate::hygiene::Filters;
use crate::log::LogLevel;
use crate::npmrc::{Config, Env, InvalidValue, Layer, LoadWarning};
use crate::output::{Color, OutputFormat, Paint, Printer};
use crate::registry::{display_url, nerf_dart, ClientOptions, Credential, RetryPolicy};

use crate::secret::{Redactor, Secret};
use crate::terminal::Terminal;
pub use auth::SavedAt;
use auth::{check_unscoped_auth, collect_credentials, register_secrets, saved_at};
pub use changes::Change;
use create::create_settings;
pub use create::CreateSettings;
pub use source::{credential_source, referenced_variables, CredentialSource, Origin};
use transport::{client_cert_files, transport};

pub const DEFAULT_REGISTRY: &str = "https://registry.npmjs.org/";
const DEFAULT_FETCH_TIMEOUT_MS: u64 = 5 * 60 * 1000;
/// A token list page is kilobytes; even 100 000 tokens in one page fit in this.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// All the pages of one token list together: a registry serving page after large page must
/// not take the memory of the machine (12 pages of 29 MB once reached 500 MB).
const MAX_LIST_BYTES: usize = 64 * 1024 * 1024;

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
        /// Where the credential in use is set.
        source: Option<CredentialSource>,
    },
    Audit(AuditSettings),
    Rotate {
        job: RotateJob,
        /// What the new token gets instead of the old one's.
        given: CreateSettings,
        /// With `--save`: where to write the new token, or why it cannot be written.
        saved_at: Option<Result<SavedAt, String>>,
    },
}

/// What `audit` knows before it asks the registry anything.
#[derive(Debug, Default)]
pub struct AuditSettings {
    /// This machine only: no request.
    pub local: bool,
    /// What the npmrc layers and the environment show.
    pub findings: Vec<LocalFinding>,
    /// Where the credential in use is set.
    pub source: Option<CredentialSource>,
    /// Why the account's tokens cannot be asked for: no credential for the registry.
    pub no_credential: Option<String>,
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
    /// stdout goes to the null device: a new token printed there would be lost.
    pub output_discarded: bool,
    /// stdout is a terminal: what is printed there is on screen, above what follows.
    pub stdout_terminal: bool,
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

    /// Two settings that ask for different tokens (`--read-only` and a permission that
    /// writes): the whole message.
    #[error("{0}")]
    Contradiction(String),

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
        let mut command = match job {
            Job::List { filters } => CommandSettings::List { filters },
            Job::Create => CommandSettings::Create(create_settings(config, &mut warnings)?),
            Job::Revoke(job) => CommandSettings::Revoke(job),
            Job::Status { fail_within } => CommandSettings::Status {
                fail_within,
                source: None,
            },
            Job::Audit { local } => CommandSettings::Audit(AuditSettings {
                local,
                ..AuditSettings::default()
            }),
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
                let missing = ConfigError::NoCredentials {
                    nerf: nerf_dart(&registry),
                    registry: display_url(&registry),
                    user_config: user_config
                        .as_ref()
                        .map_or("~/.npmrc".to_owned(), |p| p.display().to_string()),
                };
                match &mut command {
                    // This machine can be audited without one.
                    CommandSettings::Audit(audit) => {
                        audit.no_credential = Some(missing.to_string());
                        nerf_dart(&registry)
                    }
                    _ => return Err(missing),
                }
            }
        };
        match &mut command {
            CommandSettings::Status { source, .. } => {
                *source = credential_source(config, &credential_key);
            }
            CommandSettings::Audit(audit) => {
                audit.source = credential_source(config, &credential_key);
                audit.findings = local_findings(config, audit.source.as_ref());
            }
            _ => {}
        }

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
                progress: terminal.stderr
                    && loglevel != LogLevel::Silent
                    && env.var("TERM") != Some("dumb"),
                width: terminal.width,
                ascii: env.var("TERM") == Some("dumb"),
                now: crate::token_info::Now::read(),
            },
            command,
            auth: AuthContext {
                registry: display_url(&registry),
                credential_key,
            },
            token_in_use,
            interactive: terminal.stdin,
            output_discarded: terminal.stdout_discarded,
            stdout_terminal: terminal.stdout,
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

#[cfg(test)]
mod tests;
