//! What `audit` prints: findings grouped by token and for this machine, most severe first,
//! coloured by severity on a terminal, with a summary line; or one JSON document, or
//! tab-separated lines.

use serde_json::{json, Map, Value};

use super::status::PartError;
use super::{fit, pretty_json, tsv, tty, OutputFormat, Paint, Printer};
use crate::audit::{count_by_severity, Finding, LocalFinding, Severity, TokenFindings};

/// What `audit` found.
pub struct AuditReport<'a> {
    pub registry: &'a str,
    /// `None` when the registry would not say, or was not asked.
    pub user: Option<&'a str>,
    /// The tokens with findings; `None` when the account's tokens were not checked (see
    /// `errors`, or `local_only`).
    pub tokens: Option<&'a [TokenFindings]>,
    /// How many tokens were checked.
    pub checked: usize,
    pub local: &'a [LocalFinding],
    /// `--local`: the account was not asked.
    pub local_only: bool,
    pub errors: &'a [PartError],
}

impl AuditReport<'_> {
    fn all(&self) -> impl Iterator<Item = &Finding> {
        let tokens = self.tokens.unwrap_or_default();
        tokens
            .iter()
            .flat_map(|t| &t.findings)
            .chain(self.local.iter().map(|l| &l.finding))
    }

    /// How many findings there are in all.
    pub fn findings(&self) -> usize {
        self.all().count()
    }

    /// `5 findings: 1 critical, 2 high, 2 low`, or `nothing to report`.
    fn summary(&self) -> String {
        let counts = count_by_severity(self.all());
        let total: usize = counts.iter().sum();
        if total == 0 {
            return "nothing to report".to_owned();
        }
        let parts: Vec<String> = Severity::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let noun = if total == 1 { "finding" } else { "findings" };
        format!("{total} {noun}: {}", parts.join(", "))
    }
}

impl Printer {
    pub fn audit(&self, report: &AuditReport) -> String {
        match self.format {
            OutputFormat::Json => pretty_json(&audit_json(report)),
            OutputFormat::Parseable => parseable(report),
            OutputFormat::Table | OutputFormat::Lines => {
                human(report, self.paint, self.width.map(usize::from))
            }
        }
    }
}

fn severity(paint: Paint, severity: Severity) -> String {
    let text = format!("{:8}", severity.as_str());
    match severity {
        Severity::Critical | Severity::High => paint.red(&text),
        Severity::Moderate => paint.yellow(&text),
        Severity::Low => paint.cyan(&text),
    }
}

/// `text` wrapped as [`fit::block`] does, ending in a line break.
fn wrap(text: &str, width: Option<usize>, indent: usize) -> String {
    let mut out = fit::block(text, width, indent);
    out.push('\n');
    out
}

/// How far a finding's text is indented: past `  moderate `.
const INDENT: usize = 11;

/// One finding: `  high     direct-publish: what is wrong` and, under it, `fix: …`. On a
/// terminal `width` columns wide, what is wrong is wrapped between words under itself; the
/// fix is left whole, a command the terminal may wrap but that copies as one line.
fn finding(out: &mut String, paint: Paint, finding: &Finding, width: Option<usize>) {
    let text = format!("{}: {}", finding.code.as_str(), tty(&finding.message));
    out.push_str(&format!("  {} ", severity(paint, finding.severity)));
    out.push_str(&wrap(&text, width, INDENT));
    out.push_str(&format!(
        "{}fix: {}\n",
        " ".repeat(INDENT),
        tty(&finding.fix)
    ));
}

fn human(report: &AuditReport, paint: Paint, width: Option<usize>) -> String {
    let mut out = String::new();
    let whose = match report.user {
        Some(user) => format!("{} on {}", tty(user), tty(report.registry)),
        None => tty(report.registry),
    };
    match report.tokens {
        _ if report.local_only => {
            out.push_str("Tokens: not checked (--local)\n");
        }
        None => {
            let why = report
                .errors
                .iter()
                .find(|e| e.part == "tokens")
                .map_or("the registry did not answer".to_owned(), PartError::why);
            let line = format!("Tokens ({whose}): not checked: {}", tty(&why));
            let line =
                wrap(&line, width, 0).replacen("not checked:", &paint.red("not checked:"), 1);
            out.push_str(&line);
        }
        Some(tokens) => {
            let with = match tokens.len() {
                0 => "nothing to report".to_owned(),
                n => format!("{n} with findings"),
            };
            let checked = match report.checked {
                1 => "1 token checked".to_owned(),
                n => format!("{n} tokens checked"),
            };
            out.push_str(&wrap(
                &format!("Tokens ({whose}): {checked}, {with}"),
                width,
                0,
            ));
            for token in tokens {
                let mut line = format!("\n{}", tty(&token.id));
                if let Some(name) = token.name.as_deref().filter(|n| !n.is_empty()) {
                    line.push_str(&format!(" {}", tty(name)));
                }
                if token.in_use {
                    line.push_str(" (in use)");
                }
                out.push_str(&line);
                out.push('\n');
                for f in &token.findings {
                    finding(&mut out, paint, f, width);
                }
            }
        }
    }
    for error in report.errors.iter().filter(|e| e.part != "tokens") {
        let line = wrap(&format!("error: {}", tty(&error.message)), width, 0);
        out.push_str(&line.replacen("error:", &paint.red("error:"), 1));
    }
    out.push('\n');
    if report.local.is_empty() {
        out.push_str("This machine: nothing to report\n");
    } else {
        out.push_str("This machine:\n");
        for local in report.local {
            finding(&mut out, paint, &local.finding, width);
        }
    }
    out.push('\n');
    let mut summary = report.summary();
    if report.tokens.is_none() && !report.local_only {
        summary.push_str(" (the account's tokens were not checked)");
    }
    let mut chars = summary.chars();
    let first: String = chars
        .next()
        .into_iter()
        .flat_map(char::to_uppercase)
        .collect();
    out.push_str(&format!("{first}{}\n", chars.as_str()));
    out
}

fn finding_json(finding: &Finding) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("code".into(), finding.code.as_str().into());
    map.insert("severity".into(), finding.severity.as_str().into());
    map.insert("message".into(), finding.message.clone().into());
    map.insert("fix".into(), finding.fix.clone().into());
    map
}

/// The one shape of `audit --json` (documented in the README and the man page).
fn audit_json(report: &AuditReport) -> Value {
    let tokens = report.tokens.map(|tokens| {
        tokens
            .iter()
            .map(|t| {
                let findings: Vec<Value> = t
                    .findings
                    .iter()
                    .map(|f| Value::Object(finding_json(f)))
                    .collect();
                json!({"key": t.key, "id": t.id, "name": t.name, "in_use": t.in_use,
                       "findings": findings})
            })
            .collect::<Vec<_>>()
    });
    let local: Vec<Value> = report
        .local
        .iter()
        .map(|l| {
            let mut map = finding_json(&l.finding);
            if let Some(file) = &l.file {
                map.insert("file".into(), file.display().to_string().into());
            }
            if let Some(line) = l.line {
                map.insert("line".into(), line.into());
            }
            if let Some(variable) = &l.variable {
                map.insert("variable".into(), variable.clone().into());
            }
            Value::Object(map)
        })
        .collect();
    let counts = count_by_severity(report.all());
    json!({
        "registry": report.registry,
        "user": report.user,
        "tokens": tokens,
        "local": local,
        "errors": report.errors.iter().map(PartError::json).collect::<Vec<_>>(),
        "summary": {
            "findings": counts.iter().sum::<usize>(),
            "critical": counts[0], "high": counts[1], "moderate": counts[2], "low": counts[3],
            "tokens_checked": report.tokens.map(|_| report.checked),
        },
    })
}

/// One line per finding, tab-separated: kind (`token` or `local`), where (a token's id, a
/// file, or a variable), line, code, severity, message, fix; a header line first.
fn parseable(report: &AuditReport) -> String {
    let mut out = String::from("kind\twhere\tline\tcode\tseverity\tmessage\tfix\n");
    let mut row = |kind: &str, at: &str, line: Option<usize>, f: &Finding| {
        let line = line.map(|l| l.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{kind}\t{}\t{line}\t{}\t{}\t{}\t{}\n",
            tsv(at),
            f.code.as_str(),
            f.severity.as_str(),
            tsv(&f.message),
            tsv(&f.fix)
        ));
    };
    for token in report.tokens.unwrap_or_default() {
        for f in &token.findings {
            row("token", &token.id, None, f);
        }
    }
    for local in report.local {
        let at = match (&local.file, &local.variable) {
            (Some(file), _) => file.display().to_string(),
            (None, Some(variable)) => variable.clone(),
            (None, None) => String::new(),
        };
        row("local", &at, local.line, &local.finding);
    }
    out
}
