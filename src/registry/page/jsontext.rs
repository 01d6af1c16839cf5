//! npm's JSON output, `JSON.stringify(value, null, 2)`, byte for byte: `stringify` for any
//! decoded value, and a fast path over the JSON text of listed tokens (which serde_json has
//! already checked when the page was read) that re-prints a token with npm's `id` added
//! last. The fast path works on the bytes: strings without escapes and plain integers are
//! copied as they are, which is exactly what decoding and re-encoding them would print;
//! anything else (escaped strings, other numbers) is decoded and printed as JavaScript
//! prints it. On anything it does not expect it gives up (`None`) and the caller decodes the
//! token instead.

use std::ops::Range;

use serde_json::Value;

/// A number as JavaScript prints it (`String(n)`, and so `JSON.stringify`): `1e2` is
/// `100`, `-0` is `0`, `1e21` is `1e+21`, and integers beyond 2⁵³ lose their last digits
/// as they do in a JavaScript double.
pub fn js_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) => {
            let mut buffer = ryu_js::Buffer::new();
            buffer.format(f).to_owned()
        }
        None => n.to_string(),
    }
}

/// `JSON.stringify(value, null, 2)`, as if nested `depth` levels deep (its first line is
/// not indented).
pub fn stringify(out: &mut Vec<u8>, value: &Value, depth: usize) {
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    };
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => out.extend_from_slice(js_number(n).as_bytes()),
        // serde_json escapes what JSON.stringify escapes, the same way.
        Value::String(s) => {
            serde_json::to_writer(&mut *out, s).expect("a string always serializes")
        }
        Value::Array(items) if items.is_empty() => out.extend_from_slice(b"[]"),
        Value::Object(map) if map.is_empty() => out.extend_from_slice(b"{}"),
        Value::Array(items) => {
            out.push(b'[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                newline(out, depth + 1);
                stringify(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (n, (name, item)) in map.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                newline(out, depth + 1);
                serde_json::to_writer(&mut *out, name).expect("a string always serializes");
                out.extend_from_slice(b": ");
                stringify(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(b'}');
        }
    }
}

/// Nesting deeper than this gives up (serde_json itself refuses 128 levels).
const MAX_DEPTH: usize = 100;

/// Fields beyond this many give up the re-printing (its check for repeats is quadratic).
const MAX_FIELDS: usize = 32;

/// Appends `text` (a JSON object) with `"id": id` added as its last field, pretty-printed
/// as if nested `depth` levels deep (its first line is not indented). Gives up on what
/// `JSON.parse` would change, so that the output is always what npm prints: a repeated field
/// (the last wins), an `id` field (npm's replaces it), escaped field names (which might
/// repeat another), and objects inside the token.
pub fn object_with_id(out: &mut Vec<u8>, text: &str, id: &str, depth: usize) -> Option<()> {
    let mut printer = Printer {
        cursor: Cursor::new(text),
        out,
    };
    let mut names: [&[u8]; MAX_FIELDS] = [&[]; MAX_FIELDS];
    let mut fields = 0;
    printer.cursor.skip_space();
    printer.cursor.expect(b'{')?;
    printer.out.push(b'{');
    loop {
        printer.cursor.skip_space();
        match printer.cursor.peek()? {
            b'}' => break,
            b',' => printer.cursor.at += 1,
            b'"' => {
                let (span, escaped) = printer.cursor.string()?;
                let name = &text.as_bytes()[span];
                if fields == MAX_FIELDS
                    || name == b"\"id\""
                    || escaped
                    || names[..fields].contains(&name)
                {
                    return None;
                }
                names[fields] = name;
                fields += 1;
                printer.newline(depth + 1);
                printer.out.extend_from_slice(name);
                printer.cursor.skip_space();
                printer.cursor.expect(b':')?;
                printer.out.extend_from_slice(b": ");
                printer.value(depth + 1)?;
                printer.out.push(b',');
            }
            _ => return None,
        }
    }
    printer.cursor.at += 1;
    printer.newline(depth + 1);
    printer.out.extend_from_slice(b"\"id\": ");
    serde_json::to_writer(&mut *printer.out, id).ok()?;
    printer.newline(depth);
    printer.out.push(b'}');
    printer.cursor.skip_space();
    printer.cursor.at_end().then_some(())
}

/// A position in JSON text.
struct Cursor<'a> {
    input: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            input: text.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.at).copied()
    }

    fn at_end(&self) -> bool {
        self.at == self.input.len()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// The span of the string literal here, quotes included, and whether it holds an escape.
    fn string(&mut self) -> Option<(Range<usize>, bool)> {
        let start = self.at;
        self.expect(b'"')?;
        let mut escaped = false;
        loop {
            let rest = self.input.get(self.at..)?;
            let found = memchr::memchr2(b'"', b'\\', rest)?;
            self.at += found + 1;
            if rest[found] == b'"' {
                return Some((start..self.at, escaped));
            }
            escaped = true;
            self.at += 1; // the escaped character (`\uXXXX`'s digits need no care)
        }
    }

    /// The span of the scalar (number, `true`, `false`, `null`) here.
    fn scalar(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        while let Some(b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z') = self.peek() {
            self.at += 1;
        }
        (self.at > start).then_some(start..self.at)
    }
}

/// A cursor over the input and the output being written.
struct Printer<'a> {
    cursor: Cursor<'a>,
    out: &'a mut Vec<u8>,
}

impl Printer<'_> {
    fn newline(&mut self, depth: usize) {
        self.out.push(b'\n');
        self.out.resize(self.out.len() + 2 * depth, b' ');
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.cursor.skip_space();
        match self.cursor.peek()? {
            b'"' => self.string(),
            b'[' => self.array(depth),
            // Objects inside a token are left to serde_json.
            b'{' => None,
            _ => self.scalar(),
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.cursor.at += 1;
        self.cursor.skip_space();
        if self.cursor.peek()? == b']' {
            self.cursor.at += 1;
            self.out.extend_from_slice(b"[]");
            return Some(());
        }
        self.out.push(b'[');
        loop {
            self.newline(depth + 1);
            self.value(depth + 1)?;
            self.cursor.skip_space();
            match self.cursor.peek()? {
                b',' => {
                    self.cursor.at += 1;
                    self.out.push(b',');
                }
                b']' => {
                    self.cursor.at += 1;
                    break;
                }
                _ => return None,
            }
        }
        self.newline(depth);
        self.out.push(b']');
        Some(())
    }

    /// A string: copied when it has no escapes (serde_json would print the same bytes: it
    /// escapes only quotes, backslashes and control characters, none of which can appear
    /// unescaped in valid JSON); otherwise decoded and re-encoded.
    fn string(&mut self) -> Option<()> {
        let (span, escaped) = self.cursor.string()?;
        let literal = &self.cursor.input[span];
        if escaped {
            let text: String = serde_json::from_slice(literal).ok()?;
            serde_json::to_writer(&mut *self.out, &text).ok()?;
        } else {
            self.out.extend_from_slice(literal);
        }
        Some(())
    }

    /// `true`, `false`, `null` or a number. An integer of at most 15 digits (exact in a
    /// JavaScript double) is copied; other numbers are
    /// printed as JavaScript prints what it parses (`1.50` as `1.5`, `1e2` as `100`).
    fn scalar(&mut self) -> Option<()> {
        let span = self.cursor.scalar()?;
        let literal = &self.cursor.input[span];
        let digits = literal.strip_prefix(b"-").unwrap_or(literal);
        let copied = matches!(literal, b"true" | b"false" | b"null")
            || (!digits.is_empty()
                && digits.len() <= 15
                && digits.iter().all(u8::is_ascii_digit)
                && (digits[0] != b'0' || literal == b"0"));
        if copied {
            self.out.extend_from_slice(literal);
        } else {
            let value: serde_json::Number = serde_json::from_slice(literal).ok()?;
            self.out.extend_from_slice(js_number(&value).as_bytes());
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(text: &str) -> Option<String> {
        let mut out = Vec::new();
        object_with_id(&mut out, text, "abc123", 1)?;
        Some(String::from_utf8(out).unwrap())
    }

    /// What `stringify` prints for the same object with the id added, nested one level.
    fn expected(text: &str) -> String {
        let mut map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).unwrap();
        map.insert("id".into(), "abc123".into());
        let mut out = Vec::new();
        stringify(&mut out, &Value::Object(map), 1);
        String::from_utf8(out).unwrap()
    }

    /// What node's own `JSON.stringify(value, null, 2)` prints, as the oracle.
    fn node_stringify(text: &str) -> String {
        let script = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>\
            process.stdout.write(JSON.stringify(JSON.parse(s),null,2)))";
        let mut child = std::process::Command::new("node")
            .args(["-e", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("node is installed, as npm needs it");
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    }

    #[test]
    fn stringify_prints_what_javascript_prints() {
        let text = r#"{"n":[0,-0,7,-12,1.50,1e2,-1E-7,123456789012345678,1234567890123456789012,0.1,1e21,1e-6,5e-324,18446744073709551615],
            "s":"tab\there \"quoted\" \u00e9 \/ \ud83d\ude00 \\ \u0001\u007f\u2028","e":[],"o":{},"d":{"a":[{"b":null}]},"t":true}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let mut out = Vec::new();
        stringify(&mut out, &value, 0);
        assert_eq!(String::from_utf8(out).unwrap(), node_stringify(text));
    }

    #[test]
    fn prints_what_stringify_prints() {
        for text in [
            r#"{}"#,
            r#"{"token":"npm_ab...cd","key":"9f3a","cidr_whitelist":null,"readonly":false,"created":"2026-01-01T00:00:00.000Z"}"#,
            "{ \"a\" : [ ] , \"b\":[1,[2,[]],\"x\"],\n\t\"c\": true }",
            r#"{"e":"tab\there \"quoted\" \u00e9 \/ \ud83d\ude00 \\","s":"\u0001"}"#,
            r#"{"n":[0,-0,7,-12,1.50,1e2,-1E-7,123456789012345678,1234567890123456789012,0.1]}"#,
            r#"{"unicode":"é😀 DEL:"}"#,
        ] {
            assert_eq!(
                pretty(text).as_deref(),
                Some(expected(text).as_str()),
                "{text}"
            );
        }
    }

    #[test]
    fn gives_up_on_what_it_does_not_expect() {
        for text in [
            r#"{"a":{}}"#,
            "[]",
            r#"{"a":1} x"#,
            r#"{"a" 1}"#,
            r#"{"a":tru}"#,
            "{",
        ] {
            assert_eq!(pretty(text), None, "{text}");
        }
    }
}
