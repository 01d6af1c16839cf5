//! Response bodies, read within limits.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Error bodies are only read this far: they are for a one-line message.
pub(super) const MAX_ERROR_BODY: usize = 64 * 1024;

/// The most reserved for a body before it arrives: a registry that claims 32 MiB and sends
/// a few bytes must not cost 32 MiB a page.
const MAX_INITIAL_CAPACITY: usize = 1024 * 1024;

pub(super) enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Bytes that several bodies may hold together (a token list's pages, read side by side):
/// each takes from it as its chunks arrive, and gives back what it took if it is not
/// delivered (an error, or a read that was dropped). A delivered body keeps its share until
/// its owner gives it back.
#[derive(Debug)]
pub struct Budget {
    left: AtomicUsize,
}

impl Budget {
    pub fn new(bytes: usize) -> Self {
        Budget {
            left: AtomicUsize::new(bytes),
        }
    }

    /// What is left.
    pub fn left(&self) -> usize {
        self.left.load(Ordering::Acquire)
    }

    /// Takes `n` bytes, if that many are left.
    fn take(&self, n: usize) -> bool {
        self.left
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(n)
            })
            .is_ok()
    }

    /// Returns `n` bytes taken earlier (a body that was read, then not kept).
    pub fn give_back(&self, n: usize) {
        self.left.fetch_add(n, Ordering::AcqRel);
    }
}

/// What one body took from a [`Budget`]: given back when dropped, unless kept.
struct Taken<'a> {
    budget: Option<&'a Budget>,
    bytes: usize,
}

impl Taken<'_> {
    fn take(&mut self, n: usize) -> bool {
        match self.budget {
            Some(budget) if budget.take(n) => {
                self.bytes += n;
                true
            }
            Some(_) => false,
            None => true,
        }
    }

    fn keep(mut self) {
        self.bytes = 0;
    }
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        if let Some(budget) = self.budget {
            budget.give_back(self.bytes);
        }
    }
}

/// Reads a body up to `limit` bytes, and within what `budget` has left: past either, the
/// body is cut there when `truncate` (an error body only feeds a one-line message, and
/// takes nothing from a budget), else it is an error.
pub(super) async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
    truncate: bool,
    budget: Option<&Budget>,
) -> Result<Vec<u8>, BodyError> {
    let budget = budget.filter(|_| !truncate);
    let declared = response.content_length();
    let room = budget.map_or(limit, |b| b.left().min(limit));
    if !truncate && declared.is_some_and(|n| n > room as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut taken = Taken { budget, bytes: 0 };
    let mut body = Vec::with_capacity(initial_capacity(declared, room));
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
        if !taken.take(chunk.len()) {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    taken.keep();
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
    fn a_budget_is_taken_within_what_is_left_and_given_back() {
        let budget = Budget::new(10);
        assert!(budget.take(6));
        assert!(!budget.take(5), "only 4 left");
        assert_eq!(budget.left(), 4);
        {
            let mut taken = Taken {
                budget: Some(&budget),
                bytes: 0,
            };
            assert!(taken.take(3));
            assert_eq!(budget.left(), 1);
            // Dropped without being kept: a body not delivered gives its bytes back.
        }
        assert_eq!(budget.left(), 4);
        let mut taken = Taken {
            budget: Some(&budget),
            bytes: 0,
        };
        assert!(taken.take(4));
        taken.keep();
        assert_eq!(budget.left(), 0);
        budget.give_back(10);
        assert_eq!(budget.left(), 10);
    }

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
