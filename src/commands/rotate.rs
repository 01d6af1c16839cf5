//! `rotate`: a new token like an old one, then the old one revoked. Creating comes first, so
//! that a failure leaves the old token working; every step after it says what exists.

use std::io::Write;

use super::{create, otplease, revoke, Context, Listed};
use crate::cli::RotateJob;
use crate::error::{AppError, Operation};
use crate::npmrc;
use crate::output::Printer;
use crate::registry::{js_string, RegistryClient};
use crate::settings::{Overrides, SavedAt};

pub async fn run(
    client: &RegistryClient,
    job: &RotateJob,
    overrides: &Overrides,
    saved_at: Option<&Result<SavedAt, String>>,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let listed = Listed::fetch(client, printer, ctx, Operation::List).await?;
    let key = match revoke::resolve_revocation_targets(
        &listed.tokens,
        std::slice::from_ref(&job.target),
    )?
    .pop()
    {
        Some(key) => key,
        None => return Err(AppError::failed("no token to rotate")),
    };
    let n = listed
        .tokens
        .iter()
        .position(|t| t.key() == key)
        .ok_or_else(|| AppError::failed("no token to rotate"))?;
    let infos = listed.infos();
    let old = &infos[n];
    let shown = match old.name().filter(|name| !name.is_empty()) {
        Some(name) => format!("{} ({name})", listed.ids[n]),
        None => listed.ids[n].clone(),
    };
    // `--save` is refused before anything is created.
    let save = match saved_at {
        None => None,
        Some(Err(why)) => {
            return Err(AppError::failed(format!(
                "--save cannot write the new token: {why}; nothing was created"
            )))
        }
        Some(Ok(saved)) if listed.in_use(&infos, ctx) == Some(n) => Some(saved),
        Some(Ok(_)) => {
            return Err(AppError::failed(format!(
                "--save writes the new token where the token in use is configured, and {shown} \
                 is not the token in use; run without --save, and store the new token yourself; \
                 nothing was created"
            )))
        }
    };

    let spec = overrides.apply(old.successor_spec());
    let password = create::password(&overrides.create, ctx)?;
    let result = create::create(client, password, spec, ctx).await?;
    out.write_all(printer.created_token(&result).as_bytes())?;
    out.flush()?;

    if let Some(saved) = save {
        let token = result.get("token").map(js_string).unwrap_or_default();
        if token.is_empty() {
            return Err(AppError::failed(format!(
                "the registry answered without the new token, so it was not saved; {shown} still \
                 works and was not revoked"
            )));
        }
        npmrc::replace_value(&saved.file, &saved.key, &token).map_err(|e| {
            AppError::failed(format!(
                "the new token was created (above) but not saved: {e}; {shown} still works and was \
                 not revoked"
            ))
        })?;
        eprintln!(
            "Saved the new token in {} ({}).",
            saved.file.display(),
            saved.key
        );
    }
    if job.keep_old {
        return Ok(());
    }
    log::info!("revoking {key}");
    otplease(client, Operation::Revoke, ctx, || client.delete_token(&key))
        .await
        .map_err(|e| {
            e.prefixed(&format!(
                "the new token was created (above), but {shown} still works: it could not be \
                 revoked (`npm-token revoke {}` tries again)",
                listed.ids[n]
            ))
        })
}
