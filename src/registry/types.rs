//! What the token API sends and receives. Listed tokens are kept as the JSON text the
//! registry sent (field order included), so that `--json` can print them as npm does and a
//! long list costs little memory; only the key, which every format needs, is read up front.
//! The other formats decode a token's fields when they print it, and tolerate any of them
//! missing (npm/cli#1695).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::secret::Secret;

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

    /// The masked token the registry shows, e.g. `npm_ab…` or Verdaccio's `ABCDE...VWXYZ`.
    pub fn masked(&self) -> Option<&str> {
        self.field("token").and_then(Value::as_str)
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

    /// Does `candidate` look like the full token this one masks? npm checks that the masked
    /// form is a prefix of it; a mask with an ellipsis in the middle (`ABCDE...VWXYZ`, as
    /// Verdaccio sends) is matched on both ends instead.
    pub fn mask_matches(&self, candidate: &str) -> bool {
        let Some(mask) = self.masked().filter(|m| !m.is_empty()) else {
            return false;
        };
        for ellipsis in ["...", "…"] {
            if let Some((head, tail)) = mask.split_once(ellipsis) {
                return candidate.len() > head.len() + tail.len()
                    && candidate.starts_with(head)
                    && candidate.ends_with(tail);
            }
        }
        candidate.starts_with(mask)
    }
}

/// JavaScript's `String(value)`, as npm's template strings render a JSON value.
pub fn js_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => js_number(n),
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

fn js_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        Some(f) => f.to_string(),
        None => n.to_string(),
    }
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

/// What a new token may do: everything `create` asks for except the password.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub packages: Vec<String>,
    pub packages_all: bool,
    pub scopes: Vec<String>,
    pub orgs: Vec<String>,
    pub packages_and_scopes_permission: Option<String>,
    pub orgs_permission: Option<String>,
    pub expires_days: Option<u32>,
    /// Validated IPv4 networks.
    pub cidr_whitelist: Vec<String>,
    pub bypass_2fa: bool,
    pub readonly: bool,
}

/// The body of `POST /-/npm/v1/tokens`, field for field as npm 11 sends it, plus
/// `readonly` when asked for (npm 11 drops `--read-only`; npm ≤ 10 sent it).
pub struct CreateTokenRequest {
    pub password: Secret,
    pub spec: TokenSpec,
}

impl fmt::Debug for CreateTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTokenRequest")
            .field("password", &self.password)
            .field("spec", &self.spec)
            .finish()
    }
}

impl CreateTokenRequest {
    /// The JSON body. Holds the password: send it, never log it.
    pub fn to_json(&self) -> Vec<u8> {
        let spec = &self.spec;
        let mut body = Map::new();
        body.insert(
            "name".into(),
            spec.name.clone().map_or(Value::Null, Value::String),
        );
        body.insert(
            "password".into(),
            Value::String(self.password.expose().to_owned()),
        );
        if let Some(d) = spec.description.as_ref().filter(|d| !d.is_empty()) {
            body.insert("description".into(), Value::String(d.clone()));
        }
        fn put_list(body: &mut Map<String, Value>, name: &str, list: &[String]) {
            if !list.is_empty() {
                body.insert(
                    name.into(),
                    list.iter().cloned().map(Value::String).collect(),
                );
            }
        }
        put_list(&mut body, "packages", &spec.packages);
        if spec.packages_all {
            body.insert("packages_all".into(), Value::Bool(true));
        }
        put_list(&mut body, "scopes", &spec.scopes);
        put_list(&mut body, "orgs", &spec.orgs);
        if let Some(p) = &spec.packages_and_scopes_permission {
            body.insert(
                "packages_and_scopes_permission".into(),
                Value::String(p.clone()),
            );
        }
        if let Some(p) = &spec.orgs_permission {
            body.insert("orgs_permission".into(), Value::String(p.clone()));
        }
        if let Some(days) = spec.expires_days {
            body.insert("expires".into(), Value::from(days));
        }
        put_list(&mut body, "cidr_whitelist", &spec.cidr_whitelist);
        if spec.bypass_2fa {
            body.insert("bypass_2fa".into(), Value::Bool(true));
        }
        if spec.readonly {
            body.insert("readonly".into(), Value::Bool(true));
        }
        serde_json::to_vec(&Value::Object(body)).expect("a JSON map always serializes")
    }
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
        assert_eq!(t.fields().masked(), Some("npm_a"));
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
        assert_eq!(t.masked(), None);
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
    fn masks_match_like_npm_and_verdaccio() {
        let npmjs = token(json!({"token": "npm_abcd"}));
        assert!(npmjs.mask_matches("npm_abcdEFGH1234"));
        assert!(!npmjs.mask_matches("npm_abc"));
        let verdaccio = token(json!({"token": "ABCDE...VWXYZ"}));
        assert!(verdaccio.mask_matches("ABCDEfffffVWXYZ"));
        assert!(!verdaccio.mask_matches("ABCDEVWXYZ"));
        assert!(!verdaccio.mask_matches("ABCDEffffVWXY"));
        assert!(!token(json!({"token": ""})).mask_matches("anything"));
    }

    #[test]
    fn create_body_is_npm_11_plus_readonly() {
        let mut req = CreateTokenRequest {
            password: Secret::new("pw"),
            spec: TokenSpec::default(),
        };
        assert_eq!(
            String::from_utf8(req.to_json()).unwrap(),
            r#"{"name":null,"password":"pw"}"#
        );
        req.spec.name = Some("ci".into());
        req.spec.description = Some("for CI".into());
        req.spec.packages = vec!["a".into()];
        req.spec.packages_all = true;
        req.spec.scopes = vec!["@s".into()];
        req.spec.orgs = vec!["o".into()];
        req.spec.packages_and_scopes_permission = Some("read-only".into());
        req.spec.orgs_permission = Some("no-access".into());
        req.spec.expires_days = Some(30);
        req.spec.cidr_whitelist = vec!["10.0.0.0/8".into()];
        req.spec.bypass_2fa = true;
        req.spec.readonly = true;
        assert_eq!(
            String::from_utf8(req.to_json()).unwrap(),
            r#"{"name":"ci","password":"pw","description":"for CI","packages":["a"],"packages_all":true,"scopes":["@s"],"orgs":["o"],"packages_and_scopes_permission":"read-only","orgs_permission":"no-access","expires":30,"cidr_whitelist":["10.0.0.0/8"],"bypass_2fa":true,"readonly":true}"#
        );
        assert!(!format!("{req:?}").contains("pw\""));
    }
}
