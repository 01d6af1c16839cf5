//! Everything printed on stdout: the table, npm's lines, JSON and parseable output. The
//! token list streams into a writer; the short answers are returned whole.

use std::io::{self, Write};

use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table};
use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::hygiene::Target;
use crate::registry::{js_string, js_stringify_pretty, js_truthy, Token, TokenFields};
use crate::text;
use crate::token_info::{shortened, Status, TokenInfo, When};

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
    /// Draw the table's borders in ASCII (`TERM=dumb` terminals show no box drawing).
    pub ascii: bool,
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
        OutputFormat::Table => write_table(out, tokens, ids, in_use, printer),
    }
}

/// npm's human lines: what `npm token list` prints.
fn write_lines(
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

/// The table's columns, in order.
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

/// The columns a table too wide for the terminal gives up, first to last: what a token
/// covers and its mask go first, its rights last. `id` (what `revoke` takes), `name` and
/// `expires` are always kept.
const GIVEN_UP_FIRST: [&str; 6] = ["covers", "token", "created", "CIDR", "last used", "access"];

/// The most lines a cell may wrap into before the table gives up a column to make room.
const MAX_CELL_LINES: usize = 3;

/// After the name of the token this configuration authenticates with.
const IN_USE: &str = "(in use)";

/// How many names the `covers` column shows before counting the rest.
const COVERS_SHOWN: usize = 3;

/// How many ranges the `CIDR` column shows before counting the rest: with the count, one
/// range a line, a cell of at most [`MAX_CELL_LINES`] lines.
const CIDR_SHOWN: usize = MAX_CELL_LINES - 1;

/// The table, one row per token: what each token is, what it may do and cover, and when it
/// expires and was last used, at `now`. Columns that are empty for every token are left out
/// (a Verdaccio list has no expiry, last use or coverage). Expired and revoked tokens say so
/// in words, and in red when colour is on.
///
/// On a terminal the table fits its width (see [`fit_columns`]): cells wrap between words
/// only, low-value columns are given up first, and a terminal too narrow even for the id,
/// name and expiry gets npm's lines instead.
fn write_table(
    out: &mut impl Write,
    tokens: &[Token],
    ids: &[String],
    in_use: Option<usize>,
    printer: &Printer,
) -> io::Result<()> {
    let Printer {
        paint,
        width,
        ascii,
        now,
        ..
    } = *printer;
    if tokens.is_empty() {
        return out.write_all(b"No tokens.\n");
    }
    let rows: Vec<([CellText; 9], Status)> = tokens
        .iter()
        .zip(ids)
        .enumerate()
        .map(|(n, (token, id))| {
            let info = TokenInfo::from_fields(&token.fields().0);
            table_cells(&info, id, now, in_use == Some(n))
        })
        .collect();
    // `id` is always shown, even for a token without a key.
    let filled: Vec<usize> = (0..HEADER.len())
        .filter(|&column| column == 0 || rows.iter().any(|(row, _)| !row[column].is_empty()))
        .collect();
    let header = HEADER.map(CellText::words);
    let cells: Vec<&[CellText; 9]> = std::iter::once(&header)
        .chain(rows.iter().map(|(row, _)| row))
        .collect();
    // Some pseudo-terminals say their width is 0: lay the table out at its natural width.
    let columns = match width.filter(|&width| width > 0) {
        None => natural_columns(&cells, &filled),
        Some(width) => match fit_columns(&cells, &filled, usize::from(width)) {
            Some(columns) => columns,
            None => return write_lines(out, tokens, ids, paint),
        },
    };

    let mut table = Table::new();
    table
        .load_preset(if ascii {
            presets::ASCII_FULL_CONDENSED
        } else {
            presets::UTF8_FULL_CONDENSED
        })
        // The cells are wrapped here, to the widths chosen; comfy-table would split words.
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(columns.iter().map(|&(column, width)| {
            let cell = Cell::new(header[column].wrap(width).join("\n"));
            if paint.0 {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
    if paint.0 {
        table.enforce_styling();
    }
    for (row, status) in &rows {
        let dead = *status != Status::Active;
        table.add_row(columns.iter().map(|&(column, width)| {
            let cell = Cell::new(row[column].wrap(width).join("\n"));
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

/// One token's cells for the table: [`table_row`]'s, with the name marked when the token
/// is the one in use, and the coverage and CIDR lists cut to a count.
fn table_cells(
    info: &TokenInfo,
    id: &str,
    now: Timestamp,
    in_use: bool,
) -> ([CellText; 9], Status) {
    let (row, status) = table_row(info, id, now);
    let mut cells = row.map(|text| CellText::words(&tty(&text)));
    if in_use {
        if let CellText::Words(name) = &mut cells[1] {
            name.push(IN_USE.to_owned());
        }
    }
    let names: Vec<String> = info.coverage().names().iter().map(|n| tty(n)).collect();
    let (shown, more) = shortened(&names, COVERS_SHOWN);
    cells[4] = CellText::list(shown, more);
    let cidr: Vec<String> = info
        .cidr()
        .unwrap_or_default()
        .iter()
        .map(|c| tty(c))
        .collect();
    let (shown, more) = shortened(&cidr, CIDR_SHOWN);
    cells[5] = CellText::Stack {
        items: shown.to_vec(),
        more,
    };
    (cells, status)
}

/// A cell's text as the table lays it out: lines break between words, never inside one.
#[derive(Debug)]
enum CellText {
    /// Words joined by spaces, as many to a line as fit.
    Words(Vec<String>),
    /// A list kept whole (CIDR ranges): `a, b +2 more` on one line where that fits, else
    /// one item a line, then the count.
    Stack { items: Vec<String>, more: usize },
}

impl CellText {
    /// `text`'s words. Any whitespace separates words; a newline or tab in registry text is
    /// shown as a space.
    fn words(text: &str) -> CellText {
        CellText::Words(text.split_whitespace().map(str::to_owned).collect())
    }

    /// A list that flows like words: `a, b, c +2 more`, each line ending after a comma, and
    /// the count never split from its `more`.
    fn list(items: &[String], more: usize) -> CellText {
        let mut words: Vec<String> = Vec::new();
        for (n, item) in items.iter().enumerate() {
            let last = n + 1 == items.len();
            let mut item_words: Vec<String> = item.split_whitespace().map(str::to_owned).collect();
            match item_words.last_mut() {
                Some(word) if !last => word.push(','),
                _ => {}
            }
            words.extend(item_words);
        }
        if more > 0 {
            words.push(more_text(more));
        }
        CellText::Words(words)
    }

    fn is_empty(&self) -> bool {
        match self {
            CellText::Words(words) => words.is_empty(),
            CellText::Stack { items, .. } => items.is_empty(),
        }
    }

    /// What never breaks: each word (of a stack, each word of its items), and a count.
    fn pieces(&self) -> Vec<String> {
        match self {
            CellText::Words(words) => words.clone(),
            CellText::Stack { items, more } => {
                let mut pieces: Vec<String> = items
                    .iter()
                    .flat_map(|item| item.split_whitespace())
                    .map(str::to_owned)
                    .collect();
                if *more > 0 {
                    pieces.push(more_text(*more));
                }
                pieces
            }
        }
    }

    /// The narrowest the cell can be without splitting a word.
    fn min_width(&self) -> usize {
        self.pieces()
            .iter()
            .map(|piece| text_width(piece))
            .max()
            .unwrap_or(0)
    }

    /// The cell's width on one line.
    fn natural_width(&self) -> usize {
        text_width(&self.one_line())
    }

    fn one_line(&self) -> String {
        match self {
            CellText::Words(words) => words.join(" "),
            CellText::Stack { items, more } => {
                let mut line = items.join(", ");
                if *more > 0 {
                    line.push(' ');
                    line.push_str(&more_text(*more));
                }
                line
            }
        }
    }

    /// The cell's lines at `width` columns: as many words to a line as fit, or a stack one
    /// item a line. A word wider than `width` has a line of its own, whole.
    fn wrap(&self, width: usize) -> Vec<String> {
        let one_line = self.one_line();
        if text_width(&one_line) <= width {
            return vec![one_line];
        }
        let mut lines: Vec<String> = Vec::new();
        match self {
            CellText::Stack { items, more } => {
                for item in items {
                    lines.extend(CellText::words(item).wrap(width));
                }
                if *more > 0 {
                    lines.push(more_text(*more));
                }
            }
            CellText::Words(words) => {
                let mut line = String::new();
                for word in words {
                    if line.is_empty() {
                        line.push_str(word);
                    } else if text_width(&line) + 1 + text_width(word) <= width {
                        line.push(' ');
                        line.push_str(word);
                    } else {
                        lines.push(std::mem::replace(&mut line, word.clone()));
                    }
                }
                lines.push(line);
            }
        }
        lines
    }
}

/// `+3 more`, after a list cut short.
fn more_text(more: usize) -> String {
    format!("+{more} more")
}

/// How many terminal columns `text` takes, as comfy-table measures it.
fn text_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// What a table's borders and padding take beside its text: `│ a ┆ b │` is 3 per column
/// and one more.
fn border_width(columns: usize) -> usize {
    3 * columns + 1
}

/// Each of the `shown` columns of `cells` (the header first, then a row per token) at the
/// width of its longest line.
fn natural_columns(cells: &[&[CellText; 9]], shown: &[usize]) -> Vec<(usize, usize)> {
    shown
        .iter()
        .map(|&column| {
            let width = cells.iter().map(|row| row[column].natural_width()).max();
            (column, width.unwrap_or(0))
        })
        .collect()
}

/// The columns of `shown` that a table `width` terminal columns wide keeps, each with the
/// width its text wraps to; `None` when even `id`, `name` and `expires` do not fit with
/// their longest words whole (the caller then prints npm's lines).
///
/// Every column gets at least its longest word, and the room left goes first to the
/// columns that need least to fit on one line (an even share of what remains, at most what
/// each needs). While some cell would still take more than [`MAX_CELL_LINES`] lines, or the
/// columns do not fit at all, the next column of [`GIVEN_UP_FIRST`] is left out.
fn fit_columns(
    cells: &[&[CellText; 9]],
    shown: &[usize],
    width: usize,
) -> Option<Vec<(usize, usize)>> {
    let min_width: Vec<usize> = (0..HEADER.len())
        .map(|column| {
            let widest = cells.iter().map(|row| row[column].min_width()).max();
            widest.unwrap_or(0)
        })
        .collect();
    let natural = natural_columns(cells, shown);
    let mut kept: Vec<(usize, usize)> = natural;
    let mut given_up = GIVEN_UP_FIRST
        .iter()
        .filter_map(|name| HEADER.iter().position(|header| header == name));
    loop {
        let fits = width
            .checked_sub(border_width(kept.len()))
            .and_then(|room| share_out(cells, &kept, &min_width, room));
        let can_give_up = kept
            .iter()
            .any(|&(column, _)| GIVEN_UP_FIRST.contains(&HEADER[column]));
        match fits {
            Some(columns) if !can_give_up || !too_tall(cells, &columns) => return Some(columns),
            None if !can_give_up => return None,
            _ => {
                let next = given_up.find(|&column| kept.iter().any(|&(c, _)| c == column))?;
                kept.retain(|&(column, _)| column != next);
            }
        }
    }
}

/// `room` shared among `columns` (each with its natural width): each gets its `min_width`,
/// then the columns that need least to fit on one line get more first, an even share of
/// what is left at a time and at most what they need. A column that wraps narrower than
/// its share gives the rest back to those after it. `None` when the minimums alone do not
/// fit.
fn share_out(
    cells: &[&[CellText; 9]],
    columns: &[(usize, usize)],
    min_width: &[usize],
    room: usize,
) -> Option<Vec<(usize, usize)>> {
    let mut widths: Vec<(usize, usize)> = columns
        .iter()
        .map(|&(column, _)| (column, min_width[column]))
        .collect();
    let mut left = room.checked_sub(widths.iter().map(|&(_, width)| width).sum())?;
    let mut by_need: Vec<(usize, usize)> = columns
        .iter()
        .enumerate()
        .map(|(n, &(column, natural))| (n, natural.saturating_sub(min_width[column])))
        .collect();
    by_need.sort_by_key(|&(_, need)| need);
    let mut waiting = by_need.len();
    for (n, need) in by_need {
        let (column, width) = &mut widths[n];
        let share = left.div_ceil(waiting).min(need);
        let used = cells
            .iter()
            .flat_map(|row| row[*column].wrap(*width + share))
            .map(|line| text_width(&line))
            .max()
            .unwrap_or(0)
            .max(*width);
        left -= used - *width;
        *width = used;
        waiting -= 1;
    }
    Some(widths)
}

/// Whether some cell of `columns` takes more than [`MAX_CELL_LINES`] lines at its width.
fn too_tall(cells: &[&[CellText; 9]], columns: &[(usize, usize)]) -> bool {
    cells.iter().any(|row| {
        columns
            .iter()
            .any(|&(column, width)| row[column].wrap(width).len() > MAX_CELL_LINES)
    })
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
            .map(|(k, v)| format!("{}\t{}\n", tsv(k), tsv(&parseable_value(v))))
            .collect(),
        OutputFormat::Table | OutputFormat::Lines => {
            let token = result
                .get("token")
                .map_or("undefined".to_owned(), js_string);
            let mut out = format!("Created token {}\n", tty(&token));
            let cidr = result
                .get("cidr_whitelist")
                .filter(|v| js_truthy(v))
                .or_else(|| result.get("cidr"));
            if let Some(Value::Array(list)) = cidr {
                if !list.is_empty() {
                    let entries: Vec<String> = list.iter().map(js_string).collect();
                    out.push_str(&format!(
                        "with IP whitelist: {}\n",
                        paint.green(&tty(&entries.join(",")))
                    ));
                }
            }
            // npm reads `expires`; npmjs.org answers with `expiry`.
            let expires = ["expires", "expiry"]
                .into_iter()
                .find_map(|name| result.get(name).filter(|v| js_truthy(v)));
            if let Some(expires) = expires {
                out.push_str(&format!("expires: {}\n", tty(&js_string(expires))));
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

/// Registry text for a human format, made unable to act on the terminal: escape sequences,
/// other control characters, line breaks and bidirectional overrides are shown escaped.
fn tty(text: &str) -> String {
    text::for_terminal_line(text).into_owned()
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
            ascii: false,
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

    /// Classic and granular tokens together, each with an id: npmjs.org's list, two of
    /// Verdaccio's, and a token allowed from five ranges.
    fn mixed_list() -> (Vec<Token>, Vec<String>) {
        let mut list = npmjs_tokens();
        list.extend(tokens().into_iter().take(2));
        let five = json!({"token": "npm_FIVE...CIDR", "key": "f1e2d3c4", "name": "many ranges",
            "cidr_whitelist": ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                               "10.0.0.0/8", "172.16.0.0/12"],
            "readonly": false, "created": "2026-02-02T00:00:00.000Z"});
        list.push(Token::from_map(five.as_object().unwrap().clone()));
        let ids = [
            "d83cf1", "0b3f2c", "7c0ffe", "9e9e9e", "ab12cd", "6d812c", "2dfdb1", "f1e2d3",
        ]
        .map(String::from)
        .to_vec();
        (list, ids)
    }

    fn table_at(width: Option<u16>, ascii: bool, in_use: Option<usize>) -> String {
        let (tokens, ids) = mixed_list();
        let printer = Printer {
            width,
            ascii,
            ..printer(OutputFormat::Table, PLAIN)
        };
        let mut out = Vec::new();
        write_token_list(&mut out, &tokens, &ids, in_use, &printer).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A rendered table read back: its header, and each row's cells, each cell as its
    /// lines. A row goes on over the lines whose `id` cell is empty.
    fn parse_table(table: &str) -> (Vec<String>, Vec<Vec<Vec<String>>>) {
        let split = |line: &str| -> Vec<String> {
            let inner = line
                .trim_start_matches(['│', '|'])
                .trim_end_matches(['│', '|']);
            inner
                .split(['┆', '|'])
                .map(|c| c.trim().to_owned())
                .collect()
        };
        let mut lines = table.lines();
        assert!(lines.next().unwrap().starts_with(['┌', '+']), "{table}");
        let mut header: Vec<Vec<String>> = Vec::new();
        for line in lines.by_ref() {
            if line.starts_with(['╞', '+']) {
                break;
            }
            let cells = split(line);
            header.resize(cells.len(), Vec::new());
            for (column, cell) in cells.into_iter().enumerate() {
                header[column].push(cell);
            }
        }
        let mut rows: Vec<Vec<Vec<String>>> = Vec::new();
        for line in lines.take_while(|line| !line.starts_with(['└', '+'])) {
            let cells = split(line);
            if !cells[0].is_empty() || rows.is_empty() {
                rows.push(vec![Vec::new(); cells.len()]);
            }
            let row = rows.last_mut().unwrap();
            for (column, cell) in cells.into_iter().enumerate() {
                if !cell.is_empty() {
                    row[column].push(cell);
                }
            }
        }
        let header = header
            .iter()
            .map(|lines| lines.join(" ").trim().to_owned())
            .collect();
        (header, rows)
    }

    /// The columns the table shows at each width, as the tests below expect them.
    const FITS: [(u16, &[&str]); 5] = [
        (40, &["id", "name", "expires"]),
        (50, &["id", "name", "access", "expires"]),
        (60, &["id", "name", "access", "expires", "last used"]),
        (
            80,
            &["id", "name", "access", "CIDR", "expires", "last used"],
        ),
        (
            120,
            &[
                "id",
                "name",
                "token",
                "access",
                "CIDR",
                "created",
                "expires",
                "last used",
            ],
        ),
    ];

    #[test]
    fn narrow_tables_fit_the_terminal_without_splitting_a_word() {
        // At its natural width, every cell is on one line: what each narrow cell must read.
        let (all_columns, natural) = parse_table(&table_at(None, false, Some(0)));
        assert_eq!(all_columns, HEADER);
        for (width, columns) in FITS {
            let table = table_at(Some(width), false, Some(0));
            for line in table.lines() {
                assert!(
                    text_width(line) <= usize::from(width),
                    "{width}: {line}\n{table}"
                );
            }
            let (header, rows) = parse_table(&table);
            assert_eq!(header, columns, "{width}:\n{table}");
            assert_eq!(rows.len(), natural.len(), "{width}:\n{table}");
            for (row, whole) in rows.iter().zip(&natural) {
                for (shown, name) in header.iter().enumerate() {
                    let whole = &whole[all_columns.iter().position(|c| c == name).unwrap()];
                    let lines = &row[shown];
                    if name == "CIDR" {
                        // One range a line, or all on one line; then the count.
                        assert!(lines.len() == 1 || lines.iter().all(|l| !l.contains(", ")));
                        assert_eq!(lines.join(", ").replace(", +", " +"), whole.join(""));
                    } else {
                        // Rejoined at the line breaks, the cell reads as it does whole:
                        // no `creat`/`ed`.
                        assert_eq!(lines.join(" "), whole.join(""), "{width}: {name}\n{table}");
                    }
                }
            }
        }
    }

    #[test]
    fn narrow_tables_give_up_columns_in_a_set_order() {
        for (width, columns) in FITS {
            let given_up: Vec<&str> = HEADER
                .into_iter()
                .filter(|column| !columns.contains(column))
                .collect();
            let mut in_order = GIVEN_UP_FIRST[..given_up.len()].to_vec();
            in_order.sort_by_key(|c| HEADER.iter().position(|h| h == c));
            assert_eq!(given_up, in_order, "{width}");
        }
        // A list with no expiry to show keeps id and name to the last.
        let (tokens, ids) = (tokens(), ids());
        let printer = Printer {
            width: Some(30),
            ..printer(OutputFormat::Table, PLAIN)
        };
        let mut out = Vec::new();
        write_token_list(&mut out, &tokens[..2], &ids[..2], None, &printer).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\
┌────────┬───────────┐
│ id     ┆ name      │
╞════════╪═══════════╡
│ 6d812c ┆ (unnamed) │
│ 2dfdb1 ┆ ci        │
└────────┴───────────┘
"
        );
    }

    #[test]
    fn a_table_at_fifty_columns() {
        assert_eq!(
            table_at(Some(50), false, Some(0)),
            "\
┌────────┬───────────┬────────────┬─────────────┐
│ id     ┆ name      ┆ access     ┆ expires     │
╞════════╪═══════════╪════════════╪═════════════╡
│ d83cf1 ┆ publish   ┆ packages:  ┆ 2026-03-15  │
│        ┆ (in use)  ┆ write,     ┆ (in 5 days) │
│        ┆           ┆ orgs: read ┆             │
│ 0b3f2c ┆ old       ┆ packages:  ┆ 2026-02-26  │
│        ┆           ┆ read       ┆ (expired 12 │
│        ┆           ┆            ┆ days ago)   │
│ 7c0ffe ┆ gone      ┆ no access  ┆ revoked     │
│        ┆           ┆            ┆ 2026-03-01  │
│ 9e9e9e ┆ reader    ┆ packages:  ┆ never       │
│        ┆           ┆ read       ┆             │
│ ab12cd ┆ (unnamed) ┆ read-only  ┆             │
│ 6d812c ┆ (unnamed) ┆ read-write ┆             │
│ 2dfdb1 ┆ ci        ┆ read-only  ┆             │
│ f1e2d3 ┆ many      ┆ read-write ┆             │
│        ┆ ranges    ┆            ┆             │
└────────┴───────────┴────────────┴─────────────┘
"
        );
    }

    #[test]
    fn too_narrow_for_id_name_and_expiry_prints_npm_lines() {
        let (tokens, ids) = mixed_list();
        let lines = {
            let mut out = Vec::new();
            write_token_list(
                &mut out,
                &tokens,
                &ids,
                None,
                &printer(OutputFormat::Lines, PLAIN),
            )
            .unwrap();
            String::from_utf8(out).unwrap()
        };
        // id (6) + name (`(unnamed)`, 9) + expires (`2026-03-15`, 10) + borders (10) = 35.
        assert_eq!(table_at(Some(34), false, None), lines);
        assert!(table_at(Some(35), false, None).starts_with('┌'));
        // A name with a word no terminal row holds does the same.
        let long = json!({"key": "abcdef12", "name": "x".repeat(200), "token": "npm_ab"});
        let printer = Printer {
            width: Some(120),
            ..printer(OutputFormat::Table, PLAIN)
        };
        let mut out = Vec::new();
        let tokens = [Token::from_map(long.as_object().unwrap().clone())];
        write_token_list(&mut out, &tokens, &["abcdef".to_owned()], None, &printer).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("Token npm_ab… with id abcdef"));
    }

    #[test]
    fn long_cidr_lists_end_with_a_count() {
        let wide = table_at(None, false, None);
        assert!(
            wide.contains("┆ 192.0.2.0/24, 198.51.100.0/24 +3 more ┆"),
            "{wide}"
        );
        let narrow = table_at(Some(80), false, None);
        let (header, rows) = parse_table(&narrow);
        let cidr = header.iter().position(|c| c == "CIDR").unwrap();
        assert_eq!(
            rows.last().unwrap()[cidr],
            ["192.0.2.0/24", "198.51.100.0/24", "+3 more"],
            "{narrow}"
        );
    }

    #[test]
    fn dumb_terminals_get_ascii_borders() {
        let table = table_at(Some(60), true, None);
        assert!(table.is_ascii(), "{table}");
        assert!(table.starts_with("+--------+"), "{table}");
        assert!(table.contains("| id     | name "), "{table}");
        let (header, _) = parse_table(&table);
        assert_eq!(header, FITS[2].1);
    }
}
