//! What `revoke` prints: the plan a filter makes, and what was revoked.

use serde_json::{json, Value};

use super::fit::width as text_width;
use super::{aligned, pretty_json, tsv, tty, OutputFormat, Printer};
use crate::commands::AfterFailedRevoke;
use crate::error::AppError;
use crate::hygiene::Target;

/// What `revoke` with filters did (ours, not npm's): the tokens the filters chose, what was
/// revoked of them and what failed, and the tokens they matched but spared. A dry run has
/// the same shape, with nothing revoked.
pub struct RevokeReport<'a> {
    pub dry_run: bool,
    pub planned: &'a [Target],
    pub failed: Vec<(&'a Target, AppError)>,
    pub skipped: &'a [Target],
}

impl Printer {
    /// What a filter is about to revoke, for people: each token's id, name and why. With
    /// `dry_run` it is the output; without, a preview for the person about to confirm.
    pub fn revocation_plan(&self, targets: &[Target], dry_run: bool) -> String {
        let name = |t: &Target| t.name.clone().filter(|n| !n.is_empty());
        let count = targets.len();
        let s = if count == 1 { "" } else { "s" };
        let mut text = if dry_run {
            format!("Would revoke {count} token{s}:\n")
        } else {
            let will = if count == 1 {
                "token will be"
            } else {
                "tokens will be"
            };
            format!("{count} {will} revoked:\n")
        };
        // Every field is registry text.
        let ids: Vec<String> = targets.iter().map(|t| aligned(&t.id)).collect();
        let names: Vec<String> = targets
            .iter()
            .map(|t| aligned(&name(t).unwrap_or_else(|| "(unnamed)".to_owned())))
            .collect();
        let id_width = ids.iter().map(|i| text_width(i)).max().unwrap_or(0);
        let name_width = names.iter().map(|n| text_width(n)).max().unwrap_or(0);
        let pad = |text: &str, width: usize| {
            format!(
                "{text}{}",
                " ".repeat(width.saturating_sub(text_width(text)))
            )
        };
        for ((t, id), name) in targets.iter().zip(&ids).zip(&names) {
            let line = format!(
                "  {}  {}  {}",
                pad(id, id_width),
                pad(name, name_width),
                tty(&t.why)
            );
            text.push_str(line.trim_end());
            text.push('\n');
        }
        if dry_run {
            text.push_str("Nothing was revoked (--dry-run).\n");
        }
        text
    }

    /// The report of a revoke with filters, for `--json` and `--parseable` (people get
    /// npm's `Removed N tokens`): JSON `{"dry_run", "planned", "revoked", "failed",
    /// "skipped"}`, each a list of `{"key", "id", "name", "why"}` (a failure adds
    /// `"error": {"code", "summary"}` and `"state"`); parseable, a line per token:
    /// `state key id name why`, the state `planned`, `revoked`, `failed` or `skipped`.
    pub fn revoke_report(&self, report: &RevokeReport) -> String {
        let failed = |t: &Target| report.failed.iter().find(|(f, _)| std::ptr::eq(*f, t));
        let revoked: Vec<&Target> = if report.dry_run {
            Vec::new()
        } else {
            report
                .planned
                .iter()
                .filter(|t| failed(t).is_none())
                .collect()
        };
        if self.format == OutputFormat::Json {
            let item = |t: &Target| json!({"key": t.key, "id": t.id, "name": t.name.as_deref().filter(|n| !n.is_empty()), "why": t.why});
            let failures: Vec<Value> = report
                .failed
                .iter()
                .map(|(t, e)| {
                    let mut item = item(t);
                    item["error"] = json!({"code": e.code(), "summary": e.message()});
                    item["state"] = json!(AfterFailedRevoke::of(e).label());
                    item
                })
                .collect();
            return pretty_json(&json!({
                "dry_run": report.dry_run,
                "planned": report.planned.iter().map(item).collect::<Vec<_>>(),
                "revoked": revoked.iter().map(|t| item(t)).collect::<Vec<_>>(),
                "failed": failures,
                "skipped": report.skipped.iter().map(item).collect::<Vec<_>>(),
            }));
        }
        let row = |state: &str, t: &Target| {
            format!(
                "{state}\t{}\t{}\t{}\t{}\n",
                tsv(&t.key),
                tsv(&t.id),
                tsv(t.name.as_deref().unwrap_or("")),
                tsv(&t.why)
            )
        };
        let mut text = String::new();
        for t in report.planned {
            let state = if report.dry_run {
                "planned"
            } else if failed(t).is_some() {
                "failed"
            } else {
                "revoked"
            };
            text.push_str(&row(state, t));
        }
        for t in report.skipped {
            text.push_str(&row("skipped", t));
        }
        text
    }
}

/// The keys of revoked tokens.
pub(super) fn revoked(keys: &[String], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => pretty_json(&Value::from(keys.to_vec())),
        OutputFormat::Parseable => {
            let keys: Vec<String> = keys.iter().map(|k| tsv(k)).collect();
            format!("{}\n", keys.join("\t"))
        }
        OutputFormat::Table | OutputFormat::Lines => {
            let s = if keys.len() == 1 { "" } else { "s" };
            format!("Removed {} token{s}\n", keys.len())
        }
    }
}
