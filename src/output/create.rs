//! What `create` prints: the new token, once, in every format. `--json`, `--parseable` and
//! npm's lines are npm's bytes; a table (a terminal) ends with the new token in the table's
//! terms instead of npm's last lines.

use serde_json::{Map, Value};

use super::table::table_row;
use super::{fit, pretty_json, tsv, tty, OutputFormat, Printer};
use crate::commands::MIN_ID_LEN;
use crate::registry::{js_string, js_truthy};
use crate::token_info::{TokenInfo, When};

/// The registry's answer to a create, printed as npm prints it: without `key` and
/// `updated`, which npm leaves out.
pub(super) fn created_token(answer: &Map<String, Value>, printer: &Printer) -> String {
    let key = answer
        .get("key")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut shown = answer.clone();
    shown.shift_remove("key");
    shown.shift_remove("updated");
    let result = &shown;
    match printer.format {
        OutputFormat::Json => pretty_json(&Value::Object(result.clone())),
        OutputFormat::Parseable => result
            .iter()
            .map(|(k, v)| format!("{}\t{}\n", tsv(k), tsv(&parseable_value(v))))
            .collect(),
        OutputFormat::Table => {
            let token = result
                .get("token")
                .map_or("undefined".to_owned(), js_string);
            let mut out = format!("Created token {}\n", tty(&token));
            out.push_str(&summary(key, &TokenInfo::from_fields(result), printer));
            out
        }
        OutputFormat::Lines => {
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
                        printer.paint.green(&tty(&entries.join(",")))
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

/// The new token in the table's terms, one `label value` line each: its id (the key's first
/// characters, as `list` shows it unless another token's key starts the same way; none
/// without a key), name, access, what it covers, its CIDR list and its expiry in days.
/// Empty fields are left out.
fn summary(key: &str, token: &TokenInfo, printer: &Printer) -> String {
    let id: String = key.chars().take(MIN_ID_LEN).collect();
    let (cells, _) = table_row(token, &id, printer.now);
    let never = matches!(token.expiry(), When::Never).then(|| "never".to_owned());
    let rows = [
        ("id", Some(cells[0].clone()).filter(|_| !key.is_empty())),
        ("name", Some(cells[1].clone())),
        ("access", Some(cells[3].clone())),
        ("covers", Some(cells[4].clone())),
        ("CIDR", Some(cells[5].clone())),
        (
            "expires",
            Some(cells[7].clone()).filter(|e| !e.is_empty()).or(never),
        ),
    ];
    rows.into_iter()
        .filter_map(|(label, value)| Some((label, value.filter(|v| !v.is_empty())?)))
        .map(|(label, value)| {
            let value = fit::block(&tty(&value), printer.width.map(usize::from), 10);
            format!("{label:10}{value}\n")
        })
        .collect()
}

/// A created token's field on a `--parseable` line: as npm prints it (`String(value)`),
/// except values holding objects (a granular token's `permissions` and `scopes`), which npm
/// prints as `[object Object]`: those are compact JSON.
pub(super) fn parseable_value(value: &Value) -> String {
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
