//! Everything printed on stdout: the table, npm's lines, JSON and parseable output. The
//! token list streams into a writer; the short answers are returned whole.

mod audit;
mod create;
mod fit;
mod npm;
mod paint;
mod progress;
mod revoke;
mod status;
mod table;

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::registry::{js_stringify_pretty, Token};
use crate::text;
use crate::token_info::{Now, TokenInfo};

pub use audit::AuditReport;
use create::created_token;
use npm::{joined_field, write_lines};
pub use paint::Paint;
pub use progress::Progress;
use revoke::revoked;
pub use revoke::RevokeReport;
pub use status::{ambiguity, PartError, StatusReport, TokenInUse};
use table::write_table;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Parseable,
    /// A table, for people at a terminal.
    Table,
    /// npm's human lines, which scripts written against `npm token` parse.
    Lines,
}

/// npm's `color` setting: `always`, `true` (only on a terminal) or `false`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    // On terminals: npm's `true`.
    #[value(alias = "true")]
    Auto,
    Always,
    // npm's `false`.
    #[value(alias = "false")]
    Never,
}

impl std::str::FromStr for Color {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        <Color as clap::ValueEnum>::from_str(s, false)
            .map_err(|_| "expected auto, always or never (or true, false)".to_owned())
    }
}

/// How results are shown: the format, colour, the terminal's width, and whether to show
/// progress on stderr. Commands print through it and nothing else.
#[derive(Clone, Copy, Debug)]
pub struct Printer {
    pub format: OutputFormat,
    pub paint: Paint,
    /// A status line on stderr while requests are out (`Progress`): stderr is a terminal
    /// (not `TERM=dumb`), and the log level is not `silent`.
    pub progress: bool,
    /// The terminal's width, for the table.
    pub width: Option<u16>,
    /// Draw the table's borders in ASCII (`TERM=dumb` terminals show no box drawing).
    pub ascii: bool,
    /// The one clock read: what "expired", "in 5 days" and "3 days ago" are measured from.
    pub now: Now,
}

impl Printer {
    /// Writes the token list; see `write_token_list`. `in_use`: the index of the token this
    /// configuration authenticates with, which the table marks.
    pub fn token_list(
        &self,
        out: &mut impl Write,
        tokens: &[Token],
        ids: &[String],
        in_use: Option<usize>,
    ) -> io::Result<()> {
        write_token_list(out, tokens, ids, in_use, self)
    }

    /// Writes the table of `tokens` (each a token's typed view and its id): what `list`
    /// prints in a terminal. `in_use`: the index of the token this configuration
    /// authenticates with, which it marks.
    pub fn table(
        &self,
        out: &mut impl Write,
        tokens: &[(&TokenInfo, &str)],
        in_use: Option<usize>,
    ) -> io::Result<()> {
        write_table(out, tokens, in_use, self)
    }

    /// A token's rights and expiry as the table says them, in a phrase: `packages: write;
    /// bypasses 2FA, expires 2027-03-01 (in 90 days)` (no expiry: the rights alone).
    pub fn access_and_expiry(&self, token: &TokenInfo) -> String {
        let (cells, _) = table::table_row(token, "", self.now);
        let (access, expires) = (&cells[3], &cells[7]);
        match expires.as_str() {
            "" => access.clone(),
            "never" => format!("{access}, never expires"),
            _ if expires.starts_with("revoked") => format!("{access}, {expires}"),
            _ => format!("{access}, expires {expires}"),
        }
    }

    pub fn created_token(&self, result: &Map<String, Value>) -> String {
        created_token(result, self)
    }

    pub fn revoked(&self, keys: &[String]) -> String {
        revoked(keys, self.format)
    }
}

/// Writes the token list in npm's formats. `ids` holds each token's short id, in the same order. Lists can
/// be long (10 000 tokens is 5 MB of JSON), so they stream into `out` (give it a buffered
/// writer) rather than being built in memory first.
pub fn write_token_list(
    out: &mut impl Write,
    tokens: &[Token],
    ids: &[String],
    in_use: Option<usize>,
    printer: &Printer,
) -> io::Result<()> {
    let paint = printer.paint;
    match printer.format {
        OutputFormat::Json => {
            if tokens.is_empty() {
                return out.write_all(b"[]\n");
            }
            // `JSON.stringify(tokens, null, 2)`, one token at a time.
            let mut text = Vec::with_capacity(1024);
            for (n, (token, id)) in tokens.iter().zip(ids).enumerate() {
                out.write_all(if n == 0 { b"[\n  " } else { b",\n  " })?;
                text.clear();
                token.write_json_with_id(&mut text, id);
                out.write_all(&text)?;
            }
            out.write_all(b"\n]\n")
        }
        OutputFormat::Parseable => {
            out.write_all(b"key\ttoken\tid\tname\tcreated\treadonly\tCIDR whitelist\n")?;
            for (token, id) in tokens.iter().zip(ids) {
                let token = token.fields();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    tsv(&joined_field(&token, "key")),
                    tsv(&joined_field(&token, "token")),
                    tsv(id),
                    tsv(&joined_field(&token, "name")),
                    tsv(&joined_field(&token, "created")),
                    token.readonly(),
                    tsv(&token.cidr().map(|c| c.join(",")).unwrap_or_default()),
                )?;
            }
            Ok(())
        }
        OutputFormat::Lines => write_lines(out, tokens, ids, paint),
        OutputFormat::Table => {
            let infos: Vec<TokenInfo> = tokens
                .iter()
                .map(|t| TokenInfo::from_fields(&t.fields().0))
                .collect();
            let rows: Vec<(&TokenInfo, &str)> =
                infos.iter().zip(ids.iter().map(String::as_str)).collect();
            write_table(out, &rows, in_use, printer)
        }
    }
}

/// Registry text for a human format, made unable to act on the terminal: escape sequences,
/// other control characters, line breaks and bidirectional overrides are shown escaped.
fn tty(text: &str) -> String {
    text::for_terminal_line(text).into_owned()
}

/// Registry text for a column that is aligned by its width (a table cell, the revoke
/// plan): as [`tty`], and a tab shown as `\t`, since a terminal would move what follows
/// it to the next tab stop, past the width it was measured at.
fn aligned(text: &str) -> String {
    let text = tty(text);
    if text.contains('\t') {
        text.replace('\t', "\\t")
    } else {
        text
    }
}

/// Registry text for a `--parseable` field: escaped as for the terminal, and a tab or a line
/// break cannot make another column or row.
fn tsv(text: &str) -> String {
    text::for_parseable(text).into_owned()
}

/// `JSON.stringify(value, null, 2)` plus the newline npm prints after it.
fn pretty_json(value: &Value) -> String {
    let mut text = js_stringify_pretty(value);
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
