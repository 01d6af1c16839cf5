//! Sending requests: credentials and the one-time password on the right origin only,
//! redirects followed by hand, GETs retried as npm retries them, proxies and TLS from npm's
//! settings, and response bodies read within limits.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER,
};
use reqwest::{Method, Url};

use super::auth::{Credential, Credentials};
use super::display_url;
use super::error::{http_error, RegistryError, SentAuth};
use crate::secret::{Redactor, Secret};
use crate::text;

/// The `log` target of one line per request, shown at npm's `http` level.
pub const HTTP_LOG_TARGET: &str = "http";

/// The `log` target of a registry's `npm-notice` header, shown at npm's `notice` level.
pub const NOTICE_LOG_TARGET: &str = "npm-notice";

/// Redirects followed for one request.
const MAX_REDIRECTS: usize = 10;

/// Error bodies are only read this far: they are for a one-line message.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The most reserved for a body before it arrives: a registry that claims 32 MiB and sends
/// a few bytes must not cost 32 MiB a page.
const MAX_INITIAL_CAPACITY: usize = 1024 * 1024;

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

#[derive(Debug)]
pub struct ClientOptions {
    /// The registry base URL, ending in `/` (any path prefix kept).
    pub registry: Url,
    pub credentials: Credentials,
    pub otp: Option<Secret>,
    /// npm's `auth-type` config, sent as `npm-auth-type`.
    pub auth_type: String,
    /// npm's `fetch-timeout`; `None` waits for ever (`fetch-timeout=0`).
    pub timeout: Option<Duration>,
    pub user_agent: String,
    /// The largest response body accepted.
    pub max_body_bytes: usize,
    /// The most read, all pages together, for one token list.
    pub max_list_bytes: usize,
    pub retry: RetryPolicy,
    pub transport: Transport,
    /// Every secret known, shared with the logger and the error reporter: text a registry
    /// sends back is scrubbed with it before it becomes part of an error.
    pub redactor: Redactor,
}

/// npm's `fetch-retries`, `fetch-retry-factor`, `fetch-retry-mintimeout` and
/// `fetch-retry-maxtimeout`: the wait before retry n (from 0) is min × factorⁿ, at most max.
/// A `Retry-After` from the registry is honoured, also capped at max. GETs only.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub retries: u32,
    pub factor: u32,
    pub min_timeout: Duration,
    pub max_timeout: Duration,
}

impl RetryPolicy {
    /// Saturating throughout: the factor, the retry count and the registry's `Retry-After`
    /// can be any size, and the wait is then `max_timeout`.
    fn delay(&self, retry: u32, error: &RegistryError) -> Duration {
        let backoff = self
            .min_timeout
            .saturating_mul(self.factor.saturating_pow(retry));
        error.retry_after().unwrap_or(backoff).min(self.max_timeout)
    }
}

/// An answer to a poll: its status, its `Retry-After`, and its body (within the limit).
pub struct Polled {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// Sends requests as npm's settings describe.
pub struct Http {
    /// For `http://` URLs: no TLS set up, so no CA bundle is read and parsed (which takes
    /// longer than listing a few tokens from a local registry). `None` when a proxy that
    /// may carry plain URLs is not itself plain `http://` (https, socks, or one that does
    /// not parse as a URL here).
    plain: Option<reqwest::Client>,
    /// For `https://` URLs (or any URL behind an `https://` proxy): built on first use.
    tls: OnceLock<Result<reqwest::Client, String>>,
    options: ClientOptions,
    /// `--otp`, or one obtained after a challenge; sent with every credentialed request.
    otp: Mutex<Option<Secret>>,
}

impl Http {
    pub fn new(options: ClientOptions) -> Result<Self, RegistryError> {
        let transport = &options.transport;
        let plain_proxies = [&transport.proxy, &transport.env_http_proxy]
            .into_iter()
            .flatten()
            .all(|proxy| Url::parse(proxy.expose()).is_ok_and(|p| p.scheme() == "http"));
        Ok(Http {
            plain: if plain_proxies {
                Some(build_http_client(&options, false)?)
            } else {
                None
            },
            tls: OnceLock::new(),
            otp: Mutex::new(options.otp.clone()),
            options,
        })
    }

    /// The HTTP client for requests to `url`.
    fn http_for(&self, url: &Url) -> Result<&reqwest::Client, RegistryError> {
        if let (Some(plain), "http") = (&self.plain, url.scheme()) {
            return Ok(plain);
        }
        self.tls
            .get_or_init(|| {
                build_http_client(&self.options, true).map_err(|e| match e {
                    RegistryError::Client(message) => message,
                    other => other.to_string(),
                })
            })
            .as_ref()
            .map_err(|e| RegistryError::Client(e.clone()))
    }

    /// The registry base URL, ending in `/`.
    pub fn registry(&self) -> &Url {
        &self.options.registry
    }

    /// The shared redactor, for registry text that becomes part of a message.
    pub fn redactor(&self) -> &Redactor {
        &self.options.redactor
    }

    /// The fetch timeout, if any (`fetch-timeout=0` waits for ever).
    pub fn timeout(&self) -> Option<Duration> {
        self.options.timeout
    }

    /// Sends this one-time password with every credentialed request from now on.
    pub fn set_otp(&self, otp: Secret) {
        *self.otp.lock().unwrap_or_else(|e| e.into_inner()) = Some(otp);
    }

    /// One GET that is neither retried nor redirected, for polling: any status comes back
    /// as it is, with a body read within the usual limit.
    pub async fn poll(&self, url: &Url) -> Result<Polled, RegistryError> {
        let (headers, _) = self.headers_for(&Method::GET, url, true, None)?;
        let shown = display_url(url);
        let mut response = self
            .http_for(url)?
            .get(url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(|e| self.transport_error(&Method::GET, &shown, e))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let limit = self.options.max_body_bytes;
        let body = read_body(&mut response, limit, false)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => RegistryError::TooLarge {
                    method: "GET".into(),
                    url: shown.clone(),
                    limit,
                },
                BodyError::Transport(e) => self.transport_error(&Method::GET, &shown, e),
            })?;
        Ok(Polled {
            status,
            retry_after,
            body,
        })
    }

    /// The largest response body accepted, and the most read for one token list.
    pub fn body_limits(&self) -> (usize, usize) {
        (self.options.max_body_bytes, self.options.max_list_bytes)
    }

    /// Sends a request; GETs are retried on transient failures as npm retries them. POST and
    /// DELETE never are: repeating them could create or revoke twice.
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, RegistryError> {
        self.send_within(method, url, body, self.options.max_body_bytes)
            .await
    }

    /// As [`Http::send`], with a successful answer's body refused past `limit` bytes.
    pub async fn send_within(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        limit: usize,
    ) -> Result<Vec<u8>, RegistryError> {
        self.send_retried(method, url, body, limit, None).await
    }

    /// A GET of `url` that authenticates with `token` in place of the configured credential
    /// (on the registry's origin only, as any credential): for testing a token just created.
    pub async fn get_as(&self, url: Url, token: &Secret) -> Result<Vec<u8>, RegistryError> {
        let limit = self.options.max_body_bytes;
        self.send_retried(Method::GET, url, None, limit, Some(token))
            .await
    }

    async fn send_retried(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        limit: usize,
        as_token: Option<&Secret>,
    ) -> Result<Vec<u8>, RegistryError> {
        let policy = self.options.retry;
        let retries = if method == Method::GET {
            policy.retries
        } else {
            0
        };
        let mut retry = 0;
        loop {
            match self
                .send_once(method.clone(), url.clone(), body.clone(), limit, as_token)
                .await
            {
                Err(e) if retry < retries && e.is_transient() => {
                    let delay = policy.delay(retry, &e);
                    // Shown by default: a wait of up to a minute must not look like a hang.
                    log::warn!(
                        "retrying {method} {} in {:.1}s ({}/{retries}): {e}",
                        display_url(&url),
                        delay.as_secs_f64(),
                        retry + 1
                    );
                    tokio::time::sleep(delay).await;
                    retry += 1;
                }
                result => return result,
            }
        }
    }

    /// The headers for a request to `url`: credentials by npm's nerf-dart walk limited to
    /// their origin, and the one-time password only where credentials go. Without
    /// `credentials` (a hop that left the origin first asked), neither; and never to an
    /// origin other than the registry's (a `next` link, a web login's `doneUrl`), even one
    /// whose host has its own credential configured: the token API lives on the registry.
    fn headers_for(
        &self,
        method: &Method,
        url: &Url,
        credentials: bool,
        as_token: Option<&Secret>,
    ) -> Result<(HeaderMap, SentAuth), RegistryError> {
        let on_registry = url.origin() == self.options.registry.origin();
        let given = as_token.map(|token| Credential::Bearer(token.clone()));
        let credential = (credentials && on_registry)
            .then(|| match &given {
                Some(credential) => Some(("the token being tested", credential)),
                None => self
                    .options
                    .credentials
                    .for_url(url, &self.options.registry),
            })
            .flatten();
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert("npm-command", HeaderValue::from_static("token"));
        if let Ok(v) = HeaderValue::from_str(&self.options.auth_type) {
            headers.insert("npm-auth-type", v);
        }
        let shown = display_url(url);
        let Some((nerf, credential)) = credential else {
            log::debug!("{method} {shown}: no credential for this origin");
            return Ok((headers, SentAuth::None));
        };
        log::debug!("{method} {shown}: using the credential for {nerf}");
        let sent = match credential {
            Credential::Bearer(token) => {
                headers.insert(
                    AUTHORIZATION,
                    sensitive(&format!("Bearer {}", token.expose()))?,
                );
                SentAuth::Bearer
            }
            Credential::Basic(auth) => {
                headers.insert(
                    AUTHORIZATION,
                    sensitive(&format!("Basic {}", auth.expose()))?,
                );
                SentAuth::Basic
            }
        };
        if let Some(otp) = self.otp.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            headers.insert("npm-otp", sensitive(otp.expose())?);
        }
        Ok((headers, sent))
    }

    /// One request, following redirects itself (reqwest's automatic redirects would carry
    /// the `Authorization` and `npm-otp` headers to wherever the registry points).
    ///
    /// Nothing crosses origins (scheme, host and port): once a redirect leaves the origin
    /// first asked, no credential, one-time password or body goes with any later hop, even
    /// one whose host has its own credential configured, and a POST or DELETE is not sent
    /// on at all. A redirect from https to http is refused outright.
    async fn send_once(
        &self,
        method: Method,
        mut url: Url,
        body: Option<Vec<u8>>,
        success_limit: usize,
        as_token: Option<&Secret>,
    ) -> Result<Vec<u8>, RegistryError> {
        let started = Instant::now();
        let origin = url.origin();
        let mut left_origin = false;
        let mut hops = 0;
        let (mut response, sent) = loop {
            let (headers, sent) = self.headers_for(&method, &url, !left_origin, as_token)?;
            let mut request = self
                .http_for(&url)?
                .request(method.clone(), url.clone())
                .headers(headers);
            if let Some(body) = &body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let response = request
                .send()
                .await
                .map_err(|e| self.transport_error(&method, &display_url(&url), e))?;
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .filter(|_| response.status().is_redirection());
            let Some(location) = location else {
                break (response, sent);
            };
            let (asked, from) = (method.to_string(), display_url(&url));
            let refused = move |reason: &'static str, to: String| RegistryError::RedirectRefused {
                method: asked,
                url: from,
                to,
                reason,
            };
            let next = url
                .join(location)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| RegistryError::BadRedirect {
                    url: display_url(&url),
                    location: text::quoted(location, &self.options.redactor),
                })?;
            if url.scheme() == "https" && next.scheme() == "http" {
                return Err(refused(
                    "it leaves https for plain http",
                    display_url(&next),
                ));
            }
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(RegistryError::TooManyRedirects {
                    url: display_url(&url),
                    limit: MAX_REDIRECTS,
                });
            }
            log::info!(
                target: HTTP_LOG_TARGET,
                "fetch {method} {} {} redirected to {}",
                response.status().as_u16(),
                display_url(&url),
                display_url(&next)
            );
            // Browsers continue a 303 (and a 301/302 after a POST) as a GET. A create or a
            // revoke never is: the GET's answer (the token list, a web page) would be taken
            // for the result, and a token that was not made or not revoked reported as if
            // it were. Only 307 and 308 keep the method, and are followed.
            let status = response.status().as_u16();
            if method != Method::GET
                && (status == 303 || (matches!(status, 301 | 302) && method == Method::POST))
            {
                return Err(refused(
                    "the registry answered with a redirect instead of the result",
                    display_url(&next),
                ));
            }
            if next.origin() != origin {
                if method != Method::GET {
                    // Its body (a create sends the account password) or its effect (a
                    // revocation) belongs to the registry alone.
                    return Err(refused(
                        "a create or revoke is sent to the registry's own origin only",
                        next.origin().ascii_serialization(),
                    ));
                }
                if !left_origin {
                    log::debug!(
                        "{method} {}: redirected to another origin, sent on without credentials",
                        display_url(&next)
                    );
                }
                left_origin = true;
            }
            url = next;
        };

        log_notice(response.headers());
        let shown = display_url(&url);
        let status = response.status();
        let limit = if status.is_success() {
            success_limit
        } else {
            MAX_ERROR_BODY
        };
        let body = read_body(&mut response, limit, !status.is_success())
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => RegistryError::TooLarge {
                    method: method.to_string(),
                    url: shown.clone(),
                    limit,
                },
                BodyError::Transport(e) => self.transport_error(&method, &shown, e),
            });
        log::info!(
            target: HTTP_LOG_TARGET,
            "fetch {method} {} {shown} {}ms",
            status.as_u16(),
            started.elapsed().as_millis()
        );
        let body = match body {
            Ok(body) => body,
            // An error status whose body broke off still gets its status reported.
            Err(_) if !status.is_success() => Vec::new(),
            Err(e) => return Err(e),
        };
        if status.is_success() {
            return Ok(body);
        }

        Err(RegistryError::Http(Box::new(http_error(
            status.as_u16(),
            response.headers(),
            &body,
            method.as_str(),
            &url,
            sent,
            &self.options.redactor,
        ))))
    }

    fn transport_error(&self, method: &Method, url: &str, error: reqwest::Error) -> RegistryError {
        if error.is_timeout() {
            return RegistryError::Timeout {
                method: method.to_string(),
                url: url.to_owned(),
                after: self.options.timeout.unwrap_or_default(),
            };
        }
        let (code, reason) = describe_transport_error(&error);
        RegistryError::Network {
            method: method.to_string(),
            url: url.to_owned(),
            code,
            reason,
        }
    }
}

/// An HTTP client as npm's settings describe it; with `tls`, also its certificates.
fn build_http_client(options: &ClientOptions, tls: bool) -> Result<reqwest::Client, RegistryError> {
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

/// Logs a registry's `npm-notice` header as npm does (a `notice` line). Registry text is
/// hostile: control characters (a terminal's escapes among them) are dropped, and the line
/// is bounded.
fn log_notice(headers: &HeaderMap) {
    for notice in headers.get_all("npm-notice") {
        let text: String = String::from_utf8_lossy(notice.as_bytes())
            .chars()
            .filter(|c| !c.is_control())
            .take(1000)
            .collect();
        if !text.trim().is_empty() {
            log::warn!(target: NOTICE_LOG_TARGET, "{}", text.trim());
        }
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare from registries and ignored). Any
/// number of seconds a registry sends is a valid `Duration`; more digits than a `u64` holds
/// are ignored, never an overflow. Whoever waits on it caps it.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

fn sensitive(value: &str) -> Result<HeaderValue, RegistryError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        RegistryError::Client(
            "a configured credential or one-time password contains characters that cannot be sent in an HTTP header".into(),
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads a body up to `limit` bytes: past it, the body is cut there when `truncate` (an
/// error body only feeds a one-line message), else it is an error.
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
    truncate: bool,
) -> Result<Vec<u8>, BodyError> {
    let declared = response.content_length();
    if !truncate && declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(initial_capacity(declared, limit));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        // `body` never holds more than `limit`, so this cannot underflow.
        let room = limit - body.len();
        if chunk.len() > room {
            if truncate {
                body.extend_from_slice(&chunk[..room]);
                break;
            }
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What to reserve for a body before reading it: its declared length within the limit, but
/// no more than [`MAX_INITIAL_CAPACITY`], as a `Content-Length` is only a claim.
fn initial_capacity(declared: Option<u64>, limit: usize) -> usize {
    let declared = declared.map_or(8 * 1024, |n| usize::try_from(n).unwrap_or(usize::MAX));
    declared.min(limit).min(MAX_INITIAL_CAPACITY)
}

/// npm's code and a short reason for a failure below HTTP, from the innermost cause.
/// A TLS failure is `ECERT` whatever carried it (rustls errors arrive inside io errors).
fn describe_transport_error(error: &reqwest::Error) -> (&'static str, String) {
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
    let code = if tls {
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

#[cfg(test)]
mod tests {
    use super::super::error::HttpError;
    use super::*;

    #[test]
    fn retry_delays_follow_npm_and_cap_retry_after() {
        let policy = RetryPolicy {
            retries: 2,
            factor: 10,
            min_timeout: Duration::from_secs(10),
            max_timeout: Duration::from_secs(60),
        };
        let plain = RegistryError::Timeout {
            method: "GET".into(),
            url: "u".into(),
            after: Duration::ZERO,
        };
        assert_eq!(policy.delay(0, &plain), Duration::from_secs(10));
        assert_eq!(policy.delay(1, &plain), Duration::from_secs(60));
        assert_eq!(policy.delay(40, &plain), Duration::from_secs(60));
        let limited = |secs| {
            RegistryError::Http(Box::new(HttpError {
                status: 429,
                reason: String::new(),
                method: "GET".into(),
                url: "u".into(),
                message: None,
                otp_required: false,
                web_auth: None,
                sent: SentAuth::Bearer,
                retry_after: Some(Duration::from_secs(secs)),
            }))
        };
        assert_eq!(policy.delay(0, &limited(3)), Duration::from_secs(3));
        assert_eq!(policy.delay(0, &limited(86_400)), Duration::from_secs(60));
        assert_eq!(policy.delay(0, &limited(u64::MAX)), Duration::from_secs(60));
    }

    #[test]
    fn retry_delays_saturate_on_any_numbers() {
        let policy = RetryPolicy {
            retries: u32::MAX,
            factor: u32::MAX,
            min_timeout: Duration::MAX,
            max_timeout: Duration::MAX,
        };
        let plain = RegistryError::Timeout {
            method: "GET".into(),
            url: "u".into(),
            after: Duration::ZERO,
        };
        assert_eq!(policy.delay(u32::MAX, &plain), Duration::MAX);
        let zero = RetryPolicy {
            factor: 0,
            min_timeout: Duration::ZERO,
            ..policy
        };
        assert_eq!(zero.delay(0, &plain), Duration::ZERO);
        assert_eq!(zero.delay(u32::MAX, &plain), Duration::ZERO);
    }

    #[test]
    fn retry_after_takes_any_number_of_seconds_and_ignores_the_rest() {
        let parse = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            retry_after(&headers)
        };
        assert_eq!(parse(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse("18446744073709551615"),
            Some(Duration::from_secs(u64::MAX))
        );
        for ignored in [
            "18446744073709551616",
            "-1",
            "1.5",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "",
        ] {
            assert_eq!(parse(ignored), None, "{ignored:?}");
        }
    }

    #[test]
    fn a_declared_length_reserves_at_most_a_mebibyte() {
        assert_eq!(initial_capacity(None, 32 << 20), 8 * 1024);
        assert_eq!(initial_capacity(Some(10), 32 << 20), 10);
        assert_eq!(
            initial_capacity(Some(u64::MAX), 32 << 20),
            MAX_INITIAL_CAPACITY
        );
        assert_eq!(initial_capacity(Some(u64::MAX), 100), 100);
        assert_eq!(initial_capacity(None, 100), 100);
    }
}
