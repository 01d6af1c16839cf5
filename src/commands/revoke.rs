use std::io::Write;

use super::delete::{delete_all, Refused};
use super::{AfterFailedRevoke, Context, Listed};
use crate::cli::RevokeJob;
use crate::error::{AppError, Operation};
use crate::hygiene::{Filters, InUse, Target};
use crate::interrupt;
use crate::output::{OutputFormat, Printer, RevokeReport};
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
    let listed = Listed::fetch(client, ctx, Operation::Revoke).await?;
    let infos = listed.infos();
    let in_use = listed.in_use(&infos, ctx);
    let revocation = Revocation {
        client,
        job,
        listed: &listed,
        infos: &infos,
        in_use: &in_use,
        printer,
        ctx,
    };
    let done = if job.filters.is_empty() {
        revocation.by_ids(out).await
    } else {
        revocation.by_filters(out).await
    };
    // The revokes said what Ctrl-C during them leaves, until their report was written.
    interrupt::nothing_on_ctrl_c();
    done
}

/// A revoke, once the list is in: what was asked, what is listed, and which token is (or
/// may be) the one in use.
struct Revocation<'a> {
    client: &'a RegistryClient,
    job: &'a RevokeJob,
    listed: &'a Listed,
    infos: &'a [TokenInfo],
    in_use: &'a InUse,
    printer: &'a Printer,
    ctx: &'a Context,
}

impl Revocation<'_> {
    /// `revoke <ids>`: npm's command, npm's outputs. The token in use, when named, is asked
    /// about on a terminal (warned about without one), and revoked after the others, so that
    /// their DELETEs still authenticate.
    async fn by_ids(&self, out: &mut dyn Write) -> Result<(), AppError> {
        let Revocation {
            client,
            job,
            listed,
            infos,
            in_use,
            printer,
            ctx,
        } = *self;
        let targets: Vec<Target> = resolve_revocation_targets(&listed.tokens, infos, &job.ids)?
            .into_iter()
            .map(|key| {
                let n = listed.tokens.iter().position(|t| t.key() == key);
                Target {
                    id: n.map_or_else(|| key.clone(), |n| listed.ids[n].clone()),
                    name: n.and_then(|n| infos[n].name().map(str::to_owned)),
                    why: String::new(),
                    in_use: n.is_some_and(|n| in_use.covers(n)),
                    key,
                }
            })
            .collect();
        if job.dry_run {
            // npm's shape, as the real run prints it; for people, the plan.
            let shown = match printer.format {
                OutputFormat::Table | OutputFormat::Lines => {
                    printer.revocation_plan(&targets, true)
                }
                _ => printer.revoked(&targets.iter().map(|t| t.key.clone()).collect::<Vec<_>>()),
            };
            out.write_all(shown.as_bytes())?;
            return Ok(());
        }
        // Named, it is revoked (last: see `revoke_all`); known to be it, only after a
        // warning, or a question on a terminal. (One that only may be it, because masks
        // cannot tell, is revoked last without one: naming it is what a filter asks for.)
        if let (InUse::One(n), Some(target)) = (in_use, targets.iter().find(|t| t.in_use)) {
            debug_assert_eq!(listed.tokens[*n].key(), target.key);
            let warning = format!(
                "{} is the token this configuration uses: once it is revoked, commands that use \
             this configuration fail until another token is configured",
                target.shown()
            );
            if ctx.interactive && !job.yes {
                // A stderr that cannot be written (`2>/dev/full`) loses the line, never panics.
                let _ = writeln!(
                    std::io::stderr(),
                    "{}",
                    crate::text::for_terminal_line(&warning)
                );
                ask("Revoke it? [y/N] ")?;
            } else {
                log::warn!("{warning}");
            }
        }
        let results = revoke_all(client, &targets, ctx).await;
        let (revoked, mut failed) = split(&targets, results);
        if failed.is_empty() {
            out.write_all(printer.revoked(&keys(&revoked)).as_bytes())?;
            return Ok(());
        }
        // The one token asked for failed: that is the whole story, one line with its code.
        if targets.len() == 1 {
            if let Some((target, error)) = failed.pop() {
                return Err(failure(target, error));
            }
        }
        for (target, error) in &failed {
            log::error!("{}", failure(target, clone(error)).message());
        }
        let error = partial_failure(&targets, &revoked, &failed);
        if revoked.is_empty() {
            return Err(error);
        }
        // What was revoked is the output; the failure stands whether or not it could be written.
        let _ = out
            .write_all(printer.revoked(&keys(&revoked)).as_bytes())
            .and_then(|()| out.flush());
        Err(error.after_output())
    }

    /// `revoke` with filters: ours. The tokens every filter matches, shown first, confirmed
    /// (or `--yes`), then revoked; the report says what was revoked, what failed and what
    /// was skipped, in every format.
    async fn by_filters(&self, out: &mut dyn Write) -> Result<(), AppError> {
        let Revocation {
            client,
            job,
            listed,
            infos,
            in_use,
            printer,
            ctx,
        } = *self;
        for note in job.filters.blind_spots(infos) {
            log::warn!("{note}");
        }
        let (targets, skipped) = select(listed, infos, in_use, &job.filters, printer);
        for target in &skipped {
            log::warn!("skipping {}: {}", target.shown(), target.why);
        }
        let mut report = RevokeReport {
            dry_run: job.dry_run,
            planned: &targets,
            failed: Vec::new(),
            skipped: &skipped,
        };
        let human = matches!(printer.format, OutputFormat::Table | OutputFormat::Lines);
        if targets.is_empty() {
            if human {
                out.write_all(b"No tokens match.\n")?;
            } else {
                out.write_all(printer.revoke_report(&report).as_bytes())?;
            }
            return Ok(());
        }
        if job.dry_run {
            let shown = if human {
                printer.revocation_plan(&targets, true)
            } else {
                printer.revoke_report(&report)
            };
            out.write_all(shown.as_bytes())?;
            return Ok(());
        }
        // The plan, for the person about to confirm; lost (never a panic) if stderr cannot
        // be written (`2>/dev/full`).
        let plan = ctx
            .redactor
            .redact(&printer.revocation_plan(&targets, false));
        let _ = std::io::stderr().write_all(plan.as_bytes());
        confirm(targets.len(), job.yes, ctx)?;
        let results = revoke_all(client, &targets, ctx).await;
        let (revoked, failed) = split(&targets, results);
        for (target, error) in &failed {
            log::error!("{}", failure(target, clone(error)).message());
        }
        let error = (!failed.is_empty()).then(|| partial_failure(&targets, &revoked, &failed));
        report.failed = failed;
        let shown = if human {
            printer.revoked(&keys(&revoked))
        } else {
            printer.revoke_report(&report)
        };
        let written = out.write_all(shown.as_bytes()).and_then(|()| out.flush());
        match error {
            // The failure stands whether or not the report could be written.
            Some(error) => Err(error.after_output()),
            None => Ok(written?),
        }
    }
}

/// The tokens every filter matches, and those it matches but spares, each with why: the
/// token in use, or any that may be it (a filter never revokes it; only naming it does),
/// a token listed without a key, and one whose key would change the DELETE's path.
fn select(
    listed: &Listed,
    infos: &[TokenInfo],
    in_use: &InUse,
    filters: &Filters,
    printer: &Printer,
) -> (Vec<Target>, Vec<Target>) {
    let mut targets = Vec::new();
    let mut skipped = Vec::new();
    for (n, info) in infos.iter().enumerate() {
        let Some(reasons) = filters.reasons(info, printer.now) else {
            continue;
        };
        let mut target = Target {
            key: listed.tokens[n].key().to_owned(),
            id: listed.ids[n].clone(),
            name: info.name().map(str::to_owned),
            why: reasons.join(", "),
            in_use: in_use.covers(n),
        };
        let skip = match in_use {
            InUse::One(one) if *one == n => {
                Some("it is the token this configuration uses (name it to revoke it)".to_owned())
            }
            InUse::Maybe(all, doubt) if target.in_use => {
                Some(format!("{} (name it to revoke it)", doubt.why(all.len())))
            }
            _ if listed.conflicting.contains(&target.key) => Some(
                "the registry listed it more than once, differently each time (the list changed \
                 while it was read), so what the filters matched may not be this token: name it \
                 to revoke it"
                    .to_owned(),
            ),
            _ if target.key.is_empty() => Some("the registry lists it without a key".to_owned()),
            // One hostile key does not stop the clean-up of the others.
            _ => check_key(&target.key).err().map(|e| e.message().to_owned()),
        };
        match skip {
            Some(why) => {
                target.why = why;
                skipped.push(target);
            }
            None => targets.push(target),
        }
    }
    (targets, skipped)
}

/// Asks before a filter revokes anything: on a terminal, `Revoke them? [y/N]`; without
/// one, `--yes` says so, and anything else deletes nothing.
fn confirm(count: usize, yes: bool, ctx: &Context) -> Result<(), AppError> {
    if yes {
        return Ok(());
    }
    if !ctx.interactive {
        let tokens = if count == 1 { "token" } else { "tokens" };
        return Err(AppError::failed(format!(
            "not revoking {count} {tokens} without confirmation, and there is no terminal to ask: \
             pass --yes (-y) to revoke them, or --dry-run to only list them"
        )));
    }
    ask(if count == 1 {
        "Revoke it? [y/N] "
    } else {
        "Revoke them? [y/N] "
    })
}

/// A yes-or-no question on the terminal: anything but yes cancels, and nothing is revoked.
fn ask(question: &str) -> Result<(), AppError> {
    match prompt::confirm(question) {
        Ok(true) => Ok(()),
        Ok(false) | Err(PromptError::Eof) => Err(AppError::Cancelled(
            "Cancelled; nothing was revoked.".to_owned(),
        )),
        Err(PromptError::Io(e)) => Err(AppError::failed(format!(
            "could not read the answer: {e}; nothing was revoked"
        ))),
    }
}

/// Revokes `targets`, each result in their order: first every token that is not (and may
/// not be) the one in use, then those that are, so that the others' DELETEs still sign in
/// with it.
async fn revoke_all(
    client: &RegistryClient,
    targets: &[Target],
    ctx: &Context,
) -> Vec<Result<(), AppError>> {
    let (last, first): (Vec<usize>, Vec<usize>) =
        (0..targets.len()).partition(|&n| targets[n].in_use);
    let pick = |ns: &[usize]| ns.iter().map(|&n| targets[n].clone()).collect::<Vec<_>>();
    let mut results: Vec<Option<Result<(), AppError>>> = (0..targets.len()).map(|_| None).collect();
    ctx.on_ctrl_c(&match targets {
        [one] => format!(
            "interrupted while {} was being revoked: it may be revoked: `npm-token list` \
             shows whether it is",
            one.shown()
        ),
        _ => format!(
            "interrupted while {} tokens were being revoked: some may be revoked: `npm-token \
             list` shows which are left",
            targets.len()
        ),
    });
    let _status = ctx.progress.revoking(targets.len());
    // One batch: after a storm of 429s the token in use is not revoked either (the others,
    // not sent, would be left with no credential to revoke them with).
    let refused = Refused::default();
    for group in [first, last] {
        let done = delete_all(client, &pick(&group), &refused, ctx).await;
        for (n, result) in group.into_iter().zip(done) {
            results[n] = Some(result);
        }
    }
    ctx.on_ctrl_c(
        "interrupted while the report was being written: the revokes are over; `npm-token \
         list` shows which tokens are left",
    );
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(AppError::failed("not attempted"))))
        .collect()
}

type Failed<'a> = Vec<(&'a Target, AppError)>;

/// The targets revoked, and those that failed with why.
fn split(targets: &[Target], results: Vec<Result<(), AppError>>) -> (Vec<&Target>, Failed<'_>) {
    let mut revoked = Vec::new();
    let mut failed = Vec::new();
    for (target, result) in targets.iter().zip(results) {
        match result {
            Ok(()) => revoked.push(target),
            Err(e) => failed.push((target, e)),
        }
    }
    (revoked, failed)
}

/// `could not revoke 3f2a9c (ci): <why>; it may already be revoked: …`: the error, and
/// what it leaves behind.
fn failure(target: &Target, error: AppError) -> AppError {
    let state = AfterFailedRevoke::of(&error).state("it", &target.id);
    let code = error.code().map(str::to_owned);
    AppError::Failed {
        code,
        message: format!(
            "could not revoke {}: {}; {state}",
            target.shown(),
            error.message()
        ),
    }
}

/// An error as a new value, for a log line (errors are not `Clone`: they may hold I/O errors).
fn clone(error: &AppError) -> AppError {
    AppError::Failed {
        code: error.code().map(str::to_owned),
        message: error.message().to_owned(),
    }
}

fn keys(targets: &[&Target]) -> Vec<String> {
    targets.iter().map(|t| t.key.clone()).collect()
}

/// `revoked 7 of 9 tokens; 2 could not be revoked (see above)`, with the first code.
fn partial_failure(targets: &[Target], revoked: &[&Target], failed: &Failed) -> AppError {
    AppError::Failed {
        code: failed.iter().find_map(|(_, e)| e.code()).map(str::to_owned),
        message: format!(
            "revoked {} of {} tokens; {} could not be revoked (see above)",
            revoked.len(),
            targets.len(),
            failed.len()
        ),
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
