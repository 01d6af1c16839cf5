//! Whether a full token is the one a listed token's mask stands for.

use super::TokenInfo;

/// Whether `candidate` (a full token given to `revoke`, or the one in use) is the token
/// `mask` stands for. Security-critical: a wrong yes revokes or trusts the wrong token.
///
/// - With an ellipsis (`...` or `…`, the first one found splits it): `npm_NYn6...jCq0`
///   (npmjs: first 8 and last 4 characters), `ABCDE...VWXYZ` (Verdaccio). The head and the
///   tail must both be non-empty and show at least `MIN_SHOWN` characters together, and the
///   candidate must start with the head, end with the tail, and be strictly longer than
///   both together (something was hidden).
/// - Without: a classic npm mask is a bare prefix (`a73c95`), matched as npm matches it: the
///   candidate starts with it. But only a mask of `MIN_SHOWN` characters or more, and only a
///   candidate as long as a token (`MIN_TOKEN_LEN`): a registry's mask `npm_` or `3f2a`
///   would otherwise claim every token, or an id the user typed, and revoke the wrong one.
pub fn mask_matches(mask: &str, candidate: &str) -> bool {
    if !mask_is_comparable(mask) {
        return false;
    }
    match split(mask) {
        Some((head, tail)) => {
            candidate.len() > head.len() + tail.len()
                && candidate.starts_with(head)
                && candidate.ends_with(tail)
        }
        None => candidate.chars().count() >= MIN_TOKEN_LEN && candidate.starts_with(mask),
    }
}

/// A mask's head and tail around its first ellipsis (`...` or `…`), if it has one.
fn split(mask: &str) -> Option<(&str, &str)> {
    ["...", "…"]
        .into_iter()
        .filter_map(|ellipsis| mask.split_once(ellipsis))
        .min_by_key(|(head, _)| head.len())
}

/// The fewest characters of a token a mask must show to stand for it (npm's classic masks
/// show 6).
const MIN_SHOWN: usize = 6;

/// The shortest text taken for a full token (npm's are 36 characters or more); anything
/// shorter is an id.
const MIN_TOKEN_LEN: usize = 16;

/// Whether `mask` shows enough for [`mask_matches`] ever to say yes: missing, empty,
/// tail-only (`...wxyz`) or too short masks cannot be told apart from any token.
pub fn mask_is_comparable(mask: &str) -> bool {
    match split(mask) {
        Some((head, tail)) => {
            !head.is_empty()
                && !tail.is_empty()
                && head.chars().count() + tail.chars().count() >= MIN_SHOWN
        }
        None => mask.chars().count() >= MIN_SHOWN,
    }
}

impl TokenInfo {
    /// Whether this token's mask could be matched against a full token at all (see
    /// [`mask_is_comparable`]): when it cannot, whether it is the token in use is unknown.
    pub fn mask_is_comparable(&self) -> bool {
        self.mask.as_deref().is_some_and(mask_is_comparable)
    }

    /// Whether `candidate` is the full token this one masks (see `mask_matches`); never
    /// without a mask.
    pub fn mask_matches(&self, candidate: &str) -> bool {
        self.mask
            .as_deref()
            .is_some_and(|mask| mask_matches(mask, candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_with_an_ellipsis_need_both_ends() {
        let full = "npm_NYn6AbCdEfGhIjKlMnOpQrStUvWxYzjCq0";
        assert_eq!(full.len(), 4 + 36 - 2);
        let gat = info(gat());
        assert!(gat.mask_matches(full));
        assert!(gat.mask_matches("npm_NYn6xjCq0"), "one hidden character");
        assert!(!gat.mask_matches("npm_NYn6jCq0"), "nothing hidden");
        assert!(!gat.mask_matches("npm_NYn6Cq0"), "head and tail overlap");
        assert!(!gat.mask_matches("npm_NYn6AbCdEfGhIjKlMnOpQrStUvWxYzjCq1"));
        assert!(!gat.mask_matches("npm_NYn7AbCdEfGhIjKlMnOpQrStUvWxYzjCq0"));
        assert!(
            !gat.mask_matches("npm_nyn6AbCdEfGhIjKlMnOpQrStUvWxYzjcq0"),
            "case matters"
        );
        assert!(!gat.mask_matches(""));

        assert!(mask_matches("ABCDE...VWXYZ", "ABCDEfffffVWXYZ"));
        assert!(!mask_matches("ABCDE...VWXYZ", "ABCDEVWXYZ"));
        assert!(!mask_matches("ABCDE...VWXYZ", "ABCDEffffVWXY"));
        assert!(mask_matches("npm_NYn6…jCq0", full), "a Unicode ellipsis");
        assert!(!mask_matches("npm_NYn6…jCq0", "npm_NYn6jCq0"));
        // Without a head or a tail, a mask would match a whole family of tokens.
        for mask in [
            "...jCq0",
            "npm_NYn6...",
            "...",
            "…",
            "…jCq0",
            "npm_NYn6…",
            "....",
            "......",
        ] {
            assert!(!mask_matches(mask, full), "{mask}");
            assert!(
                !mask_matches(mask, &format!("{mask}{full}{mask}")),
                "{mask}"
            );
        }
        // A mask that shows too little stands for too many tokens, and a short argument is
        // an id, never a token a bare-prefix mask could claim.
        assert!(!mask_matches("ab...c", "abXXXXXXXXXXXXXXXXXc"));
        assert!(!mask_matches("npm_", full));
        assert!(!mask_matches("3f2a", "3f2a9c"));
        assert!(!mask_matches("3f2a9c", "3f2a9c"));
        assert!(!mask_matches("a73c95", "a73c95b"));
        assert!(mask_matches(
            "a73c95",
            "a73c95b1-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
        ));
        // The first ellipsis splits: the rest is part of the tail, matched literally.
        assert!(mask_matches("ab...cd...ef", "abXcd...ef"));
        assert!(!mask_matches("ab...cd...ef", "abXcdYef"));
        assert!(mask_matches("ab…cd...ef", "abXcd...ef"));
        assert!(!mask_matches("ab…cd...ef", "ab…cdXef"));
    }

    #[test]
    fn bare_masks_match_as_a_prefix_like_npm() {
        let classic = info(classic());
        assert!(classic.mask_matches("a73c95deadbeef0123"));
        // npm's `indexOf(mask) === 0` takes the mask itself; an argument that short is an
        // id, and ids are matched against keys only.
        assert!(!classic.mask_matches("a73c95"));
        assert!(!classic.mask_matches("a73c9"));
        assert!(!classic.mask_matches("xa73c95"));
        assert!(!classic.mask_matches("A73C95DEADBEEF"));
        assert!(
            !mask_matches("", "anything"),
            "an empty mask matches nothing"
        );
        assert!(!mask_matches("", ""));
        assert!(!info(json!({})).mask_matches("anything"), "no mask");
        assert!(!info(json!({"token": 7})).mask_matches("7"));
    }

    #[test]
    fn masks_that_show_too_little_are_not_comparable() {
        for mask in ["npm_NYn6...jCq0", "ABCDE...VWXYZ", "a73c95", "abc…def"] {
            assert!(mask_is_comparable(mask), "{mask}");
        }
        for mask in ["", "...wxyz", "npm_...", "ab...cd", "a73c9", "..."] {
            assert!(!mask_is_comparable(mask), "{mask}");
        }
        // Comparable is necessary for a match: whatever matches is comparable.
        let token = "npm_NYn6aBcDeFgHiJkLmNoPqRsTuVwXyZ12jCq0";
        for mask in ["npm_NYn6...jCq0", "...jCq0", "npm_NYn6", "npm_"] {
            assert!(
                !mask_matches(mask, token) || mask_is_comparable(mask),
                "{mask}"
            );
        }
    }
}
