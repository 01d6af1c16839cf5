//! What the README promises about the tests holds: every test its "Fault behaviour" table
//! names exists, in the file the row names for it.

use std::path::{Path, PathBuf};

/// The `.rs` files under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Whether `text` defines a function `name` (a test: `fn name(`, sync or async).
fn defines(text: &str, name: &str) -> bool {
    text.contains(&format!("fn {name}("))
}

/// The cells of a Markdown table row (`\|` is a pipe inside a cell).
fn cells(row: &str) -> Vec<String> {
    row.replace("\\|", "\u{0}")
        .trim()
        .trim_matches('|')
        .split('|')
        .map(|cell| cell.replace('\u{0}', "|").trim().to_owned())
        .collect()
}

/// The `code spans` of a cell, in order.
fn spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_test_the_fault_table_names_exists_where_it_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let table = readme
        .split_once("## Fault behaviour")
        .and_then(|(_, rest)| rest.split_once("\n### "))
        .expect("README has a Fault behaviour section")
        .0;
    let files: Vec<(PathBuf, String)> = [root.join("tests"), root.join("src")]
        .iter()
        .flat_map(|dir| sources(dir))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect();
    let mut problems = Vec::new();
    let mut named = 0;
    for row in table.lines().filter(|l| l.starts_with("| ")).skip(1) {
        let Some(cell) = cells(row).pop() else {
            continue;
        };
        // A file named after tests (`(`fake/far.rs`)`) is where those since the last one are.
        let mut pending: Vec<&str> = Vec::new();
        for span in spans(&cell) {
            if span.ends_with(".rs") {
                let candidates = [
                    root.join("tests/cli").join(span),
                    root.join("src").join(span),
                ];
                let Some((path, text)) = files.iter().find(|(p, _)| candidates.contains(p)) else {
                    problems.push(format!("{span}: no such file"));
                    continue;
                };
                for name in pending.drain(..) {
                    if !defines(text, name) {
                        problems.push(format!("{name} is not in {}", path.display()));
                    }
                }
            } else if span.contains('_')
                && span
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                named += 1;
                if !files.iter().any(|(_, text)| defines(text, span)) {
                    problems.push(format!("{span}: no such test"));
                }
                pending.push(span);
            }
        }
    }
    assert!(named > 50, "only {named} tests found in the table");
    assert!(problems.is_empty(), "{problems:#?}");
}
