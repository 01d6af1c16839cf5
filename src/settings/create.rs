//! What `create` and `rotate` were given for a new token.

use super::ConfigError;
use crate::cidr::parse_cidr_list;
use crate::npmrc::{Config, LayerKind, Value};
use crate::registry::{Permission, TokenSpec};
use crate::secret::Secret;

/// What `create` and `rotate` were given for a new token, and the password to create it.
#[derive(Debug, Default)]
pub struct CreateSettings {
    pub given: SpecSettings,
    pub password: Option<Secret>,
}

/// Every setting that shapes a new token, each `None` where no flag, variable or npmrc line
/// gave it: `create` lays them over an empty request, `rotate` over the old token's.
#[derive(Debug, Default)]
pub struct SpecSettings {
    pub name: Option<String>,
    pub description: Option<String>,
    pub packages: Option<Vec<String>>,
    pub packages_all: Option<bool>,
    pub scopes: Option<Vec<String>>,
    pub orgs: Option<Vec<String>>,
    pub packages_and_scopes_permission: Option<Permission>,
    pub orgs_permission: Option<Permission>,
    /// `Some(None)`: `expires=0`, no expiry.
    pub expires_days: Option<Option<u32>>,
    pub cidr_whitelist: Option<Vec<String>>,
    pub bypass_2fa: Option<bool>,
    pub readonly: Option<bool>,
    /// Where each setting given was given (its key, as the user spelled it, and whether on
    /// the command line), for [`SpecSettings::changes`].
    pub(super) origins: Vec<(&'static str, (String, bool))>,
}

/// Every setting that shapes a new token.
const SPEC_KEYS: [&str; 12] = [
    "name",
    "token-description",
    "packages",
    "packages-all",
    "scopes",
    "orgs",
    "packages-and-scopes-permission",
    "orgs-permission",
    "expires",
    "cidr",
    "bypass-2fa",
    "read-only",
];

impl SpecSettings {
    /// `base` with every setting that was given in its place.
    pub fn apply(&self, mut base: TokenSpec) -> TokenSpec {
        fn put<T: Clone>(target: &mut T, given: &Option<T>) {
            if let Some(value) = given {
                target.clone_from(value);
            }
        }
        put(&mut base.name, &self.name.clone().map(Some));
        put(&mut base.description, &self.description.clone().map(Some));
        put(&mut base.packages, &self.packages);
        put(&mut base.packages_all, &self.packages_all);
        put(&mut base.scopes, &self.scopes);
        put(&mut base.orgs, &self.orgs);
        put(
            &mut base.packages_and_scopes_permission,
            &self.packages_and_scopes_permission.map(Some),
        );
        put(&mut base.orgs_permission, &self.orgs_permission.map(Some));
        put(&mut base.expires_days, &self.expires_days);
        put(&mut base.cidr_whitelist, &self.cidr_whitelist);
        put(&mut base.bypass_2fa, &self.bypass_2fa);
        put(&mut base.readonly, &self.readonly);
        // `--read-only` means read-only on npmjs.org too, where the permissions are what
        // counts: a permission that can write, copied from an old token, gives way unless
        // one was given.
        if self.readonly == Some(true) {
            let lower = |p: Option<Permission>| match p {
                Some(p) if can_write(p) => Some(Permission::ReadOnly),
                other => other,
            };
            if self.packages_and_scopes_permission.is_none() {
                base.packages_and_scopes_permission = lower(base.packages_and_scopes_permission);
            }
            if self.orgs_permission.is_none() {
                base.orgs_permission = lower(base.orgs_permission);
            }
        }
        // `--packages-all` means every package: the old token's list of packages and scopes
        // would narrow it again (and sending both contradicts itself).
        if self.packages_all == Some(true) {
            if self.packages.is_none() {
                base.packages.clear();
            }
            if self.scopes.is_none() {
                base.scopes.clear();
            }
        }
        base
    }
}

/// A permission on organizations: stage-only is for packages and scopes, and npm 12.2.2
/// refuses it here too. Refused before anything is sent, whichever layer set it.
struct OrgsPermission(Permission);

impl std::str::FromStr for OrgsPermission {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.parse::<Permission>() {
            Ok(p) if p.applies_to_orgs() => Ok(OrgsPermission(p)),
            Ok(_) => Err(
                "organizations take read-only, read-write or no-access; stage-only is \
                          for packages and scopes (--packages-and-scopes-permission \
                          read-write-stage-only)"
                    .to_owned(),
            ),
            Err(_) => Err("expected read-only, read-write or no-access".to_owned()),
        }
    }
}

/// Whether a permission lets a token write (publish, or stage a release): anything but
/// `read-only` and `no-access`, so `read-write-stage-only` does, and a permission added
/// later counts as writing until said otherwise.
fn can_write(permission: Permission) -> bool {
    !matches!(permission, Permission::ReadOnly | Permission::NoAccess)
}

/// Settings that ask for two different tokens at once are refused before anything is sent
/// (a password prompt included): sending both would leave the registry to pick one, and
/// npmjs.org documents no rule for it. Each is named as it was given (`--read-only`,
/// `npm_config_read_only`, or the npmrc file), so the user knows what to drop.
fn check_contradictions(config: &Config, given: &SpecSettings) -> Result<(), ConfigError> {
    let contradiction = |a: String, b: String, why: &str| {
        Err(ConfigError::Contradiction(format!(
            "{a} and {b} contradict each other: {why}; give one or the other (nothing was sent)"
        )))
    };
    if given.readonly == Some(true) {
        let permissions = [
            (
                "packages-and-scopes-permission",
                given.packages_and_scopes_permission,
            ),
            ("orgs-permission", given.orgs_permission),
        ];
        for (key, permission) in permissions {
            if let Some(p) = permission.filter(|p| can_write(*p)) {
                return contradiction(
                    spelled(config, "read-only", None),
                    spelled(config, key, Some(p.as_str())),
                    "a read-only token cannot write",
                );
            }
        }
    }
    if given.packages_all == Some(true) {
        for key in ["packages", "scopes"] {
            if let Some(first) = config.list(key).first() {
                return contradiction(
                    spelled(config, "packages-all", None),
                    spelled(config, key, Some(first)),
                    "a token covers all your packages, or only those named",
                );
            }
        }
    }
    Ok(())
}

/// A setting as the user gave it: `--key value` on the command line, `npm_config_key=value`
/// in the environment, `key=value in FILE` from an npmrc.
fn spelled(config: &Config, key: &str, value: Option<&str>) -> String {
    let Some((_, layer)) = config.get_with_layer(key) else {
        return format!("--{key}");
    };
    let value = value.map(str::to_owned);
    match (layer.kind, value) {
        (LayerKind::Cli, Some(value)) => format!("--{key} {value}"),
        (LayerKind::Cli, None) => format!("--{key}"),
        (LayerKind::Env, value) => format!(
            "npm_config_{}={}",
            key.replace('-', "_"),
            value.unwrap_or_else(|| "true".into())
        ),
        (_, value) => format!(
            "{key}={} in {}",
            value.unwrap_or_else(|| "true".into()),
            layer.describe()
        ),
    }
}

/// A number of days, as `expires` takes it.
pub(super) struct Days(u32);

impl std::str::FromStr for Days {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.parse()
            .map(Days)
            .map_err(|_| "expected a whole number of days, like 30".to_owned())
    }
}

/// Settings that change what `create` asks the registry for are checked strictly: ignoring a
/// bad `orgs-permission` would create a token with wider access than intended.
pub(super) fn create_settings(
    config: &Config,
    warnings: &mut Vec<String>,
) -> Result<CreateSettings, ConfigError> {
    let given = |key: &str| config.get(key).is_some_and(|v| v != Value::Null);
    let list = |key: &str| given(key).then(|| config.list(key));
    let mut flag = |key: &'static str| given(key).then(|| config.bool(key, warnings));
    let packages_all = flag("packages-all");
    let bypass_2fa = flag("bypass-2fa");
    let readonly = flag("read-only");
    let given = SpecSettings {
        name: config.get_str("name"),
        description: config.get_str("token-description"),
        packages: list("packages"),
        packages_all,
        scopes: list("scopes"),
        orgs: list("orgs"),
        packages_and_scopes_permission: config.parsed("packages-and-scopes-permission")?,
        orgs_permission: config
            .parsed::<OrgsPermission>("orgs-permission")?
            .map(|OrgsPermission(p)| p),
        expires_days: config
            .parsed::<Days>("expires")?
            .map(|Days(days)| (days > 0).then_some(days)),
        cidr_whitelist: list("cidr").map(|l| parse_cidr_list(&l)).transpose()?,
        bypass_2fa,
        readonly,
        origins: SPEC_KEYS
            .into_iter()
            .filter(|key| given(key))
            .filter_map(|key| Some((key, super::changes::origin(config, key)?)))
            .collect(),
    };
    check_contradictions(config, &given)?;
    Ok(CreateSettings {
        given,
        password: config.get_str("password").map(Secret::new),
    })
}
