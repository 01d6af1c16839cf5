//! npm's configuration: `.npmrc` files (in npm's ini dialect, `ini.rs`), `npm_config_*`
//! environment variables, and the layers they stack into (as `@npmcli/config` does).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

mod file;
mod ini;
mod save;
mod typed;
#[cfg(test)]
pub use ini::parse_ini;
pub use ini::parse_ini_with_lines;
// `save.rs` re-reads a value as the parser does.
pub use file::read_bounded;
use ini::unquote;
pub use ini::{env_replace, value_to_string, Value};
pub use save::{check_replaceable, replace_values};
pub use typed::InvalidValue;

/// Where a layer of configuration came from, lowest priority first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LayerKind {
    Global,
    User,
    Project,
    Env,
    Cli,
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LayerKind::Global => "global",
            LayerKind::User => "user",
            LayerKind::Project => "project",
            LayerKind::Env => "environment",
            LayerKind::Cli => "command line",
        })
    }
}

pub struct Layer {
    pub kind: LayerKind,
    /// The file it was read from, for messages.
    pub source: Option<PathBuf>,
    /// The file's permission bits when it was read (Unix), for `audit`.
    pub mode: Option<u32>,
    values: BTreeMap<String, Value>,
    /// The line of each key in the file.
    lines: BTreeMap<String, usize>,
}

impl Layer {
    pub fn new(kind: LayerKind, source: Option<PathBuf>, values: BTreeMap<String, Value>) -> Self {
        Layer {
            kind,
            source,
            mode: None,
            values,
            lines: BTreeMap::new(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// This layer, with the line of each key in its file.
    pub fn with_lines(mut self, lines: BTreeMap<String, usize>) -> Self {
        self.lines = lines;
        self
    }

    /// The line of the file that sets `key` (its last assignment).
    pub fn line(&self, key: &str) -> Option<usize> {
        self.lines.get(key).copied()
    }

    /// Expands `${VAR}` in keys (`//${HOST}/:_authToken`), once, as npm does when it loads a
    /// layer: an unset `VAR` stays as written, `${VAR?}` becomes empty. So that lookups are
    /// map lookups, not an expansion of every key each time.
    ///
    /// Where two keys become one, the key written without `${` wins, then the first in key
    /// order.
    fn expand_keys(&mut self, lookup: &dyn Fn(&str) -> Option<String>) {
        if !self.values.keys().any(|k| k.contains("${")) {
            return;
        }
        let (templated, mut values): (BTreeMap<_, _>, BTreeMap<_, _>) =
            std::mem::take(&mut self.values)
                .into_iter()
                .partition(|(k, _)| k.contains("${"));
        for (key, value) in templated {
            let line = self.lines.remove(&key);
            if let std::collections::btree_map::Entry::Vacant(entry) =
                values.entry(env_replace(&key, lookup))
            {
                if let Some(line) = line {
                    self.lines.insert(entry.key().clone(), line);
                }
                entry.insert(value);
            }
        }
        self.values = values;
    }

    /// Every key this layer sets, `${VAR}` in keys expanded.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// Names this layer in a message: its file, or what it is.
    pub fn describe(&self) -> String {
        match &self.source {
            Some(path) => path.display().to_string(),
            None => self.kind.to_string(),
        }
    }
}

impl fmt::Debug for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Layer")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .field("keys", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The process environment, captured once so that everything downstream is a pure function
/// of it (and testable without touching the real environment).
#[derive(Clone, Default)]
pub struct Env {
    pub vars: HashMap<String, String>,
    pub cwd: PathBuf,
    pub home: Option<PathBuf>,
}

impl Env {
    pub fn from_process() -> Self {
        let vars: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let home = vars
            .get("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(dirs::home_dir);
        Env {
            vars,
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            home,
        }
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The `npm_config_*` variables as a layer: case-insensitive prefix, empty values skipped,
    /// `_` after the first character becomes `-` and the key is lower-cased, except for
    /// nerf-darted keys (`npm_config_//host/:_authToken`), which are taken as they are.
    pub fn npm_config_layer(&self) -> Layer {
        let mut values = BTreeMap::new();
        for (name, value) in &self.vars {
            let Some(raw) = name
                .get(..11)
                .filter(|prefix| prefix.eq_ignore_ascii_case("npm_config_"))
                .map(|_| &name[11..])
            else {
                continue;
            };
            if value.is_empty() || raw.is_empty() {
                continue;
            }
            let key = if raw.starts_with("//") {
                raw.to_owned()
            } else {
                let mut k = String::with_capacity(raw.len());
                for (i, c) in raw.chars().enumerate() {
                    k.push(if i > 0 && c == '_' {
                        '-'
                    } else {
                        c.to_ascii_lowercase()
                    });
                }
                k
            };
            values.insert(key, Value::Str(value.clone()));
        }
        Layer::new(LayerKind::Env, None, values)
    }
}

/// Everything configured, from every layer.
pub struct Config {
    layers: Vec<Layer>,
    env: Env,
}

// The environment holds secrets too (npm_config_//host/:_authToken): show only the layers.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("layers", &self.layers)
            .finish_non_exhaustive()
    }
}

/// A problem reading a config file that npm would only log; we warn and go on, as npm does.
#[derive(Debug)]
pub struct LoadWarning(pub String);

/// The keys whose values are file paths (`~/` expanded, relative ones resolved).
const PATH_KEYS: &[&str] = &[
    "userconfig",
    "globalconfig",
    "prefix",
    "cafile",
    "certfile",
    "keyfile",
];

impl Config {
    /// Loads the layers in npm's order: command line, environment, project `.npmrc`, user
    /// config (whose location the layers above may set), then global config (whose location
    /// any layer above may set, through `globalconfig` or `prefix`).
    pub fn load(cli: Layer, env: &Env, warnings: &mut Vec<LoadWarning>) -> Config {
        let mut config = Config {
            layers: Vec::new(),
            env: env.clone(),
        };
        config.push_layer(cli);
        config.push_layer(env.npm_config_layer());

        let user_file = config
            .get_path("userconfig")
            .or_else(|| env.home.as_ref().map(|h| h.join(".npmrc")));

        let project_dir = find_project_dir(&env.cwd);
        let project_file = project_dir.join(".npmrc");
        if Some(&project_file) != user_file.as_ref() {
            config.push_file(LayerKind::Project, &project_file, warnings);
        }

        let user_file = config.get_path("userconfig").or(user_file);
        if let Some(user_file) = user_file {
            config.push_file(LayerKind::User, &user_file, warnings);
        }

        let global_file = config.get_path("globalconfig").or_else(|| {
            config
                .get_path("prefix")
                .or_else(|| default_global_prefix(env))
                .map(|prefix| prefix.join("etc").join("npmrc"))
        });
        if let Some(global_file) = global_file {
            config.push_file(LayerKind::Global, &global_file, warnings);
        }
        config
    }

    /// A config made of the given layers only, for tests.
    #[cfg(test)]
    pub fn from_layers(layers: Vec<Layer>, env: Env) -> Config {
        let mut config = Config {
            layers: Vec::new(),
            env,
        };
        for layer in layers {
            config.push_layer(layer);
        }
        config
    }

    /// Adds the next layer down in priority, its keys expanded.
    fn push_layer(&mut self, mut layer: Layer) {
        let env = &self.env;
        layer.expand_keys(&|name| env.var(name).map(str::to_owned));
        self.layers.push(layer);
    }

    fn push_file(&mut self, kind: LayerKind, path: &Path, warnings: &mut Vec<LoadWarning>) {
        match read_bounded(path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let (values, lines) = parse_ini_with_lines(&text);
                let mut layer = Layer::new(kind, Some(path.to_owned()), values).with_lines(lines);
                layer.mode = file_mode(path);
                self.push_layer(layer);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => warnings.push(LoadWarning(format!(
                "could not read {kind} config {}: {e}",
                path.display()
            ))),
        }
    }

    /// The highest-priority layer that sets `key`, with the value it sets.
    pub fn get_with_layer(&self, key: &str) -> Option<(Value, &Layer)> {
        let lookup = |name: &str| self.env.var(name).map(str::to_owned);
        // Priority: cli > env > project > user > global. Layers are stored as
        // [cli, env, project?, user?, global?], already in that order.
        // Keys were expanded when each layer was loaded; values are expanded here.
        self.layers.iter().find_map(|layer| {
            let value = match layer.get(key)? {
                Value::Str(s) => Value::Str(env_replace(s.trim(), &lookup)),
                Value::List(l) => {
                    Value::List(l.iter().map(|s| env_replace(s.trim(), &lookup)).collect())
                }
                other => other.clone(),
            };
            Some((value, layer))
        })
    }

    pub fn get(&self, key: &str) -> Option<Value> {
        self.get_with_layer(key).map(|(v, _)| v)
    }

    /// A string value; `null` and an empty string count as unset, as in npm.
    pub fn get_str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::Str(s) if s.is_empty() => None,
            Value::Null => None,
            v => Some(value_to_string(&v)),
        }
    }

    /// A path value, with `~/` expanded and relative paths resolved against the cwd.
    pub fn get_path(&self, key: &str) -> Option<PathBuf> {
        debug_assert!(PATH_KEYS.contains(&key));
        let raw = self.get_str(key)?;
        Some(self.resolve_path(&raw))
    }

    /// A path value under a registry-scoped key (`//host/:certfile`).
    pub fn get_path_scoped(&self, key: &str) -> Option<PathBuf> {
        debug_assert!(PATH_KEYS.iter().any(|k| key.ends_with(&format!(":{k}"))));
        let raw = self.get_str(key)?;
        Some(self.resolve_path(&raw))
    }

    fn resolve_path(&self, raw: &str) -> PathBuf {
        if let (Some(rest), Some(home)) = (raw.strip_prefix("~/"), self.env.home.as_ref()) {
            return home.join(rest);
        }
        self.env.cwd.join(raw)
    }

    /// Every layer, highest priority first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// A string value as npm reads it from a layer: trimmed, `${VAR}` expanded.
    pub fn expand(&self, raw: &str) -> String {
        env_replace(raw.trim(), &|name| self.env.var(name).map(str::to_owned))
    }

    /// Every key set in any layer, with `${VAR}` in keys expanded.
    pub fn keys(&self) -> Vec<String> {
        self.layers
            .iter()
            .flat_map(|layer| layer.values.keys().cloned())
            .collect()
    }

    /// Every layer that sets `key`, highest priority first, with the raw value it sets
    /// (`${VAR}` not expanded).
    pub fn layers_setting<'a>(&'a self, key: &str) -> impl Iterator<Item = (&'a Value, &'a Layer)> {
        let key = key.to_owned();
        self.layers
            .iter()
            .filter_map(move |layer| Some((layer.get(&key)?, layer)))
    }

    /// The environment the configuration was loaded with.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The layers that were read from files, for the auth checks.
    pub fn file_layers(&self) -> impl Iterator<Item = &Layer> {
        self.layers.iter().filter(|l| {
            matches!(
                l.kind,
                LayerKind::Global | LayerKind::User | LayerKind::Project
            )
        })
    }

    pub fn user_config_path(&self) -> Option<PathBuf> {
        self.get_path("userconfig")
            .or_else(|| self.env.home.as_ref().map(|h| h.join(".npmrc")))
    }
}

/// A file's permission bits, where there are such (Unix).
fn file_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The nearest ancestor of `cwd` (itself included) holding a `package.json` or a
/// `node_modules` folder: npm's "local prefix", where the project `.npmrc` lives.
fn find_project_dir(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|dir| dir.join("package.json").is_file() || dir.join("node_modules").is_dir())
        .unwrap_or(cwd)
        .to_owned()
}

/// npm's default global prefix: `$PREFIX`, else the folder above the `node` binary's folder
/// (`/usr/local/bin/node` → `/usr/local`).
fn default_global_prefix(env: &Env) -> Option<PathBuf> {
    if let Some(prefix) = env.var("PREFIX").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(prefix));
    }
    let path = env.var("PATH")?;
    let node = std::env::split_paths(path)
        .map(|dir| dir.join("node"))
        .find(|candidate| candidate.is_file())?;
    let node = std::fs::canonicalize(&node).unwrap_or(node);
    Some(node.parent()?.parent()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::Str(v.to_owned())
    }

    #[test]
    fn each_key_keeps_the_line_that_sets_it() {
        let text = "; comment\r\na=1\r\n\r\n//${HOST}/:_authToken=${T}\n[section]\nb=2\na=3\n";
        let (values, lines) = parse_ini_with_lines(text);
        assert_eq!(
            values.get("a"),
            Some(&s("1")),
            "a section's keys are not npm's"
        );
        assert_eq!(lines.get("a"), Some(&2));
        assert_eq!(lines.get("//${HOST}/:_authToken"), Some(&4));
        assert_eq!(lines.get("b"), None);
        let mut layer = Layer::new(LayerKind::User, None, values).with_lines(lines);
        layer.expand_keys(&|name| (name == "HOST").then(|| "r.example".to_owned()));
        assert_eq!(
            layer.line("//r.example/:_authToken"),
            Some(4),
            "expanded keys too"
        );
        assert_eq!(layer.line("//${HOST}/:_authToken"), None);
    }

    #[test]
    fn parses_comments_quotes_arrays_and_literals() {
        let text = "\
; a comment
# another
registry = https://r.example/prefix/ ; trailing comment
//r.example/prefix/:_authToken=abc=def==
quoted = \"a;b#c\"
single = 'x y'
jsonish = '\"z\"'
escaped = a\\;b\\#c\\d
flag
yes = true
no=false
nothing = null
cidr[] = 10.0.0.0/8
cidr[]=192.0.2.0/24
=novalue
[section]
registry = https://ignored/
";
        let map = parse_ini(text);
        assert!(map["registry"] == s("https://r.example/prefix/"));
        assert!(map["//r.example/prefix/:_authToken"] == s("abc=def=="));
        assert!(map["quoted"] == s("a;b#c"));
        assert!(map["single"] == s("x y"));
        assert!(map["jsonish"] == s("z"));
        assert!(map["escaped"] == s("a;b#c\\d"));
        assert!(map["flag"] == Value::Bool(true));
        assert!(map["yes"] == Value::Bool(true));
        assert!(map["no"] == Value::Bool(false));
        assert!(map["nothing"] == Value::Null);
        assert!(map["cidr"] == Value::List(vec!["10.0.0.0/8".into(), "192.0.2.0/24".into()]));
        assert_eq!(map.len(), 11);
    }

    #[test]
    fn later_plain_keys_win_and_arrays_absorb_plain_values() {
        let map = parse_ini("a=1\na=2\nb=1\nb[]=2\nc[]=1\nc=2\n");
        assert!(map["a"] == s("2"));
        assert!(map["b"] == Value::List(vec!["1".into(), "2".into()]));
        // npm's "safeguard": a plain key after an array appends to it.
        assert!(map["c"] == Value::List(vec!["1".into(), "2".into()]));
    }

    #[test]
    fn crlf_and_garbage_lines_do_not_break_parsing() {
        let map = parse_ini("a=1\r\n\u{0}\u{1}garbage\r\n[unterminated\r\nb = \"unterminated\r\n");
        assert!(map["a"] == s("1"));
        assert!(map["b"] == s("\"unterminated"));
        assert!(map["\u{0}\u{1}garbage"] == Value::Bool(true));
    }

    #[test]
    fn env_replace_follows_npm() {
        let lookup = |name: &str| match name {
            "HOME" => Some("/home/u".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        assert_eq!(env_replace("${HOME}/x", &lookup), "/home/u/x");
        assert_eq!(env_replace("${UNSET}", &lookup), "${UNSET}");
        assert_eq!(env_replace("${UNSET?}", &lookup), "");
        assert_eq!(env_replace("a${EMPTY}b", &lookup), "ab");
        assert_eq!(env_replace("\\${HOME}", &lookup), "${HOME}");
        assert_eq!(env_replace("\\\\${HOME}", &lookup), "\\/home/u");
        assert_eq!(env_replace("${}${HOME", &lookup), "${}${HOME");
        assert_eq!(env_replace("$${HOME}", &lookup), "$/home/u");
        assert_eq!(env_replace("é${HOME}é", &lookup), "é/home/ué");
    }

    #[test]
    fn env_layer_normalises_names_like_npm() {
        let env = Env {
            vars: [
                ("npm_config_fetch_retries", "3"),
                ("NPM_CONFIG_REGISTRY", "http://x/"),
                ("npm_config_//h:1/:_authToken", "t"),
                ("npm_config_json", ""),
                ("npm_config_", "x"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            ..Env::default()
        };
        let layer = env.npm_config_layer();
        assert!(layer.get("fetch-retries") == Some(&s("3")));
        assert!(layer.get("registry") == Some(&s("http://x/")));
        assert!(layer.get("//h:1/:_authToken") == Some(&s("t")));
        assert!(layer.get("json").is_none());
    }

    #[test]
    fn higher_layers_win_and_values_expand_env() {
        let env = Env {
            vars: [("TOKEN".to_owned(), "secret".to_owned())].into(),
            ..Env::default()
        };
        let user = Layer::new(
            LayerKind::User,
            None,
            parse_ini("registry=http://user/\n//h/:_authToken=${TOKEN}\n//${HOSTVAR?}h2/:x=1"),
        );
        let cli = Layer::new(LayerKind::Cli, None, parse_ini("registry=http://cli/"));
        let config = Config::from_layers(vec![cli, user], env);
        assert_eq!(config.get_str("registry").unwrap(), "http://cli/");
        assert_eq!(config.get_str("//h/:_authToken").unwrap(), "secret");
        assert_eq!(config.get_str("//h2/:x").unwrap(), "1");
        assert!(config.get_str("missing").is_none());
    }

    #[test]
    fn keys_expand_when_a_layer_loads() {
        let env = Env {
            vars: [("HOST", "r.example"), ("EMPTY", "")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            ..Env::default()
        };
        let user = Layer::new(
            LayerKind::User,
            None,
            parse_ini(
                "//${HOST}/:_authToken=templated\n\
                 //r.example/:_authToken=written\n\
                 //${HOST}/a/:_authToken=a\n\
                 //${UNSET}/:_authToken=unset\n\
                 //${UNSET?}h/:_authToken=optional\n\
                 //${EMPTY}e/:_authToken=empty\n\
                 \\${HOST}=escaped\n",
            ),
        );
        let config = Config::from_layers(vec![user], env);
        // The key as written wins over one that expands to it.
        assert_eq!(
            config.get_str("//r.example/:_authToken").unwrap(),
            "written"
        );
        assert_eq!(config.get_str("//r.example/a/:_authToken").unwrap(), "a");
        assert_eq!(config.get_str("//${UNSET}/:_authToken").unwrap(), "unset");
        assert_eq!(config.get_str("//h/:_authToken").unwrap(), "optional");
        assert_eq!(config.get_str("//e/:_authToken").unwrap(), "empty");
        assert_eq!(config.get_str("${HOST}").unwrap(), "escaped");
        // Only expanded keys are left: a lookup of the key as written finds nothing.
        assert!(config.get_str("//${HOST}/a/:_authToken").is_none());
        let mut keys = config.keys();
        keys.sort();
        assert_eq!(
            keys,
            [
                "${HOST}",
                "//${UNSET}/:_authToken",
                "//e/:_authToken",
                "//h/:_authToken",
                "//r.example/:_authToken",
                "//r.example/a/:_authToken",
            ]
        );
        // The file layers, which the unscoped-auth check reads, hold the expanded keys too.
        let user = config.file_layers().next().unwrap();
        assert!(user.get("//h/:_authToken").is_some());
    }

    /// 20 000 `${VAR}`-keyed credentials load and resolve, each a map lookup: expanding every
    /// key on every lookup made this quadratic (some 19 s).
    #[test]
    fn many_templated_credentials_resolve() {
        let home = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for n in 0..20_000 {
            text.push_str(&format!(
                "//${{HOST}}/scope{n}/:_authToken=${{TOKEN}}-{n}\n"
            ));
        }
        std::fs::write(home.path().join(".npmrc"), text).unwrap();
        let env = Env {
            vars: [("HOST", "r.example:8443"), ("TOKEN", "npm_tok")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            cwd: home.path().to_owned(),
            home: Some(home.path().to_owned()),
        };
        let mut warnings = Vec::new();
        let cli = Layer::new(LayerKind::Cli, None, BTreeMap::new());
        let config = Config::load(cli, &env, &mut warnings);
        assert!(warnings.is_empty());
        // What the credential collection does: every key, then each credential's value.
        let resolved = config
            .keys()
            .iter()
            .filter(|k| k.starts_with("//") && k.ends_with(":_authToken"))
            .filter_map(|k| config.get_str(k))
            .count();
        assert_eq!(resolved, 20_000);
        let url = reqwest::Url::parse("https://r.example:8443/scope12345/-/npm/v1/tokens").unwrap();
        let token = crate::registry::nerf_dart_walk(&url)
            .find_map(|dart| config.get_str(&format!("{dart}:_authToken")))
            .unwrap();
        assert_eq!(token, "npm_tok-12345");
    }

    #[test]
    fn project_dir_is_nearest_package_root() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(tmp.path().join("a/package.json"), "{}").unwrap();
        assert_eq!(find_project_dir(&deep), tmp.path().join("a"));
        let lonely = tempfile::tempdir().unwrap();
        assert_eq!(find_project_dir(lonely.path()), lonely.path());
    }
}
