use std::io::Write;

use serde_json::{Map, Value};

use super::{otplease, Context};
use crate::error::{AppError, Operation};
use crate::interrupt;
use crate::output::Printer;
use crate::prompt::{self, PromptError};
use crate::registry::{CreateTokenRequest, Permission, RegistryClient, TokenSpec};
use crate::secret::Secret;
use crate::settings::CreateSettings;
use crate::token_info::{PublishingPower, TokenInfo};

pub async fn run(
    client: &RegistryClient,
    options: &CreateSettings,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    ctx.check_output_kept()?;
    let spec = options.given.apply(TokenSpec::default());
    // As npm 12.2.2 does: before the password is asked for, so that there is time to stop.
    warn_if_direct_publish(&spec);
    let password = password(options, ctx)?;
    // Said until the token is printed: made but not yet shown (a write to a full pipe, or a
    // terminal stopped with Ctrl-S, waits), it is just as lost.
    ctx.on_ctrl_c(
        "interrupted while the token was being created: it may have been made (`npm-token \
         list` shows it)",
    );
    let shown = async {
        let created = create(client, password, spec.clone(), ctx).await?;
        if created.token().is_none() {
            return Err(no_token_in_answer());
        }
        warn_if_made_unlike_asked(&spec, &created, "the new token");
        // With its key: on a terminal, the summary names the new token by its id.
        write_created(printer, &created.with_key(), out)
    }
    .await;
    interrupt::nothing_on_ctrl_c();
    shown
}

/// The registry answered a create without a token that can be one.
pub fn no_token_in_answer() -> AppError {
    AppError::Failed {
        code: Some("EBADRESPONSE".to_owned()),
        message: "the registry's answer to the create holds no token (it is missing, empty, or \
                  holds spaces, quotes or control characters no token has, or is longer than any \
                  token); it may still have made one: `npm-token list` shows it"
            .to_owned(),
    }
}

/// Whether a create that failed may have made the token all the same: it reached the
/// registry, which then failed (a 5xx), went silent (a timeout, a dropped connection), or
/// answered with something that is not an answer (a 201 with a web page).
fn may_have_made(error: &AppError) -> bool {
    error.code().is_some_and(|code| {
        code.starts_with("E5") || matches!(code, "ETIMEDOUT" | "ECONNRESET" | "EJSONPARSE")
    })
}

/// A token just created: the registry's answer as npm shows it (without `key` and
/// `updated`), and its key, to name it by.
pub struct Created {
    pub shown: Map<String, Value>,
    pub key: Option<String>,
}

impl Created {
    /// The new token, when the answer holds one that can be a token: something a registry
    /// would accept in an `Authorization` header and that an npmrc line can hold as it is
    /// (see [`looks_like_a_token`]). An answer without (none, `""`, `null`, a line break)
    /// is a registry fault, never a token to print, save or test.
    pub fn token(&self) -> Option<Secret> {
        match self.shown.get("token") {
            Some(Value::String(token)) if looks_like_a_token(token) => {
                Some(Secret::new(token.clone()))
            }
            _ => None,
        }
    }

    /// The registry's whole answer, key included.
    pub fn with_key(&self) -> Map<String, Value> {
        let mut answer = self.shown.clone();
        if let Some(key) = &self.key {
            answer.insert("key".to_owned(), Value::String(key.clone()));
        }
        answer
    }
}

/// The longest text taken for a token. npm's are 40 characters, and the longest in use (JWTs
/// some registries hand out) a few hundred; a web server's request line and headers are
/// commonly limited to 8 KiB, so a longer one could never sign in, and saved by `rotate
/// --save` it would make the npmrc that holds it megabytes long.
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Whether a registry's new token may be used as it is: printable ASCII with nothing an
/// npmrc would read as more than one value (a line break would add settings of the
/// registry's choosing; `${…}` would fetch an environment variable; quotes, `;` and `#`
/// would change what npm reads), and no longer than [`MAX_TOKEN_LEN`].
pub fn looks_like_a_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= MAX_TOKEN_LEN
        && !token.contains("${")
        && token
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | ';' | '#' | '\\'))
}

/// npm 12.2.2's warning for a token that can publish directly (`read-write` on packages and
/// scopes), in our words: that ends in January 2027, and the stage-only value is the way on.
/// `None` for everything else: stage-only, read-only, no-access, no permission given (npm's
/// rule too), and `--bypass-2fa` alone, which grants no publishing.
pub fn direct_publish_warning(spec: &TokenSpec) -> Option<&'static str> {
    (spec.packages_and_scopes_permission == Some(Permission::ReadWrite)).then_some(
        "this token can publish directly, which tokens can no longer do on npmjs.org from \
         January 2027; with --packages-and-scopes-permission read-write-stage-only its releases \
         wait in a staging queue for your 2FA approval instead \
         (https://gh.io/bypass-2fa-tokens-no-longer-publish)",
    )
}

/// How a create asks the new token to publish, when it asks: `--read-only`, or a packages
/// permission (given, or copied by `rotate`).
fn asked_power(spec: &TokenSpec) -> Option<PublishingPower> {
    if spec.readonly {
        return Some(PublishingPower::None);
    }
    Some(match spec.packages_and_scopes_permission? {
        Permission::ReadWrite => PublishingPower::Direct,
        Permission::ReadWriteStageOnly => PublishingPower::StageOnly,
        Permission::ReadOnly | Permission::NoAccess => PublishingPower::None,
    })
}

/// How the token the registry made publishes, beside what the create asked for.
pub enum Made {
    /// As asked; or nothing to compare: the create asked nothing of it, or the answer does
    /// not say.
    AsAsked,
    /// Stage-only asked, and the answer shows a plain packages `write` with no
    /// `publish_policy` field at all. How npmjs.org's answer shows a stage-only token is not
    /// documented (the registry stores `publish_policy: stage_only`; its answer may leave
    /// that out): such an answer does not say the token publishes directly, nor that it
    /// does not.
    Unsaid,
    /// Otherwise than asked; `classic`: the answer is a classic token's.
    Unlike {
        asked: PublishingPower,
        made: PublishingPower,
        classic: bool,
    },
}

/// How the token the registry made publishes, beside what the create asked for (see
/// [`Made`]). Compared only where both are known: a create that asked (`--read-only`, or a
/// packages permission, given or copied by `rotate`), and an answer that says (a granular
/// token's `permissions`, a classic one's `readonly`). A registry that does not know a
/// setting (Verdaccio makes classic tokens: no stage-only, no permissions) makes another
/// token than the one asked for, and says so only in its answer.
pub fn made_as_asked(spec: &TokenSpec, created: &Created) -> Made {
    let Some(asked) = asked_power(spec) else {
        return Made::AsAsked;
    };
    let info = TokenInfo::from_fields(&created.shown);
    let granular = info.is_granular();
    // What is read is what says: a granular answer's `permissions` (an array), a classic
    // one's `readonly` (true or false). Anything else says nothing, and is not read as a
    // token that publishes (a classic token without `readonly` reads as read-write).
    let says = if granular {
        matches!(created.shown.get("permissions"), Some(Value::Array(_)))
    } else {
        matches!(created.shown.get("readonly"), Some(Value::Bool(_)))
    };
    if !says {
        return Made::AsAsked;
    }
    let made = info.publishing();
    let unsaid = asked == PublishingPower::StageOnly
        && granular
        && made == PublishingPower::Direct
        && !created.shown.contains_key("publish_policy");
    if unsaid {
        Made::Unsaid
    } else if made == asked {
        Made::AsAsked
    } else {
        Made::Unlike {
            asked,
            made,
            classic: !granular,
        }
    }
}

/// A publishing power in words: `able to publish directly`, `stage-only`.
pub fn publishing_in_words(power: &PublishingPower) -> String {
    match power {
        PublishingPower::None => "unable to publish".to_owned(),
        PublishingPower::StageOnly => "stage-only".to_owned(),
        PublishingPower::Direct => "able to publish directly".to_owned(),
        PublishingPower::Unknown(right) => format!("{right} (a right this version cannot read)"),
    }
}

/// What a create asked for, in words: `a stage-only token`.
pub fn asked_in_words(asked: &PublishingPower) -> &'static str {
    match asked {
        PublishingPower::StageOnly => "a stage-only token",
        PublishingPower::Direct => "a token that publishes directly",
        _ => "a token that cannot publish",
    }
}

/// Warns when the registry made another token than the one asked for, or an answer that
/// does not say which (see [`made_as_asked`]); `what` names it (`the new token`, `4f2a1c`).
pub fn warn_if_made_unlike_asked(spec: &TokenSpec, created: &Created, what: &str) {
    match made_as_asked(spec, created) {
        Made::AsAsked => {}
        Made::Unsaid => log::warn!(
            "the registry's answer does not say whether {what} is stage-only, as asked, or \
             publishes directly: it shows `packages: write` and no publish_policy, and how \
             npmjs.org shows a stage-only token is not documented"
        ),
        Made::Unlike {
            asked,
            made,
            classic,
        } => log::warn!(
            "the registry made {what} {}, where {} was asked for{}; check it with `npm-token \
             list`",
            publishing_in_words(&made),
            asked_in_words(&asked),
            if classic {
                ": its answer is a classic token's (this registry makes no granular tokens, \
                 and ignores their settings)"
            } else {
                ""
            }
        ),
    }
}

/// Logs [`direct_publish_warning`] on stderr, when there is one: for `create` and `rotate`.
pub fn warn_if_direct_publish(spec: &TokenSpec) {
    if let Some(warning) = direct_publish_warning(spec) {
        log::warn!("{warning}");
    }
}

/// Prints a new token: its one showing. A reader that closed the output before it (`| head
/// -0`) is an error here, not the quiet success it is for a list: the token exists, and
/// nobody saw it.
pub fn write_created(
    printer: &Printer,
    result: &Map<String, Value>,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    out.write_all(printer.created_token(result).as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| {
            AppError::failed(format!(
                "the new token was created but could not be printed ({e}): nobody has seen it, \
                 so revoke it (`npm-token list` shows it) and create another"
            ))
        })
}

/// The account password creating a token needs: configured, or asked for on a terminal.
pub fn password(options: &CreateSettings, ctx: &Context) -> Result<Secret, AppError> {
    match &options.password {
        Some(p) => Ok(p.clone()),
        None if !ctx.interactive => Err(AppError::failed(
            "creating a token needs your password, and there is no terminal to ask for it: \
             pass --password <password> or set npm_config_password",
        )),
        None => {
            let typed = ctx
                .progress
                .suspend(|| prompt::secret("npm password: "))
                .map_err(|e| match e {
                    PromptError::Eof => {
                        AppError::failed("no password given; creating a token needs your password")
                    }
                    PromptError::Io(e) => {
                        AppError::failed(format!("could not read the password: {e}"))
                    }
                })?;
            // A registry that echoes it back gets it masked, like any configured secret.
            ctx.redactor.register(&typed);
            Ok(typed)
        }
    }
}

/// Creates a token (answering a one-time-password challenge as npm does); returns the
/// registry's answer without the `key` and `updated` npm leaves out of its output, and
/// the key apart.
pub async fn create(
    client: &RegistryClient,
    password: Secret,
    spec: TokenSpec,
    ctx: &Context,
) -> Result<Created, AppError> {
    let request = CreateTokenRequest { password, spec };
    log::info!("creating a token");
    let status = ctx.progress.creating();
    let mut result = otplease(client, Operation::Create, ctx, || {
        client.create_token(&request)
    })
    .await
    .map_err(|e| match may_have_made(&e) {
        // Creating it again could make two.
        true => e.suffixed("it may have been made all the same: `npm-token list` shows it"),
        false => e,
    })?;
    drop(status);
    let key = match result.shift_remove("key") {
        Some(Value::String(key)) => Some(key),
        _ => None,
    };
    result.shift_remove("updated");
    // The output shows it once; nothing else may (an error quoting it, a log line).
    if let Some(Value::String(token)) = result.get("token") {
        ctx.redactor.register(&Secret::new(token.clone()));
    }
    Ok(Created { shown: result, key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_token_that_publishes_directly_is_warned_about() {
        let spec = |p: Option<Permission>, bypass_2fa: bool| TokenSpec {
            packages_and_scopes_permission: p,
            bypass_2fa,
            ..TokenSpec::default()
        };
        let warning = direct_publish_warning(&spec(Some(Permission::ReadWrite), false)).unwrap();
        assert!(warning.contains("January 2027"), "{warning}");
        assert!(warning.contains("read-write-stage-only"), "{warning}");
        for quiet in [
            spec(Some(Permission::ReadWriteStageOnly), false),
            spec(Some(Permission::ReadWriteStageOnly), true),
            spec(Some(Permission::ReadOnly), false),
            spec(Some(Permission::NoAccess), false),
            spec(None, true),
            spec(None, false),
        ] {
            assert_eq!(direct_publish_warning(&quiet), None, "{quiet:?}");
        }
        // Organizations' read-write grants no publishing.
        let orgs = TokenSpec {
            orgs_permission: Some(Permission::ReadWrite),
            ..TokenSpec::default()
        };
        assert_eq!(direct_publish_warning(&orgs), None);
    }
}
