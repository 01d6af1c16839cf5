//! The table at the widths terminals have (40, 60, 80, 120 and 200 columns, and narrower
//! than any table fits), with long names, many packages and CIDR lists.

use super::super::fit::width;
use super::super::table::{Column, DETAILS, OPTIONAL};
use super::*;
use serde_json::Value;

/// What a busy account lists at [`NOW`] (2026-03-10T12:00Z): long names, many packages
/// and scopes, CIDR lists (one with an IPv6 range), and a token in each state the table
/// marks. The first is the one in use.
fn busy_list() -> (Vec<Token>, Vec<String>) {
    let packages: Vec<Value> = (1..=12)
        .map(|n| json!({"name": format!("@acme/package-number-{n}"), "type": "package"}))
        .chain([
            json!({"name": "@tools", "type": "scope"}),
            json!({"name": "acme", "type": "org"}),
        ])
        .collect();
    let gat = |key: &str, name: &str, expiry: Value, accessed: Value, extra: Value| {
        let mut token = json!({"name": name, "key": key,
            "token": format!("npm_{}...{}", &key[..4], &key[4..8]),
            "expiry": expiry, "cidr": [], "revoked": null, "created": "2026-01-14T12:22:18.350Z",
            "accessed": accessed, "bypass_2fa": false,
            "permissions": [{"name": "package", "action": "read"}], "scopes": []});
        for (k, v) in extra.as_object().unwrap() {
            token[k] = v.clone();
        }
        Token::from_map(token.as_object().unwrap().clone())
    };
    let tokens = vec![
        gat(
            "d83cf1a2",
            "release pipeline for the acme monorepo (GitHub Actions, main branch)",
            json!("2026-03-13T09:00:00.000Z"),
            json!("2026-03-10T08:00:00.000Z"),
            json!({"permissions": [{"name": "package", "action": "write"},
                                   {"name": "org", "action": "read"}],
                   "scopes": packages, "bypass_2fa": true,
                   "cidr": ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                            "10.0.0.0/8", "172.16.0.0/12"]}),
        ),
        gat(
            "0b3f2c11",
            "nightly-canary-publisher-for-the-design-system-packages",
            json!("2026-02-26T09:00:00.000Z"),
            json!(null),
            json!({}),
        ),
        gat(
            "7c0ffee0",
            "gone",
            json!("2026-06-01T00:00:00.000Z"),
            json!(null),
            json!({"revoked": "2026-03-01T10:00:00.000Z", "permissions": []}),
        ),
        gat(
            "9e9e9e9e",
            "reader",
            json!(null),
            json!("2026-03-10T11:00:00.000Z"),
            json!({"scopes": [{"name": "@acme/a", "type": "package"}], "cidr": ["192.0.2.0/24"]}),
        ),
        gat(
            "5a5a5a5a",
            "deploy preview",
            json!("2026-03-10T23:00:00.000Z"),
            json!("2025-11-01T00:00:00.000Z"),
            json!({}),
        ),
        gat(
            "4b4b4b4b",
            "ci",
            json!("2027-01-31T00:00:00.000Z"),
            json!("2026-02-01T00:00:00.000Z"),
            json!({"cidr": ["2001:db8:1234:5678:9abc:def0:1234:5678/128", "192.0.2.0/24"]}),
        ),
        Token::from_map(
            json!({"token": "a73c95", "key": "ab12cd34", "cidr_whitelist": null,
                   "readonly": true, "automation": false, "created": "2017-10-21T10:00:00.000Z"})
            .as_object()
            .unwrap()
            .clone(),
        ),
    ];
    let ids = [
        "d83cf1", "0b3f2c", "7c0ffe", "9e9e9e", "5a5a5a", "4b4b4b", "ab12cd",
    ]
    .map(String::from)
    .to_vec();
    (tokens, ids)
}

fn busy_table(width: Option<u16>, ascii: bool, paint: Paint) -> String {
    let (tokens, ids) = busy_list();
    let printer = Printer {
        width,
        ascii,
        ..printer(OutputFormat::Table, paint)
    };
    let mut out = Vec::new();
    write_token_list(&mut out, &tokens, &ids, Some(0), &printer).unwrap();
    String::from_utf8(out).unwrap()
}

/// A table read back: the header's cells, each row's cells, and the line under it.
#[derive(Debug)]
struct Read {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    note: Option<String>,
}

impl Read {
    fn cell(&self, id: &str, column: &str) -> &str {
        let row = self.rows.iter().find(|row| row[0] == id).unwrap();
        let n = self.header.iter().position(|h| h == column).unwrap();
        &row[n]
    }
}

fn read(table: &str) -> Read {
    let cells = |line: &str| -> Vec<String> {
        let inner = &line[line.char_indices().nth(1).unwrap().0..];
        let inner = &inner[..inner.char_indices().last().unwrap().0];
        inner
            .split(['┆', '|'])
            .map(|c| c.trim().to_owned())
            .collect()
    };
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with(['┌', '+']), "{table}");
    assert!(
        lines[2].starts_with(['╞', '+']),
        "one header line:\n{table}"
    );
    // The bottom border; a line of the note under it may start with `+N.`.
    let end = 3 + lines[3..]
        .iter()
        .position(|l| l.starts_with(['└', '+']) && !l.starts_with("+N"))
        .unwrap();
    Read {
        header: cells(lines[1]),
        rows: lines[3..end].iter().map(|line| cells(line)).collect(),
        // The line under the table, wrapped to the terminal's width.
        note: (end + 1 < lines.len()).then(|| lines[end + 1..].join(" ")),
    }
}

/// Whether `shown` says what `whole` says, or a cut of it: the same text; a name cut with
/// `…` (its mark kept); a list's first items and the right count; a shorter form of an
/// expiry.
fn says_the_same(shown: &str, whole: &str, column: &str) -> bool {
    if shown == whole {
        return true;
    }
    if column == "covers" || column == "CIDR" {
        // The whole table shows three items and a count: `a, b, c +11`.
        let split = |text: &str| -> (Vec<String>, usize) {
            let (items, more) = match text.rsplit_once(" +") {
                Some((items, n)) => (items, n.parse().unwrap()),
                None => (text, 0),
            };
            let items: Vec<String> = items.split(", ").map(str::to_owned).collect();
            (items, more)
        };
        let (all, more) = split(whole);
        let (items, count) = split(shown);
        let (last, firsts) = items.split_last().unwrap();
        return items.len() + count == all.len() + more
            && firsts.iter().zip(&all).all(|(a, b)| a == b)
            && (last == &all[items.len() - 1]
                || last
                    .strip_suffix('…')
                    .is_some_and(|cut| all[items.len() - 1].starts_with(cut)));
    }
    let unmarked = |text: &'_ str| text.strip_suffix(" (in use)").map(str::to_owned);
    let (shown, whole) = match (unmarked(shown), unmarked(whole)) {
        (Some(shown), Some(whole)) => (shown, whole),
        (None, None) => (shown.to_owned(), whole.to_owned()),
        _ => return false,
    };
    match shown.strip_suffix('…') {
        Some(cut) => whole.starts_with(cut),
        None => column == "expires" && whole.contains(&shown),
    }
}

/// The columns each width shows, and what it leaves out.
const WIDTHS: [(u16, &[&str]); 5] = [
    (40, &["id", "name", "expires"]),
    (60, &["id", "name", "access", "expires"]),
    (80, &["id", "name", "access", "expires", "last used"]),
    (120, &["id", "name", "access", "expires", "last used"]),
    (
        200,
        &[
            "id",
            "name",
            "access",
            "covers",
            "CIDR",
            "created",
            "expires",
            "last used",
        ],
    ),
];

#[test]
fn at_every_width_each_token_takes_one_line_that_fits() {
    let whole = read(&busy_table(None, false, PLAIN));
    let all: Vec<&str> = Column::ALL.into_iter().map(Column::header).collect();
    assert_eq!(whole.header, all);
    assert_eq!(whole.note, None, "nothing is left out without a width");
    let rows = whole.rows.len();
    for (columns, shown) in WIDTHS {
        let table = busy_table(Some(columns), false, PLAIN);
        let read = read(&table);
        assert_eq!(read.header, shown, "{columns}:\n{table}");
        assert_eq!(
            read.rows.len(),
            rows,
            "one line a token at {columns}:\n{table}"
        );
        // The line under the table too: wrapped between words, never by the terminal.
        for line in table.lines() {
            assert!(width(line) <= usize::from(columns), "{columns}: {line}");
        }
        for (row, whole_row) in read.rows.iter().zip(&whole.rows) {
            for (cell, column) in row.iter().zip(&read.header) {
                let n = all.iter().position(|c| c == column).unwrap();
                assert!(
                    says_the_same(cell, &whole_row[n], column),
                    "{columns}, {column}: {cell:?} for {:?}\n{table}",
                    whole_row[n]
                );
            }
        }
        // The line under the table names what it left out, in the table's order.
        let left_out: Vec<&str> = all.iter().copied().filter(|c| !shown.contains(c)).collect();
        let note = read.note.unwrap();
        assert!(
            note.starts_with(&format!(
                "Left out at {columns} columns: {}",
                left_out.join(", ")
            )),
            "{note}"
        );
        assert!(note.ends_with("A wider terminal shows more, --json everything."));
    }
}

#[test]
fn columns_are_left_out_in_the_documented_order() {
    let order: Vec<&str> = DETAILS
        .iter()
        .chain(&OPTIONAL)
        .map(|c| c.header())
        .collect();
    assert_eq!(
        order,
        ["token", "created", "covers", "CIDR", "last used", "access"]
    );
    for (columns, shown) in WIDTHS {
        let header = read(&busy_table(Some(columns), false, PLAIN)).header;
        assert_eq!(header, shown, "{columns}");
        // What a width leaves out is always a first part of the order: the details, then
        // last use, then rights.
        let left_out: Vec<&str> = Column::ALL
            .iter()
            .map(|c| c.header())
            .filter(|c| !shown.contains(c))
            .collect();
        let mut first = order[..left_out.len()].to_vec();
        first.sort_by_key(|c| Column::ALL.iter().position(|a| a.header() == *c));
        // At 200 columns the covers and CIDR lists stay, the mask goes: details go first
        // but only while the rest cannot be comfortable.
        if columns < 200 {
            assert_eq!(left_out, first, "{columns}");
        } else {
            assert_eq!(left_out, ["token"]);
        }
    }
}

#[test]
fn marks_in_words_survive_every_width() {
    for columns in [40, 50, 60, 80, 100, 120, 160, 200] {
        let table = busy_table(Some(columns), false, PLAIN);
        let read = read(&table);
        let expires = |id| read.cell(id, "expires");
        assert!(
            read.cell("d83cf1", "name").ends_with(" (in use)"),
            "{table}"
        );
        assert!(expires("d83cf1").contains("in 3 days"), "{table}");
        assert!(expires("0b3f2c").contains("expired"), "{table}");
        assert!(expires("7c0ffe").starts_with("revoked"), "{table}");
        assert!(expires("5a5a5a").contains("in 11 hours"), "{table}");
        assert!(expires("4b4b4b").contains("in 327 days"), "{table}");
        assert_eq!(expires("9e9e9e"), "never");
    }
}

#[test]
fn a_table_at_eighty_columns() {
    assert_eq!(
        busy_table(Some(80), false, PLAIN),
        "\
┌────────┬─────────────────┬────────────────────┬───────────────┬──────────────┐
│ id     ┆ name            ┆ access             ┆ expires       ┆ last used    │
╞════════╪═════════════════╪════════════════════╪═══════════════╪══════════════╡
│ d83cf1 ┆ relea… (in use) ┆ packages: write,…  ┆ in 3 days     ┆ today        │
│ 0b3f2c ┆ nightly-canary… ┆ packages: read     ┆ expired       ┆ never        │
│ 7c0ffe ┆ gone            ┆ no access          ┆ revoked       ┆ never        │
│ 9e9e9e ┆ reader          ┆ packages: read     ┆ never         ┆ today        │
│ 5a5a5a ┆ deploy preview  ┆ packages: read     ┆ in 11 hours   ┆ 129 days ago │
│ 4b4b4b ┆ ci              ┆ packages: read     ┆ in 327 days   ┆ 37 days ago  │
│ ab12cd ┆ (unnamed)       ┆ read-only          ┆               ┆              │
└────────┴─────────────────┴────────────────────┴───────────────┴──────────────┘
Left out at 80 columns: token, covers, CIDR, created; cut cells end in … or +N.
A wider terminal shows more, --json everything.
"
    );
}

#[test]
fn a_table_at_forty_columns() {
    assert_eq!(
        busy_table(Some(40), false, PLAIN),
        "\
┌────────┬───────────────┬─────────────┐
│ id     ┆ name          ┆ expires     │
╞════════╪═══════════════╪═════════════╡
│ d83cf1 ┆ rel… (in use) ┆ in 3 days   │
│ 0b3f2c ┆ nightly-cana… ┆ expired     │
│ 7c0ffe ┆ gone          ┆ revoked     │
│ 9e9e9e ┆ reader        ┆ never       │
│ 5a5a5a ┆ deploy…       ┆ in 11 hours │
│ 4b4b4b ┆ ci            ┆ in 327 days │
│ ab12cd ┆ (unnamed)     ┆             │
└────────┴───────────────┴─────────────┘
Left out at 40 columns: token, access,
covers, CIDR, created, last used; cut
cells end in … or +N. A wider terminal
shows more, --json everything.
"
    );
}

#[test]
fn narrower_than_any_table_fits_is_still_a_table_a_line_a_token() {
    for columns in [34, 30, 25, 20, 12, 1] {
        let table = busy_table(Some(columns), false, PLAIN);
        let read = read(&table);
        // Headers are cut too, below the narrowest table.
        assert_eq!(read.header.len(), 3, "{columns}\n{table}");
        for (shown, header) in read.header.iter().zip(["id", "name", "expires"]) {
            assert!(says_the_same(shown, header, "header"), "{columns}\n{table}");
        }
        assert_eq!(read.rows.len(), 7, "{columns}\n{table}");
        let ids: Vec<&str> = read.rows.iter().map(|row| row[0].as_str()).collect();
        assert_eq!(
            ids,
            ["d83cf1", "0b3f2c", "7c0ffe", "9e9e9e", "5a5a5a", "4b4b4b", "ab12cd"],
            "ids are never cut"
        );
        if columns >= 20 {
            for line in table.lines().take(11) {
                assert!(width(line) <= usize::from(columns), "{columns}: {line}");
            }
        }
    }
}

/// `text` without its escape sequences.
fn unpainted(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn colour_marks_rows_after_cutting() {
    for columns in [40, 80, 200] {
        let plain = busy_table(Some(columns), false, PLAIN);
        let painted = busy_table(Some(columns), false, Paint(true));
        // Escapes never count toward a width: without them, the same table.
        assert_eq!(unpainted(&painted), plain, "{columns}");
        let line = |id: &str| painted.lines().find(|l| l.contains(id)).unwrap();
        // Red: the id and expiry of the expired and the revoked token.
        for id in ["0b3f2c", "7c0ffe"] {
            assert!(
                line(id).contains(&format!("\x1b[38;5;9m {id} ")),
                "{painted}"
            );
            assert!(line(id).matches("\x1b[38;5;9m").count() == 2, "{painted}");
        }
        // Yellow: the expiry of the tokens expiring within 7 days.
        let yellow = |id| {
            let line = line(id);
            let start = line.find("\x1b[38;5;11m").unwrap();
            line[start..line[start..].find("\x1b[39m").unwrap() + start].to_owned()
        };
        assert!(yellow("d83cf1").contains("in 3 days"), "{painted}");
        assert!(yellow("5a5a5a").contains("in 11 hours"), "{painted}");
        assert!(!line("4b4b4b").contains("\x1b[38;5;11m"), "{painted}");
        // Green: the name of the token in use, its mark included.
        assert!(line("d83cf1").contains("\x1b[38;5;10m "), "{painted}");
        assert!(!line("9e9e9e").contains("\x1b[38;5;10m"), "{painted}");
        // The lines under the table are faint, each of them.
        let under: Vec<&str> = painted.lines().skip_while(|l| !l.contains('└')).collect();
        assert!(under[1].starts_with("\x1b[2mLeft out"), "{painted}");
        assert!(
            under[1..].iter().all(|l| l.starts_with("\x1b[2m")),
            "{painted}"
        );
    }
}

#[test]
fn dumb_terminals_get_ascii_borders_with_junctions() {
    let table = busy_table(Some(60), true, PLAIN);
    let lines: Vec<&str> = table.lines().collect();
    for line in &lines[..lines.len() - 1] {
        assert!(line.chars().all(|c| c.is_ascii() || c == '…'), "{line}");
    }
    assert!(lines[0].starts_with("+--------+"), "{table}");
    assert!(lines[1].starts_with("| id     | name "), "{table}");
    // The rule under the header crosses each column border with a `+`.
    let row: Vec<char> = lines[3].chars().collect();
    let rule: Vec<char> = lines[2].chars().collect();
    assert_eq!(row.len(), rule.len(), "{table}");
    for (r, c) in rule.iter().zip(&row) {
        assert_eq!(*r, if *c == '|' { '+' } else { '=' }, "{table}");
    }
    assert_eq!(read(&table).header, WIDTHS[1].1);
}

#[test]
fn a_table_wider_than_its_terminal_needs_says_nothing_under_it() {
    let (tokens, ids) = (tokens(), ids());
    let printer = Printer {
        width: Some(200),
        ..printer(OutputFormat::Table, PLAIN)
    };
    let mut out = Vec::new();
    write_token_list(&mut out, &tokens[..2], &ids[..2], None, &printer).unwrap();
    let table = String::from_utf8(out).unwrap();
    assert!(table.ends_with("┘\n"), "{table}");
    // And at 30 columns, the same tokens say what was left out.
    let printer = Printer {
        width: Some(30),
        ..printer
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
Left out at 30 columns: token,
access, CIDR, created. A wider
terminal shows more, --json
everything.
"
    );
}

/// A tab in registry text would move the rest of its line to the next tab stop, wherever
/// that is: the row would be wider than measured, wrap, and push its columns out of line.
/// It is shown as `\t`, and every line of the table is as wide as the others.
#[test]
fn a_tab_in_a_cell_is_shown_not_obeyed() {
    let token = Token::from_map(
        json!({"key": "7abc0001", "token": "npm_7abc...0001", "name": "tab\there",
               "cidr": ["192.0.2.0/24\t"], "created": "2026-01-01T00:00:00.000Z",
               "readonly": false})
        .as_object()
        .unwrap()
        .clone(),
    );
    for columns in [None, Some(40), Some(120)] {
        let printer = Printer {
            width: columns,
            ..printer(OutputFormat::Table, PLAIN)
        };
        let mut out = Vec::new();
        write_token_list(
            &mut out,
            std::slice::from_ref(&token),
            &["7abc00".into()],
            None,
            &printer,
        )
        .unwrap();
        let table = String::from_utf8(out).unwrap();
        assert!(!table.contains('\t'), "{columns:?}:\n{table}");
        assert!(table.contains("tab\\there"), "{columns:?}:\n{table}");
        let lines: Vec<&str> = table
            .lines()
            .take_while(|l| !l.starts_with("Left out"))
            .collect();
        assert!(
            lines.iter().all(|l| width(l) == width(lines[0])),
            "{columns:?}:\n{table}"
        );
    }
}
