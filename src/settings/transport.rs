//! How to reach the registry: proxies, TLS and client certificates, from npm's settings.

use std::path::{Path, PathBuf};

use reqwest::Url;

use super::ConfigError;
use crate::npmrc::{Config, Env, Value};
use crate::registry::{nerf_dart_walk, Transport};
use crate::secret::{Redactor, Secret};

/// The registry's `:certfile` and `:keyfile`, found by the nerf-dart walk.
pub(super) fn client_cert_files(
    config: &Config,
    registry: &Url,
) -> Option<(String, PathBuf, PathBuf)> {
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
pub(super) fn transport(
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
        let unreadable = |reason: String| ConfigError::UnreadableFile {
            key,
            path: path.to_owned(),
            reason,
        };
        let bytes = crate::npmrc::read_bounded(path).map_err(|e| unreadable(e.to_string()))?;
        String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".to_owned()))
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
