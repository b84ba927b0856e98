//! The configuration file: finding it, reading it, validating every key with the
//! file and line of each problem, inheritance (repository ← group ← built-in
//! defaults, lists merged), `${VARIABLE}` expansion and password sources.
//! It knows nothing of rustic_core: the engine receives a resolved `RepoConfig`.

pub mod edit;
pub mod fields;
pub mod keyring;
mod locate;
pub mod permissions;
pub mod schema;
pub mod secrets;
pub mod settings;
pub mod setup;
mod template;
mod vars;
pub mod when;

use std::{
    collections::BTreeMap,
    fmt,
    path::{Path, PathBuf},
};

use serde::{Serialize, de::DeserializeOwned};
use toml::Value;

pub use locate::{
    CONFIG_ENV, default_repository_path, find_config, log_dir, runtime_dir, state_dir,
    system_config_path, user_config_path,
};
pub use schema::{
    BackupSettings, ByteSize, Compression, HumanDuration, RepoSettings, RetentionSettings,
    ScheduleSettings, Section,
};
pub use secrets::{PasswordSource, Secret};
pub use template::{InitOutcome, default_paths, write_default_config};
pub use vars::Variables;
pub use when::When;

pub use crate::error::ConfigError;
use crate::error::{Error, Result};

/// The built-in defaults every group and repository inherits from.
const DEFAULTS: &str = include_str!("../../../../assets/defaults.toml");

/// The built-in defaults every group and repository inherits.
pub fn defaults_table() -> toml::Table {
    DEFAULTS.parse().unwrap_or_default()
}

/// Keys of a section that hold tables checked on their own.
const SUBTABLES: &[&str] = &[
    "backup",
    "repo",
    "retention",
    "monitoring",
    "schedule",
    "backend-options",
];
/// Keys that choose a password; a repository that sets one replaces its group's.
pub const PASSWORD_KEYS: &[&str] = &[
    "password",
    "password-file",
    "password-command",
    "password-keyring",
    "password-env",
];

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "from", content = "name")]
pub enum Layer {
    /// The built-in defaults.
    Default,
    /// Inherited from this group.
    Group(String),
    /// Set in the repository itself.
    Own,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::Default => f.write_str("default"),
            Layer::Group(g) => write!(f, "group {g}"),
            Layer::Own => f.write_str("own"),
        }
    }
}

/// A repository's settings after inheritance and variable expansion.
#[derive(Debug, Clone)]
pub struct RepoConfig {
    pub name: String,
    pub group: Option<String>,
    pub uri: String,
    pub fallback_uris: Vec<String>,
    pub password: PasswordSource,
    pub backend_options: BTreeMap<String, String>,
    pub backup: BackupSettings,
    pub repo: RepoSettings,
    pub retention: RetentionSettings,
    pub monitoring: schema::MonitoringSettings,
    pub schedule: ScheduleSettings,
    pub permissions: permissions::Permission,
    /// The machine identity these settings were expanded with.
    pub variables: Variables,
    /// Dotted key → the layers its value came from (several for merged lists).
    pub origins: BTreeMap<String, Vec<Layer>>,
    /// The effective settings as TOML (for `config show`).
    pub effective: toml::Table,
}

/// One line of `config show`: a key, its value (secrets masked) and its origin.
#[derive(Debug, Clone, Serialize)]
pub struct ShownSetting {
    pub key: String,
    pub value: serde_json::Value,
    pub origin: Vec<Layer>,
}

impl RepoConfig {
    /// The effective settings with every secret masked and each value's origin.
    pub fn shown(&self) -> Vec<ShownSetting> {
        let mut out = Vec::new();
        flatten(&self.effective, "", &mut |key, value| {
            let masked = mask_setting(key, value);
            out.push(ShownSetting {
                key: key.to_string(),
                value: toml_to_json(&masked),
                origin: self.origins.get(key).cloned().unwrap_or_default(),
            });
        });
        out
    }

    /// The host recorded in snapshots: `backup.host`, else the machine id.
    pub fn host(&self) -> String {
        self.backup
            .host
            .clone()
            .or_else(|| self.variables.0.get("MACHINE_ID").cloned())
            .unwrap_or_default()
    }
}

fn mask_setting(key: &str, value: &Value) -> Value {
    let last = key.rsplit('.').next().unwrap_or(key);
    let in_backend = key.starts_with("backend-options.");
    if key == "password" || (in_backend && secrets::is_secret_key(last)) {
        return Value::String("***".into());
    }
    if key == "uri"
        && let Value::String(s) = value
    {
        return Value::String(secrets::mask_uri(s));
    }
    if key == "fallback-uris"
        && let Value::Array(a) = value
    {
        return Value::Array(
            a.iter()
                .map(|v| match v {
                    Value::String(s) => Value::String(secrets::mask_uri(s)),
                    other => other.clone(),
                })
                .collect(),
        );
    }
    value.clone()
}

fn toml_to_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Calls `f` for every non-table value with its dotted key.
fn flatten(table: &toml::Table, prefix: &str, f: &mut dyn FnMut(&str, &Value)) {
    for (k, v) in table {
        let key = join(prefix, k);
        match v {
            Value::Table(t) => flatten(t, &key, f),
            other => f(&key, other),
        }
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// A loaded, validated configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    text: String,
    raw: toml::Table,
    owner_only: bool,
}

impl Config {
    /// Reads and validates `path`. Every problem found is returned at once.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(vec![ConfigError {
                file: path.to_path_buf(),
                line: None,
                key: String::new(),
                message: crate::t!("config-unreadable-file", cause = e.to_string()),
            }])
        })?;
        let meta =
            std::fs::metadata(path).map_err(|e| Error::io(crate::t!("io-reading"), path, e))?;
        Self::from_text(path, text, secrets::owner_only(&meta))
    }

    /// Validates configuration text as if read from `path`.
    pub fn from_text(path: &Path, text: String, owner_only: bool) -> Result<Self> {
        let raw = match text.parse::<toml::Table>() {
            Ok(t) => t,
            Err(e) => {
                return Err(Error::Config(vec![ConfigError {
                    file: path.to_path_buf(),
                    line: e.span().map(|s| line_of_offset(&text, s.start)),
                    key: String::new(),
                    message: crate::t!("config-not-toml", cause = e.message().trim()),
                }]));
            }
        };
        let config = Config {
            path: path.to_path_buf(),
            text,
            raw,
            owner_only,
        };
        let mut errors = Vec::new();
        config.validate_structure(&mut errors);
        if errors.is_empty() {
            for name in config.repo_names() {
                if let Err(Error::Config(e)) = config.repo(&name) {
                    errors.extend(e);
                }
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(Error::Config(errors))
        }
    }

    /// Uses the language the configuration asks for (`[desktop] language`), unless
    /// `$NPBACKUP_LOCALE` says otherwise (see `i18n::choose`).
    pub fn apply_language(&self) {
        crate::i18n::init(self.desktop().language.map(schema::Language::code));
    }

    /// The desktop app's settings (defaults where unset; the file was validated at load).
    pub fn desktop(&self) -> schema::Desktop {
        table_at(&self.raw, "desktop")
            .and_then(|t| Value::Table(t.clone()).try_into::<schema::Desktop>().ok())
            .unwrap_or_default()
    }

    /// The web interface's settings and accounts (validated at load).
    pub fn web(&self) -> schema::Web {
        table_at(&self.raw, "web")
            .and_then(|t| Value::Table(t.clone()).try_into::<schema::Web>().ok())
            .unwrap_or_default()
    }

    /// The upgrade settings (defaults where unset; validated at load).
    pub fn upgrade(&self) -> schema::Upgrade {
        table_at(&self.raw, "upgrade")
            .and_then(|t| Value::Table(t.clone()).try_into::<schema::Upgrade>().ok())
            .unwrap_or_default()
    }

    /// This machine's id and group, as `[identity]` makes them (variables expanded).
    pub fn machine_identity(&self) -> (String, String) {
        let mut errors = Vec::new();
        let vars = self.variables("", None, &mut errors);
        let get = |k: &str| vars.0.get(k).cloned().unwrap_or_default();
        (get("MACHINE_ID"), get("MACHINE_GROUP"))
    }

    /// Whether only the file's owner can read it.
    pub fn owner_only(&self) -> bool {
        self.owner_only
    }

    /// The argon2 hash of the manager password, when one is set.
    pub fn manager_password_hash(&self) -> Option<String> {
        table_at(&self.raw, "security")
            .and_then(|t| t.get("manager-password-hash"))
            .and_then(Value::as_str)
            .filter(|h| !h.is_empty())
            .map(str::to_string)
    }

    /// The configured repositories, in file order of their names (sorted).
    pub fn repo_names(&self) -> Vec<String> {
        table_at(&self.raw, "repos")
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The configured groups.
    pub fn group_names(&self) -> Vec<String> {
        table_at(&self.raw, "groups")
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The repository to use when none is named: the only one, or one named "default".
    pub fn default_repo_name(&self) -> Result<String> {
        let names = self.repo_names();
        match names.as_slice() {
            [] => Err(Error::Usage(crate::t!(
                "config-no-repository",
                file = self.path.display().to_string()
            ))),
            [one] => Ok(one.clone()),
            many if many.iter().any(|n| n == "default") => Ok("default".into()),
            many => Err(Error::Usage(crate::t!(
                "config-several-repositories",
                file = self.path.display().to_string(),
                names = many.join(", ")
            ))),
        }
    }

    /// The effective settings of repository `name`.
    pub fn repo(&self, name: &str) -> Result<RepoConfig> {
        let Some(own) = table_at(&self.raw, "repos")
            .and_then(|t| t.get(name))
            .and_then(Value::as_table)
        else {
            return Err(Error::Usage(crate::t!(
                "config-unknown-repository",
                name = name,
                file = self.path.display().to_string(),
                known = self.repo_names().join(", ")
            )));
        };
        let mut errors = Vec::new();
        let group = own.get("group").and_then(Value::as_str).map(str::to_string);

        let defaults: toml::Table = DEFAULTS.parse().map_err(|e: toml::de::Error| {
            Error::Usage(crate::t!("config-defaults-broken", cause = e.to_string()))
        })?;
        let mut merged = toml::Table::new();
        let mut origins = BTreeMap::new();
        merge_into(&mut merged, &defaults, &Layer::Default, "", &mut origins);
        if let Some(g) = &group {
            match table_at(&self.raw, "groups")
                .and_then(|t| t.get(g))
                .and_then(Value::as_table)
            {
                Some(gt) => merge_into(&mut merged, gt, &Layer::Group(g.clone()), "", &mut origins),
                None => errors.push(self.error(
                    &["repos", name, "group"],
                    crate::t!(
                        "config-unknown-group",
                        group = g.as_str(),
                        known = self.group_names().join(", ")
                    ),
                )),
            }
        }
        if PASSWORD_KEYS.iter().any(|k| own.contains_key(*k)) {
            for k in PASSWORD_KEYS {
                merged.remove(*k);
                origins.remove(*k);
            }
        }
        merge_into(&mut merged, own, &Layer::Own, "", &mut origins);

        let variables = self.variables(name, group.as_deref(), &mut errors);
        expand_all(&mut merged, "", &variables, &mut |key, msg| {
            errors.push(self.error_at_origin(name, &origins, key, msg));
        });

        let section: Section = match Value::Table(merged.clone()).try_into() {
            Ok(s) => s,
            Err(e) => {
                return Err(Error::Config(vec![
                    self.error(&["repos", name], e.message().to_string()),
                ]));
            }
        };

        let uri = match section.uri.clone() {
            Some(u) if !u.trim().is_empty() => u,
            _ => {
                errors.push(self.error(&["repos", name], crate::t!("config-no-uri")));
                String::new()
            }
        };
        let password = self.password_source(name, &section, &origins, &mut errors);
        if !errors.is_empty() {
            return Err(Error::Config(errors));
        }
        Ok(RepoConfig {
            name: name.to_string(),
            group,
            uri,
            fallback_uris: section.fallback_uris.clone().unwrap_or_default(),
            password,
            backend_options: section
                .backend_options
                .clone()
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.0))
                .collect(),
            backup: section.backup.clone().unwrap_or_default(),
            repo: section.repo.clone().unwrap_or_default(),
            retention: section.retention.clone().unwrap_or_default(),
            monitoring: section.monitoring.clone().unwrap_or_default(),
            schedule: section.schedule.clone().unwrap_or_default(),
            permissions: section.permissions.unwrap_or_default(),
            variables,
            origins,
            effective: merged,
        })
    }

    fn password_source(
        &self,
        name: &str,
        section: &Section,
        origins: &BTreeMap<String, Vec<Layer>>,
        errors: &mut Vec<ConfigError>,
    ) -> PasswordSource {
        let mut sources = Vec::new();
        if let Some(p) = &section.password {
            sources.push(("password", PasswordSource::Inline(Secret::new(p.clone()))));
        }
        if let Some(p) = &section.password_file {
            sources.push(("password-file", PasswordSource::File(p.clone())));
        }
        if let Some(c) = &section.password_command {
            sources.push(("password-command", PasswordSource::Command(c.clone())));
        }
        if let Some(v) = &section.password_env {
            sources.push(("password-env", PasswordSource::Env(v.clone())));
        }
        if let Some(k) = &section.password_keyring {
            sources.push(("password-keyring", PasswordSource::Keyring(k.clone())));
        }
        if sources.len() > 1 {
            let keys: Vec<_> = sources.iter().map(|(k, _)| *k).collect();
            errors.push(self.error(
                &["repos", name],
                crate::t!("config-several-password-sources", keys = keys.join(", ")),
            ));
            return PasswordSource::Missing;
        }
        let Some((key, source)) = sources.pop() else {
            return PasswordSource::Missing;
        };
        match &source {
            PasswordSource::Inline(_) if !self.owner_only => errors.push(self.error_at_origin(
                name,
                origins,
                key,
                crate::t!(
                    "config-inline-password-unsafe",
                    file = self.path.display().to_string()
                ),
            )),
            PasswordSource::File(p) => {
                if let Err(e) = std::fs::File::open(p) {
                    errors.push(self.error_at_origin(
                        name,
                        origins,
                        key,
                        crate::t!(
                            "config-password-file-unreadable",
                            path = p.display().to_string(),
                            cause = e.to_string()
                        ),
                    ));
                }
            }
            _ => {}
        }
        source
    }

    /// The variables for repository `name`.
    fn variables(
        &self,
        repo: &str,
        group: Option<&str>,
        errors: &mut Vec<ConfigError>,
    ) -> Variables {
        let hostname = gethostname::gethostname().to_string_lossy().to_string();
        let mut vars = Variables::default();
        vars.0.insert("HOSTNAME", hostname.clone());
        let identity = table_at(&self.raw, "identity");
        let mut get = |key: &str, default: &str| -> String {
            let raw = identity
                .and_then(|t| t.get(key))
                .and_then(Value::as_str)
                .unwrap_or(default);
            match vars.expand(raw) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(self.error(&["identity", key], e));
                    String::new()
                }
            }
        };
        let machine_id = get("machine-id", "${HOSTNAME}");
        let machine_group = get("machine-group", "");
        let tenant = get("tenant", "");
        vars.0.insert("MACHINE_ID", machine_id);
        vars.0.insert("MACHINE_GROUP", machine_group);
        vars.0.insert("TENANT", tenant);
        // the release audience ([upgrade] audience), a label of every metric as in the original
        let audience = table_at(&self.raw, "upgrade")
            .and_then(|t| t.get("audience"))
            .and_then(Value::as_str)
            .unwrap_or("public")
            .to_string();
        vars.0.insert("AUDIENCE", audience);
        vars.0.insert("REPO_NAME", repo.to_string());
        vars.0
            .insert("REPO_GROUP", group.unwrap_or_default().to_string());
        vars
    }

    /// Checks every table and key against the schema, collecting all problems.
    fn validate_structure(&self, errors: &mut Vec<ConfigError>) {
        self.check_keys::<schema::ConfigFile>(
            &self.raw,
            &[],
            &[
                "identity", "desktop", "security", "web", "upgrade", "groups", "repos",
            ],
            errors,
        );
        match self.raw.get("security") {
            Some(Value::Table(t)) => {
                self.check_keys::<schema::Security>(t, &["security"], &[], errors);
                if let Some(h) = t.get("manager-password-hash").and_then(Value::as_str)
                    && argon2::PasswordHash::new(h).is_err()
                {
                    errors.push(self.error(
                        &["security", "manager-password-hash"],
                        crate::t!("config-not-argon2"),
                    ));
                }
            }
            Some(_) => errors.push(self.error(
                &["security"],
                crate::t!("config-must-be-table", table = "[security]"),
            )),
            None => {}
        }
        match self.raw.get("web") {
            Some(Value::Table(t)) => {
                self.check_keys::<schema::Web>(t, &["web"], &["users", "tokens"], errors);
                for kind in ["users", "tokens"] {
                    match t.get(kind) {
                        Some(Value::Table(accounts)) => {
                            self.check_keys::<BTreeMap<String, schema::WebAccount>>(
                                accounts,
                                &["web", kind],
                                &[],
                                errors,
                            );
                            if kind == "users" {
                                for (name, account) in accounts {
                                    if let Some(h) = account.get("hash").and_then(Value::as_str)
                                        && argon2::PasswordHash::new(h).is_err()
                                    {
                                        errors.push(self.error(
                                            &["web", kind, name, "hash"],
                                            crate::t!("config-web-user-not-argon2", user = name),
                                        ));
                                    }
                                }
                            }
                        }
                        Some(_) => errors.push(self.error(
                            &["web", kind],
                            crate::t!(
                                "config-must-be-tables",
                                table = format!("[web.{kind}.NAME]")
                            ),
                        )),
                        None => {}
                    }
                }
            }
            Some(_) => errors
                .push(self.error(&["web"], crate::t!("config-must-be-table", table = "[web]"))),
            None => {}
        }
        match self.raw.get("upgrade") {
            Some(Value::Table(t)) => {
                self.check_keys::<schema::Upgrade>(t, &["upgrade"], &[], errors);
                if let Some(w) = t.get("window").and_then(Value::as_str)
                    && let Err(e) = schema::parse_window(w)
                {
                    errors.push(self.error(&["upgrade", "window"], e));
                }
            }
            Some(_) => errors.push(self.error(
                &["upgrade"],
                crate::t!("config-must-be-table", table = "[upgrade]"),
            )),
            None => {}
        }
        match self.raw.get("identity") {
            Some(Value::Table(t)) => {
                self.check_keys::<schema::Identity>(t, &["identity"], &[], errors)
            }
            Some(_) => errors.push(self.error(
                &["identity"],
                crate::t!("config-must-be-table", table = "[identity]"),
            )),
            None => {}
        }
        match self.raw.get("desktop") {
            Some(Value::Table(t)) => {
                self.check_keys::<schema::Desktop>(t, &["desktop"], &[], errors)
            }
            Some(_) => errors.push(self.error(
                &["desktop"],
                crate::t!("config-must-be-table", table = "[desktop]"),
            )),
            None => {}
        }
        for kind in ["groups", "repos"] {
            let Some(value) = self.raw.get(kind) else {
                continue;
            };
            let Some(sections) = value.as_table() else {
                errors.push(self.error(
                    &[kind],
                    crate::t!("config-must-be-tables", table = format!("[{kind}.NAME]")),
                ));
                continue;
            };
            for (name, section) in sections {
                let path = [kind, name.as_str()];
                let Some(section) = section.as_table() else {
                    errors.push(self.error(
                        &path,
                        crate::t!("config-must-be-table", table = format!("[{kind}.{name}]")),
                    ));
                    continue;
                };
                self.check_keys::<Section>(section, &path, SUBTABLES, errors);
                if kind == "groups" && section.contains_key("group") {
                    errors.push(self.error(
                        &["groups", name, "group"],
                        crate::t!("config-group-in-group"),
                    ));
                }
                for sub in SUBTABLES {
                    let sub_path = [kind, name.as_str(), sub];
                    match section.get(*sub) {
                        None => {}
                        Some(Value::Table(t)) => match *sub {
                            "backup" => {
                                self.check_keys::<BackupSettings>(t, &sub_path, &[], errors)
                            }
                            "repo" => self.check_keys::<RepoSettings>(t, &sub_path, &[], errors),
                            "retention" => {
                                self.check_keys::<RetentionSettings>(t, &sub_path, &[], errors)
                            }
                            "monitoring" => self.check_keys::<schema::MonitoringSettings>(
                                t,
                                &sub_path,
                                &[],
                                errors,
                            ),
                            "schedule" => {
                                self.check_keys::<ScheduleSettings>(t, &sub_path, &[], errors)
                            }
                            _ => self.check_keys::<BTreeMap<String, schema::Scalar>>(
                                t,
                                &sub_path,
                                &[],
                                errors,
                            ),
                        },
                        Some(_) => errors.push(self.error(
                            &sub_path,
                            crate::t!(
                                "config-must-be-table",
                                table = format!("[{kind}.{name}.{sub}]")
                            ),
                        )),
                    }
                }
            }
        }
    }

    /// Deserialises each key of `table` on its own into `T`, so that every unknown
    /// key and every wrong type is reported, not only the first.
    fn check_keys<T: DeserializeOwned>(
        &self,
        table: &toml::Table,
        path: &[&str],
        skip: &[&str],
        errors: &mut Vec<ConfigError>,
    ) {
        for (key, value) in table {
            if skip.contains(&key.as_str()) {
                continue;
            }
            let mut one = toml::Table::new();
            one.insert(key.clone(), value.clone());
            if let Err(e) = Value::Table(one).try_into::<T>() {
                let mut p = path.to_vec();
                p.push(key);
                errors.push(self.error(&p, explain(e.message())));
            }
        }
    }

    fn error(&self, path: &[&str], message: String) -> ConfigError {
        ConfigError {
            file: self.path.clone(),
            line: self.line_of(path),
            key: path.join("."),
            message,
        }
    }

    /// Locates an error in a repository's effective setting at the layer it came from.
    fn error_at_origin(
        &self,
        repo: &str,
        origins: &BTreeMap<String, Vec<Layer>>,
        key: &str,
        message: String,
    ) -> ConfigError {
        let layer = origins
            .get(key)
            .and_then(|l| l.last())
            .cloned()
            .unwrap_or(Layer::Own);
        let mut path: Vec<String> = match &layer {
            Layer::Own => vec!["repos".into(), repo.into()],
            Layer::Group(g) => vec!["groups".into(), g.clone()],
            Layer::Default => {
                return ConfigError {
                    file: PathBuf::from(crate::t!("config-built-in-defaults")),
                    line: None,
                    key: key.to_string(),
                    message,
                };
            }
        };
        path.extend(key.split('.').map(str::to_string));
        let refs: Vec<&str> = path.iter().map(String::as_str).collect();
        self.error(&refs, message)
    }

    /// The 1-based line of the key at `path`, or of its closest located parent.
    fn line_of(&self, path: &[&str]) -> Option<usize> {
        let doc = toml_edit::Document::parse(self.text.as_str()).ok()?;
        let mut table: &dyn toml_edit::TableLike = doc.as_table();
        let mut best = None;
        for (i, part) in path.iter().enumerate() {
            let Some((key, item)) = table.get_key_value(part) else {
                break;
            };
            if let Some(span) = key.span().or_else(|| item.span()) {
                best = Some(span.start);
            }
            if i + 1 == path.len() {
                break;
            }
            match item.as_table_like() {
                Some(t) => table = t,
                None => break,
            }
        }
        best.map(|offset| line_of_offset(&self.text, offset))
    }
}

/// Turns serde's wording into advice, in the reader's language where we know the
/// sentence ("unknown field `x`, expected one of `a`, `b`"); other wordings of
/// serde and toml are quoted as they are.
fn explain(message: &str) -> String {
    let m = message.trim();
    let Some((key, rest)) = m
        .strip_prefix("unknown field `")
        .and_then(|r| r.split_once('`'))
    else {
        return m.to_string();
    };
    // "…, expected one of `a`, `b`", "…, expected `a` or `b`", "…, there are no fields"
    let expected: Vec<String> = match rest.split_once("expected") {
        Some((_, list)) => list
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|k| format!("`{k}`"))
            .collect(),
        None => Vec::new(),
    };
    crate::t!(
        "config-unknown-key",
        serde = m,
        key = key,
        expected = if expected.is_empty() {
            crate::t!("config-unknown-key-no-fields")
        } else {
            expected.join(", ")
        }
    )
}

fn table_at<'a>(t: &'a toml::Table, key: &str) -> Option<&'a toml::Table> {
    t.get(key).and_then(Value::as_table)
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Merges `layer` over `base`: tables recursively, arrays concatenated without
/// duplicates (order kept), anything else replaced. Records where values came from.
fn merge_into(
    base: &mut toml::Table,
    layer: &toml::Table,
    who: &Layer,
    prefix: &str,
    origins: &mut BTreeMap<String, Vec<Layer>>,
) {
    for (k, v) in layer {
        if prefix.is_empty() && k == "group" {
            continue;
        }
        let key = join(prefix, k);
        match (base.get_mut(k), v) {
            (Some(Value::Table(bt)), Value::Table(lt)) => merge_into(bt, lt, who, &key, origins),
            (Some(Value::Array(ba)), Value::Array(la)) => {
                for item in la {
                    if !ba.contains(item) {
                        ba.push(item.clone());
                    }
                }
                origins.entry(key).or_default().push(who.clone());
            }
            _ => {
                base.insert(k.clone(), v.clone());
                match v {
                    Value::Table(t) => flatten(t, &key, &mut |leaf, _| {
                        origins.insert(leaf.to_string(), vec![who.clone()]);
                    }),
                    _ => {
                        origins.insert(key, vec![who.clone()]);
                    }
                }
            }
        }
    }
}

/// Expands `${VARIABLES}` in every string except an inline password.
fn expand_all(
    table: &mut toml::Table,
    prefix: &str,
    vars: &Variables,
    on_error: &mut dyn FnMut(&str, String),
) {
    for (k, v) in table.iter_mut() {
        let key = join(prefix, k);
        if key == "password" {
            continue;
        }
        expand_value(v, &key, vars, on_error);
    }
}

fn expand_value(
    v: &mut Value,
    key: &str,
    vars: &Variables,
    on_error: &mut dyn FnMut(&str, String),
) {
    match v {
        Value::String(s) => match vars.expand(s) {
            Ok(x) => *s = x,
            Err(e) => on_error(key, e),
        },
        Value::Array(a) => a
            .iter_mut()
            .for_each(|x| expand_value(x, key, vars, on_error)),
        Value::Table(t) => expand_all(t, key, vars, on_error),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
