//! The repository engine: the only crate that talks to rustic_core and
//! rustic_backend. Opening and creating repositories (with fallback locations),
//! backup, browsing, restore, check, prune, keys, locks and statistics.
//! Everything here is blocking; callers run it off any async runtime. It must
//! not print: results are returned as this crate's own types, progress goes to
//! the `Progress` the caller passes in, errors are `npbackup_common::Error`s in
//! words. No rustic_core type appears in its public API.

mod backup;
mod browse;
mod compression;
pub mod crypto;
mod export;
pub mod findings;
pub mod libvirt;
pub mod location;
pub mod mount;
mod nbd;
pub mod ops;
pub mod progress;
pub mod rawpath;
pub mod repolock;
mod restore;
mod session;
mod stats;
pub mod throttle;
mod treeindex;

use std::{collections::BTreeMap, path::PathBuf};

use npbackup_common::{customization, dirs, error, fsutil, humanize, redact, secret, t};
use rustic_backend::BackendOptions;
use rustic_core::{
    ConfigOptions, Credentials, KeyOptions, OpenStatus, Repository, RepositoryOptions, RusticError,
};
use serde::Serialize;

pub use backup::{BackupRequest, BackupSource, BackupSummary, backup, parse_time, vma_name};
pub use browse::{
    DiffEntry, DiffKind, Entry, FindHit, Snapshot, SnapshotFilter, SnapshotInfo,
    copy_newest_snapshot, diff, dump, find, kind_name, ls, resolve_snapshot, snapshots,
};
pub use export::{ExportFormat, ExportSummary, export};
pub use location::Location;
pub use rawpath::SnapPath;
pub use restore::{
    Overwrite, RestoreFailure, RestoreRequest, RestoreSummary, abort as abort_restore, restore,
};
pub use session::{FindPattern, Session, Version};
pub use stats::{RepoStats, stats};

pub use compression::Compression;
pub use progress::{NoProgress, Progress, ProgressBar, ProgressKind};

use crate::{
    error::{Error, Result},
    secret::Secret,
};

/// The options of a key we create: scrypt calibrated as restic's (see
/// `crypto::calibrated_kdf`).
pub(crate) fn new_key_options() -> KeyOptions {
    KeyOptions::default().kdf(Some(crypto::calibrated_kdf()))
}

/// A rustic_core error as one of ours: what was being done, and what went wrong.
/// The error of reading the index of the repository at `uri` (for `map_err` of
/// `to_indexed()` and its kin).
pub(crate) fn index_error(uri: &str) -> impl Fn(Box<RusticError>) -> Error + '_ {
    move |e| engine_error(crate::t!("engine-reading-index-of", location = uri), &e)
}

pub(crate) fn engine_error(doing: impl Into<String>, err: &RusticError) -> Error {
    let message = if out_of_space(err) {
        // what a person can act on first; rustic's wording (the file) after it
        crate::t!("engine-disk-full", cause = describe(err))
    } else {
        describe(err)
    };
    Error::Engine {
        doing: doing.into(),
        message,
    }
}

/// Whether the error comes from a full disk or an exhausted quota anywhere in its
/// causes (a local repository, or the cache).
fn out_of_space(err: &RusticError) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(crate::error::is_out_of_space)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

/// What the engine needs to reach one repository.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RepoTarget {
    /// The configured name (or the URI when used without a config).
    pub name: String,
    /// The primary location first, then the fallbacks, in order.
    pub uris: Vec<String>,
    pub backend_options: BTreeMap<String, String>,
    /// Serialised only into a job's spec, which travels through a pipe.
    #[serde(with = "crate::secret::exposed")]
    pub password: Secret,
    pub cache_dir: Option<PathBuf>,
    pub no_cache: bool,
    /// Bandwidth limits of every transfer (`repo.upload-limit`, `repo.download-limit`).
    #[serde(default)]
    pub limits: throttle::Limits,
    /// Packs of about this many bytes for this session (`repo.pack-size`), else
    /// rustic's sizes that grow with the repository.
    #[serde(default)]
    pub pack_size: Option<u32>,
}

impl RepoTarget {
    /// One location and its password, nothing configured: named by the location,
    /// its secrets masked (a repository given on the command line, the viewer's,
    /// the wizard's before it is saved).
    pub fn at(uri: impl Into<String>, password: Secret) -> Self {
        let uri = uri.into();
        RepoTarget {
            name: crate::secret::mask_uri(&uri),
            uris: vec![uri],
            backend_options: BTreeMap::new(),
            password,
            cache_dir: None,
            no_cache: false,
            limits: throttle::Limits::default(),
            pack_size: None,
        }
    }

    /// The primary location (empty when none was given).
    pub fn primary(&self) -> &str {
        self.uris.first().map(String::as_str).unwrap_or_default()
    }
}

/// An open repository and where it was found.
pub struct OpenRepo {
    pub(crate) repo: Repository<OpenStatus>,
    /// The raw backends, for reading pack ranges beside rustic_core (restore).
    pub(crate) backends: rustic_core::RepositoryBackends,
    /// The location used (secrets masked).
    pub uri: String,
    /// The parsed location used.
    pub location: Location,
    /// `Some(i)` when the `i`-th fallback (1-based) was used instead of the primary.
    pub fallback: Option<usize>,
    /// The local cache folder (`None` when caching is off).
    pub cache_dir: Option<PathBuf>,
    /// The session's pack size (`repo.pack-size`), set over the repository's own.
    pub(crate) pack_size: Option<u32>,
}

/// Where a repository was reached, for the output of every command.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct RepoUsed {
    pub name: String,
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<usize>,
}

impl OpenRepo {
    /// The repository's id (its config's), in hex.
    pub fn repository_id(&self) -> String {
        self.repo.config().id.to_hex().to_string()
    }

    /// The repository format version (1, or 2 with compression).
    pub fn format_version(&self) -> u32 {
        self.repo.config().version
    }

    /// The id of the key this session opened the repository with, in hex.
    pub fn key_id(&self) -> Option<String> {
        self.repo.key_id().map(|k| k.to_hex().to_string())
    }

    /// The repository's data key, for files written beside rustic_core.
    pub fn key(&self) -> Result<crypto::RepoKey> {
        crypto::RepoKey::of(&self.repo)
    }

    pub fn used(&self, name: &str) -> RepoUsed {
        RepoUsed {
            name: name.to_string(),
            uri: self.uri.clone(),
            fallback: self.fallback,
        }
    }
}

/// A one-line description of a rustic_core error, without backtraces and without
/// rustic's "(kind: related to …)" classification, which tells a person nothing.
pub(crate) fn describe(err: &RusticError) -> String {
    let log = err.display_log();
    let log = log.strip_prefix("Error: ").unwrap_or(&log);
    let log = match log.find(" (kind: related to ") {
        Some(start) => match log[start..].find(')') {
            Some(end) => format!("{}{}", &log[..start], &log[start + end + 1..]),
            None => log.to_string(),
        },
        None => log.to_string(),
    };
    crate::redact::redact(&log)
}

fn repository_options(target: &RepoTarget) -> RepositoryOptions {
    let mut opts = RepositoryOptions::default().no_cache(target.no_cache);
    if let Some(dir) = target.cache_dir.clone().or_else(default_cache_dir) {
        opts = opts.cache_dir(dir);
    }
    opts
}

/// The cache folder the target asks for: its own, else the default; none with `no_cache`.
fn cache_dir(target: &RepoTarget) -> Option<PathBuf> {
    if target.no_cache {
        return None;
    }
    target.cache_dir.clone().or_else(default_cache_dir)
}

fn default_cache_dir() -> Option<PathBuf> {
    crate::dirs::project_dirs().map(|d| d.cache_dir().to_path_buf())
}

fn backend_for(
    location: &Location,
    limits: throttle::Limits,
) -> Result<rustic_core::RepositoryBackends> {
    let mut options = location.options.clone();
    if let Some(rate) = limits.upload {
        // rustic's REST client gives a whole request 10 minutes; a pack paced at a low
        // rate needs longer (packs reach 128 MiB), else every pack would time out
        let is_rest = ["rest:", "rclone:"]
            .iter()
            .any(|s| location.repository.starts_with(s));
        if is_rest && !options.contains_key("timeout") {
            let secs = (3 * throttle::LARGEST_PACK / rate.max(1)).max(600);
            options.insert("timeout".into(), format!("{secs}s"));
        }
    }
    BackendOptions::default()
        .repository(location.repository.clone())
        .options(options)
        .to_backends()
        .map(|backends| throttle::limit(backends, limits))
        .map_err(|e| {
            Error::Usage(crate::t!(
                "engine-bad-location",
                location = crate::secret::mask_uri(&location.repository),
                cause = describe(&e)
            ))
        })
}

/// Opens the repository, trying each location in turn while the previous one
/// cannot be reached. A wrong password or a missing repository stops the search:
/// those are answers, not outages.
pub fn open(target: &RepoTarget, pb: impl Progress) -> Result<OpenRepo> {
    crate::redact::register(target.password.expose());
    let mut failures = Vec::new();
    for (i, uri) in target.uris.iter().enumerate() {
        let masked = crate::secret::mask_uri(uri);
        let location = location::parse(uri, &target.backend_options)?;
        let (backends, repo) = prepare(&location, &masked, target, pb.clone())?;
        match repo.config_id() {
            Err(e) => {
                tracing::warn!(
                    user = %crate::t!(
                        "engine-location-unreachable",
                        location = masked.as_str(),
                        cause = describe(&e)
                    ),
                    "repository location {masked} cannot be reached: {}",
                    describe(&e)
                );
                failures.push(format!("{masked}: {}", describe(&e)));
                continue;
            }
            Ok(None) => {
                let hint = match location.local_path() {
                    Some(p) if !p.exists() => crate::t!("engine-hint-no-folder"),
                    _ => crate::t!("engine-hint-not-initialised"),
                };
                return Err(Error::NotInitialised {
                    location: masked,
                    hint,
                });
            }
            Ok(Some(_)) => {}
        }
        let mut repo = repo
            .open(&Credentials::password(target.password.expose()))
            .map_err(|e| open_error(&masked, &e))?;
        if let Some(size) = target.pack_size {
            repo.set_pack_size(size);
        }
        if i > 0 {
            // for the log: the job warns the user, naming the repository (`fallback`)
            tracing::info!("primary location unreachable; using fallback #{i}: {masked}");
        }
        return Ok(OpenRepo {
            repo,
            backends,
            uri: masked,
            location,
            fallback: (i > 0).then_some(i),
            cache_dir: cache_dir(target),
            pack_size: target.pack_size,
        });
    }
    Err(Error::Unreachable(crate::t!(
        "engine-unreachable",
        repo = target.name.as_str(),
        failures = failures.join("\n  ")
    )))
}

fn open_error(masked: &str, e: &RusticError) -> Error {
    if e.is_incorrect_password() {
        return Error::Credentials(crate::t!("engine-wrong-password", location = masked));
    }
    let cause = describe(e);
    // rustic_core: "Couldn't deserialize the data for key `4605c5f4`.", "Invalid scrypt
    // parameters" (and no other key could be tried: see vendor/rustic_core keyfile.rs)
    let damaged_key = cause
        .split_once("for key `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(key, _)| key.to_string())
        .or_else(|| cause.contains("scrypt parameters").then(String::new));
    match damaged_key {
        // not a wrong password: the repository is damaged
        Some(key) => Error::Engine {
            doing: crate::t!("engine-opening", location = masked),
            message: crate::t!("engine-key-damaged", key = key, cause = cause.as_str()),
        },
        None => crate::engine_error(crate::t!("engine-opening", location = masked), e),
    }
}

/// The backends of `location` and a repository on them, not opened yet.
fn prepare(
    location: &Location,
    masked: &str,
    target: &RepoTarget,
    pb: impl Progress,
) -> Result<(rustic_core::RepositoryBackends, Repository<()>)> {
    let backends = backend_for(location, target.limits)?;
    let repo =
        Repository::new_with_progress(&repository_options(target), &backends, progress::Rustic(pb))
            .map_err(|e| {
                crate::engine_error(crate::t!("engine-preparing", location = masked), &e)
            })?;
    Ok((backends, repo))
}

/// The target's primary location, parsed, and as it may be shown (secrets masked).
fn primary_location(target: &RepoTarget) -> Result<(String, Location)> {
    let uri = target
        .uris
        .first()
        .ok_or_else(|| Error::Usage(crate::t!("engine-no-location")))?;
    Ok((
        crate::secret::mask_uri(uri),
        location::parse(uri, &target.backend_options)?,
    ))
}

/// What `probe` found at a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Probe {
    /// The location (secrets masked).
    pub location: String,
    /// A repository lives there (else it is empty or does not exist yet).
    pub exists: bool,
    /// With a password and a repository: whether the password opens it.
    pub password_opens: Option<bool>,
    /// A local folder that does not exist yet (init would create it).
    pub missing_folder: bool,
}

/// Looks at the primary location without changing anything: reachable (else an
/// `Unreachable` error), a repository there or not, and whether the target's
/// password (when not empty) opens it. For a setup's "Test connection".
pub fn probe(target: &RepoTarget, pb: impl Progress) -> Result<Probe> {
    let (masked, location) = primary_location(target)?;
    let missing_folder = location.local_path().is_some_and(|p| !p.exists());
    let (_, repo) = prepare(&location, &masked, target, pb)?;
    let exists = if missing_folder {
        false
    } else {
        match repo.config_id() {
            Ok(id) => id.is_some(),
            Err(e) => {
                return Err(Error::Unreachable(crate::t!(
                    "engine-probe-unreachable",
                    location = masked.as_str(),
                    cause = describe(&e)
                )));
            }
        }
    };
    let password_opens = if exists && !target.password.expose().is_empty() {
        match repo.open(&Credentials::password(target.password.expose())) {
            Ok(_) => Some(true),
            Err(e) if e.is_incorrect_password() => Some(false),
            Err(e) => return Err(open_error(&masked, &e)),
        }
    } else {
        None
    };
    Ok(Probe {
        location: masked,
        exists,
        password_opens,
        missing_folder,
    })
}

/// Creates a repository at the primary location.
pub fn init(
    target: &RepoTarget,
    compression: Compression,
    chunker_from: Option<&OpenRepo>,
    pb: impl Progress,
) -> Result<OpenRepo> {
    crate::redact::register(target.password.expose());
    let (masked, location) = primary_location(target)?;
    if target.password.expose().len() < 8 {
        return Err(Error::Credentials(crate::t!("engine-password-too-short")));
    }
    let (backends, repo) = prepare(&location, &masked, target, pb)?;
    match repo.config_id() {
        Ok(Some(_)) => {
            return Err(Error::Input(crate::t!(
                "engine-already-exists",
                location = masked.as_str()
            )));
        }
        Ok(None) => {}
        Err(e) => {
            return Err(Error::Unreachable(crate::t!(
                "engine-init-unreachable",
                location = masked.as_str(),
                cause = describe(&e)
            )));
        }
    }
    let credentials = Credentials::password(target.password.expose());
    let mut repo = match chunker_from {
        // same chunker parameters as another repository, so that `copy` deduplicates
        Some(other) => {
            let mut config = other.repo.config().clone();
            config.id = rustic_core::Id::random().into();
            config.is_hot = None;
            config.compression = compression.config_level();
            if other.pack_size.is_some() {
                // the other session's pack size is its own, not its repository's
                config.treepack_size = None;
                config.treepack_growfactor = None;
                config.treepack_size_limit = None;
                config.datapack_size = None;
                config.datapack_growfactor = None;
                config.datapack_size_limit = None;
            }
            repo.init_with_config(&credentials, &new_key_options(), config)
        }
        None => {
            let mut config = ConfigOptions::default();
            config.set_version = Some(2);
            config.set_compression = compression.config_level();
            repo.init(&credentials, &new_key_options(), &config)
        }
    }
    .map_err(|e| {
        crate::engine_error(crate::t!("engine-creating", location = masked.as_str()), &e)
    })?;
    if let Some(size) = target.pack_size {
        repo.set_pack_size(size);
    }
    Ok(OpenRepo {
        repo,
        backends,
        uri: masked,
        location,
        fallback: None,
        cache_dir: cache_dir(target),
        pack_size: target.pack_size,
    })
}
