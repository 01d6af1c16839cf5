//! What a token may do: a classic token's kind, or a granular token's grants; and what
//! follows for publishing (none, to the staging queue only, or directly).

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

/// What a grant allows: `read`, `write` (which includes reading), or `write` that only
/// stages releases for a maintainer's 2FA approval (npm's `read-write-stage-only`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Level {
    Read,
    Write,
    StageOnly,
    /// An action this version does not know, as the registry sent it: never read as
    /// another. With a `publish_policy` it does not know, `write (publish_policy: …)`.
    Other(String),
}

/// What a token can do with a new version of a package. npmjs.org stops direct publishing
/// with tokens in January 2027; stage-only tokens put releases in a queue a maintainer
/// approves with 2FA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublishingPower {
    /// Cannot publish: read-only, no access, or rights on organizations only.
    None,
    StageOnly,
    Direct,
    /// The registry sent a packages right this version cannot read (shown as sent, e.g.
    /// `packages: admin`): it may publish, or not. Never guessed.
    Unknown(String),
}

impl PublishingPower {
    /// The name in JSON: `none`, `stage-only`, `direct`, `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            PublishingPower::None => "none",
            PublishingPower::StageOnly => "stage-only",
            PublishingPower::Direct => "direct",
            PublishingPower::Unknown(_) => "unknown",
        }
    }
}

/// The actions that mean stage-only, in whichever spelling: how the list shows a stage-only
/// token is not documented (npm/cli#9948 says the registry stores `publish_policy:
/// stage_only`), so the plausible spellings of that value are read, and nothing else.
fn is_stage_only(action: &str) -> bool {
    let action = action.to_ascii_lowercase().replace('_', "-");
    matches!(
        action.as_str(),
        "stage" | "stage-only" | "write-stage-only" | "read-write-stage-only"
    )
}

/// The `{name, action}` objects of `permissions`, merged per resource: a `write` (or
/// stage-only) grant includes `read`. Entries without a string name and action are dropped.
/// `publish_policy` (the token's field): `"stage_only"` makes a packages `write` stage-only;
/// any other value the registry sends makes it a level this version does not know.
pub(super) fn grants(permissions: Option<&Value>, publish_policy: Option<&Value>) -> Vec<Grant> {
    let Some(Value::Array(items)) = permissions else {
        return Vec::new();
    };
    let policy = match publish_policy {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if is_stage_only(text) => Some(Level::StageOnly),
        Some(Value::String(text)) => Some(Level::Other(format!("write (publish_policy: {text})"))),
        Some(other) => Some(Level::Other(format!("write (publish_policy: {other})"))),
    };
    let mut grants: Vec<Grant> = Vec::new();
    for item in items {
        let text = |name: &str| item.get(name).and_then(Value::as_str);
        let (Some(name), Some(action)) = (text("name"), text("action")) else {
            continue;
        };
        let resource = match name {
            "package" => Resource::Packages,
            "org" => Resource::Orgs,
            other => Resource::Other(other.to_owned()),
        };
        let level = match (action, &policy) {
            ("read", _) => Level::Read,
            ("write", Some(policy)) if resource == Resource::Packages => policy.clone(),
            ("write", _) => Level::Write,
            (stage, _) if is_stage_only(stage) => Level::StageOnly,
            (other, _) => Level::Other(other.to_owned()),
        };
        merge(&mut grants, Grant { resource, level });
    }
    // Stable: resources this version does not know keep the registry's order.
    grants.sort_by(|a, b| match (&a.resource, &b.resource) {
        (Resource::Other(_), Resource::Other(_)) => std::cmp::Ordering::Equal,
        (a, b) => a.cmp(b),
    });
    grants
}

/// Adds `grant`, unless the resource has it already or a level that includes it; a level
/// that includes `read` replaces a `read`. Other levels stand side by side, as sent.
fn merge(grants: &mut Vec<Grant>, grant: Grant) {
    let includes_read = |level: &Level| matches!(level, Level::Write | Level::StageOnly);
    let mut same = grants
        .iter()
        .enumerate()
        .filter(|(_, g)| g.resource == grant.resource);
    if same.clone().any(|(_, g)| {
        g.level == grant.level || (grant.level == Level::Read && includes_read(&g.level))
    }) {
        return;
    }
    if includes_read(&grant.level) {
        if let Some((i, _)) = same.find(|(_, g)| g.level == Level::Read) {
            grants[i].level = grant.level;
            return;
        }
    }
    grants.push(grant);
}

impl Access {
    /// What the token can do with a new version of a package (see [`PublishingPower`]).
    /// Classic read-write and automation tokens publish directly.
    pub fn publishing(&self) -> PublishingPower {
        let grants = match self {
            Access::ReadOnly => return PublishingPower::None,
            Access::ReadWrite | Access::Automation => return PublishingPower::Direct,
            Access::Granular(grants) => grants,
        };
        let packages = || grants.iter().filter(|g| g.resource == Resource::Packages);
        if let Some(unknown) = packages().find(|g| matches!(g.level, Level::Other(_))) {
            PublishingPower::Unknown(unknown.to_string())
        } else if packages().any(|g| g.level == Level::Write) {
            PublishingPower::Direct
        } else if packages().any(|g| g.level == Level::StageOnly) {
            PublishingPower::StageOnly
        } else {
            PublishingPower::None
        }
    }

    /// The grants this version cannot name (a resource or an action it does not know), as
    /// sent: nothing may be inferred from them.
    pub fn unrecognised(&self) -> Vec<&Grant> {
        match self {
            Access::Granular(grants) => grants
                .iter()
                .filter(|g| {
                    matches!(g.resource, Resource::Other(_)) || matches!(g.level, Level::Other(_))
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl super::TokenInfo {
    /// What the token can do with a new version of a package.
    pub fn publishing(&self) -> PublishingPower {
        self.access.publishing()
    }

    /// Whether the token bypasses two-factor authentication (a GAT's `bypass_2fa`).
    pub fn bypasses_2fa(&self) -> bool {
        self.bypass_2fa
    }

    /// The access as the table and `status` show it: `packages: stage only, orgs: read`,
    /// and `; bypasses 2FA` for a token that does. Registry text: escape it where it is put.
    pub fn access_summary(&self) -> String {
        if self.bypass_2fa {
            format!("{}; bypasses 2FA", self.access)
        } else {
            self.access.to_string()
        }
    }
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

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Resource::Packages => "packages",
            Resource::Orgs => "orgs",
            Resource::Other(name) => name,
        })
    }
}

impl fmt::Display for Level {
    /// `read`, `write`, `stage only`, or the action as sent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Read => "read",
            Level::Write => "write",
            Level::StageOnly => "stage only",
            Level::Other(action) => action,
        })
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.resource, self.level)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use super::PublishingPower;
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
                json!([{"name": "user", "action": "read"}, {"name": "package", "action": "admin"},
                          {"name": "package", "action": "read"}, {"name": "audit", "action": "read"}])
            ),
            "packages: admin, packages: read, user: read, audit: read"
        );
    }

    /// A token's access and publishing power, from its permissions and `publish_policy`.
    fn read(changes: Value) -> (String, PublishingPower) {
        let t = info(with(gat(), changes));
        (t.access().to_string(), t.publishing())
    }

    #[test]
    fn stage_only_is_read_from_the_publish_policy_or_the_action() {
        let write =
            json!([{"name": "package", "action": "write"}, {"name": "org", "action": "read"}]);
        let stage_only = (
            "packages: stage only, orgs: read".to_owned(),
            PublishingPower::StageOnly,
        );
        for policy in ["stage_only", "stage-only", "STAGE_ONLY"] {
            assert_eq!(
                read(json!({"permissions": write, "publish_policy": policy})),
                stage_only,
                "{policy}"
            );
        }
        for action in [
            "stage",
            "stage_only",
            "write-stage-only",
            "read-write-stage-only",
        ] {
            let permissions = json!([{"name": "package", "action": action},
                                     {"name": "package", "action": "read"},
                                     {"name": "org", "action": "read"}]);
            assert_eq!(
                read(json!({"permissions": permissions})),
                stage_only,
                "{action}"
            );
        }
        // A policy on a token that cannot write changes nothing; nor does a null one.
        assert_eq!(
            read(
                json!({"permissions": [{"name": "package", "action": "read"}],
                        "publish_policy": "stage_only"})
            ),
            ("packages: read".to_owned(), PublishingPower::None)
        );
        assert_eq!(
            read(json!({"permissions": write, "publish_policy": null})),
            (
                "packages: write, orgs: read".to_owned(),
                PublishingPower::Direct
            )
        );
        // An organization's write publishes nothing.
        assert_eq!(
            read(json!({"permissions": [{"name": "org", "action": "write"}]})).1,
            PublishingPower::None
        );
    }

    #[test]
    fn what_is_not_recognised_is_shown_as_sent_and_never_guessed() {
        let write = json!([{"name": "package", "action": "write"}]);
        assert_eq!(
            read(json!({"permissions": write, "publish_policy": "approval\u{1b}[31m"})),
            (
                "packages: write (publish_policy: approval\u{1b}[31m)".to_owned(),
                PublishingPower::Unknown(
                    "packages: write (publish_policy: approval\u{1b}[31m)".to_owned()
                )
            ),
            "kept as sent: escaped where it is shown"
        );
        assert_eq!(
            read(json!({"permissions": write, "publish_policy": {"mode": 1}})).1,
            PublishingPower::Unknown("packages: write (publish_policy: {\"mode\":1})".to_owned())
        );
        let (text, power) =
            read(json!({"permissions": [{"name": "package", "action": "publish"}]}));
        assert_eq!(text, "packages: publish");
        assert_eq!(
            power,
            PublishingPower::Unknown("packages: publish".to_owned())
        );
        // Direct beats stage-only when a registry sends both.
        assert_eq!(
            read(
                json!({"permissions": [{"name": "package", "action": "write"},
                                        {"name": "package", "action": "stage"}]})
            ),
            (
                "packages: write, packages: stage only".to_owned(),
                PublishingPower::Direct
            )
        );
        let t = info(with(
            gat(),
            json!({"permissions": [{"name": "user", "action": "read"},
                                   {"name": "package", "action": "publish"},
                                   {"name": "org", "action": "read"}]}),
        ));
        let unrecognised: Vec<String> = t
            .access()
            .unrecognised()
            .iter()
            .map(|g| g.to_string())
            .collect();
        assert_eq!(unrecognised, ["packages: publish", "user: read"]);
    }

    #[test]
    fn classic_tokens_publish_directly_unless_read_only() {
        let power = |changes: Value| info(with(classic(), changes)).publishing();
        assert_eq!(power(json!({})), PublishingPower::Direct);
        assert_eq!(power(json!({"automation": true})), PublishingPower::Direct);
        assert_eq!(power(json!({"readonly": true})), PublishingPower::None);
        assert_eq!(
            info(with(gat(), json!({"permissions": []}))).publishing(),
            PublishingPower::None
        );
    }

    #[test]
    fn the_summary_marks_a_token_that_bypasses_2fa() {
        assert_eq!(
            info(gat()).access_summary(),
            "packages: write; bypasses 2FA"
        );
        let t = info(with(gat(), json!({"bypass_2fa": false})));
        assert_eq!(t.access_summary(), "packages: write");
    }
}
