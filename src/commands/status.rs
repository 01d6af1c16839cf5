//! `status`: which registry, which user, what kind of credential this configuration uses
//! and where it is set, and how long the token has left; `--fail-within` turns that into a
//! CI check (exit 3).

use std::io::Write;

use super::{whoami_and_list, Context, Listed};
use crate::error::AppError;
use crate::hygiene::{shown, InUse};
use crate::output::{ambiguity, PartError, Printer, StatusReport, TokenInUse};
use crate::registry::RegistryClient;
use crate::settings::CredentialSource;
use crate::token_info::Status;

pub async fn run(
    client: &RegistryClient,
    fail_within: Option<u32>,
    source: Option<&CredentialSource>,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    // Only a token is looked for in the list; for any other credential, whoami is enough.
    let is_token = ctx.token_in_use.is_some();
    let (user, listed) = whoami_and_list(client, ctx, is_token).await;
    let mut errors = Vec::new();
    // An error that makes the exit status 1 once the report is out.
    let mut failed = None;
    let user = match (user, &listed) {
        (Ok(user), _) => Some(user),
        // Neither answered: the credential or the registry is at fault; say it once.
        (Err(e), None | Some(Err(_))) => return Err(e),
        (Err(e), Some(Ok(_))) => {
            errors.push(part_error("user", &e, ctx));
            failed = Some(e);
            None
        }
    };
    // A token may be good for publishing and yet not for listing tokens (npmjs.org lets
    // only a login session manage tokens): then what it is cannot be told.
    let listed = match listed {
        Some(Ok(listed)) => Some(listed),
        Some(Err(e)) => {
            errors.push(part_error("tokens", &e, ctx));
            if !matches!(e.code(), Some("E401" | "E403")) {
                failed = failed.or(Some(e));
            }
            None
        }
        None => None,
    };
    let infos = listed.as_ref().map(Listed::infos).unwrap_or_default();
    // The decision every command takes (`hygiene::InUse`): a token whose mask cannot rule
    // it out keeps the credential from being called a login session.
    let token = match &listed {
        None if ctx.token_in_use.is_some() => TokenInUse::Unknown,
        None => TokenInUse::NotAToken,
        Some(listed) => match listed.in_use(&infos, ctx) {
            InUse::NotAToken => TokenInUse::NotAToken,
            InUse::One(n) => TokenInUse::Listed {
                id: &listed.ids[n],
                info: &infos[n],
            },
            InUse::NotListed => TokenInUse::LoginSession,
            InUse::Maybe(candidates, doubt) => TokenInUse::Ambiguous {
                candidates: candidates.len(),
                doubt,
            },
        },
    };
    let report = StatusReport {
        registry: &ctx.auth.registry,
        user: user.as_deref(),
        token,
        source,
        errors: &errors,
    };
    out.write_all(printer.status(&report).as_bytes())?;
    out.flush()?;
    if let Some(e) = failed {
        return Err(e.after_output());
    }
    match fail_within {
        Some(days) => check(&report, days, printer),
        None => Ok(()),
    }
}

/// `--fail-within DAYS`: exit 3 when the token in use is expired, revoked, or expires
/// within DAYS days. What it cannot check is said, each kind its own way: a login session
/// and a credential that is not a token have no expiry to check (a warning, exit 0); a
/// token whose expiry cannot be looked up fails the check (exit 1).
fn check(report: &StatusReport, days: u32, printer: &Printer) -> Result<(), AppError> {
    let cannot = |why: String| {
        Err(AppError::failed(format!(
            "--fail-within cannot check the token in use: {why}"
        ))
        .after_output())
    };
    let (id, info) = match &report.token {
        TokenInUse::Listed { id, info } => (*id, *info),
        TokenInUse::LoginSession => {
            log::warn!(
                "--fail-within: the credential in use is a login session (`npm login`), not a \
                 listed token: it has no expiry to check, so the check passes"
            );
            return Ok(());
        }
        TokenInUse::NotAToken => {
            log::warn!(
                "--fail-within: the credential in use is not a token (a username and password, \
                 or a client certificate): nothing expires, so the check passes"
            );
            return Ok(());
        }
        TokenInUse::Unknown => {
            return cannot(
                "the registry does not list tokens to it (on npmjs.org only a login session \
                 may), so its expiry is unknown"
                    .to_owned(),
            )
        }
        TokenInUse::Ambiguous { candidates, doubt } => {
            return cannot(ambiguity(*candidates, *doubt))
        }
    };
    let why = match info.status(printer.now) {
        Status::Revoked => Some("was revoked".to_owned()),
        Status::Expired => info.expiry_phrase(printer.now),
        Status::Active => info.expires_within(days, printer.now),
    };
    match why {
        Some(why) => Err(AppError::Check(format!(
            "the token in use, {}, {why}: replace it with `npm-token rotate {id}` (add --save to \
             update its npmrc)",
            shown(id, info.name())
        ))),
        None => Ok(()),
    }
}

/// A part of the report that could not be had, for the JSON too; masked like any error.
pub(super) fn part_error(part: &'static str, e: &AppError, ctx: &Context) -> PartError {
    PartError {
        part,
        code: e.code().map(str::to_owned),
        message: ctx.redactor.redact(e.message()),
    }
}
