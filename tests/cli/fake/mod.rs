//! Against an in-process fake registry (wiremock): faults, pagination, headers and bodies
//! that Verdaccio cannot be made to produce. One file per topic; the fake and its canned
//! answers are here.

mod attack;
mod audit;
mod errors;
mod far;
mod feedback;
mod hostile;
mod hygiene;
mod interrupt;
mod lockout;
mod migration;
mod narrow;
mod npmjs;
mod otp;
mod pages;
mod redirects;
mod retries;
mod rotation;
mod secrets;
mod stage_only;
mod status;
mod terminal;
mod words;

use std::process::Command;

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{in_terminal, Run, Sandbox};

const TOKEN: &str = "fake-secret-token-0123456789";

/// A fake registry, and a sandbox whose npmrc points at it with [`TOKEN`].
struct Fake {
    server: MockServer,
    sandbox: Sandbox,
}

impl Fake {
    async fn start() -> Fake {
        Fake::with_prefix("").await
    }

    /// A fake whose registry URL carries a path prefix (`http://…/prefix/`).
    async fn with_prefix(prefix: &str) -> Fake {
        let server = MockServer::start().await;
        let port = server.address().port();
        // npm's retry waits (10 s, then 60 s) shortened to keep the tests quick.
        let sandbox = Sandbox::new(&format!(
            "registry=http://127.0.0.1:{port}/{prefix}\n//127.0.0.1:{port}/:_authToken={TOKEN}\n\
             fetch-retry-mintimeout=1\nfetch-retry-maxtimeout=50\n"
        ));
        Fake { server, sandbox }
    }

    /// Sets npmrc lines on top of the fake's own.
    fn configure(&self, lines: &str) {
        self.sandbox.append_npmrc(lines);
    }

    /// Answers `GET /-/whoami` with this user.
    async fn answers_whoami(&self, user: &str) {
        Mock::given(method("GET"))
            .and(path("/-/whoami"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"username": user})))
            .mount(&self.server)
            .await;
    }

    /// The credential is a CI token, `ci-bot`'s: it signs in, and npmjs.org lists tokens to a
    /// login session only, so the list is a 403.
    async fn is_a_ci_token(&self) {
        self.answers_whoami("ci-bot").await;
        Mock::given(method("GET"))
            .and(path("/-/npm/v1/tokens"))
            .respond_with(
                ResponseTemplate::new(403)
                    .set_body_json(json!({"error": "granular tokens may not manage tokens"})),
            )
            .mount(&self.server)
            .await;
    }

    /// Answers every DELETE with 204, as npmjs.org does.
    async fn accepts_deletes(&self) {
        Mock::given(method("DELETE"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&self.server)
            .await;
    }

    /// The keys of the DELETEs received so far, sorted.
    async fn deletes(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method.as_str() == "DELETE")
            .map(|r| r.url.path().rsplit('/').next().unwrap().to_owned())
            .collect();
        keys.sort();
        keys
    }

    /// Points this fake's configuration at another port on this machine.
    fn point_at(&self, port: u16, extra: &str) {
        self.sandbox.write_npmrc(&format!(
            "registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={TOKEN}\n{extra}"
        ));
    }

    fn url(&self, p: &str) -> String {
        format!("{}{p}", self.server.uri())
    }

    /// `npm-token` configured for this fake registry.
    fn cmd(&self) -> Command {
        self.sandbox.cmd()
    }

    async fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.cmd();
        cmd.args(args);
        Run::of_async(cmd).await
    }

    /// Runs a command line in a terminal (see `support::in_terminal`).
    async fn run_in_terminal(
        &self,
        command: String,
        prompt: Option<&'static str>,
        input: String,
    ) -> Run {
        let template = self.cmd();
        tokio::task::spawn_blocking(move || in_terminal(&template, &command, prompt, &input))
            .await
            .unwrap()
    }

    async fn list_answers(&self, response: ResponseTemplate) {
        Mock::given(method("GET"))
            .and(path("/-/npm/v1/tokens"))
            .respond_with(response)
            .mount(&self.server)
            .await;
    }

    /// A create that succeeds once with `npm-otp: otp`, after exactly one `challenge`.
    async fn create_needs_otp(&self, otp: &str, challenge: ResponseTemplate) {
        Mock::given(method("POST"))
            .and(header("npm-otp", otp))
            .respond_with(created())
            .with_priority(1)
            .expect(1)
            .mount(&self.server)
            .await;
        Mock::given(method("POST"))
            .respond_with(challenge)
            .with_priority(2)
            .expect(1)
            .mount(&self.server)
            .await;
    }

    /// A create that needs a one-time password and offers a web login at `/auth/abc`,
    /// whose done URL answers `pending` twice (the person is still in the browser), then
    /// the one-time password `web-otp-token`, which the create then succeeds with.
    async fn create_needs_web_login(&self, pending: ResponseTemplate) {
        let challenge = otp_challenge().set_body_json(json!({
            "authUrl": self.url("/auth/abc"), "doneUrl": self.url("/auth/abc/done"),
        }));
        self.create_needs_otp("web-otp-token", challenge).await;
        Mock::given(method("GET"))
            .and(path("/auth/abc/done"))
            .respond_with(pending)
            .up_to_n_times(2)
            .with_priority(1)
            .mount(&self.server)
            .await;
        Mock::given(method("GET"))
            .and(path("/auth/abc/done"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"token": "web-otp-token"})),
            )
            .with_priority(2)
            .mount(&self.server)
            .await;
    }
}

fn page(objects: serde_json::Value, next: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"objects": objects, "total": 0, "urls": {"next": next}}))
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// A 401 that asks for a one-time password, as the npm registry sends it.
fn otp_challenge() -> ResponseTemplate {
    ResponseTemplate::new(401)
        .insert_header("www-authenticate", "OTP")
        .set_body_json(json!({"error": "You must provide a one-time pass. Upgrade your client to npm@latest in order to use 2FA."}))
}

fn created() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"token": "npm_NEWTOKEN", "key": "k", "readonly": false}))
}

/// A raw TCP "registry" that misbehaves below HTTP: for every connection it reads the
/// request, then writes `reply` and either closes or (with `stall`) keeps the socket open.
fn raw_server(reply: &'static [u8], stall: bool) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(reply);
                if stall {
                    std::thread::sleep(std::time::Duration::from_secs(30));
                }
            });
        }
    });
    port
}
