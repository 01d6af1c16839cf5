//! The minimum Rust version in Cargo.toml is honest: no locked dependency asks for more.
//! (The CI job `msrv` builds with exactly that toolchain; this catches a `cargo update` that
//! raises the floor without a toolchain download.)

use std::process::Command;

/// `1.88` or `1.88.0` as a comparable triple.
fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text
        .split('.')
        .map(|p| p.parse::<u64>().unwrap_or(u64::MAX));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

fn host() -> String {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_ours() {
    // Offline, so only this platform's packages (the others may not be downloaded).
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = env!("CARGO_PKG_RUST_VERSION");
    let too_new: Vec<String> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            Some((
                p["name"].as_str()?,
                p["version"].as_str()?,
                p["rust_version"].as_str()?,
            ))
        })
        .filter(|(_, _, needs)| version(needs) > version(ours))
        .map(|(name, v, needs)| format!("{name} {v} needs Rust {needs}"))
        .collect();
    assert!(
        too_new.is_empty(),
        "Cargo.toml says rust-version = {ours}, but {}",
        too_new.join(", ")
    );
}

#[test]
fn the_msrv_ci_job_builds_with_exactly_our_rust_version() {
    let ci = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/ci.yml"
    ))
    .unwrap();
    let line = format!("toolchain: \"{}\"", env!("CARGO_PKG_RUST_VERSION"));
    assert!(ci.contains(&line), "ci.yml's msrv job should use `{line}`");
}
