//! The HTTP clients as npm's settings describe them (proxies, TLS, certificates), and
//! what a failure below HTTP is called.

use super::ClientOptions;
use crate::registry::error::RegistryError;
use crate::secret::Secret;

/// How to reach the registry: proxies and TLS, from npm's settings.
#[derive(Clone, Debug, Default)]
pub struct Transport {
    /// `https-proxy` or `proxy`: every request goes through it.
    pub proxy: Option<Secret>,
    /// Without one: `HTTPS_PROXY`/`HTTP_PROXY` from the environment, by the request's scheme.
    pub env_https_proxy: Option<Secret>,
    pub env_http_proxy: Option<Secret>,
    /// `noproxy` or `NO_PROXY`: hosts reached directly.
    pub no_proxy: Option<String>,
    /// `strict-ssl=false` accepts any certificate.
    pub strict_ssl: bool,
    /// `ca` / `cafile`: PEM certificates to trust instead of the built-in roots.
    pub ca: Vec<String>,
    /// `cert` + `key`, or the registry's `:certfile` + `:keyfile`: a PEM client
    /// certificate followed by its key, for mutual TLS.
    pub client_identity: Option<Secret>,
}

/// An HTTP client as npm's settings describe it; with `tls`, also its certificates.
pub(super) fn build_http_client(
    options: &ClientOptions,
    tls: bool,
) -> Result<reqwest::Client, RegistryError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(options.user_agent.clone())
        .redirect(reqwest::redirect::Policy::none());
    if let Some(timeout) = options.timeout {
        builder = builder.timeout(timeout);
    }
    builder = configure_proxies(builder, &options.transport)?;
    if tls {
        builder = configure_tls(builder, &options.transport)?;
    } else {
        builder = builder.tls_built_in_root_certs(false).https_only(false);
    }
    builder
        .build()
        .map_err(|e| RegistryError::Client(e.without_url().to_string()))
}

fn configure_proxies(
    mut builder: reqwest::ClientBuilder,
    transport: &Transport,
) -> Result<reqwest::ClientBuilder, RegistryError> {
    use reqwest::{NoProxy, Proxy};
    let no_proxy = || transport.no_proxy.as_deref().and_then(NoProxy::from_string);
    let proxy_error = |e: reqwest::Error| {
        RegistryError::Client(format!("invalid proxy URL: {}", e.without_url()))
    };
    // Proxies come only from npm's settings as resolved, not from reqwest's own reading of
    // the environment, so that `noproxy` applies to both.
    builder = builder.no_proxy();
    if let Some(proxy) = &transport.proxy {
        builder = builder.proxy(
            Proxy::all(proxy.expose())
                .map_err(proxy_error)?
                .no_proxy(no_proxy()),
        );
    } else {
        if let Some(proxy) = &transport.env_https_proxy {
            builder = builder.proxy(
                Proxy::https(proxy.expose())
                    .map_err(proxy_error)?
                    .no_proxy(no_proxy()),
            );
        }
        if let Some(proxy) = &transport.env_http_proxy {
            builder = builder.proxy(
                Proxy::http(proxy.expose())
                    .map_err(proxy_error)?
                    .no_proxy(no_proxy()),
            );
        }
    }
    Ok(builder)
}

fn configure_tls(
    mut builder: reqwest::ClientBuilder,
    transport: &Transport,
) -> Result<reqwest::ClientBuilder, RegistryError> {
    use reqwest::{Certificate, Identity};
    if !transport.ca.is_empty() {
        builder = builder.tls_built_in_root_certs(false);
        for pem in &transport.ca {
            let certs = Certificate::from_pem_bundle(pem.as_bytes())
                .ok()
                .filter(|certs| !certs.is_empty())
                .ok_or_else(|| {
                    RegistryError::Client(
                        "the `ca` / `cafile` setting holds no readable PEM certificate".into(),
                    )
                })?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
    }
    if !transport.strict_ssl {
        builder = builder.danger_accept_invalid_certs(true);
    }
    if let Some(identity) = &transport.client_identity {
        let identity = Identity::from_pem(identity.expose().as_bytes()).map_err(|_| {
            RegistryError::Client(
                "the client certificate (`cert`/`key`, or `certfile`/`keyfile`) is not a readable PEM certificate and key".into(),
            )
        })?;
        builder = builder.identity(identity);
    }
    Ok(builder)
}

/// npm's code and a short reason for a failure below HTTP, from the innermost cause.
/// A TLS failure is `ECERT` whatever carried it (rustls errors arrive inside io errors),
/// but a connection reset or cut short is `ECONNRESET` (or `ETIMEDOUT`) whatever reported it.
pub(super) fn describe_transport_error(error: &reqwest::Error) -> (&'static str, String) {
    let mut reason = String::new();
    let mut from_io = None;
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            from_io = match io.kind() {
                ConnectionRefused => Some("ECONNREFUSED"),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
                    Some("ECONNRESET")
                }
                TimedOut => Some("ETIMEDOUT"),
                AddrNotAvailable | NotFound => Some("ENOTFOUND"),
                _ => from_io,
            };
        }
        reason = err.to_string();
        source = err.source();
    }
    let lower = reason.to_ascii_lowercase();
    let tls = ["certificate", "tls", "handshake", "alert"]
        .iter()
        .any(|m| lower.contains(m));
    let dns = ["dns", "failed to lookup", "name or service not known"]
        .iter()
        .any(|m| lower.contains(m));
    // A connection that broke (reset, or closed mid-answer) is that, whatever layer said
    // so: rustls reports a TLS connection closed without its close_notify as an early end
    // of file, whose words ("TLS close_notify") are not a certificate's failure. Taken for
    // one, a revoke cut short read as never sent, and a GET was not retried.
    let broken = matches!(from_io, Some("ECONNRESET" | "ETIMEDOUT"));
    let code = if let Some(code) = from_io.filter(|_| broken) {
        code
    } else if tls {
        "ECERT"
    } else if dns {
        "ENOTFOUND"
    } else if let Some(code) = from_io {
        code
    } else if error.is_connect() {
        "ECONNREFUSED"
    } else {
        "ECONNRESET"
    };
    if reason.is_empty() {
        reason = "the connection failed".to_owned();
    }
    (code, reason)
}
