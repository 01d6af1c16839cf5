//! What `status` prints.

use serde_json::Value;

use super::table::table_row;
use super::{pretty_json, tsv, tty, OutputFormat, Printer};
use crate::token_info::{Status, TokenInfo, When};

/// What `status` shows.
pub struct StatusReport<'a> {
    pub registry: &'a str,
    pub user: &'a str,
    pub token: TokenInUse<'a>,
}

/// The token this configuration authenticates with, as the list knows it.
pub enum TokenInUse<'a> {
    Listed {
        id: &'a str,
        info: &'a TokenInfo,
    },
    /// A token the list does not show: a login session (`npm login`).
    NotListed,
    /// The registry would not list tokens to this token.
    Unlisted,
    /// This many listed tokens share its mask.
    Ambiguous(usize),
    /// Not a token: a username and password, or a client certificate.
    NotAToken,
}

impl Printer {
    pub fn status(&self, report: &StatusReport) -> String {
        let now = self.now;
        let listed = match &report.token {
            TokenInUse::Listed { id, info } => Some((*id, *info)),
            _ => None,
        };
        if self.format == OutputFormat::Json {
            let token = listed.map_or(Value::Null, |(id, info)| {
                let status = match info.status(now) {
                    Status::Active => "active",
                    Status::Expired => "expired",
                    Status::Revoked => "revoked",
                };
                let date = |when: &When| match when {
                    When::At(date) => Value::from(date.text()),
                    _ => Value::Null,
                };
                serde_json::json!({
                    "id": id,
                    "key": info.key(),
                    "name": info.name(),
                    "token": info.mask(),
                    "access": info.access().to_string(),
                    "cidr": info.cidr(),
                    "created": info.created().map(|d| d.text()),
                    "expires": date(info.expiry()),
                    "expires_in_days": info.expires_in_days(now),
                    "last_used": date(info.last_use()),
                    "status": status,
                })
            });
            return pretty_json(&serde_json::json!({
                "registry": report.registry,
                "user": report.user,
                "token": token,
            }));
        }
        let mut rows: Vec<(&str, String)> = vec![
            ("registry", report.registry.to_owned()),
            ("user", report.user.to_owned()),
        ];
        let mut dead = false;
        match (&report.token, listed) {
            (_, Some((id, info))) => {
                let (cells, status) = table_row(info, id, now);
                let mut token = id.to_owned();
                if let Some(name) = info.name().filter(|n| !n.is_empty()) {
                    token.push_str(&format!(" {name}"));
                }
                if let Some(mask) = info.mask() {
                    token.push_str(&format!(" ({mask})"));
                }
                rows.push(("token", token));
                rows.push(("access", cells[3].clone()));
                let rest = [
                    ("covers", &cells[4]),
                    ("CIDR", &cells[5]),
                    ("created", &cells[6]),
                    ("expires", &cells[7]),
                    ("last used", &cells[8]),
                ];
                for (label, cell) in rest {
                    if !cell.is_empty() {
                        rows.push((label, cell.clone()));
                    }
                }
                dead = status != Status::Active;
            }
            (TokenInUse::Unlisted, _) => rows.push((
                "token",
                "unknown: the registry does not list tokens to this token (on npmjs.org only a login session may)"
                    .to_owned(),
            )),
            (TokenInUse::Ambiguous(n), _) => rows.push((
                "token",
                format!("one of {n} listed tokens that share its mask"),
            )),
            (TokenInUse::NotListed, _) => rows.push((
                "token",
                "not in the token list: a login session (`npm login` makes these; lists do not show them)"
                    .to_owned(),
            )),
            _ => rows.push((
                "token",
                "none: this configuration signs in with a username and password, or a client certificate"
                    .to_owned(),
            )),
        }
        // Every value may be registry text: escaped for its format, then painted.
        let parseable = self.format == OutputFormat::Parseable;
        rows.iter()
            .map(|(label, value)| {
                if parseable {
                    format!("{label}\t{}\n", tsv(value))
                } else if *label == "expires" && dead {
                    format!("{label:10}{}\n", self.paint.red(&tty(value)))
                } else {
                    format!("{label:10}{}\n", tty(value))
                }
            })
            .collect()
    }
}
