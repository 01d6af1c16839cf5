//! Test support: the sandbox every test runs `npm-token` (and real `npm`) in, a real
//! Verdaccio started once for this test binary, and users on it.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_npm-token");

pub struct Registry {
    pub url: String,
    pub port: u16,
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();
static USERS: AtomicUsize = AtomicUsize::new(0);

fn registry_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/registry")
}

/// The shared Verdaccio, started on first use.
pub fn registry() -> &'static Registry {
    REGISTRY.get_or_init(|| {
        install_verdaccio();
        let mut last_error = String::new();
        for _ in 0..3 {
            match start_verdaccio() {
                Ok(r) => return r,
                Err(e) => last_error = e,
            }
        }
        panic!("could not start Verdaccio: {last_error}");
    })
}

fn install_verdaccio() {
    if registry_dir().join("node_modules/.bin/verdaccio").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(registry_dir())
        .status()
        .expect("npm is installed");
    assert!(status.success(), "npm ci in tests/registry failed");
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_verdaccio() -> Result<Registry, String> {
    let dir = tempfile::Builder::new()
        .prefix("npm-token-verdaccio")
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    let port = free_port();
    // Storage and htpasswd are relative to the config file: a copy in the throwaway folder.
    std::fs::copy(registry_dir().join("config.yaml"), dir.join("config.yaml"))
        .map_err(|e| e.to_string())?;
    let verdaccio = registry_dir().join("node_modules/.bin/verdaccio");
    // A watchdog shell: stops Verdaccio (and removes its files) when this test process ends,
    // however it ends; libtest has no global teardown.
    let script = format!(
        "{v} --config {d}/config.yaml --listen 127.0.0.1:{port} > {d}/verdaccio.log 2>&1 & v=$!
         while kill -0 {pid} 2>/dev/null && kill -0 $v 2>/dev/null; do sleep 0.5; done
         kill $v 2>/dev/null; wait $v 2>/dev/null; rm -rf {d}",
        v = verdaccio.display(),
        d = dir.display(),
        pid = std::process::id()
    );
    Command::new("bash")
        .args(["-c", &script])
        .env("NODE_ENV", "production")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok((200, _)) = http(port, "GET", "/-/ping", None, None) {
            open_token_store(port)?;
            return Ok(Registry {
                url: format!("http://127.0.0.1:{port}/"),
                port,
            });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = std::fs::read_to_string(dir.join("verdaccio.log")).unwrap_or_default();
    Err(format!("no answer on port {port}; log:\n{log}"))
}

/// Verdaccio 6.8 opens its token store on the first request that needs it, and two
/// requests that race to open it get two stores, one of which loses its writes
/// (`TokenActions::getTokenDb` in @verdaccio/local-storage-legacy). Tests run in parallel
/// from the start: open it once, alone, before any of them.
fn open_token_store(port: u16) -> Result<(), String> {
    let body = r#"{"name":"store-opener","password":"store-opener-password"}"#;
    let (status, answer) = http(
        port,
        "PUT",
        "/-/user/org.couchdb.user:store-opener",
        None,
        Some(body),
    )
    .map_err(|e| e.to_string())?;
    let token = serde_json::from_str::<serde_json::Value>(&answer)
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_owned))
        .ok_or_else(|| format!("signing up the store opener: {status} {answer}"))?;
    match http(port, "GET", "/-/npm/v1/tokens", Some(&token), None) {
        Ok((200, _)) => Ok(()),
        other => Err(format!("opening the token store: {other:?}")),
    }
}

/// A minimal HTTP/1.1 client for setting up fixtures (not the code under test).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some(token) = bearer {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    Ok((status, body))
}

/// One test's own npm world: a temporary home holding its user npmrc, where commands run
/// with nothing of the developer's environment but `PATH` (no `npm_config_*`, `NO_COLOR`,
/// `TERM`, proxies or tokens), with stdin closed.
pub struct Sandbox {
    home: tempfile::TempDir,
}

impl Sandbox {
    /// A sandbox with no npmrc at all.
    pub fn empty() -> Sandbox {
        Sandbox {
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// A sandbox whose user npmrc holds `npmrc`.
    pub fn new(npmrc: &str) -> Sandbox {
        let sandbox = Sandbox::empty();
        sandbox.write_npmrc(npmrc);
        sandbox
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The user npmrc (`NPM_CONFIG_USERCONFIG`).
    pub fn npmrc(&self) -> PathBuf {
        self.home().join("npmrc")
    }

    pub fn write_npmrc(&self, text: &str) {
        std::fs::write(self.npmrc(), text).unwrap();
    }

    /// Adds lines to the user npmrc.
    pub fn append_npmrc(&self, lines: &str) {
        let mut text = std::fs::read_to_string(self.npmrc()).unwrap_or_default();
        text.push_str(lines);
        self.write_npmrc(&text);
    }

    /// Writes a file in the home folder; returns its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.home().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    /// `program`, run in the home folder with the sandbox's environment.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            // Dates are printed, and days counted, in the local time zone: one for all.
            .env("TZ", "UTC")
            .env("NPM_CONFIG_USERCONFIG", self.npmrc())
            .env(
                "NPM_CONFIG_GLOBALCONFIG",
                self.home().join("no-global-npmrc"),
            )
            .current_dir(self.home())
            .stdin(Stdio::null());
        cmd
    }

    /// `npm-token`.
    pub fn cmd(&self) -> Command {
        self.command(BIN)
    }

    /// Real `npm`, quiet, with its cache in the sandbox.
    pub fn npm(&self) -> Command {
        let mut cmd = self.command("npm");
        cmd.env("npm_config_cache", self.home().join(".npm-cache"))
            .env("npm_config_update_notifier", "false")
            .env("npm_config_fund", "false")
            .env("npm_config_audit", "false");
        cmd
    }

    /// `bash -c script`, with `$0` set to the `npm-token` binary.
    pub fn shell(&self, script: &str) -> Command {
        let mut cmd = self.command("bash");
        cmd.args(["-c", script, BIN]);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.cmd().args(args))
    }

    pub fn run_npm(&self, args: &[&str]) -> Run {
        Run::of(self.npm().args(args))
    }

    /// Runs a shell command line in a pseudo-terminal (see [`in_terminal`]).
    pub fn in_terminal(&self, command: &str, prompt: Option<&str>, input: &str) -> Run {
        in_terminal(&self.cmd(), command, prompt, input)
    }
}

/// A user with its own token list on the shared registry, in its own sandbox.
pub struct User {
    pub name: String,
    pub password: String,
    pub token: String,
    pub sandbox: Sandbox,
    pub registry: &'static Registry,
}

/// A user's commands are its sandbox's: `user.run(..)`, `user.npmrc()`.
impl std::ops::Deref for User {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}

impl User {
    pub fn new() -> User {
        let registry = registry();
        let n = USERS.fetch_add(1, Ordering::SeqCst);
        let name = format!("u{}x{n}", std::process::id());
        let password = format!("pw-{name}-secret");
        let body = format!(r#"{{"name":"{name}","password":"{password}"}}"#);
        // Verdaccio's htpasswd store loses concurrent sign-ups: one at a time.
        static SIGNUP: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let (status, answer) = {
            let _one_at_a_time = SIGNUP.lock().unwrap_or_else(|e| e.into_inner());
            http(
                registry.port,
                "PUT",
                &format!("/-/user/org.couchdb.user:{name}"),
                None,
                Some(&body),
            )
            .unwrap()
        };
        assert_eq!(status, 201, "creating user {name}: {answer}");
        let json: serde_json::Value = serde_json::from_str(&answer).unwrap();
        let token = json["token"].as_str().unwrap().to_owned();
        let user = User {
            name,
            password,
            token,
            sandbox: Sandbox::empty(),
            registry,
        };
        user.use_token(&user.token);
        user
    }

    /// Points the user's npmrc at the registry with this token.
    pub fn use_token(&self, token: &str) {
        self.write_npmrc(&format!(
            "registry={}\n//127.0.0.1:{}/:_authToken={token}\n",
            self.registry.url, self.registry.port
        ));
    }

    /// Creates a token with `npm-token create --json` and returns the answer.
    pub fn create(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["create", "--json", "--password", &self.password];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert_eq!(run.code, 0, "{run:?}");
        serde_json::from_str(&run.stdout).unwrap()
    }

    /// The token list, as `npm-token list --json` gives it.
    pub fn list(&self) -> Vec<serde_json::Value> {
        let run = self.run(&["list", "--json"]);
        assert_eq!(run.code, 0, "{run:?}");
        serde_json::from_str(&run.stdout).unwrap()
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs `cmd` on tokio's blocking threads, so that an async test's servers keep answering.
    pub async fn of_async(mut cmd: Command) -> Run {
        tokio::task::spawn_blocking(move || Run::of(&mut cmd))
            .await
            .unwrap()
    }

    pub fn of(cmd: &mut Command) -> Run {
        let out = cmd.output().expect("the command runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Exit 1 with exactly this one line on stderr and nothing on stdout.
    #[track_caller]
    pub fn assert_error(&self, line: &str) {
        assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (1, "", format!("npm-token error {line}\n").as_str()),
        );
    }
}

/// Runs a command line in a pseudo-terminal (util-linux `script`) with the environment and
/// folder of `template`; once the terminal shows `prompt`, types `input`, as a person would.
pub fn in_terminal(template: &Command, command: &str, prompt: Option<&str>, input: &str) -> Run {
    use std::io::{Read, Write};
    let mut script = Command::new("script");
    script.args(["-qec", command, "/dev/null"]).env_clear();
    for (k, v) in template.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    let mut child = script
        .env("TERM", "xterm-256color")
        .current_dir(template.get_current_dir().unwrap_or(Path::new(".")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs");
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(prompt) = prompt {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !String::from_utf8_lossy(&seen).contains(prompt) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let chunk = rx.recv_timeout(left).expect("the prompt appears");
            seen.extend(chunk);
        }
    }
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    seen.extend(rx.try_iter().flatten());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&seen).replace("\r\n", "\n"),
        stderr,
    }
}
