//! `status`: which registry, which user, and which token this configuration uses, with how
//! long it has left; `--fail-within` turns that into a CI check (exit 3).

use std::io::Write;

use super::{otplease, Context, Listed};
use crate::error::{AppError, Operation};
use crate::hygiene::{candidates_in_use, shown};
use crate::output::{Printer, StatusReport, TokenInUse};
use crate::registry::RegistryClient;
use crate::token_info::Status;

pub async fn run(
    client: &RegistryClient,
    fail_within: Option<u32>,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    log::info!("asking the registry who this is");
    let user = otplease(client, Operation::List, ctx, || client.whoami()).await?;
    // A token may be good for publishing and yet not for listing tokens (npmjs.org lets
    // only a login session manage tokens): then its expiry cannot be looked up.
    let listed = match Listed::fetch(client, printer, ctx, Operation::List).await {
        Ok(listed) => Some(listed),
        Err(e) if matches!(e.code(), Some("E401" | "E403")) => None,
        Err(e) => return Err(e),
    };
    let infos = listed.as_ref().map(Listed::infos).unwrap_or_default();
    let candidates = match &ctx.token_in_use {
        Some(token) => candidates_in_use(&infos, token.expose()),
        None => Vec::new(),
    };
    let token = match (&listed, candidates.as_slice(), &ctx.token_in_use) {
        (_, _, None) => TokenInUse::NotAToken,
        (None, _, Some(_)) => TokenInUse::Unlisted,
        (Some(listed), [n], Some(_)) => TokenInUse::Listed {
            id: &listed.ids[*n],
            info: &infos[*n],
        },
        (Some(_), [], Some(_)) => TokenInUse::NotListed,
        (Some(_), several, Some(_)) => TokenInUse::Ambiguous(several.len()),
    };
    let report = StatusReport {
        registry: &ctx.auth.registry,
        user: &user,
        token,
    };
    out.write_all(printer.status(&report).as_bytes())?;
    out.flush()?;
    let Some(days) = fail_within else {
        return Ok(());
    };
    let (id, info) =
        match &report.token {
            TokenInUse::Listed { id, info } => (*id, *info),
            // A login session, or not a token: nothing that expires in days.
            TokenInUse::NotListed | TokenInUse::NotAToken => return Ok(()),
            TokenInUse::Unlisted => return Err(AppError::failed(
                "--fail-within cannot check the token in use: the registry does not list tokens \
                 to it (on npmjs.org only a login session may), so its expiry is unknown",
            )
            .after_output()),
            TokenInUse::Ambiguous(n) => {
                return Err(AppError::failed(format!(
                "--fail-within cannot check the token in use: {n} listed tokens share its mask, \
                 so which one it is cannot be told"
            ))
                .after_output())
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
