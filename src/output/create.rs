//! What `create` prints: the new token, once, in every format.

use serde_json::{Map, Value};

use super::{pretty_json, tsv, tty, OutputFormat, Paint};
use crate::registry::{js_string, js_truthy};

/// The answer to a create, with `key` and `updated` already removed.
pub(super) fn created_token(
    result: &Map<String, Value>,
    format: OutputFormat,
    paint: Paint,
) -> String {
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
