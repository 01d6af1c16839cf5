//! The token endpoints: create, revoke, whoami, and the web login that a one-time-password
//! challenge may offer; how many requests a batch may have in flight. (Listing, page by
//! page, is `list`.)

use std::time::{Duration, Instant};

use reqwest::{Method, Url};
use serde_json::{Map, Value};

use reqwest::header::HeaderMap;

use super::error::{http_error, kind, parse_json, shape_error, RegistryError, SentAuth};
use super::http::{Budget, ClientOptions, Http};
use super::page::redact_value;
use super::spec::CreateTokenRequest;
use crate::secret::Secret;

/// Requests in flight at once over HTTP/1.1, where each takes a connection of its own.
const MAX_CONNECTIONS: usize = 16;

/// Requests in flight at once over HTTP/2, as streams of one connection (servers commonly
/// allow 100 or more; a server that allows fewer makes the rest wait for a stream).
const MAX_STREAMS: usize = 64;

/// The most of a revoke's answer that is read: npmjs.org answers 204, Verdaccio `{"ok": …}`.
const MAX_REVOKE_ANSWER: usize = 64 * 1024;

/// How long to wait for a web login when `fetch-timeout` is 0 (no limit on requests).
const DEFAULT_WEB_LOGIN_LIMIT: Duration = Duration::from_secs(5 * 60);

/// How long to wait before polling a web login again: the registry's `Retry-After` (1 s
/// without one), or `None` when that would go past `limit`. The registry's number can be
/// anything: it is only compared with what is left, never added to a time.
fn next_poll(
    retry_after: Option<Duration>,
    limit: Duration,
    elapsed: Duration,
) -> Option<Duration> {
    let wait = retry_after.unwrap_or(Duration::from_secs(1));
    let left = limit.saturating_sub(elapsed);
    (wait < left).then_some(wait)
}

pub struct RegistryClient {
    pub(super) http: Http,
}

impl RegistryClient {
    pub fn new(options: ClientOptions) -> Result<Self, RegistryError> {
        Ok(RegistryClient {
            http: Http::new(options)?,
        })
    }

    /// How many requests a batch may have in flight at once: [`MAX_STREAMS`] once the
    /// registry has answered over HTTP/2, else [`MAX_CONNECTIONS`].
    pub fn max_in_flight(&self) -> usize {
        if self.http.multiplexed() {
            MAX_STREAMS
        } else {
            MAX_CONNECTIONS
        }
    }

    /// `<registry>/-/npm/v1/tokens`, keeping the registry's path prefix.
    pub fn tokens_url(&self) -> Url {
        self.http
            .registry()
            .join("-/npm/v1/tokens")
            .expect("a fixed relative path joins onto any http(s) base")
    }

    /// Sends this one-time password with every credentialed request from now on.
    pub fn set_otp(&self, otp: Secret) {
        self.http.set_otp(otp);
    }

    /// Waits for a web login to finish: polls `done_url` while it answers 202 (honouring
    /// `Retry-After`, 1 s by default) until it answers 200 with `{token}`, for at most
    /// `fetch-timeout` (5 minutes unless configured).
    pub async fn wait_for_web_login(&self, done_url: &Url) -> Result<Secret, RegistryError> {
        let limit = self.http.timeout().unwrap_or(DEFAULT_WEB_LOGIN_LIMIT);
        let started = Instant::now();
        loop {
            let polled = self.http.poll(done_url).await?;
            match polled.status {
                200 => {
                    let token = parse_json(&polled.body, "GET", done_url)?
                        .get("token")
                        .and_then(Value::as_str)
                        .filter(|t| !t.is_empty())
                        .map(Secret::new);
                    return token
                        .ok_or_else(|| shape_error("GET", done_url, "it has no `token`".into()));
                }
                202 => match next_poll(polled.retry_after, limit, started.elapsed()) {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => return Err(RegistryError::WebLoginTimeout { after: limit }),
                },
                status => {
                    let mut error = http_error(
                        status,
                        &HeaderMap::new(),
                        &polled.body,
                        "GET",
                        done_url,
                        SentAuth::None,
                        self.http.redactor(),
                    );
                    error.otp_required = false;
                    error.web_auth = None;
                    return Err(RegistryError::Http(Box::new(error)));
                }
            }
        }
    }

    /// Creates a token; returns the registry's answer as it came, but for any configured
    /// secret it echoes outside the new `token` (which is the one thing shown in full).
    pub async fn create_token(
        &self,
        request: &CreateTokenRequest,
    ) -> Result<Map<String, Value>, RegistryError> {
        let url = self.tokens_url();
        let body = self
            .http
            .send(Method::POST, url.clone(), Some(request.to_json()))
            .await?;
        let redactor = self.http.redactor();
        match parse_json(&body, "POST", &url)? {
            Value::Object(map) if redactor.appears_in(&body) => Ok(map
                .into_iter()
                .map(|(name, value)| match name.as_str() {
                    "token" => (name, value),
                    _ => (redactor.redact(&name), redact_value(value, redactor)),
                })
                .collect()),
            Value::Object(map) => Ok(map),
            other => Err(shape_error(
                "POST",
                &url,
                format!("expected an object, got {}", kind(&other)),
            )),
        }
    }

    /// Revokes the token with this key (or full token, which npm's registry also accepts).
    /// Only an answer a registry gives to a revoke counts: a 2xx with no body or a JSON one
    /// (npmjs.org answers 204, Verdaccio 200 with JSON). A web page, or any other body, is
    /// not a revoke's answer (a captive portal, a proxy's page), and is an error.
    pub async fn delete_token(&self, key: &str) -> Result<(), RegistryError> {
        let mut url = self.tokens_url();
        url.path_segments_mut()
            .expect("http(s) URLs have a path")
            .extend(["token", key]);
        // Read within a small limit: a batch has up to 64 of these in flight, and a registry
        // answering each with 32 MiB would hold 2 GiB.
        let budget = Budget::new(MAX_REVOKE_ANSWER);
        let body = match self
            .http
            .send_within(Method::DELETE, url.clone(), &budget)
            .await
        {
            Err(RegistryError::TooLarge { method, url, .. }) => {
                return Err(RegistryError::TooLarge {
                    method,
                    url,
                    limit: MAX_REVOKE_ANSWER,
                })
            }
            body => body?,
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        parse_json(&body, "DELETE", &url).map(drop)
    }

    /// The user the credential belongs to: `GET /-/whoami`'s `username`.
    pub async fn whoami(&self) -> Result<String, RegistryError> {
        let url = self.whoami_url();
        let body = self.http.send(Method::GET, url.clone(), None).await?;
        self.username(&body, &url)
    }

    /// The user `token` belongs to, asked with that token instead of the configured
    /// credential: how `rotate` tests a token it just made.
    pub async fn whoami_as(&self, token: &Secret) -> Result<String, RegistryError> {
        let url = self.whoami_url();
        let body = self.http.get_as(url.clone(), token).await?;
        self.username(&body, &url)
    }

    fn whoami_url(&self) -> Url {
        self.http
            .registry()
            .join("-/whoami")
            .expect("a fixed relative path joins onto any http(s) base")
    }

    /// `{"username": …}`'s name, masked like any registry text.
    fn username(&self, body: &[u8], url: &Url) -> Result<String, RegistryError> {
        match parse_json(body, "GET", url)? {
            Value::Object(map) => match map.get("username") {
                Some(Value::String(name)) if !name.is_empty() => {
                    Ok(self.http.redactor().redact(name))
                }
                _ => Err(shape_error("GET", url, "it has no `username`".into())),
            },
            other => Err(shape_error(
                "GET",
                url,
                format!("expected an object, got {}", kind(&other)),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_login_polls_never_overflow_on_the_registrys_numbers() {
        let secs = Duration::from_secs;
        assert_eq!(next_poll(None, secs(300), secs(0)), Some(secs(1)));
        assert_eq!(next_poll(Some(secs(5)), secs(300), secs(10)), Some(secs(5)));
        assert_eq!(next_poll(Some(secs(u64::MAX)), secs(300), secs(0)), None);
        assert_eq!(next_poll(Some(Duration::MAX), Duration::MAX, secs(0)), None);
        // Past the limit already (elapsed beyond it): no wait, not an underflow.
        assert_eq!(next_poll(Some(secs(0)), secs(300), secs(u64::MAX)), None);
    }
}
