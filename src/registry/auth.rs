//! Which credential goes with which request: npm's "nerf dart" walk (npm-registry-fetch's
//! `getAuth`), limited to the origin the credential was configured for.

use std::collections::BTreeMap;
use std::fmt;

use reqwest::Url;

use crate::secret::Secret;

#[derive(Clone)]
pub enum Credential {
    /// `:_authToken`, sent as `Authorization: Bearer`.
    Bearer(Secret),
    /// `:_auth`, or `:username` with `:_password`: base64 `user:password`, sent as `Basic`.
    Basic(Secret),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credential::Bearer(_) => "Bearer(REDACTED)",
            Credential::Basic(_) => "Basic(REDACTED)",
        })
    }
}

/// Every registry credential configured, keyed by nerf dart (`//host[:port]/path/`).
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    by_nerf_dart: BTreeMap<String, Credential>,
}

impl Credentials {
    pub fn insert(&mut self, nerf_dart: String, credential: Credential) {
        self.by_nerf_dart.insert(nerf_dart, credential);
    }

    /// The credential for a request to `url`, as npm finds it: try `//host/full/path`, then
    /// drop one path segment (or trailing slash) at a time down to `//host`. When nothing
    /// matches and `url` is on the registry's origin, the registry's own credential applies.
    /// A URL on any other origin gets nothing unless a credential was configured for it, and
    /// nothing goes over plain http to the host of an https registry (nerf darts carry no
    /// scheme, so npm would send it).
    pub fn for_url(&self, url: &Url, registry: &Url) -> Option<(&str, &Credential)> {
        let downgrade = registry.scheme() == "https"
            && url.scheme() != "https"
            && url.host_str() == registry.host_str();
        if downgrade {
            return None;
        }
        self.walk(url).or_else(|| {
            (url.origin() == registry.origin())
                .then(|| self.walk(registry))
                .flatten()
        })
    }

    fn walk(&self, url: &Url) -> Option<(&str, &Credential)> {
        nerf_dart_walk(url).find_map(|key| {
            self.by_nerf_dart
                .get_key_value(&key)
                .map(|(k, c)| (k.as_str(), c))
        })
    }
}

/// npm's "nerf dart" of a URL: `//host[:port]/path/`, the folder of the URL's path, without
/// scheme, credentials, query or fragment. Credentials in npmrc files are keyed by it.
pub fn nerf_dart(url: &Url) -> String {
    let path = url.path();
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("//{}{}", host_port(url), dir)
}

/// The keys npm tries, in order, for settings scoped to a request URL: `//host/full/path`,
/// then one path segment (or trailing slash) less at a time, down to `//host`
/// (npm-registry-fetch's `regFromURI`).
pub fn nerf_dart_walk(url: &Url) -> impl Iterator<Item = String> {
    let mut key = format!("//{}{}", host_port(url), url.path());
    std::iter::from_fn(move || {
        if key.len() <= 2 {
            return None;
        }
        let current = key.clone();
        // Drop the last segment, or the trailing slash: `([^/]+|\/)$`.
        if key.ends_with('/') {
            key.pop();
        } else {
            let cut = key.rfind('/').map_or(0, |i| i + 1);
            key.truncate(cut);
        }
        Some(current)
    })
}

/// `host[:port]`, the port only when it is not the scheme's default (as `URL.host`).
pub fn host_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn nerf_darts() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            nerf_dart(&u("https://registry.npmjs.org/")),
            "//registry.npmjs.org/"
        );
        assert_eq!(
            nerf_dart(&u("https://r.example:8443/a/b")),
            "//r.example:8443/a/"
        );
        assert_eq!(nerf_dart(&u("http://u:p@h:80/a/b/?q#f")), "//h/a/b/");
    }

    #[test]
    fn nerf_dart_walk_drops_a_segment_at_a_time() {
        let url = Url::parse("https://r.example:8443/a/b").unwrap();
        let walk: Vec<String> = nerf_dart_walk(&url).collect();
        assert_eq!(
            walk,
            [
                "//r.example:8443/a/b",
                "//r.example:8443/a/",
                "//r.example:8443/a",
                "//r.example:8443/",
                "//r.example:8443"
            ]
        );
    }

    fn creds(keys: &[&str]) -> Credentials {
        let mut c = Credentials::default();
        for k in keys {
            c.insert(
                k.to_string(),
                Credential::Bearer(Secret::new(format!("tok-{k}"))),
            );
        }
        c
    }

    fn found(c: &Credentials, url: &str, registry: &str) -> Option<String> {
        c.for_url(&Url::parse(url).unwrap(), &Url::parse(registry).unwrap())
            .map(|(k, _)| k.to_owned())
    }

    #[test]
    fn walks_up_the_path() {
        let c = creds(&["//r.example/", "//r.example/deep/", "//other:8080/"]);
        let reg = "https://r.example/";
        assert_eq!(
            found(&c, "https://r.example/-/npm/v1/tokens", reg).unwrap(),
            "//r.example/"
        );
        assert_eq!(
            found(&c, "https://r.example/deep/x", reg).unwrap(),
            "//r.example/deep/"
        );
        assert_eq!(
            found(&c, "http://other:8080/a", reg).unwrap(),
            "//other:8080/"
        );
        assert_eq!(found(&c, "http://other:8081/a", reg), None);
    }

    #[test]
    fn a_host_without_slash_matches_too() {
        let c = creds(&["//r.example"]);
        assert_eq!(
            found(&c, "https://r.example/a/b", "https://r.example/").unwrap(),
            "//r.example"
        );
    }

    #[test]
    fn registry_credential_covers_its_origin_only() {
        let c = creds(&["//r.example/prefix/"]);
        let reg = "https://r.example/prefix/";
        assert_eq!(
            found(&c, "https://r.example/elsewhere/page2", reg).unwrap(),
            "//r.example/prefix/"
        );
        assert_eq!(found(&c, "https://evil.example/prefix/page2", reg), None);
        assert_eq!(found(&c, "https://r.example:444/prefix/page2", reg), None);
        assert_eq!(found(&c, "http://r.example/prefix/page2", reg), None);
    }

    #[test]
    fn debug_is_redacted() {
        let c = creds(&["//r/"]);
        assert!(!format!("{c:?}").contains("tok-"));
    }
}
