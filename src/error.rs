//! The errors a user sees, each one line saying what failed and what to do about it.

use crate::registry::{display_url, HttpError, RegistryError, SentAuth};
use crate::settings::{AuthContext, ConfigError};

#[derive(Debug)]
pub enum AppError {
    /// Bad command-line usage: the message, then a pointer to `--help`.
    Usage(String),
    /// Anything else that stops the command.
    Failed {
        code: Option<String>,
        message: String,
    },
    /// A check the user asked for did not pass (`status --fail-within`): exit 3.
    Check(String),
    /// A report found something (`audit`): exit 3; the output already says what.
    Found,
    /// The person at the terminal said no (or ended the input) at a prompt, and nothing was
    /// done: the message, and exit 2.
    Cancelled(String),
    /// A failure after the command's result went to stdout (a created token, the tokens a
    /// revoke removed): reported on stderr only, so that stdout stays one document.
    AfterOutput(Box<AppError>),
    /// stdout was closed by the reader (`npm-token list | head -1`): not an error.
    BrokenPipe,
}

impl AppError {
    pub fn failed(message: impl Into<String>) -> Self {
        AppError::Failed {
            code: None,
            message: message.into(),
        }
    }

    /// What it says, for a report that lists several failures.
    pub fn message(&self) -> &str {
        match self {
            AppError::Usage(message) | AppError::Check(message) | AppError::Cancelled(message) => {
                message
            }
            AppError::Failed { message, .. } => message,
            AppError::AfterOutput(inner) => inner.message(),
            AppError::Found => "the report found something",
            AppError::BrokenPipe => "the output was closed",
        }
    }

    /// npm's error code, when it has one.
    pub fn code(&self) -> Option<&str> {
        match self {
            AppError::Failed { code, .. } => code.as_deref(),
            AppError::AfterOutput(inner) => inner.code(),
            _ => None,
        }
    }

    /// This failure, coming after the output was written.
    pub fn after_output(self) -> Self {
        match self {
            AppError::BrokenPipe | AppError::AfterOutput(_) | AppError::Found => self,
            other => AppError::AfterOutput(Box::new(other)),
        }
    }

    /// This failure, with npm's error code `code`.
    pub fn with_code(self, code: &str) -> Self {
        match self {
            AppError::Failed { message, .. } => AppError::Failed {
                code: Some(code.to_owned()),
                message,
            },
            other => other,
        }
    }

    /// Adds what a failure leaves behind after its message: `<message>; <suffix>`.
    pub fn suffixed(self, suffix: &str) -> Self {
        match self {
            AppError::Failed { code, message } => AppError::Failed {
                code,
                message: format!("{message}; {suffix}"),
            },
            AppError::AfterOutput(inner) => AppError::AfterOutput(Box::new(inner.suffixed(suffix))),
            other => other,
        }
    }

    /// Puts what was being done in front of a failure's message.
    pub fn prefixed(self, prefix: &str) -> Self {
        match self {
            AppError::Failed { code, message } => AppError::Failed {
                code,
                message: format!("{prefix}: {message}"),
            },
            AppError::AfterOutput(inner) => AppError::AfterOutput(Box::new(inner.prefixed(prefix))),
            other => other,
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            AppError::BrokenPipe
        } else {
            AppError::failed(format!("could not write the output: {e}"))
        }
    }
}

impl From<ConfigError> for AppError {
    fn from(e: ConfigError) -> Self {
        let code = match e {
            ConfigError::InvalidAuth { .. } => "ERR_INVALID_AUTH",
            ConfigError::NoCredentials { .. } => "ENEEDAUTH",
            ConfigError::Cidr(_) => "EINVALIDCIDR",
            ConfigError::Contradiction(_) => "EUSAGE",
            _ => "EINVALIDCONFIG",
        };
        AppError::Failed {
            code: Some(code.into()),
            message: e.to_string(),
        }
    }
}

/// What the failed request was for, to explain a failure in the user's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    List,
    Create,
    Revoke,
    /// Testing a new token (`GET /-/whoami` with it): no token is managed, so a refusal
    /// says nothing about a login session being needed.
    TestToken,
}

/// Turns a registry failure into the one line the user reads: npm's wording where npm has
/// one, plus the advice npm leaves out.
pub fn explain(error: RegistryError, op: Operation, ctx: &AuthContext) -> AppError {
    let code = Some(error.code());
    let message = match &error {
        RegistryError::Http(http) => explain_http(http, op, ctx),
        RegistryError::Network { code: "ECERT", .. } => format!(
            "{error} (ECERT); the registry's TLS certificate is not trusted: set `cafile` to the CA \
             bundle that signed it (or, unsafely, `strict-ssl=false`)"
        ),
        RegistryError::Network { code, .. } => format!(
            "{error} ({code}); check that the registry is up and reachable, and if you are behind a proxy, that the `proxy` config is set"
        ),
        RegistryError::Timeout { .. } => format!(
            "{error}; the registry may be down or slow: try again, or raise `fetch-timeout` (milliseconds)"
        ),
        RegistryError::InvalidJson { .. } | RegistryError::UnexpectedShape { .. } => format!(
            "{error}; check that {} is an npm registry (the `registry` config)",
            ctx.registry
        ),
        RegistryError::WebLoginTimeout { .. } => {
            format!("{error}; run the command again, or pass --otp=<code>")
        }
        RegistryError::TooLarge { .. }
        | RegistryError::BadRedirect { .. }
        | RegistryError::RedirectRefused { .. }
        | RegistryError::ListTooLarge { .. }
        | RegistryError::TooManyRedirects { .. }
        | RegistryError::PageLoop { .. }
        | RegistryError::TooManyPages { .. }
        | RegistryError::BadNextLink { .. }
        | RegistryError::InsecureNextLink { .. } => {
            format!("{error}; the registry is misbehaving: report it to its operators")
        }
        RegistryError::Client(_) => error.to_string(),
    };
    AppError::Failed { code, message }
}

fn explain_http(http: &HttpError, op: Operation, ctx: &AuthContext) -> String {
    let summary = http.summary();
    let login = format!("npm login --registry={}", ctx.registry);
    match http.status {
        401 if http.otp_required => match &http.web_auth {
            Some(web) => format!(
                "This operation requires a one-time password. Open {} in your browser to authenticate, \
                 then run the command again in a terminal, or pass --otp=<code>.",
                display_url(&web.auth_url)
            ),
            None => "This operation requires a one-time password from your authenticator. \
                 You can provide a one-time password by passing --otp=<code> to the command you ran. \
                 If you already provided one, it was mistyped or has expired: try again."
                .to_owned(),
        },
        // A refused password on create: npm blames the token, which misleads.
        401 if op == Operation::Create && http.message.is_some() => format!(
            "{summary}; check your password and try again (if it is right, the token for {} may have expired: `{login}`)",
            ctx.credential_key
        ),
        401 => match http.sent {
            SentAuth::Bearer => format!(
                "Unable to authenticate, your authentication token seems to be invalid ({summary}). \
                 To correct this please try logging in again with: {login}{}",
                needs_session(op, ctx)
            ),
            SentAuth::Basic => format!(
                "Incorrect or missing password ({summary}): the username and password configured for {} were refused. \
                 To correct this please try logging in again with: {login}",
                ctx.credential_key
            ),
            SentAuth::None => format!(
                "{summary}; no credentials were sent to this URL, as none are configured for its origin"
            ),
        },
        403 => format!(
            "{summary}; the registry refused this token or account (it may be revoked, read-only, or limited to other IP addresses){}",
            if http.sent == SentAuth::Bearer && op != Operation::TestToken {
                format!("{}: {login}", needs_session(op, ctx))
            } else {
                String::new()
            }
        ),
        // A DELETE follows a read of the token list from this registry: the token API is
        // there, and the token was in the list.
        404 if op == Operation::Revoke && http.method == "DELETE" => {
            format!("{summary}; the registry has no such token any more (it was just listed)")
        }
        404 => format!(
            "{summary}; this registry does not serve the token API there: check the `registry` config ({})",
            ctx.registry
        ),
        408 | 429 => format!("{summary}; the registry is busy or rate limiting: wait a little and try again"),
        500..=599 => format!("{summary}; the registry failed: try again later"),
        _ => summary,
    }
}

/// npmjs.org refuses token management to granular access tokens and to tokens that bypass
/// 2FA (since August 2026): only a login session may list, create or revoke tokens. Not
/// said when no token was being managed.
fn needs_session(op: Operation, ctx: &AuthContext) -> String {
    if op == Operation::TestToken {
        return String::new();
    }
    format!(
        "; a granular access token, or one that bypasses 2FA, cannot manage tokens: managing \
         tokens on {} needs a login session",
        ctx.registry
    )
}
