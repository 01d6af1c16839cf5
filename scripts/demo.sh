#!/usr/bin/env bash
# Builds npm-token, starts a throwaway local Verdaccio with one user, and runs create / list /
# status / rotate / revoke against it. Needs only cargo, node and npm; never reads stdin; cleans up after itself.
# Every npm-token command gets the demo's registry and npmrc as flags, and none sees an
# npm_config_* variable from your environment, so your own npm setup cannot change the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=scripts/lib/cargo.sh
source scripts/lib/cargo.sh
# shellcheck source=scripts/lib/verdaccio.sh
source scripts/lib/verdaccio.sh

if [ -t 2 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
say() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain" >&2; }

echo "Building npm-token..." >&2
bin=$(build_npm_token)

ensure_verdaccio
work=$(mktemp -d)
cleanup() { stop_verdaccio; rm -rf "$work"; }
trap cleanup EXIT
start_verdaccio "$work"
password='demo-password-1'
token=$(signup demo "$password")

# An npm configuration as `npm login` leaves it, in the demo's own folder.
write_npmrc "$work/npmrc" "$VERDACCIO_URL" "$token"
echo "Each command below runs in $work with --registry $VERDACCIO_URL --userconfig $work/npmrc" >&2
npm_token() {
  (cd "$work" && without_npm_config "$bin" --registry "$VERDACCIO_URL" --userconfig "$work/npmrc" \
    --globalconfig "$work/no-global-npmrc" "$@" < /dev/null)
}

say npm-token create --password "$password" --json
created=$(npm_token create --password "$password" --json)
echo "$created"
ci_token=$(printf '%s' "$created" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
say npm-token create --password "$password" --read-only --cidr 192.0.2.0/24
npm_token create --password "$password" --read-only --cidr 192.0.2.0/24
say npm-token list --table
npm_token list --table
say "npm-token list | cat   # piped: npm's own line format"
npm_token list | cat
say npm-token list --json
npm_token list --json

# From here on the npmrc holds the first new token, as a CI machine's would.
write_npmrc "$work/npmrc" "$VERDACCIO_URL" "$ci_token"
echo >&2
echo "The npmrc now holds the first new token, as a CI machine's would." >&2
say npm-token status
npm_token status
say npm-token rotate '<that token>' --save --password "$password"
npm_token rotate "$ci_token" --save --password "$password"
say "npm-token list --table   # the new token, in use; the old one is gone"
npm_token list --table
say "npm-token revoke --expired --dry-run   # Verdaccio's tokens never expire: it says so"
npm_token revoke --expired --dry-run
id=$(npm_token list --parseable | awk -F'\t' '$6 == "true" {print $3}')
say npm-token revoke "$id"
npm_token revoke "$id"
say npm-token list --parseable
npm_token list --parseable
