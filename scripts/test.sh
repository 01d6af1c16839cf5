#!/usr/bin/env bash
# Runs every test: installs the pinned Verdaccio the integration tests start (npm ci from the
# committed lockfile), then `cargo test`. Works on a clean clone with cargo, node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x tests/registry/node_modules/.bin/verdaccio ]; then
  npm ci --prefix tests/registry --no-audit --no-fund --loglevel=error
fi
# Two cores: two test threads, one build.
cargo test --locked -- --test-threads=2
