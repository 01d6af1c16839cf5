//! Typed reads of configuration values: the one place where a value, whether it came from a
//! flag, an `npm_config_*` variable or an npmrc line, becomes what the program uses.

use std::str::FromStr;

use super::{value_to_string, Config, Value};

/// A value that does not parse, and where it came from.
#[derive(Debug)]
pub struct InvalidValue {
    pub key: &'static str,
    pub value: String,
    pub source: String,
    pub expected: String,
}

impl Config {
    /// A boolean; anything else is ignored with a warning, as npm does.
    pub fn bool(&self, key: &'static str, warnings: &mut Vec<String>) -> bool {
        match self.get_with_layer(key) {
            None | Some((Value::Null, _)) => false,
            Some((Value::Bool(b), _)) => b,
            Some((Value::Str(s), layer)) => match s.as_str() {
                "true" | "" => true,
                "false" => false,
                other => {
                    warnings.push(format!(
                        "ignoring {key} \"{other}\" in {}: expected true or false",
                        layer.describe()
                    ));
                    false
                }
            },
            Some((Value::List(_), layer)) => {
                warnings.push(format!(
                    "ignoring {key} in {}: expected true or false",
                    layer.describe()
                ));
                false
            }
        }
    }

    /// A whole number; anything else is ignored with a warning.
    pub fn number(&self, key: &'static str, warnings: &mut Vec<String>) -> Option<u64> {
        let (value, layer) = self.get_with_layer(key)?;
        match &value {
            Value::Str(s) if s.trim().parse::<u64>().is_ok() => s.trim().parse().ok(),
            Value::Null => None,
            _ => {
                warnings.push(format!(
                    "ignoring {key} \"{}\" in {}: expected a whole number",
                    value_to_string(&value),
                    layer.describe()
                ));
                None
            }
        }
    }

    /// A list: an ini array, or one value (from the environment, entries are separated by
    /// blank lines, as npm puts lists there).
    pub fn list(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(Value::List(items)) => items,
            Some(Value::Str(s)) if !s.is_empty() => s.split("\n\n").map(str::to_owned).collect(),
            _ => Vec::new(),
        }
    }

    /// A value of a type that parses from text (`Permission`, `LogLevel`, `Color`, numbers);
    /// unset, null or empty is `None`, and a value that does not parse is an error naming
    /// where it was set.
    pub fn parsed<T: FromStr<Err = String>>(
        &self,
        key: &'static str,
    ) -> Result<Option<T>, InvalidValue> {
        let Some((value, layer)) = self.get_with_layer(key) else {
            return Ok(None);
        };
        let text = match &value {
            Value::Null => return Ok(None),
            Value::Str(s) if s.trim().is_empty() => return Ok(None),
            other => value_to_string(other),
        };
        T::from_str(text.trim())
            .map(Some)
            .map_err(|expected| InvalidValue {
                key,
                value: text,
                source: layer.describe(),
                expected,
            })
    }

    /// As `parsed`, for settings that change only how things look: a bad value is ignored
    /// with a warning.
    pub fn parsed_or_warn<T: FromStr<Err = String>>(
        &self,
        key: &'static str,
        warnings: &mut Vec<String>,
    ) -> Option<T> {
        self.parsed(key).unwrap_or_else(|bad| {
            warnings.push(format!(
                "ignoring {key} \"{}\" in {}: {}",
                bad.value, bad.source, bad.expected
            ));
            None
        })
    }
}
