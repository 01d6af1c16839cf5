//! The npm registry's token API. Knows HTTP and JSON; knows nothing of terminals, prompts or
//! output formats.

mod auth;
mod client;
mod error;
mod types;

pub use auth::{Credential, Credentials};
#[cfg(test)]
pub use client::decode_page_for_fuzzing;
pub use client::{ClientOptions, RegistryClient, RetryPolicy, Transport};
pub use error::{HttpError, RegistryError, SentAuth};
pub use types::{js_string, js_truthy, CreateTokenRequest, Token, TokenFields, TokenSpec};

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
