//! The HTTP client for the token endpoints.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER,
    WWW_AUTHENTICATE,
};
use reqwest::{Method, Url};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::auth::{Credential, Credentials};
use super::display_url;
use super::error::{HttpError, RegistryError, SentAuth, WebAuth};
use super::types::{CreateTokenRequest, Token};
use crate::secret::Secret;

/// A token list longer than this many pages is treated as a registry fault.
const MAX_PAGES: usize = 10_000;

/// How long to wait for a web login when `fetch-timeout` is 0 (no limit on requests).
const DEFAULT_WEB_LOGIN_LIMIT: Duration = Duration::from_secs(5 * 60);

/// Redirects followed for one request.
const MAX_REDIRECTS: usize = 10;

/// Error bodies are only read this far: they are for a one-line message.
const MAX_ERROR_BODY: usize = 64 * 1024;

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
    pub retry: RetryPolicy,
    pub transport: Transport,
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
    fn delay(&self, retry: u32, error: &RegistryError) -> Duration {
        let backoff = self
            .min_timeout
            .saturating_mul(self.factor.saturating_pow(retry));
        error.retry_after().unwrap_or(backoff).min(self.max_timeout)
    }
}

pub struct RegistryClient {
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

impl RegistryClient {
    pub fn new(options: ClientOptions) -> Result<Self, RegistryError> {
        let transport = &options.transport;
        let plain_proxies = [&transport.proxy, &transport.env_http_proxy]
            .into_iter()
            .flatten()
            .all(|proxy| Url::parse(proxy.expose()).is_ok_and(|p| p.scheme() == "http"));
        Ok(RegistryClient {
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

    /// `<registry>/-/npm/v1/tokens`, keeping the registry's path prefix.
    pub fn tokens_url(&self) -> Url {
        self.options
            .registry
            .join("-/npm/v1/tokens")
            .expect("a fixed relative path joins onto any http(s) base")
    }

    /// Every token, following `urls.next` from page to page. A link back to a page already
    /// read, or an endless list, is an error rather than a hang. `on_page(pages, tokens)` is
    /// called after each page that has a next one.
    pub async fn list_tokens(
        &self,
        on_page: &dyn Fn(usize, usize),
    ) -> Result<Vec<Token>, RegistryError> {
        let mut tokens = Vec::new();
        let mut seen = HashSet::new();
        let mut next = Some(self.tokens_url());
        while let Some(url) = next.take() {
            if !seen.insert(url.clone()) {
                return Err(RegistryError::PageLoop {
                    url: display_url(&url),
                });
            }
            if seen.len() > MAX_PAGES {
                return Err(RegistryError::TooManyPages { limit: MAX_PAGES });
            }
            let body = self.send(Method::GET, url.clone(), None).await?;
            let page = decode_page(&body, &url)?;
            tokens.extend(page.objects);
            next = page.next.map(|link| self.resolve_link(&link)).transpose()?;
            if next.is_some() {
                on_page(seen.len(), tokens.len());
            }
        }
        Ok(tokens)
    }

    /// Sends this one-time password with every credentialed request from now on.
    pub fn set_otp(&self, otp: Secret) {
        *self.otp.lock().unwrap_or_else(|e| e.into_inner()) = Some(otp);
    }

    /// Waits for a web login to finish: polls `done_url` while it answers 202 (honouring
    /// `Retry-After`, 1 s by default) until it answers 200 with `{token}`, for at most
    /// `fetch-timeout` (5 minutes unless configured).
    pub async fn wait_for_web_login(&self, done_url: &Url) -> Result<Secret, RegistryError> {
        let limit = self.options.timeout.unwrap_or(DEFAULT_WEB_LOGIN_LIMIT);
        let deadline = Instant::now() + limit;
        loop {
            let (headers, _) = self.headers_for(&Method::GET, done_url)?;
            let shown = display_url(done_url);
            let response = self
                .http_for(done_url)?
                .get(done_url.clone())
                .headers(headers)
                .send()
                .await
                .map_err(|e| self.transport_error(&Method::GET, &shown, e))?;
            let status = response.status().as_u16();
            let wait = retry_after(&response).unwrap_or(Duration::from_secs(1));
            let body = response
                .bytes()
                .await
                .map_err(|e| self.transport_error(&Method::GET, &shown, e))?;
            match status {
                200 => {
                    let token = parse_json(&body, "GET", done_url)?
                        .get("token")
                        .and_then(Value::as_str)
                        .filter(|t| !t.is_empty())
                        .map(Secret::new);
                    return token
                        .ok_or_else(|| shape_error("GET", done_url, "it has no `token`".into()));
                }
                202 if Instant::now() + wait < deadline => tokio::time::sleep(wait).await,
                202 => return Err(RegistryError::WebLoginTimeout { after: limit }),
                _ => {
                    return Err(RegistryError::Http(Box::new(HttpError {
                        status,
                        reason: reqwest::StatusCode::from_u16(status)
                            .ok()
                            .and_then(|s| s.canonical_reason())
                            .unwrap_or("")
                            .to_owned(),
                        method: "GET".into(),
                        url: shown,
                        message: error_message(&String::from_utf8_lossy(&body)),
                        otp_required: false,
                        web_auth: None,
                        sent: SentAuth::None,
                        retry_after: None,
                    })))
                }
            }
        }
    }

    /// Creates a token; returns the registry's answer as it came.
    pub async fn create_token(
        &self,
        request: &CreateTokenRequest,
    ) -> Result<Map<String, Value>, RegistryError> {
        let url = self.tokens_url();
        let body = self
            .send(Method::POST, url.clone(), Some(request.to_json()))
            .await?;
        match parse_json(&body, "POST", &url)? {
            Value::Object(map) => Ok(map),
            other => Err(shape_error(
                "POST",
                &url,
                format!("expected an object, got {}", kind(&other)),
            )),
        }
    }

    /// Revokes the token with this key (or full token, which npm's registry also accepts).
    pub async fn delete_token(&self, key: &str) -> Result<(), RegistryError> {
        let mut url = self.tokens_url();
        url.path_segments_mut()
            .expect("http(s) URLs have a path")
            .extend(["token", key]);
        self.send(Method::DELETE, url, None).await.map(drop)
    }

    /// A `next` link: an absolute http(s) URL, or a path joined onto the registry as npm does.
    fn resolve_link(&self, link: &str) -> Result<Url, RegistryError> {
        let bad = || RegistryError::BadNextLink {
            link: link.chars().take(200).collect(),
        };
        let url = match Url::parse(link) {
            Ok(url) => url,
            Err(_) => self
                .options
                .registry
                .join(link.trim().trim_start_matches('/'))
                .map_err(|_| bad())?,
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad());
        }
        Ok(url)
    }

    /// Sends a request; GETs are retried on transient failures as npm retries them. POST and
    /// DELETE never are: repeating them could create or revoke twice.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
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
                .send_once(method.clone(), url.clone(), body.clone())
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
    /// their origin, and the one-time password only where credentials go.
    fn headers_for(
        &self,
        method: &Method,
        url: &Url,
    ) -> Result<(HeaderMap, SentAuth), RegistryError> {
        let credential = self
            .options
            .credentials
            .for_url(url, &self.options.registry);
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
    /// the `npm-otp` header to any origin): each hop gets the headers its own URL deserves.
    async fn send_once(
        &self,
        mut method: Method,
        mut url: Url,
        mut body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, RegistryError> {
        let started = Instant::now();
        let mut hops = 0;
        let (mut response, sent) = loop {
            let (headers, sent) = self.headers_for(&method, &url)?;
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
            let next = url
                .join(location)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| RegistryError::BadRedirect {
                    url: display_url(&url),
                    location: location.chars().take(200).collect(),
                })?;
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(RegistryError::TooManyRedirects {
                    url: display_url(&url),
                    limit: MAX_REDIRECTS,
                });
            }
            log::info!(
                target: crate::log::HTTP,
                "fetch {method} {} {} redirected to {}",
                response.status().as_u16(),
                display_url(&url),
                display_url(&next)
            );
            // As browsers and fetch do: 303, and 301/302 after a POST, continue as a GET.
            let status = response.status().as_u16();
            if status == 303 || (matches!(status, 301 | 302) && method == Method::POST) {
                method = Method::GET;
                body = None;
            }
            url = next;
        };

        let shown = display_url(&url);
        let status = response.status();
        let limit = if status.is_success() {
            self.options.max_body_bytes
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
            target: crate::log::HTTP,
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

        let text = String::from_utf8_lossy(&body);
        let www_authenticate = response
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = retry_after(&response);
        let otp_required = status.as_u16() == 401
            && (www_authenticate.as_deref().is_some_and(|h| {
                h.split(',')
                    .any(|part| part.trim().eq_ignore_ascii_case("otp"))
            }) || text.contains("one-time pass"));
        let web_auth = otp_required.then(|| web_auth(&text, &url)).flatten();
        Err(RegistryError::Http(Box::new(HttpError {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_owned(),
            method: method.to_string(),
            url: shown,
            message: error_message(&text),
            otp_required,
            web_auth,
            sent,
            retry_after,
        })))
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

/// `Retry-After` in seconds (the HTTP-date form is rare from registries and ignored).
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// The web login of an OTP challenge: `authUrl` to open, `doneUrl` to poll.
fn web_auth(text: &str, base: &Url) -> Option<WebAuth> {
    let body: Value = serde_json::from_str(text).ok()?;
    let url = |name: &str| {
        let link = body.get(name)?.as_str()?;
        base.join(link)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    };
    Some(WebAuth {
        auth_url: url("authUrl")?,
        done_url: url("doneUrl")?,
    })
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
    if !truncate && response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(
        response
            .content_length()
            .map_or(8 * 1024, |n| n.min(limit as u64) as usize),
    );
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            if truncate {
                body.extend_from_slice(&chunk[..limit - body.len()]);
                break;
            }
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The `error` field of a JSON error body, else a short single-line text body; HTML pages
/// and empty bodies give nothing.
fn error_message(text: &str) -> Option<String> {
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Some(map),
        Ok(Value::Null) => return None,
        Ok(Value::String(s)) => return Some(one_line(&s)).filter(|s| !s.is_empty()),
        _ => None,
    };
    if let Some(map) = map {
        return match map.get("error") {
            Some(Value::String(s)) if !s.is_empty() => Some(one_line(s)),
            Some(Value::Null) | None => map
                .get("message")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(one_line),
            Some(other) => Some(one_line(&other.to_string())),
        };
    }
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.starts_with('<') {
        return None;
    }
    Some(one_line(trimmed))
}

/// Makes server text safe for a one-line message: first line, control characters dropped,
/// at most 200 characters.
fn one_line(s: &str) -> String {
    let first = s.lines().next().unwrap_or("");
    let mut out: String = first
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if first.chars().count() > 200 {
        out.push('…');
    }
    out
}

struct Page {
    objects: Vec<Token>,
    next: Option<String>,
}

/// Decodes one page of the token list. The usual page is decoded in one pass that keeps each
/// token's text as it is; anything unusual (a page of the wrong shape, a token that is not an
/// object or holds what decoding refuses, a repeated `objects`) takes the slower path, which
/// explains what is wrong.
fn decode_page(body: &[u8], url: &Url) -> Result<Page, RegistryError> {
    match serde_json::from_slice::<FastPage>(body) {
        Ok(FastPage(page)) => Ok(page),
        Err(_) => decode_page_slowly(body, url),
    }
}

/// A page decoded in one pass that keeps each token's text as it is (and checks it as the
/// slow path's decoding would, so that both accept the same pages). Repeated fields: the
/// last wins, as in the slow path.
struct FastPage(Page);

impl<'de> serde::Deserialize<'de> for FastPage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, Visitor};
        struct PageVisitor;
        impl<'de> Visitor<'de> for PageVisitor {
            type Value = FastPage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a page of tokens")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastPage, A::Error> {
                let mut objects = None;
                let mut urls = None;
                while let Some(name) = map.next_key::<String>()? {
                    match name.as_str() {
                        // Capturing text checks less than decoding it: an `objects` that
                        // a repeat would hide from `from_raw` is left to the slow path.
                        "objects" if objects.is_some() => {
                            return Err(A::Error::custom("`objects` repeated"))
                        }
                        "objects" => objects = Some(map.next_value::<Vec<Box<RawValue>>>()?),
                        "urls" => urls = Some(map.next_value::<Value>()?),
                        _ => {
                            map.next_value::<Value>()?;
                        }
                    }
                }
                let objects = objects
                    .ok_or_else(|| A::Error::missing_field("objects"))?
                    .into_iter()
                    .map(|raw| Token::from_raw(raw).ok_or_else(|| A::Error::custom("a token")))
                    .collect::<Result<_, _>>()?;
                Ok(FastPage(Page {
                    objects,
                    next: next_link(urls.as_ref()),
                }))
            }
        }
        deserializer.deserialize_map(PageVisitor)
    }
}

fn decode_page_slowly(body: &[u8], url: &Url) -> Result<Page, RegistryError> {
    let value = parse_json(body, "GET", url)?;
    let Value::Object(mut map) = value else {
        return Err(shape_error(
            "GET",
            url,
            format!("expected an object, got {}", kind(&value)),
        ));
    };
    let objects = match map.remove("objects") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(shape_error(
                "GET",
                url,
                format!("`objects` is {}, not a list", kind(&other)),
            ))
        }
        None => return Err(shape_error("GET", url, "it has no `objects` list".into())),
    };
    let objects = objects
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(fields) => Ok(Token::from_map(fields)),
            other => Err(shape_error(
                "GET",
                url,
                format!("token {} is {}, not an object", i + 1, kind(&other)),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        objects,
        next: next_link(map.get("urls")),
    })
}

/// `urls.next`, when it is a non-blank string.
fn next_link(urls: Option<&Value>) -> Option<String> {
    urls.and_then(|urls| urls.get("next"))
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

/// Page decoding, exposed to the property tests: the tokens' keys and decoded fields (as
/// JSON text, so that field order and the sign of zero count) and the next link, by the
/// usual path and by the slow one.
#[cfg(test)]
#[allow(clippy::type_complexity)]
pub fn decode_page_for_fuzzing(
    body: &[u8],
) -> [Result<(Vec<(String, String)>, Option<String>), String>; 2] {
    let url = Url::parse("http://fuzz/-/npm/v1/tokens").expect("a valid URL");
    [decode_page(body, &url), decode_page_slowly(body, &url)].map(|page| {
        page.map(|page| {
            let tokens = page.objects.iter();
            let tokens = tokens.map(|t| {
                let fields = serde_json::to_string(&t.fields().0).expect("a map serializes");
                (t.key().to_owned(), fields)
            });
            (tokens.collect(), page.next)
        })
        .map_err(|e| e.to_string())
    })
}

fn parse_json(body: &[u8], method: &str, url: &Url) -> Result<Value, RegistryError> {
    serde_json::from_slice(body).map_err(|e| RegistryError::InvalidJson {
        method: method.to_owned(),
        url: display_url(url),
        detail: if body.is_empty() {
            "the body is empty".to_owned()
        } else {
            e.to_string()
        },
    })
}

fn shape_error(method: &str, url: &Url, detail: String) -> RegistryError {
    RegistryError::UnexpectedShape {
        method: method.to_owned(),
        url: display_url(url),
        detail,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
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
    }

    #[test]
    fn error_messages_are_short_and_clean() {
        assert_eq!(
            error_message(r#"{"error":"bad username/password, access denied"}"#).unwrap(),
            "bad username/password, access denied"
        );
        assert_eq!(error_message(r#"{"message":"nope"}"#).unwrap(), "nope");
        assert_eq!(error_message("<html>502</html>"), None);
        assert_eq!(error_message(""), None);
        assert_eq!(error_message("null"), None);
        assert_eq!(
            error_message("\"quota exceeded\""),
            Some("quota exceeded".into())
        );
        assert_eq!(
            error_message("upstream\ttimed out\nmore"),
            Some("upstreamtimed out".into())
        );
        assert_eq!(
            error_message(&"x".repeat(500)).unwrap().chars().count(),
            201
        );
    }

    #[test]
    fn pages_decode_leniently_but_not_blindly() {
        let url = Url::parse("http://r/-/npm/v1/tokens").unwrap();
        let page = decode_page(br#"{"objects":[{"key":"a"}],"urls":{"next":""}}"#, &url).unwrap();
        assert_eq!(page.objects.len(), 1);
        assert!(page.next.is_none());
        let page = decode_page(br#"{"objects":[]}"#, &url).unwrap();
        assert!(page.next.is_none());
        let page = decode_page(br#"{"objects":[],"urls":{"next":"/p2"}}"#, &url).unwrap();
        assert_eq!(page.next.as_deref(), Some("/p2"));
        assert!(matches!(
            decode_page(b"{}", &url),
            Err(RegistryError::UnexpectedShape { .. })
        ));
        assert!(matches!(
            decode_page(b"[]", &url),
            Err(RegistryError::UnexpectedShape { .. })
        ));
        assert!(matches!(
            decode_page(br#"{"objects":[1]}"#, &url),
            Err(RegistryError::UnexpectedShape { .. })
        ));
        assert!(matches!(
            decode_page(b"{\"objects\":[", &url),
            Err(RegistryError::InvalidJson { .. })
        ));
        assert!(matches!(
            decode_page(b"\xff\xfe", &url),
            Err(RegistryError::InvalidJson { .. })
        ));
    }
}
