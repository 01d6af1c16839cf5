//! Short token ids: the shortest prefix of each token's key that no other key shares,
//! at least `min_len` characters long (npm uses 6).
//!
//! npm compares every key with every other for every length (O(n² · k)); sorting the keys
//! and comparing each only with its two neighbours gives the same ids in O(n log n · k):
//! the key sharing the longest common prefix with a key is always adjacent to it in
//! sorted order.

/// Returns one id per key, in the order given.
pub fn shortest_unique_ids(keys: &[&str], min_len: usize) -> Vec<String> {
    // Compare by UTF-16 code units, as JavaScript's `slice` counts them; keys are ASCII hex
    // in practice, where chars and code units are the same.
    let units: Vec<Vec<u16>> = keys.iter().map(|k| k.encode_utf16().collect()).collect();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_unstable_by(|&a, &b| units[a].cmp(&units[b]));

    // The longest prefix each key shares with any other key; `None` for a key alone.
    let mut shared: Vec<Option<usize>> = vec![None; keys.len()];
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let lcp = common_prefix_len(&units[a], &units[b]);
        shared[a] = Some(shared[a].map_or(lcp, |s| s.max(lcp)));
        shared[b] = Some(shared[b].map_or(lcp, |s| s.max(lcp)));
    }

    keys.iter()
        .zip(&units)
        .zip(shared)
        .map(|((key, unit), shared)| {
            // npm tries lengths min_len..len-1 and keeps the whole key when none is unique.
            let len = shared.map_or(min_len, |s| (s + 1).max(min_len));
            if len < unit.len() {
                String::from_utf16_lossy(&unit[..len])
            } else {
                (*key).to_owned()
            }
        })
        .collect()
}

fn common_prefix_len(a: &[u16], b: &[u16]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// npm's own algorithm, to check ours against.
    fn npm_ids(keys: &[&str], min: usize) -> Vec<String> {
        keys.iter()
            .enumerate()
            .map(|(i, key)| {
                let k: Vec<u16> = key.encode_utf16().collect();
                for ii in min..k.len() {
                    let clash = keys.iter().enumerate().any(|(j, other)| {
                        let o: Vec<u16> = other.encode_utf16().collect();
                        j != i && o[..ii.min(o.len())] == k[..ii]
                    });
                    if !clash {
                        return String::from_utf16_lossy(&k[..ii]);
                    }
                }
                (*key).to_owned()
            })
            .collect()
    }

    #[test]
    fn examples() {
        let keys = [
            "abcdef01", "abcdef02", "abcdxx99", "ffffffff", "abc", "abcdef0",
        ];
        assert_eq!(
            shortest_unique_ids(&keys, 6),
            ["abcdef01", "abcdef02", "abcdxx", "ffffff", "abc", "abcdef0"]
        );
        assert_eq!(shortest_unique_ids(&[], 6), Vec::<String>::new());
        assert_eq!(
            shortest_unique_ids(&["dup123456", "dup123456"], 6),
            ["dup123456", "dup123456"]
        );
    }

    #[test]
    fn matches_npm_on_many_generated_key_sets() {
        // A small deterministic generator: keys over a tiny alphabet collide often.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let n = (next() % 12) as usize;
            let keys: Vec<String> = (0..n)
                .map(|_| {
                    let len = (next() % 10) as usize;
                    (0..len)
                        .map(|_| b"ab\xc3"[(next() % 2) as usize] as char)
                        .collect()
                })
                .collect();
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            for min in [0, 1, 3, 6] {
                assert_eq!(
                    shortest_unique_ids(&refs, min),
                    npm_ids(&refs, min),
                    "{refs:?}"
                );
            }
        }
    }
}
