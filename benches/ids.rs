//! Shortest-unique ids for long token lists: `cargo bench --bench ids`.
//! The target is 100 000 tokens in under 50 ms; npm's own algorithm is quadratic.

// The crate is a binary only, so the bench takes the module's source as it is. (Its unit
// tests come along but are not run here, hence the allow.)
#[path = "../src/ids.rs"]
#[allow(dead_code, unused_imports)]
mod ids;

/// Keys shaped like the npm registry's: 128 hex digits (a SHA-512), from a fixed seed.
fn keys(n: usize) -> Vec<String> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..n)
        .map(|_| {
            (0..128)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    char::from_digit((state % 16) as u32, 16).unwrap()
                })
                .collect()
        })
        .collect()
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 20)]
fn shortest_unique_ids(bencher: divan::Bencher, n: usize) {
    let keys = keys(n);
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    bencher.bench(|| ids::shortest_unique_ids(divan::black_box(&refs), 6));
}

fn main() {
    divan::main();
}
