//! Fitting the table to a terminal's width, as gh's table printer does: one line per row,
//! always. Which columns a width keeps, how wide each is, and what each cell says at that
//! width. Pure: the table (`table.rs`) renders what this decides.
//!
//! Each column has three widths: its *floor* (the narrowest it says something useful at:
//! an id or a date whole, a name's first characters, an expiry's shortest phrase), a
//! *comfortable* width (whole, up to [`COMFORTABLE`] columns) and its *natural* width
//! (whole). Detail columns are shown only while the main ones can be comfortable beside
//! them; optional ones only while everything shown fits at its floor. The room left over
//! goes first to the columns that need least more, an even share at a time: first up to
//! their comfortable widths, then up to their natural ones.

use super::table::Column;

/// The narrowest free text (a name) is cut to before a column is left out for it.
pub(super) const TEXT_FLOOR: usize = 12;

/// The narrowest text followed by a mark (the name of the token in use) is cut to: the
/// mark says which row it is.
const MARKED_TEXT_FLOOR: usize = 4;

/// The narrowest a list is cut to (its first item cut, its count whole).
const LIST_FLOOR: usize = 20;

/// The most a column is given while another still needs room to be whole.
const COMFORTABLE: usize = 32;

/// How many items a list shows when the table is laid out without a width (not on a
/// terminal): the rest are counted (`+2`).
pub(super) const LIST_SHOWN: usize = 3;

/// One cell's text, and how it may be made narrower. The text is terminal-safe already.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Cell {
    /// Shown whole (an id, a mask, a date): its column is left out before it is cut.
    Whole(String),
    /// Free text, cut at the end with `…` (by comfy-table); a `mark` (the name's
    /// `(in use)`) is kept whole after it. `floor`: the narrowest worth showing.
    Text {
        text: String,
        mark: Option<&'static str>,
        floor: usize,
    },
    /// A list (CIDR ranges, packages): as many items as fit, then how many more
    /// (`192.0.2.0/24 +1`).
    List(Vec<String>),
    /// The same thing said shorter and shorter (`2026-03-15 (in 5 days)`, `in 5 days`):
    /// the longest form that fits; the shortest is the floor, cut only when even the
    /// table's last columns do not fit.
    Forms(Vec<String>),
}

impl Cell {
    /// Free text with the default floor.
    pub(super) fn text(text: String) -> Cell {
        Cell::Text {
            text,
            mark: None,
            floor: TEXT_FLOOR,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        match self {
            Cell::Whole(text) | Cell::Text { text, .. } => text.is_empty(),
            Cell::List(items) => items.is_empty(),
            Cell::Forms(forms) => forms.iter().all(String::is_empty),
        }
    }

    /// The cell on one line, uncut; a list cut to [`LIST_SHOWN`] items when `capped` (no
    /// width to fit).
    fn whole(&self, capped: bool) -> String {
        match self {
            Cell::Whole(text) => text.clone(),
            Cell::Text { text, mark, .. } => with_mark(text, *mark),
            Cell::List(items) if capped => list(items, LIST_SHOWN.min(items.len())),
            Cell::List(items) => list(items, items.len()),
            Cell::Forms(forms) => forms.first().cloned().unwrap_or_default(),
        }
    }

    /// The cell laid out without a width to fit: whole, but a list cut to its first
    /// [`LIST_SHOWN`] items and a count.
    pub(super) fn capped(&self) -> String {
        self.whole(true)
    }

    /// The cell's width on one line, uncut.
    fn natural(&self) -> usize {
        width(&self.whole(false))
    }

    /// Whether the column may be narrower than this cell.
    fn cuttable(&self) -> bool {
        !matches!(self, Cell::Whole(_))
    }

    /// The narrowest this cell says something useful at.
    fn floor(&self) -> usize {
        let natural = self.natural();
        match self {
            Cell::Whole(_) => natural,
            Cell::Text { mark, floor, .. } => natural.min(match mark {
                Some(mark) => (*floor).max(MARKED_TEXT_FLOOR + 1 + width(mark)),
                None => *floor,
            }),
            Cell::List(items) => natural
                .min(width(&list(items, 1.min(items.len()))))
                .min(LIST_FLOOR),
            Cell::Forms(forms) => forms.last().map_or(0, |form| width(form)),
        }
    }

    /// The cell at `columns` wide, and whether it had to be cut to fit. Free text (and
    /// the shortest form) may come out wider: comfy-table cuts it, so that its cut is the
    /// one measured with its own rules.
    pub(super) fn at(&self, columns: usize) -> (String, bool) {
        let whole = self.whole(false);
        if width(&whole) <= columns {
            return (whole, false);
        }
        let text = match self {
            Cell::Whole(text) => text.clone(),
            Cell::Text { text, mark, .. } => match mark {
                Some(mark) => {
                    let room = columns.saturating_sub(width(mark) + 1);
                    with_mark(&cut(text, room), Some(mark))
                }
                None => text.clone(),
            },
            Cell::List(items) => {
                let shown = (1..items.len())
                    .rev()
                    .find(|&n| width(&list(items, n)) <= columns)
                    .unwrap_or(1);
                if width(&list(items, shown)) <= columns {
                    list(items, shown)
                } else {
                    // Even one item does not fit whole: cut it, keep the count.
                    let more = list(&items[1..], 0); // ` +2`, or nothing
                    let room = columns.saturating_sub(width(&more));
                    format!("{}{more}", cut(&items[0], room))
                }
            }
            Cell::Forms(forms) => forms
                .iter()
                .find(|form| width(form) <= columns)
                .or(forms.last())
                .cloned()
                .unwrap_or_default(),
        };
        (text, true)
    }
}

/// `text (mark)`.
fn with_mark(text: &str, mark: Option<&str>) -> String {
    match mark {
        Some(mark) => format!("{text} {mark}"),
        None => text.to_owned(),
    }
}

/// The first `shown` of `items`, comma-separated, and how many more: `a, b +3`.
fn list(items: &[String], shown: usize) -> String {
    let mut text = items[..shown].join(", ");
    if shown < items.len() {
        text.push_str(&format!(" +{}", items.len() - shown));
    }
    text
}

/// The fewest columns [`block`] wraps indented text into.
const BLOCK_MIN: usize = 20;

/// `text` as a block of lines: on a terminal `width` columns wide (`None`: not a terminal,
/// one line), wrapped between words, each line after the first indented by `indent`
/// columns (the first is printed after something that wide: a label, a severity).
///
/// One line, as without a terminal, where wrapping cannot help: a width of 0 (some
/// pseudo-terminals say so; the table takes it as no width too), or a terminal too narrow
/// to leave [`BLOCK_MIN`] columns past the indent, where indented lines would be wider than
/// the terminal and each be broken by it again, mid-word.
pub(super) fn block(text: &str, width: Option<usize>, indent: usize) -> String {
    let columns = width
        .filter(|&width| width > 0)
        .map(|width| width.saturating_sub(indent));
    let lines = match columns {
        // A tab (kept by `tty`) would move what follows to the next tab stop, past the
        // width the line was measured at: shown as `\t`, as the table shows it.
        Some(columns) if columns >= BLOCK_MIN || (indent == 0 && columns > 0) => {
            wrapped(&text.replace('\t', "\\t"), columns)
        }
        _ => vec![text.to_owned()],
    };
    lines.join(&format!("\n{}", " ".repeat(indent)))
}

/// `text` in lines of at most `columns` columns, broken between words (a word wider than
/// that alone on its line), so that the terminal never breaks one in two.
pub(super) fn wrapped(text: &str, columns: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        match lines.last_mut() {
            Some(line) if width(line) + 1 + width(word) <= columns => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// How many terminal columns `text` takes, as comfy-table measures it.
pub(super) fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` cut to `columns` wide, ending in `…` when it is cut.
pub(super) fn cut(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_owned();
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > columns {
            break;
        }
        kept.push(c);
        used += w;
    }
    kept.push('…');
    kept
}

/// What borders and padding take beside the text of `columns` columns: `│ a ┆ b │` is 3
/// a column and one more.
pub(super) fn border_width(columns: usize) -> usize {
    3 * columns + 1
}

/// A column as the layout sees it: its widths over the header and every row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Measure {
    pub column: Column,
    /// Whole, on one line.
    pub natural: usize,
    /// The narrowest it says something useful at (`natural` when it may not be cut).
    pub floor: usize,
}

impl Measure {
    /// `column`'s measure over its `header` and `cells`.
    pub(super) fn of<'a>(
        column: Column,
        header: &str,
        cells: impl Iterator<Item = &'a Cell> + Clone,
    ) -> Measure {
        let header = width(header);
        let natural = cells
            .clone()
            .map(|cell| cell.natural())
            .fold(header, usize::max);
        let floor = if cells.clone().any(Cell::cuttable) {
            cells.map(Cell::floor).fold(header, usize::max).min(natural)
        } else {
            natural
        };
        Measure {
            column,
            natural,
            floor,
        }
    }

    /// Whole, or [`COMFORTABLE`] columns wide if that is narrower (but never under its
    /// floor).
    fn comfortable(&self) -> usize {
        self.natural.min(COMFORTABLE).max(self.floor)
    }
}

/// Which of `shown` a table `width` terminal columns wide keeps, and how wide each is (see
/// [`share`]); and the columns it left out, in the order given up.
///
/// The columns of `details` are left out, in that order, while the others cannot all be
/// comfortable beside them (the details at their floors); then those of `optional`, while
/// what is left does not fit at its floors. The rest are kept whatever the width, and cut.
pub(super) fn fit(
    shown: &[Measure],
    details: &[Column],
    optional: &[Column],
    width: usize,
) -> (Vec<(Column, usize)>, Vec<Column>) {
    let mut kept: Vec<Measure> = shown.to_vec();
    let mut left_out = Vec::new();
    let needs = |kept: &[Measure], comfortable: bool| {
        let widths = kept.iter().map(|m| {
            if comfortable && !details.contains(&m.column) {
                m.comfortable()
            } else {
                m.floor
            }
        });
        border_width(kept.len()) + widths.sum::<usize>()
    };
    for (columns, comfortable) in [(details, true), (optional, false)] {
        for column in columns {
            if needs(&kept, comfortable) <= width {
                break;
            }
            if let Some(n) = kept.iter().position(|m| m.column == *column) {
                kept.remove(n);
                left_out.push(*column);
            }
        }
    }
    let room = width.saturating_sub(border_width(kept.len()));
    let widths = share(&kept, room);
    (
        kept.iter().map(|m| m.column).zip(widths).collect(),
        left_out,
    )
}

/// `room` shared among `columns`, as gh's table printer shares it: each column first gets
/// its floor (or, when the floors do not fit, a column that may not be cut its natural
/// width and the others nothing yet); then the room left goes to the columns that need
/// least more, an even share of what remains at a time and never more than they need: up
/// to their comfortable widths first, then to their natural ones. Every column is at
/// least 1 wide.
pub(super) fn share(columns: &[Measure], room: usize) -> Vec<usize> {
    let floors_fit = columns.iter().map(|m| m.floor).sum::<usize>() <= room;
    let mut widths: Vec<usize> = columns
        .iter()
        .map(|m| {
            if floors_fit || m.floor == m.natural {
                m.floor
            } else {
                0
            }
        })
        .collect();
    let mut left = room.saturating_sub(widths.iter().sum());
    let goals: [fn(&Measure) -> usize; 2] = [Measure::comfortable, |m| m.natural];
    for goal in goals {
        let mut by_need: Vec<(usize, usize)> = columns
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(n, (m, &given))| (n, goal(m).saturating_sub(given)))
            .filter(|&(_, need)| need > 0)
            .collect();
        by_need.sort_by_key(|&(_, need)| need);
        let mut waiting = by_need.len();
        for (n, need) in by_need {
            let more = (left / waiting).min(need);
            widths[n] += more;
            left -= more;
            waiting -= 1;
        }
    }
    widths.iter().map(|&w| w.max(1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> String {
        text.to_owned()
    }

    #[test]
    fn a_block_wraps_between_words_under_its_indent_where_that_fits() {
        let text = "a credential in a file that other users of this machine can read";
        assert_eq!(
            block(text, Some(45), 10),
            "a credential in a file that other\n          users of this machine can read"
        );
        assert_eq!(block(text, None, 10), text);
        // Wrapped, a tab is shown as `\t` (it would take more columns than measured); off
        // a terminal, kept.
        assert_eq!(block("ci\tbot", Some(80), 10), "ci\\tbot");
        assert_eq!(block("ci\tbot", None, 10), "ci\tbot");
        // A width of 0 is no width: one line, as the table takes it.
        assert_eq!(block(text, Some(0), 10), text);
        assert_eq!(block(text, Some(0), 0), text);
        // Too narrow for 20 columns past the indent: one line, which the terminal wraps,
        // rather than indented lines wider than it.
        assert_eq!(block(text, Some(29), 10), text);
        for line in block(text, Some(30), 10).lines() {
            assert!(width(line) <= 30, "{line:?}");
        }
        // Not indented, any width is wrapped into: no line wider than the terminal but a
        // word that is.
        for line in block(text, Some(12), 0).lines() {
            assert!(width(line) <= 12, "{line:?}");
        }
    }

    #[test]
    fn cut_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(cut("publish", 7), "publish");
        assert_eq!(cut("publish", 6), "publi…");
        assert_eq!(cut("publish", 1), "…");
        assert_eq!(
            cut("日本語の名前", 7),
            "日本語…",
            "wide characters count twice"
        );
        assert_eq!(width(&cut("日本語の名前", 6)), 5);
    }

    #[test]
    fn lists_show_what_fits_then_a_count() {
        let cidr = Cell::List(vec![
            s("192.0.2.0/24"),
            s("198.51.100.0/24"),
            s("10.0.0.0/8"),
        ]);
        assert_eq!(cidr.natural(), 41);
        assert_eq!(
            cidr.at(41),
            (s("192.0.2.0/24, 198.51.100.0/24, 10.0.0.0/8"), false)
        );
        assert_eq!(cidr.at(40), (s("192.0.2.0/24, 198.51.100.0/24 +1"), true));
        assert_eq!(cidr.at(20), (s("192.0.2.0/24 +2"), true));
        assert_eq!(cidr.at(15), (s("192.0.2.0/24 +2"), true));
        assert_eq!(cidr.at(10), (s("192.0.… +2"), true), "cut, the count kept");
        assert_eq!(cidr.floor(), 15);
        assert_eq!(
            cidr.whole(true),
            "192.0.2.0/24, 198.51.100.0/24, 10.0.0.0/8"
        );
        let many = Cell::List((1..=5).map(|n| format!("@a/p{n}")).collect());
        assert_eq!(many.whole(true), "@a/p1, @a/p2, @a/p3 +2");
        assert!(Cell::List(vec![]).is_empty());
        assert_eq!(Cell::List(vec![]).at(0), (s(""), false));
    }

    #[test]
    fn a_mark_outlives_the_text_it_follows() {
        let name = Cell::Text {
            text: s("release-pipeline"),
            mark: Some("(in use)"),
            floor: TEXT_FLOOR,
        };
        assert_eq!(name.at(25), (s("release-pipeline (in use)"), false));
        assert_eq!(name.at(20), (s("release-pi… (in use)"), true));
        assert_eq!(name.at(10), (s("… (in use)"), true));
        assert_eq!(name.floor(), 13, "the mark and 4 characters");
        // Without a mark, comfy-table does the cutting: the text goes as it is.
        let plain = Cell::text(s("release-pipeline"));
        assert_eq!(plain.at(8), (s("release-pipeline"), true));
        assert_eq!(plain.floor(), TEXT_FLOOR);
    }

    #[test]
    fn forms_go_shorter_as_the_column_narrows() {
        let expires = Cell::Forms(vec![
            s("2026-02-26 (expired 12 days ago)"),
            s("expired 12 days ago"),
            s("expired"),
        ]);
        assert_eq!(expires.at(32).0, "2026-02-26 (expired 12 days ago)");
        assert_eq!(expires.at(31), (s("expired 12 days ago"), true));
        assert_eq!(expires.at(18), (s("expired"), true));
        assert_eq!(expires.at(3), (s("expired"), true), "comfy-table cuts it");
        assert_eq!(expires.floor(), 7);
    }

    fn measure(column: Column, natural: usize, floor: usize) -> Measure {
        Measure {
            column,
            natural,
            floor,
        }
    }

    #[test]
    fn details_go_first_then_optional_columns_until_the_rest_fit() {
        let all = [
            measure(Column::Id, 6, 6),
            measure(Column::Name, 40, 12),
            measure(Column::Token, 15, 15),
            measure(Column::Access, 27, 16),
            measure(Column::Expires, 32, 11),
            measure(Column::LastUsed, 10, 10),
        ];
        let (details, optional) = ([Column::Token], [Column::LastUsed, Column::Access]);
        let fitted = |width| fit(&all, &details, &optional, width);
        // The token's mask stays while the others can be comfortable: 6 + 32 + 27 + 32 + 10
        // beside its 15, and 19 for the borders.
        let (kept, out) = fitted(141);
        assert!(out.is_empty());
        assert_eq!(kept.iter().map(|(_, w)| w).sum::<usize>(), 141 - 19);
        assert_eq!(fitted(140).1, [Column::Token]);
        // Then last use and rights go while their floors do not fit: 6 + 12 + 16 + 11 + 10.
        assert_eq!(fitted(71).1, [Column::Token]);
        assert_eq!(fitted(70).1, [Column::Token, Column::LastUsed]);
        assert_eq!(fitted(58).1, [Column::Token, Column::LastUsed]);
        let (kept, out) = fitted(40);
        assert_eq!(out, [Column::Token, Column::LastUsed, Column::Access]);
        assert_eq!(
            kept,
            [(Column::Id, 6), (Column::Name, 12), (Column::Expires, 12)]
        );
        // Narrower than the last columns' floors: the id whole, the rest shared.
        let (kept, _) = fitted(20);
        assert_eq!(
            kept,
            [(Column::Id, 6), (Column::Name, 2), (Column::Expires, 2)]
        );
        let (kept, _) = fitted(0);
        assert_eq!(
            kept,
            [(Column::Id, 6), (Column::Name, 1), (Column::Expires, 1)]
        );
    }

    #[test]
    fn short_columns_keep_their_width_and_long_ones_share_the_rest() {
        let columns = [
            measure(Column::Id, 6, 6),
            measure(Column::Name, 40, 12),
            measure(Column::Access, 27, 16),
            measure(Column::Expires, 32, 7),
        ];
        // 60: the floors (41), then 19 more: 6 to each, and the last 7 to the expiry.
        assert_eq!(share(&columns, 60), [6, 18, 22, 14]);
        // 100: all comfortable (32 at most), then the name gets the 3 left.
        assert_eq!(share(&columns, 100), [6, 35, 27, 32]);
        // Room for all: everything whole, the rest unused.
        assert_eq!(share(&columns, 200), [6, 40, 27, 32]);
    }
}
