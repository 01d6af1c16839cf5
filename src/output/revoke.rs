//! What `revoke` prints: the plan a filter makes, and what was revoked.

use serde_json::Value;

use super::fit::width as text_width;
use super::{pretty_json, tsv, tty, OutputFormat, Printer};
use crate::hygiene::Target;

impl Printer {
    /// What a filter is about to revoke: each token's id, name and why. With `dry_run` it is
    /// the output (JSON objects under `--json`, tab-separated under `--parseable`); without,
    /// a preview for the person about to confirm.
    pub fn revocation_plan(&self, targets: &[Target], dry_run: bool) -> String {
        let name = |t: &Target| t.name.clone().filter(|n| !n.is_empty());
        let format = self.format;
        // Every field is registry text, in a human format or a tab-separated one.
        let clean = |text: &str| match format {
            OutputFormat::Parseable => tsv(text),
            _ => tty(text),
        };
        match self.format {
            OutputFormat::Json if dry_run => {
                let items: Vec<Value> = targets
                    .iter()
                    .map(|t| {
                        serde_json::json!({"key": t.key, "id": t.id, "name": name(t), "why": t.why})
                    })
                    .collect();
                pretty_json(&Value::Array(items))
            }
            OutputFormat::Parseable if dry_run => targets
                .iter()
                .map(|t| {
                    format!(
                        "{}\t{}\t{}\t{}\n",
                        clean(&t.key),
                        clean(&t.id),
                        clean(&name(t).unwrap_or_default()),
                        clean(&t.why)
                    )
                })
                .collect(),
            _ => {
                let count = targets.len();
                let s = if count == 1 { "" } else { "s" };
                let mut text = if dry_run {
                    format!("Would revoke {count} token{s}:\n")
                } else {
                    format!("Revoking {count} token{s}:\n")
                };
                let ids: Vec<String> = targets.iter().map(|t| clean(&t.id)).collect();
                let names: Vec<String> = targets
                    .iter()
                    .map(|t| clean(&name(t).unwrap_or_else(|| "(unnamed)".to_owned())))
                    .collect();
                let id_width = ids.iter().map(|i| text_width(i)).max().unwrap_or(0);
                let name_width = names.iter().map(|n| text_width(n)).max().unwrap_or(0);
                for ((t, id), name) in targets.iter().zip(&ids).zip(&names) {
                    let pad = |text: &str, width: usize| {
                        format!("{text}{}", " ".repeat(width - text_width(text)))
                    };
                    text.push_str(&format!(
                        "  {}  {}  {}\n",
                        pad(id, id_width),
                        pad(name, name_width),
                        clean(&t.why)
                    ));
                }
                if dry_run {
                    text.push_str("Nothing was revoked (--dry-run).\n");
                }
                text
            }
        }
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
