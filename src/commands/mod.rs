//! One function per subcommand: take resolved settings and a client, do one thing, print.

pub mod audit;
pub mod create;
pub mod delete;
pub mod list;
pub mod revoke;
pub mod rotate;
pub mod status;

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::io::Write;

use crate::error::{explain, AppError, Operation};
use crate::hygiene::InUse;
use crate::ids::shortest_unique_ids;
use crate::output::Progress;
use crate::prompt::{self, PromptError};
use crate::registry::{display_url, HttpError, RegistryClient, RegistryError, Token};
use crate::secret::{Redactor, Secret};
use crate::settings::AuthContext;
use crate::token_info::TokenInfo;

/// npm's minimum id length.
pub const MIN_ID_LEN: usize = 6;

/// What every command needs besides its printer: the registry and credential in use, to
/// explain failures, and whether a person can answer prompts.
pub struct Context {
    pub auth: AuthContext,
    pub interactive: bool,
    /// stdout goes to the null device: a new token printed there would be lost.
    pub output_discarded: bool,
    /// stdout is a terminal: a token printed there is on screen, above what follows.
    pub stdout_terminal: bool,
    /// The token this configuration authenticates with, when it is a token.
    pub token_in_use: Option<Secret>,
    /// The shared redactor: a secret learnt while the command runs is registered with it.
    pub redactor: Redactor,
    /// How many one-time passwords were obtained, and whether one is being obtained:
    /// requests in flight together that meet the same challenge ask once (see `otplease`).
    pub otps: std::cell::Cell<u32>,
    pub asking_otp: std::cell::Cell<bool>,
    /// Why no one-time password came when one was asked for (Ctrl-D at the prompt, a web
    /// login not finished): every later challenge of the command fails the same way, rather
    /// than ask again, once for each request of a batch.
    pub otp_declined: std::cell::RefCell<Option<String>>,
    /// npm's `notice` level is on (the default): say each step of a multi-step command.
    pub notices: bool,
    /// The status line on stderr while a request is out (a no-op unless on a terminal).
    pub progress: Progress,
}

impl Context {
    /// What Ctrl-C (SIGTERM, SIGHUP) leaves from now on, said as the process ends: with
    /// secrets masked, as every line on stderr (registry text in it may echo one).
    pub fn on_ctrl_c(&self, line: &str) {
        crate::interrupt::on_ctrl_c(self.redactor.redact(line));
    }

    /// Where what stdout printed is, for a message on stderr: `above` on a terminal, else
    /// `on stdout` (a file, a pipe, where a message's "above" would mislead).
    pub fn printed_where(&self) -> &'static str {
        if self.stdout_terminal {
            "above"
        } else {
            "on stdout"
        }
    }

    /// Refuses to make a token whose one showing would go nowhere (stdout is the null
    /// device, or a pipe whose reader has gone), before anything is created.
    pub fn check_output_kept(&self) -> Result<(), AppError> {
        if self.output_discarded {
            return Err(AppError::failed(
                "the output goes to /dev/null, where the new token would be lost: nothing was \
                 created; send it somewhere you can read it (a terminal, a file, a pipe)",
            ));
        }
        if crate::terminal::stdout_reader_gone().is_some() {
            return Err(AppError::failed(
                "the output's reader is gone (it closed the pipe), so the new token would be \
                 lost: nothing was created; send it somewhere you can read it",
            ));
        }
        Ok(())
    }

    /// One line on stderr saying where a command stands (`Created 4f2a1c (ci).`), unless
    /// the log level is below `notice`. Registry text in it is escaped, secrets masked.
    pub fn say(&self, line: &str) {
        if self.notices {
            let line = self.redactor.redact(line);
            // Never on the status line's line: it is cleared first, and drawn again below.
            self.progress.suspend(|| {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "{}",
                    crate::text::for_terminal_line(&line)
                );
            });
        }
    }
}

/// What a revoke that failed leaves behind, as far as its error tells: the registry
/// refused it or never got it (`NotRevoked`), or it may have happened all the same (a
/// timeout or a dropped connection after sending, a 404 for a token already gone, a
/// server error, an answer that is not a registry's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailedRevoke {
    NotRevoked,
    MaybeRevoked,
}

impl AfterFailedRevoke {
    pub fn of(error: &AppError) -> AfterFailedRevoke {
        match error.code() {
            // Refused before acting (a 429 is not performed), or never reached the registry.
            Some(
                "EOTP" | "E400" | "E401" | "E403" | "E405" | "E429" | "ECONNREFUSED" | "ENOTFOUND"
                | "ECERT" | "EINVALIDCONFIG",
            ) => AfterFailedRevoke::NotRevoked,
            _ => AfterFailedRevoke::MaybeRevoked,
        }
    }

    /// What became of `subject` (a token as messages name it, or `it`), in words, and the
    /// command that settles it.
    pub fn state(self, subject: &str, id: &str) -> String {
        match self {
            AfterFailedRevoke::NotRevoked => {
                format!("{subject} was not revoked: `npm-token revoke {id}` tries again")
            }
            AfterFailedRevoke::MaybeRevoked => {
                format!("{subject} may already be revoked: `npm-token list` shows whether it is")
            }
        }
    }

    /// `not revoked` or `may be revoked`, for JSON.
    pub fn label(self) -> &'static str {
        match self {
            AfterFailedRevoke::NotRevoked => "not revoked",
            AfterFailedRevoke::MaybeRevoked => "may be revoked",
        }
    }
}

/// The token list, every page of it, with npm's short ids (unique over the whole list).
pub struct Listed {
    pub tokens: Vec<Token>,
    pub ids: Vec<String>,
    /// Keys the registry listed more than once, and not the same each time (a list that
    /// changed while it was read, or a registry that mixes two tokens up): which of its
    /// copies is the token is unknown, so no filter decides on it.
    pub conflicting: HashSet<String>,
}

impl Listed {
    pub async fn fetch(
        client: &RegistryClient,
        ctx: &Context,
        op: Operation,
    ) -> Result<Listed, AppError> {
        log::info!("getting the token list");
        let status = ctx.progress.fetching();
        // After each page that has a next one: the next page's number, how many pages there
        // are when the registry said so, and the tokens so far.
        let on_page = |pages: usize, n, of| status.page(pages + 1, of, n);
        let tokens = otplease(client, op, ctx, || client.list_tokens(&on_page)).await?;
        drop(status);
        // A registry that repeats a page lists a token twice: it is one token, shown,
        // planned for and counted once.
        let (tokens, conflicting) = fold_repeated(tokens);
        let keys: Vec<&str> = tokens.iter().map(|t| t.key()).collect();
        let ids = shortest_unique_ids(&keys, MIN_ID_LEN);
        Ok(Listed {
            tokens,
            ids,
            conflicting,
        })
    }

    /// Each token's typed view (decodes every token: only for what needs it).
    pub fn infos(&self) -> Vec<TokenInfo> {
        self.tokens
            .iter()
            .map(|t| TokenInfo::from_fields(&t.fields().0))
            .collect()
    }

    /// Which of `infos` is, or may be, the token this configuration authenticates with.
    pub fn in_use(&self, infos: &[TokenInfo], ctx: &Context) -> InUse {
        InUse::find(infos, ctx.token_in_use.as_ref().map(Secret::expose))
    }
}

/// The first of tokens listed more than once under one key (a registry that repeats a
/// page), in the registry's order, and the keys whose copies are not all the same. Tokens
/// without a key are all kept.
fn fold_repeated(tokens: Vec<Token>) -> (Vec<Token>, HashSet<String>) {
    let mut conflicting = HashSet::new();
    let keep: Vec<bool> = {
        let mut first: HashMap<&str, &Token> = HashMap::with_capacity(tokens.len());
        tokens
            .iter()
            .map(|t| match first.entry(t.key()) {
                _ if t.key().is_empty() => true,
                Entry::Vacant(entry) => {
                    entry.insert(t);
                    true
                }
                Entry::Occupied(kept) => {
                    let kept = *kept.get();
                    if kept != t && kept.fields() != t.fields() {
                        conflicting.insert(t.key().to_owned());
                    }
                    false
                }
            })
            .collect()
    };
    let repeated = keep.iter().filter(|&&keep| !keep).count();
    if repeated == 0 {
        return (tokens, conflicting);
    }
    log::warn!("the registry listed {repeated} tokens more than once; each is counted once");
    if !conflicting.is_empty() {
        log::warn!(
            "{} of them differently each time (the list changed while it was read): no filter \
             revokes those",
            conflicting.len()
        );
    }
    let tokens = tokens
        .into_iter()
        .zip(keep)
        .filter_map(|(token, keep)| keep.then_some(token))
        .collect();
    (tokens, conflicting)
}

/// npm's `otplease`: runs `request`; if the registry answers with a one-time-password
/// challenge and a person is at the terminal, gets a one-time password (the web login when
/// the registry offers one, else the prompt) and runs `request` once more with it. Without a
/// terminal the challenge becomes an error that names `--otp`.
pub async fn otplease<T, F, Fut>(
    client: &RegistryClient,
    op: Operation,
    ctx: &Context,
    mut request: F,
) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RegistryError>>,
{
    let fail = |e| explain(e, op, &ctx.auth);
    let otps = ctx.otps.get();
    let challenge = match request().await {
        Err(RegistryError::Http(http)) if http.otp_required && ctx.interactive => http,
        other => return other.map_err(fail),
    };
    // A request sent beside this one met the same challenge: wait for the one-time
    // password it is getting (a web login is awaited, not blocking), and send again with
    // it rather than ask twice.
    while ctx.asking_otp.get() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    if ctx.otps.get() != otps {
        return request().await.map_err(fail);
    }
    // Whatever stopped it (no answer at the prompt, a web login not finished), the request
    // was refused for want of a one-time password and not performed: npm's EOTP, which
    // tells a revoke's report that the token was not revoked.
    let declined = |message: String| AppError::Failed {
        code: Some("EOTP".to_owned()),
        message,
    };
    if let Some(why) = ctx.otp_declined.borrow().clone() {
        return Err(declined(why));
    }
    ctx.asking_otp.set(true);
    let otp = get_otp(client, op, ctx, &challenge).await;
    ctx.asking_otp.set(false);
    let otp = otp.map_err(|e| {
        *ctx.otp_declined.borrow_mut() = Some(e.message().to_owned());
        e.with_code("EOTP")
    })?;
    ctx.redactor.register(&otp);
    client.set_otp(otp);
    ctx.otps.set(otps.wrapping_add(1));
    request().await.map_err(fail)
}

/// A one-time password for `challenge`: the web login when the registry offers one, else
/// the prompt.
async fn get_otp(
    client: &RegistryClient,
    op: Operation,
    ctx: &Context,
    challenge: &HttpError,
) -> Result<Secret, AppError> {
    match &challenge.web_auth {
        Some(web) => {
            // The registry's URL: masked and escaped like anything else it sends.
            let url = ctx.redactor.redact(&display_url(&web.auth_url));
            // The request's status line is hidden while the person is in the browser.
            let _paused = ctx.progress.pause();
            let _ = writeln!(
                std::io::stderr(),
                "Authenticate your account at:\n{}\nWaiting for you to finish (Ctrl-C to stop)...",
                crate::text::for_terminal_line(&url)
            );
            client
                .wait_for_web_login(&web.done_url)
                .await
                .map_err(|e| explain(e, op, &ctx.auth))
        }
        None => ctx.progress.suspend(prompt::otp).map_err(|e| match e {
            PromptError::Eof => AppError::failed("no one-time password given; pass --otp=<code>"),
            PromptError::Io(e) => {
                AppError::failed(format!("could not read the one-time password: {e}"))
            }
        }),
    }
}

/// Who the credential belongs to, and the token list (unless `list` is false), asked for
/// at once: on a registry 100 ms away, one round trip instead of two.
pub async fn whoami_and_list(
    client: &RegistryClient,
    ctx: &Context,
    list: bool,
) -> (Result<String, AppError>, Option<Result<Listed, AppError>>) {
    log::info!(
        "asking the registry who this is{}",
        if list { ", and for the token list" } else { "" }
    );
    // Under the list's own line while the list is out, and alone once it is in.
    let _status = ctx.progress.asking_who();
    let whoami = otplease(client, Operation::List, ctx, || client.whoami());
    let listed = async {
        match list {
            true => Some(Listed::fetch(client, ctx, Operation::List).await),
            false => None,
        }
    };
    tokio::join!(whoami, listed)
}
