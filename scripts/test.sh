#!/usr/bin/env bash
# Runs every test: installs the pinned Verdaccio the integration tests start (npm ci from the
# committed lockfile), then `cargo test`, then the demo as a newcomer might run it. Works on a
# clean clone with cargo, node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x tests/registry/node_modules/.bin/verdaccio ]; then
  npm ci --prefix tests/registry --no-audit --no-fund --loglevel=error
fi
# The completion and man page tests drive real shells and groff (tests/cli/completion.rs),
# and the help pages' examples run through jq (tests/cli/fake/words.rs): install what is
# missing.
packages=()
for shell in zsh fish; do command -v "$shell" > /dev/null || packages+=("$shell"); done
[ -f /usr/share/bash-completion/bash_completion ] || packages+=(bash-completion)
command -v groff > /dev/null || packages+=(groff-base)
command -v jq > /dev/null || packages+=(jq)
if [ ${#packages[@]} -gt 0 ] && command -v apt-get > /dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq "${packages[@]}" > /dev/null; } ||
    echo "note: could not install ${packages[*]}; their tests fail in CI, skip elsewhere" >&2
fi
# Two cores: two test threads, one build.
cargo test --locked -- --test-threads=2

# The demo must find the binary wherever cargo puts it (here a link to the target directory
# cargo test just built into, so nothing is built twice), keep to its own registry whatever
# npm_config_* says, and never wait on stdin. Cargo says where that directory is:
# CARGO_TARGET_DIR (relative to this folder, as cargo reads it), build.target-dir, or
# ./target.
target=$(cargo metadata --locked --format-version 1 --no-deps |
  node -e 'let s = ""; process.stdin.on("data", d => s += d)
    .on("end", () => console.log(JSON.parse(s).target_directory))')
elsewhere=$(mktemp -d)
trap 'rm -rf "$elsewhere"' EXIT
ln -s "$target" "$elsewhere/target"
echo "Running scripts/demo.sh with CARGO_TARGET_DIR=$elsewhere/target and a bogus npm_config_registry" >&2
CARGO_TARGET_DIR="$elsewhere/target" npm_config_registry=http://127.0.0.1:9/ \
  bash scripts/demo.sh < /dev/null ||
  { echo "scripts/demo.sh failed" >&2; exit 1; }
