//! Backing up into an open repository: local paths (after refusing what cannot
//! work: a missing source, a source that is (inside) the repository), a
//! command's output, or standard input; and the minimum-size rule.

use std::{
    path::{Path, PathBuf},
    str::FromStr,
};

use rustic_core::{
    BackupOptions, CommandInput, Excludes, IndexedIdsStatus, LocalSourceFilterOptions, PathList,
    Repository, SnapshotOptions, StdinSource, repofile::SnapshotFile,
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
    /// What is backed up: the paths (default), a command's output, or stdin.
    #[serde(default)]
    pub source: BackupSource,
    /// Fewer bytes processed than this is an error and keeps no snapshot.
    #[serde(default)]
    pub minimum_size: Option<u64>,
}

/// What a backup reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum BackupSource {
    /// The request's `paths`.
    #[default]
    Files,
    /// The standard output of a command (e.g. `pg_dump mydb`), stored as `filename`.
    Command { command: String, filename: String },
    /// The job's standard input, stored as `filename`.
    Stdin { filename: String },
    /// A database's dump (`backup.source = "postgres"`, "mariadb", "mysql"): the
    /// output of `command` stored as `filename`, kept only when the dump succeeds.
    Database {
        kind: String,
        command: String,
        filename: String,
    },
    /// An SQLite database, copied online with `sqlite3`'s `.backup` (a consistent
    /// copy while others write) and stored as `filename`.
    Sqlite { database: PathBuf, filename: String },
    /// A Proxmox vzdump archive (VMA; `None`: on standard input), stored under
    /// `/vzdump/NAME/` as its configuration files and one image per disk in device
    /// order, so that the chunker sees the same bytes from one dump to the next.
    Vma {
        archive: Option<PathBuf>,
        name: String,
    },
    /// Proxmox dump folders (`backup.source = "vzdump"`): in each of the request's
    /// `paths` (a folder vzdump writes to, or one archive), the newest dump of each
    /// QEMU guest, each under `/vzdump/NAME/` as `Vma` lays it out.
    Vzdump,
    /// KVM guests through libvirt at `uri` (virsh's default when `None`): the
    /// domains `domains` names ("web1", "db-*"), each under `/libvirt/DOMAIN/` as its
    /// definition and its disk images, read while the guest runs on overlays.
    Libvirt {
        #[serde(default)]
        uri: Option<String>,
        domains: Vec<String>,
    },
}

impl BackupSource {
    /// What the backup reads, as the original's `backup_type` metrics label.
    pub fn label(&self) -> &str {
        match self {
            BackupSource::Files => "files",
            BackupSource::Stdin { .. } => "stdin",
            BackupSource::Command { .. } => "command",
            BackupSource::Database { kind, .. } => kind,
            BackupSource::Sqlite { .. } => "sqlite",
            BackupSource::Vma { .. } | BackupSource::Vzdump => "vzdump",
            BackupSource::Libvirt { .. } => "libvirt",
        }
    }

    /// Whether the backup runs a program of the configuration's.
    pub fn runs_commands(&self) -> bool {
        !matches!(
            self,
            BackupSource::Files
                | BackupSource::Stdin { .. }
                | BackupSource::Vma { .. }
                | BackupSource::Vzdump
        )
    }

    /// Whether the backup reads the job's standard input.
    pub fn reads_stdin(&self) -> bool {
        matches!(
            self,
            BackupSource::Stdin { .. } | BackupSource::Vma { archive: None, .. }
        )
    }
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
        .ok_or_else(|| Error::Input(crate::t!("engine-bad-time", time = s)))
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
    /// What was left out of the snapshot because it could not be read (a damaged
    /// dump in a dump folder: "archive: why"), the rest being saved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
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
                    user = %crate::t!("engine-re-include-ignored", pattern = p),
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
        let text = std::fs::read_to_string(f)
            .map_err(|e| Error::io(crate::t!("io-reading-exclude-file"), f, e))?;
        out.extend(text.lines().map(str::to_string));
    }
    Ok(out)
}

fn canonical(p: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(p).ok()
}

/// Backs up `req.paths`.
pub fn backup(open: OpenRepo, req: &BackupRequest) -> Result<BackupSummary> {
    let uri = open.uri.clone();
    // the browser's list of folders, brought up to date while the index is fresh
    let trees = super::treeindex::TreeSource::of(&open)
        .ok()
        .filter(|t| t.is_cached() && !req.dry_run);
    let mut skipped = Vec::new();
    let (repo, snap, excluded_repository) = match &req.source {
        BackupSource::Files => {
            let (repo, snap, excluded) = backup_files(open, req)?;
            (repo.drop_index(), snap, excluded)
        }
        BackupSource::Command { command, filename }
        | BackupSource::Database {
            command, filename, ..
        } => {
            let (repo, snap) = backup_command(open, req, command, filename)?;
            (repo.drop_index(), snap, None)
        }
        BackupSource::Sqlite { database, filename } => {
            let (repo, snap) = backup_sqlite(open, req, database, filename)?;
            (repo.drop_index(), snap, None)
        }
        BackupSource::Vma { archive, name } => {
            let archives = [(archive.clone(), name.clone())];
            let (repo, snap, _) = backup_vma(open, req, &archives, false)?;
            (repo.drop_index(), snap, None)
        }
        BackupSource::Vzdump => {
            let archives = vzdump_archives(&req.paths)?
                .into_iter()
                .map(|(name, file)| (Some(file), name))
                .collect::<Vec<_>>();
            let (repo, snap, left_out) = backup_vma(open, req, &archives, true)?;
            skipped = left_out;
            (repo.drop_index(), snap, None)
        }
        BackupSource::Libvirt { uri, domains } => {
            let (repo, snap) = super::libvirt::backup(open, req, uri.as_deref(), domains)?;
            (repo, snap, None)
        }
        BackupSource::Stdin { filename } => {
            let path = PathBuf::from(filename);
            let repo = index(open)?;
            let src = StdinSource::new(path.clone());
            let snap = repo
                .archive(&stream_options(req), &src, prepare_snapshot(req)?, &[path])
                .map_err(|e| {
                    crate::engine_error(
                        crate::t!("engine-backing-up-stdin", location = uri.as_str()),
                        &e,
                    )
                })?;
            (repo.drop_index(), snap, None)
        }
    };
    let mut summary = summarize(&snap, req.dry_run, excluded_repository);
    summary.skipped = skipped;
    if let Some(min) = req.minimum_size
        && summary.total_bytes_processed < min
    {
        if !req.dry_run {
            repo.delete_snapshots(&[snap.id])
                .map_err(|e| crate::engine_error(crate::t!("engine-removing-too-small"), &e))?;
        }
        // (the job process recognises this refusal by the key's name in it)
        return Err(Error::Input(crate::t!(
            "engine-too-small",
            processed = crate::humanize::size(summary.total_bytes_processed),
            minimum = crate::humanize::size(min)
        )));
    }
    if let Some(trees) = trees
        && let Err(e) = super::treeindex::TreeReader::load_from(trees)
    {
        tracing::warn!("the list of folders for browsing was not updated: {e}");
    }
    Ok(summary)
}

pub(super) fn index(open: OpenRepo) -> Result<Repository<IndexedIdsStatus>> {
    let uri = open.uri.clone();
    open.repo.to_indexed_ids().map_err(crate::index_error(&uri))
}

fn stream_options(req: &BackupRequest) -> BackupOptions {
    // a stream has no parent to compare with: like restic, always store it whole
    BackupOptions::default()
        .dry_run(req.dry_run)
        .parent_opts(rustic_core::ParentOptions::default().force(true))
}

pub(super) fn prepare_snapshot(req: &BackupRequest) -> Result<SnapshotFile> {
    let mut snap_opts = SnapshotOptions::default()
        .host(req.host.clone())
        .command(format!("{} backup", crate::customization::SHORT_NAME));
    if let Some(t) = &req.time {
        snap_opts = snap_opts.time(parse_time(t)?);
    }
    for tag in &req.tags {
        snap_opts = snap_opts.add_tags(tag).map_err(|e| {
            Error::Input(crate::t!(
                "engine-bad-tag",
                tag = tag.as_str(),
                cause = super::describe(&e)
            ))
        })?;
    }
    let mut snap = SnapshotFile::from_options(&snap_opts)
        .map_err(|e| crate::engine_error(crate::t!("engine-preparing-snapshot"), &e))?;
    // what restic (0.17 and later) and rustic write there: the program and its version
    snap.program_version = program_version();
    Ok(snap)
}

/// "npbackup 0.1.0 (rustic_core 0.13)", for the snapshot's `program_version`.
pub(super) fn program_version() -> String {
    format!(
        "{} {} (rustic_core 0.13)",
        crate::customization::SHORT_NAME,
        env!("CARGO_PKG_VERSION")
    )
}

/// Backs up a command's standard output as one file. A command that fails leaves
/// no snapshot: the one written while it ran is removed again, and the error says
/// what the command wrote on its standard error (`pg_dump: error: …`).
fn backup_command(
    open: OpenRepo,
    req: &BackupRequest,
    command: &str,
    filename: &str,
) -> Result<(Repository<IndexedIdsStatus>, SnapshotFile)> {
    use std::{io::Read, process::Stdio};
    let uri = open.uri.clone();
    let cmd = CommandInput::from_str(command).map_err(|e| {
        Error::Input(crate::t!(
            "engine-command-unparsable",
            command = command,
            cause = e.to_string()
        ))
    })?;
    let path = PathBuf::from(filename);
    let repo = index(open)?;
    let snapshot = prepare_snapshot(req)?;
    let cannot_start = |e: std::io::Error| {
        Error::Input(crate::t!(
            "engine-command-cannot-start",
            command = command,
            cause = e.to_string()
        ))
    };
    let mut child = std::process::Command::new(cmd.command())
        .args(cmd.args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(cannot_start)?;
    let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(cannot_start(std::io::Error::other("no pipe")));
    };
    // what the command says, its last 4 KiB, read beside its output so that it
    // never blocks on a full pipe
    let (tell, said) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tail: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stderr.read(&mut buf) {
            tail.extend_from_slice(&buf[..n]);
            let extra = tail.len().saturating_sub(4096);
            tail.drain(..extra);
        }
        let _ = tell.send(String::from_utf8_lossy(&tail).trim().to_string());
    });
    let src = ReaderSource::new(path.clone(), stdout, None);
    let archived = repo.archive(&stream_options(req), &src, snapshot, &[path]);
    if archived.is_err() {
        // the repository failed: the command must not wait on a pipe nobody reads
        let _ = child.kill();
    }
    let status = child.wait();
    // a process the command left running may hold its stderr open: wait only briefly
    let said = said
        .recv_timeout(std::time::Duration::from_secs(2))
        .map(|s| crate::redact::redact(&s))
        .unwrap_or_default();
    let snap = archived.map_err(|e| {
        crate::engine_error(
            crate::t!(
                "engine-backing-up-command",
                command = command,
                location = uri.as_str()
            ),
            &e,
        )
    })?;
    let failure = match status {
        Ok(s) if s.success() => None,
        Ok(s) => Some(s.to_string()),
        Err(e) => Some(e.to_string()),
    };
    if let Some(status) = failure {
        if !req.dry_run {
            repo.delete_snapshots(&[snap.id]).map_err(|e| {
                crate::engine_error(crate::t!("engine-removing-failed-command-snapshot"), &e)
            })?;
        }
        let cause = if said.is_empty() {
            status
        } else {
            format!("{status}: {said}")
        };
        return Err(Error::Input(crate::t!(
            "engine-command-failed",
            command = command,
            cause = cause
        )));
    }
    Ok((repo, snap))
}

/// Backs up an online copy of SQLite database `database` (made with `sqlite3`'s
/// `.backup` into a private temporary folder, removed afterwards) as `filename`.
fn backup_sqlite(
    open: OpenRepo,
    req: &BackupRequest,
    database: &Path,
    filename: &str,
) -> Result<(Repository<IndexedIdsStatus>, SnapshotFile)> {
    let uri = open.uri.clone();
    let shown = database.display().to_string();
    if !database.is_file() {
        return Err(Error::Input(crate::t!(
            "engine-sqlite-missing",
            database = shown
        )));
    }
    let copying = || crate::t!("engine-sqlite-copying", database = shown.as_str());
    // an absolute path: sqlite3 would read a name starting with "-" as an option
    let database = &std::path::absolute(database).map_err(|e| Error::io(copying(), database, e))?;
    let dir = private_folder(&open, "sqlite").map_err(|(at, e)| Error::io(copying(), at, e))?;
    let copy = dir.path().join("copy.sqlite");
    // sqlite3's dot-command arguments are quoted its own way: '…' with '' for '
    let quoted = format!("'{}'", copy.display().to_string().replace('\'', "''"));
    let out = std::process::Command::new("sqlite3")
        .arg("-bail")
        .arg(database)
        .arg(format!(".backup {quoted}"))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            Error::Input(crate::t!(
                "engine-sqlite-no-tool",
                database = shown.as_str(),
                cause = e.to_string()
            ))
        })?;
    let copied = std::fs::metadata(&copy).map(|m| m.len()).unwrap_or(0);
    if !out.status.success() || copied == 0 {
        let cause = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(Error::Input(crate::t!(
            "engine-sqlite-copy-failed",
            database = shown.as_str(),
            cause = cause
        )));
    }
    let file = std::fs::File::open(&copy).map_err(|e| Error::io(copying(), &copy, e))?;
    let path = PathBuf::from(filename);
    let src = ReaderSource::new(path.clone(), file, Some(copied));
    let repo = index(open)?;
    let snap = repo
        .archive(&stream_options(req), &src, prepare_snapshot(req)?, &[path])
        .map_err(|e| {
            crate::engine_error(
                crate::t!(
                    "engine-backing-up-sqlite",
                    database = shown.as_str(),
                    location = uri.as_str()
                ),
                &e,
            )
        })?;
    Ok((repo, snap))
}

/// The name a vzdump archive's folder gets in the snapshot: the guest's
/// (`vzdump-qemu-100-2024_05_01-10_00_00.vma.zst` → `qemu-100`), the same for every
/// dump of it so that each backup finds the previous one as its parent.
pub fn vma_name(archive: &Path) -> String {
    let file = archive
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    if let Some(rest) = file.strip_prefix("vzdump-") {
        let mut parts = rest.splitn(3, '-');
        if let (Some(kind), Some(id)) = (parts.next(), parts.next())
            && !kind.is_empty()
            && !id.is_empty()
        {
            return format!("{kind}-{id}");
        }
    }
    let stem = file.split(".vma").next().unwrap_or_default();
    if stem.is_empty() {
        "vma".into()
    } else {
        stem.to_string()
    }
}

/// A name safe as one path component (a configuration's or a device's name).
pub(super) fn component(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    match safe.as_str() {
        "" | "." | ".." => format!("_{safe}"),
        _ => safe,
    }
}

/// Whether `file` is named as vzdump names the archive of a QEMU guest: `.vma`,
/// compressed or not (not the `.dat` of a dump being written, a log, notes, or a
/// container's tar).
fn is_vma_archive(file: &str) -> bool {
    [".vma", ".vma.gz", ".vma.zst", ".vma.lzo"]
        .iter()
        .any(|ext| file.len() > ext.len() && file.ends_with(ext))
}

/// What a `vzdump` source backs up, as (name in the snapshot, archive): in each
/// path (a dump folder, or an archive), the newest archive of each guest, by the
/// time in its name, then by its modification time.
pub fn vzdump_archives(paths: &[PathBuf]) -> Result<Vec<(String, PathBuf)>> {
    // archives are read: a link to nothing is missing
    require_sources(paths, |p| std::fs::metadata(p).is_ok())?;
    let mut newest: std::collections::BTreeMap<String, (String, std::time::SystemTime, PathBuf)> =
        Default::default();
    for path in paths {
        let files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(path)
                .map_err(|e| Error::io(crate::t!("io-reading"), path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.file_name()
                            .is_some_and(|f| is_vma_archive(&f.to_string_lossy()))
                })
                .collect()
        } else {
            vec![path.clone()]
        };
        for file in files {
            let name = vma_name(&file);
            let key = file
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let mtime = std::fs::metadata(&file)
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            let later = newest
                .get(&name)
                .is_none_or(|(k, t, _)| (&key, mtime) > (k, *t));
            if later {
                newest.insert(name, (key, mtime, file));
            }
        }
    }
    if newest.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Input(crate::t!(
            "engine-vzdump-none",
            paths = shown.join(", ")
        )));
    }
    Ok(newest
        .into_iter()
        .map(|(name, (_, _, file))| (name, file))
        .collect())
}

/// Backs up vzdump archives, each `(file, NAME)` (`None`: standard input): each
/// read once (compressed or not), its configuration files and disks laid out in a
/// private folder beside the cache (disks as sparse files, each cluster at its
/// place, mtime the dump's time). One archive is backed up as `/vzdump/NAME`;
/// with `folder`, the snapshot is `/vzdump` with every NAME in it (a dump folder's
/// guests). The laid-out copies are removed afterwards.
fn backup_vma(
    open: OpenRepo,
    req: &BackupRequest,
    archives: &[(Option<PathBuf>, String)],
    folder: bool,
) -> Result<(Repository<IndexedIdsStatus>, SnapshotFile, Vec<String>)> {
    let shown_of = |archive: &Option<PathBuf>| {
        archive
            .as_ref()
            .map_or_else(|| "stdin".to_string(), |a| a.display().to_string())
    };
    let first = archives
        .first()
        .map(|(a, _)| shown_of(a))
        .unwrap_or_default();
    let stage = private_folder(&open, "vma").map_err(|(at, e)| {
        Error::io(
            crate::t!("engine-vma-staging", archive = first.as_str()),
            at,
            e,
        )
    })?;
    // in a dump folder, a damaged archive leaves its guest out, not the others
    let mut skipped = Vec::new();
    for (archive, name) in archives {
        let shown = shown_of(archive);
        let dir = stage.path().join(component(name));
        std::fs::create_dir(&dir).map_err(|e| {
            Error::io(
                crate::t!("engine-vma-staging", archive = shown.as_str()),
                &dir,
                e,
            )
        })?;
        let laid_out = match archive {
            Some(a) => npbackup_vma::open(a),
            None => npbackup_vma::decompressed(std::io::stdin()),
        }
        .map_err(|e| {
            Error::Input(crate::t!(
                "engine-vma-unreadable",
                archive = shown.as_str(),
                cause = e.to_string()
            ))
        })
        .and_then(|input| stage_vma(input, &dir, &shown));
        match laid_out {
            Ok(()) => {}
            Err(Error::Input(why)) if folder => {
                let _ = std::fs::remove_dir_all(&dir);
                skipped.push((name, why));
            }
            Err(e) => return Err(e),
        }
    }
    if skipped.len() == archives.len()
        && let Some((_, why)) = skipped.pop()
    {
        return Err(Error::Input(why));
    }
    for (name, why) in &skipped {
        tracing::warn!(
            user = %crate::t!("engine-vzdump-guest-left-out", guest = name.as_str(), cause = why.as_str()),
            "{name} is not in this snapshot: {why}"
        );
    }
    let skipped: Vec<String> = skipped.into_iter().map(|(_, why)| why).collect();
    let (dir, as_path) = match archives {
        [(_, name)] if !folder => (
            stage.path().join(component(name)),
            PathBuf::from("/vzdump").join(component(name)),
        ),
        _ => (stage.path().to_path_buf(), PathBuf::from("/vzdump")),
    };
    let opts = BackupOptions::default()
        .dry_run(req.dry_run)
        .as_path(Some(as_path));
    let source = PathList::from_iter([dir])
        .sanitize()
        .map_err(|e| Error::Input(crate::t!("engine-bad-sources", cause = e.to_string())))?;
    let uri = open.uri.clone();
    let repo = index(open)?;
    let snap = repo
        .backup(&opts, &source, prepare_snapshot(req)?)
        .map_err(|e| {
            crate::engine_error(crate::t!("engine-backing-up", location = uri.as_str()), &e)
        })?;
    Ok((repo, snap, skipped))
}

/// Lays a VMA archive out in `dir`: each configuration file, and each device as a
/// sparse file of its size with every cluster written at its offset. vzdump writes
/// every cluster (those of zeros too): an archive that lacks one was cut short,
/// even when it ends between two extents.
fn stage_vma(input: impl std::io::Read, dir: &Path, shown: &str) -> Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let bad = |e: npbackup_vma::Error| {
        Error::Input(crate::t!(
            "engine-vma-bad",
            archive = shown,
            cause = e.to_string()
        ))
    };
    let staging = || crate::t!("engine-vma-staging", archive = shown);
    let create = |path: &Path| {
        private_file(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::Input(crate::t!(
                "engine-vma-duplicate",
                archive = shown,
                name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default()
            )),
            _ => Error::io(staging(), path, e),
        })
    };
    let mut reader = npbackup_vma::Reader::new(input).map_err(bad)?;
    let header = reader.header().clone();
    let mtime = std::time::UNIX_EPOCH
        .checked_add(std::time::Duration::from_secs(header.ctime))
        .unwrap_or_else(std::time::SystemTime::now);
    for c in &header.configs {
        let path = dir.join(component(&c.name));
        let mut file = create(&path)?;
        file.write_all(&c.data)
            .and_then(|()| file.set_modified(mtime))
            .map_err(|e| Error::io(staging(), &path, e))?;
    }
    struct Disk {
        file: std::fs::File,
        path: PathBuf,
        size: u64,
        name: String,
        seen: Vec<bool>,
    }
    let mut disks = std::collections::HashMap::new();
    for d in &header.devices {
        let path = dir.join(format!("{}.raw", component(&d.name)));
        let file = create(&path)?;
        file.set_len(d.size)
            .map_err(|e| Error::io(staging(), &path, e))?;
        let clusters = d.size.div_ceil(npbackup_vma::CLUSTER_SIZE as u64) as usize;
        disks.insert(
            d.id,
            Disk {
                file,
                path,
                size: d.size,
                name: d.name.clone(),
                seen: vec![false; clusters],
            },
        );
    }
    while let Some(cluster) = reader.next_cluster().map_err(bad)? {
        let Some(disk) = disks.get_mut(&cluster.device) else {
            continue;
        };
        if let Some(seen) = disk.seen.get_mut(cluster.number as usize) {
            *seen = true;
        }
        for (i, block) in cluster.blocks() {
            let at = cluster.offset() + (i * npbackup_vma::BLOCK_SIZE) as u64;
            // the last cluster's blocks past the disk's end are not the disk's
            let keep = disk.size.saturating_sub(at).min(block.len() as u64) as usize;
            if keep == 0 {
                continue;
            }
            (&disk.file)
                .seek(SeekFrom::Start(at))
                .and_then(|_| (&disk.file).write_all(&block[..keep]))
                .map_err(|e| Error::io(staging(), &disk.path, e))?;
        }
    }
    for disk in disks.values() {
        if let Some(missing) = disk.seen.iter().position(|s| !s) {
            let have = disk.seen.iter().filter(|s| **s).count();
            return Err(Error::Input(crate::t!(
                "engine-vma-incomplete",
                archive = shown,
                device = disk.name.as_str(),
                have = have,
                all = disk.seen.len(),
                first = missing
            )));
        }
        disk.file
            .set_modified(mtime)
            .map_err(|e| Error::io(staging(), &disk.path, e))?;
    }
    Ok(())
}

/// A new file readable by its owner alone (`create_new`: never one that exists).
pub(super) fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// A new folder readable by this user alone, beside the cache (a tmpfs `/tmp` could
/// not hold a disk image or a large database), removed when dropped; the folders
/// that killed runs left behind are removed first.
fn private_folder(
    open: &OpenRepo,
    kind: &str,
) -> std::result::Result<tempfile::TempDir, (PathBuf, std::io::Error)> {
    let base = open.cache_dir.clone().unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&base).map_err(|e| (base.clone(), e))?;
    remove_stale_folders(&base);
    let mut builder = tempfile::Builder::new();
    let prefix = format!("npbackup-{kind}-{}-", std::process::id());
    builder.prefix(&prefix);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    builder.tempdir_in(&base).map_err(|e| (base.clone(), e))
}

/// Removes the private folders (VMA layouts, SQLite copies) of runs whose process
/// is gone: killed before they could remove them.
fn remove_stale_folders(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix("npbackup-vma-")
            .or_else(|| name.strip_prefix("npbackup-sqlite-"))
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether process `pid` exists (signal 0 reaches it, or is refused to us).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return true;
    };
    // SAFETY: kill with signal 0 sends nothing; it only checks the process exists
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// One stream stored as one file at `path` (a command's output, a database's copy),
/// readable once.
struct ReaderSource<R> {
    path: PathBuf,
    reader: std::sync::Mutex<Option<R>>,
    size: Option<u64>,
}

impl<R> ReaderSource<R> {
    fn new(path: PathBuf, reader: R, size: Option<u64>) -> Self {
        ReaderSource {
            path,
            reader: std::sync::Mutex::new(Some(reader)),
            size,
        }
    }
}

impl<R: std::io::Read + Send + 'static> rustic_core::ReadSource for ReaderSource<R> {
    type Open = R;
    type Iter = std::iter::Once<rustic_core::RusticResult<rustic_core::ReadSourceEntry<R>>>;

    fn size(&self) -> rustic_core::RusticResult<Option<u64>> {
        Ok(self.size)
    }

    fn entries(&self) -> Self::Iter {
        use rustic_core::repofile::{Metadata, Node, NodeType};
        let name = self.path.file_name().unwrap_or(self.path.as_os_str());
        let meta = Metadata {
            size: self.size.unwrap_or_default(),
            mtime: Some(jiff::Timestamp::now()),
            ..Default::default()
        };
        let open = match self.reader.lock() {
            Ok(mut r) => r.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        std::iter::once(Ok(rustic_core::ReadSourceEntry {
            path: self.path.clone(),
            node: Node::new_node(name, NodeType::File, meta),
            open,
        }))
    }
}

/// What a snapshot's own summary says of the backup that made it (`None`: the
/// program that wrote it gave none, as restic before 0.17).
pub(crate) fn summary_of(snap: &SnapshotFile) -> Option<BackupSummary> {
    snap.summary.as_ref()?;
    Some(summarize(snap, false, None))
}

fn summarize(
    snap: &SnapshotFile,
    dry_run: bool,
    excluded_repository: Option<String>,
) -> BackupSummary {
    let summary = snap.summary.clone().unwrap_or_default();
    BackupSummary {
        snapshot_id: (!dry_run).then(|| snap.id.to_hex().to_string()),
        time: snap.time.timestamp().to_string(),
        host: snap.hostname.clone(),
        paths: snap.paths.iter().cloned().collect(),
        tags: snap.tags.iter().cloned().collect(),
        parent: snap.parent.map(|p| p.to_hex().to_string()),
        dry_run,
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
        skipped: Vec::new(),
    }
}

/// Refuses no sources, and sources that do not exist (by `exists`), naming them all,
/// before anything is written.
fn require_sources(paths: &[PathBuf], exists: impl Fn(&Path) -> bool) -> Result<()> {
    if paths.is_empty() {
        return Err(Error::Input(crate::t!("engine-nothing-to-back-up")));
    }
    let missing: Vec<String> = paths
        .iter()
        .filter(|p| !exists(p))
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::Input(crate::t!(
            "engine-missing-sources",
            n = missing.len(),
            paths = missing.join(", ")
        )));
    }
    Ok(())
}

/// Backs up local paths.
fn backup_files(
    open: OpenRepo,
    req: &BackupRequest,
) -> Result<(Repository<IndexedIdsStatus>, SnapshotFile, Option<String>)> {
    // a link is backed up as a link, even when it points at nothing
    require_sources(&req.paths, |p| std::fs::symlink_metadata(p).is_ok())?;
    let paths: Vec<PathBuf> = req
        .paths
        .iter()
        .map(|p| std::path::absolute(p).map_err(|e| Error::io(crate::t!("io-resolving"), p, e)))
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
                return Err(Error::Input(crate::t!(
                    "engine-source-is-repository",
                    source = p.display().to_string(),
                    repository = repo_dir.display().to_string()
                )));
            }
            if repo_dir.starts_with(&src) {
                tracing::warn!(
                    user = %crate::t!(
                        "engine-repository-inside-source",
                        repository = repo_dir.display().to_string(),
                        source = p.display().to_string()
                    ),
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

    let snap = prepare_snapshot(req)?;
    let source = PathList::from_iter(paths.iter().cloned())
        .sanitize()
        .map_err(|e| Error::Input(crate::t!("engine-bad-sources", cause = e.to_string())))?;
    let uri = open.uri.clone();
    let repo = index(open)?;
    let snap = repo.backup(&opts, &source, snap).map_err(|e| {
        crate::engine_error(crate::t!("engine-backing-up", location = uri.as_str()), &e)
    })?;
    Ok((repo, snap, excluded_repository))
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
