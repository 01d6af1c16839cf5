//! The table in a narrow terminal: a real pseudo-terminal, its width set with `stty cols`
//! (comfy-table, which the width is read through, asks the terminal, not `COLUMNS`).

use super::npmjs::npmjs;
use crate::support::BIN;

/// Dates (`2026-03-15`) as `YYYY-MM-DD`: the fake's expiries are days from the real now.
fn without_dates(text: &str) -> String {
    let shape = b"dddd-dd-dd";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    while n < bytes.len() {
        let date = bytes.get(n..n + shape.len()).is_some_and(|window| {
            window.iter().zip(shape).all(|(&b, &s)| match s {
                b'd' => b.is_ascii_digit(),
                _ => b == s,
            })
        });
        if date {
            out.push_str("YYYY-MM-DD");
            n += shape.len();
        } else {
            let c = text[n..].chars().next().unwrap();
            out.push(c);
            n += c.len_utf8();
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifty_column_terminal_gets_a_table_that_fits() {
    let fake = npmjs().await;
    // stderr (page-by-page progress) shares the terminal: only the table is wanted here.
    let run = fake
        .run_in_terminal(
            format!("stty cols 50 && {BIN} --color never 2>/dev/null"),
            None,
            String::new(),
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    for line in run.stdout.lines() {
        assert!(line.chars().count() <= 50, "{line}\n{}", run.stdout);
    }
    // The covers, token, created, CIDR, last-used and access columns are given up, in that
    // order (publish's access, `packages: write, orgs: read; bypasses 2FA`, would take more
    // than three lines); cells wrap between words only.
    assert_eq!(
        without_dates(&run.stdout),
        "\
┌────────┬───────────┬──────────────────────────┐
│ id     ┆ name      ┆ expires                  │
╞════════╪═══════════╪══════════════════════════╡
│ d83cf1 ┆ publish   ┆ YYYY-MM-DD (in 400 days) │
│ 0b3f2c ┆ reader    ┆ never                    │
│ 7c0ffe ┆ old       ┆ YYYY-MM-DD (expired 12   │
│        ┆           ┆ days ago)                │
│ 9e9e9e ┆ gone      ┆ revoked YYYY-MM-DD       │
│ ab12cd ┆ (unnamed) ┆                          │
└────────┴───────────┴──────────────────────────┘
"
    );

    // Too narrow for the id, name and expiry: npm's lines, exactly as when piped.
    let narrow = fake
        .run_in_terminal(
            format!("stty cols 30 && {BIN} --color never 2>/dev/null"),
            None,
            String::new(),
        )
        .await;
    let piped = fake.run(&["list"]).await;
    assert_eq!((narrow.code, piped.code), (0, 0), "{narrow:?} {piped:?}");
    assert!(narrow
        .stdout
        .starts_with("Token npm_NYn6...jCq0… with id d83cf1"));
    assert_eq!(narrow.stdout, piped.stdout);
}
