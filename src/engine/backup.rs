//! Backing up local paths into an open repository, after refusing what cannot
//! work: a missing source, a source that is (inside) the repository.

use std::path::{Path, PathBuf};

use rustic_core::{
    BackupOptions, Excludes, LocalSourceFilterOptions, PathList, SnapshotOptions,
    repofile::SnapshotFile,
};
use serde::{Deserialize, Serialize};

use super::OpenRepo;
use crate::error::{Error, Result};

/// Everything a backup needs besides the repository.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BackupRequest {
    pub paths: Vec<PathBuf>,
    /// Glob patterns to leave out.
    pub excludes: Vec<String>,
    /// Case-insensitive glob patterns to leave out.
    pub iexcludes: Vec<String>,
    pub exclude_files: Vec<PathBuf>,
    pub iexclude_files: Vec<PathBuf>,
    pub exclude_if_present: Vec<String>,
    pub exclude_caches: bool,
    pub one_file_system: bool,
    pub exclude_larger_than: Option<u64>,
    pub tags: Vec<String>,
    pub host: String,
    pub dry_run: bool,
    /// Record this time instead of now (RFC 3339, or "YYYY-MM-DD HH:MM:SS" local).
    #[serde(default)]
    pub time: Option<String>,
}

/// Parses a snapshot time given by a user.
pub fn parse_time(s: &str) -> Result<jiff::Zoned> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Ok(ts.to_zoned(jiff::tz::TimeZone::system()));
    }
    s.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::system()).ok())
        .ok_or_else(|| {
            Error::Input(format!(
                "`{s}` is not a time: write 2024-05-01T10:00:00Z or \"2024-05-01 10:00:00\""
            ))
        })
}

/// What a backup did (restic's summary, in our words).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupSummary {
    /// `None` on a dry run.
    pub snapshot_id: Option<String>,
    pub time: String,
    pub host: String,
    pub paths: Vec<String>,
    pub tags: Vec<String>,
    pub parent: Option<String>,
    pub dry_run: bool,
    pub files_new: u64,
    pub files_changed: u64,
    pub files_unmodified: u64,
    pub total_files_processed: u64,
    pub total_bytes_processed: u64,
    pub dirs_new: u64,
    pub dirs_changed: u64,
    pub dirs_unmodified: u64,
    pub data_added: u64,
    pub data_added_packed: u64,
    pub duration_seconds: f64,
    /// Paths left out because the repository lives inside them.
    pub excluded_repository: Option<String>,
}

/// Turns "leave this out" patterns into rustic's override globs, where a plain
/// glob would mean "only include this" and `!glob` means exclude.
fn exclude_globs(patterns: &[String]) -> Vec<String> {
    patterns
        .iter()
        .filter(|p| !p.trim().is_empty() && !p.trim_start().starts_with('#'))
        .filter_map(|p| {
            let p = p.trim();
            if p.starts_with('!') {
                // rustic's override globs treat a positive glob as "back up only
                // this", which would silently drop everything else: refuse it.
                tracing::warn!(
                    "ignoring the re-include pattern `{p}`: only exclusions are supported"
                );
                None
            } else {
                Some(format!("!{p}"))
            }
        })
        .collect()
}

fn read_pattern_files(files: &[PathBuf]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(f).map_err(|e| Error::io("reading the exclude file", f, e))?;
        out.extend(text.lines().map(str::to_string));
    }
    Ok(out)
}

fn canonical(p: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(p).ok()
}

/// Backs up `req.paths`.
pub fn backup(open: OpenRepo, req: &BackupRequest) -> Result<BackupSummary> {
    if req.paths.is_empty() {
        return Err(Error::Input(
            "nothing to back up: give paths on the command line or set backup.paths in the config"
                .into(),
        ));
    }
    let missing: Vec<String> = req
        .paths
        .iter()
        .filter(|p| std::fs::symlink_metadata(p).is_err())
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Input(format!(
            "these source paths do not exist, so nothing was backed up: {}",
            missing.join(", ")
        )));
    }
    let paths: Vec<PathBuf> = req
        .paths
        .iter()
        .map(|p| std::path::absolute(p).map_err(|e| Error::io("resolving", p, e)))
        .collect::<Result<_>>()?;

    let mut excludes = req.excludes.clone();
    excludes.extend(read_pattern_files(&req.exclude_files)?);
    let mut iexcludes = req.iexcludes.clone();
    iexcludes.extend(read_pattern_files(&req.iexclude_files)?);

    // The repository must not be backed up into itself.
    let mut excluded_repository = None;
    if let Some(repo_dir) = open.location.local_path().as_deref().and_then(canonical) {
        for p in &paths {
            let Some(src) = canonical(p) else { continue };
            if src.starts_with(&repo_dir) {
                return Err(Error::Input(format!(
                    "the source {} is the repository {} (or inside it): a repository cannot back itself up",
                    p.display(),
                    repo_dir.display()
                )));
            }
            if repo_dir.starts_with(&src) {
                tracing::warn!(
                    "the repository {} lies inside the source {}: leaving it out of the backup",
                    repo_dir.display(),
                    p.display()
                );
                excludes.push(repo_dir.display().to_string());
                excluded_repository = Some(repo_dir.display().to_string());
            }
        }
    }

    let mut exclude_if_present = req.exclude_if_present.clone();
    if req.exclude_caches && !exclude_if_present.iter().any(|f| f == "CACHEDIR.TAG") {
        exclude_if_present.push("CACHEDIR.TAG".into());
    }
    let filter = LocalSourceFilterOptions::default()
        .exclude_if_present(exclude_if_present)
        .one_file_system(req.one_file_system)
        .exclude_larger_than(req.exclude_larger_than.map(bytesize::ByteSize::b));
    let globs = Excludes::default()
        .globs(exclude_globs(&excludes))
        .iglobs(exclude_globs(&iexcludes));
    let opts = BackupOptions::default()
        .dry_run(req.dry_run)
        .excludes(globs)
        .ignore_filter_opts(filter);

    let mut snap_opts = SnapshotOptions::default()
        .host(req.host.clone())
        .command(format!("{} backup", crate::customization::SHORT_NAME));
    if let Some(t) = &req.time {
        snap_opts = snap_opts.time(parse_time(t)?);
    }
    for tag in &req.tags {
        snap_opts = snap_opts
            .add_tags(tag)
            .map_err(|e| Error::Input(format!("invalid tag `{tag}`: {}", super::describe(&e))))?;
    }
    let snap = SnapshotFile::from_options(&snap_opts)
        .map_err(|e| Error::engine("preparing the snapshot", &e))?;

    let source = PathList::from_iter(paths.iter().cloned())
        .sanitize()
        .map_err(|e| Error::Input(format!("cannot use the source paths: {e}")))?;

    let repo = open
        .repo
        .to_indexed_ids()
        .map_err(|e| Error::engine(format!("reading the index of {}", open.uri), &e))?;
    let snap = repo
        .backup(&opts, &source, snap)
        .map_err(|e| Error::engine(format!("backing up to {}", open.uri), &e))?;
    let summary = snap.summary.clone().unwrap_or_default();
    Ok(BackupSummary {
        snapshot_id: (!req.dry_run).then(|| snap.id.to_hex().to_string()),
        time: snap.time.timestamp().to_string(),
        host: snap.hostname.clone(),
        paths: snap.paths.iter().cloned().collect(),
        tags: snap.tags.iter().cloned().collect(),
        parent: snap.parent.map(|p| p.to_hex().to_string()),
        dry_run: req.dry_run,
        files_new: summary.files_new,
        files_changed: summary.files_changed,
        files_unmodified: summary.files_unmodified,
        total_files_processed: summary.total_files_processed,
        total_bytes_processed: summary.total_bytes_processed,
        dirs_new: summary.dirs_new,
        dirs_changed: summary.dirs_changed,
        dirs_unmodified: summary.dirs_unmodified,
        data_added: summary.data_added,
        data_added_packed: summary.data_added_packed,
        duration_seconds: summary.total_duration,
        excluded_repository,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_become_negated_globs() {
        let pats = vec![
            "*.tmp".to_string(),
            "!keep.tmp".into(),
            "# comment".into(),
            "".into(),
        ];
        assert_eq!(exclude_globs(&pats), vec!["!*.tmp".to_string()]);
    }
}
