#!/usr/bin/env bash
# Benchmarks npm-token against `npm token` and curl, in one run on this machine:
#   - a local Verdaccio with a user holding 6 tokens, and one holding 1000;
#   - a fake registry (bench/registry.js) serving 10 000 tokens over 100 pages;
#   - a far registry (bench/registry.js far): npmjs.org's API with every answer 100 ms late,
#     over HTTP/2 with TLS and over plain HTTP/1.1, where what counts is round trips.
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
far_pid=
cleanup() {
  stop_verdaccio
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; fi
  if [ -n "$far_pid" ]; then kill "$far_pid" 2>/dev/null || true; fi
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
# curl sends the same 50 DELETEs, 16 at a time (as npm-token does over HTTP/1.1) and one at a
# time: Verdaccio's own time, the floor for any client.
curl_delete="curl -sf -X DELETE -H 'authorization: Bearer $revoker' -K $work/curl.cfg -o /dev/null"
hyperfine --style basic "${revoke_runs[@]}" --prepare "$prepare" --export-json "$work/revoke.ours.json" \
  -n npm-token "$bin revoke --parseable \$(cat $work/keys)" \
  -n curl-parallel "$curl_delete --parallel --parallel-max 16" \
  -n curl-serial "$curl_delete" >&2
$reg expect-empty "$VERDACCIO_URL" "$revoker"
hyperfine --style basic "${revoke_runs[@]}" --prepare "$prepare" --export-json "$work/revoke.npm.json" \
  -n npm "npm token revoke \$(cat $work/keys)" >&2
$reg expect-empty "$VERDACCIO_URL" "$revoker"
echo "none left behind" > "$work/revoke.left"
unset NPM_CONFIG_USERCONFIG

# Start-up: the whole process, for a command that sends nothing, beside starting any process.
hyperfine -N --style basic --warmup 10 --runs 200 --export-json "$work/startup.json" \
  -n npm-token "$bin --version" -n true /bin/true >&2

# A far registry: every answer 100 ms late, as npmjs.org is for much of the world. Each
# command's time is reported in round trips (time / 100 ms) beside npm's and beside the
# fewest round trips the job needs. Over TLS with a throwaway CA (both tools trust it by
# `cafile`), offering HTTP/2 by ALPN as npmjs.org does; and over plain HTTP/1.1.
echo "A far registry (every answer 100 ms late)..." >&2
far_delay_ms=100
(
  cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
    -out ca.pem -days 2 -subj /CN=npm-token-bench-ca 2> /dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout far.key -out far.csr \
    -subj /CN=127.0.0.1 2> /dev/null
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > far.ext
  openssl x509 -req -in far.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out far.pem -days 2 \
    -extfile far.ext 2> /dev/null
)
node bench/registry.js far "$far_delay_ms" "$work/far.pem" "$work/far.key" > "$work/far.urls" &
far_pid=$!
for _ in $(seq 100); do [ "$(wc -l < "$work/far.urls")" -ge 6 ] && break; sleep 0.1; done
far_https=$(sed -n 1p "$work/far.urls")
far_http=$(sed -n 2p "$work/far.urls")
far_token() { awk -v u="$1" '$1 == u { print $2 }' "$work/far.urls"; }
far_keys() { awk -v u="$1" '$1 == u { $1 = ""; $2 = ""; print }' "$work/far.urls"; }
# far_npmrc NAME BASE USER: an npmrc for USER on the far registry at BASE.
far_npmrc() {
  local hostport=${2#*://}
  printf 'registry=%s\n//%s:_authToken=%s\ncafile=%s\n' "$2" "${hostport%/}/" "$(far_token "$3")" \
    "$work/ca.pem" > "$work/far-$1.npmrc"
}
for scheme in https http; do
  base=$far_https; [ "$scheme" = http ] && base=$far_http
  far_npmrc "one-$scheme" "$base" one
  far_npmrc "thousand-$scheme" "$base" thousand
  far_npmrc "revoker-$scheme" "$base" revoker
  far_npmrc "ci-$scheme" "$base" ci
done
reset_far="curl -sf -X POST ${far_http}-/bench/reset"
revoker_keys=$(far_keys revoker)
ci_key=$(far_keys ci | awk '{ print $1 }')
if [ -n "${QUICK:-}" ]; then far_runs=(--warmup 1 --runs 2); else far_runs=(--warmup 1 --runs 10); fi
if [ -n "${QUICK:-}" ]; then far_npm_runs=(--runs 1); else far_npm_runs=(--runs 3); fi
# far_case NAME SCHEME USER OURS [NPM]: times OURS (npm-token's arguments) and NPM (npm
# token's), each run from the registry's initial state.
far_case() {
  local name=$1 scheme=$2 user=$3 ours=$4 npm_args=${5:-}
  export NPM_CONFIG_USERCONFIG=$work/far-$user-$scheme.npmrc
  $reset_far
  hyperfine --style basic "${far_runs[@]}" --prepare "$reset_far" \
    --export-json "$work/far-$name.ours.json" -n npm-token "$bin $ours" >&2
  if [ -n "$npm_args" ]; then
    hyperfine --style basic "${far_npm_runs[@]}" --prepare "$reset_far" \
      --export-json "$work/far-$name.npm.json" -n npm "npm token $npm_args" >&2
  fi
  unset NPM_CONFIG_USERCONFIG
}
# The fake's own round trip on this machine: curl asking for one page, over HTTP/2 with TLS
# and over HTTP/1.1 (a loaded machine makes it longer than the delay).
for scheme in https http; do
  base=$far_https; [ "$scheme" = http ] && base=$far_http
  hyperfine -N --style basic "${far_runs[@]}" --export-json "$work/far-curl-$scheme.ours.json" \
    -n curl "curl -sf --cacert $work/ca.pem -H 'authorization: Bearer $(far_token one)' ${base}-/npm/v1/tokens -o /dev/null" >&2
done
for scheme in https http; do
  far_case "list-one-$scheme" "$scheme" one "list --json" "list --json"
  far_case "list-pages-$scheme" "$scheme" thousand "list --json" "list --json"
  far_case "revoke-$scheme" "$scheme" revoker "revoke --json $revoker_keys" "revoke $revoker_keys"
  far_case "status-$scheme" "$scheme" ci "status"
  # Into a file: rotate refuses to create a token whose output goes to /dev/null.
  far_case "rotate-$scheme" "$scheme" ci "rotate $ci_key --password bench-password > $work/rotated"
done
# Nothing lost: a revoke of the 50 leaves none, and the same list from both tools.
$reset_far
NPM_CONFIG_USERCONFIG=$work/far-revoker-https.npmrc "$bin" revoke --json $revoker_keys > /dev/null
NPM_CONFIG_USERCONFIG=$work/far-revoker-https.npmrc "$bin" list --json > "$work/far.left"
[ "$(cat "$work/far.left")" = "[]" ] || { echo "the far revoke left tokens behind" >&2; exit 1; }
$reset_far
NPM_CONFIG_USERCONFIG=$work/far-thousand-https.npmrc "$bin" list --json > "$work/far.ours.out"
NPM_CONFIG_USERCONFIG=$work/far-thousand-https.npmrc npm token list --json > "$work/far.npm.out"
# npm 11 prints every UUID key as `***` (README, "Keys in full"): compare all but the keys.
node -e '
  const [ours, npm] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f)));
  const strip = (list) => JSON.stringify(list.map(({ key, ...rest }) => rest));
  if (ours.length !== 1000 || strip(ours) !== strip(npm)) { console.error("npm-token and npm disagree on the far list"); process.exit(1) }
' "$work/far.ours.out" "$work/far.npm.out"
echo "$far_delay_ms" > "$work/far.delay"

echo "Running the shortest-unique-id micro-benchmark..." >&2
cargo bench --locked --quiet --bench ids 2>/dev/null | tee "$work/ids.txt" >&2

mkdir -p bench/results
node bench/report.js "$work" "$bin" > bench/results/latest.md
echo >&2
cat bench/results/latest.md
echo "Written to bench/results/latest.md and latest.svg" >&2
