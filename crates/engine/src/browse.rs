//! Reading a repository: snapshot lists and filters, resolving a snapshot id
//! (`latest`, a prefix), listing a folder, finding files across all snapshots,
//! comparing two snapshots and dumping one file.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use rustic_core::{
    Repository,
    repofile::{Node, NodeType, SnapshotFile},
};
use serde::Serialize;

use super::OpenRepo;
use crate::error::{Error, Result};

/// Which snapshots a command looks at.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SnapshotFilter {
    /// All of these tags must be present.
    pub tags: Vec<String>,
    pub hosts: Vec<String>,
    /// The snapshot must contain this path among its backed-up paths.
    pub paths: Vec<String>,
}

impl SnapshotFilter {
    pub(crate) fn matches(&self, snap: &SnapshotFile) -> bool {
        (self.hosts.is_empty() || self.hosts.iter().any(|h| h == &snap.hostname))
            && self.tags.iter().all(|t| snap.tags.iter().any(|x| x == t))
            && self.paths.iter().all(|p| snap.paths.iter().any(|x| x == p))
    }
}

/// A snapshot as shown to users.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SnapshotInfo {
    pub id: String,
    pub short_id: String,
    pub time: String,
    pub host: String,
    pub username: String,
    pub paths: Vec<String>,
    pub tags: Vec<String>,
    pub files: Option<u64>,
    pub size: Option<u64>,
    pub data_added: Option<u64>,
    /// The program that wrote the snapshot ("restic 0.17.3"), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program_version: Option<String>,
    /// The backup's whole summary, when asked for (the metrics read it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<super::BackupSummary>,
}

/// A snapshot of the repository, as the engine hands it out (restic's snapshot
/// file inside, for the engine's functions that take it back).
#[derive(Debug, Clone)]
pub struct Snapshot(pub(crate) SnapshotFile);

impl Snapshot {
    /// The id, in hex.
    pub fn id(&self) -> String {
        self.0.id.to_hex().to_string()
    }

    /// The id's first 8 characters, as messages show it.
    pub fn short_id(&self) -> String {
        short_id(&self.0)
    }

    pub fn time(&self) -> jiff::Timestamp {
        self.0.time.timestamp()
    }

    pub fn host(&self) -> &str {
        &self.0.hostname
    }

    /// What a list of snapshots shows of it.
    pub fn info(&self) -> SnapshotInfo {
        SnapshotInfo::of(&self.0)
    }

    /// What the backup that made it did, as its own summary says (none from restic
    /// before 0.17).
    pub fn summary(&self) -> Option<super::BackupSummary> {
        super::backup::summary_of(&self.0)
    }

    /// How long the backup that made it took, from start to end, in seconds.
    pub fn total_duration(&self) -> Option<f64> {
        self.0.summary.as_ref().map(|s| s.total_duration)
    }
}

impl SnapshotInfo {
    pub(crate) fn of(s: &SnapshotFile) -> Self {
        let id = s.id.to_hex().to_string();
        SnapshotInfo {
            short_id: id.chars().take(8).collect(),
            id,
            time: s.time.timestamp().to_string(),
            host: s.hostname.clone(),
            username: s.username.clone(),
            paths: s.paths.iter().cloned().collect(),
            tags: s.tags.iter().cloned().collect(),
            files: s.summary.as_ref().map(|x| x.total_files_processed),
            size: s.summary.as_ref().map(|x| x.total_bytes_processed),
            data_added: s.summary.as_ref().map(|x| x.data_added),
            program_version: Some(s.program_version.clone()).filter(|v| !v.is_empty()),
            backup: None,
        }
    }
}

fn all_snapshots(open: &OpenRepo) -> Result<Vec<SnapshotFile>> {
    let mut snaps = open.repo.get_all_snapshots().map_err(|e| {
        crate::engine_error(
            crate::t!("browse-reading-snapshots-of", location = open.uri.as_str()),
            &e,
        )
    })?;
    snaps.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
    Ok(snaps)
}

/// The snapshots matching `filter`, oldest first.
pub fn snapshots(open: &OpenRepo, filter: &SnapshotFilter) -> Result<Vec<Snapshot>> {
    Ok(snapshot_files(open, filter)?
        .into_iter()
        .map(Snapshot)
        .collect())
}

pub(crate) fn snapshot_files(
    open: &OpenRepo,
    filter: &SnapshotFilter,
) -> Result<Vec<SnapshotFile>> {
    Ok(all_snapshots(open)?
        .into_iter()
        .filter(|s| filter.matches(s))
        .collect())
}

/// Saves copies of the newest snapshot, one for each (time, host) given, and
/// returns how many: for benchmarks and tests that need a long history without
/// making it.
pub fn copy_newest_snapshot(open: &OpenRepo, copies: &[(jiff::Zoned, String)]) -> Result<usize> {
    let newest = all_snapshots(open)?
        .pop()
        .ok_or_else(|| Error::Input(crate::t!("browse-no-latest", location = open.uri.as_str())))?;
    let copies: Vec<SnapshotFile> = copies
        .iter()
        .map(|(time, host)| {
            let mut s = newest.clone();
            s.id = Default::default();
            s.time = time.clone();
            s.hostname = host.clone();
            s
        })
        .collect();
    for chunk in copies.chunks(1000) {
        open.repo
            .save_snapshots(chunk.to_vec())
            .map_err(|e| crate::engine_error(crate::t!("engine-saving-snapshots"), &e))?;
    }
    Ok(copies.len())
}

/// Finds the one snapshot `id` names: `latest` (newest matching `filter`) or an
/// unambiguous prefix of its id.
pub fn resolve_snapshot(open: &OpenRepo, id: &str, filter: &SnapshotFilter) -> Result<Snapshot> {
    resolve_snapshot_file(open, id, filter).map(Snapshot)
}

pub(crate) fn resolve_snapshot_file(
    open: &OpenRepo,
    id: &str,
    filter: &SnapshotFilter,
) -> Result<SnapshotFile> {
    let snaps = all_snapshots(open)?;
    if id == "latest" {
        return snaps
            .into_iter()
            .rfind(|s| filter.matches(s))
            .ok_or_else(|| {
                Error::Input(if filtered(filter) {
                    crate::t!("browse-no-latest-filtered", location = open.uri.as_str())
                } else {
                    crate::t!("browse-no-latest", location = open.uri.as_str())
                })
            });
    }
    let id_lc = id.to_ascii_lowercase();
    if id_lc.is_empty() || !id_lc.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::Input(crate::t!("browse-not-an-id", id = id)));
    }
    let mut found: Vec<SnapshotFile> = snaps
        .into_iter()
        .filter(|s| s.id.to_hex().to_string().starts_with(&id_lc))
        .collect();
    match found.len() {
        0 => Err(Error::Input(crate::t!(
            "browse-no-match",
            id = id,
            location = open.uri.as_str()
        ))),
        1 => Ok(found.remove(0)),
        n => Err(Error::Input(crate::t!(
            "browse-several-match",
            id = id,
            n = n,
            ids = found
                .iter()
                .map(|s| s.id.to_hex().chars().take(12).collect::<String>())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn filtered(filter: &SnapshotFilter) -> bool {
    !(filter.tags.is_empty() && filter.hosts.is_empty() && filter.paths.is_empty())
}

/// One entry of a listing.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Entry {
    /// The path as text (bytes that are not UTF-8 shown as U+FFFD).
    pub path: String,
    /// The path's exact bytes (base64), when `path` cannot carry them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_raw: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub size: u64,
    pub mode: Option<u32>,
    pub mtime: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_target: Option<String>,
    /// The link target's exact bytes (base64), when `link_target` cannot carry them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_target_raw: Option<String>,
}

impl Entry {
    /// The entry's path, byte for byte.
    pub fn exact_path(&self) -> super::SnapPath {
        match self.path_raw.as_deref().and_then(super::rawpath::from_raw) {
            Some(p) => super::SnapPath::new(p),
            None => super::SnapPath::from(self.path.as_str()),
        }
    }
}

/// An entry's kind ("file", "dir"…) as a person reads it, in the current language.
pub fn kind_name(kind: &str) -> String {
    match kind {
        "file" => crate::t!("cli-kind-file"),
        "dir" => crate::t!("cli-kind-dir"),
        "symlink" => crate::t!("cli-kind-symlink"),
        "dev" => crate::t!("cli-kind-dev"),
        "chardev" => crate::t!("cli-kind-chardev"),
        "fifo" => crate::t!("cli-kind-fifo"),
        "socket" => crate::t!("cli-kind-socket"),
        other => other.to_string(),
    }
}

pub(super) fn kind_of(node: &Node) -> &'static str {
    match node.node_type {
        NodeType::File => "file",
        NodeType::Dir => "dir",
        NodeType::Symlink { .. } => "symlink",
        NodeType::Dev { .. } => "dev",
        NodeType::Chardev { .. } => "chardev",
        NodeType::Fifo => "fifo",
        NodeType::Socket => "socket",
    }
}

pub(super) fn entry(path: &Path, node: &Node) -> Entry {
    let link = match &node.node_type {
        NodeType::Symlink { .. } => Some(node.node_type.to_link()),
        _ => None,
    };
    Entry {
        path: path.to_string_lossy().to_string(),
        path_raw: super::rawpath::raw_of(path),
        kind: kind_of(node).to_string(),
        size: node.meta.size,
        mode: node.meta.mode,
        mtime: node.meta.mtime.map(|t| t.to_string()),
        link_target: link.map(|l| l.to_string_lossy().to_string()),
        link_target_raw: link.and_then(super::rawpath::raw_of),
    }
}

/// A path inside a snapshot made absolute: "docs/a" → "/docs/a", "" → "/".
pub(super) fn absolute(path: &str) -> PathBuf {
    Path::new("/").join(path.trim().trim_start_matches('/'))
}

/// `absolute` for an exact path: its bytes kept, spaces included.
pub(super) fn absolute_path(path: &Path) -> PathBuf {
    let relative: PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .collect();
    Path::new("/").join(relative)
}

/// The first 8 characters of a snapshot's id, as messages show it.
pub(super) fn short_id(snap: &SnapshotFile) -> String {
    super::treeindex::short(&snap.id)
}

fn snapshot_path(path: &str) -> String {
    let p = path.trim();
    if p.is_empty() {
        "/".to_string()
    } else if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

pub(crate) fn node_at(
    repo: &Repository<impl rustic_core::IndexedTree>,
    snap: &SnapshotFile,
    path: &str,
) -> Result<Node> {
    let p = snapshot_path(path);
    repo.node_from_snapshot_and_path(snap, &p).map_err(|_| {
        Error::Input(crate::t!(
            "engine-not-in-snapshot",
            path = p.as_str(),
            snapshot = short_id(snap)
        ))
    })
}

/// Lists `path` in `snap`: one level unless `recursive`.
pub fn ls(open: OpenRepo, snap: &Snapshot, path: &str, recursive: bool) -> Result<Vec<Entry>> {
    let snap = &snap.0;
    let session = super::Session::of(open, vec![snap.clone()])?;
    session.list(&snap.id.to_hex(), path, recursive)
}

/// Every version of every file whose name (or, when the pattern has a `/`, path)
/// matches `pattern`, across all snapshots matching `filter`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct FindHit {
    pub snapshot: String,
    pub time: String,
    pub host: String,
    #[serde(flatten)]
    pub entry: Entry,
}

pub fn find(
    open: OpenRepo,
    pattern: &str,
    how: super::FindPattern,
    filter: &SnapshotFilter,
) -> Result<Vec<FindHit>> {
    let ids: Vec<String> = snapshot_files(&open, filter)?
        .iter()
        .map(|s| s.id.to_hex().to_string())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let session = super::Session::open(open)?;
    let mut hits = Vec::new();
    session.find(pattern, how, &ids, &|| false, &mut |found| {
        hits.extend(found)
    })?;
    Ok(hits)
}

/// What differs between two snapshots at one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiffKind {
    Added,
    Removed,
    /// Content changed.
    Changed,
    /// Same content, other metadata (mode, times, owner).
    Metadata,
    /// File became folder, or the like.
    TypeChanged,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DiffEntry {
    pub path: String,
    /// The path's exact bytes (base64), when `path` cannot carry them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_raw: Option<String>,
    pub change: DiffKind,
    pub size_before: Option<u64>,
    pub size_after: Option<u64>,
}

/// Compares two snapshots, path by path.
pub fn diff(open: OpenRepo, a: &Snapshot, b: &Snapshot) -> Result<Vec<DiffEntry>> {
    let (a, b) = (&a.0, &b.0);
    let session = super::Session::open(open)?;
    session.diff(&a.id.to_hex(), &b.id.to_hex())
}

/// Writes the content of the file at `path` in `snap` to `out`.
pub fn dump(open: OpenRepo, snap: &Snapshot, path: &str, out: &mut impl Write) -> Result<()> {
    let snap = &snap.0;
    let repo: Repository<_> = open
        .repo
        .to_indexed()
        .map_err(crate::index_error(&open.uri))?;
    let node = node_at(&repo, snap, path)?;
    if !node.is_file() {
        return Err(Error::Input(crate::t!(
            "browse-dump-not-a-file",
            path = snapshot_path(path),
            kind = kind_name(kind_of(&node)),
            snapshot = short_id(snap)
        )));
    }
    repo.dump(&node, out).map_err(|e| {
        crate::engine_error(crate::t!("browse-reading-from-snapshot", path = path), &e)
    })
}

#[cfg(test)]
mod tests {
    use rustic_core::repofile::{Node, SnapshotFile};

    /// What newer restic versions (and rustic) write into trees and snapshots is
    /// kept when we read and write them again (a tree of `repair snapshots`, a
    /// snapshot of `copy`).
    #[test]
    fn fields_of_newer_restic_and_rustic_survive_a_rewrite() {
        let node = r#"{"name":"report.docx","type":"file","mode":420,"mtime":"2024-05-01T10:00:00Z","uid":0,"gid":0,"size":5,"content":["0000000000000000000000000000000000000000000000000000000000000001"],"extended_attributes":[{"name":"user.tag","value":"dmFsdWU="}],"generic_attributes":{"windows.security_descriptor":"AQAEgA==","windows.file_attributes":{"ReadOnly":true,"Hidden":false}}}"#;
        let parsed: Node = serde_json::from_str(node).expect("a node");
        assert_eq!(parsed.meta.generic_attributes.0.len(), 2);
        let again: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&parsed).unwrap_or_default())
                .unwrap_or_default();
        let original: serde_json::Value = serde_json::from_str(node).unwrap_or_default();
        assert_eq!(again["generic_attributes"], original["generic_attributes"]);
        assert_eq!(
            again["extended_attributes"],
            original["extended_attributes"]
        );

        let snap = r#"{"time":"2026-01-02T03:04:05Z","tree":"0000000000000000000000000000000000000000000000000000000000000002","paths":["/home"],"hostname":"h","label":"nightly","description":"before the upgrade","delete":"Never","excludes":["*.tmp"],"program_version":"restic 0.17.3","summary":{"backup_start":"2026-01-02T03:04:05Z","backup_end":"2026-01-02T03:05:05Z","files_new":3,"total_bytes_processed":99},"a_field_of_tomorrow":{"kept":true}}"#;
        let parsed: SnapshotFile = serde_json::from_str(snap).expect("a snapshot");
        assert_eq!(parsed.label, "nightly");
        assert_eq!(parsed.program_version, "restic 0.17.3");
        assert_eq!(parsed.summary.as_ref().map(|s| s.files_new), Some(3));
        let again: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&parsed).unwrap_or_default())
                .unwrap_or_default();
        let original: serde_json::Value = serde_json::from_str(snap).unwrap_or_default();
        for key in [
            "label",
            "description",
            "delete",
            "excludes",
            "program_version",
            "a_field_of_tomorrow",
        ] {
            assert_eq!(again[key], original[key], "{key}");
        }
        assert_eq!(again["summary"]["files_new"], 3);
    }
}
