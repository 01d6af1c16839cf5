# Shared by scripts/demo.sh and bench/run.sh (sourced, not run).

# build_npm_token [CARGO BUILD ARGS...]: builds npm-token and prints the path of the
# executable as cargo reports it, so CARGO_TARGET_DIR, --target and the like are honoured.
# (node reads cargo's JSON messages: it is needed anyway, where jq may not be.)
build_npm_token() {
  cargo build --locked --quiet --message-format=json-render-diagnostics "$@" | node -e '
    let executable = "";
    require("readline").createInterface({input: process.stdin})
      .on("line", line => {
        const message = JSON.parse(line);
        if (message.reason === "compiler-artifact" && message.target.name === "npm-token" &&
            message.executable) executable = message.executable;
      })
      .on("close", () => {
        if (!executable) { console.error("cargo reported no npm-token executable"); process.exit(1) }
        console.log(executable);
      });'
}
