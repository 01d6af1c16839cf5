//! The table in a real pseudo-terminal at the widths terminals have (40, 60, 80, 120 and
//! 200 columns), against an npmjs-like registry listing 25 granular tokens with long
//! names, many packages and CIDR lists. The width is set with `stty cols` (comfy-table,
//! which the width is read through, asks the terminal, not `COLUMNS`).

use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde_json::{json, Value};

use super::{page, Fake};
use crate::support::BIN;

/// Noon (UTC, the sandbox's time zone) on the day `days` days from today: the day counts
/// the table prints hold whatever the time of day the test runs.
fn days_from_today(days: i64) -> String {
    let today = Timestamp::now().to_zoned(TimeZone::UTC).date();
    let day = today.checked_add(Span::new().days(days)).unwrap();
    format!("{day}T12:00:00.000Z")
}

/// 25 granular tokens: the one in use (the fake's token, by its mask) first, with a long
/// name, 14 packages, scopes and orgs, and five CIDR ranges, expiring in 3 days; then an
/// expired one and a revoked one; then 22 more, some with CIDR lists and packages.
fn busy_tokens() -> Vec<Value> {
    let packages: Vec<Value> = (1..=12)
        .map(|n| json!({"name": format!("@acme/package-number-{n}"), "type": "package"}))
        .chain([
            json!({"name": "@tools", "type": "scope"}),
            json!({"name": "acme", "type": "org"}),
        ])
        .collect();
    let gat = |n: usize, name: String, expiry: Value, extra: Value| {
        let mut token = json!({
            "name": name, "key": format!("{n:02}c0ffee-1111-4222-8333-944455556666"),
            "token": format!("npm_{n:02}AB...CD{n:02}"), "expiry": expiry,
            "cidr": [], "bypass_2fa": false, "revoked": null,
            "created": "2026-01-14T12:22:18.350Z", "accessed": days_from_today(-(n as i64)),
            "permissions": [{"name": "package", "action": "read"}], "scopes": []});
        for (k, v) in extra.as_object().unwrap() {
            token[k] = v.clone();
        }
        token
    };
    let mut tokens = vec![
        gat(
            0,
            "release pipeline for the acme monorepo (GitHub Actions, main branch)".into(),
            json!(days_from_today(3)),
            json!({"token": "fake-sec...6789", "bypass_2fa": true,
                   "permissions": [{"name": "package", "action": "write"},
                                   {"name": "org", "action": "read"}],
                   "scopes": packages,
                   "cidr": ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                            "10.0.0.0/8", "172.16.0.0/12"]}),
        ),
        gat(
            1,
            "nightly-canary-publisher-for-the-design-system-packages".into(),
            json!(days_from_today(-12)),
            json!({}),
        ),
        gat(
            2,
            "gone".into(),
            json!(days_from_today(30)),
            json!({"revoked": days_from_today(-2), "permissions": []}),
        ),
    ];
    for n in 3..25 {
        let extra = if n % 3 == 0 {
            json!({"cidr": ["192.0.2.0/24", "2001:db8:1234:5678:9abc:def0:1234:5678/128"],
                   "scopes": [{"name": format!("@team-{n}/web"), "type": "package"},
                              {"name": format!("@team-{n}/api"), "type": "package"}]})
        } else {
            json!({})
        };
        let name = format!("service {n}: deploy token for staging and production");
        tokens.push(gat(n, name, json!(days_from_today(10 * n as i64)), extra));
    }
    tokens
}

async fn busy() -> Fake {
    let fake = Fake::start().await;
    fake.list_answers(page(json!(busy_tokens()), "")).await;
    fake
}

/// The table's parts: the header's cells, each row's cells, and the line under it.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    note: Option<String>,
}

fn read(text: &str) -> Table {
    let cells = |line: &str| -> Vec<String> {
        line.trim_matches(['│', '|'])
            .split(['┆', '|'])
            .map(|c| c.trim().to_owned())
            .collect()
    };
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with(['┌', '+']), "{text}");
    assert!(lines[2].starts_with(['╞', '+']), "one header line:\n{text}");
    // The bottom border; a line of the note under it may start with `+N.`.
    let end = 3 + lines[3..]
        .iter()
        .position(|l| l.starts_with(['└', '+']) && !l.starts_with("+N"))
        .unwrap();
    Table {
        header: cells(lines[1]),
        rows: lines[3..end].iter().map(|line| cells(line)).collect(),
        // The line under the table, wrapped to the terminal's width.
        note: (end + 1 < lines.len()).then(|| lines[end + 1..].join(" ")),
    }
}

impl Table {
    fn cell(&self, row: usize, column: &str) -> &str {
        let n = self.header.iter().position(|h| h == column).unwrap();
        &self.rows[row][n]
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn at_40_60_80_120_and_200_columns_a_token_is_a_line() {
    let fake = busy().await;
    let widths: [(usize, &[&str]); 5] = [
        (40, &["id", "name", "expires"]),
        (60, &["id", "name", "access", "expires"]),
        (80, &["id", "name", "access", "expires", "last used"]),
        (120, &["id", "name", "access", "expires", "last used"]),
        // The in-use token's access (`packages: write, orgs: read; bypasses 2FA`) keeps the
        // main columns from all being comfortable beside the mask: the first detail to go.
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
    for (columns, shown) in widths {
        // stderr (page-by-page progress) shares the terminal: only the table is wanted here.
        let run = fake
            .run_in_terminal(
                format!("stty cols {columns} && {BIN} --color never 2>/dev/null"),
                None,
                String::new(),
            )
            .await;
        assert_eq!(run.code, 0, "{run:?}");
        let table = read(&run.stdout);
        assert_eq!(table.header, shown, "{columns}:\n{}", run.stdout);
        assert_eq!(table.rows.len(), 25, "one line a token:\n{}", run.stdout);
        for line in run.stdout.lines().take(25 + 4) {
            assert!(line.chars().count() <= columns, "{columns}: {line}");
        }
        // Marks in words, whatever is cut.
        assert!(
            table.cell(0, "name").ends_with(" (in use)"),
            "{}",
            run.stdout
        );
        assert!(
            table.cell(0, "expires").contains("in 3 days"),
            "{}",
            run.stdout
        );
        assert!(
            table.cell(1, "expires").contains("expired"),
            "{}",
            run.stdout
        );
        assert!(
            table.cell(2, "expires").starts_with("revoked"),
            "{}",
            run.stdout
        );
        // Names are cut at the end, never wrapped onto another line.
        assert!(
            table.cell(1, "name").starts_with("nightly-can"),
            "{}",
            run.stdout
        );
        // What was left out is said under the table, with how to see it.
        let left_out = ["token", "access", "covers", "CIDR", "created", "last used"]
            .into_iter()
            .filter(|c| !shown.contains(c))
            .collect::<Vec<_>>()
            .join(", ");
        let note = table.note.clone().unwrap_or_default();
        let said = if left_out.is_empty() {
            format!("Cut to fit {columns} columns: cells ending in … or +N.")
        } else {
            format!("Left out at {columns} columns: {left_out}")
        };
        assert!(note.starts_with(&said), "{columns}: {note}");
        assert!(note.contains("--json"), "{note}");
        if shown.contains(&"CIDR") {
            // Lists: what fits, then a count.
            let cidr = table.cell(0, "CIDR");
            assert!(
                cidr.starts_with("192.0.2.0/24") && cidr.contains(" +"),
                "{cidr}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn npm_lines_only_when_piped_or_asked_for() {
    let fake = busy().await;
    // However narrow the terminal, a table: the id, name and expiry cut to fit.
    let narrow = fake
        .run_in_terminal(
            format!("stty cols 30 && {BIN} --color never 2>/dev/null"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(narrow.code, 0, "{narrow:?}");
    let table = read(&narrow.stdout);
    assert_eq!(table.header, ["id", "name", "expires"], "{}", narrow.stdout);
    assert_eq!(table.rows.len(), 25);
    let piped = fake.run(&["list"]).await;
    assert_eq!(piped.code, 0, "{piped:?}");
    assert!(piped
        .stdout
        .starts_with("Token fake-sec...6789… with id 00c0ff"));
    let asked = fake
        .run_in_terminal(
            format!("stty cols 30 && {BIN} --lines --color never 2>/dev/null"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(asked.stdout, piped.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn colour_and_dumb_terminals() {
    let fake = busy().await;
    let run = fake
        .run_in_terminal(
            format!("stty cols 80 && {BIN} 2>/dev/null"),
            None,
            String::new(),
        )
        .await;
    let line = |id: &str| run.stdout.lines().find(|l| l.contains(id)).unwrap();
    assert!(line("01c0ff").contains("\x1b[38;5;9m 01c0ff "), "{run:?}");
    assert!(line("00c0ff").contains("\x1b[38;5;10m "), "in use: {run:?}");
    assert!(
        line("00c0ff").contains("\x1b[38;5;11m "),
        "expiring soon: {run:?}"
    );
    // The escapes take no room: every line still fits.
    let plain = fake
        .run_in_terminal(
            format!("stty cols 80 && {BIN} --color never 2>/dev/null"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(
        plain.stdout.lines().count(),
        run.stdout.lines().count(),
        "{run:?}"
    );

    let dumb = fake
        .run_in_terminal(
            format!("stty cols 60 && env TERM=dumb {BIN} 2>/dev/null"),
            None,
            String::new(),
        )
        .await;
    assert!(!dumb.stdout.contains('\x1b'), "{dumb:?}");
    let lines: Vec<&str> = dumb.stdout.lines().collect();
    assert!(lines[0].starts_with("+--------+"), "{dumb:?}");
    assert!(lines[2].starts_with("+========+"), "{dumb:?}");
    assert_eq!(lines[2].matches('+').count(), lines[3].matches('|').count());
}

/// `status` in a narrow terminal: each value wrapped between words under the value column,
/// never broken mid-word by the terminal.
#[tokio::test(flavor = "multi_thread")]
async fn status_values_wrap_between_words() {
    let fake = Fake::start().await;
    fake.answers_whoami("alice").await;
    fake.list_answers(page(json!([]), "")).await;
    let run = fake
        .run_in_terminal(
            format!("stty cols 50; {BIN} status --color never"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let screen = super::feedback::without_status_lines(&run.stdout);
    let lines: Vec<&str> = screen.lines().collect();
    let wrapped = [
        "token     not in the token list: a login session",
        "          (`npm login` makes these; lists do not",
        "          show them)",
    ];
    assert!(lines.windows(3).any(|three| three == wrapped), "{run:?}");
    for line in &lines {
        assert!(line.chars().count() <= 50, "{line:?} in {run:?}");
    }
}
