//! What a token may do: a classic token's kind, or a granular token's grants.

use std::fmt;

use serde_json::Value;

/// What a token may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// Classic tokens.
    ReadOnly,
    ReadWrite,
    Automation,
    /// A granular token's rights, one per resource (packages first, then orgs, then any
    /// resource this version does not know, in the registry's order). Empty: no access.
    Granular(Vec<Grant>),
}

/// One right of a granular token: `{"name": "package", "action": "write"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub resource: Resource,
    pub level: Level,
}

/// What a grant is on: `package` (packages and scopes) or `org`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    Packages,
    Orgs,
    Other(String),
}

/// What a grant allows: `read` or `write` (which includes reading).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Level {
    Read,
    Write,
    Other(String),
}

/// The `{name, action}` objects of `permissions`, merged per resource: a `write` grant
/// includes `read`. Entries without a string name and action are dropped.
pub(super) fn grants(permissions: Option<&Value>) -> Vec<Grant> {
    let Some(Value::Array(items)) = permissions else {
        return Vec::new();
    };
    let mut grants: Vec<Grant> = Vec::new();
    for item in items {
        let text = |name: &str| item.get(name).and_then(Value::as_str);
        let (Some(name), Some(action)) = (text("name"), text("action")) else {
            continue;
        };
        let grant = Grant {
            resource: match name {
                "package" => Resource::Packages,
                "org" => Resource::Orgs,
                other => Resource::Other(other.to_owned()),
            },
            level: match action {
                "read" => Level::Read,
                "write" => Level::Write,
                other => Level::Other(other.to_owned()),
            },
        };
        let same_resource = |g: &&mut Grant| g.resource == grant.resource;
        match grants
            .iter_mut()
            .find(|g| same_resource(g) && g.level == grant.level)
        {
            Some(_) => {}
            None => match (grant.level.clone(), grants.iter_mut().find(same_resource)) {
                (Level::Read, Some(g)) if g.level == Level::Write => {}
                (Level::Write, Some(g)) if g.level == Level::Read => g.level = Level::Write,
                _ => grants.push(grant),
            },
        }
    }
    // Stable: resources this version does not know keep the registry's order.
    grants.sort_by(|a, b| match (&a.resource, &b.resource) {
        (Resource::Other(_), Resource::Other(_)) => std::cmp::Ordering::Equal,
        (a, b) => a.cmp(b),
    });
    grants
}

impl fmt::Display for Access {
    /// `read-only`, `read-write`, `automation`; a GAT: `packages: read, orgs: read`, or
    /// `no access` when it has no permission at all.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Access::ReadOnly => f.write_str("read-only"),
            Access::ReadWrite => f.write_str("read-write"),
            Access::Automation => f.write_str("automation"),
            Access::Granular(grants) if grants.is_empty() => f.write_str("no access"),
            Access::Granular(grants) => {
                for (i, grant) in grants.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{grant}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let resource = match &self.resource {
            Resource::Packages => "packages",
            Resource::Orgs => "orgs",
            Resource::Other(name) => name,
        };
        let level = match &self.level {
            Level::Read => "read",
            Level::Write => "write",
            Level::Other(action) => action,
        };
        write!(f, "{resource}: {level}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use serde_json::{json, Value};

    #[test]
    fn classic_access_is_read_only_read_write_or_automation() {
        let access = |changes: Value| info(with(classic(), changes)).access().to_string();
        assert_eq!(access(json!({})), "read-write");
        assert_eq!(access(json!({"readonly": true})), "read-only");
        assert_eq!(access(json!({"automation": true})), "automation");
        assert_eq!(
            access(json!({"readonly": true, "automation": true})),
            "read-only",
            "never claim a right the token may lack"
        );
        // Wrong types are absent, not truthy.
        assert_eq!(access(json!({"readonly": "false"})), "read-write");
        assert_eq!(access(json!({"automation": 1})), "read-write");
        assert_eq!(
            access(json!({"readonly": null, "automation": null})),
            "read-write"
        );
    }

    #[test]
    fn granular_access_names_only_the_rights_it_has() {
        let access = |permissions: Value| {
            info(with(gat(), json!({"permissions": permissions})))
                .access()
                .to_string()
        };
        assert_eq!(
            access(json!([{"name": "package", "action": "read"}])),
            "packages: read",
            "a read-only GAT is not read-write"
        );
        assert_eq!(
            access(
                json!([{"name": "org", "action": "read"}, {"name": "package", "action": "read"}])
            ),
            "packages: read, orgs: read"
        );
        assert_eq!(
            access(
                json!([{"name": "package", "action": "read"}, {"name": "package", "action": "write"}, {"name": "package", "action": "read"}])
            ),
            "packages: write",
            "write includes read"
        );
        assert_eq!(
            access(
                json!([{"name": "org", "action": "write"}, {"name": "package", "action": "read"}])
            ),
            "packages: read, orgs: write"
        );
        assert_eq!(access(json!([])), "no access");
        assert_eq!(access(json!(null)), "no access");
        assert_eq!(access(json!("package:write")), "no access");
        assert_eq!(
            access(
                json!([{"name": "package"}, {"action": "write"}, {"name": 1, "action": "write"},
                          "package", null, [], {"name": "org", "action": null}])
            ),
            "no access",
            "incomplete entries grant nothing"
        );
        // What this version does not know is shown as the registry names it, never dropped
        // and never read as something else.
        assert_eq!(
            access(
                json!([{"name": "user", "action": "read"}, {"name": "package", "action": "stage"},
                          {"name": "package", "action": "read"}, {"name": "audit", "action": "read"}])
            ),
            "packages: stage, packages: read, user: read, audit: read"
        );
    }
}
