//! The create request that makes a token like an old one: what `rotate` asks for.

use super::{Access, Level, Resource, TokenInfo};
use crate::registry::{Permission, TokenSpec};

impl TokenInfo {
    /// The create request that makes a token like this one, for `rotate`: a granular
    /// token's name, description, packages, scopes, orgs, both permissions (`package: write`
    /// becomes `read-write`, `package: read` `read-only`, neither `no-access`, and the same
    /// for `org`; an action this version does not know is not copied, so the successor never
    /// has more rights), CIDR list, 2FA bypass and lifetime; a classic token's name,
    /// read-only flag and CIDR list.
    pub fn successor_spec(&self) -> TokenSpec {
        let Access::Granular(grants) = &self.access else {
            return TokenSpec {
                name: self.name.clone(),
                readonly: self.access == Access::ReadOnly,
                cidr_whitelist: self.cidr.clone().unwrap_or_default(),
                ..TokenSpec::default()
            };
        };
        let permission = |resource: Resource| {
            let levels = || {
                grants
                    .iter()
                    .filter(|g| g.resource == resource)
                    .map(|g| &g.level)
            };
            Some(if levels().any(|level| *level == Level::Write) {
                Permission::ReadWrite
            } else if levels().any(|level| *level == Level::Read) {
                Permission::ReadOnly
            } else {
                Permission::NoAccess
            })
        };
        TokenSpec {
            name: self.name.clone(),
            description: self.description.clone(),
            packages: self.coverage.packages.clone(),
            scopes: self.coverage.scopes.clone(),
            orgs: self.coverage.orgs.clone(),
            packages_and_scopes_permission: permission(Resource::Packages),
            orgs_permission: permission(Resource::Orgs),
            expires_days: self.lifetime_days(),
            cidr_whitelist: self.cidr.clone().unwrap_or_default(),
            bypass_2fa: self.bypass_2fa,
            ..TokenSpec::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn rotation_copies_what_create_can_ask_for() {
        let t = info(with(
            gat(),
            json!({"cidr": ["10.0.0.0/8"],
                   "permissions": [{"name": "package", "action": "write"},
                                   {"name": "org", "action": "read"}],
                   "scopes": [{"name": "a_test_package", "type": "package"},
                              {"name": "@myscope", "type": "scope"},
                              {"name": "myorg", "type": "org"}]}),
        ));
        assert_eq!(
            t.successor_spec(),
            TokenSpec {
                name: Some("publish_token".into()),
                description: Some("Publish Token".into()),
                packages: vec!["a_test_package".into()],
                scopes: vec!["@myscope".into()],
                orgs: vec!["myorg".into()],
                packages_and_scopes_permission: Some(Permission::ReadWrite),
                orgs_permission: Some(Permission::ReadOnly),
                expires_days: Some(251),
                cidr_whitelist: vec!["10.0.0.0/8".into()],
                bypass_2fa: true,
                ..TokenSpec::default()
            }
        );
        let permissions = |permissions: Value| {
            let spec = info(with(gat(), json!({"permissions": permissions}))).successor_spec();
            (
                spec.packages_and_scopes_permission.unwrap().as_str(),
                spec.orgs_permission.unwrap().as_str(),
            )
        };
        assert_eq!(
            permissions(json!([{"name": "package", "action": "read"}])),
            ("read-only", "no-access")
        );
        assert_eq!(
            permissions(json!([{"name": "org", "action": "write"}])),
            ("no-access", "read-write")
        );
        assert_eq!(permissions(json!([])), ("no-access", "no-access"));
        assert_eq!(
            permissions(json!([{"name": "package", "action": "admin"},
                               {"name": "user", "action": "write"}])),
            ("no-access", "no-access"),
            "what we cannot name is not copied"
        );
        assert_eq!(
            permissions(json!([{"name": "package", "action": "admin"},
                               {"name": "package", "action": "read"}])),
            ("read-only", "no-access")
        );
        let bare = info(json!({"expiry": null})).successor_spec();
        assert_eq!(
            bare,
            TokenSpec {
                packages_and_scopes_permission: Some(Permission::NoAccess),
                orgs_permission: Some(Permission::NoAccess),
                ..TokenSpec::default()
            }
        );
        assert_eq!(
            info(classic()).successor_spec(),
            TokenSpec::default(),
            "a read-write classic token without a name or CIDR list"
        );
        assert_eq!(
            info(verdaccio()).successor_spec(),
            TokenSpec {
                readonly: true,
                cidr_whitelist: vec!["192.0.2.0/24".into()],
                ..TokenSpec::default()
            }
        );
    }
}
