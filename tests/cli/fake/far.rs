//! A far registry's round trips (issue 20), counted rather than timed: an in-process
//! registry (hyper, HTTP/1.1, or HTTP/2 over TLS by ALPN) that counts the requests in flight
//! and can hold answers until a number of them are. It shows that a token list's pages go
//! out together, and that every unexpected page falls back to following `next`, with the
//! same output; that bulk DELETEs go out together up to their bound, and over one HTTP/2
//! connection; and that one 429 pauses the whole batch, with nothing counted twice.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io::{BufRead, BufReader, Read};
use std::pin::Pin;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::watch;
use tokio_rustls::rustls;

use super::TOKEN;
use crate::network::Pki;
use crate::support::{Run, Sandbox};

const TOKENS: &str = "/-/npm/v1/tokens";

/// The longest an answer is held waiting for others: a client that never sends them
/// together shows as a high-water mark below the one waited for, not as a hang.
const HOLD_AT_MOST: Duration = Duration::from_secs(10);

/// A request as the registry saw it: its method and its path with the query.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Req {
    method: String,
    target: String,
}

struct Answer {
    status: u16,
    body: String,
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn json(value: &Value) -> Answer {
        Answer {
            status: 200,
            body: value.to_string(),
            headers: Vec::new(),
        }
    }

    fn status(status: u16) -> Answer {
        Answer {
            status,
            body: if status == 204 {
                String::new()
            } else {
                "{}".into()
            },
            headers: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
enum Event {
    Arrived(Req, Instant),
    Answered(Req, u16, Instant),
}

/// What the registry counts: the requests in flight now and at most, every arrival and
/// answer in order, and the connections it accepted.
struct Counts {
    in_flight: AtomicUsize,
    high_water: watch::Sender<usize>,
    events: Mutex<Vec<Event>>,
    connections: AtomicUsize,
}

/// Counts a request out of flight however its answer ends (a client may drop it).
struct Leaving<'a>(&'a AtomicUsize);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Counts {
    fn new() -> Counts {
        Counts {
            in_flight: AtomicUsize::new(0),
            high_water: watch::channel(0).0,
            events: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        }
    }

    /// Answers `req` with `handler`, counting it in flight from its arrival until its
    /// answer is handed to the server to send (so never longer than the client sees it).
    async fn serve(self: Arc<Self>, req: Req, handler: Handler) -> Answer {
        // The arrival is recorded before it counts in flight: a handler woken by the count
        // (`until_in_flight`) answers after every arrival that woke it, in `events` too.
        self.push(Event::Arrived(req.clone(), Instant::now()));
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.high_water.send_modify(|most| *most = (*most).max(now));
        let _leaving = Leaving(&self.in_flight);
        let answer = handler(req.clone(), self.clone()).await;
        self.push(Event::Answered(req, answer.status, Instant::now()));
        answer
    }

    fn push(&self, event: Event) {
        self.events.lock().unwrap().push(event);
    }

    /// Waits until `n` requests have been in flight at once (at most [`HOLD_AT_MOST`]).
    async fn until_in_flight(&self, n: usize) {
        let mut most = self.high_water.subscribe();
        let _ = tokio::time::timeout(HOLD_AT_MOST, most.wait_for(|&most| most >= n)).await;
    }

    /// The most requests in flight at once.
    fn high_water(&self) -> usize {
        *self.high_water.borrow()
    }

    fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    /// The targets of the requests with this method, in the order they arrived.
    fn arrivals(&self, method: &str) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Arrived(req, _) if req.method == method => Some(req.target),
                _ => None,
            })
            .collect()
    }

    /// Where in the event log the `nth` (from 0) arrival of, or answer to, `target` is.
    fn position(&self, answered: bool, target: &str, nth: usize) -> usize {
        self.events()
            .iter()
            .enumerate()
            .filter(|(_, e)| match e {
                Event::Arrived(req, _) => !answered && req.target == target,
                Event::Answered(req, _, _) => answered && req.target == target,
            })
            .nth(nth)
            .unwrap_or_else(|| panic!("no event {nth} for {target}"))
            .0
    }
}

type Handler =
    Arc<dyn Fn(Req, Arc<Counts>) -> Pin<Box<dyn Future<Output = Answer> + Send>> + Send + Sync>;

/// A far registry on this machine, and a sandbox configured for it.
struct Far {
    counts: Arc<Counts>,
    sandbox: Sandbox,
    base: String,
}

impl Far {
    /// Over plain HTTP/1.1. `handler` is made from the registry's base URL (no trailing `/`).
    async fn start(handler: impl FnOnce(&str) -> Handler) -> Far {
        Far::listen(false, handler).await
    }

    /// Over TLS, offering HTTP/2 and HTTP/1.1 by ALPN as npmjs.org does; trusted by `cafile`.
    async fn start_tls(handler: impl FnOnce(&str) -> Handler) -> Far {
        Far::listen(true, handler).await
    }

    async fn listen(tls: bool, handler: impl FnOnce(&str) -> Handler) -> Far {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let scheme = if tls { "https" } else { "http" };
        let base = format!("{scheme}://127.0.0.1:{port}");
        let handler = handler(&base);
        let counts = Arc::new(Counts::new());
        let sandbox = Sandbox::new(&format!(
            "registry={base}/\n//127.0.0.1:{port}/:_authToken={TOKEN}\n\
             fetch-retry-mintimeout=1\nfetch-retry-maxtimeout=50\n"
        ));
        let acceptor = tls.then(|| {
            let pki = Pki::new();
            let leaf = pki.leaf(&["127.0.0.1"]);
            let cafile = sandbox.file("ca.pem", &pki.ca_pem());
            sandbox.append_npmrc(&format!("cafile={cafile}\n"));
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut config = rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![leaf.der], leaf.key_der)
                .unwrap();
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            tokio_rustls::TlsAcceptor::from(Arc::new(config))
        });
        let served = counts.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                served.connections.fetch_add(1, Ordering::SeqCst);
                let (counts, handler, acceptor) =
                    (served.clone(), handler.clone(), acceptor.clone());
                tokio::spawn(async move {
                    match acceptor {
                        None => serve(tcp, false, handler, counts).await,
                        Some(acceptor) => {
                            let Ok(tls) = acceptor.accept(tcp).await else {
                                return;
                            };
                            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                            serve(tls, h2, handler, counts).await
                        }
                    }
                });
            }
        });
        Far {
            counts,
            sandbox,
            base,
        }
    }

    async fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.sandbox.cmd();
        cmd.args(args);
        Run::of_async(cmd).await
    }
}

/// Serves one connection, as HTTP/2 when ALPN chose it, else HTTP/1.1.
async fn serve<S>(io: S, h2: bool, handler: Handler, counts: Arc<Counts>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let (handler, counts) = (handler.clone(), counts.clone());
            async move {
                let req = Req {
                    method: request.method().to_string(),
                    target: request
                        .uri()
                        .path_and_query()
                        .map_or_else(String::new, |p| p.to_string()),
                };
                drop(request);
                let answer = counts.serve(req, handler).await;
                let mut response = hyper::Response::builder()
                    .status(answer.status)
                    .header("content-type", "application/json");
                for (name, value) in answer.headers {
                    response = response.header(name, value);
                }
                Ok::<_, Infallible>(response.body(answer.body).unwrap())
            }
        });
    let io = hyper_util::rt::TokioIo::new(io);
    if h2 {
        let builder =
            hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new());
        let _ = builder.serve_connection(io, service).await;
    } else {
        let _ = hyper::server::conn::http1::Builder::new()
            .serve_connection(io, service)
            .await;
    }
}

fn key(n: usize) -> String {
    format!("{n:08x}-f00d-4000-8000-{n:012x}")
}

fn tokens(keys: impl Iterator<Item = usize>) -> Value {
    keys.map(|n| {
        json!({"key": key(n), "token": format!("npm_{n:04}...{n:04}"), "readonly": false,
               "created": "2026-01-01T00:00:00.000Z", "updated": "2026-01-01T00:00:00.000Z"})
    })
    .collect()
}

/// The keys a `--json` list or revoke printed, in order.
fn keys_in(stdout: &str) -> Vec<String> {
    let listed: Vec<Value> = serde_json::from_str(stdout).unwrap_or_else(|_| panic!("{stdout}"));
    listed
        .iter()
        .map(|t| t.get("key").unwrap_or(t).as_str().unwrap().to_owned())
        .collect()
}

/// Pages by target.
type Pages = HashMap<String, Value>;

/// Pages made for a registry's base URL.
type MakePages = fn(&str) -> Pages;

/// How the pages link to each other.
#[derive(Clone, Copy)]
enum Form {
    /// npmjs.org's: `?page=N&perPage=M`.
    Npmjs,
    /// The same parameters the other way round: not npmjs.org's form, so followed.
    Swapped,
}

fn page_target(form: Form, n: usize, per_page: usize) -> String {
    match (form, n) {
        (_, 0) => TOKENS.to_owned(),
        (Form::Npmjs, n) => format!("{TOKENS}?page={n}&perPage={per_page}"),
        (Form::Swapped, n) => format!("{TOKENS}?perPage={per_page}&page={n}"),
    }
}

/// `count` tokens, `per_page` a page, each page saying `total` (when given) and linking
/// to the next by an absolute URL, the last to none: by target.
fn pages(
    base: &str,
    form: Form,
    count: usize,
    per_page: usize,
    total: Option<usize>,
) -> HashMap<String, Value> {
    let pages = count.div_ceil(per_page);
    (0..pages)
        .map(|n| {
            let next = if n + 1 < pages {
                format!("{base}{}", page_target(form, n + 1, per_page))
            } else {
                String::new()
            };
            let objects = tokens(n * per_page..((n + 1) * per_page).min(count));
            let mut page = json!({"objects": objects, "urls": {"next": next}});
            if let Some(total) = total {
                page["total"] = json!(total);
            }
            (page_target(form, n, per_page), page)
        })
        .collect()
}

/// Serves `pages` by target (404 for any other); answers to pages after the first are held
/// until `hold` requests are in flight at once (none with 0).
fn serve_pages(pages: HashMap<String, Value>, hold: usize) -> Handler {
    let pages = Arc::new(pages);
    Arc::new(move |req, counts| {
        let pages = pages.clone();
        Box::pin(async move {
            let Some(page) = pages.get(&req.target).filter(|_| req.method == "GET") else {
                return Answer::status(404);
            };
            if req.target != TOKENS {
                counts.until_in_flight(hold).await;
            }
            Answer::json(page)
        })
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_go_out_together_and_read_as_following_next_would() {
    // 20 tokens, 2 a page: after page 0, pages 1 to 9 all at once.
    let far = Far::start(|base| serve_pages(pages(base, Form::Npmjs, 20, 2, Some(20)), 9)).await;
    let run = far.run(&["list", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        far.counts.high_water(),
        9,
        "pages 1 to 9 were not in flight at once"
    );
    assert_eq!(far.counts.arrivals("GET").len(), 10, "each page once");
    assert_eq!(keys_in(&run.stdout), (0..20).map(key).collect::<Vec<_>>());

    // The same pages linked in another form are followed one by one, to the same bytes.
    let followed =
        Far::start(|base| serve_pages(pages(base, Form::Swapped, 20, 2, Some(20)), 0)).await;
    for args in [
        ["list", "--json"],
        ["list", "--parseable"],
        ["list", "--lines"],
    ] {
        let ours = far.run(&args).await;
        let theirs = followed.run(&args).await;
        assert_eq!((ours.code, &ours.stdout), (0, &theirs.stdout), "{args:?}");
    }
    assert_eq!(followed.counts.high_water(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_that_does_not_say_its_pages_is_followed_one_by_one() {
    let expected: Vec<String> = (0..7).map(key).collect();
    // npmjs.org's links without a total; a total that is not a number; another form of
    // link; a total that makes fewer pages than there are (one), or none.
    let cases: [(&str, MakePages); 5] = [
        ("no total", |base| pages(base, Form::Npmjs, 7, 2, None)),
        ("a total in a string", |base| {
            let mut pages = pages(base, Form::Npmjs, 7, 2, None);
            pages
                .values_mut()
                .for_each(|page| page["total"] = json!("7"));
            pages
        }),
        ("another form of link", |base| {
            pages(base, Form::Swapped, 7, 2, Some(7))
        }),
        ("a total of one page", |base| {
            pages(base, Form::Npmjs, 7, 2, Some(2))
        }),
        ("a total of none", |base| {
            pages(base, Form::Npmjs, 7, 2, Some(0))
        }),
    ];
    for (case, pages) in cases {
        let far = Far::start(|base| serve_pages(pages(base), 0)).await;
        let run = far.run(&["list", "--json"]).await;
        assert_eq!(run.code, 0, "{case}: {run:?}");
        assert_eq!(keys_in(&run.stdout), expected, "{case}");
        assert_eq!(far.counts.high_water(), 1, "{case}: not one by one");
        assert_eq!(far.counts.arrivals("GET").len(), 4, "{case}");
    }
}

/// 10 tokens, 2 a page (pages 0 to 4), total 10, in npmjs.org's form, with `change` made
/// to the pages; pages 1 to 4 held until all four are in flight, so that every one of
/// them is asked for side by side before any is read.
async fn far_with(change: impl FnOnce(&str, &mut HashMap<String, Value>)) -> Far {
    Far::start(|base| {
        let mut pages = pages(base, Form::Npmjs, 10, 2, Some(10));
        change(base, &mut pages);
        serve_pages(pages, 4)
    })
    .await
}

fn page_n(n: usize) -> String {
    page_target(Form::Npmjs, n, 2)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_that_links_elsewhere_is_followed_from_there() {
    // Page 2 links, not to page 3, but to a page in another form, which links to one more.
    let elsewhere = format!("{TOKENS}?page=3&perPage=2&from=2");
    let then = format!("{TOKENS}?from=3");
    let far = far_with(|base, pages| {
        pages.get_mut(&page_n(2)).unwrap()["urls"]["next"] = json!(format!("{base}{elsewhere}"));
        pages.insert(
            elsewhere.clone(),
            json!({"objects": tokens(100..102), "total": 10,
                   "urls": {"next": format!("{base}{then}")}}),
        );
        pages.insert(
            then.clone(),
            json!({"objects": tokens(102..103), "total": 10, "urls": {"next": ""}}),
        );
    })
    .await;
    let run = far.run(&["list", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    // What following `next` reads: pages 0 to 2, then where page 2 pointed; never what
    // pages 3 and 4 held, though they were asked for side by side.
    let expected: Vec<String> = (0..6).chain(100..103).map(key).collect();
    assert_eq!(keys_in(&run.stdout), expected);
    assert_eq!(far.counts.high_water(), 4);
    let counts = &far.counts;
    assert!(counts.position(true, &page_n(2), 0) < counts.position(false, &elsewhere, 0));
    assert!(counts.position(true, &elsewhere, 0) < counts.position(false, &then, 0));
    assert_eq!(counts.arrivals("GET").len(), 7, "each page once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_total_is_followed_one_by_one_from_there() {
    // Page 2 says 11 tokens where page 0 said 10: the list changed while it was read.
    let far = far_with(|_, pages| {
        pages.get_mut(&page_n(2)).unwrap()["total"] = json!(11);
    })
    .await;
    let run = far.run(&["list", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(keys_in(&run.stdout), (0..10).map(key).collect::<Vec<_>>());
    assert_eq!(far.counts.high_water(), 4);
    // Pages 3 and 4, read early, are read again one by one, as following `next` would.
    let counts = &far.counts;
    let gets = counts.arrivals("GET");
    for n in [3, 4] {
        assert_eq!(
            gets.iter().filter(|t| **t == page_n(n)).count(),
            2,
            "{gets:?}"
        );
    }
    assert!(counts.position(true, &page_n(2), 0) < counts.position(false, &page_n(3), 1));
    assert!(counts.position(true, &page_n(3), 1) < counts.position(false, &page_n(4), 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_page_ends_as_following_next_ends() {
    // Page 2 answers what page 1 did: the same tokens, and a link to page 2 again.
    let far = far_with(|_, pages| {
        let page1 = pages[&page_n(1)].clone();
        pages.insert(page_n(2), page1);
    })
    .await;
    let run = far.run(&["list", "--json"]).await;
    assert_eq!(far.counts.high_water(), 4);
    let line = format!(
        "the registry's token list links back to a page already read ({}{}); the \
         registry is misbehaving: report it to its operators",
        far.base,
        page_n(2)
    );
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, format!("npm-token error {line}\n").as_str()),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_side_by_side_keep_the_list_within_64_mib() {
    const MIB: usize = 1024 * 1024;
    // As `many_large_pages_are_refused_past_64_mib_in_all` (errors.rs), in npmjs.org's
    // form: one token in 3 MiB a page. 21 pages make 63 MiB; the 22nd would pass 64 MiB,
    // wherever the pages read side by side have got to.
    fn large(base: &str, count: usize) -> Handler {
        let pages = pages(base, Form::Npmjs, count, 1, Some(count));
        let pages: HashMap<String, String> = pages
            .into_iter()
            .map(|(target, page)| {
                let mut body = page.to_string();
                body.extend(std::iter::repeat_n(' ', 3 * MIB - body.len()));
                (target, body)
            })
            .collect();
        let pages = Arc::new(pages);
        Arc::new(move |req, counts| {
            let pages = pages.clone();
            Box::pin(async move {
                // Pages after the first held until 16 are in flight: side by side.
                if req.target != TOKENS {
                    counts.until_in_flight(16).await;
                }
                match pages.get(&req.target) {
                    Some(body) => Answer {
                        status: 200,
                        body: body.clone(),
                        headers: Vec::new(),
                    },
                    None => Answer::status(404),
                }
            })
        })
    }
    let far = Far::start(|base| large(base, 30)).await;
    let run = far.run(&["list"]).await;
    run.assert_error(
        "the registry's token list goes past 64 MiB in all, at page 22; the registry is \
         misbehaving: report it to its operators",
    );
    assert_eq!(
        far.counts.high_water(),
        16,
        "the pages were not side by side"
    );

    let far = Far::start(|base| large(base, 21)).await;
    let run = far.run(&["list", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(keys_in(&run.stdout), (0..21).map(key).collect::<Vec<_>>());
}

/// A registry listing `count` tokens (in pages of `per_page`, npmjs.org's form) that
/// accepts every DELETE with 204 and holds all but the first until `hold` are in flight.
fn revocable(base: &str, count: usize, per_page: usize, hold: usize) -> Handler {
    let list = serve_pages(
        pages(base, Form::Npmjs, count, per_page, Some(count)),
        count.div_ceil(per_page) - 1,
    );
    let deletes = Arc::new(AtomicUsize::new(0));
    Arc::new(move |req, counts| {
        if req.method != "DELETE" {
            return list(req, counts);
        }
        let first = deletes.fetch_add(1, Ordering::SeqCst) == 0;
        Box::pin(async move {
            if !first {
                counts.until_in_flight(hold).await;
            }
            Answer::status(204)
        })
    })
}

/// The key of each DELETE answered with this status, sorted.
fn deleted(counts: &Counts, status: u16) -> Vec<String> {
    let mut keys: Vec<String> = counts
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Answered(req, s, _) if req.method == "DELETE" && s == status => {
                Some(req.target.rsplit('/').next().unwrap().to_owned())
            }
            _ => None,
        })
        .collect();
    keys.sort();
    keys
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_deletes_go_out_together_up_to_16_connections() {
    let far = Far::start(|base| revocable(base, 40, 100, 16)).await;
    let keys: Vec<String> = (0..40).map(key).collect();
    let mut args = vec!["revoke", "--json"];
    args.extend(keys.iter().map(String::as_str));
    let run = far.run(&args).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(keys_in(&run.stdout), keys);
    // The first alone (a one-time password is asked for once), then 16 at a time.
    let counts = &far.counts;
    let first = format!("{TOKENS}/token/{}", key(0));
    assert_eq!(counts.arrivals("DELETE")[0], first);
    let second = format!("{TOKENS}/token/{}", key(1));
    assert!(counts.position(true, &first, 0) < counts.position(false, &second, 0));
    assert_eq!(counts.high_water(), 16);
    assert_eq!(deleted(counts, 204), keys, "each token once");
    assert_eq!(counts.arrivals("DELETE").len(), 40);
}

#[tokio::test(flavor = "multi_thread")]
async fn over_http2_pages_and_deletes_share_one_connection() {
    // 40 tokens in 4 pages; the DELETEs after the first all at once, beyond the 16 that
    // HTTP/1.1 would have as connections: streams of the one connection ALPN made HTTP/2.
    let far = Far::start_tls(|base| revocable(base, 40, 10, 39)).await;
    let keys: Vec<String> = (0..40).map(key).collect();
    let mut args = vec!["revoke", "--json"];
    args.extend(keys.iter().map(String::as_str));
    let run = far.run(&args).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(keys_in(&run.stdout), keys);
    let counts = &far.counts;
    assert_eq!(counts.connections.load(Ordering::SeqCst), 1);
    assert_eq!(counts.high_water(), 39);
    assert_eq!(counts.arrivals("GET").len(), 4);
    assert_eq!(deleted(counts, 204), keys, "each token once");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_429_pauses_the_whole_batch_and_nothing_is_counted_twice() {
    // 30 tokens. The first DELETE alone; of the 16 after it, the first to arrive is answered
    // 429 (Retry-After: 1) once all 16 are in flight, and the other 15 only once
    // npm-token has said it is waiting: any DELETE sent before the pause is over would
    // then arrive less than a second after the 429.
    let (said, hear) = watch::channel(false);
    let far = Far::start(|base| {
        let list = serve_pages(pages(base, Form::Npmjs, 30, 100, Some(30)), 0);
        let deletes = Arc::new(AtomicUsize::new(0));
        Arc::new(move |req, counts| {
            if req.method != "DELETE" {
                return list(req, counts);
            }
            let mut hear = hear.clone();
            let n = deletes.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                match n {
                    0 => Answer::status(204),
                    1 => {
                        counts.until_in_flight(16).await;
                        let mut answer = Answer::status(429);
                        answer.headers.push(("retry-after", "1".into()));
                        answer
                    }
                    2..=16 => {
                        counts.until_in_flight(16).await;
                        let _ = tokio::time::timeout(HOLD_AT_MOST, hear.wait_for(|&s| s)).await;
                        Answer::status(204)
                    }
                    _ => Answer::status(204),
                }
            })
        })
    })
    .await;
    // The pause is the registry's Retry-After, within fetch-retry-maxtimeout.
    far.sandbox.append_npmrc("fetch-retry-maxtimeout=10000\n");
    let keys: Vec<String> = (0..30).map(key).collect();
    let mut cmd = far.sandbox.cmd();
    cmd.args(["revoke", "--json"])
        .args(&keys)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let run = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let reading = std::thread::spawn(move || {
            let mut text = String::new();
            stdout.read_to_string(&mut text).unwrap();
            text
        });
        let mut stderr = String::new();
        for line in BufReader::new(child.stderr.take().unwrap()).lines() {
            let line = line.unwrap();
            if line.contains("retrying DELETE") {
                said.send_replace(true);
            }
            stderr.push_str(&line);
            stderr.push('\n');
        }
        let code = child.wait().unwrap().code().unwrap_or(-1);
        Run {
            code,
            stdout: reading.join().unwrap(),
            stderr,
        }
    })
    .await
    .unwrap();
    assert_eq!(run.code, 0, "{run:?}");
    let mut revoked = keys_in(&run.stdout);
    revoked.sort();
    assert_eq!(revoked, keys, "each token once in the output");
    let counts = &far.counts;
    let limited = deleted(counts, 429);
    assert_eq!(limited.len(), 1);
    assert_eq!(deleted(counts, 204), keys, "each token revoked once");
    assert_eq!(
        counts.arrivals("DELETE").len(),
        31,
        "30, and the 429 sent again"
    );
    assert_eq!(
        run.stderr,
        format!(
            "npm-token warn retrying DELETE {}{TOKENS}/token/{} in 1.0s (1/2): 429 Too Many \
             Requests - DELETE {}{TOKENS}/token/{}\n",
            far.base, limited[0], far.base, limited[0]
        )
    );
    // Every DELETE that arrived after the 429 was answered was sent after the pause.
    let events = counts.events();
    let (at, limited_at) = events
        .iter()
        .enumerate()
        .find_map(|(i, e)| match e {
            Event::Answered(_, 429, at) => Some((i, *at)),
            _ => None,
        })
        .unwrap();
    let later: Vec<Duration> = events[at..]
        .iter()
        .filter_map(|e| match e {
            Event::Arrived(req, arrived) if req.method == "DELETE" => {
                Some(arrived.duration_since(limited_at))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        later.len(),
        14,
        "the other 13 tokens and the one sent again"
    );
    for waited in later {
        assert!(
            waited >= Duration::from_secs(1),
            "sent {waited:?} after the 429"
        );
    }
}
