//! Integration tests: the real binary against a real Verdaccio, real npm, and an in-process
//! fake registry for what Verdaccio cannot do. One test binary, so one Verdaccio.

mod completion;
mod config;
mod docs;
mod fake;
mod msrv;
mod network;
mod support;
mod verdaccio;

/// Help and error texts, as snapshots in tests/cmd/ (regenerate: TRYCMD=overwrite).
#[test]
fn help_and_error_snapshots() {
    trycmd::TestCases::new()
        .register_bin("npm-token", std::path::Path::new(support::BIN))
        .case("tests/cmd/*.toml");
}
