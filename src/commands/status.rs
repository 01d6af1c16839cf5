//! `status`: which registry, which user, and which token this configuration uses, with how
//! long it has left; `--fail-within` turns that into a CI check (exit 3).

use std::io::Write;

use super::{otplease, Context, Listed};
use crate::error::{AppError, Operation};
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
    let listed = Listed::fetch(client, printer, ctx, Operation::List).await?;
    let infos = listed.infos();
    let in_use = listed.in_use(&infos, ctx);
    let token = match (in_use, &ctx.token_in_use) {
        (Some(n), _) => TokenInUse::Listed {
            id: &listed.ids[n],
            info: &infos[n],
        },
        (None, Some(_)) => TokenInUse::NotListed,
        (None, None) => TokenInUse::NotAToken,
    };
    let report = StatusReport {
        registry: &ctx.auth.registry,
        user: &user,
        token,
    };
    out.write_all(printer.status(&report).as_bytes())?;
    out.flush()?;
    let (Some(days), TokenInUse::Listed { id, info }) = (fail_within, &report.token) else {
        return Ok(());
    };
    let name = info
        .name()
        .filter(|n| !n.is_empty())
        .map_or_else(String::new, |n| format!(" ({n})"));
    let why = match info.status(printer.now) {
        Status::Revoked => Some("was revoked".to_owned()),
        Status::Expired => info.expiry_phrase(printer.now),
        Status::Active => info.expires_within(days, printer.now),
    };
    match why {
        Some(why) => Err(AppError::Check(format!(
            "the token in use, {id}{name}, {why}: replace it with `npm-token rotate {id}` \
             (add --save to update its npmrc)"
        ))),
        None => Ok(()),
    }
}
