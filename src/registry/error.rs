//! What can go wrong talking to a registry, with enough detail for the caller to explain it.
//! URLs here are display forms (no userinfo); no variant holds a credential.

use std::time::Duration;

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

    #[error("the registry's answer to {method} {url} is larger than {} MiB", .limit / (1024 * 1024))]
    TooLarge {
        method: String,
        url: String,
        limit: usize,
    },

    #[error("the registry's token list links back to a page already read ({url})")]
    PageLoop { url: String },

    #[error("the registry's token list goes on for more than {limit} pages")]
    TooManyPages { limit: usize },

    #[error("the registry's token list links to a next page that is not an http(s) URL: {link}")]
    BadNextLink { link: String },

    #[error("the registry redirected {url} to {location}, which is not an http(s) URL")]
    BadRedirect { url: String, location: String },

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
            _ => "EBADRESPONSE".into(),
        }
    }
}
