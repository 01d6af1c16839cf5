//! `rotate`: a new token like an old one, then the old one revoked, as a protocol in the four
//! steps AWS Secrets Manager rotates a secret in (create, set, test, finish):
//!
//! 1. **create** the new token, and go on only with an answer that holds one, and a new one;
//! 2. **hand it over**: print it, and with `--save` write it where the old one is configured;
//! 3. **test** it: `GET /-/whoami` with the new token must answer as the same user;
//! 4. **finish**: revoke the old token, and confirm the registry did.
//!
//! Everything that can be checked is checked before anything is created (`prepare`), and
//! the old token is never revoked before the new one is handed over and tested. Each step
//! says where things stand once it is done (on stderr, and as a JSON line with `--json`), so
//! that the last line read is the true state; a step that fails says that state and the
//! command to run next, and nothing after it happens.

mod plan;

use std::io::Write;

use serde_json::{json, Value};

use self::plan::{prepare, Plan};
use super::create::{self, Created};
use super::{otplease, AfterFailedRevoke, Context, MIN_ID_LEN};
use crate::cli::RotateJob;
use crate::error::{AppError, Operation};
use crate::hygiene::shown;
use crate::ids::shortest_unique_ids;
use crate::interrupt;
use crate::npmrc;
use crate::output::{OutputFormat, Printer};
use crate::registry::RegistryClient;
use crate::secret::Secret;
use crate::settings::{Change, CreateSettings, SavedAt};
use crate::text;
use crate::token_info::{PublishingPower, TokenInfo};

pub async fn run(
    client: &RegistryClient,
    job: &RotateJob,
    given: &CreateSettings,
    saved_at: Option<&Result<SavedAt, String>>,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let plan = prepare(client, job, given, saved_at, ctx).await?;
    let mut steps = Steps {
        plan: &plan,
        printer,
        ctx,
        out,
    };
    let done = async {
        let (new, token) = steps.create(client, given).await?;
        steps.hand_over(&new, &token)?;
        if job.verify {
            steps.test(client, &new, &token).await?;
        }
        steps.finish(client, job, &new).await
    }
    .await;
    // Each step said what Ctrl-C during it leaves; once the last is done, nothing does.
    interrupt::nothing_on_ctrl_c();
    done
}

/// The steps after `prepare`, each saying where things stand when it is done.
struct Steps<'a, 'o> {
    plan: &'a Plan<'a>,
    printer: &'a Printer,
    ctx: &'a Context,
    out: &'o mut dyn Write,
}

/// How much a token can do with a new version: none, stage only, directly. A right this
/// version cannot read ranks with none of them, so it never counts as less.
fn rank(power: &PublishingPower) -> Option<u8> {
    match power {
        PublishingPower::None => Some(0),
        PublishingPower::StageOnly => Some(1),
        PublishingPower::Direct => Some(2),
        PublishingPower::Unknown(_) => None,
    }
}

/// Which step failed, for `--json`'s `{"step": "failed", "at": …}`.
#[derive(Clone, Copy)]
enum Step {
    HandOver,
    Test,
    Finish,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::HandOver => "hand-over",
            Step::Test => "test",
            Step::Finish => "revoke",
        }
    }
}

impl Steps<'_, '_> {
    fn json(&self) -> bool {
        self.printer.format == OutputFormat::Json
    }

    /// One step's JSON line, with `--json`: a line each, so that what was handed over is a
    /// whole document before anything else happens.
    fn event(&mut self, event: Value) -> std::io::Result<()> {
        if self.json() {
            let mut line = serde_json::to_string(&event).expect("a JSON value always serializes");
            line.push('\n');
            self.out.write_all(line.as_bytes())?;
            self.out.flush()?;
        }
        Ok(())
    }

    /// A step failed after the new token was handed over: its `failed` line with `--json`
    /// (best effort: the error is on stderr either way), and the error, after the output.
    fn failed(&mut self, at: Step, error: AppError, old_state: &str) -> AppError {
        let plan = self.plan;
        let _ = self.event(json!({
            "step": "failed",
            "at": at.name(),
            "error": {"code": error.code(), "summary": self.ctx.redactor.redact(error.message())},
            "old": {"key": plan.old.key, "id": plan.old.id, "state": old_state},
        }));
        error.after_output()
    }

    /// The new token's id, as `list` will show it (unique among the listed keys and it).
    fn new_id(&self, new: &Created) -> Option<String> {
        let key = new.key.as_deref().filter(|key| !key.is_empty())?;
        let mut keys: Vec<&str> = self.plan.keys.iter().map(String::as_str).collect();
        keys.push(key);
        shortest_unique_ids(&keys, MIN_ID_LEN).pop()
    }

    /// How messages name the new token: `4f2a1c (ci-publish)`, or `the new token`.
    fn new_shown(&self, new: &Created) -> String {
        match self.new_id(new) {
            Some(id) => shown(&id, new.shown.get("name").and_then(Value::as_str)),
            None => "the new token".to_owned(),
        }
    }

    /// How to get rid of the new token, when it cannot be used.
    fn revoke_new(&self, new: &Created) -> String {
        match self.new_id(new) {
            Some(id) => format!("`npm-token revoke {id}`"),
            None => "`npm-token list` shows it, to revoke".to_owned(),
        }
    }

    /// Step 1: create. An answer without a token that can be one stops here.
    async fn create(
        &mut self,
        client: &RegistryClient,
        given: &CreateSettings,
    ) -> Result<(Created, Secret), AppError> {
        let old = &self.plan.old.shown;
        let password = create::password(given, self.ctx)?;
        self.ctx.on_ctrl_c(&format!(
            "interrupted while the new token was being created: it may have been made \
             (`npm-token list` shows it, to revoke); {old} was not revoked"
        ));
        let new = create::create(client, password, self.plan.spec.clone(), self.ctx)
            .await
            .map_err(|e| {
                e.prefixed(&format!(
                    "creating the new token failed, and {old} was not revoked"
                ))
            })?;
        let token = new.token().ok_or_else(|| {
            create::no_token_in_answer().prefixed(&format!("{old} was not revoked"))
        })?;
        if let Some(what) = self.not_new(&new, &token) {
            return Err(AppError::Failed {
                code: Some("EBADRESPONSE".to_owned()),
                message: format!(
                    "the registry answered the create with {what}, not a new token: nothing was \
                     handed over, and {old} was not revoked (revoking it would revoke what the \
                     registry handed back); it may still have made a token: `npm-token list` \
                     shows it"
                ),
            });
        }
        create::warn_if_made_unlike_asked(&self.plan.spec, &new, &self.new_shown(&new));
        Ok((new, token))
    }

    /// What the registry handed back instead of a new token, if it did: the token being
    /// replaced (its value, its mask or its key), the token this configuration signs in
    /// with, or a token already listed. Revoking the old one would then revoke what was
    /// handed over, or leave it named by another token's id.
    fn not_new(&self, new: &Created, token: &Secret) -> Option<String> {
        let old = &self.plan.old;
        let token = token.expose();
        if self
            .ctx
            .token_in_use
            .as_ref()
            .is_some_and(|t| t.expose() == token)
        {
            return Some("the token this configuration uses".to_owned());
        }
        if new.key.as_deref() == Some(old.key.as_str()) {
            return Some(format!("{}'s own key", old.shown));
        }
        // A mask shows a few characters of each end: a match is the old token, or one the
        // list cannot tell from it, which is as bad.
        if old.info.mask_matches(token) {
            return Some(format!(
                "a token {}'s mask matches (it, or one the list cannot tell from it)",
                old.shown
            ));
        }
        let key = new.key.as_deref().filter(|key| !key.is_empty())?;
        let listed = self.plan.keys.iter().position(|k| k == key)?;
        Some(format!(
            "the key of a token already listed ({})",
            text::for_terminal_line(&self.plan.ids[listed])
        ))
    }

    /// The error when the registry made a token that publishes less than was asked for
    /// (see [`create::made_as_asked`]): the old token stays, unsaved over.
    fn weaker_than_asked(&self, new: &Created) -> Option<AppError> {
        let create::Made::Unlike { asked, made, .. } = create::made_as_asked(&self.plan.spec, new)
        else {
            return None;
        };
        if !matches!((rank(&made), rank(&asked)), (Some(m), Some(a)) if m < a) {
            return None;
        }
        let old = &self.plan.old;
        let not_saved = match self.plan.save {
            Some(saved) => format!("it was not saved in {} and ", saved.file.display()),
            None => String::new(),
        };
        Some(AppError::failed(format!(
            "the registry made {} {}, where {} was asked for, so {not_saved}{} was not revoked: \
             revoke the new one ({}), or, if it will do, put it in place, then `npm-token revoke \
             {}`",
            self.new_shown(new),
            create::publishing_in_words(&made),
            create::asked_in_words(&asked),
            old.shown,
            self.revoke_new(new),
            old.id
        )))
    }

    /// Step 2: hand over. The new token is printed (a failed write stops everything: nobody
    /// has it), then with `--save` written into the npmrc, under every key that held the old.
    fn hand_over(&mut self, new: &Created, token: &Secret) -> Result<(), AppError> {
        let old = self.plan.old.shown.clone();
        let new_shown = self.new_shown(new);
        let printed = if self.json() {
            let id = self.new_id(new);
            let changes: Vec<Value> = self.plan.changes.iter().map(Change::to_json).collect();
            self.event(json!({
                "step": "created",
                "id": id,
                "created": new.with_key(),
                "changes": changes,
            }))
        } else {
            // With its key: on a terminal, it is shown by its id, as `create` shows it.
            self.out
                .write_all(self.printer.created_token(&new.with_key()).as_bytes())
                .and_then(|()| self.out.flush())
        };
        printed.map_err(|e| {
            AppError::failed(format!(
                "{new_shown} was created but could not be printed ({e}): nobody has seen it; \
                 {old} was not revoked. Revoke the new one ({}) and run rotate again",
                self.revoke_new(new)
            ))
        })?;
        self.ctx.say(&format!("Created {new_shown}."));
        let old_id = &self.plan.old.id;
        let at = self.ctx.printed_where();
        // A registry that made less than was asked (it ignored a permission): what publishes
        // with the old token would stop. Known from the answer, so before the new token takes
        // the old one's place in the npmrc: the old one stays there, and is not revoked.
        if let Some(error) = self.weaker_than_asked(new) {
            return Err(self.failed(Step::HandOver, error, "not revoked"));
        }
        let Some(saved) = self.plan.save else {
            self.ctx.on_ctrl_c(&format!(
                "interrupted: {new_shown} is printed {at} (not tested), and {old} was not \
                 revoked: put the new token in place, then `npm-token revoke {old_id}`"
            ));
            return Ok(());
        };
        let file = saved.file.display().to_string();
        self.ctx.on_ctrl_c(&format!(
            "interrupted while {new_shown} was being saved: it is printed {at}, and {file} \
             holds the old token or the new one; {old} was not revoked: put the new token in \
             place, then `npm-token revoke {old_id}`"
        ));
        let in_use = self.ctx.token_in_use.as_ref().map_or("", |t| t.expose());
        if let Err(e) = npmrc::replace_values(&saved.file, &saved.keys, in_use, token.expose()) {
            let error = AppError::failed(format!(
                "{new_shown} (printed {at}) was not saved: {e}; {old} was not revoked: store \
                 the new token yourself, then `npm-token revoke {}`",
                self.plan.old.id
            ));
            return Err(self.failed(Step::HandOver, error, "not revoked"));
        }
        self.ctx.on_ctrl_c(&format!(
            "interrupted: {new_shown} is printed {at} and saved in {file} (not tested), and \
             {old} was not revoked: `npm-token revoke {old_id}` once nothing else uses it"
        ));
        let _ = self.event(json!({"step": "saved", "file": file, "keys": saved.keys}));
        self.ctx
            .say(&format!("Saved it in {file} ({}).", saved.keys.join(", ")));
        for place in &saved.elsewhere {
            log::warn!(
                "the old token is also configured as {place}: it stops working when {old} is \
                 revoked; put the new token there too"
            );
        }
        Ok(())
    }

    /// Step 3: test. The new token must sign in, as the same user as the credential in use.
    async fn test(
        &mut self,
        client: &RegistryClient,
        new: &Created,
        token: &Secret,
    ) -> Result<(), AppError> {
        let plan = self.plan;
        let (old, old_id) = (&plan.old.shown, &plan.old.id);
        let new_shown = self.new_shown(new);
        let at = self.ctx.printed_where();
        let status = self.ctx.progress.show("Testing the new token…");
        let signed_in = client.whoami_as(token).await;
        drop(status);
        let user = match signed_in {
            Ok(user) => user,
            Err(e) => {
                let e = crate::error::explain(e, Operation::TestToken, &self.ctx.auth);
                let error = e.prefixed(&format!(
                    "{new_shown} (printed {at}) could not sign in from here, so {old} was not \
                     revoked. If the new token is limited to networks this machine is outside \
                     (its CIDR list), put it in place and finish with `npm-token revoke \
                     {old_id}` (or rotate with --no-verify); else revoke it ({})",
                    self.revoke_new(new)
                ));
                return Err(self.failed(Step::Test, error, "not revoked"));
            }
        };
        if let Some(expected) = plan.user.as_ref().filter(|expected| **expected != user) {
            let error = AppError::failed(format!(
                "{new_shown} (printed {at}) signs in as {user}, not as {expected}, so {old} was \
                 not revoked: check the new token (`npm-token list`) before you `npm-token \
                 revoke {old_id}`"
            ));
            return Err(self.failed(Step::Test, error, "not revoked"));
        }
        self.ctx.on_ctrl_c(&format!(
            "interrupted: {new_shown} is {}, and {old} was not revoked: `npm-token revoke \
             {old_id}` once nothing else uses it",
            self.handed_over(true)
        ));
        let _ = self.event(json!({"step": "tested", "user": user}));
        self.ctx.say(&format!("Tested it: it signs in as {user}."));
        Ok(())
    }

    /// Step 4: finish. The old token is revoked (unless `--keep-old`), and only an answer
    /// that is a registry's revoke counts.
    async fn finish(
        &mut self,
        client: &RegistryClient,
        job: &RotateJob,
        new: &Created,
    ) -> Result<(), AppError> {
        let plan = self.plan;
        let old = &plan.old;
        if job.keep_old {
            let _ = self
                .event(json!({"step": "kept", "key": old.key, "id": old.id, "why": "--keep-old"}));
            self.ctx.say(&format!(
                "Kept {} (--keep-old): revoke it with `npm-token revoke {}` once its replacement \
                 is in place; {}",
                old.shown,
                old.id,
                self.summary(new)
            ));
            return Ok(());
        }
        // Printed into a pipe whose reader then left without reading it (`| (sleep 1)`, a
        // step of a pipeline that failed), the new token is lost: the old one must stay.
        let unread = crate::terminal::stdout_reader_gone().is_some_and(|gone| gone.left_unread);
        if plan.save.is_none() && unread {
            let error = AppError::failed(format!(
                "the output's reader left without reading the new token (printed into the pipe, \
                 unread), so {} was not revoked: revoke the new one ({}) and run rotate again",
                old.shown,
                self.revoke_new(new)
            ));
            return Err(self.failed(Step::Finish, error, "not revoked"));
        }
        self.ctx.on_ctrl_c(&format!(
            "interrupted while {} was being revoked: the new token is {}; {} may be revoked: \
             `npm-token list` shows whether it is",
            old.shown,
            self.handed_over(job.verify),
            old.shown
        ));
        log::info!("revoking {}", old.key);
        let status = self.ctx.progress.revoking(1);
        let revoked = otplease(client, Operation::Revoke, self.ctx, || {
            client.delete_token(&old.key)
        })
        .await;
        drop(status);
        if let Err(e) = revoked {
            let after = AfterFailedRevoke::of(&e);
            let error = AppError::Failed {
                code: e.code().map(str::to_owned),
                message: format!(
                    "the new token is {}, but revoking {} failed: {}; {}",
                    self.handed_over(job.verify),
                    old.shown,
                    e.message(),
                    after.state("it", &old.id)
                ),
            };
            return Err(self.failed(Step::Finish, error, after.label()));
        }
        self.event(json!({"step": "revoked", "key": old.key, "id": old.id}))
            .map_err(AppError::from)?;
        self.ctx
            .say(&format!("Revoked {}; {}", old.shown, self.summary(new)));
        if old.in_use && plan.save.is_none() {
            log::warn!(
                "{} was the token this configuration uses: put the new token in its place \
                 (`rotate --save` writes it into the npmrc)",
                old.shown
            );
        }
        Ok(())
    }

    /// Where the new token is once handed over, as far as it is known: `printed above,
    /// saved in FILE and signs in`; `(not tested: --no-verify)` when nobody tried it.
    fn handed_over(&self, tested: bool) -> String {
        let mut state = format!("printed {}", self.ctx.printed_where());
        if let Some(saved) = self.plan.save {
            state.push_str(&format!(", saved in {}", saved.file.display()));
        }
        state.push_str(if tested {
            " and signs in"
        } else {
            " (not tested: --no-verify)"
        });
        state
    }

    /// The new token in the table's terms: `its replacement is 4f2a1c (ci): packages:
    /// write, expires 2027-03-01 (in 90 days).`
    fn summary(&self, new: &Created) -> String {
        let info = TokenInfo::from_fields(&new.with_key());
        format!(
            "its replacement is {}: {}.",
            self.new_shown(new),
            self.printer.access_and_expiry(&info)
        )
    }
}
