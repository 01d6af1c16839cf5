#!/usr/bin/env bash
# Builds npm-token, starts a throwaway local Verdaccio with one user, and runs
# list / create / revoke against it. Needs only cargo, node and npm; cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; }

echo "Building npm-token (release)..." >&2
cargo build --release --locked --quiet
bin=$root/target/release/npm-token

if [ ! -x tests/registry/node_modules/.bin/verdaccio ]; then
  echo "Installing the pinned Verdaccio (npm ci)..." >&2
  npm ci --prefix tests/registry --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d)
verdaccio_pid=
cleanup() {
  if [ -n "$verdaccio_pid" ]; then kill "$verdaccio_pid" 2>/dev/null || true; wait "$verdaccio_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
cat > "$work/config.yaml" <<YAML
storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    algorithm: bcrypt
    rounds: 4
uplinks: {}
packages:
  '**':
    access: \$authenticated
    publish: \$authenticated
web:
  enable: false
userRateLimit:
  windowMs: 1000
  max: 1000000
listen: 127.0.0.1:$port
log: {type: stdout, level: warn}
YAML
echo "Starting Verdaccio on 127.0.0.1:$port..." >&2
NODE_ENV=production tests/registry/node_modules/.bin/verdaccio --config "$work/config.yaml" \
  > "$work/verdaccio.log" 2>&1 &
verdaccio_pid=$!

registry="http://127.0.0.1:$port/"
password='demo-password-1'
# Wait for the registry, then sign up a user; prints its login token.
token=$(REGISTRY="$registry" PASSWORD="$password" node -e '
  const reg = process.env.REGISTRY, password = process.env.PASSWORD;
  (async () => {
    for (let i = 0; i < 300; i++) {
      try { if ((await fetch(reg + "-/ping")).ok) break } catch {}
      await new Promise(r => setTimeout(r, 200));
    }
    const res = await fetch(reg + "-/user/org.couchdb.user:demo", {
      method: "PUT", headers: {"content-type": "application/json"},
      body: JSON.stringify({name: "demo", password}),
    });
    if (!res.ok) { console.error("sign-up failed: " + res.status + " " + await res.text()); process.exit(1) }
    console.log((await res.json()).token);
  })()') || { cat "$work/verdaccio.log" >&2; exit 1; }

# An isolated npm configuration, exactly as a user would have after `npm login`.
printf 'registry=%s\n//127.0.0.1:%s/:_authToken=%s\n' "$registry" "$port" "$token" > "$work/npmrc"
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
