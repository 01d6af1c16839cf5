//! `audit`: the account's tokens and this machine's configuration, checked for what is not
//! ready for January 2027 or not safe. Exit 0: nothing to report; 3: findings; 1: an error,
//! or the tokens could not be listed and this machine has nothing to report.

use std::io::Write;

use super::status::part_error;
use super::{whoami_and_list, Context, Listed};
use crate::audit::{token_findings, AccountFacts};
use crate::error::AppError;
use crate::output::{AuditReport, PartError, Printer};
use crate::registry::RegistryClient;
use crate::settings::AuditSettings;

pub async fn run(
    client: &RegistryClient,
    settings: &AuditSettings,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let mut errors: Vec<PartError> = Vec::new();
    let mut user = None;
    let mut listed = None;
    if settings.local {
        log::info!("auditing this machine only (--local): no request");
    } else if let Some(why) = &settings.no_credential {
        errors.push(PartError {
            part: "tokens",
            code: Some("ENEEDAUTH".to_owned()),
            message: why.clone(),
        });
    } else {
        let (who, list) = whoami_and_list(client, ctx, true).await;
        match who {
            Ok(who) => user = Some(who),
            Err(e) => errors.push(part_error("user", &e, ctx)),
        }
        match list {
            Some(Ok(list)) => listed = Some(list),
            Some(Err(e)) => errors.push(part_error("tokens", &e, ctx)),
            None => {}
        }
    }
    let infos = listed.as_ref().map(Listed::infos).unwrap_or_default();
    let saveable = settings.source.as_ref().is_some_and(|source| {
        let origin = &source.origin;
        origin.file.is_some() && origin.variable.is_none() && origin.key.ends_with(":_authToken")
    });
    let tokens = listed.as_ref().map(|listed| {
        token_findings(&AccountFacts {
            infos: &infos,
            ids: &listed.ids,
            in_use: &listed.in_use(&infos, ctx),
            saveable,
            now: printer.now,
        })
    });
    let report = AuditReport {
        registry: &ctx.auth.registry,
        user: user.as_deref(),
        tokens: tokens.as_deref(),
        checked: infos.len(),
        local: &settings.findings,
        local_only: settings.local,
        errors: &errors,
    };
    out.write_all(printer.audit(&report).as_bytes())?;
    out.flush()?;
    if report.findings() > 0 {
        return Err(AppError::Found);
    }
    let Some(error) = errors
        .iter()
        .find(|e| e.part == "tokens")
        .or(errors.first())
    else {
        return Ok(());
    };
    let message = match error.part {
        "tokens" => format!(
            "could not audit the account's tokens ({}): this machine has nothing to report; run \
             `npm-token audit` with a login session (`npm login`) to check them, or \
             `npm-token audit --local` for this machine only",
            if error.refused() {
                format!(
                    "the registry will not list tokens to this credential, {}",
                    error.code.as_deref().unwrap_or_default()
                )
            } else {
                error.message.clone()
            }
        ),
        _ => format!("could not ask the registry who this is: {}", error.message),
    };
    Err(AppError::Failed {
        code: error.code.clone(),
        message,
    }
    .after_output())
}
