//! Proxies and TLS configured as for npm: a forwarding proxy that records what it carries,
//! and a TLS front for the fake registry signed by a throwaway CA (mutual TLS too).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use serde_json::json;
use tokio_rustls::rustls::{
    self,
    pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer},
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Run, Sandbox};

const TOKEN: &str = "network-secret-token-42";

/// A forwarding HTTP proxy on this machine; returns its port and the request heads it saw.
fn forward_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().take(32).flatten() {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    head.push_str(&line);
                    if line == "\r\n" {
                        break;
                    }
                }
                log.lock().unwrap().push(head.clone());
                // "GET http://host:port/path HTTP/1.1": forward to host:port as it is.
                let target = head.split(' ').nth(1).unwrap_or("");
                let authority = target
                    .trim_start_matches("http://")
                    .split('/')
                    .next()
                    .unwrap_or("");
                let Ok(mut upstream) = TcpStream::connect(authority) else {
                    return;
                };
                upstream.write_all(head.as_bytes()).unwrap();
                let mut back = upstream.try_clone().unwrap();
                let mut client_out = client;
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut back, &mut client_out);
                });
                let _ = std::io::copy(&mut reader, &mut upstream);
            });
        }
    });
    (port, seen)
}

async fn registry() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"objects": [], "urls": {}})))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn the_proxy_setting_carries_the_traffic_and_noproxy_bypasses_it() {
    let server = registry().await;
    let port = server.address().port();
    let (proxy_port, seen) = forward_proxy();
    let base =
        format!("registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={TOKEN}\n");
    let home = Sandbox::new(&format!(
        "{base}proxy=http://proxyuser:proxy-pass-99@127.0.0.1:{proxy_port}/\n"
    ));
    let mut cmd = home.cmd();
    cmd.args(["list", "--json", "--loglevel", "silly"]);
    let run = Run::of_async(cmd).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");
    assert!(
        !run.stderr.contains("proxy-pass-99"),
        "the proxy password was printed: {run:?}"
    );
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(
            seen[0].starts_with(&format!(
                "GET http://127.0.0.1:{port}/-/npm/v1/tokens HTTP/1.1\r\n"
            )),
            "{seen:?}"
        );
        assert!(
            seen[0]
                .to_ascii_lowercase()
                .contains("proxy-authorization: basic "),
            "{seen:?}"
        );
    }

    let home = Sandbox::new(&format!(
        "{base}proxy=http://127.0.0.1:{proxy_port}/\nnoproxy=127.0.0.1\n"
    ));
    let mut cmd = home.cmd();
    cmd.args(["list", "--json"]);
    assert_eq!(Run::of_async(cmd).await.code, 0);
    assert_eq!(seen.lock().unwrap().len(), 1, "noproxy was not honoured");

    // The usual environment variables, when npm's settings name no proxy.
    let home = Sandbox::new(&base);
    let mut cmd = home.cmd();
    cmd.args(["list", "--json"])
        .env("HTTP_PROXY", format!("http://127.0.0.1:{proxy_port}"));
    assert_eq!(Run::of_async(cmd).await.code, 0);
    assert_eq!(seen.lock().unwrap().len(), 2, "HTTP_PROXY was not honoured");
    let mut cmd = home.cmd();
    cmd.args(["list", "--json"])
        .env("HTTP_PROXY", format!("http://127.0.0.1:{proxy_port}"))
        .env("NO_PROXY", "127.0.0.1");
    assert_eq!(Run::of_async(cmd).await.code, 0);
    assert_eq!(seen.lock().unwrap().len(), 2, "NO_PROXY was not honoured");
}

pub(crate) struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
}

pub(crate) struct Leaf {
    pub(crate) der: CertificateDer<'static>,
    pem: String,
    pub(crate) key_der: PrivateKeyDer<'static>,
    key_pem: String,
}

impl Pki {
    pub(crate) fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "npm-token test CA");
        Pki {
            ca: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap(),
        }
    }

    pub(crate) fn ca_pem(&self) -> String {
        self.ca.pem()
    }

    pub(crate) fn leaf(&self, names: &[&str]) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let cert = CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, &self.ca)
            .unwrap();
        Leaf {
            der: cert.der().clone(),
            pem: cert.pem(),
            key_der: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            key_pem: key.serialize_pem(),
        }
    }
}

/// A TLS front on this machine for `backend`, optionally requiring a client certificate
/// signed by `client_ca`. Returns its port.
pub(crate) async fn tls_front(
    backend: SocketAddr,
    server: Leaf,
    client_ca: Option<CertificateDer<'static>>,
) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(vec![server.der], server.key_der)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut upstream) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_ca_works_with_cafile_or_ca_and_fails_clearly_without() {
    let server = registry().await;
    let pki = Pki::new();
    let port = tls_front(*server.address(), pki.leaf(&["127.0.0.1"]), None).await;
    let base =
        format!("registry=https://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={TOKEN}\n");

    let home = Sandbox::new(&base);
    let cafile = home.file("ca.pem", &pki.ca_pem());
    home.write_npmrc(&format!("{base}cafile={cafile}\n"));
    let mut cmd = home.cmd();
    cmd.args(["list", "--json"]);
    let run = Run::of_async(cmd).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");

    // Inline, as a JSON-quoted npmrc value.
    let inline = serde_json::to_string(&pki.ca_pem()).unwrap();
    let home = Sandbox::new(&format!("{base}ca={inline}\n"));
    let mut cmd = home.cmd();
    cmd.args(["list", "--json"]);
    let run = Run::of_async(cmd).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");

    let home = Sandbox::new(&base);
    let mut cmd = home.cmd();
    cmd.args(["list"]);
    let run = Run::of_async(cmd).await;
    assert_eq!((run.code, run.stdout.as_str()), (1, ""), "{run:?}");
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "one line, no retries: {run:?}"
    );
    assert!(
        run.stderr.starts_with(&format!(
            "npm-token error request to https://127.0.0.1:{port}/-/npm/v1/tokens failed, reason: "
        )),
        "{run:?}"
    );
    assert!(
        run.stderr.ends_with(
            "(ECERT); the registry's TLS certificate is not trusted: set `cafile` to the CA bundle that signed it \
             (or, unsafely, `strict-ssl=false`)\n"
        ),
        "{run:?}"
    );

    let home = Sandbox::new(&format!("{base}strict-ssl=false\n"));
    let mut cmd = home.cmd();
    cmd.args(["list", "--json"]);
    assert_eq!(Run::of_async(cmd).await.code, 0);

    let home = Sandbox::new(&format!("{base}cafile=/nonexistent/ca.pem\n"));
    let mut cmd = home.cmd();
    cmd.arg("list");
    let run = Run::of_async(cmd).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("npm-token error could not read the cafile file /nonexistent/ca.pem: "),
        "{run:?}"
    );
}

/// Certificates matter only for TLS: a plain-HTTP registry never reads them (as in npm),
/// and an https one refuses an unreadable `ca` before sending anything.
#[tokio::test(flavor = "multi_thread")]
async fn certificates_are_read_only_for_tls() {
    let server = registry().await;
    let plain = format!(
        "registry={}/\n//{}/:_authToken={TOKEN}\nca=not a certificate\n",
        server.uri(),
        server.address()
    );
    let home = Sandbox::new(&plain);
    let mut cmd = home.cmd();
    cmd.args(["list", "--json"]);
    let run = Run::of_async(cmd).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");

    let home = Sandbox::new(&format!(
        "registry=https://{0}/\n//{0}/:_authToken={TOKEN}\nca=not a certificate\n",
        server.address()
    ));
    let mut cmd = home.cmd();
    cmd.arg("list");
    let run = Run::of_async(cmd).await;
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            1,
            "npm-token error could not set up the HTTP client: the `ca` / `cafile` setting holds no readable PEM certificate\n"
        ),
        "{run:?}"
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "only the plain list"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_with_the_registry_certfile_and_keyfile() {
    let server = registry().await;
    let pki = Pki::new();
    let port = tls_front(
        *server.address(),
        pki.leaf(&["127.0.0.1"]),
        Some(pki.ca.der().clone()),
    )
    .await;
    let client = pki.leaf(&["npm-token client"]);
    let home = Sandbox::new("");
    let cafile = home.file("ca.pem", &pki.ca_pem());
    let certfile = home.file("client.pem", &client.pem);
    let keyfile = home.file("client.key", &client.key_pem);
    // No token: for npm as for us, a client certificate is credential enough.
    let base = format!("registry=https://127.0.0.1:{port}/\ncafile={cafile}\n");
    home.write_npmrc(&format!(
        "{base}//127.0.0.1:{port}/:certfile={certfile}\n//127.0.0.1:{port}/:keyfile={keyfile}\n"
    ));
    let mut cmd = home.cmd();
    cmd.args(["list", "--json"]);
    let run = Run::of_async(cmd).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");

    // Without the client certificate the server refuses the handshake.
    home.write_npmrc(&format!(
        "{base}//127.0.0.1:{port}/:_authToken={TOKEN}\nfetch-retries=0\n"
    ));
    let mut cmd = home.cmd();
    cmd.arg("list");
    let run = Run::of_async(cmd).await;
    assert_eq!((run.code, run.stdout.as_str()), (1, ""), "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
}
