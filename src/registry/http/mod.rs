//! Sending requests: credentials and the one-time password on the right origin only,
//! redirects followed by hand, GETs retried as npm retries them, and one 429 pausing every
//! request. Split by concern:
//!
//! - this file: what is sent where (headers, credentials per origin, redirects, retries);
//! - `transport`: the HTTP clients, proxies and TLS from npm's settings, and failures below
//!   HTTP;
//! - `retry`: npm's retry policy, the registry's `Retry-After`, and the pause a 429 asks for;
//! - `body`: response bodies read within limits.

mod body;
mod retry;
mod transport;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Url};

use super::auth::{Credential, Credentials};
use super::display_url;
use super::error::{http_error, RegistryError, SentAuth};
use crate::secret::{Redactor, Secret};
use crate::text;
pub use body::Budget;
use body::{read_body, BodyError, MAX_ERROR_BODY};
pub(in crate::registry) use retry::retry_after;
use retry::Pause;
pub use retry::RetryPolicy;
pub use transport::Transport;
use transport::{build_http_client, describe_transport_error};

/// The `log` target of one line per request, shown at npm's `http` level.
pub const HTTP_LOG_TARGET: &str = "http";

/// The `log` target of a registry's `npm-notice` header, shown at npm's `notice` level.
pub const NOTICE_LOG_TARGET: &str = "npm-notice";

/// Redirects followed for one request.
const MAX_REDIRECTS: usize = 10;

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
    /// Whether the registry has answered over HTTP/2 (offered by ALPN over TLS): its
    /// requests then share one connection, as streams.
    multiplexed: AtomicBool,
    /// Held by a 429: every request waits, not only the one it answered.
    pause: Pause,
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
            multiplexed: AtomicBool::new(false),
            pause: Pause::default(),
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

    /// Whether the registry answered over HTTP/2: concurrent requests are then streams of
    /// one connection rather than connections of their own.
    pub fn multiplexed(&self) -> bool {
        self.multiplexed.load(Ordering::Relaxed)
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
        let body = read_body(&mut response, limit, false, None)
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
    /// DELETE are retried only after a 429: a registry that answers "too many requests" did
    /// not act on it, whereas after a 5xx, a timeout or a dropped connection it may have,
    /// and repeating it could create or revoke twice.
    ///
    /// A 429 holds back every request this client sends (those of a batch side by side
    /// among them), not only the one it answered, for its `Retry-After` within
    /// `fetch-retry-maxtimeout` (npm's backoff without one). Requests already sent are not
    /// called back.
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, RegistryError> {
        self.send_retried(method, url, body, None, None).await
    }

    /// As [`Http::send`], for a GET whose answer must also fit in what `budget` has left
    /// (from which it then takes its length): a page of a token list.
    pub async fn get_within(&self, url: Url, budget: &Budget) -> Result<Vec<u8>, RegistryError> {
        self.send_retried(Method::GET, url, None, Some(budget), None)
            .await
    }

    /// As [`Http::send`], for a request without a body whose answer must fit in what
    /// `budget` has left: a revoke's, which is a few bytes.
    pub async fn send_within(
        &self,
        method: Method,
        url: Url,
        budget: &Budget,
    ) -> Result<Vec<u8>, RegistryError> {
        self.send_retried(method, url, None, Some(budget), None)
            .await
    }

    /// A GET of `url` that authenticates with `token` in place of the configured credential
    /// (on the registry's origin only, as any credential): for testing a token just created.
    pub async fn get_as(&self, url: Url, token: &Secret) -> Result<Vec<u8>, RegistryError> {
        self.send_retried(Method::GET, url, None, None, Some(token))
            .await
    }

    /// As [`Http::send`], within `budget` and authenticating with `as_token` when given.
    async fn send_retried(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        budget: Option<&Budget>,
        as_token: Option<&Secret>,
    ) -> Result<Vec<u8>, RegistryError> {
        let policy = self.options.retry;
        let retries = policy.retries;
        let mut retry = 0;
        loop {
            self.pause.wait().await;
            let sent = self.send_once(method.clone(), url.clone(), body.clone(), budget, as_token);
            let error = match sent.await {
                Ok(body) => return Ok(body),
                Err(error) => error,
            };
            let delay = policy.delay(retry, &error);
            let rate_limited = error.status() == Some(429);
            if rate_limited {
                self.pause.extend(delay);
            }
            if retry >= retries || !(rate_limited || method == Method::GET && error.is_transient())
            {
                return Err(error);
            }
            // Shown by default: a wait of up to a minute must not look like a hang.
            log::warn!(
                "retrying {method} {} in {:.1}s ({}/{retries}): {error}",
                display_url(&url),
                delay.as_secs_f64(),
                retry + 1
            );
            // A 429's wait is the pause, which every request waits out before it is sent.
            if !rate_limited {
                tokio::time::sleep(delay).await;
            }
            retry += 1;
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
        budget: Option<&Budget>,
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
        if response.version() == reqwest::Version::HTTP_2
            && url.origin() == self.options.registry.origin()
        {
            self.multiplexed.store(true, Ordering::Relaxed);
        }
        let shown = display_url(&url);
        let status = response.status();
        let limit = if status.is_success() {
            self.options.max_body_bytes
        } else {
            MAX_ERROR_BODY
        };
        let body = read_body(&mut response, limit, !status.is_success(), budget)
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

fn sensitive(value: &str) -> Result<HeaderValue, RegistryError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        RegistryError::Client(
            "a configured credential or one-time password contains characters that cannot be sent in an HTTP header".into(),
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}
