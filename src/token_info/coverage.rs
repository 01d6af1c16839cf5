//! What a granular token covers: its packages, scopes and organizations.

use serde_json::Value;

/// What a granular token covers, from its `scopes[]`, in the registry's order. Empty for
/// classic tokens, and for entries of a type this version does not know.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub packages: Vec<String>,
    pub scopes: Vec<String>,
    pub orgs: Vec<String>,
}

/// The `{name, type}` objects of `scopes`: `package`, `scope` or `org`.
pub(super) fn coverage(scopes: Option<&Value>) -> Coverage {
    let mut coverage = Coverage::default();
    let Some(Value::Array(items)) = scopes else {
        return coverage;
    };
    for item in items {
        let text = |name: &str| item.get(name).and_then(Value::as_str);
        let (Some(name), Some(kind)) = (text("name"), text("type")) else {
            continue;
        };
        let list = match kind {
            "package" => &mut coverage.packages,
            "scope" => &mut coverage.scopes,
            "org" => &mut coverage.orgs,
            _ => continue,
        };
        list.push(name.to_owned());
    }
    coverage
}

impl Coverage {
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty() && self.scopes.is_empty() && self.orgs.is_empty()
    }

    /// Packages, scopes, then orgs (as `org:NAME`, so that an org is not read as a package).
    pub fn names(&self) -> Vec<String> {
        self.packages
            .iter()
            .chain(&self.scopes)
            .cloned()
            .chain(self.orgs.iter().map(|org| format!("org:{org}")))
            .collect()
    }

    /// [`Coverage::names`] comma-separated; past `limit` names (at least one is shown), the
    /// rest as a count: `@a/b, @c/d +3 more`. Empty when the token lists nothing.
    pub fn display(&self, limit: usize) -> String {
        let names = self.names();
        let (shown, more) = shortened(&names, limit);
        let mut text = shown.join(", ");
        if more > 0 {
            text.push_str(&format!(" +{more} more"));
        }
        text
    }
}

/// A long list cut for display: the first `limit` items (at least one, if there are any),
/// and how many more there are.
pub fn shortened<T>(items: &[T], limit: usize) -> (&[T], usize) {
    let shown = limit.max(1).min(items.len());
    (&items[..shown], items.len() - shown)
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn coverage_lists_packages_scopes_and_orgs() {
        let t = info(with(
            gat(),
            json!({"scopes": [
                {"name": "@a/b", "type": "package"}, {"name": "@myscope", "type": "scope"},
                {"name": "myorg", "type": "org"}, {"name": "c", "type": "package"},
                {"name": "x", "type": "team"}, {"name": "y"}, {"type": "package"},
                {"name": 5, "type": "package"}, null, "d"]}),
        ));
        let c = t.coverage();
        assert_eq!(c.packages, ["@a/b", "c"]);
        assert_eq!(c.scopes, ["@myscope"]);
        assert_eq!(c.orgs, ["myorg"]);
        assert_eq!(c.display(10), "@a/b, c, @myscope, org:myorg");
        assert_eq!(c.display(4), "@a/b, c, @myscope, org:myorg");
        assert_eq!(c.display(3), "@a/b, c, @myscope +1 more");
        assert_eq!(c.display(1), "@a/b +3 more");
        assert_eq!(c.display(0), "@a/b +3 more", "at least one name is shown");
        let five = Coverage {
            packages: ["@a/b", "@c/d", "e", "f", "g"].map(String::from).to_vec(),
            ..Coverage::default()
        };
        assert_eq!(five.display(2), "@a/b, @c/d +3 more");
        assert_eq!(Coverage::default().display(2), "");
        assert_eq!(info(classic()).coverage().display(2), "");
    }
}
