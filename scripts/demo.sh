#!/usr/bin/env bash
# Builds npm-token, starts a throwaway local Verdaccio with one user, and runs
# list / create / revoke against it. Needs only cargo, node and npm; cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=scripts/lib/verdaccio.sh
source scripts/lib/verdaccio.sh

say() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; }

echo "Building npm-token (release)..." >&2
cargo build --release --locked --quiet
bin=$root/target/release/npm-token

ensure_verdaccio
work=$(mktemp -d)
cleanup() { stop_verdaccio; rm -rf "$work"; }
trap cleanup EXIT
start_verdaccio "$work"
password='demo-password-1'
token=$(signup demo "$password")

# An isolated npm configuration, exactly as a user would have after `npm login`.
write_npmrc "$work/npmrc" "$VERDACCIO_URL" "$token"
export NPM_CONFIG_USERCONFIG="$work/npmrc" NPM_CONFIG_GLOBALCONFIG="$work/no-global-npmrc"
export npm_config_password="$password"

say npm-token create
"$bin" create
say npm-token create --read-only --cidr 192.0.2.0/24
"$bin" create --read-only --cidr 192.0.2.0/24
say npm-token list --table
"$bin" list --table
say npm-token list
"$bin" list
say npm-token list --json
"$bin" list --json
id=$("$bin" list --parseable | awk -F'\t' 'NR==2 {print $3}')
say npm-token revoke "$id"
"$bin" revoke "$id"
say npm-token list --parseable
"$bin" list --parseable
