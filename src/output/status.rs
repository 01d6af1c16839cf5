//! What `status` prints: the registry, the user, what kind of credential this configuration
//! uses and where it is set, and the token's details when the list shows it.

use serde_json::{json, Value};

use super::table::table_row;
use super::{fit, pretty_json, tsv, tty, OutputFormat, Printer};
use crate::hygiene::Doubt;
use crate::settings::{CredentialSource, Origin};
use crate::token_info::{Access, Status, TokenInfo, When};

/// What `status` shows.
pub struct StatusReport<'a> {
    pub registry: &'a str,
    /// `None` when the registry would not say (see `errors`).
    pub user: Option<&'a str>,
    pub token: TokenInUse<'a>,
    pub source: Option<&'a CredentialSource>,
    /// The parts that could not be had, and why.
    pub errors: &'a [PartError],
}

/// A part of a report that could not be had (`user`, `tokens`): npm's error code and why.
#[derive(Clone, Debug)]
pub struct PartError {
    pub part: &'static str,
    pub code: Option<String>,
    pub message: String,
}

impl PartError {
    /// A list refused to this credential (401, 403): npmjs.org lists tokens only to a login
    /// session, so for a CI token this is expected, not a fault.
    pub fn refused(&self) -> bool {
        matches!(self.code.as_deref(), Some("E401" | "E403"))
    }

    /// Why, in a line: for a refused list, what it means and what to do; else the error.
    pub fn why(&self) -> String {
        match self.code.as_deref() {
            Some(code) if self.refused() => format!(
                "the registry will not list tokens to this credential ({code}; on npmjs.org \
                 only a login session may: `npm login`, then run it again)"
            ),
            _ => self.message.clone(),
        }
    }

    pub(super) fn json(&self) -> Value {
        json!({"part": self.part, "code": self.code, "message": self.message})
    }
}

/// The credential this configuration authenticates with, as the list knows it.
pub enum TokenInUse<'a> {
    Listed {
        id: &'a str,
        info: &'a TokenInfo,
    },
    /// A token the list does not show: a login session (`npm login`).
    LoginSession,
    /// The registry would not list tokens to this token (or the list failed: see the
    /// report's errors), so what it is cannot be told.
    Unknown,
    /// This many listed tokens may be it: they share its mask, or show too little of theirs
    /// to tell (see `hygiene::InUse`).
    Ambiguous {
        candidates: usize,
        doubt: Doubt,
    },
    /// Not a token: a username and password, or a client certificate.
    NotAToken,
}

impl TokenInUse<'_> {
    /// The kind, as `status --json` names it.
    pub fn kind(&self) -> &'static str {
        match self {
            TokenInUse::Listed { .. } => "token",
            TokenInUse::LoginSession => "login-session",
            TokenInUse::Unknown => "unknown",
            TokenInUse::Ambiguous { .. } => "ambiguous",
            TokenInUse::NotAToken => "not-a-token",
        }
    }
}

impl Printer {
    pub fn status(&self, report: &StatusReport) -> String {
        if self.format == OutputFormat::Json {
            return pretty_json(&status_json(report, self));
        }
        let mut rows: Vec<(&str, String)> = vec![("registry", report.registry.to_owned())];
        if let Some(user) = report.user {
            rows.push(("user", user.to_owned()));
        }
        let mut dead = false;
        let mut details = Vec::new();
        let token = match &report.token {
            TokenInUse::Listed { id, info } => {
                let (cells, status) = table_row(info, id, self.now);
                dead = status != Status::Active;
                let mut token = (*id).to_owned();
                if let Some(name) = info.name().filter(|n| !n.is_empty()) {
                    token.push_str(&format!(" {name}"));
                }
                if let Some(mask) = info.mask() {
                    token.push_str(&format!(" ({mask})"));
                }
                details.push(("access", cells[3].clone()));
                let rest = [
                    ("covers", &cells[4]),
                    ("CIDR", &cells[5]),
                    ("created", &cells[6]),
                    ("expires", &cells[7]),
                    ("last used", &cells[8]),
                ];
                for (label, cell) in rest {
                    if !cell.is_empty() {
                        details.push((label, cell.clone()));
                    }
                }
                token
            }
            // Refused (401, 403), or failed: the row says which, and a failure is in an
            // `error` row below.
            TokenInUse::Unknown
                if report
                    .errors
                    .iter()
                    .any(|e| e.part == "tokens" && !e.refused()) =>
            {
                "unknown: the token list could not be read (the error below)".to_owned()
            }
            TokenInUse::Unknown => "unknown: the registry does not list tokens to this token (on \
                 npmjs.org only a login session may)"
                .to_owned(),
            TokenInUse::Ambiguous {
                candidates,
                doubt: Doubt::SharedMask,
            } => format!("one of {candidates} listed tokens that share its mask"),
            TokenInUse::Ambiguous { candidates, doubt } => {
                format!("unknown: {}", ambiguity(*candidates, *doubt))
            }
            TokenInUse::LoginSession => "not in the token list: a login session (`npm login` \
                 makes these; lists do not show them)"
                .to_owned(),
            TokenInUse::NotAToken => "none: this configuration signs in with a username and \
                 password, or a client certificate"
                .to_owned(),
        };
        rows.push(("token", token));
        if let Some(source) = report.source {
            rows.push(("from", from(&source.origin)));
            for shadow in &source.shadows {
                rows.push(("shadows", shadowed(shadow)));
            }
        }
        rows.extend(details);
        // A refused list is what the `token` row already says.
        for error in report.errors.iter().filter(|e| !e.refused()) {
            rows.push(("error", format!("{}: {}", error.part, error.message)));
        }
        // Every value may be registry text: escaped for its format, then painted.
        let parseable = self.format == OutputFormat::Parseable;
        rows.iter()
            .map(|(label, value)| {
                if parseable {
                    format!("{label}\t{}\n", tsv(value))
                } else {
                    // On a terminal, wrapped between words under the value column.
                    let value = fit::block(&tty(value), self.width.map(usize::from), 10);
                    if (*label == "expires" && dead) || *label == "error" {
                        format!("{label:10}{}\n", self.paint.red(&value))
                    } else {
                        format!("{label:10}{value}\n")
                    }
                }
            })
            .collect()
    }
}

/// Why the token in use cannot be told among `candidates` listed tokens, in a clause:
/// `2 listed tokens share its mask, so which one it is cannot be told`.
pub fn ambiguity(candidates: usize, doubt: Doubt) -> String {
    match (doubt, candidates) {
        (Doubt::SharedMask, n) => {
            format!("{n} listed tokens share its mask, so which one it is cannot be told")
        }
        (Doubt::MaskTooShort, 1) => {
            "1 listed token shows too little of its mask to tell whether it is the one".to_owned()
        }
        (Doubt::MaskTooShort, n) => format!(
            "{n} listed tokens show too little of their masks to tell whether one of them is it"
        ),
    }
}

/// `NODE_AUTH_TOKEN, through //r/:_authToken in /p/.npmrc:3`; `//r/:_authToken in
/// /home/me/.npmrc:1`; `the environment variable npm_config_//r/:_authToken`.
fn from(origin: &Origin) -> String {
    match (&origin.file, &origin.variable) {
        (None, Some(_)) => origin.place(),
        (Some(_), Some(variable)) => {
            format!("{variable}, through {} in {}", origin.key, origin.place())
        }
        _ => format!("{} in {}", origin.key, origin.place()),
    }
}

/// A setting the credential in use hides: `//r/:_authToken in /home/me/.npmrc:1 (hidden)`.
fn shadowed(origin: &Origin) -> String {
    format!("{}, not used", from(origin))
}

fn origin_json(origin: &Origin) -> Value {
    json!({
        "layer": origin.layer.to_string(),
        "file": origin.file.as_ref().map(|f| f.display().to_string()),
        "line": origin.line,
        "key": origin.key,
        "variable": origin.variable,
    })
}

/// The one shape of `status --json` (documented in the README and the man page).
fn status_json(report: &StatusReport, printer: &Printer) -> Value {
    let now = printer.now;
    let token = match &report.token {
        TokenInUse::Listed { id, info } => {
            let status = match info.status(now) {
                Status::Active => "active",
                Status::Expired => "expired",
                Status::Revoked => "revoked",
            };
            let date = |when: &When| match when {
                When::At(date) => Value::from(date.text()),
                _ => Value::Null,
            };
            json!({
                "id": id,
                "key": info.key(),
                "name": info.name(),
                "token": info.mask(),
                "access": access_json(info),
                "cidr": info.cidr(),
                "created": info.created().map(|d| d.text()),
                "expiry": date(info.expiry()),
                "expires_in_days": info.expires_in_days(now),
                "accessed": date(info.last_use()),
                "revoked": info.revoked().map(|d| d.text()),
                "status": status,
            })
        }
        _ => Value::Null,
    };
    let source = report.source.map_or(Value::Null, |source| {
        let mut origin = origin_json(&source.origin);
        origin["shadows"] = source.shadows.iter().map(origin_json).collect();
        origin
    });
    let candidates = match report.token {
        TokenInUse::Ambiguous { candidates, .. } => Value::from(candidates),
        _ => Value::Null,
    };
    json!({
        "registry": report.registry,
        "user": report.user,
        "credential": report.token.kind(),
        "candidates": candidates,
        "source": source,
        "token": token,
        "errors": report.errors.iter().map(PartError::json).collect::<Vec<_>>(),
    })
}

/// A token's access as data: what it may publish, its grants, whether it bypasses 2FA,
/// and the summary the table shows.
fn access_json(info: &TokenInfo) -> Value {
    let (classic, grants) = match info.access() {
        Access::ReadOnly => (Some("read-only"), Vec::new()),
        Access::ReadWrite => (Some("read-write"), Vec::new()),
        Access::Automation => (Some("automation"), Vec::new()),
        Access::Granular(grants) => (None, grants.iter().collect()),
    };
    let grants: Vec<Value> = grants
        .iter()
        .map(|g| {
            let level = match &g.level {
                crate::token_info::Level::StageOnly => "stage-only".to_owned(),
                level => level.to_string(),
            };
            json!({"on": g.resource.to_string(), "level": level})
        })
        .collect();
    json!({
        "summary": info.access_summary(),
        "publishing": info.publishing().as_str(),
        "bypass_2fa": info.bypasses_2fa(),
        "classic": classic,
        "grants": grants,
    })
}
