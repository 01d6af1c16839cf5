//! npm's retry policy (`fetch-retries` and friends), the registry's `Retry-After`, and the
//! pause one 429 puts every request in.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::registry::error::RegistryError;

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
    pub(super) fn delay(&self, retry: u32, error: &RegistryError) -> Duration {
        let backoff = self
            .min_timeout
            .saturating_mul(self.factor.saturating_pow(retry));
        error.retry_after().unwrap_or(backoff).min(self.max_timeout)
    }
}

/// Until when no request is sent: one 429 holds back every request a client sends (a batch
/// side by side among them), not only the one it answered.
#[derive(Debug, Default)]
pub(super) struct Pause(Mutex<Option<tokio::time::Instant>>);

impl Pause {
    /// Holds every request back for `wait` from now (or longer, if another 429 asked so).
    pub(super) fn extend(&self, wait: Duration) {
        let now = tokio::time::Instant::now();
        // Beyond what an `Instant` holds: a century is for ever enough.
        let until = now
            .checked_add(wait)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400));
        let mut paused = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if paused.is_none_or(|at| at < until) {
            *paused = Some(until);
        }
    }

    /// Waits while a 429 holds requests back.
    pub(super) async fn wait(&self) {
        loop {
            let until = *self.0.lock().unwrap_or_else(|e| e.into_inner());
            match until {
                Some(until) if until > tokio::time::Instant::now() => {
                    tokio::time::sleep_until(until).await
                }
                _ => return,
            }
        }
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare from registries and ignored). Any
/// number of seconds a registry sends is a valid `Duration`; more digits than a `u64` holds
/// are ignored, never an overflow. Whoever waits on it caps it.
pub(in crate::registry) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::error::{HttpError, SentAuth};
    use reqwest::header::HeaderValue;

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
    fn a_pause_keeps_the_latest_end_and_takes_any_wait() {
        let pause = Pause::default();
        let until = || pause.0.lock().unwrap().unwrap();
        pause.extend(Duration::from_secs(5));
        let five = until();
        pause.extend(Duration::from_secs(1));
        assert_eq!(until(), five, "a shorter wait does not cut a longer one");
        pause.extend(Duration::MAX);
        assert!(until() > five);
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
}
