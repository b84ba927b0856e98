//! What the setup wizard asks, as data: where backups go (each kind of destination
//! with only its own fields), what to back up, the password and where it is kept,
//! when to run, how long to keep; and how that becomes configuration: a new file
//! from the commented template, or a new repository in an existing file, written
//! through `ConfigEdit` (comments kept, validated, atomic).

use std::path::{Path, PathBuf};

use super::{Secret, edit::ConfigEdit, keyring};
use crate::{
    customization::SHORT_NAME,
    engine::RepoTarget,
    error::{Error, Result},
};

/// The kinds of destination the wizard offers, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DestinationKind {
    Local,
    Sftp,
    Rest,
    S3,
    B2,
    Azure,
    Rclone,
    /// Any location restic or rustic understands, written as a URI.
    Uri,
}

impl DestinationKind {
    pub const ALL: [DestinationKind; 8] = [
        DestinationKind::Local,
        DestinationKind::Sftp,
        DestinationKind::Rest,
        DestinationKind::S3,
        DestinationKind::B2,
        DestinationKind::Azure,
        DestinationKind::Rclone,
        DestinationKind::Uri,
    ];

    /// What a person calls it.
    pub fn label(self) -> String {
        match self {
            DestinationKind::Local => crate::t!("dest-local"),
            DestinationKind::Sftp => crate::t!("dest-sftp"),
            DestinationKind::Rest => crate::t!("dest-rest"),
            DestinationKind::S3 => crate::t!("dest-s3"),
            DestinationKind::B2 => crate::t!("dest-b2"),
            DestinationKind::Azure => crate::t!("dest-azure"),
            DestinationKind::Rclone => crate::t!("dest-rclone"),
            DestinationKind::Uri => crate::t!("dest-uri"),
        }
    }

    /// Its fields: (key, label, secret, placeholder).
    pub fn fields(self) -> Vec<Field> {
        match self {
            DestinationKind::Local => vec![Field::new(
                "path",
                "Folder",
                false,
                "/media/usb-disk/backup",
            )],
            DestinationKind::Sftp => vec![
                Field::new("user", "User", false, "backup"),
                Field::new("host", "Server", false, "nas.local"),
                Field::new("port", "Port (optional)", false, "22"),
                Field::new("path", "Folder on the server", false, "/srv/backup/laptop"),
            ],
            DestinationKind::Rest => vec![
                Field::new(
                    "url",
                    "Address",
                    false,
                    "https://backup.example.org:8000/laptop",
                ),
                Field::new("username", "User (optional)", false, "alice"),
                Field::new("password", "Its password (optional)", true, ""),
            ],
            DestinationKind::S3 => vec![
                Field::new("endpoint", "Endpoint", false, "https://s3.amazonaws.com"),
                Field::new("bucket", "Bucket", false, "my-backups"),
                Field::new("prefix", "Folder in the bucket (optional)", false, "laptop"),
                Field::new("region", "Region (optional)", false, "us-east-1"),
                Field::new("access_key_id", "Access key ID", false, ""),
                Field::new("secret_access_key", "Secret access key", true, ""),
            ],
            DestinationKind::B2 => vec![
                Field::new("bucket", "Bucket", false, "my-backups"),
                Field::new("bucket_id", "Bucket ID", false, ""),
                Field::new("application_key_id", "Application key ID", false, ""),
                Field::new("application_key", "Application key", true, ""),
                Field::new("prefix", "Folder in the bucket (optional)", false, "laptop"),
            ],
            DestinationKind::Azure => vec![
                Field::new("account_name", "Storage account", false, ""),
                Field::new("container", "Container", false, "backups"),
                Field::new("account_key", "Account key", true, ""),
                Field::new(
                    "prefix",
                    "Folder in the container (optional)",
                    false,
                    "laptop",
                ),
            ],
            DestinationKind::Rclone => vec![Field::new(
                "remote",
                "Remote and folder",
                false,
                "gdrive:backups/laptop",
            )],
            DestinationKind::Uri => vec![Field::new(
                "uri",
                "Location",
                false,
                "rest:https://backup.example.org/${MACHINE_ID} or opendal:…",
            )],
        }
    }
}

impl std::fmt::Display for DestinationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// One field of a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub secret: bool,
    pub placeholder: &'static str,
}

impl Field {
    const fn new(
        key: &'static str,
        label: &'static str,
        secret: bool,
        placeholder: &'static str,
    ) -> Field {
        Field {
            key,
            label,
            secret,
            placeholder,
        }
    }

    fn optional(&self) -> bool {
        self.label.ends_with("(optional)")
    }

    /// The field's label in the current language (its English label names the message).
    pub fn text(&self) -> String {
        crate::i18n::tr(&self.message_id())
    }

    fn message_id(&self) -> String {
        let slug: String = self
            .label
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let slug = slug
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        format!("field-{slug}")
    }
}

/// A destination as filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub kind: DestinationKind,
    /// Field key → value (trimmed when read).
    pub values: std::collections::BTreeMap<&'static str, String>,
}

/// The repository location and backend options a destination becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub uri: String,
    /// (option, value, is a secret)
    pub options: Vec<(String, String, bool)>,
}

impl Destination {
    pub fn new(kind: DestinationKind) -> Destination {
        Destination {
            kind,
            values: Default::default(),
        }
    }

    pub fn get(&self, key: &str) -> &str {
        self.values.get(key).map(|v| v.trim()).unwrap_or("")
    }

    /// The value as typed, spaces included (for the input fields).
    pub fn get_raw(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or("")
    }

    /// The location and options, or what is missing or wrong (naming the field).
    pub fn location(&self) -> std::result::Result<Location, String> {
        for f in self.kind.fields() {
            if !f.optional() && self.get(f.key).is_empty() {
                return Err(crate::t!("setup-needed", field = f.text()));
            }
        }
        let g = |k| self.get(k).to_string();
        let mut options = Vec::new();
        let uri = match self.kind {
            DestinationKind::Local => {
                let p = PathBuf::from(g("path"));
                if !p.is_absolute() {
                    return Err(crate::t!("setup-whole-path"));
                }
                p.display().to_string()
            }
            DestinationKind::Sftp => {
                let port = g("port");
                if !port.is_empty() && port.parse::<u16>().is_err() {
                    return Err(crate::t!("setup-port", port = port.as_str()));
                }
                let path = g("path");
                let path = if path.starts_with('/') {
                    path
                } else {
                    format!("/{path}")
                };
                if port.is_empty() {
                    format!("sftp:{}@{}:{path}", g("user"), g("host"))
                } else {
                    format!("sftp://{}@{}:{port}{path}", g("user"), g("host"))
                }
            }
            DestinationKind::Rest => {
                let url = g("url");
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(crate::t!("setup-address-scheme"));
                }
                if !g("username").is_empty() {
                    options.push(("username".into(), g("username"), false));
                    if !g("password").is_empty() {
                        options.push(("password".into(), g("password"), true));
                    }
                } else if !g("password").is_empty() {
                    return Err(crate::t!("setup-password-needs-user"));
                }
                format!("rest:{url}")
            }
            DestinationKind::S3 => {
                let endpoint = g("endpoint");
                if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
                    return Err(crate::t!("setup-endpoint-scheme"));
                }
                let prefix = g("prefix");
                let mut uri = format!("s3:{}/{}", endpoint.trim_end_matches('/'), g("bucket"));
                if !prefix.is_empty() {
                    uri.push('/');
                    uri.push_str(prefix.trim_matches('/'));
                }
                if !g("region").is_empty() {
                    options.push(("region".into(), g("region"), false));
                }
                options.push(("access_key_id".into(), g("access_key_id"), false));
                options.push(("secret_access_key".into(), g("secret_access_key"), true));
                uri
            }
            DestinationKind::B2 => {
                for k in ["bucket", "bucket_id", "application_key_id"] {
                    options.push((k.into(), g(k), false));
                }
                options.push(("application_key".into(), g("application_key"), true));
                options.push((
                    "root".into(),
                    format!("/{}", g("prefix").trim_matches('/')),
                    false,
                ));
                "opendal:b2".into()
            }
            DestinationKind::Azure => {
                options.push(("account_name".into(), g("account_name"), false));
                options.push(("container".into(), g("container"), false));
                options.push(("account_key".into(), g("account_key"), true));
                options.push((
                    "root".into(),
                    format!("/{}", g("prefix").trim_matches('/')),
                    false,
                ));
                "opendal:azblob".into()
            }
            DestinationKind::Rclone => {
                let remote = g("remote");
                if !remote.contains(':') {
                    return Err(crate::t!("setup-rclone-form"));
                }
                format!("rclone:{remote}")
            }
            DestinationKind::Uri => g("uri"),
        };
        Ok(Location { uri, options })
    }

    /// A target for probing or creating the repository with `password` (secrets in
    /// hand), its `${VARIABLES}` expanded as a new configuration will expand them.
    pub fn target(&self, name: &str, password: &Secret) -> std::result::Result<RepoTarget, String> {
        let l = self.location()?;
        let uri = new_machine_variables(name).expand(&l.uri)?;
        Ok(RepoTarget {
            name: name.to_string(),
            backend_options: l.options.into_iter().map(|(k, v, _)| (k, v)).collect(),
            ..RepoTarget::at(uri, password.clone())
        })
    }
}

/// The variables of repository `name` in a new configuration (the template's
/// identity: the machine ID is the host name; group "default").
fn new_machine_variables(name: &str) -> super::Variables {
    let host = gethostname::gethostname().to_string_lossy().to_string();
    let mut v = super::Variables::default();
    v.0.insert("HOSTNAME", host.clone());
    v.0.insert("MACHINE_ID", host);
    v.0.insert("MACHINE_GROUP", String::new());
    v.0.insert("TENANT", String::new());
    v.0.insert("REPO_NAME", name.to_string());
    v.0.insert("REPO_GROUP", "default".into());
    v
}

/// The brand's preset destination for new repositories, if it has one.
pub fn brand_destination() -> Option<Destination> {
    let uri = crate::customization::DEFAULT_REPOSITORY_URI;
    (!uri.is_empty()).then(|| {
        let mut d = Destination::new(DestinationKind::Uri);
        d.values.insert("uri", uri.to_string());
        d
    })
}

/// Whether a user may change the brand's preset destination and retention.
pub fn brand_defaults_fixed() -> bool {
    brand_destination().is_some() && !crate::customization::WIZARD_MAY_CHANGE_DEFAULTS
}

/// The name the viewer gives the repository it opens.
pub const VIEWER_REPO: &str = "repository";

impl Destination {
    /// A configuration that lives in memory only, for the viewer: one repository,
    /// `restore-only`, its password inline (never written anywhere).
    pub fn viewer_config(&self, password: &Secret) -> Result<super::Config> {
        let location = self
            .location()
            .map_err(|m| Error::Input(crate::t!("config-location-incomplete", why = m)))?;
        let path = PathBuf::from(crate::t!("config-viewer-no-file"));
        let mut edit = ConfigEdit::from_text(&path, "")?;
        let repo = ["repos", VIEWER_REPO];
        edit.set(&repo, "uri", location.uri.as_str());
        edit.set(&repo, "password", password.expose());
        edit.set(&repo, "permissions", "restore-only");
        for (key, value, _) in &location.options {
            edit.set(
                &["repos", VIEWER_REPO, "backend-options"],
                key,
                value.as_str(),
            );
        }
        crate::redact::register(password.expose());
        super::Config::from_text(&path, edit.text(), true)
    }
}

/// Files a backup is better without, offered as presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExcludePreset {
    Caches,
    Temporary,
    System,
}

impl ExcludePreset {
    pub const ALL: [ExcludePreset; 3] = [
        ExcludePreset::Caches,
        ExcludePreset::Temporary,
        ExcludePreset::System,
    ];

    pub fn label(self) -> String {
        match self {
            ExcludePreset::Caches => crate::t!("exclude-caches"),
            ExcludePreset::Temporary => crate::t!("exclude-temporary"),
            ExcludePreset::System => crate::t!("exclude-system"),
        }
    }

    /// (case-sensitive globs, case-insensitive globs)
    pub fn globs(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            ExcludePreset::Caches => (
                &[
                    ".cache",
                    "Cache",
                    "Code Cache",
                    "GPUCache",
                    "CachedData",
                    "node_modules",
                    "__pycache__",
                    ".thumbnails",
                ],
                &[],
            ),
            ExcludePreset::Temporary => (
                &["*.tmp", "*.temp", "*.swp", "~$*", "*.part", "*.crdownload"],
                &[],
            ),
            ExcludePreset::System => (
                &[".Trash-*", ".Trash", "lost+found"],
                &[
                    "Thumbs.db",
                    "desktop.ini",
                    ".DS_Store",
                    "$RECYCLE.BIN",
                    "System Volume Information",
                    "hiberfil.sys",
                    "pagefile.sys",
                    "swapfile.sys",
                ],
            ),
        }
    }
}

/// Files and bytes a backup of `paths` would read, leaving out `presets` (a
/// preview: symlinks are not followed, unreadable folders are skipped).
pub fn estimate(paths: &[PathBuf], presets: &[ExcludePreset]) -> (u64, u64) {
    let mut exact = globset::GlobSetBuilder::new();
    let mut folded = globset::GlobSetBuilder::new();
    for p in presets {
        let (cs, ci) = p.globs();
        for g in cs {
            if let Ok(g) = globset::Glob::new(g) {
                exact.add(g);
            }
        }
        for g in ci {
            if let Ok(g) = globset::GlobBuilder::new(g).case_insensitive(true).build() {
                folded.add(g);
            }
        }
    }
    let exact = exact.build().unwrap_or_else(|_| globset::GlobSet::empty());
    let folded = folded.build().unwrap_or_else(|_| globset::GlobSet::empty());
    let cache_tag = presets.contains(&ExcludePreset::Caches);
    let (mut files, mut bytes) = (0u64, 0u64);
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if let Some(name) = path.file_name()
            && (exact.is_match(name) || folded.is_match(name))
        {
            continue;
        }
        if meta.is_dir() {
            if cache_tag && path.join("CACHEDIR.TAG").exists() {
                continue;
            }
            if let Ok(rd) = std::fs::read_dir(&path) {
                stack.extend(rd.flatten().map(|e| e.path()));
            }
        } else {
            files += 1;
            bytes += meta.len();
        }
    }
    (files, bytes)
}

/// A strong password a person can still copy by hand: five groups of five
/// characters from an alphabet without look-alikes (about 140 bits).
pub fn generate_password() -> Result<Secret> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::new();
    let mut bytes = [0u8; 64];
    getrandom::fill(&mut bytes).map_err(|e| {
        Error::Usage(crate::t!(
            "config-cannot-generate-password",
            cause = e.to_string()
        ))
    })?;
    let mut picked = 0;
    for b in bytes {
        // rejection sampling: no bias toward the first letters
        let limit = 256 - 256 % ALPHABET.len();
        if (b as usize) >= limit {
            continue;
        }
        if picked > 0 && picked % 5 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
        picked += 1;
        if picked == 25 {
            return Ok(Secret::new(out));
        }
    }
    generate_password()
}

/// How strong a typed password is: 0 (guessed at once) to 4 (very strong), and
/// what would make it better.
pub fn strength(password: &str) -> (u8, String) {
    if password.is_empty() {
        return (0, String::new());
    }
    let e = zxcvbn::zxcvbn(password, &[]);
    let score = u8::from(e.score());
    let advice = e
        .feedback()
        .and_then(|f| {
            f.warning()
                .map(|w| w.to_string())
                .or_else(|| f.suggestions().first().map(|s| s.to_string()))
        })
        .unwrap_or_default();
    (score, advice)
}

/// The weakest score the wizard accepts for a typed password.
pub const MIN_STRENGTH: u8 = 3;

/// Where the repository password is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordStore {
    /// The OS keyring (secrets of the destination go there too).
    Keyring,
    /// A file readable by the user alone, beside the configuration.
    File,
}

/// Everything the wizard gathered.
#[derive(Debug, Clone)]
pub struct NewRepository {
    /// The repository's name in the configuration ("default" for the first).
    pub name: String,
    pub paths: Vec<PathBuf>,
    pub excludes: Vec<ExcludePreset>,
    pub destination: Destination,
    pub password: Secret,
    pub store: PasswordStore,
    /// A schedule in the config's words ("manual", "daily at 02:30", "every 6h").
    pub schedule: String,
    /// No scheduled backup while the last is younger than this ("20h").
    pub skip_if_recent: Option<String>,
    /// A retention preset (14d, 30d, 90d, gfs, keep-all).
    pub retention: String,
}

/// What `write` did.
#[derive(Debug, Clone)]
pub struct Written {
    pub config: PathBuf,
    pub repo: String,
    /// Where the password is: "the keyring (entry …)" or the file.
    pub password_kept: String,
}

impl NewRepository {
    /// Writes the repository into `config_path`: a new file from the commented
    /// template, or a new `[repos.NAME]` in an existing one. Secrets go to the
    /// keyring (or the password to a private file); nothing is written when the
    /// result would not pass `config check`.
    pub fn write(&self, config_path: &Path) -> Result<Written> {
        let location = self
            .destination
            .location()
            .map_err(|m| Error::Input(crate::t!("config-destination-incomplete", why = m)))?;
        let name = self.name.trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_".contains(c))
        {
            return Err(Error::Input(crate::t!("config-bad-repo-name", name = name)));
        }
        let dir = config_path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let new_file = !config_path.exists();
        let password_file = dir.join(format!("{SHORT_NAME}-{name}.password"));
        let mut edit = if new_file {
            let text = super::template::template_text(&self.paths, &location.uri, &password_file)
                .replace("[repos.default", &format!("[repos.{name}"));
            ConfigEdit::from_text(config_path, &text)?
        } else {
            let edit = ConfigEdit::open(config_path)?;
            if edit.get_str(&["repos", name], "uri").is_some()
                || edit.get_str(&["repos", name], "group").is_some()
            {
                return Err(Error::Input(crate::t!(
                    "config-repo-name-taken",
                    file = config_path.display().to_string(),
                    name = name
                )));
            }
            edit
        };
        let repo = ["repos", name];
        // a new file's repository belongs to the template's group; one added to an
        // existing file stands alone, so that nothing of another group leaks into it
        let (settings, own): (Vec<&str>, bool) = if new_file {
            (vec!["groups", "default"], false)
        } else {
            (vec!["repos", name], true)
        };
        edit.set(&repo, "uri", location.uri.as_str());
        let paths: toml_edit::Array = self.paths.iter().map(|p| p.display().to_string()).collect();
        let mut at = settings.clone();
        at.push("backup");
        edit.set(&at, "paths", paths);
        if own || !self.excludes.is_empty() {
            let (mut cs, mut ci) = (Vec::new(), Vec::new());
            for p in &self.excludes {
                let (a, b) = p.globs();
                cs.extend_from_slice(a);
                ci.extend_from_slice(b);
            }
            if new_file {
                // the template's own list stays; the presets add to it
                for (key, add) in [("exclude", &cs), ("iexclude", &ci)] {
                    let mut list: Vec<String> = edit.get_array(&at, key).unwrap_or_default();
                    for g in add.iter() {
                        if !list.iter().any(|x| x == g) {
                            list.push(g.to_string());
                        }
                    }
                    edit.set(&at, key, list.iter().collect::<toml_edit::Array>());
                }
            } else {
                edit.set(
                    &at,
                    "exclude",
                    cs.iter().copied().collect::<toml_edit::Array>(),
                );
                edit.set(
                    &at,
                    "iexclude",
                    ci.iter().copied().collect::<toml_edit::Array>(),
                );
            }
            edit.set(
                &at,
                "exclude-caches",
                self.excludes.contains(&ExcludePreset::Caches),
            );
        }
        let mut at = settings.clone();
        at.push("schedule");
        edit.set(&at, "backup", self.schedule.as_str());
        match &self.skip_if_recent {
            Some(d) => edit.set(&at, "skip-if-recent", d.as_str()),
            None => {
                edit.remove(&at, "skip-if-recent");
            }
        }
        let mut at = settings.clone();
        at.push("retention");
        edit.set(&at, "preset", self.retention.as_str());

        // the secrets
        let password_kept = match self.store {
            PasswordStore::Keyring => {
                let entry = keyring::new_key(name, "password");
                keyring::set(
                    &entry,
                    &self.password,
                    &crate::t!("config-keyring-what-password", repo = name),
                )?;
                edit.replace(
                    &repo,
                    super::PASSWORD_KEYS,
                    "password-keyring",
                    entry.as_str(),
                );
                crate::t!("config-password-kept-keyring", entry = entry.as_str())
            }
            PasswordStore::File => {
                if password_file.exists() {
                    return Err(Error::Input(crate::t!(
                        "config-password-file-exists",
                        path = password_file.display().to_string()
                    )));
                }
                edit.replace(
                    &repo,
                    super::PASSWORD_KEYS,
                    "password-file",
                    password_file.display().to_string(),
                );
                crate::t!(
                    "config-password-kept-file",
                    path = password_file.display().to_string()
                )
            }
        };
        let options_at = ["repos", name, "backend-options"];
        for (key, value, secret) in &location.options {
            if *secret && self.store == PasswordStore::Keyring {
                let entry = keyring::new_key(name, &key.replace('_', "-"));
                keyring::set(
                    &entry,
                    &Secret::new(value.clone()),
                    &crate::t!(
                        "config-keyring-what-option",
                        option = key.as_str(),
                        repo = name
                    ),
                )?;
                edit.set(
                    &options_at,
                    key,
                    format!("{}{entry}", keyring::OPTION_PREFIX),
                );
            } else {
                edit.set(&options_at, key, value.as_str());
            }
        }
        if self.store == PasswordStore::File {
            crate::fsutil::write_atomic_in_new_folder(
                &password_file,
                format!("{}\n", self.password.expose()).as_bytes(),
                Some(0o600),
            )
            .map_err(|e| Error::io(crate::t!("io-writing-password-file"), &password_file, e))?;
        }
        if let Err(e) = edit.save() {
            if self.store == PasswordStore::File {
                let _ = std::fs::remove_file(&password_file);
            }
            return Err(e);
        }
        Ok(Written {
            config: config_path.to_path_buf(),
            repo: name.to_string(),
            password_kept,
        })
    }

    /// The recovery sheet: what someone needs to get the files back on another
    /// machine, password included. Meant to be printed or kept offline.
    pub fn recovery_sheet(&self) -> String {
        let location = self
            .destination
            .location()
            .map(|l| l.uri)
            .unwrap_or_default();
        let when = crate::humanize::local_minutes(jiff::Timestamp::now());
        let mut sheet = crate::t!(
            "config-recovery-sheet",
            when = when,
            host = gethostname::gethostname().to_string_lossy().to_string(),
            location = location.as_str(),
            password = self.password.expose()
        );
        sheet.push('\n');
        sheet
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(kind: DestinationKind, values: &[(&'static str, &str)]) -> Destination {
        let mut d = Destination::new(kind);
        for (k, v) in values {
            d.values.insert(k, v.to_string());
        }
        d
    }

    #[test]
    fn each_destination_becomes_a_location_or_names_what_is_missing() {
        let l = dest(DestinationKind::Local, &[("path", "/mnt/usb/backup")])
            .location()
            .unwrap();
        assert_eq!(l.uri, "/mnt/usb/backup");
        assert!(
            dest(DestinationKind::Local, &[("path", "backup")])
                .location()
                .unwrap_err()
                .contains("whole path")
        );
        let l = dest(
            DestinationKind::Sftp,
            &[
                ("user", "bob"),
                ("host", "nas"),
                ("port", "2222"),
                ("path", "srv/b"),
            ],
        )
        .location()
        .unwrap();
        assert_eq!(l.uri, "sftp://bob@nas:2222/srv/b");
        let l = dest(
            DestinationKind::Rest,
            &[
                ("url", "https://h:8000/me"),
                ("username", "me"),
                ("password", "pw"),
            ],
        )
        .location()
        .unwrap();
        assert_eq!(l.uri, "rest:https://h:8000/me");
        assert_eq!(l.options[1], ("password".into(), "pw".into(), true));
        let err = dest(DestinationKind::S3, &[("endpoint", "https://s3")])
            .location()
            .unwrap_err();
        assert_eq!(err, "Bucket is needed");
        let l = dest(
            DestinationKind::S3,
            &[
                ("endpoint", "https://s3.example/"),
                ("bucket", "b"),
                ("prefix", "/laptop/"),
                ("access_key_id", "AK"),
                ("secret_access_key", "SK"),
            ],
        )
        .location()
        .unwrap();
        assert_eq!(l.uri, "s3:https://s3.example/b/laptop");
        assert!(
            dest(DestinationKind::Rclone, &[("remote", "nocolon")])
                .location()
                .is_err()
        );
        // a URI keeps its variables in the configuration; the probe expands them
        let d = dest(
            DestinationKind::Uri,
            &[("uri", "rest:http://nas:8000/${MACHINE_ID}/${REPO_NAME}")],
        );
        assert_eq!(
            d.location().unwrap().uri,
            "rest:http://nas:8000/${MACHINE_ID}/${REPO_NAME}"
        );
        let t = d.target("docs", &Secret::new("x")).unwrap();
        let host = gethostname::gethostname().to_string_lossy().to_string();
        assert_eq!(t.uris[0], format!("rest:http://nas:8000/{host}/docs"));
        assert!(
            dest(
                DestinationKind::Uri,
                &[("uri", "/srv/${NO_SUCH_VARIABLE_HERE}")]
            )
            .target("docs", &Secret::new("x"))
            .unwrap_err()
            .contains("NO_SUCH_VARIABLE_HERE")
        );
    }

    #[test]
    fn every_destination_and_field_has_its_words() {
        for kind in DestinationKind::ALL {
            assert!(!kind.label().starts_with("dest-"), "{kind:?}");
            for f in kind.fields() {
                assert_ne!(f.text(), f.message_id(), "{kind:?} {}", f.key);
            }
        }
        for p in ExcludePreset::ALL {
            assert!(!p.label().starts_with("exclude-"), "{p:?}");
        }
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let a = generate_password().unwrap();
        let b = generate_password().unwrap();
        assert_eq!(a.expose().len(), 29);
        assert_ne!(a.expose(), b.expose());
        assert!(strength(a.expose()).0 >= MIN_STRENGTH);
        assert!(strength("password1").0 < MIN_STRENGTH);
        assert!(!strength("password1").1.is_empty());
    }

    #[test]
    fn the_estimate_leaves_out_the_presets() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docs/.cache")).unwrap();
        std::fs::write(root.join("docs/a.txt"), vec![0u8; 1000]).unwrap();
        std::fs::write(root.join("docs/b.tmp"), vec![0u8; 500]).unwrap();
        std::fs::write(root.join("docs/.cache/c"), vec![0u8; 300]).unwrap();
        std::fs::write(root.join("docs/THUMBS.DB"), vec![0u8; 7]).unwrap();
        let paths = vec![root.join("docs")];
        assert_eq!(estimate(&paths, &[]), (4, 1807));
        assert_eq!(estimate(&paths, &ExcludePreset::ALL), (1, 1000));
    }

    fn new_repo(name: &str, path: &Path, store: PasswordStore) -> NewRepository {
        NewRepository {
            name: name.into(),
            paths: vec![PathBuf::from("/home/me/Documents")],
            excludes: vec![ExcludePreset::Caches],
            destination: dest(
                DestinationKind::Local,
                &[("path", &path.display().to_string())],
            ),
            password: Secret::new("a-strong-password-for-tests"),
            store,
            schedule: "daily at 12:30".into(),
            skip_if_recent: Some("20h".into()),
            retention: "30d".into(),
        }
    }

    #[test]
    fn a_first_repository_becomes_the_commented_template() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("npbackup.toml");
        let w = new_repo("default", &dir.path().join("repo"), PasswordStore::File)
            .write(&config)
            .unwrap();
        assert!(w.password_kept.contains("npbackup-default.password"));
        let c = crate::config::Config::load(&config).unwrap();
        let rc = c.repo("default").unwrap();
        assert_eq!(rc.uri, dir.path().join("repo").display().to_string());
        assert_eq!(rc.backup.paths.as_deref().unwrap(), ["/home/me/Documents"]);
        let ex = rc.backup.exclude.clone().unwrap();
        assert!(ex.contains(&"*.tmp".to_string()) && ex.contains(&"node_modules".to_string()));
        assert_eq!(rc.schedule.backup.unwrap().to_string(), "daily at 12:30");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("npbackup-default.password")).unwrap(),
            "a-strong-password-for-tests\n"
        );
        let text = std::fs::read_to_string(&config).unwrap();
        assert!(text.contains("# Folders and files to back up."), "{text}");

        // a second one is added beside it, standing alone
        let w = new_repo("usb", &dir.path().join("usb"), PasswordStore::File)
            .write(&config)
            .unwrap();
        assert_eq!(w.repo, "usb");
        let c = crate::config::Config::load(&config).unwrap();
        assert_eq!(c.repo_names(), ["default", "usb"]);
        assert!(c.repo("usb").unwrap().group.is_none());
        // and the same name twice is refused, changing nothing
        let before = std::fs::read_to_string(&config).unwrap();
        assert!(
            new_repo("usb", &dir.path().join("x"), PasswordStore::File)
                .write(&config)
                .is_err()
        );
        assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
    }

    #[test]
    fn with_the_keyring_no_secret_reaches_the_file() {
        crate::config::keyring::tests::use_mock_store();
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("npbackup.toml");
        let mut r = new_repo("cloud", &dir.path().join("repo"), PasswordStore::Keyring);
        r.destination = dest(
            DestinationKind::S3,
            &[
                ("endpoint", "https://s3.example"),
                ("bucket", "b"),
                ("access_key_id", "AKIDEXAMPLE"),
                ("secret_access_key", "very-secret-key"),
            ],
        );
        r.write(&config).unwrap();
        let text = std::fs::read_to_string(&config).unwrap();
        assert!(!text.contains("very-secret-key") && !text.contains("a-strong-password"));
        let c = crate::config::Config::load(&config).unwrap();
        let (target, _) = crate::jobs::plan::target(&c, "cloud", None).unwrap();
        assert_eq!(target.password.expose(), "a-strong-password-for-tests");
        assert_eq!(
            target.backend_options["secret_access_key"],
            "very-secret-key"
        );
        assert_eq!(target.backend_options["access_key_id"], "AKIDEXAMPLE");
    }
}
