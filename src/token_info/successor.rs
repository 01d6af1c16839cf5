//! The create request that makes a token like an old one: what `rotate` asks for.

use super::{Access, Grant, Level, Resource, TokenInfo};
use crate::registry::{Permission, TokenSpec};

impl TokenInfo {
    /// The create request that makes a token like this one, for `rotate`, and the rights it
    /// cannot ask for. A granular token's name, description, packages, scopes, orgs, both
    /// permissions (`package: write` becomes `read-write`, a stage-only write
    /// `read-write-stage-only`, `read` `read-only`, neither `no-access`, and the same for
    /// `org`), CIDR list, 2FA bypass and lifetime; a classic token's name, read-only flag
    /// and CIDR list.
    ///
    /// A right this version cannot name (an action or a `publish_policy` it does not know, a
    /// stage-only right on organizations, a resource other than packages and orgs) is not
    /// copied: it is returned instead, and the caller refuses unless told what to ask for,
    /// so that a successor is never silently weaker or stronger.
    pub fn successor_spec(&self) -> (TokenSpec, Vec<&Grant>) {
        let Access::Granular(grants) = &self.access else {
            let spec = TokenSpec {
                name: self.name.clone(),
                readonly: self.access == Access::ReadOnly,
                cidr_whitelist: self.cidr.clone().unwrap_or_default(),
                ..TokenSpec::default()
            };
            return (spec, Vec::new());
        };
        let nameable = |grant: &Grant| {
            matches!(
                (&grant.resource, &grant.level),
                (
                    Resource::Packages,
                    Level::Read | Level::Write | Level::StageOnly
                ) | (Resource::Orgs, Level::Read | Level::Write)
            )
        };
        let permission = |resource: Resource| {
            let has = |level: Level| {
                grants
                    .iter()
                    .any(|g| g.resource == resource && g.level == level && nameable(g))
            };
            Some(if has(Level::Write) {
                Permission::ReadWrite
            } else if has(Level::StageOnly) {
                Permission::ReadWriteStageOnly
            } else if has(Level::Read) {
                Permission::ReadOnly
            } else {
                Permission::NoAccess
            })
        };
        let spec = TokenSpec {
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
        };
        let unnamed = grants.iter().filter(|g| !nameable(g)).collect();
        (spec, unnamed)
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
            (
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
                },
                Vec::new()
            )
        );
        let bare = info(json!({"expiry": null}));
        assert_eq!(
            bare.successor_spec(),
            (
                TokenSpec {
                    packages_and_scopes_permission: Some(Permission::NoAccess),
                    orgs_permission: Some(Permission::NoAccess),
                    ..TokenSpec::default()
                },
                Vec::new()
            )
        );
        let classic = info(classic());
        assert_eq!(
            classic.successor_spec(),
            (TokenSpec::default(), Vec::new()),
            "a read-write classic token without a name or CIDR list"
        );
        assert_eq!(
            info(verdaccio()).successor_spec().0,
            TokenSpec {
                readonly: true,
                cidr_whitelist: vec!["192.0.2.0/24".into()],
                ..TokenSpec::default()
            }
        );
    }

    /// Each permission as create spells it, and what cannot be named, returned as sent.
    #[test]
    fn rotation_keeps_the_publishing_power_and_names_what_it_cannot_copy() {
        let successor = |fields: Value| {
            let token = info(with(gat(), fields));
            let (spec, unnamed) = token.successor_spec();
            (
                spec.packages_and_scopes_permission.unwrap().as_str(),
                spec.orgs_permission.unwrap().as_str(),
                unnamed.iter().map(|g| g.to_string()).collect::<Vec<_>>(),
            )
        };
        let permissions = |permissions: Value| successor(json!({"permissions": permissions}));
        assert_eq!(
            permissions(json!([{"name": "package", "action": "read"}])),
            ("read-only", "no-access", vec![])
        );
        assert_eq!(
            permissions(json!([{"name": "org", "action": "write"}])),
            ("no-access", "read-write", vec![])
        );
        assert_eq!(permissions(json!([])), ("no-access", "no-access", vec![]));
        // Stage-only, both ways a registry may say it: a stage-only token stays one.
        assert_eq!(
            permissions(json!([{"name": "package", "action": "stage_only"}])),
            ("read-write-stage-only", "no-access", vec![])
        );
        assert_eq!(
            successor(
                json!({"permissions": [{"name": "package", "action": "write"}],
                             "publish_policy": "stage_only"})
            ),
            ("read-write-stage-only", "no-access", vec![])
        );
        // What cannot be named is not copied, and is returned to be refused.
        assert_eq!(
            permissions(json!([{"name": "package", "action": "admin"},
                               {"name": "user", "action": "write"}])),
            (
                "no-access",
                "no-access",
                vec!["packages: admin".to_owned(), "user: write".to_owned()]
            )
        );
        assert_eq!(
            permissions(json!([{"name": "package", "action": "admin"},
                               {"name": "package", "action": "read"}])),
            ("read-only", "no-access", vec!["packages: admin".to_owned()])
        );
        assert_eq!(
            successor(
                json!({"permissions": [{"name": "package", "action": "write"}],
                             "publish_policy": "approval_queue"})
            ),
            (
                "no-access",
                "no-access",
                vec!["packages: write (publish_policy: approval_queue)".to_owned()]
            )
        );
        assert_eq!(
            permissions(json!([{"name": "org", "action": "stage_only"}])),
            (
                "no-access",
                "no-access",
                vec!["orgs: stage only".to_owned()]
            ),
            "organizations take no stage-only right"
        );
    }
}
