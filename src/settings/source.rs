//! Where a credential comes from: the npmrc file, line and key, or the environment
//! variable behind a `${VAR}`; and the layers it shadows (a project `.npmrc` that hides the
//! user's). For `status` and `audit`.

use std::path::PathBuf;

use crate::npmrc::{Config, Env, Layer, LayerKind, Value};

/// One place a setting is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub layer: LayerKind,
    /// The npmrc file, for a file layer.
    pub file: Option<PathBuf>,
    /// Its line in the file.
    pub line: Option<usize>,
    /// The key, e.g. `//registry.npmjs.org/:_authToken`.
    pub key: String,
    /// Where the value really comes from: the variable a `${VAR}` in the value names, or
    /// the `npm_config_*` variable of the environment layer.
    pub variable: Option<String>,
}

impl Origin {
    fn of(key: &str, value: &Value, layer: &Layer, env: &Env) -> Origin {
        let variable = match (layer.kind, value) {
            (LayerKind::Env, _) => npm_config_variable(env, key),
            (_, Value::Str(raw)) => referenced_variables(raw).into_iter().next(),
            _ => None,
        };
        Origin {
            layer: layer.kind,
            file: layer.source.clone(),
            line: layer.line(key),
            key: key.to_owned(),
            variable,
        }
    }

    /// `/home/me/project/.npmrc:3`, or `the environment variable npm_config_//r/:_authToken`,
    /// for messages.
    pub fn place(&self) -> String {
        match (&self.file, self.line, &self.variable) {
            (Some(file), Some(line), _) => format!("{}:{line}", file.display()),
            (Some(file), None, _) => file.display().to_string(),
            (None, _, Some(variable)) => format!("the {} variable {variable}", self.layer),
            (None, _, None) => format!("the {}", self.layer),
        }
    }
}

/// Where the credential in use is set, and the settings of the same credential it hides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialSource {
    pub origin: Origin,
    /// The same credential set in lower layers, or the kinds of credential it wins over
    /// (`_auth` beside an `_authToken`), highest priority first.
    pub shadows: Vec<Origin>,
}

/// The keys a credential for one nerf dart is read from, in the order that wins
/// (`_authToken` before `_auth` before `username` + `_password`), then a client
/// certificate's.
const CREDENTIAL_SUFFIXES: [&str; 5] = ["_authToken", "_auth", "username", "_password", "certfile"];

/// Where the credential of nerf dart `dart` (as the settings chose it) is set. `None` when
/// no layer sets one (nothing is configured).
pub fn credential_source(config: &Config, dart: &str) -> Option<CredentialSource> {
    let env = config.env();
    let mut settings: Vec<(String, &Value, &Layer)> = Vec::new();
    for suffix in CREDENTIAL_SUFFIXES {
        let key = format!("{dart}:{suffix}");
        for (value, layer) in config.layers_setting(&key) {
            settings.push((key.clone(), value, layer));
        }
    }
    // The winner is what the settings read: the first suffix with a non-empty value in its
    // highest layer (an empty or null value counts as unset, as in npm).
    let set = |value: &Value| !matches!(value, Value::Null) && *value != Value::Str(String::new());
    let winner = CREDENTIAL_SUFFIXES.iter().find_map(|suffix| {
        let key = format!("{dart}:{suffix}");
        let (value, layer) = config.layers_setting(&key).next()?;
        set(value).then(|| Origin::of(&key, value, layer, env))
    })?;
    let paired = |key: &str| {
        // `username` wins together with its `_password` in the same layer.
        winner.key.ends_with(":username") && key.ends_with(":_password")
    };
    let shadows = settings
        .into_iter()
        .map(|(key, value, layer)| Origin::of(&key, value, layer, env))
        .filter(|origin| {
            // The winner itself, and the `_password` that goes with its `username`.
            let winning = origin.key == winner.key || paired(&origin.key);
            !(winning && origin.layer == winner.layer)
        })
        .collect();
    Some(CredentialSource {
        origin: winner,
        shadows,
    })
}

/// The variables `${NAME}` and `${NAME?}` name in an npmrc value, in order (escaped ones,
/// `\${NAME}`, are text).
pub fn referenced_variables(raw: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        let escapes = rest[..start]
            .chars()
            .rev()
            .take_while(|&c| c == '\\')
            .count();
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim_end_matches('?');
        let plain = !name.is_empty() && !name.contains(['$', '{']);
        if escapes % 2 == 0 && plain {
            names.push(name.to_owned());
        }
        rest = &after[end + 1..];
    }
    names
}

/// The `npm_config_*` variable (any case of the prefix) that set `key` in the environment.
fn npm_config_variable(env: &Env, key: &str) -> Option<String> {
    let mut names: Vec<&String> = env
        .vars
        .keys()
        .filter(|name| {
            name.get(..11)
                .is_some_and(|p| p.eq_ignore_ascii_case("npm_config_"))
                && env_key(&name[11..]) == key
        })
        .collect();
    names.sort();
    names.first().map(|name| name.to_string())
}

/// The config key an `npm_config_` variable's rest names, as `Env::npm_config_layer` reads it.
fn env_key(raw: &str) -> String {
    if raw.starts_with("//") {
        return raw.to_owned();
    }
    raw.chars()
        .enumerate()
        .map(|(i, c)| {
            if i > 0 && c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npmrc::parse_ini;
    use std::collections::HashMap;

    #[test]
    fn variables_in_a_value() {
        assert_eq!(
            referenced_variables("${NODE_AUTH_TOKEN}"),
            ["NODE_AUTH_TOKEN"]
        );
        assert_eq!(referenced_variables("a${X?}b${Y}"), ["X", "Y"]);
        assert_eq!(referenced_variables("\\${X}${Y}"), ["Y"]);
        assert!(referenced_variables("npm_literal").is_empty());
        assert!(referenced_variables("${}${unclosed").is_empty());
    }

    fn file(kind: LayerKind, path: &str, text: &str) -> Layer {
        Layer::new(kind, Some(PathBuf::from(path)), parse_ini(text))
    }

    #[test]
    fn the_winner_and_what_it_shadows() {
        let env = Env {
            vars: HashMap::from([("T".to_owned(), "secret".to_owned())]),
            ..Env::default()
        };
        let config = Config::from_layers(
            vec![
                Layer::new(LayerKind::Cli, None, Default::default()),
                file(LayerKind::Project, "/p/.npmrc", "//r/:_authToken=${T}\n"),
                file(
                    LayerKind::User,
                    "/home/.npmrc",
                    "//r/:_authToken=old\n//r/:_auth=dXNlcjpwdw==\n",
                ),
            ],
            env,
        );
        let source = credential_source(&config, "//r/").unwrap();
        assert_eq!(source.origin.layer, LayerKind::Project);
        assert_eq!(source.origin.variable.as_deref(), Some("T"));
        assert_eq!(source.origin.key, "//r/:_authToken");
        let shadowed: Vec<(LayerKind, &str)> = source
            .shadows
            .iter()
            .map(|o| (o.layer, o.key.as_str()))
            .collect();
        assert_eq!(
            shadowed,
            [
                (LayerKind::User, "//r/:_authToken"),
                (LayerKind::User, "//r/:_auth")
            ]
        );
        assert_eq!(credential_source(&config, "//other/"), None);
    }

    #[test]
    fn a_credential_from_the_environment_names_its_variable() {
        let env = Env {
            vars: HashMap::from([("NPM_CONFIG_//r/:_authToken".to_owned(), "tok".to_owned())]),
            ..Env::default()
        };
        let config = Config::from_layers(vec![env.npm_config_layer()], env.clone());
        let source = credential_source(&config, "//r/").unwrap();
        assert_eq!(source.origin.layer, LayerKind::Env);
        assert_eq!(
            source.origin.variable.as_deref(),
            Some("NPM_CONFIG_//r/:_authToken")
        );
        assert_eq!(
            source.origin.place(),
            "the environment variable NPM_CONFIG_//r/:_authToken"
        );
    }
}
