//! Response bodies, read within limits.

/// Error bodies are only read this far: they are for a one-line message.
pub(super) const MAX_ERROR_BODY: usize = 64 * 1024;

/// The most reserved for a body before it arrives: a registry that claims 32 MiB and sends
/// a few bytes must not cost 32 MiB a page.
const MAX_INITIAL_CAPACITY: usize = 1024 * 1024;

pub(super) enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads a body up to `limit` bytes: past it, the body is cut there when `truncate` (an
/// error body only feeds a one-line message), else it is an error.
pub(super) async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
    truncate: bool,
) -> Result<Vec<u8>, BodyError> {
    let declared = response.content_length();
    if !truncate && declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(initial_capacity(declared, limit));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        // `body` never holds more than `limit`, so this cannot underflow.
        let room = limit - body.len();
        if chunk.len() > room {
            if truncate {
                body.extend_from_slice(&chunk[..room]);
                break;
            }
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What to reserve for a body before reading it: its declared length within the limit, but
/// no more than [`MAX_INITIAL_CAPACITY`], as a `Content-Length` is only a claim.
fn initial_capacity(declared: Option<u64>, limit: usize) -> usize {
    let declared = declared.map_or(8 * 1024, |n| usize::try_from(n).unwrap_or(usize::MAX));
    declared.min(limit).min(MAX_INITIAL_CAPACITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_length_reserves_at_most_a_mebibyte() {
        assert_eq!(initial_capacity(None, 32 << 20), 8 * 1024);
        assert_eq!(initial_capacity(Some(10), 32 << 20), 10);
        assert_eq!(
            initial_capacity(Some(u64::MAX), 32 << 20),
            MAX_INITIAL_CAPACITY
        );
        assert_eq!(initial_capacity(Some(u64::MAX), 100), 100);
        assert_eq!(initial_capacity(None, 100), 100);
    }
}
