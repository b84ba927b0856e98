//! The user-facing schema of the configuration file. Every table is a struct with
//! kebab-case keys, unknown keys refused, and every field optional: a missing value
//! is inherited (repository ← group ← built-in defaults) by `merge`. These structs
//! are ours on purpose: a rustic_core upgrade must not change what a file means.

use std::{collections::BTreeMap, fmt, path::PathBuf, str::FromStr, time::Duration};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

pub use crate::engine::Compression;
use crate::engine::ops::RetentionPolicy;

/// The whole file.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigFile {
    /// Who this machine is; used in variables, snapshot hosts and (later) metrics.
    pub identity: Option<Identity>,
    /// How the desktop app behaves (notifications).
    pub desktop: Option<Desktop>,
    /// The manager password that guards permissions and secrets.
    pub security: Option<Security>,
    /// The web interface: where it listens, its TLS, its accounts.
    pub web: Option<Web>,
    /// Upgrades from signed releases (`npbackup-cli upgrade`, the scheduler's window).
    pub upgrade: Option<Upgrade>,
    /// Named groups of settings that repositories inherit.
    #[serde(default)]
    pub groups: BTreeMap<String, Section>,
    /// The repositories.
    #[serde(default)]
    pub repos: BTreeMap<String, Section>,
}

/// `[identity]`: values available as `${MACHINE_ID}`, `${MACHINE_GROUP}`, `${TENANT}`.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Identity {
    /// Defaults to `${HOSTNAME}`.
    pub machine_id: Option<String>,
    pub machine_group: Option<String>,
    pub tenant: Option<String>,
}

/// `.monitoring`: where a job's metrics and pings go. Nothing is sent unless a
/// destination is set.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MonitoringSettings {
    /// The `instance` label (default `${MACHINE_ID}`).
    pub instance: Option<String>,
    /// The `backup_job` label (default `${REPO_NAME}`).
    pub backup_job: Option<String>,
    /// More labels on every metric.
    pub labels: Option<BTreeMap<String, String>>,
    /// A node_exporter textfile-collector folder: one `.prom` file per repository and action.
    pub prometheus_textfile_dir: Option<PathBuf>,
    /// Push gateway URLs (`http(s)://host:9091[/metrics/job/NAME]`), tried in order.
    pub push_urls: Option<Vec<String>>,
    /// Basic authentication for the push gateway.
    pub push_username: Option<String>,
    /// The push password, from this environment variable...
    pub push_password_env: Option<String>,
    /// ...or from this file.
    pub push_password_file: Option<PathBuf>,
    /// A PEM file of CA certificates to trust for the push gateway.
    pub push_ca_file: Option<PathBuf>,
    /// Accept any TLS certificate (self-signed test setups only).
    pub push_insecure_tls: Option<bool>,
    /// How long one push or ping may take (default 10 s).
    pub timeout: Option<HumanDuration>,
    /// A healthchecks.io-style URL: `/start` when a backup or housekeeping begins,
    /// the URL itself on success, `/fail` (with the end of the log) on failure.
    pub healthchecks_url: Option<String>,
    /// HTTP endpoints told about chosen events.
    pub webhooks: Option<Vec<WebhookSettings>>,
    /// Mail about chosen events.
    pub email: Option<EmailSettings>,
}

/// One webhook: `[[groups.NAME.monitoring.webhooks]]`.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WebhookSettings {
    pub url: String,
    /// "POST" (the event as JSON, the default) or "GET" (the key facts as query parameters).
    pub method: Option<String>,
    /// backup-success, backup-failure, operation-success, operation-failure,
    /// backup-too-old (default: all of them).
    pub events: Option<Vec<String>>,
    /// Tries after the first failure, waiting 1 s, 2 s, 4 s… (default 3).
    pub retries: Option<u32>,
    /// Per attempt (default 10 s).
    pub timeout: Option<HumanDuration>,
}

/// `.monitoring.email`: SMTP and who gets which mail.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct EmailSettings {
    pub smtp_server: Option<String>,
    /// Default 587 for starttls, 465 for tls, 25 for none.
    pub smtp_port: Option<u16>,
    /// "starttls" (default), "tls" or "none".
    pub security: Option<String>,
    pub username: Option<String>,
    /// The SMTP password, from this environment variable...
    pub password_env: Option<String>,
    /// ...or from this file.
    pub password_file: Option<PathBuf>,
    /// A PEM file of CA certificates to trust for the SMTP server.
    pub ca_file: Option<PathBuf>,
    /// Accept any TLS certificate (self-signed test setups only).
    pub insecure_tls: Option<bool>,
    /// The sender, e.g. "Backups <backup@example.org>".
    pub from: Option<String>,
    pub on_backup_success: Option<Vec<String>>,
    pub on_backup_failure: Option<Vec<String>>,
    pub on_operation_success: Option<Vec<String>>,
    pub on_operation_failure: Option<Vec<String>>,
    pub on_backup_too_old: Option<Vec<String>>,
}

/// `[security]`: for machines set up by an administrator.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Security {
    /// The argon2 hash of the manager password (set it with
    /// `npbackup-cli permissions manager-password`). Changing permissions, adding
    /// repositories from the window and taking secrets out of the keyring ask for it.
    pub manager_password_hash: Option<String>,
}

/// `[web]`: the web interface (`npbackup-cli web`, or the scheduler's
/// `daemon run --web`). Accounts are written by `npbackup-cli web user add` and
/// `web token create`; the file holds only their hashes.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Web {
    /// The address to serve, e.g. "127.0.0.1:8642" (the default).
    pub listen: Option<String>,
    /// A PEM certificate chain and its private key: served over HTTPS when both are set.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// A session ends after this long without a request (default 30 min).
    pub session_idle: Option<HumanDuration>,
    /// People who log in: `[web.users.NAME]` with a role and an argon2 hash.
    #[serde(default)]
    pub users: BTreeMap<String, WebAccount>,
    /// Bearer tokens for scripts: `[web.tokens.NAME]` with a role and a SHA-256 hash.
    #[serde(default)]
    pub tokens: BTreeMap<String, WebAccount>,
}

/// `[upgrade]`: where this machine finds newer releases, and whether the scheduler
/// installs them by itself. Every file is checked against the release keys built
/// into this program and those in `trusted-keys`; nothing unsigned is installed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Upgrade {
    /// Upgrade servers (`https://…`), tried in order until one answers.
    pub servers: Option<Vec<String>>,
    /// The upgrade account (HTTP Basic) and where its password is.
    pub username: Option<String>,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
    /// Certificates (PEM) to trust for the servers, beside the system's.
    pub ca_file: Option<PathBuf>,
    /// "public" (default) or "private".
    pub audience: Option<String>,
    /// The group staged releases are aimed at (default: `[identity] machine-group`).
    pub group: Option<String>,
    /// More minisign public keys whose releases this machine installs (an
    /// organisation that signs its own builds).
    pub trusted_keys: Option<Vec<String>>,
    /// Whether the scheduler upgrades by itself (default false).
    pub auto: Option<bool>,
    /// How often the scheduler looks (default 1 day).
    pub check_every: Option<HumanDuration>,
    /// When in the day it may install, local time, e.g. "01:00-05:00" (default any time).
    pub window: Option<String>,
}

/// One web user or token.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WebAccount {
    pub role: Role,
    /// A user's argon2 hash (PHC string), or a token's SHA-256 in hex.
    pub hash: String,
}

/// What a web account may do; a repository's permissions still apply on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Browses, finds and downloads.
    Viewer,
    /// Also backs up, restores and runs operations.
    Operator,
    /// Also changes settings.
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "operator" => Ok(Role::Operator),
            "admin" => Ok(Role::Admin),
            other => Err(crate::t!("config-bad-role", value = other)),
        }
    }
}

/// `[desktop]`: the desktop app's own settings.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Desktop {
    /// A notification when a backup succeeds (default true; failures always notify).
    pub notify_on_success: Option<bool>,
    /// A notification when a repository's last backup is older than `minimum-backup-age` (default true).
    pub notify_when_too_old: Option<bool>,
    /// "auto" (follow the desktop, the default), "light" or "dark".
    pub theme: Option<ThemeChoice>,
    /// "auto" (the system's language, the default), "en" or "fr"; `$NPBACKUP_LOCALE`
    /// wins over it.
    pub language: Option<Language>,
}

/// The language of the desktop app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    #[default]
    Auto,
    En,
    Fr,
}

impl Language {
    /// The code `i18n::choose` takes ("auto", "en", "fr").
    pub fn code(self) -> &'static str {
        match self {
            Language::Auto => "auto",
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}

/// The window's appearance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeChoice {
    #[default]
    Auto,
    Light,
    Dark,
}

/// A `[groups.NAME]` or `[repos.NAME]` table: the same keys, so that a group can
/// preset anything a repository has (a group's `uri` may use `${REPO_NAME}`).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Section {
    /// Only in a repository: the group it inherits from.
    pub group: Option<String>,
    /// Where the repository lives: a local path, `rest:`, `sftp:`, `rclone:`, `opendal:` …
    pub uri: Option<String>,
    /// Tried in order when `uri` cannot be reached (mirrors of the same repository).
    pub fallback_uris: Option<Vec<String>>,
    /// Inline password: accepted only when the config file is readable by its owner alone.
    pub password: Option<String>,
    /// A file whose first line is the password.
    pub password_file: Option<PathBuf>,
    /// A command that prints the password on its standard output.
    pub password_command: Option<String>,
    /// The name of an environment variable holding the password.
    pub password_env: Option<String>,
    /// The name of an entry in the OS keyring holding the password.
    pub password_keyring: Option<String>,
    /// What users may do with the repository: "backup", "restore", "restore-only"
    /// or "full" (the default).
    pub permissions: Option<super::permissions::Permission>,
    /// Passed to the backend as is (S3 keys, REST credentials, SFTP settings …); a value
    /// `keyring:NAME` is read from the OS keyring entry NAME.
    pub backend_options: Option<BTreeMap<String, Scalar>>,
    pub backup: Option<BackupSettings>,
    pub repo: Option<RepoSettings>,
    pub retention: Option<RetentionSettings>,
    pub monitoring: Option<MonitoringSettings>,
    pub schedule: Option<ScheduleSettings>,
}

/// `schedule`: what the scheduler (`npbackup-cli daemon`, or the desktop app while it
/// runs without one) does by itself for this repository, and when.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ScheduleSettings {
    /// When to back up: "manual" (the default), "every 6h", "daily at 02:30",
    /// "weekdays at 18:00", "mon,thu at 21:00" or "cron 0 */4 * * *".
    pub backup: Option<super::When>,
    /// When to run housekeeping (check, forget by the retention policy, prune).
    pub housekeeping: Option<super::When>,
    /// When to check the repository's structure.
    pub check: Option<super::When>,
    /// With `check`: also read and verify this share of the data ("5%", "1/10", "2 GiB").
    pub check_read_data_subset: Option<String>,
    /// Skip a scheduled backup while this machine's last snapshot is younger than this.
    pub skip_if_recent: Option<HumanDuration>,
    /// Wait for mains power: no scheduled task on battery (where the system tells).
    pub on_ac_power_only: Option<bool>,
    /// Wait while the network connection is metered (where the system tells).
    pub not_on_metered_network: Option<bool>,
}

/// `backup`: what to back up and what to leave out.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BackupSettings {
    pub paths: Option<Vec<String>>,
    /// Glob patterns to leave out (restic's `--exclude`).
    pub exclude: Option<Vec<String>>,
    /// Case-insensitive glob patterns to leave out.
    pub iexclude: Option<Vec<String>>,
    /// Files with one exclude pattern per line.
    pub exclude_file: Option<Vec<PathBuf>>,
    pub iexclude_file: Option<Vec<PathBuf>>,
    /// Leave out a directory that contains one of these file names.
    pub exclude_if_present: Option<Vec<String>>,
    /// Leave out directories holding a `CACHEDIR.TAG`.
    pub exclude_caches: Option<bool>,
    /// Do not cross file-system boundaries.
    pub one_file_system: Option<bool>,
    /// Leave out files larger than this ("500 MB", "2 GiB" or a number of bytes).
    pub exclude_larger_than: Option<ByteSize>,
    pub tags: Option<Vec<String>>,
    /// The host name recorded in snapshots (default: `${MACHINE_ID}`).
    pub host: Option<String>,
    /// "files" (the paths, default), "command" (the output of `stdin-command`), a
    /// database: "postgres", "mariadb", "mysql", "sqlite", or "libvirt" (KVM guests).
    pub source: Option<SourceKind>,
    /// With a database source: the database ("shop", or "all" for every database of the
    /// server); for "sqlite" the database file.
    pub database: Option<String>,
    /// With source = "postgres": "custom" (default, for pg_restore) or "plain" (SQL).
    pub dump_format: Option<DumpFormat>,
    /// The database server's host (or its socket: the folder for PostgreSQL, the file
    /// for MariaDB/MySQL), port and user; the password
    /// comes from the tool's own files (`~/.pgpass`, `~/.my.cnf`), never from here.
    pub db_host: Option<String>,
    pub db_port: Option<u16>,
    pub db_user: Option<String>,
    /// With source = "libvirt": the domains to back up, by name or pattern ("web1",
    /// "db-*").
    pub domains: Option<Vec<String>>,
    /// With source = "libvirt": libvirt's connection ("qemu:///system"; default: virsh's).
    pub libvirt_uri: Option<String>,
    /// With `source = "command"`: the command whose output is backed up ("pg_dump mydb").
    pub stdin_command: Option<String>,
    /// The file name the command's output gets in the snapshot ("mydb.sql").
    pub stdin_filename: Option<String>,
    /// Files listing what to back up, read at each backup (restic's `--files-from`):
    /// one path or glob pattern a line, `#` comments and blank lines ignored.
    pub files_from: Option<Vec<PathBuf>>,
    /// The same, each line a path taken as it is (restic's `--files-from-verbatim`).
    pub files_from_verbatim: Option<Vec<PathBuf>>,
    /// The same, paths separated by NUL bytes (`find -print0`; restic's `--files-from-raw`).
    pub files_from_raw: Option<Vec<PathBuf>>,
    /// Less processed than this is an error and keeps no snapshot ("100 MB").
    pub minimum_backup_size: Option<ByteSize>,
    /// Shell commands run before the backup, in order.
    pub pre_exec_commands: Option<Vec<String>>,
    /// Time limit for each pre command (default 1 hour).
    pub pre_exec_timeout: Option<HumanDuration>,
    /// A failing pre command cancels the backup (default: only a warning).
    pub pre_exec_failure_is_fatal: Option<bool>,
    /// Shell commands run after the backup; they see `NPBACKUP_RESULT` and `NPBACKUP_SNAPSHOT_ID`.
    pub post_exec_commands: Option<Vec<String>>,
    pub post_exec_timeout: Option<HumanDuration>,
    /// A failing post command fails the job (default: only a warning).
    pub post_exec_failure_is_fatal: Option<bool>,
    /// Run the post commands after a failed backup too (default: only after success).
    pub post_exec_run_on_failure: Option<bool>,
}

/// CPU and I/O priority of a repository's jobs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    #[default]
    Normal,
    /// `nice 10` and idle I/O class on Linux: the machine stays responsive.
    Low,
}

/// What a backup reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Files,
    Command,
    /// `pg_dump` of `database` (`pg_dumpall` for "all").
    Postgres,
    /// `mariadb-dump --single-transaction` of `database` (every one for "all").
    Mariadb,
    /// The same with MySQL's `mysqldump`.
    Mysql,
    /// An online copy of the SQLite file `database` (`sqlite3`'s `.backup`).
    Sqlite,
    /// KVM guests through libvirt: the `domains`' definitions and disk images.
    Libvirt,
    /// Proxmox vzdump archives: in each of `paths` (a dump folder, or an archive),
    /// the newest dump of each QEMU guest, laid out as configuration files and disks.
    Vzdump,
}

/// `pg_dump`'s output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DumpFormat {
    /// pg_dump's custom archive (compressed; `pg_restore` loads it, a table at a time if need be).
    #[default]
    Custom,
    /// SQL text (`psql` loads it).
    Plain,
}

/// `repo`: how the repository is created and judged.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RepoSettings {
    /// Compression chosen at `init`: "auto", "off", "max" or a zstd level (1-22).
    pub compression: Option<Compression>,
    /// A backup older than this is "too old" (`has-recent-snapshot`'s default).
    pub minimum_backup_age: Option<HumanDuration>,
    /// Where rustic keeps its cache (default: the user's cache dir).
    pub cache_dir: Option<PathBuf>,
    pub no_cache: Option<bool>,
    /// "normal" or "low" (nice 10 and idle I/O on Linux) for this repository's jobs.
    pub priority: Option<Priority>,
    /// Cancel a job of this repository that runs longer than this.
    pub job_timeout: Option<HumanDuration>,
    /// A scheduled backup (`backup --scheduled`) first waits a random time up to this.
    pub random_delay: Option<HumanDuration>,
    /// Warn when a backup's size or changed files differ much from the last runs (default true).
    pub storage_heuristics: Option<bool>,
    /// Send at most this much per second to the repository ("2 MiB/s"); unlimited when unset.
    pub upload_limit: Option<Rate>,
    /// Read at most this much per second from the repository; unlimited when unset.
    pub download_limit: Option<Rate>,
    /// Write packs of about this size (4 to 128 MiB, restic's `--pack-size`) instead of
    /// sizes that grow with the repository.
    pub pack_size: Option<PackSize>,
}

/// `retention`: which snapshots `forget` keeps (used by the operations issue).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RetentionSettings {
    /// A starting point: "14d", "30d", "90d", "gfs" or "keep-all"; keys below override it.
    pub preset: Option<RetentionPreset>,
    pub keep_last: Option<u32>,
    pub keep_hourly: Option<u32>,
    pub keep_daily: Option<u32>,
    pub keep_weekly: Option<u32>,
    pub keep_monthly: Option<u32>,
    pub keep_yearly: Option<u32>,
    pub keep_within: Option<HumanDuration>,
    pub keep_within_hourly: Option<HumanDuration>,
    pub keep_within_daily: Option<HumanDuration>,
    pub keep_within_weekly: Option<HumanDuration>,
    pub keep_within_monthly: Option<HumanDuration>,
    pub keep_within_yearly: Option<HumanDuration>,
    pub keep_tags: Option<Vec<String>>,
    /// "host", "paths", "tags" or a comma-separated combination.
    pub group_by: Option<String>,
}

/// A named retention preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPreset(pub String);

impl<'de> Deserialize<'de> for RetentionPreset {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if ["14d", "30d", "90d", "gfs", "keep-all"].contains(&s.as_str()) {
            Ok(RetentionPreset(s))
        } else {
            Err(de::Error::custom(crate::t!("config-bad-preset", value = s)))
        }
    }
}

impl Serialize for RetentionPreset {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A backend option value: TOML scalars are accepted and handed over as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(d)? {
            toml::Value::String(s) => Ok(Scalar(s)),
            toml::Value::Integer(i) => Ok(Scalar(i.to_string())),
            toml::Value::Float(f) => Ok(Scalar(f.to_string())),
            toml::Value::Boolean(b) => Ok(Scalar(b.to_string())),
            other => Err(de::Error::custom(crate::t!(
                "config-expected-scalar",
                found = other.type_str()
            ))),
        }
    }
}

impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A size such as "10 MB", "1.5 GiB" or a plain number of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl FromStr for ByteSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.trim()
            .parse::<bytesize::ByteSize>()
            .map(|b| ByteSize(b.as_u64()))
            .map_err(|_| crate::t!("config-bad-size", value = s))
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", bytesize::ByteSize(self.0).display().si())
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(d)? {
            toml::Value::Integer(i) if i >= 0 => Ok(ByteSize(i as u64)),
            toml::Value::String(s) => s.parse().map_err(de::Error::custom),
            other => Err(de::Error::custom(crate::t!(
                "config-expected-size",
                found = other.type_str()
            ))),
        }
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A bandwidth in bytes per second: "2 MiB/s", "500 KiB/s", "1 MB" (per second
/// implied) or a plain number of bytes per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate(pub u64);

impl FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let size = t.strip_suffix("/s").unwrap_or(t);
        match size.parse::<ByteSize>() {
            Ok(ByteSize(n)) if n > 0 => Ok(Rate(n)),
            _ => Err(crate::t!("config-bad-rate", value = s)),
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/s", bytesize::ByteSize(self.0).display().iec())
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(d)? {
            toml::Value::Integer(i) if i > 0 => Ok(Rate(i as u64)),
            toml::Value::Integer(i) => Err(de::Error::custom(crate::t!(
                "config-bad-rate",
                value = i.to_string()
            ))),
            toml::Value::String(s) => s.parse().map_err(de::Error::custom),
            other => Err(de::Error::custom(crate::t!(
                "config-expected-size",
                found = other.type_str()
            ))),
        }
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A pack size, 4 to 128 MiB as restic accepts for `--pack-size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackSize(pub u32);

impl PackSize {
    pub const MIN: u64 = 4 * 1024 * 1024;
    pub const MAX: u64 = 128 * 1024 * 1024;

    fn checked(value: &str, bytes: u64) -> Result<Self, String> {
        if (Self::MIN..=Self::MAX).contains(&bytes) {
            Ok(PackSize(bytes as u32))
        } else {
            Err(crate::t!("config-bad-pack-size", value = value))
        }
    }
}

impl FromStr for PackSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let ByteSize(n) = s.parse()?;
        PackSize::checked(s, n)
    }
}

impl fmt::Display for PackSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}",
            bytesize::ByteSize(u64::from(self.0)).display().iec()
        )
    }
}

impl<'de> Deserialize<'de> for PackSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // errors name the value as it was written ("256 MiB", not its bytes)
        match toml::Value::deserialize(d)? {
            toml::Value::Integer(i) => {
                PackSize::checked(&i.to_string(), u64::try_from(i).unwrap_or(0))
                    .map_err(de::Error::custom)
            }
            toml::Value::String(s) => s.parse().map_err(de::Error::custom),
            other => Err(de::Error::custom(crate::t!(
                "config-expected-size",
                found = other.type_str()
            ))),
        }
    }
}

impl Serialize for PackSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// A duration such as "30d", "12h", "1week 2days".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl FromStr for HumanDuration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        humantime::parse_duration(s.trim())
            .map(HumanDuration)
            .map_err(|e| crate::t!("config-bad-duration", value = s, cause = e.to_string()))
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", humantime::format_duration(self.0))
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl From<&RetentionSettings> for RetentionPolicy {
    /// The policy a config's `retention` table describes: the preset, overridden key by key.
    fn from(r: &RetentionSettings) -> Self {
        let secs = |d: &Option<HumanDuration>| d.map(|d| d.0.as_secs());
        let own = RetentionPolicy {
            keep_last: r.keep_last,
            keep_hourly: r.keep_hourly,
            keep_daily: r.keep_daily,
            keep_weekly: r.keep_weekly,
            keep_monthly: r.keep_monthly,
            keep_yearly: r.keep_yearly,
            keep_within: secs(&r.keep_within),
            keep_within_hourly: secs(&r.keep_within_hourly),
            keep_within_daily: secs(&r.keep_within_daily),
            keep_within_weekly: secs(&r.keep_within_weekly),
            keep_within_monthly: secs(&r.keep_within_monthly),
            keep_within_yearly: secs(&r.keep_within_yearly),
            keep_tags: r.keep_tags.clone().unwrap_or_default(),
            keep_all: false,
        };
        r.preset
            .as_ref()
            .and_then(|name| RetentionPolicy::preset(&name.0))
            .unwrap_or_default()
            .overridden_by(&own)
    }
}

/// `[upgrade] window`: "HH:MM-HH:MM", local time, minutes since midnight (the end
/// may be before the start: the window then spans midnight).
pub fn parse_window(s: &str) -> Result<(u16, u16), String> {
    let bad = || format!("'{s}' is not a window like \"01:00-05:00\"");
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let minutes = |t: &str| -> Result<u16, String> {
        let (h, m) = t.trim().split_once(':').ok_or_else(bad)?;
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(h * 60 + m)
    };
    let (start, end) = (minutes(a)?, minutes(b)?);
    if start == end {
        return Err(format!("'{s}': the window is empty"));
    }
    Ok((start, end))
}

/// Whether `minute` (since midnight) is inside the window.
pub fn in_window((start, end): (u16, u16), minute: u16) -> bool {
    if start < end {
        (start..end).contains(&minute)
    } else {
        minute >= start || minute < end
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn windows_parse_and_span_midnight() {
        assert_eq!(parse_window("01:00-05:30").unwrap(), (60, 330));
        assert!(in_window((60, 330), 60) && !in_window((60, 330), 330));
        let night = parse_window("22:00-02:00").unwrap();
        assert!(in_window(night, 23 * 60) && in_window(night, 30) && !in_window(night, 12 * 60));
        assert!(parse_window("25:00-02:00").is_err());
        assert!(parse_window("soon").is_err());
        assert!(parse_window("03:00-03:00").is_err());
    }
}
