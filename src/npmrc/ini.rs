//! npm's ini dialect (the `ini` package, as `@npmcli/config` uses it): `;`/`#` comment
//! lines, `;`/`#` inline comments unless escaped, quoted values JSON-decoded, `key[]` arrays,
//! bare `true`/`false`/`null`; and `${VAR}` expansion. No ini crate reproduces those quirks,
//! and a config that parses differently from npm's is worse than none, so this small parser
//! follows npm's line by line.

use std::collections::BTreeMap;
use std::fmt;

/// One configuration value, as npm's ini decoder produces it.
#[derive(Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Bool(bool),
    Null,
    List(Vec<String>),
}

// Values may be tokens or passwords: never print their contents.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write!(f, "Str(<{} chars>)", s.chars().count()),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Null => f.write_str("Null"),
            Value::List(l) => write!(f, "List(<{} items>)", l.len()),
        }
    }
}

/// Decodes npmrc text exactly as npm's `ini.decode` does, keeping only top-level keys
/// (npm ignores `[section]` contents for everything this tool reads).
#[cfg(test)]
pub fn parse_ini(text: &str) -> BTreeMap<String, Value> {
    parse_ini_with_lines(text).0
}

/// As [`parse_ini`], with the line (from 1) of each key's last assignment, for messages
/// that point into the file.
pub fn parse_ini_with_lines(text: &str) -> (BTreeMap<String, Value>, BTreeMap<String, usize>) {
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    let mut lines = BTreeMap::new();
    let mut in_section = false;
    // npm splits on either line break; a line is numbered as editors number it (by `\n`).
    let physical = text.split('\n').enumerate();
    for (number, line) in physical.flat_map(|(n, l)| l.split('\r').map(move |l| (n + 1, l))) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with(';') || trimmed.starts_with('#') {
            continue;
        }
        // `^\[([^\]]*)\]\s*$`: a section header.
        if let Some(rest) = line.strip_prefix('[') {
            if let Some(close) = rest.find(']') {
                if rest[close + 1..].trim().is_empty() {
                    in_section = true;
                    continue;
                }
            }
        }
        // `^([^=]+)(=(.*))?$`: the key is everything before the first `=` and is non-empty.
        let (raw_key, raw_value) = match line.find('=') {
            Some(0) => continue,
            Some(i) => (&line[..i], Some(&line[i + 1..])),
            None => (line, None),
        };
        if in_section {
            continue;
        }
        let key_text = match unquote(raw_key) {
            Value::Str(s) => s,
            other => value_to_string(&other),
        };
        let (key, is_array) = match key_text.strip_suffix("[]") {
            Some(k) if key_text.len() > 2 => (k.to_owned(), true),
            _ => (key_text, false),
        };
        if key == "__proto__" {
            continue;
        }
        let value = match raw_value {
            None => Value::Bool(true),
            Some(v) => match unquote(v) {
                Value::Str(s) if s == "true" => Value::Bool(true),
                Value::Str(s) if s == "false" => Value::Bool(false),
                Value::Str(s) if s == "null" => Value::Null,
                other => other,
            },
        };
        let existing = out.remove(&key);
        let merged = match (existing, is_array) {
            (Some(Value::List(mut list)), _) => {
                list.push(value_to_string(&value));
                Value::List(list)
            }
            (Some(previous), true) => {
                Value::List(vec![value_to_string(&previous), value_to_string(&value)])
            }
            (None, true) => Value::List(vec![value_to_string(&value)]),
            (_, false) => value,
        };
        lines.insert(key.clone(), number);
        out.insert(key, merged);
    }
    (out, lines)
}

/// npm's `unsafe()`: a quoted value is JSON-decoded (single quotes stripped first); an
/// unquoted one ends at the first unescaped `;` or `#`.
pub(super) fn unquote(raw: &str) -> Value {
    let val = raw.trim();
    let quoted = val.len() >= 2
        && ((val.starts_with('"') && val.ends_with('"'))
            || (val.starts_with('\'') && val.ends_with('\'')));
    if quoted {
        let inner = if val.starts_with('\'') {
            &val[1..val.len() - 1]
        } else {
            val
        };
        return match serde_json::from_str::<serde_json::Value>(inner) {
            Ok(serde_json::Value::String(s)) => Value::Str(s),
            Ok(serde_json::Value::Bool(b)) => Value::Bool(b),
            Ok(serde_json::Value::Null) => Value::Null,
            Ok(other) => Value::Str(other.to_string()),
            Err(_) => Value::Str(inner.to_owned()),
        };
    }
    let mut out = String::with_capacity(val.len());
    let mut escaped = false;
    for c in val.chars() {
        if escaped {
            if !matches!(c, '\\' | ';' | '#') {
                out.push('\\');
            }
            out.push(c);
            escaped = false;
        } else if c == ';' || c == '#' {
            break;
        } else if c == '\\' {
            escaped = true;
        } else {
            out.push(c);
        }
    }
    if escaped {
        out.push('\\');
    }
    Value::Str(out.trim().to_owned())
}

/// How JavaScript's `String(value)` renders a config value.
pub fn value_to_string(value: &Value) -> String {
    match value {
        Value::Str(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::List(l) => l.join(","),
    }
}

/// Replaces `${NAME}` with the environment variable NAME (left as is when unset) and
/// `${NAME?}` with it or nothing; backslashes escape, as in `@npmcli/config`'s env-replace.
pub fn env_replace(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != b'$' || bytes[i + 1] != b'{' {
            i += 1;
            continue;
        }
        // `[^${}?]+` then an optional `?` then `}`.
        let name_start = i + 2;
        let mut j = name_start;
        while j < bytes.len() && !matches!(bytes[j], b'$' | b'{' | b'}' | b'?') {
            j += 1;
        }
        let optional = j < bytes.len() && bytes[j] == b'?';
        let close = if optional { j + 1 } else { j };
        if j == name_start || close >= bytes.len() || bytes[close] != b'}' {
            i += 1;
            continue;
        }
        // The run of backslashes right before `$` (the regex's lookbehind makes it maximal).
        let mut esc_start = i;
        while esc_start > last && bytes[esc_start - 1] == b'\\' {
            esc_start -= 1;
        }
        let escapes = i - esc_start;
        let name = &text[name_start..j];
        out.push_str(&text[last..esc_start]);
        out.push_str(&"\\".repeat(escapes / 2));
        if escapes % 2 == 1 {
            out.push_str(&text[i..=close]);
        } else {
            match lookup(name) {
                Some(v) => out.push_str(&v),
                None if optional => {}
                None => out.push_str(&format!("${{{name}}}")),
            }
        }
        i = close + 1;
        last = i;
    }
    out.push_str(&text[last..]);
    out
}
