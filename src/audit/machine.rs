//! Findings about this machine: the credentials in its npmrc layers and its environment.

use super::{Code, Finding, LocalFinding, OIDC_VARIABLES, PLACEHOLDER_TOKEN};
use crate::npmrc::{Config, Layer, LayerKind, Value};
use crate::settings::CredentialSource;

/// The scoped keys that hold a secret.
const SECRET_SUFFIXES: [&str; 3] = [":_authToken", ":_auth", ":_password"];

/// Everything worth reporting about the npmrc layers and the environment, most severe
/// first: literal tokens in a project `.npmrc`, credential files others can read,
/// setup-node's placeholder token, and a token configured where the CI offers trusted
/// publishing. `source`: where the registry's credential is set, if anywhere.
pub fn local_findings(config: &Config, source: Option<&CredentialSource>) -> Vec<LocalFinding> {
    let mut found = Vec::new();
    for layer in config.layers() {
        let mut secrets: Vec<(&str, &str)> = layer
            .keys()
            .filter(|key| key.starts_with("//") && SECRET_SUFFIXES.iter().any(|s| key.ends_with(s)))
            .filter_map(|key| match layer.get(key) {
                Some(Value::Str(raw)) if !raw.trim().is_empty() => Some((key, raw.as_str())),
                _ => None,
            })
            .collect();
        secrets.sort_by_key(|(key, _)| layer.line(key));
        let mut literal_line = None;
        for (key, raw) in secrets {
            let value = config.expand(raw);
            let variable = crate::settings::referenced_variables(raw)
                .into_iter()
                .next();
            if value == PLACEHOLDER_TOKEN {
                found.push(placeholder(layer, key, variable));
                continue;
            }
            // A value that is a reference only (`${NPM_TOKEN}`) keeps the secret out of the
            // file; anything else is the secret itself, or part of it.
            if variable.is_some() && raw.trim().starts_with("${") && raw.trim().ends_with('}') {
                continue;
            }
            literal_line = literal_line.or(Some(layer.line(key)));
            if layer.kind == LayerKind::Project {
                found.push(in_project(layer, key));
            }
        }
        if let (Some(line), Some(mode)) = (literal_line, layer.mode) {
            if mode & 0o044 != 0 && layer.source.is_some() {
                found.push(readable(layer, line, mode));
            }
        }
    }
    if let Some(overrides) = source.and_then(|source| overrides_oidc(config, source)) {
        found.push(overrides);
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
    found
}

fn at(layer: &Layer, line: Option<usize>) -> String {
    match (&layer.source, line) {
        (Some(file), Some(line)) => format!("{}:{line}", file.display()),
        (Some(file), None) => file.display().to_string(),
        (None, _) => format!("the {}", layer.kind),
    }
}

fn in_project(layer: &Layer, key: &str) -> LocalFinding {
    let line = layer.line(key);
    let place = at(layer, line);
    LocalFinding {
        finding: Finding::new(
            Code::TokenInProjectNpmrc,
            format!(
                "{place}: a token written into the project's .npmrc ({key}), which gets \
                 committed with the project"
            ),
            format!(
                "write `{key}=${{NPM_TOKEN}}` there and set NPM_TOKEN where it runs; then rotate \
                 the token (npm-token rotate), which may be in the project's history already"
            ),
        ),
        file: layer.source.clone(),
        line,
        variable: None,
    }
}

fn readable(layer: &Layer, line: Option<usize>, mode: u32) -> LocalFinding {
    let file = layer.source.as_ref().map(|f| f.display().to_string());
    let file = file.unwrap_or_default();
    LocalFinding {
        finding: Finding::new(
            Code::NpmrcReadableByOthers,
            format!(
                "{}: a credential in a file that other users of this machine can read (mode \
                 {mode:04o})",
                at(layer, line)
            ),
            format!("chmod 600 {file}"),
        ),
        file: layer.source.clone(),
        line,
        variable: None,
    }
}

fn placeholder(layer: &Layer, key: &str, variable: Option<String>) -> LocalFinding {
    let line = layer.line(key);
    let through = variable
        .as_deref()
        .map_or(String::new(), |v| format!(" (from {v})"));
    let fix = match &variable {
        Some(v) => format!(
            "set {v} for the steps that need a token ({v}: ${{{{ secrets.NPM_TOKEN }}}}); for \
             trusted publishing, drop registry-url from actions/setup-node, which writes this line"
        ),
        None => format!(
            "put a real token in {}, or remove the line",
            at(layer, line)
        ),
    };
    LocalFinding {
        finding: Finding::new(
            Code::PlaceholderToken,
            format!(
                "{}: {key} is setup-node's placeholder {PLACEHOLDER_TOKEN}{through}, not a \
                 token: npm sends it as one",
                at(layer, line)
            ),
            fix,
        ),
        file: layer.source.clone(),
        line,
        variable,
    }
}

/// A token configured for the registry while the CI offers an OIDC identity: npm 11.5.1 and
/// later publish with it whenever the OIDC exchange fails (no trusted publisher set up, a
/// missing permission), and older npm always do.
fn overrides_oidc(config: &Config, source: &CredentialSource) -> Option<LocalFinding> {
    let env = config.env();
    let signal = OIDC_VARIABLES
        .into_iter()
        .find(|name| env.var(name).is_some_and(|v| !v.is_empty()))?;
    let origin = &source.origin;
    if !origin.key.ends_with(":_authToken") {
        return None;
    }
    let token = config.get_str(&origin.key)?;
    if token == PLACEHOLDER_TOKEN {
        return None;
    }
    let fix = match &origin.variable {
        Some(variable) => format!(
            "leave {variable} unset for the publish step (or remove {} from {})",
            origin.key,
            origin.place()
        ),
        None => format!("remove {} from {}", origin.key, origin.place()),
    };
    Some(LocalFinding {
        finding: Finding::new(
            Code::TokenOverridesTrustedPublishing,
            format!(
                "{}: a token is configured while this CI offers trusted publishing ({signal}): \
                 npm publishes with the token whenever the OIDC exchange fails, and npm before \
                 11.5.1 always does",
                origin.place()
            ),
            fix,
        ),
        file: origin.file.clone(),
        line: origin.line,
        variable: origin.variable.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npmrc::{parse_ini_with_lines, Env};
    use crate::settings::credential_source;
    use std::collections::HashMap;
    use std::path::PathBuf;

    fn layer(kind: LayerKind, path: &str, text: &str, mode: u32) -> Layer {
        let (values, lines) = parse_ini_with_lines(text);
        let mut layer = Layer::new(kind, Some(PathBuf::from(path)), values).with_lines(lines);
        layer.mode = Some(mode);
        layer
    }

    fn findings(
        layers: Vec<Layer>,
        vars: &[(&str, &str)],
    ) -> Vec<(String, Option<usize>, Option<String>)> {
        let env = Env {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>(),
            ..Env::default()
        };
        let mut all = vec![env.npm_config_layer()];
        all.extend(layers);
        let config = Config::from_layers(all, env);
        let source = credential_source(&config, "//r/");
        local_findings(&config, source.as_ref())
            .into_iter()
            .map(|f| (f.finding.code.as_str().to_owned(), f.line, f.variable))
            .collect()
    }

    #[test]
    fn a_tidy_machine_has_nothing_to_report() {
        let user = layer(
            LayerKind::User,
            "/h/.npmrc",
            "//r/:_authToken=npm_secret\n",
            0o600,
        );
        let project = layer(
            LayerKind::Project,
            "/p/.npmrc",
            "registry=http://r/\n//r/:_authToken=${NPM_TOKEN}\n",
            0o644,
        );
        assert!(findings(vec![project, user], &[("NPM_TOKEN", "npm_x")]).is_empty());
    }

    #[test]
    fn each_local_finding() {
        let project = layer(
            LayerKind::Project,
            "/p/.npmrc",
            "registry=http://r/\n\n//r/:_authToken=npm_literal\n",
            0o644,
        );
        assert_eq!(
            findings(vec![project], &[]),
            [
                ("token-in-project-npmrc".to_owned(), Some(3), None),
                ("npmrc-readable-by-others".to_owned(), Some(3), None),
            ]
        );
        let user = layer(
            LayerKind::User,
            "/h/.npmrc",
            "//r/:_authToken=npm_x\n",
            0o640,
        );
        assert_eq!(
            findings(vec![user], &[]),
            [("npmrc-readable-by-others".to_owned(), Some(1), None)]
        );
        let setup_node = || {
            layer(
                LayerKind::User,
                "/runner/.npmrc",
                "//r/:_authToken=${NODE_AUTH_TOKEN}\n",
                0o644,
            )
        };
        assert_eq!(
            findings(
                vec![setup_node()],
                &[("NODE_AUTH_TOKEN", PLACEHOLDER_TOKEN)]
            ),
            [(
                "placeholder-token".to_owned(),
                Some(1),
                Some("NODE_AUTH_TOKEN".to_owned())
            )]
        );
        assert_eq!(
            findings(
                vec![setup_node()],
                &[
                    ("NODE_AUTH_TOKEN", "npm_real"),
                    ("ACTIONS_ID_TOKEN_REQUEST_URL", "https://x")
                ]
            ),
            [(
                "token-overrides-trusted-publishing".to_owned(),
                Some(1),
                Some("NODE_AUTH_TOKEN".to_owned())
            )]
        );
        assert!(
            findings(
                vec![setup_node()],
                &[
                    ("NODE_AUTH_TOKEN", PLACEHOLDER_TOKEN),
                    ("NPM_ID_TOKEN", "eyJ")
                ]
            )
            .iter()
            .all(|(code, _, _)| code == "placeholder-token"),
            "the placeholder is not a token that overrides anything"
        );
        // A token from the environment itself, beside an OIDC identity.
        let found = findings(
            vec![],
            &[
                ("npm_config_//r/:_authToken", "npm_env"),
                ("NPM_ID_TOKEN", "eyJ"),
            ],
        );
        assert_eq!(
            found,
            [(
                "token-overrides-trusted-publishing".to_owned(),
                None,
                Some("npm_config_//r/:_authToken".to_owned())
            )]
        );
    }
}
