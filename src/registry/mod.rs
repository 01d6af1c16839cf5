//! The npm registry's token API. Knows HTTP and JSON; knows nothing of terminals, prompts,
//! configuration files or output formats, and depends on nothing of the app but `secret`
//! (secrets, and the shared redactor) and `text` (registry text made one safe line).
//!
//! - `client`: the token endpoints (create, revoke, whoami, web login), and how many
//!   requests a batch may have in flight;
//! - `list`: the token list, page by page, or side by side when npmjs.org's pages allow;
//! - `http`: sending (credentials per origin, redirects, retries; proxies and TLS in
//!   `http/transport`, retry policy in `http/retry`, body limits in `http/body`);
//! - `page`: the token type, page decoding and its fast path, npm's `--json` re-printing;
//! - `error`: what can go wrong, npm's summary lines, scraping error bodies, OTP challenges;
//! - `auth`: which credential goes with which URL (npm's nerf-dart walk);
//! - `spec`: what `create` sends.

mod auth;
mod client;
mod error;
mod http;
mod list;
mod page;
mod spec;

pub use auth::{nerf_dart, nerf_dart_walk, Credential, Credentials};
pub use client::RegistryClient;
pub use error::{HttpError, RegistryError, SentAuth};
pub use http::{ClientOptions, RetryPolicy, Transport, HTTP_LOG_TARGET, NOTICE_LOG_TARGET};
#[cfg(test)]
pub use page::{decode_page_for_fuzzing, jsontext};
pub use page::{js_string, js_stringify_pretty, js_truthy, Token, TokenFields};
pub use spec::{CreateTokenRequest, Permission, TokenSpec};

/// A URL as it may be shown: without any `user:password@`.
pub fn display_url(url: &reqwest::Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_url_hides_userinfo() {
        let u = reqwest::Url::parse("https://me:hunter2@r.example/x?y").unwrap();
        assert_eq!(super::display_url(&u), "https://r.example/x?y");
    }
}
