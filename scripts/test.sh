#!/usr/bin/env bash
# Runs every test: installs the pinned Verdaccio the integration tests start (npm ci from the
# committed lockfile), then `cargo test`. Works on a clean clone with cargo, node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x tests/registry/node_modules/.bin/verdaccio ]; then
  npm ci --prefix tests/registry --no-audit --no-fund --loglevel=error
fi
# The completion and man page tests drive real shells and groff (tests/cli/completion.rs):
# install what is missing.
packages=()
for shell in zsh fish; do command -v "$shell" > /dev/null || packages+=("$shell"); done
[ -f /usr/share/bash-completion/bash_completion ] || packages+=(bash-completion)
command -v groff > /dev/null || packages+=(groff-base)
if [ ${#packages[@]} -gt 0 ] && command -v apt-get > /dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq "${packages[@]}" > /dev/null; } ||
    echo "note: could not install ${packages[*]}; their tests fail in CI, skip elsewhere" >&2
fi
# Two cores: two test threads, one build.
cargo test --locked -- --test-threads=2
