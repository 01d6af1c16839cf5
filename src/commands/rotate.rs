//! `rotate`: a new token like an old one, then the old one revoked. Creating comes first, so
//! that a failure leaves the old token working; every step after it says what exists.

use std::io::Write;

use super::{create, otplease, revoke, Context, Listed};
use crate::cli::RotateJob;
use crate::error::{AppError, Operation};
use crate::hygiene::shown;
use crate::npmrc;
use crate::output::Printer;
use crate::registry::{js_string, RegistryClient};
use crate::settings::{CreateSettings, SavedAt};

pub async fn run(
    client: &RegistryClient,
    job: &RotateJob,
    given: &CreateSettings,
    saved_at: Option<&Result<SavedAt, String>>,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let listed = Listed::fetch(client, printer, ctx, Operation::List).await?;
    let infos = listed.infos();
    let key = match revoke::resolve_revocation_targets(
        &listed.tokens,
        &infos,
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
    let old = &infos[n];
    let shown = shown(&listed.ids[n], old.name());
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

    let spec = given.given.apply(old.successor_spec());
    let password = create::password(given, ctx)?;
    let result = create::create(client, password, spec, ctx).await?;
    create::write_created(printer, &result, out)?;

    // From here on, the new token is the output: failures go to stderr only.
    if let Some(saved) = save {
        let token = result.get("token").map(js_string).unwrap_or_default();
        if !looks_like_a_token(&token) {
            return Err(AppError::failed(format!(
                "the registry's answer holds no token that can be written into an npmrc (it is \
                 empty, or holds spaces, quotes or other characters no token has), so it was \
                 not saved; {shown} still works and was not revoked"
            ))
            .after_output());
        }
        npmrc::replace_value(&saved.file, &saved.key, &token).map_err(|e| {
            AppError::failed(format!(
                "the new token was created (above) but not saved: {e}; {shown} still works and was \
                 not revoked"
            ))
            .after_output()
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
            .after_output()
        })
}
/// Whether a registry's new token may go into an npmrc line as it is: printable ASCII with
/// nothing an npmrc would read as more than one value (a line break would add settings of
/// the registry's choosing; `${…}` would fetch an environment variable; quotes, `;` and `#`
/// would change what npm reads).
fn looks_like_a_token(token: &str) -> bool {
    !token.is_empty()
        && !token.contains("${")
        && token
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | ';' | '#' | '\\'))
}

#[cfg(test)]
mod tests {
    use super::looks_like_a_token;

    #[test]
    fn only_a_plain_token_is_written_into_an_npmrc() {
        assert!(looks_like_a_token("npm_AbCdEfGh0123456789012345678901wxyz"));
        assert!(looks_like_a_token(
            "NGVhNjc5NjRjNjY4ZWE2MWIxM2E5OTljMmNm+/=="
        ));
        for bad in [
            "",
            "npm_NEW\nregistry=http://evil.example/",
            "npm_${GITHUB_TOKEN}",
            "npm NEW",
            "npm_\"x",
            "npm_x;comment",
            "npm_x#comment",
            "npm_é",
            "npm_\u{1b}[2J",
        ] {
            assert!(!looks_like_a_token(bad), "{bad:?}");
        }
    }
}
