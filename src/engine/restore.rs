//! Restoring a snapshot (or chosen paths of it) into a folder, with an overwrite
//! policy that decides what happens to files already there.

use std::path::{Path, PathBuf};

use rustic_core::{LocalDestination, LsOptions, RestoreOptions, repofile::SnapshotFile};
use serde::{Deserialize, Serialize};

use super::OpenRepo;
use crate::error::{Error, Result};

/// What to do with a file that already exists in the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Overwrite {
    /// Leave every existing file alone and list it as a conflict.
    Never,
    /// Replace an existing file when its size or modification time differs.
    #[default]
    IfChanged,
    /// Read every existing file and replace it whenever its content differs.
    Always,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestoreRequest {
    pub target: PathBuf,
    /// Paths inside the snapshot to restore (all when empty).
    pub includes: Vec<String>,
    pub overwrite: Overwrite,
    pub dry_run: bool,
    /// Write runs of zeros as holes.
    pub sparse: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestoreSummary {
    pub snapshot: String,
    pub target: String,
    pub dry_run: bool,
    pub overwrite: Overwrite,
    /// Files written (new ones and replaced ones).
    pub files_restored: u64,
    pub files_replaced: u64,
    pub files_unchanged: u64,
    pub dirs: u64,
    /// Bytes to write.
    pub bytes_restored: u64,
    /// Bytes already present and correct.
    pub bytes_unchanged: u64,
    /// Existing files left alone because of `--overwrite never`.
    pub conflicts: Vec<String>,
}

fn normalise(include: &str) -> PathBuf {
    let p = include.trim();
    Path::new("/").join(p.trim_start_matches('/'))
}

/// Restores `snap` into `req.target`.
pub fn restore(
    open: OpenRepo,
    snap: &SnapshotFile,
    req: &RestoreRequest,
) -> Result<RestoreSummary> {
    if let Ok(meta) = std::fs::metadata(&req.target)
        && !meta.is_dir()
    {
        return Err(Error::Input(format!(
            "the restore target {} exists and is not a folder",
            req.target.display()
        )));
    }
    let repo = open
        .repo
        .to_indexed()
        .map_err(|e| Error::engine(format!("reading the index of {}", open.uri), &e))?;
    let root = repo
        .node_from_snapshot_and_path(snap, "/")
        .map_err(|e| Error::engine("reading the snapshot", &e))?;

    let includes: Vec<PathBuf> = req.includes.iter().map(|i| normalise(i)).collect();
    // Every include must exist, or the user would get an empty restore silently.
    for inc in &includes {
        if inc != Path::new("/")
            && repo
                .node_from_snapshot_and_path(snap, &inc.to_string_lossy())
                .is_err()
        {
            return Err(Error::Input(format!(
                "`{}` does not exist in snapshot {}",
                inc.display(),
                &snap.id.to_hex().to_string()[..8]
            )));
        }
    }

    let mut opts = RestoreOptions::default().verify_existing(req.overwrite == Overwrite::Always);
    if req.sparse {
        // rustic_core does not export the enum's name; its field type is inferred.
        opts.sparse = Some(
            serde_json::from_str("\"ByContent\"")
                .map_err(|e| Error::Usage(format!("sparse restore: {e}")))?,
        );
    }
    let listing = repo
        .ls(&root, &LsOptions::default())
        .map_err(|e| Error::engine("reading the snapshot", &e))?;

    // Decide up front which entries are restored.
    let mut conflicts = Vec::new();
    let mut skipped_dirs: Vec<PathBuf> = Vec::new();
    let mut selected = Vec::new();
    for item in listing {
        let (path, node) = item.map_err(|e| Error::engine("reading the snapshot", &e))?;
        let abs = Path::new("/").join(&path);
        if !includes.is_empty()
            && !includes
                .iter()
                .any(|i| abs.starts_with(i) || i.starts_with(&abs))
        {
            continue;
        }
        if skipped_dirs.iter().any(|d| path.starts_with(d)) {
            continue;
        }
        if req.overwrite == Overwrite::Never {
            let dest = req.target.join(&path);
            if let Ok(meta) = std::fs::symlink_metadata(&dest) {
                let both_dirs = meta.is_dir() && node.is_dir();
                if !both_dirs {
                    conflicts.push(dest.display().to_string());
                    if node.is_dir() {
                        skipped_dirs.push(path.clone());
                    }
                    continue;
                }
            }
        }
        selected.push((path, node));
    }

    let dest = LocalDestination::new(&req.target.to_string_lossy(), true, false)
        .map_err(|e| Error::engine(format!("preparing the target {}", req.target.display()), &e))?;
    let plan = repo
        .prepare_restore(&opts, selected.iter().map(clone_item), &dest, req.dry_run)
        .map_err(|e| {
            Error::engine(
                format!("preparing the restore into {}", req.target.display()),
                &e,
            )
        })?;
    let stats = plan.stats;
    let summary = RestoreSummary {
        snapshot: snap.id.to_hex().to_string(),
        target: req.target.display().to_string(),
        dry_run: req.dry_run,
        overwrite: req.overwrite,
        files_restored: stats.files.restore + stats.files.modify,
        files_replaced: stats.files.modify,
        files_unchanged: stats.files.unchanged + stats.files.verified,
        dirs: stats.dirs.restore + stats.dirs.unchanged + stats.dirs.modify,
        bytes_restored: plan.restore_size,
        bytes_unchanged: plan.matched_size,
        conflicts,
    };
    if !req.dry_run {
        repo.restore(plan, &opts, selected.iter().map(clone_item), &dest)
            .map_err(|e| Error::engine(format!("restoring into {}", req.target.display()), &e))?;
    }
    Ok(summary)
}

type Item = rustic_core::RusticResult<(PathBuf, rustic_core::repofile::Node)>;

fn clone_item(item: &(PathBuf, rustic_core::repofile::Node)) -> Item {
    Ok(item.clone())
}
