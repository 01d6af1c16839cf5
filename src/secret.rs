//! A string that must never be printed: tokens, passwords, one-time passwords.
//!
//! Wrapped the moment it is read (from a flag, an environment variable, an npmrc file or a
//! prompt) so that no `Debug` print, log line or error message can carry it by accident.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send or show it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}

/// Scrubs every known secret out of text bound for stderr (errors, logs), as a last line of
/// defence against a registry that echoes back what it was sent.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub fn add(&mut self, secret: &Secret) {
        // Very short values ("1", "ab") would turn ordinary text into asterisks; no real
        // token, password or OTP is that short, and a 4-character one is still masked.
        if secret.expose().len() >= 4 && !self.secrets.iter().any(|s| s == secret.expose()) {
            self.secrets.push(secret.expose().to_owned());
            // Longest first, so a secret that contains another is masked whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "***");
            }
        }
        out
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("npm_abcdef123456");
        assert_eq!(format!("{s:?}"), "Secret(REDACTED)");
        assert_eq!(format!("{:?}", Some(s)), "Some(Secret(REDACTED))");
    }

    #[test]
    fn redactor_masks_every_occurrence_longest_first() {
        let mut r = Redactor::default();
        r.add(&Secret::new("abcd"));
        r.add(&Secret::new("abcdefgh"));
        r.add(&Secret::new("x"));
        assert_eq!(r.redact("abcdefgh and abcd and x"), "*** and *** and x");
    }
}
