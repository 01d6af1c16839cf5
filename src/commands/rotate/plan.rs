//! `rotate`'s step 0, `prepare`: everything that can be checked before anything is
//! created (the old token, whether `--save` can write, what the new token will be and how
//! it differs from the old), so that a rotation that cannot finish stops while nothing
//! exists yet.

use super::super::{create, revoke, whoami_and_list, Context};
use crate::cli::RotateJob;
use crate::error::AppError;
use crate::hygiene::{shown, InUse};
use crate::npmrc;
use crate::registry::{RegistryClient, TokenSpec};
use crate::settings::{Change, CreateSettings, SavedAt};
use crate::text;
use crate::token_info::{Grant, Resource, TokenInfo};

/// What `rotate` knows before it creates anything.
pub(super) struct Plan<'a> {
    pub(super) old: Old,
    /// Who the configured credential signs in as, when the registry said.
    pub(super) user: Option<String>,
    /// What the new token is asked for: the old one's, with what was given laid over.
    pub(super) spec: TokenSpec,
    /// How `spec` differs from the old token's, and which setting asked for each.
    pub(super) changes: Vec<Change>,
    pub(super) save: Option<&'a SavedAt>,
    /// Every listed key, for the new token's short id, and the ids `list` shows for them.
    pub(super) keys: Vec<String>,
    pub(super) ids: Vec<String>,
}

/// The token being replaced.
pub(super) struct Old {
    pub(super) key: String,
    pub(super) id: String,
    /// `3f2a9c (ci-publish)`, escaped.
    pub(super) shown: String,
    /// It is the token this configuration authenticates with.
    pub(super) in_use: bool,
    /// As listed: its mask tells whether a token the registry hands back is this one.
    pub(super) info: TokenInfo,
}

/// Step 0: the token list and who this is (side by side: one round trip), the old token,
/// and what the new one will be; `--save` refused if it could not write. Nothing exists yet.
pub(super) async fn prepare<'a>(
    client: &RegistryClient,
    job: &RotateJob,
    given: &CreateSettings,
    saved_at: Option<&'a Result<SavedAt, String>>,
    ctx: &Context,
) -> Result<Plan<'a>, AppError> {
    let (user, listed) = whoami_and_list(client, ctx, true).await;
    let listed = listed.expect("the list was asked for")?;
    // Without a name to compare, the test still asks that the new token sign in.
    let user = user
        .map_err(|e| {
            log::info!(
                "could not ask who this is ({}); the new token's user will not be compared",
                e.message()
            )
        })
        .ok();
    let infos = listed.infos();
    let targets = revoke::resolve_revocation_targets(
        &listed.tokens,
        &infos,
        std::slice::from_ref(&job.target),
    )?;
    let n = targets
        .first()
        .and_then(|key| listed.tokens.iter().position(|t| t.key() == key))
        .ok_or_else(|| AppError::failed("no token to rotate"))?;
    let info = &infos[n];
    let in_use = listed.in_use(&infos, ctx);
    let old = Old {
        key: listed.tokens[n].key().to_owned(),
        id: listed.ids[n].clone(),
        shown: shown(&listed.ids[n], info.name()),
        in_use: in_use.one() == Some(n),
        info: info.clone(),
    };
    // Which copy is the token (its rights, whether it is the one in use) is unknown.
    if listed.conflicting.contains(&old.key) {
        return Err(AppError::failed(format!(
            "the registry listed {} more than once, differently each time (the list changed \
             while it was read), so what a token like it is cannot be told; nothing was \
             created: run rotate again",
            old.shown
        )));
    }
    let save = match saved_at {
        // Printed into nothing and saved nowhere, the new token would be lost.
        None => {
            ctx.check_output_kept()?;
            None
        }
        Some(Err(why)) => {
            return Err(AppError::failed(format!(
                "--save cannot write the new token: {why}; nothing was created"
            )))
        }
        Some(Ok(_)) if !old.in_use => {
            let why = match &in_use {
                InUse::Maybe(all, doubt) if all.contains(&n) => format!(
                    "whether {} is the token in use cannot be told: {}",
                    old.shown,
                    doubt.why(all.len())
                ),
                _ => format!("{} is not the token in use", old.shown),
            };
            return Err(AppError::failed(format!(
                "--save writes the new token where the token in use is configured, and {why}; \
                 run without --save, and store the new token yourself; nothing was created"
            )));
        }
        Some(Ok(saved)) => {
            // `--save` is for the token in use only, which `old.in_use` says is configured.
            let token = ctx.token_in_use.as_ref().map_or("", |t| t.expose());
            npmrc::check_replaceable(&saved.file, &saved.keys, token).map_err(|e| {
                AppError::failed(format!(
                    "--save cannot write the new token: {e}; nothing was created"
                ))
            })?;
            Some(saved)
        }
    };
    let (base, unnamed) = info.successor_spec();
    refuse_unnamed(&old.shown, &unnamed, given)?;
    let spec = given.given.apply(base.clone());
    let changes = given.given.changes(&base, &spec);
    say_changes(&changes, &old.shown, ctx);
    create::warn_if_direct_publish(&spec);
    Ok(Plan {
        spec,
        changes,
        old,
        user,
        save,
        keys: listed.tokens.iter().map(|t| t.key().to_owned()).collect(),
        ids: listed.ids.clone(),
    })
}

/// Says, before anything is created, how the new token will differ from the old: a notice
/// for what the command line asked for, a warning for what an npmrc file or a variable
/// changes, which the user may not have meant for this token.
fn say_changes(changes: &[Change], old: &str, ctx: &Context) {
    for change in changes {
        let Change {
            what,
            old: was,
            new,
            from,
            ..
        } = change;
        if change.on_command_line {
            ctx.say(&format!(
                "The new token's {what} is {new} ({from}); {old} has {was}."
            ));
        } else {
            log::warn!(
                "{from} makes the new token's {what} {new}, where {old} has {was}: npm's \
                 settings apply to rotate as to create; drop that setting to keep {was}"
            );
        }
    }
}

/// Refuses, before anything is created, to rotate a token with a right this version
/// cannot name (an action or `publish_policy` it does not know: a successor without it
/// could be weaker, one guessed could be stronger), unless the permission of its resource
/// was given. A right on a resource no create flag names cannot be given at all.
fn refuse_unnamed(old: &str, unnamed: &[&Grant], given: &CreateSettings) -> Result<(), AppError> {
    let given = &given.given;
    let not_named = |grant: &&&Grant| match grant.resource {
        Resource::Packages => given.packages_and_scopes_permission.is_none(),
        Resource::Orgs => given.orgs_permission.is_none(),
        Resource::Other(_) => true,
    };
    let Some(grant) = unnamed.iter().find(not_named) else {
        return Ok(());
    };
    let right = text::for_terminal_line(&grant.to_string()).into_owned();
    let what = match grant.resource {
        Resource::Packages => {
            "name the permission the new token gets (--packages-and-scopes-permission \
             read-write-stage-only, for one)"
        }
        Resource::Orgs => {
            "name the permission the new token gets (--orgs-permission read-only, for one)"
        }
        Resource::Other(_) => {
            "no create flag gives that right: create the token you need (`npm-token create`), \
             then revoke the old one"
        }
    };
    Err(AppError::failed(format!(
        "{old} has a right this version cannot name ({right}), so a token like it cannot be \
         asked for, and one without it or with a guess could have fewer rights or more; \
         nothing was created: {what}"
    )))
}
