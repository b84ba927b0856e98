//! Coming from NPBackup 3: its YAML configuration read as the original reads it
//! (the version range, the audience, encrypted values, groups and inheritance) and
//! written as ours, with a report of every key: mapped to what, or dropped and why.
//!
//! `import` decides everything in memory (nothing is written when a value does not
//! decrypt or the result would not load); `Import::write` then stores the secrets
//! (OS keyring or owner-only files), the original's bundled exclude lists and the
//! configuration, never over an existing file.

pub mod crypt;
mod map;
pub mod size;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use map::{BUNDLED_EXCLUDES, Entry, Outcome, Placement, PlannedSecret, SecretHome, merged};
use npbackup_common::fsutil;
use npbackup_core::config::{Config, Secret, keyring};
use yaml::Node;

/// What an import needs besides the file.
#[derive(Debug, Clone)]
pub struct Options {
    /// The keys encrypted values are tried with.
    pub keys: crypt::Keys,
    /// Where secrets go.
    pub secrets: SecretHome,
    /// Where the original's bundled exclude lists are written when named.
    pub excludes_dir: PathBuf,
    /// The audience this machine's configurations are for: "private" when a private
    /// build's key is given, else "public" (`_NPBACKUP_AUDIENCE` overrides, as in the
    /// original).
    pub audience: String,
    /// When set, `${RANDOM}` is derived from it instead of drawn: a file read again
    /// and again in memory (the original's command line) keeps its machine id.
    pub random_seed: Option<String>,
}

impl Options {
    /// The options for a configuration written to `output`: secrets in the keyring
    /// when one works (else in `secrets/` beside it), exclude lists in `excludes/`.
    pub fn for_output(output: &Path, keys: crypt::Keys, use_keyring: bool) -> Self {
        let dir = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let files = dir.join("secrets");
        let audience = std::env::var("_NPBACKUP_AUDIENCE").unwrap_or_else(|_| {
            if keys.source.starts_with("NPBACKUP_KEY") {
                "private".into()
            } else {
                "public".into()
            }
        });
        Options {
            keys,
            secrets: if use_keyring {
                SecretHome::Keyring { files }
            } else {
                SecretHome::Folder(files)
            },
            excludes_dir: dir.join("excludes"),
            audience,
            random_seed: None,
        }
    }
}

/// The seed of `${RANDOM}` for a file on this machine: `config import` and the
/// original's command line reading the same file choose the same machine id.
pub fn machine_seed(file: &Path) -> String {
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    format!(
        "{}@{host}",
        std::fs::canonicalize(file)
            .unwrap_or_else(|_| file.to_path_buf())
            .display()
    )
}

/// An imported configuration, not yet written.
#[derive(Debug)]
pub struct Import {
    /// Our configuration file.
    pub toml: String,
    /// The version the original's file declared.
    pub conf_version: String,
    pub secrets: Vec<PlannedSecret>,
    /// The original's bundled exclude lists to write.
    pub excludes: Vec<(PathBuf, &'static str)>,
    /// Every key of the original's file.
    pub report: Vec<Entry>,
    /// The repositories of the new configuration.
    pub repos: Vec<String>,
}

/// Why a file was not imported.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// Not YAML the original reads.
    Yaml {
        line: usize,
        column: usize,
        message: String,
    },
    /// Not a 3.0 or 3.1 configuration.
    Version(String),
    /// For another audience.
    Audience(String),
    /// Values that do not decrypt, by key: nothing was written.
    Undecryptable(Vec<(String, String)>),
    /// The result does not load (a bug of this importer, or a value ours refuses).
    Invalid(String),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Yaml {
                line,
                column,
                message,
            } => write!(f, "line {line}, column {column}: {message}"),
            ImportError::Version(m) | ImportError::Audience(m) | ImportError::Invalid(m) => {
                f.write_str(m)
            }
            ImportError::Undecryptable(list) => {
                let keys: Vec<String> = list.iter().map(|(k, why)| format!("{k}: {why}")).collect();
                write!(
                    f,
                    "{} encrypted value(s) do not decrypt, nothing was written:\n  {}",
                    list.len(),
                    keys.join("\n  ")
                )
            }
        }
    }
}

/// The version range the original accepts: 3.0 up to 3.1.x.
fn check_version(root: &Node) -> Result<String, ImportError> {
    let raw = match root.get("conf_version") {
        Node::Null => {
            let looks_v2 = !matches!(root.get("repo"), Node::Null)
                || !matches!(root.get("backup"), Node::Null);
            return Err(ImportError::Version(format!(
                "Config file version None is not in required version range min=3.0, max=3.1: {}; only NPBackup 3.0 and 3.1 files are imported (NPBackup 3 itself cannot read older ones). Start from `npbackup-cli config init` and copy the paths and repository over, or open the file once in NPBackup 3's configurator and save it",
                if looks_v2 {
                    "this is an NPBackup 2 file (no conf_version)"
                } else {
                    "the file has no conf_version"
                }
            )));
        }
        n => n.scalar().unwrap_or_default(),
    };
    let Some(v) = parse_version(&raw) else {
        return Err(ImportError::Version(format!(
            "Cannot read conf version from config file, which seems bogus: Invalid version: '{raw}'"
        )));
    };
    if v < (3, 0, 0) || (v.0, v.1) > (3, 1) {
        return Err(ImportError::Version(format!(
            "Config file version {raw} is not in required version range min=3.0, max=3.1"
        )));
    }
    Ok(raw)
}

/// "3.0", "3.0.4", "3.1.0-dev", "3.1.0.dev0" → (3, 0, 0), (3, 0, 4), (3, 1, 0).
fn parse_version(s: &str) -> Option<(u32, u32, u32)> {
    let s = s.trim().trim_start_matches('v');
    let mut nums = Vec::new();
    for part in s.split(['.', '-', '+']) {
        match part.parse::<u32>() {
            Ok(n) if nums.len() < 3 => nums.push(n),
            Ok(_) => break,
            Err(_) if !nums.is_empty() => break,
            Err(_) => return None,
        }
    }
    match nums.as_slice() {
        [a] => Some((*a, 0, 0)),
        [a, b] => Some((*a, *b, 0)),
        [a, b, c] => Some((*a, *b, *c)),
        _ => None,
    }
}

/// Reads an NPBackup 3 configuration (`text`, from the file `file`) and turns it
/// into ours.
pub fn import(text: &str, file: &Path, opts: &Options) -> Result<Import, ImportError> {
    let (root, lenient) = yaml::parse(text).map_err(|e| ImportError::Yaml {
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    if !matches!(root, Node::Map(_)) {
        return Err(ImportError::Version(format!(
            "Config file {} seems empty or invalid !",
            file.display()
        )));
    }
    let conf_version = check_version(&root)?;
    // the original's audience check (3.1): a file for another audience is refused
    if let Some(audience) = root.get("audience").scalar().filter(|a| !a.is_empty())
        && audience != opts.audience
    {
        let hint = if audience == "private" {
            " (a private build's file: give its key with NPBACKUP_KEY_LOCATION or NPBACKUP_KEY_COMMAND)"
        } else {
            ""
        };
        return Err(ImportError::Audience(format!(
            "Config file {} is for audience {audience}, but current audience is {}. Won't load this{hint}",
            file.display(),
            opts.audience
        )));
    }
    let mut m = map::Mapper::new(&root, &opts.keys, &opts.secrets, &opts.excludes_dir)
        .with_random_seed(opts.random_seed.clone());
    m.checked("conf_version", format!("{conf_version}: within 3.0 to 3.1"));
    if !root.get("audience").is_unset() {
        m.checked("audience", format!("{}: this machine's", opts.audience));
    }
    for l in lenient {
        m.checked(
            &format!("line {}", l.line),
            format!("column {}: {}", l.column, l.message),
        );
    }
    m.run();
    if !m.undecryptable.is_empty() {
        return Err(ImportError::Undecryptable(m.undecryptable));
    }
    let toml = format!(
        "# Imported from {} (NPBackup {conf_version}) by `npbackup-cli config import`.\n# `npbackup-cli config show --repo NAME` shows what each repository uses.\n\n{}",
        file.display(),
        m.doc
    );
    // a repository needs a location (the original loads a file without one, then
    // refuses every operation: "backend not ready")
    let mut no_uri = Vec::new();
    for (name, repo) in root.get("repos").entries() {
        let group = repo
            .get("repo_group")
            .scalar()
            .map(|g| root.path("groups").get(&g).clone());
        if repo.get("repo_uri").is_unset()
            && group.as_ref().is_none_or(|g| g.get("repo_uri").is_unset())
        {
            no_uri.push(format!("repos.{name}.repo_uri"));
        }
    }
    if !no_uri.is_empty() {
        return Err(ImportError::Invalid(format!(
            "no repository location in {} (NPBackup 3 cannot back up with this file either): set it in the file and import again",
            no_uri.join(", ")
        )));
    }
    // the result must load as any configuration does (the secret files are not
    // written yet: their settings are checked as environment variables)
    let mut check = m.doc.clone();
    let planned: Vec<String> = m
        .secrets
        .iter()
        .filter_map(|s| match &s.place {
            Placement::File(f) => Some(f.display().to_string()),
            Placement::Keyring(_) => None,
        })
        .collect();
    without_secret_files(check.as_table_mut(), &planned);
    let config =
        Config::from_text(Path::new("imported.toml"), check.to_string(), true).map_err(|e| {
            ImportError::Invalid(format!("the imported configuration does not load: {e}"))
        })?;
    let repos = config.repo_names();
    Ok(Import {
        toml,
        conf_version,
        secrets: m.secrets,
        excludes: m.excludes,
        report: m.report,
        repos,
    })
}

/// `…password-file = PLANNED` becomes `…password-env = "NPBACKUP_IMPORT_CHECK"`.
fn without_secret_files(table: &mut toml_edit::Table, planned: &[String]) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    for k in keys {
        let Some(item) = table.get_mut(&k) else {
            continue;
        };
        if let Some(t) = item.as_table_mut() {
            without_secret_files(t, planned);
        } else if let Some(prefix) = k.strip_suffix("password-file")
            && item
                .as_str()
                .is_some_and(|v| planned.iter().any(|p| p == v))
        {
            table.remove(&k);
            table.insert(
                &format!("{prefix}password-env"),
                toml_edit::value("NPBACKUP_IMPORT_CHECK"),
            );
        }
    }
}

impl Import {
    /// Stores the secrets, the exclude lists and then the configuration at `output`
    /// (readable by its owner alone). An existing configuration, secret file or
    /// exclude list is never replaced.
    pub fn write(&self, output: &Path) -> Result<(), String> {
        if output.exists() {
            return Err(format!(
                "{} exists: choose another file with --output (nothing was written)",
                output.display()
            ));
        }
        let files: Vec<&PathBuf> = self
            .secrets
            .iter()
            .filter_map(|s| match &s.place {
                Placement::File(f) => Some(f),
                Placement::Keyring(_) => None,
            })
            .collect();
        if (1..files.len()).any(|i| files[..i].contains(&files[i])) {
            return Err("two secrets planned into one file (nothing was written)".into());
        }
        for s in &self.secrets {
            if let Placement::File(f) = &s.place
                && f.exists()
            {
                return Err(format!(
                    "{} exists (for {}): move it away or choose another --output (nothing was written)",
                    f.display(),
                    s.from
                ));
            }
        }
        for s in &self.secrets {
            match &s.place {
                Placement::Keyring(key) => {
                    keyring::set(key, &Secret::new(s.value.clone()), &s.from)
                        .map_err(|e| format!("{}: {e}", s.from))?
                }
                Placement::File(f) => {
                    if let Some(dir) = f.parent() {
                        create_private_dir(dir)?;
                    }
                    fsutil::write_atomic(f, format!("{}\n", s.value).as_bytes(), Some(0o600))
                        .map_err(|e| format!("{}: {e}", f.display()))?;
                }
            }
        }
        for (path, text) in &self.excludes {
            if path.exists() {
                continue; // the same bundled list, or the user's edited copy: kept
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            fsutil::write_atomic(path, text.as_bytes(), Some(0o644))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fsutil::write_atomic(output, self.toml.as_bytes(), Some(0o600))
            .map_err(|e| format!("{}: {e}", output.display()))
    }
}

/// A folder for secrets: created readable by its owner alone (an existing one is
/// left as it is; the files in it are owner-only anyway).
fn create_private_dir(dir: &Path) -> Result<(), String> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_as_the_original_compares_them() {
        assert_eq!(parse_version("3.0"), Some((3, 0, 0)));
        assert_eq!(parse_version("3.0.4"), Some((3, 0, 4)));
        assert_eq!(parse_version("3.1.0-dev"), Some((3, 1, 0)));
        assert_eq!(parse_version("3.1.0.dev0"), Some((3, 1, 0)));
        assert_eq!(parse_version("three"), None);
        let v = |s: &str| check_version(&yaml::parse(&format!("conf_version: {s}\n")).unwrap().0);
        assert!(v("3.0").is_ok() && v("3.0.4").is_ok() && v("3.1.0").is_ok() && v("3.1.2").is_ok());
        for bad in ["2.2", "3.2.0", "4.0"] {
            let e = v(bad).unwrap_err();
            assert!(
                e.to_string()
                    .contains("is not in required version range min=3.0"),
                "{e}"
            );
        }
        assert!(v("bogus").is_err());
    }
}
