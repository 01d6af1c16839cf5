//! A page of the token list: the token type (kept as the registry's JSON text), decoding a
//! page (a fast path and a slow one that explains what is wrong), and re-printing a token
//! as npm's `--json` prints it.

pub mod jsontext;

use std::fmt;

use reqwest::Url;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::error::{kind, parse_json, shape_error, RegistryError};
use crate::secret::Redactor;

/// One token object from `GET /-/npm/v1/tokens`.
#[derive(Clone)]
pub struct Token {
    /// The object exactly as the registry sent it.
    raw: Box<RawValue>,
    /// Its `key` field; empty when missing or not a string.
    key: String,
}

// Only masked tokens are listed, but print nothing of a token object regardless.
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({} bytes)", self.raw.get().len())
    }
}

impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.raw.get() == other.raw.get()
    }
}

impl Token {
    /// A token from the JSON text of one object; `None` if it is not an object.
    pub fn from_raw(raw: Box<RawValue>) -> Option<Token> {
        let KeyField(key) = serde_json::from_str(raw.get()).ok()?;
        Some(Token { raw, key })
    }

    pub fn from_map(fields: Map<String, Value>) -> Token {
        let raw = serde_json::value::to_raw_value(&fields).expect("a JSON map always serializes");
        let key = fields
            .get("key")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        Token { raw, key }
    }

    /// The token's key: its stable identifier. Missing or not a string: empty.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The object's JSON text, exactly as the registry sent it.
    pub fn raw_json(&self) -> &str {
        self.raw.get()
    }

    /// Appends this token as npm's `list --json` prints it, nested one level: its fields as
    /// `JSON.parse` reads them, with the short `id` put in place of a registry's `id` field,
    /// else last.
    pub fn write_json_with_id(&self, out: &mut Vec<u8>, id: &str) {
        let start = out.len();
        if jsontext::object_with_id(out, self.raw_json(), id, 1).is_some() {
            return;
        }
        out.truncate(start);
        let mut fields = self.fields().0;
        fields.insert("id".to_owned(), Value::String(id.to_owned()));
        jsontext::stringify(out, &Value::Object(fields), 1);
    }

    /// This token with every registered secret masked in its names and strings: for a
    /// registry that echoes a credential it was sent into what it lists.
    pub fn redacted(&self, redactor: &Redactor) -> Token {
        Token::from_map(redact_map(self.fields().0, redactor))
    }

    /// Decodes every field, in the registry's order. Decode once per use, not per field.
    pub fn fields(&self) -> TokenFields {
        // `from_raw` checked the text as this decoding checks it (and `from_map` made it).
        TokenFields(serde_json::from_str(self.raw.get()).unwrap_or_default())
    }
}

/// One checked pass over a token object: its `key` (the last of repeated fields, as
/// `JSON.parse` keeps it; empty when missing or not a string), and every name, string,
/// number and level of nesting checked as serde_json's decoding checks them, so that
/// `fields` can always decode the token later. (Capturing a token's text checks less:
/// numbers out of range and lone surrogates in escapes pass it.)
struct KeyField(String);

/// Nesting deeper than this inside a token is refused here, leaving it to the decoding of
/// the whole page (serde_json refuses 128 levels there, counting the page's own).
const MAX_TOKEN_DEPTH: usize = 100;

impl<'de> Deserialize<'de> for KeyField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = KeyField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a token object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyField, A::Error> {
                let mut key = String::new();
                while let Some(IsKey(keep)) = map.next_key()? {
                    let value = map.next_value_seed(Checked { depth: 1, keep })?;
                    if keep {
                        key = value.unwrap_or_default();
                    }
                }
                Ok(KeyField(key))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// Whether a field's name is `key` (checked, not kept).
struct IsKey(bool);

impl<'de> Deserialize<'de> for IsKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = IsKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<IsKey, E> {
                Ok(IsKey(name == "key"))
            }
        }
        deserializer.deserialize_identifier(NameVisitor)
    }
}

/// Checks one JSON value without building it: as deep as `MAX_TOKEN_DEPTH` at most. Gives
/// back the value when it is a string and `keep` is set.
#[derive(Clone, Copy)]
struct Checked {
    depth: usize,
    keep: bool,
}

impl<'de> DeserializeSeed<'de> for Checked {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(self.keep.then(|| s.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let inner = self.nested::<A::Error>()?;
        while seq.next_element_seed(inner)?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let inner = self.nested::<A::Error>()?;
        while map.next_entry_seed(inner, inner)?.is_some() {}
        Ok(None)
    }
}

impl Checked {
    fn nested<E: de::Error>(self) -> Result<Checked, E> {
        if self.depth >= MAX_TOKEN_DEPTH {
            return Err(E::custom("nested too deeply"));
        }
        Ok(Checked {
            depth: self.depth + 1,
            keep: false,
        })
    }
}

/// A token's fields, decoded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TokenFields(pub Map<String, Value>);

impl TokenFields {
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    pub fn readonly(&self) -> bool {
        self.field("readonly").is_some_and(js_truthy)
    }

    /// The CIDR allow-list: npm's `cidr_whitelist`, or Verdaccio's `cidr`. `None` when the
    /// registry sent neither (or null), so callers can tell "no list" from "empty list".
    pub fn cidr(&self) -> Option<Vec<String>> {
        ["cidr_whitelist", "cidr"]
            .iter()
            .find_map(|name| match self.field(name) {
                Some(Value::Array(items)) => Some(items.iter().map(js_string).collect()),
                Some(Value::String(s)) => Some(vec![s.clone()]),
                _ => None,
            })
    }
}

/// JavaScript's `String(value)`, as npm's template strings render a JSON value.
pub fn js_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => jsontext::js_number(n),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                other => js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

/// A JSON object with every registered secret masked in its names and strings, at any depth.
pub fn redact_map(map: Map<String, Value>, redactor: &Redactor) -> Map<String, Value> {
    map.into_iter()
        .map(|(k, v)| (redactor.redact(&k), redact_value(v, redactor)))
        .collect()
}

/// A JSON value with every registered secret masked in its strings, at any depth.
pub fn redact_value(value: Value, redactor: &Redactor) -> Value {
    match value {
        Value::String(s) => Value::String(redactor.redact(&s)),
        Value::Array(items) => items
            .into_iter()
            .map(|v| redact_value(v, redactor))
            .collect(),
        Value::Object(map) => Value::Object(redact_map(map, redactor)),
        other => other,
    }
}

/// `JSON.stringify(value, null, 2)`, as npm prints its JSON output.
pub fn js_stringify_pretty(value: &Value) -> String {
    let mut out = Vec::new();
    jsontext::stringify(&mut out, value, 0);
    String::from_utf8(out).expect("JSON text is UTF-8")
}

/// JavaScript truthiness of a JSON value.
pub fn js_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

pub struct Page {
    pub objects: Vec<Token>,
    pub next: Option<String>,
    /// `total`, when it is a whole number: how many tokens the whole list holds.
    pub total: Option<u64>,
}

/// Decodes one page of the token list. The usual page is decoded in one pass that keeps each
/// token's text as it is; anything unusual (a page of the wrong shape, a token that is not an
/// object or holds what decoding refuses, a repeated `objects`) takes the slower path, which
/// explains what is wrong.
pub fn decode_page(body: &[u8], url: &Url) -> Result<Page, RegistryError> {
    match serde_json::from_slice::<FastPage>(body) {
        Ok(FastPage(page)) => Ok(page),
        Err(_) => decode_page_slowly(body, url),
    }
}

/// A page decoded in one pass that keeps each token's text as it is (and checks it as the
/// slow path's decoding would, so that both accept the same pages). Repeated fields: the
/// last wins, as in the slow path.
struct FastPage(Page);

impl<'de> serde::Deserialize<'de> for FastPage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, Visitor};
        struct PageVisitor;
        impl<'de> Visitor<'de> for PageVisitor {
            type Value = FastPage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a page of tokens")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FastPage, A::Error> {
                let mut objects = None;
                let mut urls = None;
                let mut total = None;
                while let Some(name) = map.next_key::<String>()? {
                    match name.as_str() {
                        // Capturing text checks less than decoding it: an `objects` that
                        // a repeat would hide from `from_raw` is left to the slow path.
                        "objects" if objects.is_some() => {
                            return Err(A::Error::custom("`objects` repeated"))
                        }
                        "objects" => objects = Some(map.next_value::<Vec<Box<RawValue>>>()?),
                        "urls" => urls = Some(map.next_value::<Value>()?),
                        "total" => total = Some(map.next_value::<Value>()?),
                        _ => {
                            map.next_value::<Value>()?;
                        }
                    }
                }
                let objects = objects
                    .ok_or_else(|| A::Error::missing_field("objects"))?
                    .into_iter()
                    .map(|raw| Token::from_raw(raw).ok_or_else(|| A::Error::custom("a token")))
                    .collect::<Result<_, _>>()?;
                Ok(FastPage(Page {
                    objects,
                    next: next_link(urls.as_ref()),
                    total: total.as_ref().and_then(Value::as_u64),
                }))
            }
        }
        deserializer.deserialize_map(PageVisitor)
    }
}

fn decode_page_slowly(body: &[u8], url: &Url) -> Result<Page, RegistryError> {
    let value = parse_json(body, "GET", url)?;
    let Value::Object(mut map) = value else {
        return Err(shape_error(
            "GET",
            url,
            format!("expected an object, got {}", kind(&value)),
        ));
    };
    let objects = match map.remove("objects") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(shape_error(
                "GET",
                url,
                format!("`objects` is {}, not a list", kind(&other)),
            ))
        }
        None => return Err(shape_error("GET", url, "it has no `objects` list".into())),
    };
    let objects = objects
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(fields) => Ok(Token::from_map(fields)),
            other => Err(shape_error(
                "GET",
                url,
                format!("token {} is {}, not an object", i + 1, kind(&other)),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        objects,
        next: next_link(map.get("urls")),
        total: map.get("total").and_then(Value::as_u64),
    })
}

/// `urls.next`, when it is a non-blank string.
fn next_link(urls: Option<&Value>) -> Option<String> {
    urls.and_then(|urls| urls.get("next"))
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

/// Page decoding, exposed to the property tests: the tokens' keys and decoded fields (as
/// JSON text, so that field order and the sign of zero count), the next link and the
/// total, by the usual path and by the slow one.
#[cfg(test)]
#[allow(clippy::type_complexity)]
pub fn decode_page_for_fuzzing(
    body: &[u8],
) -> [Result<(Vec<(String, String)>, Option<String>, Option<u64>), String>; 2] {
    let url = Url::parse("http://fuzz/-/npm/v1/tokens").expect("a valid URL");
    [decode_page(body, &url), decode_page_slowly(body, &url)].map(|page| {
        page.map(|page| {
            let tokens = page.objects.iter();
            let tokens = tokens.map(|t| {
                let fields = serde_json::to_string(&t.fields().0).expect("a map serializes");
                (t.key().to_owned(), fields)
            });
            (tokens.collect(), page.next, page.total)
        })
        .map_err(|e| e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(v: Value) -> TokenFields {
        TokenFields(v.as_object().unwrap().clone())
    }

    fn listed(text: &str) -> Option<Token> {
        Token::from_raw(RawValue::from_string(text.to_owned()).unwrap())
    }

    #[test]
    fn listed_tokens_keep_their_text_and_decode_only_the_key() {
        let t =
            listed(r#"{"key":"k1","token":"npm_a","key":"k2","extra":[1,{"a":null}]}"#).unwrap();
        assert_eq!(
            t.key(),
            "k2",
            "the last of repeated fields wins, as in JSON.parse"
        );
        assert_eq!(t.fields().field("token"), Some(&json!("npm_a")));
        assert_eq!(
            t.fields().0.keys().collect::<Vec<_>>(),
            ["key", "token", "extra"]
        );
        for (text, key) in [
            (r#"{"key":7}"#, ""),
            (r#"{"key":"k","key":null}"#, ""),
            (r#"{"a":{"key":"nested"},"b":["key"],"key":"top"}"#, "top"),
            (
                r#"{ "a" : "key" , "key" : "k" , "c" : [ 1.5e3 , true , { } ] }"#,
                "k",
            ),
            (
                r#"{"e":"\u0041\"","key":"after an escape"}"#,
                "after an escape",
            ),
            (r#"{"k\u0065y":"escaped name"}"#, "escaped name"),
        ] {
            assert_eq!(listed(text).unwrap().key(), key, "{text}");
        }
        let nested = |n: usize| format!(r#"{{"a":{}1{},"key":"k"}}"#, "[".repeat(n), "]".repeat(n));
        assert_eq!(listed(&nested(99)).unwrap().key(), "k");
        // What the token's decoding would refuse is refused here, so that it never fails
        // later; the page's own decoding then says what is wrong.
        assert_eq!(listed(&nested(100)), None, "nested too deeply");
        assert_eq!(
            listed(r#"{"key":"k","n":1e400}"#),
            None,
            "number out of range"
        );
        assert_eq!(
            listed(r#"{"key":"k","x":"\ud800"}"#),
            None,
            "lone surrogate"
        );
        assert_eq!(
            listed(r#"{"key":"k","\udc00":1}"#),
            None,
            "lone surrogate in a name"
        );
        assert_eq!(listed("[]"), None);
        assert_eq!(listed("\"key\""), None);
        let from_map = Token::from_map(token(json!({"key": "k", "readonly": true})).0);
        assert_eq!(from_map.key(), "k");
        assert!(from_map.fields().readonly());
    }

    #[test]
    fn accessors_tolerate_missing_and_odd_fields() {
        let t = token(json!({}));
        assert!(!t.readonly());
        assert_eq!(t.cidr(), None);
        let t = token(json!({"key": 7, "readonly": "yes", "cidr": ["10.0.0.0/8", null]}));
        assert!(t.readonly());
        assert_eq!(t.cidr().unwrap(), ["10.0.0.0/8", "null"]);
        let t = token(json!({"cidr_whitelist": null, "cidr": []}));
        assert_eq!(t.cidr().unwrap(), Vec::<String>::new());
    }

    #[test]
    fn js_string_matches_javascript() {
        assert_eq!(js_string(&json!(null)), "null");
        assert_eq!(js_string(&json!(["a", null, 1, true])), "a,,1,true");
        assert_eq!(js_string(&json!({"a": 1})), "[object Object]");
        assert_eq!(js_string(&json!(1.0)), "1");
        assert_eq!(js_string(&json!(1.5)), "1.5");
    }

    #[test]
    fn pages_decode_leniently_but_not_blindly() {
        let url = Url::parse("http://r/-/npm/v1/tokens").unwrap();
        let page = decode_page(br#"{"objects":[{"key":"a"}],"urls":{"next":""}}"#, &url).unwrap();
        assert_eq!(page.objects.len(), 1);
        assert!(page.next.is_none());
        let page = decode_page(br#"{"objects":[]}"#, &url).unwrap();
        assert!(page.next.is_none());
        let page = decode_page(br#"{"objects":[],"urls":{"next":"/p2"}}"#, &url).unwrap();
        assert_eq!(page.next.as_deref(), Some("/p2"));
        assert!(matches!(
            decode_page(b"{}", &url),
            Err(RegistryError::UnexpectedShape { .. })
        ));
        assert!(matches!(
            decode_page(b"[]", &url),
            Err(RegistryError::UnexpectedShape { .. })
        ));
        assert!(matches!(
            decode_page(br#"{"objects":[1]}"#, &url),
            Err(RegistryError::UnexpectedShape { .. })
        ));
        assert!(matches!(
            decode_page(b"{\"objects\":[", &url),
            Err(RegistryError::InvalidJson { .. })
        ));
        assert!(matches!(
            decode_page(b"\xff\xfe", &url),
            Err(RegistryError::InvalidJson { .. })
        ));
    }
}
