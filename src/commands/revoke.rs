use std::io::Write;

use super::delete::delete_all;
use super::{Context, Listed};
use crate::cli::RevokeJob;
use crate::error::{AppError, Operation};
use crate::hygiene::{is_in_use, Filters, Target};
use crate::output::{OutputFormat, Printer};
use crate::prompt::{self, PromptError};
use crate::registry::{RegistryClient, Token};
use crate::token_info::TokenInfo;

/// Checks the arguments before anything else happens (npm's usage error comes first).
pub fn check_args(args: &[String], filters: &Filters) -> Result<(), AppError> {
    if args.is_empty() && filters.is_empty() {
        return Err(AppError::Usage(
            "`<tokenKey>` argument is required.\n\
             Give the id `npm-token list` shows for each token, or the token itself: \
             npm-token revoke <ID|TOKEN>... (or filters: --expired, --expires-within, --unused-for)\n\
             Run `npm-token revoke --help` for usage."
                .into(),
        ));
    }
    if !args.is_empty() && !filters.is_empty() {
        return Err(AppError::Usage(
            "give token ids or filters, not both: a filter picks the tokens itself\n\
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

pub async fn run(
    client: &RegistryClient,
    job: &RevokeJob,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let listed = Listed::fetch(client, printer, ctx, Operation::Revoke).await?;
    let targets = if job.filters.is_empty() {
        let infos = listed.infos();
        resolve_revocation_targets(&listed.tokens, &infos, &job.ids)?
            .into_iter()
            .map(|key| {
                let n = listed.tokens.iter().position(|t| t.key() == key);
                Target {
                    id: n.map_or_else(|| key.clone(), |n| listed.ids[n].clone()),
                    name: n.and_then(|n| infos[n].name().map(str::to_owned)),
                    why: String::new(),
                    key,
                }
            })
            .collect()
    } else {
        let targets = select(&listed, &job.filters, printer, ctx);
        if targets.is_empty() {
            if printer.format == OutputFormat::Table || printer.format == OutputFormat::Lines {
                out.write_all(b"No tokens match.\n")?;
            } else {
                out.write_all(printer.revoked(&[]).as_bytes())?;
            }
            return Ok(());
        }
        if !job.dry_run {
            eprint!(
                "{}",
                ctx.redactor
                    .redact(&printer.revocation_plan(&targets, false))
            );
            confirm(targets.len(), job.yes, ctx)?;
        }
        targets
    };
    if job.dry_run {
        out.write_all(printer.revocation_plan(&targets, true).as_bytes())?;
        return Ok(());
    }
    let results = delete_all(client, &targets, ctx).await;
    let mut removed = Vec::new();
    let mut failed: Vec<(&Target, AppError)> = Vec::new();
    for (target, result) in targets.iter().zip(results) {
        match result {
            Ok(()) => removed.push(target.key.clone()),
            Err(e) => failed.push((target, e)),
        }
    }
    if failed.is_empty() {
        out.write_all(printer.revoked(&removed).as_bytes())?;
        return Ok(());
    }
    // The one token asked for failed: that is the whole story, one line with its code.
    if targets.len() == 1 {
        if let Some((target, error)) = failed.pop() {
            return Err(error.prefixed(&format!("could not revoke {}", target.shown())));
        }
    }
    if !removed.is_empty() {
        out.write_all(printer.revoked(&removed).as_bytes())?;
        out.flush()?;
    }
    for (target, error) in &failed {
        log::error!("could not revoke {}: {}", target.shown(), error.message());
    }
    let error = AppError::Failed {
        code: failed.iter().find_map(|(_, e)| e.code()).map(str::to_owned),
        message: format!(
            "revoked {} of {} tokens; {} could not be revoked (see above)",
            removed.len(),
            targets.len(),
            failed.len()
        ),
    };
    // What was revoked is the output already: stdout stays that one document.
    Err(if removed.is_empty() {
        error
    } else {
        error.after_output()
    })
}

/// The tokens every filter matches, except the one this configuration authenticates with,
/// which is named as skipped: a filter never revokes it (only naming it does).
fn select(listed: &Listed, filters: &Filters, printer: &Printer, ctx: &Context) -> Vec<Target> {
    let infos = listed.infos();
    for note in filters.blind_spots(&infos) {
        log::warn!("{note}");
    }
    let credential = ctx.token_in_use.as_ref().map(|t| t.expose());
    let mut targets = Vec::new();
    for (n, info) in infos.iter().enumerate() {
        let Some(reasons) = filters.reasons(info, printer.now) else {
            continue;
        };
        let target = Target {
            key: listed.tokens[n].key().to_owned(),
            id: listed.ids[n].clone(),
            name: info.name().map(str::to_owned),
            why: reasons.join(", "),
        };
        // Every token that could be the one in use is spared (when several share its
        // mask, which one it is cannot be told): only naming it revokes it.
        if credential.is_some_and(|credential| is_in_use(info, credential)) {
            log::warn!(
                "skipping {}: it is the token this configuration uses (name it to revoke it)",
                target.shown()
            );
            continue;
        }
        if target.key.is_empty() {
            log::warn!(
                "skipping {}: the registry lists it without a key",
                target.shown()
            );
            continue;
        }
        // One hostile key does not stop the clean-up of the others.
        if let Err(refused) = check_key(&target.key) {
            log::warn!("skipping {}: {}", target.shown(), refused.message());
            continue;
        }
        targets.push(target);
    }
    targets
}

/// Asks before a filter revokes anything: on a terminal, `Revoke N tokens? [y/N]`; without
/// one, `--yes` says so, and anything else deletes nothing.
fn confirm(count: usize, yes: bool, ctx: &Context) -> Result<(), AppError> {
    let tokens = if count == 1 { "token" } else { "tokens" };
    if yes {
        return Ok(());
    }
    if !ctx.interactive {
        return Err(AppError::failed(format!(
            "not revoking {count} {tokens} without confirmation, and there is no terminal to ask: \
             pass --yes (-y) to revoke them, or --dry-run to only list them"
        )));
    }
    match prompt::confirm(&format!("Revoke {count} {tokens}? [y/N] ")) {
        Ok(true) => Ok(()),
        Ok(false) | Err(PromptError::Eof) => {
            Err(AppError::failed("nothing was revoked: not confirmed"))
        }
        Err(PromptError::Io(e)) => Err(AppError::failed(format!(
            "could not read the answer: {e}; nothing was revoked"
        ))),
    }
}

/// Resolves every argument to a key before anything is revoked, as npm does: a unique
/// prefix of a key names that token; a prefix shared by several keys is an error; otherwise a
/// full token names the listed token whose mask it matches (`token_info::mask_matches`).
/// Unlike npm, a full token resolves to its key and is never sent or shown: a token the list
/// shows without a key cannot be revoked by its value. Keys come from the registry, so each
/// one is checked to stay a single path segment of the DELETE URL.
pub fn resolve_revocation_targets(
    tokens: &[Token],
    infos: &[TokenInfo],
    args: &[String],
) -> Result<Vec<String>, AppError> {
    let mut keys: Vec<String> = Vec::new();
    for arg in args {
        let by_key: Vec<&str> = tokens
            .iter()
            .map(Token::key)
            .filter(|key| !key.is_empty() && key.starts_with(arg.as_str()))
            .collect();
        let key = match by_key.as_slice() {
            [one] => one.to_string(),
            [_, _, ..] => return Err(ambiguous(arg, by_key.len())),
            [] => {
                let by_mask: Vec<&TokenInfo> =
                    infos.iter().filter(|t| t.mask_matches(arg)).collect();
                match by_mask.as_slice() {
                    [one] => match one.key().filter(|key| !key.is_empty()) {
                        Some(key) => key.to_owned(),
                        None => {
                            return Err(AppError::failed(format!(
                                "the registry lists the token \"{}\" without a key, so it cannot be revoked: \
                                 revoke it where it was created (the registry's website)",
                                shown_arg(arg)
                            )))
                        }
                    },
                    [_, _, ..] => return Err(ambiguous(arg, by_mask.len())),
                    [] => {
                        return Err(AppError::failed(format!(
                            "Unknown token id or value \"{}\".",
                            shown_arg(arg)
                        )))
                    }
                }
            }
        };
        check_key(&key)?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// npm's words, then how many tokens the argument matches and what to do.
fn ambiguous(arg: &str, matches: usize) -> AppError {
    AppError::failed(format!(
        "Token ID \"{}\" was ambiguous, a new token may have been created since you last ran \
         `npm token list`. It matches {matches} tokens: give more characters of the id.",
        shown_arg(arg)
    ))
}

/// Refuses a key that would not stay one segment of `/-/npm/v1/tokens/token/<key>`: `.` and
/// `..` (a URL resolves them away), `/`, `\\` and `%` (another path, or an escape the
/// registry may decode into one), and control characters.
fn check_key(key: &str) -> Result<(), AppError> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '/' | '\\' | '%');
    if key == "." || key == ".." || key.chars().any(unsafe_char) {
        return Err(AppError::failed(format!(
            "the registry lists a token whose key \"{}\" would change the path of the request \
             that revokes it; not revoking anything (report it to the registry's operators)",
            key.escape_debug()
        )));
    }
    Ok(())
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
            json!({"key": "d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6", "token": "npm_NYn6...jCq0"}),
            json!({"key": "d83cf1a2-0000-4d6e-8f90-a1b2c3d4e5f7", "token": "npm_QQQQ...RRRR"}),
            json!({"key": "e1e1e1e1-0000-4000-8000-000000000001", "token": "npm_SAME...SAME"}),
            json!({"key": "e2e2e2e2-0000-4000-8000-000000000002", "token": "npm_SAME...SAME"}),
            json!({"key": "f0f0f0f0-0000-4000-8000-000000000003", "token": "...tail"}),
        ]
        .into_iter()
        .map(|v| Token::from_map(v.as_object().unwrap().clone()))
        .collect()
    }

    fn resolve_in(tokens: &[Token], args: &[&str]) -> Result<Vec<String>, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let infos: Vec<TokenInfo> = tokens
            .iter()
            .map(|t| TokenInfo::from_fields(&t.fields().0))
            .collect();
        resolve_revocation_targets(tokens, &infos, &args).map_err(|e| match e {
            AppError::Failed { message, .. } => message,
            other => format!("{other:?}"),
        })
    }

    fn resolve(args: &[&str]) -> Result<Vec<String>, String> {
        resolve_in(&tokens(), args)
    }

    const GAT: &str = "npm_NYn6abcdefghijklmnopqrstuvwxyz12jCq0";

    #[test]
    fn unique_prefixes_and_full_keys() {
        assert_eq!(
            resolve(&["abc1", "def333cc", "abc1"]).unwrap(),
            ["abc111aa", "def333cc"]
        );
        assert_eq!(
            resolve(&["d83cf1a2-4"]).unwrap(),
            ["d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6"]
        );
    }

    #[test]
    fn ambiguous_and_unknown_use_npm_messages() {
        assert_eq!(
            resolve(&["def", "abc"]).unwrap_err(),
            "Token ID \"abc\" was ambiguous, a new token may have been created since you last ran \
             `npm token list`. It matches 2 tokens: give more characters of the id."
        );
        assert_eq!(
            resolve(&["zzz"]).unwrap_err(),
            "Unknown token id or value \"zzz\"."
        );
    }

    #[test]
    fn full_tokens_resolve_to_keys_and_are_never_echoed() {
        assert_eq!(resolve(&["npm_CCCCxyzxyzxyz"]).unwrap(), ["def333cc"]);
        assert_eq!(resolve(&["QkJCQmiddlepartWlpaW"]).unwrap(), ["abc222bb"]);
        assert_eq!(
            resolve(&[GAT]).unwrap(),
            ["d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6"]
        );
        // A mask needs a head and a tail: `...tail` matches nothing.
        let err = resolve(&["npm_ZZZZsecretsecrettail"]).unwrap_err();
        assert_eq!(err, "Unknown token id or value \"npm_ZZ…\".");
        // Two tokens with the same mask: which one is meant cannot be known.
        let err = resolve(&["npm_SAMEsecretsecretSAME"]).unwrap_err();
        assert!(
            err.starts_with("Token ID \"npm_SA…\" was ambiguous"),
            "{err}"
        );
        assert!(err.contains("It matches 2 tokens"), "{err}");
        // No key to resolve to: an error, never the token sent as a key.
        let err = resolve(&["npm_DDDDsecretsecret"]).unwrap_err();
        assert!(err.contains("without a key"), "{err}");
        for err in [err, resolve(&["npm_ZZZZsecretsecret"]).unwrap_err()] {
            assert!(!err.contains("secret"), "{err}");
        }
    }

    #[test]
    fn keys_that_would_change_the_path_are_refused() {
        for key in [
            "..",
            ".",
            "a/b",
            "..%2F..",
            "a\\b",
            "ab\ncd",
            "ab\u{1b}[2Jcd",
            "ab\u{7f}",
        ] {
            let tokens = [Token::from_map(
                json!({"key": key, "token": "npm_KKKK...LLLL"})
                    .as_object()
                    .unwrap()
                    .clone(),
            )];
            let by_mask = resolve_in(&tokens, &["npm_KKKKsecretsecretLLLL"]).unwrap_err();
            assert!(by_mask.contains("would change the path"), "{by_mask}");
            assert!(
                !by_mask.contains('\n') && !by_mask.contains('\u{1b}'),
                "{by_mask}"
            );
            let by_key = resolve_in(&tokens, &[&key[..1]]).unwrap_err();
            assert_eq!(by_key, by_mask);
        }
        let tokens = [Token::from_map(
            json!({"key": "a.b..c", "token": "x"})
                .as_object()
                .unwrap()
                .clone(),
        )];
        assert_eq!(resolve_in(&tokens, &["a.b"]).unwrap(), ["a.b..c"]);
    }
}
