//! What `create` sends.

use std::fmt;

use serde_json::{Map, Value};

use crate::secret::Secret;

/// A permission a new token gets on its packages and scopes, or on its organizations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    ReadOnly,
    /// Publishes directly: npmjs.org stops that for tokens in January 2027.
    ReadWrite,
    /// `read-write-stage-only` (npm 12.2.2): publishes go to a staging queue that a
    /// maintainer approves with 2FA. For packages and scopes only, not organizations.
    ReadWriteStageOnly,
    NoAccess,
}

impl Permission {
    /// What `--packages-and-scopes-permission` takes, in the order help lists them.
    pub const ALL: [Permission; 4] = [
        Permission::ReadOnly,
        Permission::ReadWrite,
        Permission::ReadWriteStageOnly,
        Permission::NoAccess,
    ];

    /// The name npm and the registry use, sent verbatim.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ReadOnly => "read-only",
            Permission::ReadWrite => "read-write",
            Permission::ReadWriteStageOnly => "read-write-stage-only",
            Permission::NoAccess => "no-access",
        }
    }

    /// Whether `--orgs-permission` takes it: npm 12.2.2's config gives organizations no
    /// stage-only level.
    pub fn applies_to_orgs(self) -> bool {
        self != Permission::ReadWriteStageOnly
    }
}

impl std::str::FromStr for Permission {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                "expected read-only, read-write, read-write-stage-only or no-access".to_owned()
            })
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
    pub packages_and_scopes_permission: Option<Permission>,
    pub orgs_permission: Option<Permission>,
    pub expires_days: Option<u32>,
    /// Validated IPv4 networks.
    pub cidr_whitelist: Vec<String>,
    pub bypass_2fa: bool,
    pub readonly: bool,
}

/// The body of `POST /-/npm/v1/tokens`, field for field as npm 11 sends it, plus
/// `readonly` when asked for (npm 11 drops `--read-only`; npm ≤ 10 sent it), with
/// `packages_and_scopes_permission: "read-only"` unless another permission was given.
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
        // `--read-only` means read-only on a registry of granular tokens too, which reads
        // the permission and ignores `readonly`; an explicit permission wins.
        let packages_and_scopes_permission = spec
            .packages_and_scopes_permission
            .or(spec.readonly.then_some(Permission::ReadOnly));
        if let Some(p) = packages_and_scopes_permission {
            body.insert("packages_and_scopes_permission".into(), p.as_str().into());
        }
        if let Some(p) = spec.orgs_permission {
            body.insert("orgs_permission".into(), p.as_str().into());
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
        req.spec.packages_and_scopes_permission = Some(Permission::ReadOnly);
        req.spec.orgs_permission = Some(Permission::NoAccess);
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

    #[test]
    fn stage_only_is_sent_verbatim() {
        let req = CreateTokenRequest {
            password: Secret::new("pw"),
            spec: TokenSpec {
                packages_and_scopes_permission: Some(Permission::ReadWriteStageOnly),
                ..TokenSpec::default()
            },
        };
        assert_eq!(
            String::from_utf8(req.to_json()).unwrap(),
            r#"{"name":null,"password":"pw","packages_and_scopes_permission":"read-write-stage-only"}"#
        );
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
        }
        assert!(!Permission::ReadWriteStageOnly.applies_to_orgs());
        assert!(Permission::ReadWrite.applies_to_orgs());
    }

    #[test]
    fn read_only_is_read_only_for_granular_tokens_too() {
        let mut req = CreateTokenRequest {
            password: Secret::new("pw"),
            spec: TokenSpec {
                readonly: true,
                ..TokenSpec::default()
            },
        };
        assert_eq!(
            String::from_utf8(req.to_json()).unwrap(),
            r#"{"name":null,"password":"pw","packages_and_scopes_permission":"read-only","readonly":true}"#
        );
        req.spec.packages_and_scopes_permission = Some(Permission::NoAccess);
        assert_eq!(
            String::from_utf8(req.to_json()).unwrap(),
            r#"{"name":null,"password":"pw","packages_and_scopes_permission":"no-access","readonly":true}"#,
            "an explicit permission wins"
        );
    }
}
