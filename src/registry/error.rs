//! What can go wrong talking to a registry, with enough detail for the caller to explain it.
//! URLs here are display forms (no userinfo); no variant holds a credential.

use std::time::Duration;

use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};
use reqwest::Url;
use serde_json::Value;

use super::display_url;
use crate::secret::Redactor;
use crate::text::one_line;

/// Which kind of credential went with the failed request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SentAuth {
    None,
    Bearer,
    Basic,
}

/// npm's web login for a one-time-password challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebAuth {
    pub auth_url: reqwest::Url,
    pub done_url: reqwest::Url,
}

/// A response with a non-success status.
#[derive(Debug)]
pub struct HttpError {
    pub status: u16,
    pub reason: String,
    pub method: String,
    pub url: String,
    /// The body's `error` field, or a short plain-text body.
    pub message: Option<String>,
    /// npm-registry-fetch's test: 401 with an `otp` www-authenticate element, or a body that
    /// mentions a one-time password.
    pub otp_required: bool,
    /// For an OTP challenge that offers a web login.
    pub web_auth: Option<WebAuth>,
    pub sent: SentAuth,
    /// The `Retry-After` header, in seconds.
    pub retry_after: Option<Duration>,
}

impl HttpError {
    /// npm's line for it: `<status> <reason> - <METHOD> <url>[ - <message>]`.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} {} - {} {}",
            self.status, self.reason, self.method, self.url
        );
        if let Some(message) = &self.message {
            line.push_str(" - ");
            line.push_str(message);
        }
        line
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{}", .0.summary())]
    Http(Box<HttpError>),

    #[error("request to {url} failed, reason: {reason}")]
    Network {
        method: String,
        url: String,
        /// npm's error code: ECONNREFUSED, ENOTFOUND, ECONNRESET, …
        code: &'static str,
        reason: String,
    },

    #[error("request to {url} timed out after {} seconds", .after.as_secs_f64())]
    Timeout {
        method: String,
        url: String,
        after: Duration,
    },

    #[error("the registry's answer to {method} {url} is not valid JSON: {detail}")]
    InvalidJson {
        method: String,
        url: String,
        detail: String,
    },

    #[error("the registry's answer to {method} {url} is not what the token API returns: {detail}")]
    UnexpectedShape {
        method: String,
        url: String,
        detail: String,
    },

    #[error("the registry's answer to {method} {url} is larger than {}", size(*.limit))]
    TooLarge {
        method: String,
        url: String,
        limit: usize,
    },

    #[error("the registry's token list goes past {} MiB in all, at page {page}", .limit / (1024 * 1024))]
    ListTooLarge { limit: usize, page: usize },

    #[error("the registry's token list links back to a page already read ({url})")]
    PageLoop { url: String },

    #[error("the registry's token list goes on for more than {limit} pages")]
    TooManyPages { limit: usize },

    #[error("the registry's token list links to a next page that is not an http(s) URL: {link}")]
    BadNextLink { link: String },

    #[error("the registry's token list, read over https, links to a next page over plain http, not followed: {link}")]
    InsecureNextLink { link: String },

    #[error("the registry redirected {url} to {location}, which is not an http(s) URL")]
    BadRedirect { url: String, location: String },

    #[error("the registry redirected {method} {url} to {to}, not followed: {reason}")]
    RedirectRefused {
        method: String,
        url: String,
        /// Where it pointed: an origin, or a URL as it may be shown.
        to: String,
        reason: &'static str,
    },

    #[error("the registry redirected {url} more than {limit} times")]
    TooManyRedirects { url: String, limit: usize },

    #[error("the web login was not completed within {} seconds", .after.as_secs_f64())]
    WebLoginTimeout { after: Duration },

    #[error("could not set up the HTTP client: {0}")]
    Client(String),
}

impl RegistryError {
    /// Worth trying again, as npm's fetch retries: 408, 420, 429 and 5xx answers, dropped or
    /// refused connections and timeouts.
    pub fn is_transient(&self) -> bool {
        match self {
            RegistryError::Http(h) => matches!(h.status, 408 | 420 | 429 | 500..=599),
            RegistryError::Network { code, .. } => *code != "ENOTFOUND" && *code != "ECERT",
            RegistryError::Timeout { .. } => true,
            _ => false,
        }
    }

    /// The HTTP status of an answer that was not a success.
    pub fn status(&self) -> Option<u16> {
        match self {
            RegistryError::Http(h) => Some(h.status),
            _ => None,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            RegistryError::Http(h) => h.retry_after,
            _ => None,
        }
    }

    /// npm's error code for this error, as `npm error code …` would show it.
    pub fn code(&self) -> String {
        match self {
            RegistryError::Http(h) if h.otp_required => "EOTP".into(),
            RegistryError::Http(h) => format!("E{}", h.status),
            RegistryError::Network { code, .. } => (*code).into(),
            RegistryError::Timeout { .. } => "ETIMEDOUT".into(),
            RegistryError::InvalidJson { .. } => "EJSONPARSE".into(),
            // Setting up the client fails only on what was configured: a proxy, a CA, a cert.
            RegistryError::Client(_) => "EINVALIDCONFIG".into(),
            _ => "EBADRESPONSE".into(),
        }
    }
}

/// The error for a response with a non-success status: npm's summary line, the body's
/// message, and whether it is a one-time-password challenge (npm-registry-fetch's test: a
/// 401 with an `otp` element in `www-authenticate`, or a body that mentions one).
pub fn http_error(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    method: &str,
    url: &Url,
    sent: SentAuth,
    redactor: &Redactor,
) -> HttpError {
    let text = String::from_utf8_lossy(body);
    let www_authenticate = headers.get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok());
    let otp_required = status == 401
        && (www_authenticate.is_some_and(|h| {
            h.split(',')
                .any(|part| part.trim().eq_ignore_ascii_case("otp"))
        }) || text.contains("one-time pass"));
    let web_auth = otp_required.then(|| web_auth(&text, url)).flatten();
    HttpError {
        status,
        reason: reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_owned(),
        method: method.to_owned(),
        url: display_url(url),
        message: error_message(&text, redactor),
        otp_required,
        web_auth,
        sent,
        retry_after: super::http::retry_after(headers),
    }
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

/// The `error` field of a JSON error body, else a short single-line text body; HTML pages
/// and empty bodies give nothing. Whatever a registry sends is made one line with every
/// known secret masked before it is cut (a secret straddling the cut is masked whole).
pub(super) fn error_message(text: &str, redactor: &Redactor) -> Option<String> {
    let line = |s: &str| one_line(s, redactor);
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Some(map),
        Ok(Value::Null) => return None,
        Ok(Value::String(s)) => return Some(line(&s)).filter(|s| !s.is_empty()),
        _ => None,
    };
    if let Some(map) = map {
        return match map.get("error") {
            Some(Value::String(s)) if !s.is_empty() => Some(line(s)),
            Some(Value::Null) | None => map
                .get("message")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(line),
            Some(other) => Some(line(&other.to_string())),
        };
    }
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.starts_with('<') {
        return None;
    }
    Some(line(trimmed))
}

pub(super) fn parse_json(body: &[u8], method: &str, url: &Url) -> Result<Value, RegistryError> {
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

pub(super) fn shape_error(method: &str, url: &Url, detail: String) -> RegistryError {
    RegistryError::UnexpectedShape {
        method: method.to_owned(),
        url: display_url(url),
        detail,
    }
}

pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A byte limit as messages say it: `32 MiB`, `64 KiB`.
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{} MiB", b / (1024 * 1024)),
        b => format!("{} KiB", b / 1024),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> Option<String> {
        error_message(text, &Redactor::default())
    }

    #[test]
    fn error_messages_are_short_and_clean() {
        assert_eq!(
            message(r#"{"error":"bad username/password, access denied"}"#).unwrap(),
            "bad username/password, access denied"
        );
        assert_eq!(message(r#"{"message":"nope"}"#).unwrap(), "nope");
        assert_eq!(message("<html>502</html>"), None);
        assert_eq!(message(""), None);
        assert_eq!(message("null"), None);
        assert_eq!(message("\"quota exceeded\""), Some("quota exceeded".into()));
        assert_eq!(
            message("upstream\ttimed out\nmore"),
            Some("upstreamtimed out".into())
        );
        assert_eq!(message(&"x".repeat(500)).unwrap().chars().count(), 201);
    }

    #[test]
    fn error_messages_are_redacted_before_they_are_cut() {
        let redactor = Redactor::default();
        let secret = "npm_abcdefghijklmnopqrstuvwxyz0123456789";
        redactor.register(&crate::secret::Secret::new(secret));
        let body = serde_json::json!({ "error": format!("{}{secret} echoed", "x".repeat(190)) });
        assert_eq!(
            error_message(&body.to_string(), &redactor).unwrap(),
            format!("{}*** echoed", "x".repeat(190))
        );
        let text = "token npm_abc\u{200b}defghijklmnopqrstuvwxyz0123456789 refused";
        assert_eq!(error_message(text, &redactor).unwrap(), "token *** refused");
    }
}
