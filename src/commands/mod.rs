//! One function per subcommand: take resolved settings and a client, do one thing, print.

pub mod create;
pub mod list;
pub mod revoke;

use std::future::Future;

use std::io::Write;

use crate::error::{explain, AppError, Operation};
use crate::output::Printer;
use crate::prompt::{self, PromptError};
use crate::registry::{display_url, RegistryClient, RegistryError};
use crate::secret::Redactor;
use crate::settings::AuthContext;

/// Shows `Fetching tokens: page N (M so far)…` on stderr while a multi-page list loads,
/// and clears it when dropped.
pub struct PageProgress {
    enabled: bool,
    shown: std::cell::Cell<bool>,
}

impl PageProgress {
    pub fn new(printer: &Printer) -> Self {
        PageProgress {
            enabled: printer.progress,
            shown: std::cell::Cell::new(false),
        }
    }

    /// Called after each page that has a next one.
    pub fn page_done(&self, pages: usize, tokens: usize) {
        if self.enabled {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(
                stderr,
                "\r\x1b[2KFetching tokens: page {} ({tokens} so far)…",
                pages + 1
            );
            let _ = stderr.flush();
            self.shown.set(true);
        }
    }
}

impl Drop for PageProgress {
    fn drop(&mut self) {
        if self.shown.get() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// What every command needs besides its printer: the registry and credential in use, to
/// explain failures, and whether a person can answer prompts.
pub struct Context {
    pub auth: AuthContext,
    pub interactive: bool,
    /// The shared redactor: a secret learnt while the command runs is registered with it.
    pub redactor: Redactor,
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
    let challenge = match request().await {
        Err(RegistryError::Http(http)) if http.otp_required && ctx.interactive => http,
        other => return other.map_err(fail),
    };
    let otp = match &challenge.web_auth {
        Some(web) => {
            eprintln!(
                "Authenticate your account at:\n{}\nWaiting for you to finish (Ctrl-C to stop)...",
                display_url(&web.auth_url)
            );
            client
                .wait_for_web_login(&web.done_url)
                .await
                .map_err(fail)?
        }
        None => prompt::otp().map_err(|e| match e {
            PromptError::Eof => AppError::failed("no one-time password given; pass --otp=<code>"),
            PromptError::Io(e) => {
                AppError::failed(format!("could not read the one-time password: {e}"))
            }
        })?,
    };
    ctx.redactor.register(&otp);
    client.set_otp(otp);
    request().await.map_err(fail)
}
