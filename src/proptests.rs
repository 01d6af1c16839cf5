//! Property tests: the fuzz targets. Generated inputs for every parser of untrusted text
//! (npmrc files, `${VAR}` expansion, CIDR lists, the registry's token pages) and for the
//! renderers of what a registry sends. They run in every `cargo test` with proptest's
//! default 256 cases; run them longer with, e.g.,
//! `PROPTEST_CASES=200000 cargo test --bin npm-token proptests`.

use proptest::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::cidr::parse_cidr_list;
use crate::npmrc::{env_replace, parse_ini, Value as IniValue};
use crate::output;
use crate::output::OutputFormat;
use crate::registry::Token;

/// JSON *text*, a few levels deep, with what a `Value` never holds: numbers out of range,
/// lone surrogates, control characters, repeated names, odd spacing, and deep nesting.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(vec![
            "0",
            "-0",
            "7",
            "1.50",
            "1e2",
            "-1E-7",
            "1e400",
            "-1e400",
            "1e-400",
            "123456789012345678901234567890",
            "18446744073709551616",
            "true",
            "false",
            "null",
            "\"\"",
            "\"a\"",
            "\"\\ud800\"",
            "\"\\udc00x\"",
            "\"\\ud83d\\ude00\"",
            "\"\\u0000\\n\\/\"",
            "\"\u{1}\"",
            "\"é\"",
            "\"{\"",
        ])
        .prop_map(str::to_owned),
        (1usize..140).prop_map(|n| format!("{}1{}", "[".repeat(n), "]".repeat(n))),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["key", "token", "id", "a", "k\\u0065y", "x"]),
                    inner
                ),
                0..5,
            )
            .prop_map(|fields| {
                let fields: Vec<String> = fields
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\" : {v}"))
                    .collect();
                format!("{{ {} }}", fields.join(",\n"))
            }),
        ]
    })
}

/// Arbitrary JSON, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "(?s).{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                "[a-z_]{1,8}|key|token|name|created|readonly|cidr|cidr_whitelist",
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const FORMATS: [OutputFormat; 4] = [
    OutputFormat::Json,
    OutputFormat::Parseable,
    OutputFormat::Table,
    OutputFormat::Lines,
];

proptest! {
    #[test]
    fn npmrc_parser_takes_any_text(text in "(?s).{0,400}") {
        parse_ini(&text);
    }

    #[test]
    fn npmrc_parser_takes_any_line_soup(lines in prop::collection::vec(
        "[ \\t]*([;#\\[]|[a-z_/:.${}\\[\\]-]{1,12})[ \\t]*(=[ \\t]*(\"[^\"]{0,8}\"?|'[^']{0,8}'?|[^\\n]{0,16}))?",
        0..20,
    )) {
        parse_ini(&lines.join("\n"));
    }

    #[test]
    fn npmrc_simple_pairs_round_trip(key in "[a-z][a-z-]{0,10}", value in "[A-Za-z0-9/:._-]{1,20}") {
        let map = parse_ini(&format!("{key} = {value}\n"));
        let expected = match value.as_str() {
            "true" => IniValue::Bool(true),
            "false" => IniValue::Bool(false),
            "null" => IniValue::Null,
            _ => IniValue::Str(value.clone()),
        };
        prop_assert!(map.get(&key) == Some(&expected));
    }

    #[test]
    fn env_replace_takes_any_text(text in "(?s)[$\\\\{}?a-zA-Z_ é]{0,60}") {
        let lookup = |name: &str| (name == "A").then(|| "value".to_owned());
        let out = env_replace(&text, &lookup);
        if !text.contains("${") {
            prop_assert_eq!(out, text);
        }
    }

    #[test]
    fn cidr_lists_take_any_text(values in prop::collection::vec(".{0,30}", 0..4)) {
        let _ = parse_cidr_list(&values);
    }

    #[test]
    fn every_ipv4_network_is_accepted(a: u8, b: u8, c: u8, d: u8, prefix in 0u8..=32) {
        let cidr = format!("{a}.{b}.{c}.{d}/{prefix}");
        prop_assert_eq!(parse_cidr_list(std::slice::from_ref(&cidr)), Ok(vec![cidr]));
    }

    #[test]
    fn every_ipv6_network_is_refused_as_such(segments: [u16; 8], prefix in 0u8..=128) {
        let addr = std::net::Ipv6Addr::from(segments);
        let cidr = format!("{addr}/{prefix}");
        let refused = parse_cidr_list(std::slice::from_ref(&cidr));
        prop_assert_eq!(refused, Err(crate::cidr::CidrError::Ipv6(cidr)));
    }

    #[test]
    fn token_pages_take_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let [fast, slow] = crate::registry::decode_page_for_fuzzing(&bytes);
        prop_assert_eq!(fast, slow);
    }

    #[test]
    fn token_pages_take_any_json(value in json(), objects in prop::collection::vec(json(), 0..4)) {
        let total = value.clone();
        for value in [
            value,
            serde_json::json!({"objects": objects, "urls": {"next": "?p=2"}}),
            serde_json::json!({"objects": [], "total": 7, "urls": {"next": "?page=1&perPage=5"}}),
            serde_json::json!({"objects": [], "total": total}),
        ] {
            let [fast, slow] = crate::registry::decode_page_for_fuzzing(&serde_json::to_vec(&value).unwrap());
            prop_assert_eq!(fast, slow);
        }
    }

    /// Pages written as text, with everything a decoded value cannot hold: the usual fast
    /// path and the slow one accept the same pages, and read them the same.
    #[test]
    fn token_pages_read_the_same_both_ways(
        tokens in prop::collection::vec(json_text(), 0..4),
        other in json_text(),
    ) {
        let objects = format!("\"objects\": [{}]", tokens.join(", "));
        for body in [
            format!("{{{objects}, \"other\": {other}, \"urls\": {{}}}}"),
            format!("{{\"objects\": [{other}], {objects}}}"),
            format!("{{{objects}, \"objects\": []}}"),
            format!("{{\"total\": {other}, {objects}, \"total\": 3}}"),
            format!("{{{objects}, \"total\": {other}}}"),
        ] {
            let [fast, slow] = crate::registry::decode_page_for_fuzzing(body.as_bytes());
            prop_assert_eq!(fast, slow, "{}", body);
        }
    }

    /// The byte-level fast path is only given valid JSON, but takes anything.
    #[test]
    fn json_text_fast_paths_take_any_text(text in "(?s)[{}\\[\\]\",: a-z0-9\\\\.-]{0,40}") {
        let _ = crate::registry::jsontext::object_with_id(&mut Vec::new(), &text, "id", 1);
    }

    /// A listed token prints the same whether it is re-printed from the registry's text
    /// (the usual, fast path) or from its decoded fields.
    #[test]
    fn listed_tokens_print_the_same_from_text_or_fields(
        objects in prop::collection::vec(json(), 0..6),
        pretty in any::<bool>(),
    ) {
        // Real tokens hold no objects: flatten most of them so the fast path is well covered.
        fn flatten(value: Value) -> Value {
            match value {
                Value::Object(_) => Value::Null,
                Value::Array(items) => items.into_iter().map(flatten).collect(),
                other => other,
            }
        }
        let maps: Vec<_> = objects.into_iter().enumerate().filter_map(|(n, v)| match v {
            Value::Object(map) if n % 3 != 0 => Some(map.into_iter().map(|(k, v)| (k, flatten(v))).collect()),
            Value::Object(map) => Some(map),
            _ => None,
        }).collect();
        let from_text: Vec<Token> = maps.iter().map(|map| {
            let text = if pretty { serde_json::to_string_pretty(map) } else { serde_json::to_string(map) };
            Token::from_raw(RawValue::from_string(text.unwrap()).unwrap()).unwrap()
        }).collect();
        for (map, token) in maps.iter().zip(&from_text) {
            fn holds_object(value: &Value) -> bool {
                match value {
                    Value::Object(_) => true,
                    Value::Array(items) => items.iter().any(holds_object),
                    _ => false,
                }
            }
            let flat = !map.values().any(holds_object);
            if flat && !map.contains_key("id") {
                let mut out = Vec::new();
                prop_assert!(crate::registry::jsontext::object_with_id(&mut out, token.raw_json(), "id", 1).is_some());
            }
        }
        let from_fields: Vec<Token> = maps.into_iter().map(Token::from_map).collect();
        let keys: Vec<&str> = from_fields.iter().map(|t| t.key()).collect();
        prop_assert_eq!(&keys, &from_text.iter().map(|t| t.key()).collect::<Vec<_>>());
        let ids = crate::ids::shortest_unique_ids(&keys, 6);
        for format in FORMATS {
            let mut a = Vec::new();
            let mut b = Vec::new();
            let printer = output::Printer { format, paint: output::Paint(false), progress: false, width: None, ascii: false, now: crate::token_info::Now::utc(jiff::Timestamp::UNIX_EPOCH) };
            output::write_token_list(&mut a, &from_text, &ids, None, &printer).unwrap();
            output::write_token_list(&mut b, &from_fields, &ids, None, &printer).unwrap();
            prop_assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
        }
    }

    #[test]
    fn any_token_objects_render_in_every_format(
        objects in prop::collection::vec(json(), 0..6),
    ) {
        let tokens: Vec<Token> = objects
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(map) => Some(Token::from_map(map)),
                _ => None,
            })
            .collect();
        let keys: Vec<&str> = tokens.iter().map(|t| t.key()).collect();
        let ids = crate::ids::shortest_unique_ids(&keys, 6);
        for format in FORMATS {
            for paint in [output::Paint(false), output::Paint(true)] {
                let printer = output::Printer { format, paint, progress: false, width: Some(50), ascii: false, now: crate::token_info::Now::utc(jiff::Timestamp::UNIX_EPOCH) };
                printer.token_list(&mut Vec::new(), &tokens, &ids, tokens.len().checked_sub(1)).unwrap();
                for token in &tokens {
                    printer.created_token(&token.fields().0);
                }
            }
        }
    }
}

/// Text heavy with what registry text must not pass on: escape sequences, C0 and C1
/// controls, bidi controls, zero-width and other format characters, backslashes; mixed
/// with any other character at all.
fn hostile_text() -> impl Strategy<Value = String> {
    let nasty = prop::sample::select(vec![
        '\u{1b}',
        '[',
        '\u{7}',
        '\u{8}',
        '\r',
        '\n',
        '\t',
        '\0',
        '\u{7f}',
        '\u{85}',
        '\u{9b}',
        '\u{202a}',
        '\u{202e}',
        '\u{2066}',
        '\u{2069}',
        '\u{200b}',
        '\u{200d}',
        '\u{feff}',
        '\u{ad}',
        '\u{e0041}',
        '\\',
        'x',
        'u',
        '{',
        '}',
        'é',
        '中',
        '😀',
    ]);
    prop::collection::vec(prop_oneof![nasty, any::<char>()], 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Reads back what `text::for_parseable` wrote.
fn unescape_parseable(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            '\\' => out.push('\\'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// `text` without the escape sequences colour adds.
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            out.push(c);
        }
    }
    out
}

fn drives_the_terminal(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || crate::secret::is_format(c)
}

proptest! {
    /// Whatever a registry names, covers and dates its tokens with, and however wide the
    /// terminal, the table is one line a token, each within the width (when the ids fit).
    #[test]
    fn any_tokens_make_a_table_of_one_line_each(
        fields in prop::collection::vec(
            (hostile_text(), prop::collection::vec(hostile_text(), 0..4), hostile_text(), 0i64..4000),
            1..6,
        ),
        width in 1u16..260,
        paint in any::<bool>(),
    ) {
        let tokens: Vec<Token> = fields
            .iter()
            .enumerate()
            .map(|(n, (name, items, text, seconds))| {
                let scopes: Vec<Value> = items
                    .iter()
                    .map(|item| serde_json::json!({"name": item, "type": "package"}))
                    .collect();
                let date = jiff::Timestamp::UNIX_EPOCH + jiff::SignedDuration::from_secs(seconds * 3_600 - 7_200_000);
                let object = serde_json::json!({
                    "key": format!("{n:08}"), "name": name, "token": text, "scopes": scopes,
                    "cidr": items, "expiry": date.to_string(), "accessed": text,
                    "created": date.to_string(), "permissions": [{"name": text, "action": "write"}],
                });
                Token::from_map(object.as_object().unwrap().clone())
            })
            .collect();
        let keys: Vec<&str> = tokens.iter().map(|t| t.key()).collect();
        let ids = crate::ids::shortest_unique_ids(&keys, 6);
        let printer = output::Printer {
            format: OutputFormat::Table,
            paint: output::Paint(paint),
            progress: false,
            width: Some(width),
            ascii: false,
            now: crate::token_info::Now::utc(jiff::Timestamp::UNIX_EPOCH),
        };
        let mut out = Vec::new();
        printer.token_list(&mut out, &tokens, &ids, Some(0)).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        let end = lines.iter().rposition(|l| l.starts_with('└')).unwrap();
        prop_assert_eq!(end, 3 + tokens.len(), "{}", out);
        if width >= 30 {
            for line in &lines[..=end] {
                let plain: String = strip_escapes(line);
                prop_assert!(unicode_width::UnicodeWidthStr::width(plain.as_str()) <= usize::from(width), "{}", out);
            }
        }
    }

    #[test]
    fn terminal_text_never_holds_a_control_or_format_character(text in hostile_text()) {
        let out = crate::text::for_terminal_line(&text);
        prop_assert!(!out.chars().any(|c| drives_the_terminal(c) || c == '\n'), "{:?}", out);
        if !text.chars().any(|c| drives_the_terminal(c) || c == '\n') {
            prop_assert!(matches!(out, std::borrow::Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn parseable_fields_hold_no_control_and_read_back(text in hostile_text()) {
        let out = crate::text::for_parseable(&text);
        prop_assert!(
            !out.chars().any(|c| c.is_control() || crate::secret::is_format(c)),
            "{:?}", out
        );
        prop_assert_eq!(unescape_parseable(&out), Some(text.clone()));
        if !text.chars().any(|c| c == '\\' || c.is_control() || crate::secret::is_format(c)) {
            prop_assert!(matches!(out, std::borrow::Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn plain_text_passes_unchanged(text in "[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\\\]{0,40}") {
        prop_assert!(matches!(crate::text::for_terminal_line(&text), std::borrow::Cow::Borrowed(t) if t == text));
        prop_assert!(matches!(crate::text::for_parseable(&text), std::borrow::Cow::Borrowed(t) if t == text));
    }

    /// However a secret is wrapped in hostile text or cut up by invisible characters, and
    /// wherever the 200-character cut falls, a one-line message never shows it, and is one
    /// short line of visible characters.
    #[test]
    fn one_line_messages_never_show_a_secret(
        before in hostile_text(),
        padding in 0usize..220,
        secret in "[A-Za-z0-9_]{8,40}",
        cuts in prop::collection::vec((0usize..40, hostile_text()), 0..4),
        after in hostile_text(),
    ) {
        let redactor = crate::secret::Redactor::default();
        redactor.register(&crate::secret::Secret::new(secret.clone()));
        let mut sneaky = secret.clone();
        let mut cuts = cuts;
        // Last cut first, so that each lands between two of the (ASCII) secret's characters.
        cuts.sort_by_key(|&(at, _)| std::cmp::Reverse(at));
        for (at, junk) in &cuts {
            // Only invisible junk: visible characters would make it another string.
            let junk: String = junk.chars().filter(|&c| {
                crate::secret::is_invisible(c) && c != '\n' && c != '\r' && c != '\u{1b}'
            }).collect();
            let at = (*at).min(secret.len());
            sneaky.insert_str(at, &junk);
        }
        let before: String = before.chars().filter(|&c| c != '\n' && c != '\r').collect();
        let text = format!("{before}{}{sneaky}{after}", "x".repeat(padding));
        let out = crate::text::one_line(&text, &redactor);
        prop_assert!(!out.contains(&secret), "{:?}", out);
        prop_assert!(!out.chars().any(crate::secret::is_invisible), "{:?}", out);
        prop_assert!(out.chars().count() <= crate::text::MAX_LINE_CHARS + 1);
    }
}
