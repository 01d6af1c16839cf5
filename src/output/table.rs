//! The table people read in a terminal: one line per token, whatever the width. What each
//! cell says is decided here; how wide each column is and what a narrow one keeps, in
//! `fit.rs`; comfy-table draws it, cuts free text with `…`, and paints it after cutting.

use std::io::{self, Write};

use comfy_table::{
    presets, Attribute, Cell as Drawn, Color, ColumnConstraint, ContentArrangement, Row, Table,
    Width,
};

use super::fit::{self, Cell, Measure};
use super::{aligned, Paint, Printer};
use crate::token_info::{Now, Status, TokenInfo, When};

/// The table's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Column {
    Id,
    Name,
    Token,
    Access,
    Covers,
    Cidr,
    Created,
    Expires,
    LastUsed,
}

impl Column {
    /// In the table's order.
    pub(super) const ALL: [Column; 9] = [
        Column::Id,
        Column::Name,
        Column::Token,
        Column::Access,
        Column::Covers,
        Column::Cidr,
        Column::Created,
        Column::Expires,
        Column::LastUsed,
    ];

    pub(super) fn header(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Name => "name",
            Column::Token => "token",
            Column::Access => "access",
            Column::Covers => "covers",
            Column::Cidr => "CIDR",
            Column::Created => "created",
            Column::Expires => "expires",
            Column::LastUsed => "last used",
        }
    }
}

/// The columns a terminal too narrow for all of them leaves out first, in this order: the
/// mask, the creation date, what a token covers and its CIDR list. Each is shown only while
/// id, name, access, expires and last used can all be comfortable beside it (up to 32
/// columns each, see `fit.rs`).
pub(super) const DETAILS: [Column; 4] =
    [Column::Token, Column::Created, Column::Covers, Column::Cidr];

/// Then, while the columns left do not fit even cut to their floors: the last use, then
/// the rights. `id` (what `revoke` takes), `name` and `expires` are always kept, cut if
/// they must be.
pub(super) const OPTIONAL: [Column; 2] = [Column::LastUsed, Column::Access];

/// After the name of the token this configuration authenticates with; never cut.
const IN_USE: &str = "(in use)";

/// An active token expiring within this many days (by the day rule of `dates.rs`) is
/// painted as one that needs attention.
const SOON: u32 = 7;

/// The narrowest a last use is shown at (`123 days ago`) before its column is left out.
const LAST_USED_FLOOR: usize = 12;

/// The narrowest rights are shown at (`packages: write`) before their column is left out.
const ACCESS_FLOOR: usize = 16;

/// `TERM=dumb` borders: comfy-table's ASCII_FULL_CONDENSED with `+` where the rule under
/// the header crosses a column's border.
const ASCII_BORDERS: &str = "||--+=++|    ++++++";

/// One token's row: its cells, and what it is marked for.
struct TableRow {
    cells: [Cell; 9],
    status: Status,
    soon: bool,
    in_use: bool,
}

impl TableRow {
    fn cell(&self, column: Column) -> &Cell {
        &self.cells[column as usize]
    }
}

/// The table, one line per token: what each token is, what it may do and cover, and when
/// it expires and was last used, at `now`. Columns that are empty for every token are left
/// out (a Verdaccio list has no expiry, last use or coverage).
///
/// On a terminal, the table fits its width (see `fit.rs`): columns are left out in the
/// order of [`DETAILS`] then [`OPTIONAL`], cells are cut, never wrapped, and a line under the table
/// says what was left out and how to see it. Without a width, every column is whole and
/// lists show their first items and a count.
///
/// Marks, in words and (with colour) in colour: expired and revoked tokens say so in the
/// expires cell, red with their id; a token expiring within [`SOON`] days says when, in
/// yellow; the token in use has `(in use)` after its name, in green.
///
/// Each row is a token's typed view and its id: a caller that read the tokens for other
/// reasons (filters, the token in use) passes them, so that no token is decoded twice.
pub(super) fn write_table(
    out: &mut impl Write,
    tokens: &[(&TokenInfo, &str)],
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
    let rows: Vec<TableRow> = tokens
        .iter()
        .enumerate()
        .map(|(n, (info, id))| table_cells(info, id, now, in_use == Some(n)))
        .collect();
    // `id` is always shown, even for a token without a key.
    let filled: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|&c| c == Column::Id || rows.iter().any(|row| !row.cell(c).is_empty()))
        .collect();
    // Some pseudo-terminals say their width is 0: lay the table out whole.
    let width = width.filter(|&width| width > 0).map(usize::from);
    let (columns, left_out): (Vec<(Column, Option<usize>)>, Vec<Column>) = match width {
        None => (filled.iter().map(|&c| (c, None)).collect(), Vec::new()),
        Some(width) => {
            let measures: Vec<Measure> = filled
                .iter()
                .map(|&c| Measure::of(c, c.header(), rows.iter().map(|row| row.cell(c))))
                .collect();
            let (kept, left_out) = fit::fit(&measures, &DETAILS, &OPTIONAL, width);
            let kept = kept.into_iter().map(|(c, w)| (c, Some(w))).collect();
            (kept, left_out)
        }
    };

    let mut table = Table::new();
    table
        .load_preset(if ascii {
            ASCII_BORDERS
        } else {
            presets::UTF8_FULL_CONDENSED
        })
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_truncation_indicator("…");
    if paint.0 {
        table.enforce_styling();
    }
    let mut header = Row::from(columns.iter().map(|&(column, _)| {
        let cell = Drawn::new(column.header());
        if paint.0 {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    header.max_height(1);
    table.set_header(header);
    let mut cut = false;
    for row in &rows {
        let mut line = Row::from(columns.iter().map(|&(column, width)| {
            let cell = row.cell(column);
            let text = match width {
                Some(width) => {
                    let (text, was_cut) = cell.at(width);
                    cut |= was_cut;
                    text
                }
                None => cell.capped(),
            };
            painted(Drawn::new(text), column, row, paint)
        }));
        // Free text wider than its column is cut here, by comfy-table, with `…`.
        line.max_height(1);
        table.add_row(line);
    }
    if columns.iter().any(|(_, width)| width.is_some()) {
        table.set_constraints(columns.iter().map(|&(_, width)| {
            // The width given includes the padding either side.
            let width = width.unwrap_or(0).saturating_add(2);
            ColumnConstraint::Absolute(Width::Fixed(u16::try_from(width).unwrap_or(u16::MAX)))
        }));
    }
    writeln!(out, "{table}")?;
    let Some(width) = width else { return Ok(()) };
    match fitted_note(&left_out, cut, width) {
        Some(note) => fit::wrapped(&note, width)
            .iter()
            .try_for_each(|line| writeln!(out, "{}", paint.dim(line))),
        None => Ok(()),
    }
}

/// A cell in its row's colour: the id and expiry of an expired or revoked token in red, the
/// expiry of one expiring soon in yellow, the name of the token in use in green.
fn painted(cell: Drawn, column: Column, row: &TableRow, paint: Paint) -> Drawn {
    if !paint.0 {
        return cell;
    }
    let dead = row.status != Status::Active;
    match column {
        Column::Id | Column::Expires if dead => cell.fg(Color::Red),
        Column::Expires if row.soon => cell.fg(Color::Yellow),
        Column::Name if row.in_use => cell.fg(Color::Green),
        _ => cell,
    }
}

/// The line under a table fitted to `width` columns, when it left something out or cut
/// it: what, and how to see it.
fn fitted_note(left_out: &[Column], cut: bool, width: usize) -> Option<String> {
    let names: Vec<&str> = Column::ALL
        .into_iter()
        .filter(|column| left_out.contains(column))
        .map(Column::header)
        .collect();
    let names = names.join(", ");
    let see = "A wider terminal shows more, --json everything.";
    match (names.is_empty(), cut) {
        (true, false) => None,
        (false, false) => Some(format!("Left out at {width} columns: {names}. {see}")),
        (false, true) => Some(format!(
            "Left out at {width} columns: {names}; cut cells end in … or +N. {see}"
        )),
        (true, true) => Some(format!(
            "Cut to fit {width} columns: cells ending in … or +N. {see}"
        )),
    }
}

/// One token's cells for the table, each made terminal-safe before it is measured.
fn table_cells(info: &TokenInfo, id: &str, now: Now, in_use: bool) -> TableRow {
    let status = info.status(now);
    let list = |items: &[String]| Cell::List(items.iter().map(|item| aligned(item)).collect());
    let cells = [
        Cell::Whole(aligned(id)),
        Cell::Text {
            text: aligned(&name(info)),
            mark: in_use.then_some(IN_USE),
            floor: fit::TEXT_FLOOR,
        },
        Cell::Whole(aligned(info.mask().unwrap_or(""))),
        Cell::Text {
            text: aligned(&info.access_summary()),
            mark: None,
            floor: ACCESS_FLOOR,
        },
        list(&info.coverage().names()),
        list(info.cidr().unwrap_or_default()),
        Cell::Whole(aligned(
            &info.created().map(|d| d.day(now)).unwrap_or_default(),
        )),
        expires_cell(info, now, status),
        Cell::Text {
            text: aligned(&info.last_used_phrase(now).unwrap_or_default()),
            mark: None,
            floor: LAST_USED_FLOOR,
        },
    ];
    TableRow {
        cells,
        status,
        soon: status == Status::Active && info.expires_within(SOON, now).is_some(),
        in_use,
    }
}

/// A token's name, or `(unnamed)`.
fn name(info: &TokenInfo) -> String {
    info.name()
        .filter(|n| !n.is_empty())
        .unwrap_or("(unnamed)")
        .to_owned()
}

/// The expiry, said shorter and shorter: `2026-03-15 (in 5 days)`, `in 5 days`;
/// `2026-02-26 (expired 12 days ago)`, `expired 12 days ago`, `expired`; `revoked
/// 2026-03-01`, `revoked`. An expiry that names no instant is the registry's text, cut
/// like any other.
fn expires_cell(info: &TokenInfo, now: Now, status: Status) -> Cell {
    let whole = expires_text(info, now, status);
    let forms = match (status, info.expiry()) {
        (Status::Revoked, _) => vec![whole, "revoked".to_owned()],
        (_, When::At(date)) if date.timestamp().is_some() => {
            let phrase = info.expiry_phrase(now).unwrap_or_default();
            let mut forms = vec![whole, phrase];
            if status == Status::Expired {
                forms.push("expired".to_owned());
            }
            forms
        }
        (_, When::At(_)) => return Cell::text(aligned(&whole)),
        _ => vec![whole],
    };
    let mut forms: Vec<String> = forms.iter().map(|form| aligned(form)).collect();
    forms.dedup();
    Cell::Forms(forms)
}

/// The expiry in full: `2026-03-15 (in 5 days)`, `revoked 2026-03-01`, `never`, or the
/// registry's text when it names no instant; empty when the registry reports none.
fn expires_text(info: &TokenInfo, now: Now, status: Status) -> String {
    match (status, info.expiry()) {
        (Status::Revoked, _) => {
            let when = info.revoked().map(|d| d.day(now)).unwrap_or_default();
            format!("revoked {when}").trim_end().to_owned()
        }
        (_, When::At(date)) if date.timestamp().is_some() => format!(
            "{} ({})",
            date.day(now),
            info.expiry_phrase(now).unwrap_or_default()
        ),
        _ => info.expiry_phrase(now).unwrap_or_default(),
    }
}

/// How many names `table_row`'s `covers` shows before counting the rest.
const COVERS_SHOWN: usize = 3;

/// One token's cells as plain text, in the table's column order, and its status at `now`:
/// what `status` prints, one label a line.
pub(super) fn table_row(token: &TokenInfo, id: &str, now: Now) -> ([String; 9], Status) {
    let status = token.status(now);
    let row = [
        id.to_owned(),
        name(token),
        token.mask().unwrap_or("").to_owned(),
        token.access_summary(),
        token.coverage().display(COVERS_SHOWN),
        token.cidr().map(|c| c.join(", ")).unwrap_or_default(),
        token.created().map(|d| d.day(now)).unwrap_or_default(),
        expires_text(token, now, status),
        token.last_used_phrase(now).unwrap_or_default(),
    ];
    (row, status)
}
