//! Everything printed on stdout: the table, npm's lines, JSON and parseable output. The
//! token list streams into a writer; the short answers are returned whole.

use std::io::{self, Write};

use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table};
use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::hygiene::Target;
use crate::registry::{js_string, js_stringify_pretty, js_truthy, Token, TokenFields};
use crate::token_info::{Status, TokenInfo, When};

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
    /// Page-by-page progress on stderr (a terminal, and not `--loglevel silent`).
    pub progress: bool,
    /// The terminal's width, for the table.
    pub width: Option<u16>,
    /// The one clock read: what "expired", "in 5 days" and "3 days ago" are measured from.
    pub now: Timestamp,
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

    pub fn created_token(&self, result: &Map<String, Value>) -> String {
        created_token(result, self.format, self.paint)
    }

    pub fn revoked(&self, keys: &[String]) -> String {
        revoked(keys, self.format)
    }

    /// What a filter is about to revoke: each token's id, name and why. With `dry_run` it is
    /// the output (JSON objects under `--json`, tab-separated under `--parseable`); without,
    /// a preview for the person about to confirm.
    pub fn revocation_plan(&self, targets: &[Target], dry_run: bool) -> String {
        let name = |t: &Target| t.name.clone().filter(|n| !n.is_empty());
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
                        t.key,
                        t.id,
                        name(t).unwrap_or_default(),
                        t.why
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
                let id_width = targets
                    .iter()
                    .map(|t| t.id.chars().count())
                    .max()
                    .unwrap_or(0);
                let names: Vec<String> = targets
                    .iter()
                    .map(|t| name(t).unwrap_or_else(|| "(unnamed)".to_owned()))
                    .collect();
                let name_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
                for (t, name) in targets.iter().zip(&names) {
                    text.push_str(&format!(
                        "  {:id_width$}  {:name_width$}  {}\n",
                        t.id, name, t.why
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
                        let cell = if label == "expires" && status != Status::Active {
                            self.paint.red(cell)
                        } else {
                            cell.clone()
                        };
                        rows.push((label, cell));
                    }
                }
            }
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
        let separator = if self.format == OutputFormat::Parseable {
            "\t"
        } else {
            ""
        };
        let width = if separator.is_empty() { 10 } else { 0 };
        rows.iter()
            .map(|(label, value)| format!("{label:width$}{separator}{value}\n"))
            .collect()
    }
}

/// Colour as npm's chalk paints its output, or none.
#[derive(Clone, Copy, Debug)]
pub struct Paint(pub bool);

impl Paint {
    fn fg(self, code: u8, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[39m")
        } else {
            text.to_owned()
        }
    }

    pub fn red(self, text: &str) -> String {
        self.fg(31, text)
    }

    pub fn yellow(self, text: &str) -> String {
        self.fg(33, text)
    }

    fn green(self, text: &str) -> String {
        self.fg(32, text)
    }

    fn blue(self, text: &str) -> String {
        self.fg(34, text)
    }

    fn magenta(self, text: &str) -> String {
        self.fg(35, text)
    }

    fn cyan(self, text: &str) -> String {
        self.fg(36, text)
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
                    "{}\t{}\t{id}\t{}\t{}\t{}\t{}",
                    joined_field(&token, "key"),
                    joined_field(&token, "token"),
                    joined_field(&token, "name"),
                    joined_field(&token, "created"),
                    token.readonly(),
                    token.cidr().map(|c| c.join(",")).unwrap_or_default(),
                )?;
            }
            Ok(())
        }
        OutputFormat::Lines => {
            for (token, id) in tokens.iter().zip(ids) {
                let token = token.fields();
                let created: String = template_field(&token, "created").chars().take(10).collect();
                writeln!(
                    out,
                    "{} {}… with id {} name {} created {created}",
                    paint.blue("Token"),
                    template_field(&token, "token"),
                    paint.cyan(id),
                    paint.magenta(&name(&token)),
                )?;
                if let Some(cidr) = token.cidr().filter(|c| !c.is_empty()) {
                    writeln!(out, "with IP whitelist: {}", paint.green(&cidr.join(",")))?;
                }
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        OutputFormat::Table => write_table(out, tokens, ids, in_use, printer),
    }
}

/// After the name of the token this configuration authenticates with.
const IN_USE: &str = " (in use)";

/// How many names the `covers` column shows before counting the rest.
const COVERS_SHOWN: usize = 3;

/// The table, one row per token: what each token is, what it may do and cover, and when it
/// expires and was last used, at `now`. Columns that are empty for every token are left out
/// (a Verdaccio list has no expiry, last use or coverage). Expired and revoked tokens say so
/// in words, and in red when colour is on.
fn write_table(
    out: &mut impl Write,
    tokens: &[Token],
    ids: &[String],
    in_use: Option<usize>,
    printer: &Printer,
) -> io::Result<()> {
    let Printer {
        paint, width, now, ..
    } = *printer;
    if tokens.is_empty() {
        return out.write_all(b"No tokens.\n");
    }
    const HEADER: [&str; 9] = [
        "id",
        "name",
        "token",
        "access",
        "covers",
        "CIDR",
        "created",
        "expires",
        "last used",
    ];
    let rows: Vec<([String; 9], Status)> = tokens
        .iter()
        .zip(ids)
        .enumerate()
        .map(|(n, (token, id))| {
            let (mut row, status) = table_row(&TokenInfo::from_fields(&token.fields().0), id, now);
            if in_use == Some(n) {
                row[1].push_str(IN_USE);
            }
            (row, status)
        })
        .collect();
    // `id` is always shown, even for a token without a key.
    let shown: Vec<usize> = (0..HEADER.len())
        .filter(|&column| column == 0 || rows.iter().any(|(row, _)| !row[column].is_empty()))
        .collect();

    let mut table = Table::new();
    // Fit the terminal's width, unless it reports a width no table fits in (some
    // pseudo-terminals say 0): then lay the table out at its natural width.
    let arrangement = match width {
        Some(width) if width >= 40 => {
            table.set_width(width);
            ContentArrangement::Dynamic
        }
        _ => ContentArrangement::Disabled,
    };
    let header = shown.iter().map(|&column| {
        let cell = Cell::new(HEADER[column]);
        if paint.0 {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    });
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(arrangement)
        .set_header(header);
    if paint.0 {
        table.enforce_styling();
    }
    for (row, status) in rows {
        let dead = status != Status::Active;
        table.add_row(shown.iter().map(|&column| {
            let cell = Cell::new(&row[column]);
            // The id (what to revoke) and the expiry (why) stand out.
            if paint.0 && dead && matches!(HEADER[column], "id" | "expires") {
                cell.fg(comfy_table::Color::Red)
            } else {
                cell
            }
        }));
    }
    writeln!(out, "{table}")
}

/// One token's cells, in `write_table`'s column order, and its status at `now`.
fn table_row(token: &TokenInfo, id: &str, now: Timestamp) -> ([String; 9], Status) {
    let day = |text: &str| text.chars().take(10).collect::<String>();
    let status = token.status(now);
    let expires = match (status, token.expiry()) {
        (Status::Revoked, _) => {
            let when = token.revoked().map(|d| day(d.text())).unwrap_or_default();
            format!("revoked {when}").trim_end().to_owned()
        }
        (_, When::At(date)) if date.timestamp().is_some() => format!(
            "{} ({})",
            day(date.text()),
            token.expiry_phrase(now).unwrap_or_default()
        ),
        _ => token.expiry_phrase(now).unwrap_or_default(),
    };
    let row = [
        id.to_owned(),
        token
            .name()
            .filter(|n| !n.is_empty())
            .unwrap_or("(unnamed)")
            .to_owned(),
        token.mask().unwrap_or("").to_owned(),
        token.access().to_string(),
        token.coverage().display(COVERS_SHOWN),
        token.cidr().map(|c| c.join(", ")).unwrap_or_default(),
        token.created().map(|d| day(d.text())).unwrap_or_default(),
        expires,
        token.last_used_phrase(now).unwrap_or_default(),
    ];
    (row, status)
}

/// The answer to a create, with `key` and `updated` already removed.
fn created_token(result: &Map<String, Value>, format: OutputFormat, paint: Paint) -> String {
    match format {
        OutputFormat::Json => pretty_json(&Value::Object(result.clone())),
        OutputFormat::Parseable => result
            .iter()
            .map(|(k, v)| format!("{k}\t{}\n", parseable_value(v)))
            .collect(),
        OutputFormat::Table | OutputFormat::Lines => {
            let token = result
                .get("token")
                .map_or("undefined".to_owned(), js_string);
            let mut out = format!("Created token {token}\n");
            let cidr = result
                .get("cidr_whitelist")
                .filter(|v| js_truthy(v))
                .or_else(|| result.get("cidr"));
            if let Some(Value::Array(list)) = cidr {
                if !list.is_empty() {
                    let entries: Vec<String> = list.iter().map(js_string).collect();
                    out.push_str(&format!(
                        "with IP whitelist: {}\n",
                        paint.green(&entries.join(","))
                    ));
                }
            }
            // npm reads `expires`; npmjs.org answers with `expiry`.
            let expires = ["expires", "expiry"]
                .into_iter()
                .find_map(|name| result.get(name).filter(|v| js_truthy(v)));
            if let Some(expires) = expires {
                out.push_str(&format!("expires: {}\n", js_string(expires)));
            }
            out
        }
    }
}

/// A created token's field on a `--parseable` line: as npm prints it (`String(value)`),
/// except values holding objects (a granular token's `permissions` and `scopes`), which npm
/// prints as `[object Object]`: those are compact JSON.
fn parseable_value(value: &Value) -> String {
    fn holds_object(value: &Value) -> bool {
        match value {
            Value::Object(_) => true,
            Value::Array(items) => items.iter().any(holds_object),
            _ => false,
        }
    }
    if holds_object(value) {
        serde_json::to_string(value).expect("a JSON value always serializes")
    } else {
        js_string(value)
    }
}

/// The keys of revoked tokens.
fn revoked(keys: &[String], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => pretty_json(&Value::from(keys.to_vec())),
        OutputFormat::Parseable => format!("{}\n", keys.join("\t")),
        OutputFormat::Table | OutputFormat::Lines => {
            let s = if keys.len() == 1 { "" } else { "s" };
            format!("Removed {} token{s}\n", keys.len())
        }
    }
}

/// `JSON.stringify(value, null, 2)` plus the newline npm prints after it.
fn pretty_json(value: &Value) -> String {
    let mut text = js_stringify_pretty(value);
    text.push('\n');
    text
}

/// A field as `[…].join('\t')` renders it: missing and null are empty.
fn joined_field(token: &TokenFields, name: &str) -> String {
    match token.field(name) {
        None | Some(Value::Null) => String::new(),
        Some(v) => js_string(v),
    }
}

/// A field as a template string renders it: missing is `undefined`.
fn template_field(token: &TokenFields, name: &str) -> String {
    token.field(name).map_or("undefined".to_owned(), js_string)
}

/// npm prints `undefined` for a token without a name; we say so plainly.
fn name(token: &TokenFields) -> String {
    match token.field("name") {
        None | Some(Value::Null) => "(unnamed)".to_owned(),
        Some(Value::String(s)) if s.is_empty() => "(unnamed)".to_owned(),
        Some(v) => js_string(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PLAIN: Paint = Paint(false);

    fn tokens() -> Vec<Token> {
        [
            json!({"user": "alice", "token": "ODZmM...hODg=", "key": "6d812cd1dd101381e3662cb1cbe30c7b",
                   "cidr": ["192.0.2.0/24", "10.0.0.0/8"], "readonly": false,
                   "created": "2026-11-25T01:22:03.385Z"}),
            json!({"token": "npm_ab", "key": "2dfdb1d2", "name": "ci", "readonly": true,
                   "cidr_whitelist": null, "created": "2026-11-25T01:22:03.698Z", "updated": "x"}),
            json!({}),
        ]
        .into_iter()
        .map(|v| Token::from_map(v.as_object().unwrap().clone()))
        .collect()
    }

    /// The fixed "now" of these tests.
    const NOW: &str = "2026-03-10T12:00:00Z";

    fn printer(format: OutputFormat, paint: Paint) -> Printer {
        Printer {
            format,
            paint,
            progress: false,
            width: None,
            now: NOW.parse().unwrap(),
        }
    }

    fn token_list(tokens: &[Token], ids: &[String], format: OutputFormat, paint: Paint) -> String {
        let mut out = Vec::new();
        write_token_list(&mut out, tokens, ids, None, &printer(format, paint)).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn ids() -> Vec<String> {
        vec!["6d812c".into(), "2dfdb1".into(), "".into()]
    }

    #[test]
    fn lines_follow_npm() {
        assert_eq!(
            token_list(&tokens(), &ids(), OutputFormat::Lines, PLAIN),
            "Token ODZmM...hODg=… with id 6d812c name (unnamed) created 2026-11-25\n\
             with IP whitelist: 192.0.2.0/24,10.0.0.0/8\n\n\
             Token npm_ab… with id 2dfdb1 name ci created 2026-11-25\n\n\
             Token undefined… with id  name (unnamed) created undefined\n\n"
        );
    }

    #[test]
    fn colour_follows_npm_chalk() {
        let out = token_list(
            &tokens()[..1],
            &ids()[..1],
            OutputFormat::Lines,
            Paint(true),
        );
        assert_eq!(
            out,
            "\x1b[34mToken\x1b[39m ODZmM...hODg=… with id \x1b[36m6d812c\x1b[39m name \x1b[35m(unnamed)\x1b[39m created 2026-11-25\n\
             with IP whitelist: \x1b[32m192.0.2.0/24,10.0.0.0/8\x1b[39m\n\n"
        );
        let table = token_list(&tokens(), &ids(), OutputFormat::Table, Paint(true));
        assert!(table.contains("\x1b[1m id "), "{table}");
        let plain = token_list(&tokens(), &ids(), OutputFormat::Table, PLAIN);
        assert!(!plain.contains('\x1b'), "{plain}");
    }

    #[test]
    fn parseable_follows_npm() {
        assert_eq!(
            token_list(&tokens(), &ids(), OutputFormat::Parseable, PLAIN),
            "key\ttoken\tid\tname\tcreated\treadonly\tCIDR whitelist\n\
             6d812cd1dd101381e3662cb1cbe30c7b\tODZmM...hODg=\t6d812c\t\t2026-11-25T01:22:03.385Z\tfalse\t192.0.2.0/24,10.0.0.0/8\n\
             2dfdb1d2\tnpm_ab\t2dfdb1\tci\t2026-11-25T01:22:03.698Z\ttrue\t\n\
             \t\t\t\t\tfalse\t\n"
        );
    }

    #[test]
    fn json_passes_objects_through_with_id_last() {
        let out = token_list(&tokens()[1..2], &ids()[1..2], OutputFormat::Json, PLAIN);
        assert_eq!(
            out,
            "[\n  {\n    \"token\": \"npm_ab\",\n    \"key\": \"2dfdb1d2\",\n    \"name\": \"ci\",\n    \"readonly\": true,\n    \"cidr_whitelist\": null,\n    \"created\": \"2026-11-25T01:22:03.698Z\",\n    \"updated\": \"x\",\n    \"id\": \"2dfdb1\"\n  }\n]\n"
        );
        assert_eq!(token_list(&[], &[], OutputFormat::Json, PLAIN), "[]\n");
        assert_eq!(token_list(&[], &[], OutputFormat::Lines, PLAIN), "");
    }

    #[test]
    fn table_shows_every_token() {
        let out = token_list(&tokens(), &ids(), OutputFormat::Table, PLAIN);
        for needle in [
            "6d812c",
            "ODZmM...hODg=",
            "192.0.2.0/24, 10.0.0.0/8",
            "read-only",
            "ci",
        ] {
            assert!(out.contains(needle), "{needle} in\n{out}");
        }
        assert_eq!(
            token_list(&[], &[], OutputFormat::Table, PLAIN),
            "No tokens.\n"
        );
    }

    /// npmjs.org's list: granular tokens (one expiring soon, one expired, one revoked, one
    /// that never expires) and a classic one.
    fn npmjs_tokens() -> Vec<Token> {
        [
            json!({"name": "publish", "key": "d83cf1a2-4b5c-4d6e-8f90-a1b2c3d4e5f6",
                   "token": "npm_NYn6...jCq0", "expiry": "2026-03-15T12:00:00.000Z",
                   "cidr": ["192.0.2.0/24"], "bypass_2fa": true, "revoked": null,
                   "created": "2026-01-14T12:22:18.350Z", "accessed": "2026-03-07T08:21:34.208Z",
                   "permissions": [{"name": "package", "action": "write"}, {"name": "org", "action": "read"}],
                   "scopes": [{"name": "@a/one", "type": "package"}, {"name": "@a/two", "type": "package"},
                              {"name": "@b", "type": "scope"}, {"name": "acme", "type": "org"}]}),
            json!({"name": "old", "key": "0b3f2c11-0000-4000-8000-000000000001",
                   "token": "npm_AAAA...BBBB", "expiry": "2026-02-26T09:00:00.000Z", "cidr": [],
                   "revoked": null, "created": "2025-12-01T00:00:00.000Z", "accessed": null,
                   "permissions": [{"name": "package", "action": "read"}], "scopes": []}),
            json!({"name": "gone", "key": "7c0ffee0-0000-4000-8000-000000000002",
                   "token": "npm_CCCC...DDDD", "expiry": "2026-06-01T00:00:00.000Z", "cidr": [],
                   "revoked": "2026-03-01T10:00:00.000Z", "created": "2026-02-01T00:00:00.000Z",
                   "accessed": null, "permissions": [], "scopes": []}),
            json!({"name": "reader", "key": "9e9e9e9e-0000-4000-8000-000000000003",
                   "token": "npm_EEEE...FFFF", "expiry": null, "cidr": [], "revoked": null,
                   "created": "2026-03-01T00:00:00.000Z", "accessed": "2026-03-10T11:00:00.000Z",
                   "permissions": [{"name": "package", "action": "read"}],
                   "scopes": [{"name": "@a/one", "type": "package"}]}),
            json!({"token": "a73c95", "key": "ab12cd34", "cidr_whitelist": null, "readonly": true,
                   "automation": false, "created": "2017-10-21T10:00:00.000Z"}),
        ]
        .into_iter()
        .map(|v| Token::from_map(v.as_object().unwrap().clone()))
        .collect()
    }

    #[test]
    fn table_tells_what_each_token_may_do_and_when_it_ends() {
        let ids: Vec<String> = ["d83cf1", "0b3f2c", "7c0ffe", "9e9e9e", "ab12cd"]
            .map(String::from)
            .to_vec();
        let out = token_list(&npmjs_tokens(), &ids, OutputFormat::Table, PLAIN);
        assert_eq!(
            out,
            "\
┌────────┬───────────┬─────────────────┬─────────────────────────────┬────────────────────────────┬──────────────┬────────────┬──────────────────────────────────┬────────────┐
│ id     ┆ name      ┆ token           ┆ access                      ┆ covers                     ┆ CIDR         ┆ created    ┆ expires                          ┆ last used  │
╞════════╪═══════════╪═════════════════╪═════════════════════════════╪════════════════════════════╪══════════════╪════════════╪══════════════════════════════════╪════════════╡
│ d83cf1 ┆ publish   ┆ npm_NYn6...jCq0 ┆ packages: write, orgs: read ┆ @a/one, @a/two, @b +1 more ┆ 192.0.2.0/24 ┆ 2026-01-14 ┆ 2026-03-15 (in 5 days)           ┆ 3 days ago │
│ 0b3f2c ┆ old       ┆ npm_AAAA...BBBB ┆ packages: read              ┆                            ┆              ┆ 2025-12-01 ┆ 2026-02-26 (expired 12 days ago) ┆ never      │
│ 7c0ffe ┆ gone      ┆ npm_CCCC...DDDD ┆ no access                   ┆                            ┆              ┆ 2026-02-01 ┆ revoked 2026-03-01               ┆ never      │
│ 9e9e9e ┆ reader    ┆ npm_EEEE...FFFF ┆ packages: read              ┆ @a/one                     ┆              ┆ 2026-03-01 ┆ never                            ┆ today      │
│ ab12cd ┆ (unnamed) ┆ a73c95          ┆ read-only                   ┆                            ┆              ┆ 2017-10-21 ┆                                  ┆            │
└────────┴───────────┴─────────────────┴─────────────────────────────┴────────────────────────────┴──────────────┴────────────┴──────────────────────────────────┴────────────┘
"
        );
        // With colour, the ids of the expired and the revoked token are red.
        let coloured = token_list(&npmjs_tokens(), &ids, OutputFormat::Table, Paint(true));
        for (id, dead) in [
            ("d83cf1", false),
            ("0b3f2c", true),
            ("7c0ffe", true),
            ("ab12cd", false),
        ] {
            let red = format!("\x1b[38;5;9m {id} ");
            assert_eq!(coloured.contains(&red), dead, "{id} in\n{coloured}");
        }
    }

    #[test]
    fn table_leaves_out_columns_no_token_fills() {
        // Verdaccio's tokens: no expiry, use or coverage to show.
        let out = token_list(&tokens()[..2], &ids()[..2], OutputFormat::Table, PLAIN);
        let header = out.lines().nth(1).unwrap();
        assert_eq!(
            header
                .split('┆')
                .map(|c| c.trim_matches(['│', ' ']))
                .collect::<Vec<_>>(),
            ["id", "name", "token", "access", "CIDR", "created"]
        );
        let no_cidr = token_list(&tokens()[1..2], &ids()[1..2], OutputFormat::Table, PLAIN);
        assert!(!no_cidr.contains("CIDR"), "{no_cidr}");
    }

    #[test]
    fn create_outputs() {
        let result = json!({"token": "full-token", "cidr": ["10.0.0.0/8"], "readonly": true, "expires": null});
        let map = result.as_object().unwrap();
        assert_eq!(
            created_token(map, OutputFormat::Lines, PLAIN),
            "Created token full-token\nwith IP whitelist: 10.0.0.0/8\n"
        );
        assert_eq!(
            created_token(map, OutputFormat::Parseable, PLAIN),
            "token\tfull-token\ncidr\t10.0.0.0/8\nreadonly\ttrue\nexpires\tnull\n"
        );
        let expiring = json!({"token": "t", "cidr_whitelist": [], "expires": "2027-01-01"});
        assert_eq!(
            created_token(expiring.as_object().unwrap(), OutputFormat::Lines, PLAIN),
            "Created token t\nexpires: 2027-01-01\n"
        );
        // npmjs.org's answer: `cidr` and `expiry`, rights as objects.
        let gat = json!({"name": "ci", "token": "npm_0123456789abcdefghijklmnopqrstuvwxyz",
            "expiry": "2026-04-09T12:00:00.000Z", "cidr": ["192.0.2.0/24"],
            "permissions": [{"name": "package", "action": "read"}], "scopes": [], "revoked": null});
        let gat = gat.as_object().unwrap();
        assert_eq!(
            created_token(gat, OutputFormat::Lines, PLAIN),
            "Created token npm_0123456789abcdefghijklmnopqrstuvwxyz\n\
             with IP whitelist: 192.0.2.0/24\n\
             expires: 2026-04-09T12:00:00.000Z\n"
        );
        assert_eq!(
            created_token(gat, OutputFormat::Parseable, PLAIN),
            "name\tci\ntoken\tnpm_0123456789abcdefghijklmnopqrstuvwxyz\n\
             expiry\t2026-04-09T12:00:00.000Z\ncidr\t192.0.2.0/24\n\
             permissions\t[{\"name\":\"package\",\"action\":\"read\"}]\nscopes\t\nrevoked\tnull\n"
        );
    }

    #[test]
    fn revoke_outputs() {
        let keys = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(revoked(&keys, OutputFormat::Lines), "Removed 2 tokens\n");
        assert_eq!(
            revoked(&keys[..1], OutputFormat::Lines),
            "Removed 1 token\n"
        );
        assert_eq!(revoked(&keys, OutputFormat::Parseable), "a\tb\n");
        assert_eq!(
            revoked(&keys, OutputFormat::Json),
            "[\n  \"a\",\n  \"b\"\n]\n"
        );
    }
}
