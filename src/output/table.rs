//! The table people read in a terminal: one row per token, fitted to the terminal's width.

use std::io::{self, Write};

use comfy_table::{presets, Attribute, Cell, ContentArrangement, Table};
use jiff::Timestamp;

use super::npm::write_lines;
use super::{tty, Printer};
use crate::registry::Token;
use crate::token_info::{shortened, Status, TokenInfo, When};

/// The table's columns, in order.
pub(super) const HEADER: [&str; 9] = [
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
pub(super) const GIVEN_UP_FIRST: [&str; 6] =
    ["covers", "token", "created", "CIDR", "last used", "access"];

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
pub(super) fn write_table(
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
pub(super) fn text_width(text: &str) -> usize {
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
pub(super) fn table_row(token: &TokenInfo, id: &str, now: Timestamp) -> ([String; 9], Status) {
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
        token.access_summary(),
        token.coverage().display(COVERS_SHOWN),
        token.cidr().map(|c| c.join(", ")).unwrap_or_default(),
        token.created().map(|d| day(d.text())).unwrap_or_default(),
        expires,
        token.last_used_phrase(now).unwrap_or_default(),
    ];
    (row, status)
}
