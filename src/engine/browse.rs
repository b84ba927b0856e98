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
    pub fn matches(&self, snap: &SnapshotFile) -> bool {
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
}

impl From<&SnapshotFile> for SnapshotInfo {
    fn from(s: &SnapshotFile) -> Self {
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
        }
    }
}

fn all_snapshots(open: &OpenRepo) -> Result<Vec<SnapshotFile>> {
    let mut snaps = open.repo.get_all_snapshots().map_err(|e| {
        Error::engine(
            crate::t!("browse-reading-snapshots-of", location = open.uri.as_str()),
            &e,
        )
    })?;
    snaps.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
    Ok(snaps)
}

/// The snapshots matching `filter`, oldest first.
pub fn snapshots(open: &OpenRepo, filter: &SnapshotFilter) -> Result<Vec<SnapshotFile>> {
    Ok(all_snapshots(open)?
        .into_iter()
        .filter(|s| filter.matches(s))
        .collect())
}

/// Finds the one snapshot `id` names: `latest` (newest matching `filter`) or an
/// unambiguous prefix of its id.
pub fn resolve_snapshot(
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
    pub path: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub size: u64,
    pub mode: Option<u32>,
    pub mtime: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_target: Option<String>,
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
    Entry {
        path: path.to_string_lossy().to_string(),
        kind: kind_of(node).to_string(),
        size: node.meta.size,
        mode: node.meta.mode,
        mtime: node.meta.mtime.map(|t| t.to_string()),
        link_target: match &node.node_type {
            NodeType::Symlink { .. } => {
                Some(node.node_type.to_link().to_string_lossy().to_string())
            }
            _ => None,
        },
    }
}

/// A path inside a snapshot made absolute: "docs/a" → "/docs/a", "" → "/".
pub(super) fn absolute(path: &str) -> PathBuf {
    Path::new("/").join(path.trim().trim_start_matches('/'))
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

fn node_at(
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
pub fn ls(open: OpenRepo, snap: &SnapshotFile, path: &str, recursive: bool) -> Result<Vec<Entry>> {
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

pub fn find(open: OpenRepo, pattern: &str, filter: &SnapshotFilter) -> Result<Vec<FindHit>> {
    let ids: Vec<String> = snapshots(&open, filter)?
        .iter()
        .map(|s| s.id.to_hex().to_string())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let session = super::Session::open(open)?;
    let mut hits = Vec::new();
    session.find(pattern, &ids, &|| false, &mut |found| hits.extend(found))?;
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
    pub change: DiffKind,
    pub size_before: Option<u64>,
    pub size_after: Option<u64>,
}

/// Compares two snapshots, path by path.
pub fn diff(open: OpenRepo, a: &SnapshotFile, b: &SnapshotFile) -> Result<Vec<DiffEntry>> {
    let session = super::Session::open(open)?;
    session.diff(&a.id.to_hex(), &b.id.to_hex())
}

/// Writes the content of the file at `path` in `snap` to `out`.
pub fn dump(open: OpenRepo, snap: &SnapshotFile, path: &str, out: &mut impl Write) -> Result<()> {
    let repo: Repository<_> = open.repo.to_indexed().map_err(|e| {
        Error::engine(
            crate::t!("engine-reading-index-of", location = open.uri.as_str()),
            &e,
        )
    })?;
    let node = node_at(&repo, snap, path)?;
    if !node.is_file() {
        return Err(Error::Input(crate::t!(
            "browse-dump-not-a-file",
            path = snapshot_path(path),
            kind = kind_name(kind_of(&node)),
            snapshot = short_id(snap)
        )));
    }
    repo.dump(&node, out)
        .map_err(|e| Error::engine(crate::t!("browse-reading-from-snapshot", path = path), &e))
}
