//! Short token ids: the shortest prefix of each token's key that no other key shares,
//! at least `min_len` characters long (npm uses 6).
//!
//! npm compares every key with every other for every length (O(n² · k)); sorting the keys
//! and comparing each only with its two neighbours gives the same ids in O(n log n · k):
//! the key sharing the longest common prefix with a key is always adjacent to it in
//! sorted order.

/// Returns one id per key, in the order given.
pub fn shortest_unique_ids(keys: &[&str], min_len: usize) -> Vec<String> {
    if keys.iter().all(|k| k.is_ascii()) {
        // Keys are ASCII hex in practice: bytes, chars and UTF-16 code units are the same.
        let bytes: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
        return shortest_unique_prefixes(&bytes, min_len)
            .into_iter()
            .zip(keys)
            .map(|(len, key)| key[..len].to_owned())
            .collect();
    }
    // Otherwise count UTF-16 code units, as JavaScript's `slice` does.
    let units: Vec<Vec<u16>> = keys.iter().map(|k| k.encode_utf16().collect()).collect();
    shortest_unique_prefixes(&units, min_len)
        .into_iter()
        .zip(units)
        .map(|(len, unit)| String::from_utf16_lossy(&unit[..len]))
        .collect()
}

/// A unit of a key: a byte, or a UTF-16 code unit.
trait Unit: Ord + Copy {
    const BITS: usize;
    fn widen(self) -> u64;
}

impl Unit for u8 {
    const BITS: usize = 8;
    fn widen(self) -> u64 {
        self.into()
    }
}

impl Unit for u16 {
    const BITS: usize = 16;
    fn widen(self) -> u64 {
        self.into()
    }
}

/// The first units of a key packed into an integer that sorts as the key does (a shorter
/// key is padded with zeros, so ties are settled by the whole key).
fn packed_prefix<T: Unit>(key: &[T]) -> u64 {
    let width = 64 / T::BITS;
    (0..width).fold(0, |acc, i| {
        (acc << T::BITS) | key.get(i).map_or(0, |unit| unit.widen())
    })
}

/// The length of each key's shortest unique prefix, at least `min_len` (or the whole key).
fn shortest_unique_prefixes<T: Unit, K: AsRef<[T]>>(keys: &[K], min_len: usize) -> Vec<usize> {
    // Sorting compares packed prefixes first: one integer comparison settles most pairs.
    let mut sorted: Vec<(u64, &[T], usize)> = keys
        .iter()
        .map(AsRef::as_ref)
        .zip(0..)
        .map(|(key, i)| (packed_prefix(key), key, i))
        .collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));

    // The longest prefix each key shares with any other key; `None` for a key alone.
    let mut shared: Vec<Option<usize>> = vec![None; keys.len()];
    for pair in sorted.windows(2) {
        let [(_, a, i), (_, b, j)] = [pair[0], pair[1]];
        let lcp = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        shared[i] = Some(shared[i].map_or(lcp, |s| s.max(lcp)));
        shared[j] = Some(shared[j].map_or(lcp, |s| s.max(lcp)));
    }

    keys.iter()
        .zip(shared)
        .map(|(key, shared)| {
            // npm tries lengths min_len..len-1 and keeps the whole key when none is unique.
            let len = shared.map_or(min_len, |s| (s + 1).max(min_len));
            len.min(key.as_ref().len())
        })
        .collect()
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
        for round in 0..600 {
            // Half the rounds are ASCII (the fast path); half mix in characters that are one
            // and two UTF-16 code units long, as JavaScript counts them.
            let alphabet = if round % 2 == 0 {
                &['a', 'b'][..]
            } else {
                &['a', 'é', '😀'][..]
            };
            let n = (next() % 12) as usize;
            let keys: Vec<String> = (0..n)
                .map(|_| {
                    let len = (next() % 10) as usize;
                    (0..len)
                        .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
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
