#!/usr/bin/env bash
# Benchmarks npm-token against `npm token` and curl, in one run on this machine:
#   - a local Verdaccio with a user holding 6 tokens, and one holding 1000;
#   - a fake registry (bench/registry.js) serving 10 000 tokens over 100 pages.
# Times `list --json` with hyperfine (curl fetches the same pages over one keep-alive
# connection: the floor), measures peak RSS with /usr/bin/time, the release binary's size
# and the shortest-unique-id micro-benchmark, and writes bench/results/latest.md.
#
#   bash bench/run.sh            # the full run (a few minutes)
#   QUICK=1 bash bench/run.sh    # fewer runs, for trying the script out
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=scripts/lib/cargo.sh
source scripts/lib/cargo.sh
# shellcheck source=scripts/lib/verdaccio.sh
source scripts/lib/verdaccio.sh

# hyperfine and GNU time are Debian packages; install them if this machine lacks them.
missing=()
command -v hyperfine > /dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
command -v curl > /dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (apt-get)..." >&2
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq "${missing[@]}" > /dev/null 2>&1 ||
    { $sudo apt-get update -qq > /dev/null && $sudo apt-get install -y -qq "${missing[@]}" > /dev/null; } ||
    { echo "could not install ${missing[*]}: install them (Debian/Ubuntu: apt-get install ${missing[*]}) and run again" >&2; exit 1; }
fi

echo "Building npm-token (release)..." >&2
bin=$(build_npm_token --release)
ensure_verdaccio

work=$(mktemp -d)
fake_pid=
cleanup() {
  stop_verdaccio
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${QUICK:-}" ]; then runs=(--warmup 1 --runs 3); slow_runs=(--warmup 0 --runs 2); else runs=(--warmup 3 --min-runs 20); slow_runs=(--warmup 1 --runs 10); fi

start_verdaccio "$work"
password='bench-password-1'

echo "Creating the tokens (6 for one user, 1000 for another)..." >&2
token6=$(signup six "$password")
# (The login token itself is not listed: Verdaccio lists only the tokens made by create.)
node bench/registry.js seed "$VERDACCIO_URL" "$token6" "$password" 6
write_npmrc "$work/six.npmrc" "$VERDACCIO_URL" "$token6"
token1000=$(signup thousand "$password")
node bench/registry.js seed "$VERDACCIO_URL" "$token1000" "$password" 1000
write_npmrc "$work/thousand.npmrc" "$VERDACCIO_URL" "$token1000"

fake_token=bench-fake-token
node bench/registry.js fake 10000 100 "$fake_token" > "$work/fake.url" &
fake_pid=$!
for _ in $(seq 100); do [ -s "$work/fake.url" ] && break; sleep 0.1; done
fake_url=$(cat "$work/fake.url")
write_npmrc "$work/fake.npmrc" "$fake_url" "$fake_token"

# Every scenario: name, npmrc, bearer token, the URLs curl fetches.
scenario() {
  local name=$1 npmrc=$2 token=$3; shift 3
  export NPM_CONFIG_USERCONFIG=$npmrc
  # The same answer from both tools, or the timing means nothing.
  "$bin" list --json > "$work/$name.ours.out"
  npm token list --json > "$work/$name.npm.out"
  if ! cmp -s "$work/$name.ours.out" "$work/$name.npm.out"; then
    echo "npm-token and npm disagree on $name:" >&2
    diff "$work/$name.npm.out" "$work/$name.ours.out" | head -20 >&2
    exit 1
  fi
  node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).length)' \
    "$work/$name.ours.out" > "$work/$name.count"
  echo "$name: $(cat "$work/$name.count") tokens, the same --json output from npm-token and npm" >&2
  hyperfine -N --style basic "${runs[@]}" --export-json "$work/$name.fast.json" \
    -n npm-token "$bin list --json" \
    -n curl "curl -sf -H 'authorization: Bearer $token' $*" >&2
  hyperfine -N --style basic "${slow_runs[@]}" --export-json "$work/$name.npm.json" \
    -n npm "npm token list --json" >&2
  for tool in npm-token npm; do
    local cmd=("$bin" list --json)
    [ "$tool" = npm ] && cmd=(npm token list --json)
    for _ in 1 2 3; do
      /usr/bin/time -f %M -o "$work/rss" "${cmd[@]}" > /dev/null
      cat "$work/rss"
    done | sort -n | tail -1 > "$work/$name.$tool.rss"
  done
  unset NPM_CONFIG_USERCONFIG
}

tokens_url=${VERDACCIO_URL}-/npm/v1/tokens
scenario six "$work/six.npmrc" "$token6" "$tokens_url"
scenario thousand "$work/thousand.npmrc" "$token1000" "$tokens_url"
pages=("${fake_url}-/npm/v1/tokens")
for page in $(seq 1 99); do pages+=("${fake_url}-/npm/v1/tokens?page=$page"); done
scenario fake "$work/fake.npmrc" "$fake_token" "${pages[@]}"

# Revoking 50 tokens by id: npm-token's concurrent DELETEs against npm's one at a time. Each
# run starts from none (checked: a lost deletion would show as a token left behind), creates
# 50, and revokes them by key; a last check after the runs.
echo "Revoking 50 tokens by id, npm-token and npm..." >&2
revoker=$(signup revoker "$password")
write_npmrc "$work/revoke.npmrc" "$VERDACCIO_URL" "$revoker"
export NPM_CONFIG_USERCONFIG=$work/revoke.npmrc
reg="node $root/bench/registry.js"
prepare="$reg expect-empty $VERDACCIO_URL $revoker && $reg seed $VERDACCIO_URL $revoker $password 50 && $reg keys $VERDACCIO_URL $revoker > $work/keys && (for k in \$(cat $work/keys); do echo \"url = ${VERDACCIO_URL}-/npm/v1/tokens/token/\$k\"; done) > $work/curl.cfg"
if [ -n "${QUICK:-}" ]; then revoke_runs=(--runs 2); else revoke_runs=(--runs 10); fi
# curl sends the same 50 DELETEs, 8 at a time and one at a time: Verdaccio's own time, the
# floor for any client.
curl_delete="curl -sf -X DELETE -H 'authorization: Bearer $revoker' -K $work/curl.cfg -o /dev/null"
hyperfine --style basic "${revoke_runs[@]}" --prepare "$prepare" --export-json "$work/revoke.ours.json" \
  -n npm-token "$bin revoke --parseable \$(cat $work/keys)" \
  -n curl-parallel "$curl_delete --parallel --parallel-max 8" \
  -n curl-serial "$curl_delete" >&2
$reg expect-empty "$VERDACCIO_URL" "$revoker"
hyperfine --style basic "${revoke_runs[@]}" --prepare "$prepare" --export-json "$work/revoke.npm.json" \
  -n npm "npm token revoke \$(cat $work/keys)" >&2
$reg expect-empty "$VERDACCIO_URL" "$revoker"
echo "none left behind" > "$work/revoke.left"
unset NPM_CONFIG_USERCONFIG

echo "Running the shortest-unique-id micro-benchmark..." >&2
cargo bench --locked --quiet --bench ids 2>/dev/null | tee "$work/ids.txt" >&2

mkdir -p bench/results
node bench/report.js "$work" "$bin" > bench/results/latest.md
echo >&2
cat bench/results/latest.md
echo "Written to bench/results/latest.md and latest.svg" >&2
