//! An NPBackup 3 configuration, key by key, into ours. Groups stay groups and
//! repositories stay repositories (ours inherit as the original's do: a value set
//! wins, lists merge); where the original's "not set" means something else than our
//! built-in default, the value it meant is written. Every key read is reported:
//! mapped to what, or dropped and why.

use std::path::{Path, PathBuf};

use serde::Serialize;
use toml_edit::{Array, DocumentMut, Item, Table, value};

use crate::{
    crypt::{self, Keys, PyValue},
    size,
    yaml::Node,
};

/// What became of one key of the original's file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The original's dotted path (`repos.default.backup_opts.paths`).
    pub key: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Outcome {
    /// Written as `to` (our dotted key, or several, comma-separated).
    Mapped {
        to: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A secret, decrypted and moved to `to` (a keyring entry or an owner-only file).
    Secret { to: String },
    /// Not carried over.
    Dropped { why: String },
    /// Read and checked; nothing to write (a version, the audience, a value equal to ours).
    Checked { note: String },
}

/// Where a secret goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretHome {
    /// The OS keyring (repository passwords and backend secrets); other secrets
    /// (push gateway, SMTP, upgrades) have only file settings and go to `files`.
    Keyring { files: PathBuf },
    /// Owner-only files in this folder.
    Folder(PathBuf),
}

/// A secret to store before the configuration is written.
#[derive(Clone)]
pub struct PlannedSecret {
    /// The original's key it came from.
    pub from: String,
    pub place: Placement,
    pub value: String,
}

impl std::fmt::Debug for PlannedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlannedSecret")
            .field("from", &self.from)
            .field("place", &self.place)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    Keyring(String),
    File(PathBuf),
}

impl Placement {
    pub fn describe(&self) -> String {
        match self {
            Placement::Keyring(k) => format!("keyring entry {k}"),
            Placement::File(p) => format!("file {}", p.display()),
        }
    }
}

/// The original's bundled exclude lists, embedded; written beside the imported
/// configuration when it names them (`excludes/NAME`).
pub const BUNDLED_EXCLUDES: &[(&str, &str)] = &[
    (
        "generic_excluded_extensions",
        include_str!("../../../assets/excludes/generic_excluded_extensions"),
    ),
    (
        "generic_excludes",
        include_str!("../../../assets/excludes/generic_excludes"),
    ),
    (
        "linux_excludes",
        include_str!("../../../assets/excludes/linux_excludes"),
    ),
    (
        "synology_excludes",
        include_str!("../../../assets/excludes/synology_excludes"),
    ),
    (
        "windows_excludes",
        include_str!("../../../assets/excludes/windows_excludes"),
    ),
    (
        "windows_program",
        include_str!("../../../assets/excludes/windows_program"),
    ),
];

pub(crate) struct Mapper<'a> {
    pub root: &'a Node,
    pub keys: &'a Keys,
    pub secrets_home: &'a SecretHome,
    pub excludes_dir: &'a Path,
    pub doc: DocumentMut,
    pub report: Vec<Entry>,
    pub secrets: Vec<PlannedSecret>,
    pub excludes: Vec<(PathBuf, &'static str)>,
    /// Values that did not decrypt: (key, why).
    pub undecryptable: Vec<(String, String)>,
    manager_password: Option<(String, String)>,
    /// With a seed, `${RANDOM}` is derived from it (the same each time the same file
    /// is read in memory); without, drawn.
    random_seed: Option<String>,
    randoms: u64,
}

fn join(a: &str, b: &str) -> String {
    format!("{a}.{b}")
}

/// `dotted` in `table`, created as needed (sub-tables are implicit, so the file
/// reads `[repos.x.backup]` without an empty `[repos.x]` above).
fn set(table: &mut Table, dotted: &str, v: impl Into<Item>) {
    let mut parts: Vec<&str> = dotted.split('.').collect();
    let last = parts.pop().unwrap_or(dotted);
    let mut t = table;
    for p in parts {
        let entry = t.entry(p).or_insert_with(|| {
            let mut nt = Table::new();
            nt.set_implicit(true);
            Item::Table(nt)
        });
        if !entry.is_table() {
            *entry = Item::Table(Table::new());
        }
        t = match entry.as_table_mut() {
            Some(t) => t,
            None => return,
        };
    }
    t.insert(last, v.into());
}

/// `monitoring.labels.NAME = value`, whatever characters NAME has.
fn label(t: &mut Table, name: &str, v: String) {
    set(t, "monitoring.labels._", "");
    if let Some(labels) = t
        .get_mut("monitoring")
        .and_then(|m| m.get_mut("labels"))
        .and_then(Item::as_table_mut)
    {
        labels.remove("_");
        labels.insert(name, value(v));
    }
}

fn string_list(items: &[String]) -> Item {
    let mut a = Array::new();
    for i in items {
        a.push(i.as_str());
    }
    value(a)
}

/// A list value, or a scalar as a one-item list (the original's `_make_struct`).
fn as_list(n: &Node) -> Vec<Node> {
    match n {
        Node::List(items) => items.clone(),
        Node::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// "N minutes" as our durations read it.
fn minutes(n: f64) -> String {
    let secs = (n * 60.0).round() as u64;
    if secs.is_multiple_of(60) {
        format!("{}min", secs / 60)
    } else {
        format!("{secs}s")
    }
}

fn number(n: &Node) -> Option<f64> {
    match n {
        Node::Int(i) => Some(*i as f64),
        Node::Float(f) => f.parse().ok(),
        Node::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl<'a> Mapper<'a> {
    pub fn new(
        root: &'a Node,
        keys: &'a Keys,
        secrets_home: &'a SecretHome,
        excludes_dir: &'a Path,
    ) -> Self {
        Mapper {
            root,
            keys,
            secrets_home,
            excludes_dir,
            doc: DocumentMut::new(),
            report: Vec::new(),
            secrets: Vec::new(),
            excludes: Vec::new(),
            undecryptable: Vec::new(),
            manager_password: None,
            random_seed: None,
            randoms: 0,
        }
    }

    fn mapped(&mut self, key: &str, to: &str, note: Option<String>) {
        self.report.push(Entry {
            key: key.into(),
            outcome: Outcome::Mapped {
                to: to.into(),
                note,
            },
        });
    }

    fn dropped(&mut self, key: &str, why: impl Into<String>) {
        self.report.push(Entry {
            key: key.into(),
            outcome: Outcome::Dropped { why: why.into() },
        });
    }

    pub(crate) fn checked(&mut self, key: &str, note: impl Into<String>) {
        self.report.push(Entry {
            key: key.into(),
            outcome: Outcome::Checked { note: note.into() },
        });
    }

    /// The value of an encrypted-capable key: decrypted when it is encrypted (a
    /// failure is collected, the import stops before writing anything).
    fn plain(&mut self, key: &str, n: &Node) -> Option<PyValue> {
        match n {
            Node::Str(s) if crypt::is_encrypted(s) => match crypt::decrypt(s, self.keys) {
                Ok(v) => Some(v),
                Err(e) => {
                    if !self.undecryptable.iter().any(|(k, _)| k == key) {
                        self.undecryptable.push((key.to_string(), e.to_string()));
                    }
                    None
                }
            },
            Node::Null => None,
            Node::Str(s) if s.is_empty() => None,
            Node::Str(s) => Some(PyValue::Str(s.clone())),
            Node::Int(i) => Some(PyValue::Int((*i).into())),
            Node::Float(f) => Some(PyValue::Str(f.clone())),
            Node::Bool(b) => Some(PyValue::Bool(*b)),
            _ => None,
        }
    }

    /// The original's variables in ours: `${MACHINE_TENANT}` is our `${TENANT}`,
    /// `${BACKUP_JOB}` the backup job's value, `${RANDOM}[n]` a random text chosen
    /// once (the original also wrote it back into its file at the first load).
    fn vars(&mut self, s: &str, backup_job: &str) -> String {
        let mut out = s
            .replace("${MACHINE_TENANT}", "${TENANT}")
            .replace("${BACKUP_JOB}", backup_job);
        while let Some(start) = out.find("${RANDOM}[") {
            let rest = &out[start + "${RANDOM}[".len()..];
            let Some(end) = rest.find(']') else { break };
            let n: usize = rest[..end].trim().parse().unwrap_or(1).clamp(1, 64);
            let random = self.random_text(n);
            out = format!("{}{}{}", &out[..start], random, &rest[end + 1..]);
        }
        out
    }

    pub fn with_random_seed(mut self, seed: Option<String>) -> Self {
        self.random_seed = seed;
        self
    }

    /// The original's `random_string(n)`: letters and digits.
    fn random_text(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        self.randoms += 1;
        let mut bytes = vec![0u8; n];
        match &self.random_seed {
            Some(seed) => {
                // FNV-1a of the seed and the occurrence, then xorshift: stable, not secret
                let mut h: u64 = 0xcbf2_9ce4_8422_2325;
                for b in seed.bytes().chain(self.randoms.to_le_bytes()) {
                    h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
                }
                for b in bytes.iter_mut() {
                    h ^= h << 13;
                    h ^= h >> 7;
                    h ^= h << 17;
                    *b = (h >> 24) as u8;
                }
            }
            None => {
                let _ = getrandom::fill(&mut bytes);
            }
        }
        bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect()
    }

    fn secret_file(&self, name: &str) -> PathBuf {
        match self.secrets_home {
            SecretHome::Keyring { files } | SecretHome::Folder(files) => files.join(name),
        }
    }

    /// Plans `value` (from `key`) into the keyring when there is one, else a file.
    /// File names keep only letters, digits, `-` and `_` of `name` (a section's name
    /// is the user's: never a path), and two secrets never share one.
    fn plan_secret(&mut self, key: &str, name: &str, value: String, keyring: bool) -> Placement {
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let place = match self.secrets_home {
            SecretHome::Keyring { .. } if keyring => {
                Placement::Keyring(npbackup_core::config::keyring::new_key(&safe, "imported"))
            }
            _ => {
                let mut file = self.secret_file(&safe);
                let mut n = 2;
                while self
                    .secrets
                    .iter()
                    .any(|s| s.place == Placement::File(file.clone()))
                {
                    file = self.secret_file(&format!("{safe}-{n}"));
                    n += 1;
                }
                Placement::File(file)
            }
        };
        self.secrets.push(PlannedSecret {
            from: key.to_string(),
            place: place.clone(),
            value,
        });
        self.report.push(Entry {
            key: key.to_string(),
            outcome: Outcome::Secret {
                to: place.describe(),
            },
        });
        place
    }

    // ---------------------------------------------------------------- top level

    pub fn run(&mut self) {
        let root = self.root;
        let groups: Vec<String> = root
            .get("groups")
            .entries()
            .iter()
            .map(|(k, _)| k.clone())
            .collect();
        for (k, v) in root.entries() {
            match k.as_str() {
                "conf_version" | "audience" => {} // checked before
                "repos" | "groups" => {
                    for (name, section) in v.entries() {
                        self.section(k, name, section, &groups);
                    }
                }
                "identity" => self.identity(v),
                "global_prometheus" => {} // into every section, below
                "global_email" => {}
                "global_healthchecksio" | "global_webhooks" => {}
                "global_zabbix" => self.dropped(
                    k,
                    "Zabbix is not supported; metrics go to Prometheus (push gateway or textfile), webhooks, health checks and e-mail",
                ),
                "global_options" => self.global_options(v),
                "presets" | "destinations" => self.dropped(
                    k,
                    "templates of the original's configurator; the repositories' own settings are imported",
                ),
                "uuid" => self.dropped(k, "an identifier the original derives from the file's path"),
                other => self.dropped(other, "not a key of NPBackup 3.0 or 3.1"),
            }
        }
        self.report_globals();
        escape_foreign_variables(self.doc.as_table_mut());
        if let Some((from, password)) = self.manager_password.take() {
            let short = password.chars().count() < 8;
            let secret = npbackup_core::config::Secret::new(password);
            match npbackup_core::config::permissions::hash_any_manager_password(&secret) {
                Ok(hash) => {
                    set(
                        self.doc.as_table_mut(),
                        "security.manager-password-hash",
                        hash,
                    );
                    let note = if short {
                        "stored as an argon2 hash, never in clear; it is shorter than the 8 characters asked of new ones: change it with `npbackup-cli permissions manager-password`"
                    } else {
                        "stored as an argon2 hash, never in clear"
                    };
                    self.mapped(&from, "security.manager-password-hash", Some(note.into()));
                }
                Err(e) => self.dropped(
                    &from,
                    format!(
                        "{e}; set a manager password with `npbackup-cli permissions manager-password`"
                    ),
                ),
            }
        }
    }

    fn identity(&mut self, n: &Node) {
        for (k, v) in n.entries() {
            let key = join("identity", k);
            let ours = match k.as_str() {
                "machine_id" => "identity.machine-id",
                "machine_group" => "identity.machine-group",
                "machine_tenant" => "identity.tenant",
                _ => {
                    self.dropped(&key, "not a key of the original's identity");
                    continue;
                }
            };
            let Some(text) = v.scalar().filter(|s| !s.is_empty()) else {
                self.checked(&key, "not set");
                continue;
            };
            let had_random = text.contains("${RANDOM}");
            let text = self.vars(&text, "${MACHINE_ID}");
            set(self.doc.as_table_mut(), ours, text.clone());
            self.mapped(
                &key,
                ours,
                had_random.then(|| {
                    format!("${{RANDOM}} chosen once: \"{text}\" stays this machine's id")
                }),
            );
        }
    }

    fn global_options(&mut self, n: &Node) {
        for (k, v) in n.entries() {
            let key = join("global_options", k);
            match k.as_str() {
                "auto_upgrade" => {
                    set(self.doc.as_table_mut(), "upgrade.auto", v.truthy());
                    self.mapped(&key, "upgrade.auto", Some("the scheduler installs signed releases in its upgrade window".into()));
                }
                "auto_upgrade_server_url" => match v.scalar().filter(|s| !s.is_empty()) {
                    Some(url) => {
                        set(self.doc.as_table_mut(), "upgrade.servers", string_list(std::slice::from_ref(&url)));
                        self.mapped(&key, "upgrade.servers", Some(
                            "upgrades come only from a fleet server that signs them (`npbackup-server release add`); its /npbackup3 routes serve the original's clients".into(),
                        ));
                    }
                    None => self.checked(&key, "not set"),
                },
                "auto_upgrade_server_username" => match self.plain(&key, v).and_then(|p| p.text()) {
                    Some(u) => {
                        set(self.doc.as_table_mut(), "upgrade.username", u);
                        self.mapped(&key, "upgrade.username", Some("a user name, not a secret (the original stopped encrypting it in 3.1)".into()));
                    }
                    None => self.checked(&key, "not set"),
                },
                "auto_upgrade_server_password" => {
                    if let Some(p) = self.plain(&key, v).and_then(|p| p.text()) {
                        let place = self.plan_secret(&key, "upgrade", p, false);
                        if let Placement::File(f) = place {
                            set(self.doc.as_table_mut(), "upgrade.password-file", f.display().to_string());
                        }
                    } else {
                        self.checked(&key, "not set");
                    }
                }
                "auto_upgrade_group" => match v.scalar().filter(|s| !s.is_empty()) {
                    Some(g) => {
                        let g = self.vars(&g, "${MACHINE_ID}");
                        set(self.doc.as_table_mut(), "upgrade.group", g);
                        self.mapped(&key, "upgrade.group", None);
                    }
                    None => self.checked(&key, "not set"),
                },
                "auto_upgrade_host_identity" => self.checked(&key, "a machine is known by [identity] machine-id"),
                "auto_upgrade_percent_chance" | "auto_upgrade_interval" => self.dropped(
                    &key,
                    "the scheduler looks for upgrades every day (`[upgrade] check-every`), staged rollouts are chosen on the server (`release add --percent`)",
                ),
                "full_concurrency" | "repo_aware_concurrency" => self.dropped(
                    &key,
                    "one job writes to a repository at a time, always; different repositories run side by side",
                ),
                _ => self.dropped(&key, "not a key the original reads"),
            }
        }
    }

    /// The global monitoring sections, reported once (they are written into every
    /// group and every repository without one, in `monitoring`).
    fn report_globals(&mut self) {
        let root = self.root;
        let prom = root.get("global_prometheus");
        for (k, _) in prom.entries() {
            let key = join("global_prometheus", k);
            let (to, note): (&str, Option<&str>) = match k.as_str() {
                "metrics" | "enabled" => ("monitoring (of every group)", None),
                "destination" => (
                    "monitoring.push-urls or monitoring.prometheus-textfile-dir",
                    None,
                ),
                "instance" => ("monitoring.instance", None),
                "http_username" => (
                    "monitoring.push-username",
                    Some("a user name, not a secret (the original stopped encrypting it in 3.1)"),
                ),
                "http_password" if prom.get("http_password").is_unset() => {
                    self.checked(&key, "not set");
                    continue;
                }
                // reported as a secret where it is moved, when metrics are on
                "http_password" if prom.get("metrics").truthy() || prom.get("enabled").truthy() => {
                    continue;
                }
                "http_password" => ("monitoring.push-password-file", None),
                "additional_labels" => ("monitoring.labels", None),
                "no_cert_verify" => ("monitoring.push-insecure-tls", None),
                _ => {
                    self.dropped(&key, "not a key the original reads");
                    continue;
                }
            };
            if !prom.get("metrics").truthy() && !prom.get("enabled").truthy() {
                self.checked(&key, "metrics are off in the original's file");
                continue;
            }
            self.mapped(&key, to, note.map(str::to_string));
        }
        let email = root.get("global_email");
        for (k, _) in email.entries() {
            let key = join("global_email", k);
            if !email.get("enable").truthy() && !email.get("enabled").truthy() {
                self.checked(&key, "e-mail is off in the original's file");
                continue;
            }
            match k.as_str() {
                "smtp_password" if email.get("smtp_password").is_unset() => {
                    self.checked(&key, "not set")
                }
                "smtp_password" => {} // reported as a secret where it is moved
                "enable" | "enabled" if email.get("smtp_security").is_unset() => self.mapped(
                    &key,
                    "monitoring.email (of every group)",
                    Some("NPBackup 3.0 sent no mail without smtp_security; mail is sent here, with STARTTLS unless the port is 465 (TLS) or 25 (none)".into()),
                ),
                "instance" => {
                    self.dropped(&key, "the mail names the machine by [identity] machine-id")
                }
                "enable"
                | "enabled"
                | "smtp_server"
                | "smtp_port"
                | "smtp_security"
                | "smtp_username"
                | "sender"
                | "recipients"
                | "on_backup_success"
                | "on_backup_failure"
                | "on_operations_success"
                | "on_operations_failure" => {
                    self.mapped(&key, "monitoring.email (of every group)", None)
                }
                _ => self.dropped(&key, "not a key the original reads"),
            }
        }
        for section in ["global_healthchecksio", "global_webhooks"] {
            let n = root.get(section);
            for (k, _) in n.entries() {
                let key = join(section, k);
                if !n.get("enabled").truthy() {
                    self.checked(&key, "off in the original's file");
                } else if k == "password" || k == "username" {
                    self.dropped(&key, "HTTP authentication of health checks and webhooks is not supported; put a token in the URL")
                } else if k == "destination"
                    && !n.get(k).scalar().is_some_and(|d| d.starts_with("http"))
                {
                    self.dropped(
                        &key,
                        "a webhook into a file is not supported: give an http(s) URL",
                    )
                } else {
                    self.mapped(
                        &key,
                        if section == "global_webhooks" {
                            "monitoring.webhooks"
                        } else {
                            "monitoring.healthchecks-url"
                        },
                        None,
                    )
                }
            }
        }
    }

    /// `monitoring` for one section, from the global sections.
    fn monitoring(&mut self, t: &mut Table, backup_job: &str) {
        let root = self.root;
        let prom = root.get("global_prometheus");
        if prom.get("metrics").truthy() || prom.get("enabled").truthy() {
            if let Some(dest) = prom.get("destination").scalar().filter(|s| !s.is_empty()) {
                let dest = self.vars(&dest, backup_job);
                if dest.starts_with("http") {
                    set(t, "monitoring.push-urls", string_list(&[dest]));
                } else {
                    // the original writes one file; ours writes one per repository and action
                    let dir = Path::new(&dest)
                        .parent()
                        .map(|p| p.display().to_string())
                        .filter(|p| !p.is_empty())
                        .unwrap_or_else(|| ".".into());
                    set(t, "monitoring.prometheus-textfile-dir", dir);
                }
            }
            if let Some(i) = prom.get("instance").scalar().filter(|s| !s.is_empty()) {
                let i = self.vars(&i, backup_job);
                set(t, "monitoring.instance", i);
            }
            if let Some(u) = self
                .plain("global_prometheus.http_username", prom.get("http_username"))
                .and_then(|p| p.text())
            {
                set(t, "monitoring.push-username", u);
            }
            if prom.get("no_cert_verify").truthy() {
                set(t, "monitoring.push-insecure-tls", true);
            }
            if let Node::Map(labels) = prom.get("additional_labels") {
                for (k, v) in labels {
                    if let Some(v) = v.scalar() {
                        let v = self.vars(&v, backup_job);
                        label(t, k, v);
                    }
                }
            }
            if let Some(f) = self.shared_secret(
                "global_prometheus.http_password",
                prom.get("http_password"),
                "push-gateway",
            ) {
                set(t, "monitoring.push-password-file", f);
            }
        }
        let email = root.get("global_email");
        if email.get("enable").truthy() || email.get("enabled").truthy() {
            self.email(t, email);
        }
        let hc = root.get("global_healthchecksio");
        if hc.get("enabled").truthy()
            && let Some(url) = hc.get("url").scalar().filter(|s| !s.is_empty())
        {
            set(t, "monitoring.healthchecks-url", url);
        }
        let wh = root.get("global_webhooks");
        if wh.get("enabled").truthy()
            && let Some(url) = wh
                .get("destination")
                .scalar()
                .filter(|s| s.starts_with("http"))
        {
            let mut hook = Table::new();
            hook.insert("url", value(url));
            if let Some(m) = wh.get("method").scalar() {
                hook.insert("method", value(m.to_uppercase()));
            }
            let mut a = toml_edit::ArrayOfTables::new();
            a.push(hook);
            set(t, "monitoring.webhooks", Item::ArrayOfTables(a));
        }
    }

    /// A secret shared by every section (written once, as a file).
    fn shared_secret(&mut self, key: &str, n: &Node, name: &str) -> Option<String> {
        if let Some(existing) = self.secrets.iter().find(|s| s.from == key) {
            return match &existing.place {
                Placement::File(f) => Some(f.display().to_string()),
                Placement::Keyring(_) => None,
            };
        }
        let p = self.plain(key, n)?.text()?;
        match self.plan_secret(key, name, p, false) {
            Placement::File(f) => Some(f.display().to_string()),
            Placement::Keyring(_) => None,
        }
    }

    fn email(&mut self, t: &mut Table, email: &Node) {
        if let Some(s) = email.get("smtp_server").scalar() {
            set(t, "monitoring.email.smtp-server", s);
        }
        let port = number(email.get("smtp_port")).map(|p| p as i64);
        if let Some(p) = port {
            set(t, "monitoring.email.smtp-port", p);
        }
        // 3.1: None | "ssl" (TLS from the start) | "tls" (STARTTLS); 3.0 has no key
        let security = match email
            .get("smtp_security")
            .scalar()
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            Some("ssl") => "tls",
            Some("none") => "none",
            Some(_) => "starttls",
            None if port == Some(465) => "tls",
            None if port == Some(25) => "none",
            None => "starttls",
        };
        set(t, "monitoring.email.security", security);
        if let Some(u) = self
            .plain("global_email.smtp_username", email.get("smtp_username"))
            .and_then(|p| p.text())
        {
            set(t, "monitoring.email.username", u);
        }
        if let Some(f) = self.shared_secret(
            "global_email.smtp_password",
            email.get("smtp_password"),
            "smtp",
        ) {
            set(t, "monitoring.email.password-file", f);
        }
        if let Some(s) = email.get("sender").scalar() {
            set(t, "monitoring.email.from", s);
        }
        // 3.0: recipients (text or list) and on_* booleans; 3.1: a list per event
        let recipients = email.get("recipients");
        let events = [
            ("on_backup_success", "on-backup-success"),
            ("on_backup_failure", "on-backup-failure"),
            ("on_operations_success", "on-operation-success"),
            ("on_operations_failure", "on-operation-failure"),
        ];
        for (theirs, ours) in events {
            let to: Vec<String> = match recipients {
                Node::Map(_) => as_list(recipients.get(theirs))
                    .iter()
                    .filter_map(Node::scalar)
                    .collect(),
                other => {
                    let all: Vec<String> = as_list(other)
                        .iter()
                        .filter_map(Node::scalar)
                        .flat_map(|s| {
                            s.split([',', ';'])
                                .map(|x| x.trim().to_string())
                                .collect::<Vec<_>>()
                        })
                        .filter(|s| !s.is_empty())
                        .collect();
                    // the original's defaults: successes of backups and failures of all
                    let default = matches!(
                        theirs,
                        "on_backup_success" | "on_backup_failure" | "on_operations_failure"
                    );
                    let on = match email.get(theirs) {
                        Node::Null => default,
                        n => n.truthy(),
                    };
                    if on { all } else { Vec::new() }
                }
            };
            if !to.is_empty() {
                set(t, &format!("monitoring.email.{ours}"), string_list(&to));
            }
        }
    }

    // ------------------------------------------------------------ sections

    fn section(&mut self, kind: &str, name: &str, n: &Node, groups: &[String]) {
        let prefix = format!("{kind}.{name}");
        if name.contains('.') {
            self.dropped(&prefix, "a name with a dot, which the original refuses too");
            return;
        }
        let mut t = Table::new();
        t.set_implicit(true);
        let is_repo = kind == "repos";
        let group_name = is_repo.then(|| n.get("repo_group").scalar()).flatten();
        let group = group_name
            .as_deref()
            .filter(|g| groups.iter().any(|x| x == g))
            .map(|g| self.root.path("groups").get(g));
        // what the repository's backup_opts/repo_opts inherit from its group (null
        // or "" in the repository)
        let inherited = |path: &str| -> Node {
            let own = n.path(path);
            if own.is_unset() {
                group.map(|g| g.path(path).clone()).unwrap_or(Node::Null)
            } else {
                own.clone()
            }
        };
        let backup_job = match inherited("prometheus.backup_job") {
            Node::Null => match inherited("monitoring.backup_job") {
                Node::Null => "${MACHINE_ID}".to_string(),
                v => v.scalar().unwrap_or_default(),
            },
            v => v.scalar().unwrap_or_default(),
        };
        for (k, v) in n.entries() {
            let key = join(&prefix, k);
            match k.as_str() {
                "repo_uri" => self.repo_uri(&key, v, &mut t, name),
                "repo_group" if is_repo => match (&group_name, &group) {
                    (Some(g), Some(_)) => {
                        set(&mut t, "group", g.clone());
                        self.mapped(&key, "group", None);
                    }
                    (Some(g), None) => self.dropped(
                        &key,
                        format!(
                            "no group \"{g}\" in the file: nothing inherited, as in the original"
                        ),
                    ),
                    _ => self.checked(&key, "not set"),
                },
                "permissions" => self.permissions(&key, v.scalar().as_deref(), &mut t),
                "manager_password" => {
                    if let Some(p) = self.plain(&key, v).and_then(|p| p.text()) {
                        self.manager(&key, p);
                    }
                }
                "is_protected" => self.checked(&key, "follows from the manager password"),
                "backup_opts" => {
                    let ci = inherited("backup_opts.excludes_case_ignore").truthy();
                    let source_type = inherited("backup_opts.source_type").scalar();
                    for (bk, bv) in v.entries() {
                        self.backup_opt(
                            &join(&key, bk),
                            bk,
                            bv,
                            &mut t,
                            ci,
                            source_type.as_deref(),
                        );
                    }
                }
                "repo_opts" => {
                    for (rk, rv) in v.entries() {
                        if rk == "retention_policy" {
                            continue;
                        }
                        self.repo_opt(&join(&key, rk), rk, rv, &mut t, name);
                    }
                }
                "prometheus" | "monitoring" => {
                    for (mk, mv) in v.entries() {
                        let mkey = join(&key, mk);
                        let Some(text) = mv.scalar().filter(|s| !s.is_empty()) else {
                            if let Node::Map(labels) = mv {
                                for (lk, lv) in labels {
                                    if let Some(lv) = lv.scalar() {
                                        let lv = self.vars(&lv, &backup_job);
                                        label(&mut t, lk, lv);
                                    }
                                }
                                self.mapped(&mkey, "monitoring.labels", None);
                            } else {
                                self.checked(&mkey, "not set");
                            }
                            continue;
                        };
                        let text = self.vars(&text, "${MACHINE_ID}");
                        let to = match mk.as_str() {
                            "backup_job" => "monitoring.backup-job".to_string(),
                            "instance" => "monitoring.instance".to_string(),
                            "group" => "monitoring.labels.group".to_string(),
                            "tenant" => "monitoring.labels.tenant".to_string(),
                            "http_username" => {
                                if let Some(u) = self.plain(&mkey, mv).and_then(|p| p.text()) {
                                    set(&mut t, "monitoring.push-username", u);
                                    self.mapped(&mkey, "monitoring.push-username", None);
                                }
                                continue;
                            }
                            "http_password" => {
                                if let Some(p) = self.plain(&mkey, mv).and_then(|p| p.text()) {
                                    let place = self.plan_secret(
                                        &mkey,
                                        &format!("{name}-push-gateway"),
                                        p,
                                        false,
                                    );
                                    if let Placement::File(f) = place {
                                        set(
                                            &mut t,
                                            "monitoring.push-password-file",
                                            f.display().to_string(),
                                        );
                                    }
                                }
                                continue;
                            }
                            _ => {
                                self.dropped(&mkey, "not a key the original reads");
                                continue;
                            }
                        };
                        set(&mut t, &to, text);
                        self.mapped(&mkey, &to, None);
                    }
                }
                "env" => self.env(&key, v, &mut t, name),
                "name" | "uuid" | "config_uuid" => {
                    self.dropped(&key, "set by the original when it loads the file")
                }
                _ => self.dropped(&key, "not a key of the original's repositories and groups"),
            }
        }
        // the retention policy: the repository's own merged with its group's, as
        // the original reads it (keep_within changes what every count means, so a
        // repository's policy is written whole)
        let retention_key = format!("{prefix}.repo_opts.retention_policy");
        let own_policy = n.path("repo_opts.retention_policy");
        let effective = if is_repo {
            merged(
                own_policy,
                group.map(|g| g.path("repo_opts.retention_policy")),
            )
        } else {
            own_policy.clone()
        };
        if !effective.entries().is_empty() {
            self.retention(&retention_key, own_policy, &effective, &mut t, is_repo);
        }
        // the original's "not set" where ours differs
        if !is_repo || group.is_none() {
            self.defaults_of_the_original(&mut t, n, group);
            self.monitoring(&mut t, &backup_job);
        }
        // the original evaluates its variables in every value of a repository
        self.translate_variables(&mut t, &backup_job);
        if let Some(tables) = self
            .doc
            .as_table_mut()
            .entry(kind)
            .or_insert_with(|| {
                let mut nt = Table::new();
                nt.set_implicit(true);
                Item::Table(nt)
            })
            .as_table_mut()
        {
            tables.insert(name, Item::Table(t));
        }
    }

    /// `vars` on every text value of a section.
    fn translate_variables(&mut self, t: &mut Table, backup_job: &str) {
        for_each_string(t, &mut |text| {
            if !text.contains("${") {
                return None;
            }
            Some(self.vars(text, backup_job)).filter(|translated| translated != text)
        });
    }

    /// Values the original takes as off or zero when nothing sets them, where our
    /// built-in defaults would say otherwise.
    fn defaults_of_the_original(&mut self, t: &mut Table, n: &Node, group: Option<&Node>) {
        let unset =
            |path: &str| n.path(path).is_unset() && group.is_none_or(|g| g.path(path).is_unset());
        if unset("backup_opts.exclude_caches") {
            set(t, "backup.exclude-caches", false);
        }
        // the original runs post commands after a failed backup too
        if unset("backup_opts.post_exec_execute_even_on_backup_error") {
            set(t, "backup.post-exec-run-on-failure", true);
        }
    }

    fn repo_uri(&mut self, key: &str, v: &Node, t: &mut Table, name: &str) {
        let Some(value) = self.plain(key, v) else {
            if !v.is_unset() {
                return; // undecryptable: collected
            }
            self.checked(key, "not set (inherited from the group)");
            return;
        };
        // a protected repository: (uri, permissions, manager password)
        let (uri, permissions, manager) = match value {
            PyValue::Tuple(items) if items.len() == 3 => {
                (items[0].text(), items[1].text(), items[2].text())
            }
            other => {
                let text = other.text().unwrap_or_default();
                let parts: Vec<String> = text.split(',').map(|s| s.trim().to_string()).collect();
                let permission = ["backup", "restore", "restore_only", "full"];
                if parts.len() == 3 && permission.contains(&parts[1].as_str()) {
                    (
                        Some(parts[0].clone()),
                        Some(parts[1].clone()),
                        Some(parts[2].clone()),
                    )
                } else {
                    (Some(text), None, None)
                }
            }
        };
        if let Some(p) = permissions {
            self.permissions(&format!("{key} (permissions)"), Some(&p), t);
        }
        if let Some(m) = manager.filter(|m| !m.is_empty()) {
            self.manager(&format!("{key} (manager password)"), m);
        }
        let Some(uri) = uri.filter(|u| !u.is_empty()) else {
            self.checked(key, "empty");
            return;
        };
        let uri = self.vars(&uri, "${MACHINE_ID}");
        // a REST account inside the URI: the password goes to the keyring or a file
        if let Some(rest) = uri.strip_prefix("rest:")
            && let Some((scheme, after)) = rest.split_once("://")
            && let Some((userinfo, host)) = after
                .split_once('@')
                .filter(|(userinfo, _)| !userinfo.contains('/'))
            && let Some((user, password)) = userinfo.split_once(':')
        {
            let user = percent_decode(user);
            let clean = format!("rest:{scheme}://{host}");
            set(t, "uri", clean);
            set(t, "backend-options.username", user);
            let password = percent_decode(password);
            match self.plan_secret(
                &format!("{key} (REST password)"),
                &format!("{name}-rest"),
                password,
                true,
            ) {
                Placement::Keyring(k) => set(t, "backend-options.password", format!("keyring:{k}")),
                Placement::File(f) => set(
                    t,
                    "backend-options.password",
                    format!("file:{}", f.display()),
                ),
            }
            self.mapped(
                key,
                "uri, backend-options.username",
                Some("the account's password moved out of the URI".into()),
            );
            return;
        }
        set(t, "uri", uri);
        self.mapped(key, "uri", None);
    }

    fn permissions(&mut self, key: &str, p: Option<&str>, t: &mut Table) {
        let ours = match p {
            Some("backup") => "backup",
            Some("restore") => "restore",
            Some("restore_only") => "restore-only",
            Some("full") | None => {
                self.checked(key, "full (the default)");
                return;
            }
            Some(other) => {
                self.dropped(key, format!("\"{other}\" is not a permission of the original (backup, restore, restore_only, full)"));
                return;
            }
        };
        set(t, "permissions", ours);
        self.mapped(key, "permissions", None);
    }

    fn manager(&mut self, key: &str, password: String) {
        match &self.manager_password {
            None => self.manager_password = Some((key.to_string(), password)),
            Some((_, same)) if *same == password => {
                self.checked(key, "the same manager password as before")
            }
            Some((first, _)) => {
                let first = first.clone();
                self.dropped(key, format!("one manager password guards the whole file here: the one of {first} is kept"))
            }
        }
    }

    fn env(&mut self, key: &str, v: &Node, t: &mut Table, name: &str) {
        // restic's environment variables that are backend settings here
        // (variable, backend option, whether it is a secret)
        const KNOWN: &[(&str, &str, bool)] = &[
            ("AWS_ACCESS_KEY_ID", "access_key_id", false),
            ("AWS_SECRET_ACCESS_KEY", "secret_access_key", true),
            ("AWS_DEFAULT_REGION", "region", false),
            ("AWS_REGION", "region", false),
            ("AWS_SESSION_TOKEN", "session_token", true),
            ("B2_ACCOUNT_ID", "application_key_id", false),
            ("B2_ACCOUNT_KEY", "application_key", true),
            ("AZURE_ACCOUNT_NAME", "account_name", false),
            ("AZURE_ACCOUNT_KEY", "account_key", true),
            ("RESTIC_REST_USERNAME", "username", false),
            ("RESTIC_REST_PASSWORD", "password", true),
        ];
        for (sub, encrypted) in [("env_variables", false), ("encrypted_env_variables", true)] {
            let vars = v.get(sub);
            for (var, val) in vars.entries() {
                let vkey = format!("{key}.{sub}.{var}");
                let Some(text) = self.plain(&vkey, val).and_then(|p| p.text()) else {
                    continue;
                };
                let Some((_, option, is_secret)) = KNOWN.iter().find(|(k, _, _)| k == var) else {
                    if var == "GOMAXPROCS" || var.starts_with("RESTIC_") {
                        self.dropped(
                            &vkey,
                            "a setting of the restic program, which this one does not run",
                        );
                    } else {
                        self.dropped(&vkey, "environment variables are not passed to backups; a backend setting goes in backend-options");
                    }
                    continue;
                };
                let already = t
                    .get("backend-options")
                    .and_then(|b| b.get(option))
                    .is_some();
                if already {
                    self.dropped(
                        &vkey,
                        format!("the repository's URI already gives its {option}"),
                    );
                    continue;
                }
                let secret = encrypted || *is_secret;
                if secret {
                    match self.plan_secret(
                        &vkey,
                        &format!("{name}-env-{}", option.replace('_', "-")),
                        text,
                        true,
                    ) {
                        Placement::Keyring(k) => set(
                            t,
                            &format!("backend-options.{option}"),
                            format!("keyring:{k}"),
                        ),
                        Placement::File(f) => set(
                            t,
                            &format!("backend-options.{option}"),
                            format!("file:{}", f.display()),
                        ),
                    }
                } else {
                    set(t, &format!("backend-options.{option}"), text);
                    self.mapped(&vkey, &format!("backend-options.{option}"), None);
                }
            }
            if vars.entries().is_empty() {
                self.checked(&format!("{key}.{sub}"), "empty");
            }
        }
        for (k, _) in v.entries() {
            if k != "env_variables" && k != "encrypted_env_variables" {
                self.dropped(&join(key, k), "not a key the original reads");
            }
        }
    }

    fn backup_opt(
        &mut self,
        key: &str,
        k: &str,
        v: &Node,
        t: &mut Table,
        case_ignore: bool,
        source_type: Option<&str>,
    ) {
        let scalar = v.scalar().filter(|s| !s.is_empty());
        let texts = || -> Vec<String> {
            as_list(v)
                .iter()
                .filter_map(Node::scalar)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        match k {
            "paths" => {
                let paths: Vec<String> = texts()
                    .into_iter()
                    .map(|p| {
                        let trimmed = p.trim_end_matches(['/', '\\']);
                        if trimmed.is_empty() { p } else { trimmed.to_string() }
                    })
                    .collect();
                if paths.is_empty() {
                    self.checked(key, "empty");
                } else {
                    let paths: Vec<String> = paths.iter().map(|p| self.vars(p, "${MACHINE_ID}")).collect();
                    // with a files_from* source type the paths are the lists' files
                    let to = match source_type {
                        Some("files_from") => "backup.files-from",
                        Some("files_from_verbatim") => "backup.files-from-verbatim",
                        Some("files_from_raw") => "backup.files-from-raw",
                        _ => "backup.paths",
                    };
                    set(t, to, string_list(&paths));
                    self.mapped(key, to, None);
                }
            }
            "source_type" => match scalar.as_deref() {
                None | Some("folder_list") => self.checked(key, "folders and files (the default)"),
                Some("stdin_from_command") => {
                    set(t, "backup.source", "command");
                    self.mapped(key, "backup.source", None);
                }
                Some(s @ ("files_from" | "files_from_verbatim" | "files_from_raw")) => self.mapped(
                    key,
                    &format!("backup.{}", s.replace('_', "-")),
                    Some("the paths are the files listing what to back up, read at each backup".into()),
                ),
                Some(other) => self.dropped(key, format!("\"{other}\" is not a source type of the original")),
            },
            // written whatever the source type (a group's command serves the
            // repositories that choose stdin_from_command); `backup.source` decides
            "stdin_from_command" => match scalar {
                Some(cmd) => {
                    set(t, "backup.stdin-command", cmd);
                    let note = if source_type == Some("stdin_from_command") {
                        "its exit status is checked: a failing command keeps no snapshot"
                    } else {
                        "used only where the source type is stdin_from_command"
                    };
                    self.mapped(key, "backup.stdin-command", Some(note.into()));
                }
                None => self.checked(key, "not set"),
            },
            "stdin_filename" => match scalar {
                Some(f) => {
                    set(t, "backup.stdin-filename", f);
                    self.mapped(key, "backup.stdin-filename", None);
                }
                None => self.checked(key, "not set (stdin.data)"),
            },
            "tags" => {
                let tags = texts();
                if tags.is_empty() {
                    self.checked(key, "empty");
                } else {
                    let tags: Vec<String> = tags.iter().map(|s| self.vars(s, "${MACHINE_ID}")).collect();
                    set(t, "backup.tags", string_list(&tags));
                    self.mapped(key, "backup.tags", None);
                }
            }
            "compression" => self.compression(key, scalar.as_deref(), t),
            "pack_size" => match number(v) {
                None | Some(0.0) => self.checked(key, "the default pack size"),
                // restic's --pack-size, in MiB, 4 to 128
                Some(n) if n.fract() == 0.0 && (4.0..=128.0).contains(&n) => {
                    set(t, "repo.pack-size", format!("{n} MiB"));
                    self.mapped(key, "repo.pack-size", Some(format!("{n} MiB")));
                }
                Some(n) => self.dropped(key, format!("{n} MiB: restic refuses pack sizes outside 4 to 128 MiB, so the original's backups failed with it; the default is used")),
            },
            "use_fs_snapshot" | "ignore_cloud_files" => self.dropped(key, "a Windows setting (VSS, cloud placeholders); no Windows build exists yet"),
            "one_file_system" => self.flag(key, v, t, "backup.one-file-system"),
            "exclude_caches" => self.flag(key, v, t, "backup.exclude-caches"),
            "priority" => match scalar.as_deref() {
                Some("low") => {
                    set(t, "repo.priority", "low");
                    self.mapped(key, "repo.priority", None);
                }
                Some("normal") => {
                    set(t, "repo.priority", "normal");
                    self.mapped(key, "repo.priority", None);
                }
                Some("high") => {
                    set(t, "repo.priority", "normal");
                    self.mapped(key, "repo.priority", Some("\"high\" runs at normal priority here".into()));
                }
                None => self.checked(key, "not set"),
                Some(other) => self.dropped(key, format!("\"{other}\" is not a priority of the original (low, normal, high)")),
            },
            "excludes_case_ignore" | "exclude_case_ignore" => {
                self.mapped(key, if case_ignore { "backup.iexclude, backup.iexclude-file" } else { "backup.exclude, backup.exclude-file" }, Some("decides which of the two the patterns go to".into()))
            }
            "exclude_files" => {
                let mut files = Vec::new();
                for f in texts() {
                    // the original's bundled lists are named `excludes/NAME`
                    let bundled = f
                        .strip_prefix("excludes/")
                        .or_else(|| f.strip_prefix("excludes\\"))
                        .and_then(|base| BUNDLED_EXCLUDES.iter().find(|(n, _)| *n == base));
                    match bundled {
                        Some((name, text)) => {
                            let path = self.excludes_dir.join(name);
                            if !self.excludes.iter().any(|(p, _)| *p == path) {
                                self.excludes.push((path.clone(), text));
                            }
                            files.push(path.display().to_string());
                        }
                        _ => files.push(f),
                    }
                }
                if files.is_empty() {
                    self.checked(key, "empty");
                } else {
                    let to = if case_ignore { "backup.iexclude-file" } else { "backup.exclude-file" };
                    set(t, to, string_list(&files));
                    self.mapped(key, to, Some(format!("the original's bundled lists are written to {}", self.excludes_dir.display())));
                }
            }
            "exclude_patterns" => {
                let patterns = texts();
                if patterns.is_empty() {
                    self.checked(key, "empty");
                } else {
                    let to = if case_ignore { "backup.iexclude" } else { "backup.exclude" };
                    set(t, to, string_list(&patterns));
                    self.mapped(key, to, None);
                }
            }
            "exclude_files_larger_than" => self.size(key, v, t, "backup.exclude-larger-than"),
            "minimum_backup_size_error" => self.size(key, v, t, "backup.minimum-backup-size"),
            "additional_parameters" | "additional_backup_only_parameters" | "additional_restore_only_parameters" => match scalar {
                Some(p) => self.dropped(key, format!("restic command-line arguments (\"{p}\") are not passed on: set the matching setting instead")),
                None => self.checked(key, "not set"),
            },
            "pre_exec_commands" | "post_exec_commands" => {
                let cmds = texts();
                let to = if k == "pre_exec_commands" { "backup.pre-exec-commands" } else { "backup.post-exec-commands" };
                if cmds.is_empty() {
                    self.checked(key, "empty");
                } else {
                    set(t, to, string_list(&cmds));
                    self.mapped(key, to, None);
                }
            }
            "pre_exec_per_command_timeout" | "post_exec_per_command_timeout" => match number(v) {
                Some(s) if s > 0.0 => {
                    let to = if k.starts_with("pre") { "backup.pre-exec-timeout" } else { "backup.post-exec-timeout" };
                    set(t, to, format!("{}s", s.round() as u64));
                    self.mapped(key, to, None);
                }
                _ => self.checked(key, "not set (1 hour)"),
            },
            "pre_exec_failure_is_fatal" => self.flag(key, v, t, "backup.pre-exec-failure-is-fatal"),
            "post_exec_failure_is_fatal" => self.flag(key, v, t, "backup.post-exec-failure-is-fatal"),
            "post_exec_execute_even_on_backup_error" => self.flag(key, v, t, "backup.post-exec-run-on-failure"),
            "post_backup_housekeeping_percent_chance" | "post_backup_housekeeping_interval" => match number(v) {
                None | Some(0.0) => self.checked(key, "off"),
                Some(_) => self.dropped(key, "housekeeping after some backups: set [schedule] housekeeping (\"sun at 03:00\") instead"),
            },
            _ if k.starts_with("storage_heuristics") => self.dropped(key, "storage heuristics use their own thresholds here (repo.storage-heuristics turns them off)"),
            _ => self.dropped(key, "not a key of the original's backup_opts"),
        }
    }

    fn compression(&mut self, key: &str, c: Option<&str>, t: &mut Table) {
        match c {
            Some(c @ ("auto" | "max" | "off")) => {
                set(t, "repo.compression", c);
                self.mapped(
                    key,
                    "repo.compression",
                    Some("chosen when a repository is created".into()),
                );
            }
            None => self.checked(key, "not set (auto)"),
            Some(other) => self.dropped(
                key,
                format!("\"{other}\" is not a compression of the original (auto, max, off)"),
            ),
        }
    }

    fn flag(&mut self, key: &str, v: &Node, t: &mut Table, to: &str) {
        match v {
            Node::Bool(b) => {
                set(t, to, *b);
                self.mapped(key, to, None);
            }
            Node::Null => self.checked(key, "not set"),
            other => {
                let b = other.truthy();
                set(t, to, b);
                self.mapped(key, to, Some(format!("{} read as {b}", other.type_name())));
            }
        }
    }

    fn size(&mut self, key: &str, v: &Node, t: &mut Table, to: &str) {
        let Some(text) = v.scalar().filter(|s| !s.is_empty()) else {
            self.checked(key, "not set");
            return;
        };
        match size::bytes(&text.replace(' ', "")) {
            Ok(0) => self.checked(key, "0: off"),
            Ok(b) => {
                set(t, to, b as i64);
                self.mapped(key, to, Some(format!("\"{text}\" = {b} bytes")));
            }
            Err(e) => self.dropped(key, format!("{e}; the original reads it as 0 (off)")),
        }
    }

    fn repo_opt(&mut self, key: &str, k: &str, v: &Node, t: &mut Table, name: &str) {
        match k {
            "repo_password" => {
                if let Some(p) = self.plain(key, v).and_then(|p| p.text()) {
                    match self.plan_secret(key, &format!("{name}-password"), p, true) {
                        Placement::Keyring(kr) => set(t, "password-keyring", kr),
                        Placement::File(f) => set(t, "password-file", f.display().to_string()),
                    }
                } else if v.is_unset() {
                    self.checked(key, "not set");
                }
            }
            "repo_password_command" => {
                if let Some(c) = self.plain(key, v).and_then(|p| p.text()) {
                    set(t, "password-command", c);
                    self.mapped(key, "password-command", Some("a command, not the password: the configuration file is written readable by you alone".into()));
                } else if v.is_unset() {
                    self.checked(key, "not set");
                }
            }
            "compression" => self.compression(key, v.scalar().filter(|s| !s.is_empty()).as_deref(), t),
            "minimum_backup_age" => match number(v) {
                Some(m) if m > 0.0 => {
                    set(t, "repo.minimum-backup-age", minutes(m));
                    set(t, "schedule.skip-if-recent", minutes(m));
                    self.mapped(key, "repo.minimum-backup-age, schedule.skip-if-recent", Some(format!("{m} minutes: a scheduled backup is skipped while the last one is younger, as the original skips a backup without --force")));
                }
                _ => self.checked(key, "0: every backup runs"),
            },
            "random_delay_before_backup" => match number(v) {
                Some(m) if m > 0.0 => {
                    set(t, "repo.random-delay", minutes(m));
                    self.mapped(key, "repo.random-delay", Some(format!("{m} minutes")));
                }
                _ => self.checked(key, "0: no delay"),
            },
            "upload_speed" | "download_speed" => match v.scalar().filter(|s| !s.is_empty()).map(|s| size::bytes(&s)) {
                None | Some(Ok(0)) => self.checked(key, "0: unlimited"),
                // the original hands restic whole KiB per second; 0 KiB is no limit
                Some(Ok(b)) if b < 1024 => self.checked(key, "less than 1 KiB/s, which the original passes to restic as 0: unlimited"),
                Some(Ok(b)) => {
                    let ours = if k == "upload_speed" { "repo.upload-limit" } else { "repo.download-limit" };
                    let rate = format!("{} KiB/s", b / 1024);
                    set(t, ours, rate.clone());
                    self.mapped(key, ours, Some(rate));
                }
                Some(Err(e)) => self.dropped(key, e),
            },
            "backend_connections" => match number(v) {
                None | Some(0.0) => self.checked(key, "0: the backend's default"),
                Some(n) => self.dropped(key, format!("{n} connections: the backends choose their own")),
            },
            "prune_max_unused" | "prune_max_repack_size" => match v.scalar().filter(|s| !s.is_empty()) {
                None => self.checked(key, "not set"),
                Some(s) if size::bytes(&s) == Ok(0) => self.checked(key, "0: prune's default"),
                Some(s) => self.dropped(key, format!("\"{s}\" is used by the original's `--prune max`: prune here always uses rustic's limits")),
            },
            "read_data_subset" => match v.scalar().filter(|s| !s.is_empty()) {
                Some(s) => {
                    set(t, "schedule.check-read-data-subset", s);
                    self.mapped(key, "schedule.check-read-data-subset", None);
                }
                None => self.checked(key, "not set"),
            },
            _ => self.dropped(key, "not a key of the original's repo_opts"),
        }
    }

    /// A retention policy in ours (a group's is written into each of its
    /// repositories, whole: `keep_within` changes what every count means).
    fn retention(&mut self, key: &str, own: &Node, effective: &Node, t: &mut Table, is_repo: bool) {
        if !is_repo {
            for (k, _) in own.entries() {
                self.mapped(
                    &join(key, k),
                    "retention of each repository of the group",
                    None,
                );
            }
            return;
        }
        if as_list(effective.get("apply_on_tags"))
            .iter()
            .any(Node::truthy)
        {
            // forgetting by this policy everything else would remove what the original kept
            set(t, "retention.preset", "keep-all");
            for (k, _) in effective.entries() {
                self.dropped(
                    &join(key, k),
                    "the original applies this policy to the snapshots of some tags only (apply_on_tags), which is not supported: every snapshot is kept (preset keep-all) until you set a policy",
                );
            }
            return;
        }
        let within = effective.get("keep_within").truthy();
        for (entry, unit) in [
            ("last", ""),
            ("hourly", "h"),
            ("daily", "days"),
            ("weekly", "days"),
            ("monthly", "months"),
            ("yearly", "years"),
        ] {
            let v = effective.get(entry);
            if let Node::Str(s) = v
                && s == "all"
            {
                set(t, "retention.preset", "keep-all");
                continue;
            }
            let Some(n) = number(v).filter(|n| *n > 0.0).map(|n| n as u64) else {
                continue;
            };
            if !within || entry == "last" {
                set(
                    t,
                    &format!("retention.keep-{entry}"),
                    i64::try_from(n).unwrap_or(i64::MAX),
                );
            } else {
                let n = if entry == "weekly" {
                    n.saturating_mul(7)
                } else {
                    n
                };
                set(
                    t,
                    &format!("retention.keep-within-{entry}"),
                    format!("{n}{unit}"),
                );
            }
        }
        let tags: Vec<String> = [effective.get("keep_tags"), effective.get("tags")]
            .iter()
            .flat_map(|n| as_list(n))
            .filter_map(|n| n.scalar())
            .filter(|s| !s.is_empty())
            .collect();
        if !tags.is_empty() {
            set(t, "retention.keep-tags", string_list(&tags));
        }
        let group_by: Vec<&str> = [
            ("group_by_host", "host"),
            ("group_by_paths", "paths"),
            ("group_by_tags", "tags"),
        ]
        .iter()
        .filter(|(k, _)| effective.get(k).truthy())
        .map(|(_, v)| *v)
        .collect();
        if !group_by.is_empty() {
            set(t, "retention.group-by", group_by.join(","));
        }
        for (k, v) in effective.entries() {
            let ekey = join(key, k);
            match k.as_str() {
                "last" | "hourly" | "daily" | "weekly" | "monthly" | "yearly" => {
                    let to = if !within || k == "last" { format!("retention.keep-{k}") } else { format!("retention.keep-within-{k}") };
                    if number(v).is_some_and(|n| n > 0.0) || matches!(v, Node::Str(s) if s == "all") {
                        self.mapped(&ekey, &to, None);
                    } else {
                        self.checked(&ekey, "0: not kept by this rule");
                    }
                }
                "keep_within" => self.mapped(&ekey, "retention.keep-within-*", Some("counts are durations (\"30 daily\" keeps 30 days)".into())),
                "tags" | "keep_tags" => self.mapped(&ekey, "retention.keep-tags", None),
                "group_by_host" | "group_by_paths" | "group_by_tags" => self.mapped(&ekey, "retention.group-by", None),
                "apply_on_tags" => {
                    if as_list(v).iter().any(Node::truthy) {
                        self.dropped(&ekey, "a policy for some tags only is not supported: it applies to every snapshot of this host")
                    } else {
                        self.checked(&ekey, "empty")
                    }
                }
                "ntp_server" => match v.scalar().filter(|s| !s.is_empty()) {
                    Some(_) => self.dropped(&ekey, "the clock check before forgetting is not done: keep the clock right with the system's time service"),
                    None => self.checked(&ekey, "not set"),
                },
                _ => self.dropped(&ekey, "not a key of the original's retention_policy"),
            }
        }
    }
}

/// `${NAME}` in the original's values is its own variables (translated above) or
/// left to the shell and restic at run time (`${HOME}` in a command); ours would
/// expand any other name from the environment when loading, so those are written
/// `$${NAME}`, which our loader reads as the text `${NAME}`.
fn escape_foreign_variables(table: &mut Table) {
    const OURS: &[&str] = &[
        "HOSTNAME",
        "MACHINE_ID",
        "MACHINE_GROUP",
        "TENANT",
        "REPO_NAME",
        "REPO_GROUP",
        "AUDIENCE",
    ];
    fn escape(s: &str) -> Option<String> {
        if !s.contains("${") {
            return None;
        }
        let mut out = String::with_capacity(s.len() + 4);
        let mut rest = s;
        let mut changed = false;
        while let Some(i) = rest.find("${") {
            let already = i > 0 && rest.as_bytes()[i - 1] == b'$';
            let name_end = rest[i + 2..].find('}').map(|e| i + 2 + e);
            let ours = name_end.is_some_and(|e| OURS.contains(&&rest[i + 2..e]));
            out.push_str(&rest[..i]);
            if !already && !ours {
                out.push('$');
                changed = true;
            }
            out.push_str("${");
            rest = &rest[i + 2..];
        }
        out.push_str(rest);
        changed.then_some(out)
    }
    for_each_string(table, &mut escape);
}

/// Every string value of `table`, at any depth (tables, arrays, inline tables),
/// replaced by what `f` returns for it, when it returns something.
fn for_each_string(table: &mut Table, f: &mut dyn FnMut(&str) -> Option<String>) {
    fn value(v: &mut toml_edit::Value, f: &mut dyn FnMut(&str) -> Option<String>) {
        match v {
            toml_edit::Value::String(s) => {
                if let Some(new) = f(s.value()) {
                    *v = toml_edit::Value::from(new);
                }
            }
            toml_edit::Value::Array(a) => a.iter_mut().for_each(|v| value(v, f)),
            toml_edit::Value::InlineTable(t) => t.iter_mut().for_each(|(_, v)| value(v, f)),
            _ => {}
        }
    }
    for (_, item) in table.iter_mut() {
        match item {
            Item::Value(v) => value(v, f),
            Item::Table(t) => for_each_string(t, f),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(|t| for_each_string(t, f)),
            Item::None => {}
        }
    }
}

/// The original's inheritance of one mapping: the repository's value wins unless it
/// is null or empty; mappings merge key by key; lists are the repository's items,
/// then the group's, each once.
pub fn merged(own: &Node, group: Option<&Node>) -> Node {
    let Some(group) = group else {
        return own.clone();
    };
    match (own, group) {
        (Node::Map(o), Node::Map(g)) => {
            let mut out = o.clone();
            for (k, gv) in g {
                match out.iter_mut().find(|(ok, _)| ok == k) {
                    Some((_, ov)) => *ov = merged_value(ov, gv),
                    None => out.push((k.clone(), gv.clone())),
                }
            }
            Node::Map(out)
        }
        (o, g) if o.is_unset() => g.clone(),
        (o, _) => o.clone(),
    }
}

fn merged_value(own: &Node, group: &Node) -> Node {
    match (own, group) {
        (Node::Map(_), Node::Map(_)) => merged(own, Some(group)),
        (o, Node::List(g)) => {
            let mut items = match o {
                Node::List(l) => l.clone(),
                o if o.truthy() => vec![o.clone()],
                _ => Vec::new(),
            };
            for i in g {
                if !items.contains(i) {
                    items.push(i.clone());
                }
            }
            let mut unique = Vec::new();
            for i in items {
                if !unique.contains(&i) {
                    unique.push(i);
                }
            }
            Node::List(unique)
        }
        (o, g) if o.is_unset() => g.clone(),
        (o, _) => o.clone(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
