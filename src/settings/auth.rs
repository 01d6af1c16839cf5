//! Credentials: which are configured, which secrets to mask, and where the token in use
//! is written (`rotate --save`).

use std::path::PathBuf;

use base64::Engine;
use reqwest::Url;

use super::{ConfigError, DEFAULT_REGISTRY};
use crate::npmrc::{Config, Env, Layer, Value};
use crate::registry::{nerf_dart, nerf_dart_walk, Credential, Credentials};
use crate::secret::{Redactor, Secret};

/// npm refuses auth settings that are not scoped to a registry (`_authToken=…` at top level)
/// in any config file, naming each one and what it should be.
pub(super) fn check_unscoped_auth(config: &Config) -> Result<(), ConfigError> {
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

/// Every `//nerf/dart/:_authToken`, `:_auth` and `:username`+`:_password` configured in any
/// layer, each resolved through the layers, as npm-registry-fetch's `getAuth` does.
pub(super) fn collect_credentials(
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
pub(super) fn register_secrets(config: &Config, env: &Env, redactor: &Redactor) {
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
pub(super) fn decode_base64_lenient(s: &str) -> Option<String> {
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

/// Where the token in use was configured, for `rotate --save`: an npmrc file, every key in
/// it that holds the token (`//127.0.0.1:4873/` and `//localhost:4873/` may both), and the
/// other places that hold it too, which a save leaves as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedAt {
    pub file: PathBuf,
    /// The key npm reads for the registry first, then the file's other keys with the token.
    pub keys: Vec<String>,
    /// `KEY in FILE` (or `KEY in the environment`) for every other key set to the token.
    pub elsewhere: Vec<String>,
}

/// Where the registry's token is configured, when it is an `_authToken` line of an npmrc
/// file (not an environment variable, a flag, or another kind of credential).
pub(super) fn saved_at(config: &Config, registry: &Url) -> Result<SavedAt, String> {
    let tokens_url = registry
        .join("-/npm/v1/tokens")
        .expect("a fixed relative path joins onto any http(s) base");
    for dart in nerf_dart_walk(&tokens_url) {
        let key = format!("{dart}:_authToken");
        let Some((Value::Str(token), layer)) = config.get_with_layer(&key) else {
            continue;
        };
        let raw = |layer: &Layer, key: &str| match layer.get(key) {
            Some(Value::Str(raw)) => Some(raw.trim().to_owned()),
            _ => None,
        };
        let Some(file) = &layer.source else {
            return Err(format!(
                "the token in use comes from the {}, not an npmrc file: store the new token there yourself",
                layer.kind
            ));
        };
        // `${NPM_TOKEN}`: writing the new token there would replace a reference to a secret
        // with the secret. Refused now, before anything is created.
        if raw(layer, &key).is_some_and(|raw| raw.contains("${")) {
            return Err(format!(
                "{key} in {} refers to an environment variable: store the new token where that comes from",
                file.display()
            ));
        }
        let holds_token = |k: &&str| k.ends_with(":_authToken") && !token.is_empty();
        let mut keys = vec![key.clone()];
        let mut elsewhere = Vec::new();
        for other in config.layers() {
            let same_file = std::ptr::eq(other, layer);
            for k in other.keys().filter(holds_token) {
                let Some(value) = raw(other, k) else { continue };
                if same_file && k != key && value == token {
                    keys.push(k.to_owned());
                } else if !same_file && config.expand(&value) == token {
                    elsewhere.push(format!("{k} in {}", other.describe()));
                }
            }
        }
        return Ok(SavedAt {
            file: file.clone(),
            keys,
            elsewhere,
        });
    }
    Err("the registry's credential is not an `_authToken` in an npmrc file".to_owned())
}
