//! npm's own formats for the token list: its human lines and its tab-separated values.

use std::io::{self, Write};

use serde_json::Value;

use super::{tty, Paint};
use crate::registry::{js_string, Token, TokenFields};

/// npm's human lines: what `npm token list` prints.
pub(super) fn write_lines(
    out: &mut impl Write,
    tokens: &[Token],
    ids: &[String],
    paint: Paint,
) -> io::Result<()> {
    for (token, id) in tokens.iter().zip(ids) {
        let token = token.fields();
        let created: String = template_field(&token, "created").chars().take(10).collect();
        writeln!(
            out,
            "{} {}… with id {} name {} created {}",
            paint.blue("Token"),
            tty(&template_field(&token, "token")),
            paint.cyan(&tty(id)),
            paint.magenta(&tty(&name(&token))),
            tty(&created),
        )?;
        if let Some(cidr) = token.cidr().filter(|c| !c.is_empty()) {
            writeln!(
                out,
                "with IP whitelist: {}",
                paint.green(&tty(&cidr.join(",")))
            )?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A field as `[…].join('\t')` renders it: missing and null are empty.
pub(super) fn joined_field(token: &TokenFields, name: &str) -> String {
    match token.field(name) {
        None | Some(Value::Null) => String::new(),
        Some(v) => js_string(v),
    }
}

/// A field as a template string renders it: missing is `undefined`.
pub(super) fn template_field(token: &TokenFields, name: &str) -> String {
    token.field(name).map_or("undefined".to_owned(), js_string)
}

/// npm prints `undefined` for a token without a name; we say so plainly.
pub(super) fn name(token: &TokenFields) -> String {
    match token.field("name") {
        None | Some(Value::Null) => "(unnamed)".to_owned(),
        Some(Value::String(s)) if s.is_empty() => "(unnamed)".to_owned(),
        Some(v) => js_string(v),
    }
}
