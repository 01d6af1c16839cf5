use std::io::Write;

use super::{otplease, Context, PageProgress};
use crate::error::{AppError, Operation};
use crate::output::Printer;
use crate::registry::{RegistryClient, Token};

/// Checks the arguments before anything else happens (npm's usage error comes first).
pub fn check_args(args: &[String]) -> Result<(), AppError> {
    if args.is_empty() {
        return Err(AppError::Usage(
            "`<tokenKey>` argument is required.\n\
             Give the id `npm-token list` shows for each token, or the token itself: \
             npm-token revoke <ID|TOKEN>...\n\
             Run `npm-token revoke --help` for usage."
                .into(),
        ));
    }
    if args.iter().any(|a| a.trim().is_empty()) {
        return Err(AppError::Usage(
            "an empty token id would match every token; give an id from `npm-token list`\n\
             Run `npm-token revoke --help` for usage."
                .into(),
        ));
    }
    Ok(())
}

/// A token to revoke: what to send, and how to name it in output and messages.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub delete: String,
    pub shown: String,
}

pub async fn run(
    client: &RegistryClient,
    args: &[String],
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    log::info!("getting the token list to resolve {} id(s)", args.len());
    let progress = PageProgress::new(printer);
    let on_page = |pages, n| progress.page_done(pages, n);
    let tokens = otplease(client, Operation::Revoke, ctx, || {
        client.list_tokens(&on_page)
    })
    .await?;
    drop(progress);
    let targets = resolve_revocation_targets(&tokens, args)?;

    let mut removed = Vec::with_capacity(targets.len());
    for target in &targets {
        log::info!("revoking {}", target.shown);
        let deleted = otplease(client, Operation::Revoke, ctx, || {
            client.delete_token(&target.delete)
        })
        .await;
        if let Err(e) = deleted {
            let done = if removed.is_empty() {
                "no token was revoked".to_owned()
            } else {
                format!(
                    "revoked {} before it: {}",
                    removed.len(),
                    removed.join(", ")
                )
            };
            return Err(e.prefixed(&format!("could not revoke {} ({done})", target.shown)));
        }
        removed.push(target.shown.clone());
    }
    out.write_all(printer.revoked(&removed).as_bytes())?;
    Ok(())
}

/// Resolves every argument before anything is revoked, as npm does: a unique prefix of a
/// key names that token; a prefix shared by several keys is an error; otherwise a full token
/// whose masked form the list shows names that token. Unlike npm, a full token resolves to
/// its key, so the registry is asked to delete what it knows (Verdaccio silently "deletes" an
/// unknown key) and the token never appears in the output.
pub fn resolve_revocation_targets(
    tokens: &[Token],
    args: &[String],
) -> Result<Vec<Target>, AppError> {
    let mut targets: Vec<Target> = Vec::new();
    for arg in args {
        let by_key: Vec<&Token> = tokens
            .iter()
            .filter(|t| !t.key().is_empty() && t.key().starts_with(arg.as_str()))
            .collect();
        let target = match by_key.as_slice() {
            [one] => Target {
                delete: one.key().to_owned(),
                shown: one.key().to_owned(),
            },
            [_, _, ..] => {
                return Err(AppError::failed(format!(
                    "Token ID \"{arg}\" was ambiguous, a new token may have been created since you last ran `npm token list`."
                )))
            }
            [] => {
                let by_mask: Vec<&Token> = tokens.iter().filter(|t| t.fields().mask_matches(arg)).collect();
                match by_mask.as_slice() {
                    [one] if !one.key().is_empty() => Target {
                        delete: one.key().to_owned(),
                        shown: one.key().to_owned(),
                    },
                    // npm's fallback: the npm registry accepts a full token in place of a key.
                    [_, ..] => Target {
                        delete: arg.clone(),
                        shown: shown_arg(arg),
                    },
                    [] => {
                        return Err(AppError::failed(format!(
                            "Unknown token id or value \"{}\".",
                            shown_arg(arg)
                        )))
                    }
                }
            }
        };
        if !targets.iter().any(|t| t.delete == target.delete) {
            targets.push(target);
        }
    }
    Ok(targets)
}

/// An argument as it may be printed: something that looks like a full token (npm's `npm_`
/// prefix, or longer than any key) is cut to its first characters.
fn shown_arg(arg: &str) -> String {
    if arg.starts_with("npm_") || arg.chars().count() > 40 {
        let head: String = arg.chars().take(6).collect();
        format!("{head}…")
    } else {
        arg.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tokens() -> Vec<Token> {
        [
            json!({"key": "abc111aa", "token": "npm_AAAA"}),
            json!({"key": "abc222bb", "token": "QkJCQ...WlpaW"}),
            json!({"key": "def333cc", "token": "npm_CCCC"}),
            json!({"token": "npm_DDDD"}),
        ]
        .into_iter()
        .map(|v| Token::from_map(v.as_object().unwrap().clone()))
        .collect()
    }

    fn resolve(args: &[&str]) -> Result<Vec<Target>, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        resolve_revocation_targets(&tokens(), &args).map_err(|e| match e {
            AppError::Failed { message, .. } => message,
            other => format!("{other:?}"),
        })
    }

    fn deleted(args: &[&str]) -> Vec<String> {
        resolve(args)
            .unwrap()
            .into_iter()
            .map(|t| t.delete)
            .collect()
    }

    #[test]
    fn unique_prefixes_and_full_keys() {
        assert_eq!(
            deleted(&["abc1", "def333cc", "abc1"]),
            ["abc111aa", "def333cc"]
        );
    }

    #[test]
    fn ambiguous_and_unknown_use_npm_messages() {
        assert_eq!(
            resolve(&["def", "abc"]).unwrap_err(),
            "Token ID \"abc\" was ambiguous, a new token may have been created since you last ran `npm token list`."
        );
        assert_eq!(
            resolve(&["zzz"]).unwrap_err(),
            "Unknown token id or value \"zzz\"."
        );
    }

    #[test]
    fn full_tokens_resolve_to_keys_and_are_never_echoed() {
        assert_eq!(deleted(&["npm_CCCCxyzxyzxyz"]), ["def333cc"]);
        assert_eq!(deleted(&["QkJCQmiddlepartWlpaW"]), ["abc222bb"]);
        // No key to resolve to: npm's fallback, sending the token itself.
        let t = resolve(&["npm_DDDDsecretsecret"]).unwrap();
        assert_eq!(t[0].delete, "npm_DDDDsecretsecret");
        assert_eq!(t[0].shown, "npm_DD…");
        let err = resolve(&["npm_ZZZZsecretsecret"]).unwrap_err();
        assert_eq!(err, "Unknown token id or value \"npm_ZZ…\".");
    }
}
