# Shared by scripts/demo.sh and bench/run.sh (sourced, not run): install the pinned
# Verdaccio, start a throwaway instance, sign users up, keep npm's configuration to what the
# script writes. Needs only node and npm.

# Installs the Verdaccio pinned in tests/registry (npm ci from the committed lockfile).
ensure_verdaccio() {
  if [ ! -x "$root/tests/registry/node_modules/.bin/verdaccio" ]; then
    echo "Installing the pinned Verdaccio (npm ci)..." >&2
    npm ci --prefix "$root/tests/registry" --no-audit --no-fund --loglevel=error
  fi
}

# A free TCP port on 127.0.0.1.
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_verdaccio DIR: starts Verdaccio with its storage in DIR, waits until it answers.
# Sets VERDACCIO_PID, VERDACCIO_PORT and VERDACCIO_URL (with a trailing slash).
start_verdaccio() {
  local dir=$1
  VERDACCIO_PORT=$(free_port)
  VERDACCIO_URL="http://127.0.0.1:$VERDACCIO_PORT/"
  # Storage and htpasswd are relative to the config file: a copy in DIR.
  cp "$root/tests/registry/config.yaml" "$dir/config.yaml"
  echo "Starting Verdaccio on 127.0.0.1:$VERDACCIO_PORT..." >&2
  NODE_ENV=production "$root/tests/registry/node_modules/.bin/verdaccio" --config "$dir/config.yaml" \
    --listen "127.0.0.1:$VERDACCIO_PORT" > "$dir/verdaccio.log" 2>&1 &
  VERDACCIO_PID=$!
  REGISTRY="$VERDACCIO_URL" node -e '
    (async () => {
      for (let i = 0; i < 300; i++) {
        try { if ((await fetch(process.env.REGISTRY + "-/ping")).ok) return } catch {}
        await new Promise(r => setTimeout(r, 200));
      }
      console.error("Verdaccio did not answer within a minute"); process.exit(1);
    })()' || { cat "$dir/verdaccio.log" >&2; return 1; }
}

# stop_verdaccio: stops the instance start_verdaccio started, if any.
stop_verdaccio() {
  if [ -n "${VERDACCIO_PID:-}" ]; then
    kill "$VERDACCIO_PID" 2>/dev/null || true
    wait "$VERDACCIO_PID" 2>/dev/null || true
    VERDACCIO_PID=
  fi
}

# signup USER PASSWORD: creates USER on the running Verdaccio; prints its login token.
signup() {
  REGISTRY="$VERDACCIO_URL" NAME="$1" PASSWORD="$2" node -e '
    const {REGISTRY, NAME, PASSWORD} = process.env;
    (async () => {
      const res = await fetch(REGISTRY + "-/user/org.couchdb.user:" + NAME, {
        method: "PUT", headers: {"content-type": "application/json"},
        body: JSON.stringify({name: NAME, password: PASSWORD}),
      });
      if (!res.ok) { console.error("sign-up failed: " + res.status + " " + await res.text()); process.exit(1) }
      console.log((await res.json()).token);
    })()'
}

# write_npmrc FILE REGISTRY TOKEN: an npm config as `npm login` leaves it: the registry and
# its token under the registry's nerf dart (REGISTRY is http://host:port/).
write_npmrc() {
  local hostport=${2#http://}
  printf 'registry=%s\n//%s:_authToken=%s\n' "$2" "${hostport%/}/" "$3" > "$1"
}

# without_npm_config CMD [ARGS...]: runs CMD with no npm_config_* variable in its environment,
# in any letter case (npm reads them so), including names bash cannot see or unset, such as
# npm_config_//host/:_authToken.
without_npm_config() {
  local names=() name
  while IFS= read -r name; do
    names+=(-u "$name")
  done < <(env | sed -n 's/^\([Nn][Pp][Mm]_[Cc][Oo][Nn][Ff][Ii][Gg]_[^=]*\)=.*/\1/p')
  env ${names[@]+"${names[@]}"} "$@"
}
