//! A browsing session: the repository opened once (snapshots and the tree index
//! in memory), then any number of questions: list a folder, search by name across
//! snapshots, a path's history, the difference between two snapshots. The
//! desktop app keeps one open while its browser is shown, so a folder opens in
//! one or two tree reads instead of a repository open.
//!
//! Trees are content-addressed: a folder unchanged between snapshots is the same
//! tree. Search and diff use that: a tree searched once is not searched again for
//! the next snapshot, and equal subtrees are not compared.

use std::{
    cell::RefCell,
    collections::HashMap,
    path::{Path, PathBuf},
    rc::Rc,
};

use rustic_core::{
    TreeId,
    repofile::{Node, SnapshotFile},
};
use serde::{Deserialize, Serialize};

use super::{
    OpenRepo,
    browse::{DiffEntry, DiffKind, Entry, FindHit, absolute, entry, kind_of, short_id},
    treeindex::TreeReader,
};
use crate::error::{Error, Result};

/// Folder entries kept in memory between questions (folders a user goes back
/// to), counted in entries, not folders: a folder can hold one entry or a million.
/// About 50 MB.
const CACHED_ENTRIES: usize = 200_000;

/// One version of a path in the history across snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub snapshot: String,
    /// The snapshot's time (RFC 3339, UTC).
    pub time: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub size: u64,
    pub mtime: Option<String>,
    /// The content differs from the previous snapshot that had this path (always
    /// true for the first).
    pub changed: bool,
}

/// What a search found under a folder, in the folder's order: its matching
/// entries (their paths relative to it) and its sub-folders holding matches.
/// Sub-folders are shared, so a folder unchanged across snapshots is searched,
/// and its matches kept, once.
enum Found {
    Folder(Vec<Found>),
    Hit(Entry),
    Under(PathBuf, Rc<Found>),
}

impl Found {
    fn is_empty(&self) -> bool {
        matches!(self, Found::Folder(items) if items.is_empty())
    }

    /// The matches with their full paths, `at` being where this was found.
    fn flatten(&self, at: &Path, out: &mut Vec<Entry>) {
        match self {
            Found::Folder(items) => items.iter().for_each(|i| i.flatten(at, out)),
            Found::Hit(e) => {
                let mut e = e.clone();
                let full = at.join(e.exact_path().as_path());
                e.path = full.to_string_lossy().to_string();
                e.path_raw = super::rawpath::raw_of(&full);
                out.push(e);
            }
            Found::Under(name, found) => found.flatten(&at.join(name), out),
        }
    }
}

/// The folders read lately, up to `CACHED_ENTRIES` entries in all.
#[derive(Default)]
struct TreeCache {
    trees: HashMap<TreeId, Rc<Vec<Node>>>,
    entries: usize,
}

pub struct Session {
    reader: TreeReader,
    /// Oldest first.
    snaps: Vec<SnapshotFile>,
    trees: RefCell<TreeCache>,
}

impl Session {
    pub fn open(open: OpenRepo) -> Result<Session> {
        let snaps = open.repo.get_all_snapshots().map_err(|e| {
            crate::engine_error(
                crate::t!("browse-reading-snapshots-of", location = open.uri.as_str()),
                &e,
            )
        })?;
        Session::of(open, snaps)
    }

    /// A session on these snapshots only (already read).
    pub(crate) fn of(open: OpenRepo, mut snaps: Vec<SnapshotFile>) -> Result<Session> {
        snaps.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        let (reader, stats) = TreeReader::load(&open)?;
        tracing::debug!(
            "{} folders listed; {} index files from the cache, {} read",
            stats.trees,
            stats.cached,
            stats.read
        );
        Ok(Session {
            reader,
            snaps,
            trees: RefCell::default(),
        })
    }

    /// How many snapshots the session sees.
    pub fn snapshot_count(&self) -> usize {
        self.snaps.len()
    }

    /// The snapshot with this id (or unambiguous prefix).
    pub(crate) fn snapshot(&self, id: &str) -> Result<&SnapshotFile> {
        let id = id.to_ascii_lowercase();
        let mut found = self
            .snaps
            .iter()
            .filter(|s| !id.is_empty() && s.id.to_hex().starts_with(&id));
        match (found.next(), found.next()) {
            (Some(s), None) => Ok(s),
            (None, _) => Err(Error::Input(crate::t!(
                "browse-no-snapshot-id",
                id = id.as_str()
            ))),
            (Some(_), Some(_)) => Err(Error::Input(crate::t!(
                "browse-id-ambiguous",
                id = id.as_str()
            ))),
        }
    }

    /// A folder's entries, kept for the next question (browsing goes back and forth).
    fn tree(&self, id: TreeId) -> Result<Rc<Vec<Node>>> {
        if let Some(t) = self.trees.borrow().trees.get(&id) {
            return Ok(t.clone());
        }
        let nodes = self.read_tree(id)?;
        let mut cache = self.trees.borrow_mut();
        if cache.entries + nodes.len() > CACHED_ENTRIES {
            cache.trees.clear();
            cache.entries = 0;
        }
        cache.entries += nodes.len();
        cache.trees.insert(id, nodes.clone());
        Ok(nodes)
    }

    /// A folder's entries for a walk through many snapshots (a search, a diff): from
    /// the cache when there, else read without keeping them, so that one search
    /// does not hold every folder of every snapshot in memory.
    fn tree_passing(&self, id: TreeId) -> Result<Rc<Vec<Node>>> {
        if let Some(t) = self.trees.borrow().trees.get(&id) {
            return Ok(t.clone());
        }
        self.read_tree(id)
    }

    fn read_tree(&self, id: TreeId) -> Result<Rc<Vec<Node>>> {
        Ok(Rc::new(self.reader.tree(&id)?))
    }

    /// The node at `path` in the tree `root` (`None` when absent).
    fn node_at(&self, root: TreeId, path: &Path) -> Result<Option<Node>> {
        let mut tree = root;
        let mut node: Option<Node> = None;
        for part in path.components().filter_map(|c| match c {
            std::path::Component::Normal(p) => Some(p),
            _ => None,
        }) {
            if let Some(n) = &node {
                match n.subtree {
                    Some(sub) if n.is_dir() => tree = sub,
                    _ => return Ok(None),
                }
            }
            let nodes = self.tree(tree)?;
            match nodes
                .iter()
                .find(|n| n.name().as_ref() as &std::ffi::OsStr == part)
            {
                Some(n) => node = Some(n.clone()),
                None => return Ok(None),
            }
        }
        Ok(node)
    }

    /// The entries of the folder `path` of snapshot `snap` (one level).
    pub fn ls(&self, snap: &str, path: &str) -> Result<Vec<Entry>> {
        let (path, tree) = self.folder(snap, path)?;
        Ok(self
            .tree(tree)?
            .iter()
            .map(|n| entry(&path.join(n.name().as_ref() as &std::ffi::OsStr), n))
            .collect())
    }

    /// What is at `path` in `snap`: a file's own entry; a folder's entries, and
    /// with `recursive` everything under it, each folder before its contents.
    pub fn list(&self, snap: &str, path: &str, recursive: bool) -> Result<Vec<Entry>> {
        let snapshot = self.snapshot(snap)?;
        let at = absolute(path);
        if let Some(n) = self.node_at(snapshot.tree, &at)?
            && !n.is_dir()
        {
            return Ok(vec![entry(&at, &n)]);
        }
        if !recursive {
            return self.ls(snap, path);
        }
        let (at, tree) = self.folder(snap, path)?;
        let mut out = Vec::new();
        self.walk(tree, &at, &mut out)?;
        Ok(out)
    }

    fn walk(&self, tree: TreeId, at: &Path, out: &mut Vec<Entry>) -> Result<()> {
        for n in self.tree_passing(tree)?.iter() {
            let path = at.join(n.name().as_ref() as &std::ffi::OsStr);
            out.push(entry(&path, n));
            if let (true, Some(sub)) = (n.is_dir(), n.subtree) {
                self.walk(sub, &path, out)?;
            }
        }
        Ok(())
    }

    /// The folder `path` of snapshot `snap`: its absolute path and its tree.
    fn folder(&self, snap: &str, path: &str) -> Result<(PathBuf, TreeId)> {
        let snap = self.snapshot(snap)?;
        let path = absolute(path);
        let tree = if path == Path::new("/") {
            snap.tree
        } else {
            match self.node_at(snap.tree, &path)? {
                Some(n) if n.is_dir() => n.subtree.ok_or_else(|| {
                    Error::Input(crate::t!(
                        "browse-no-contents",
                        path = path.display().to_string()
                    ))
                })?,
                Some(n) => {
                    return Err(Error::Input(crate::t!(
                        "browse-not-a-folder",
                        path = path.display().to_string(),
                        kind = super::browse::kind_name(kind_of(&n))
                    )));
                }
                None => {
                    return Err(Error::Input(crate::t!(
                        "engine-not-in-snapshot",
                        path = path.display().to_string(),
                        snapshot = short_id(snap)
                    )));
                }
            }
        };
        Ok((path, tree))
    }

    /// Finds names matching `pattern` in the snapshots `ids` (all when empty),
    /// newest snapshot first; `each` gets one snapshot's hits at a time. A pattern
    /// without `*`, `?` or `[` matches anywhere in the name; case is ignored; a
    /// pattern with a `/` matches the whole path. Stops early when `stop` says so.
    pub fn find(
        &self,
        pattern: &str,
        how: FindPattern,
        ids: &[String],
        stop: &dyn Fn() -> bool,
        each: &mut dyn FnMut(Vec<FindHit>),
    ) -> Result<()> {
        let matcher = Matcher::new(pattern, how)?;
        let snaps: Vec<&SnapshotFile> = if ids.is_empty() {
            self.snaps.iter().rev().collect()
        } else {
            ids.iter()
                .map(|id| self.snapshot(id))
                .collect::<Result<_>>()?
        };
        let mut memo = HashMap::new();
        for snap in snaps {
            if stop() {
                return Ok(());
            }
            let found = self.search(snap.tree, Path::new("/"), &matcher, &mut memo, stop)?;
            let mut entries = Vec::new();
            found.flatten(Path::new("/"), &mut entries);
            let hits = entries
                .into_iter()
                .map(|entry| FindHit {
                    snapshot: snap.id.to_hex().to_string(),
                    time: snap.time.timestamp().to_string(),
                    host: snap.hostname.clone(),
                    entry,
                })
                .collect();
            each(hits);
        }
        Ok(())
    }

    /// The matches under `tree`; trees seen before come from `memo` (shared, not copied).
    fn search(
        &self,
        tree: TreeId,
        at: &Path,
        matcher: &Matcher,
        memo: &mut HashMap<TreeId, Rc<Found>>,
        stop: &dyn Fn() -> bool,
    ) -> Result<Rc<Found>> {
        // whole-path patterns depend on where the tree is: memoised by place too
        if !matcher.full_path
            && let Some(found) = memo.get(&tree)
        {
            return Ok(found.clone());
        }
        let mut items = Vec::new();
        if !stop() {
            for node in self.tree_passing(tree)?.iter() {
                let name = PathBuf::from(node.name().as_ref() as &std::ffi::OsStr);
                if matcher.matches(&at.join(&name), &name) {
                    items.push(Found::Hit(entry(&name, node)));
                }
                if let (true, Some(sub)) = (node.is_dir(), node.subtree) {
                    let below = self.search(sub, &at.join(&name), matcher, memo, stop)?;
                    if !below.is_empty() {
                        items.push(Found::Under(name, below));
                    }
                }
            }
        }
        let out = Rc::new(Found::Folder(items));
        if !matcher.full_path && !stop() {
            memo.insert(tree, out.clone());
        }
        Ok(out)
    }

    /// Every snapshot's version of `path`, oldest first (snapshots without it left out).
    pub fn history(&self, path: &str) -> Result<Vec<Version>> {
        let path = absolute(path);
        let mut out: Vec<Version> = Vec::new();
        let mut previous: Option<Node> = None;
        for snap in &self.snaps {
            let Some(node) = self.node_at(snap.tree, &path)? else {
                continue;
            };
            let changed = previous.as_ref().is_none_or(|p| {
                p.content != node.content
                    || p.subtree != node.subtree
                    || p.node_type != node.node_type
            });
            out.push(Version {
                snapshot: snap.id.to_hex().to_string(),
                time: snap.time.timestamp().to_string(),
                kind: kind_of(&node).to_string(),
                size: node.meta.size,
                mtime: node.meta.mtime.map(|t| t.to_string()),
                changed,
            });
            previous = Some(node);
        }
        if out.is_empty() {
            return Err(Error::Input(crate::t!(
                "browse-in-no-snapshot",
                path = path.display().to_string()
            )));
        }
        Ok(out)
    }

    /// What changed from snapshot `a` to snapshot `b`, path by path.
    pub fn diff(&self, a: &str, b: &str) -> Result<Vec<DiffEntry>> {
        let (a, b) = (self.snapshot(a)?.tree, self.snapshot(b)?.tree);
        let mut out = Vec::new();
        self.diff_trees(Some(a), Some(b), Path::new("/"), &mut out)?;
        Ok(out)
    }

    fn diff_trees(
        &self,
        a: Option<TreeId>,
        b: Option<TreeId>,
        at: &Path,
        out: &mut Vec<DiffEntry>,
    ) -> Result<()> {
        if a == b {
            return Ok(());
        }
        let empty = Rc::new(Vec::new());
        let left = a
            .map(|t| self.tree_passing(t))
            .transpose()?
            .unwrap_or(empty.clone());
        let right = b
            .map(|t| self.tree_passing(t))
            .transpose()?
            .unwrap_or(empty);
        let mut by_name: std::collections::BTreeMap<PathBuf, (Option<&Node>, Option<&Node>)> =
            Default::default();
        for n in left.iter() {
            by_name
                .entry(PathBuf::from(n.name().as_ref() as &std::ffi::OsStr))
                .or_default()
                .0 = Some(n);
        }
        for n in right.iter() {
            by_name
                .entry(PathBuf::from(n.name().as_ref() as &std::ffi::OsStr))
                .or_default()
                .1 = Some(n);
        }
        for (name, pair) in by_name {
            let path = at.join(&name);
            let text = path.to_string_lossy().to_string();
            let raw = super::rawpath::raw_of(&path);
            let dir = |n: Option<&Node>| n.filter(|n| n.is_dir()).and_then(|n| n.subtree);
            match pair {
                (Some(x), None) => {
                    out.push(DiffEntry {
                        path: text,
                        path_raw: raw,
                        change: DiffKind::Removed,
                        size_before: Some(x.meta.size),
                        size_after: None,
                    });
                    self.diff_trees(dir(Some(x)), None, &path, out)?;
                }
                (None, Some(y)) => {
                    out.push(DiffEntry {
                        path: text,
                        path_raw: raw,
                        change: DiffKind::Added,
                        size_before: None,
                        size_after: Some(y.meta.size),
                    });
                    self.diff_trees(None, dir(Some(y)), &path, out)?;
                }
                (Some(x), Some(y)) => {
                    let change = if std::mem::discriminant(&x.node_type)
                        != std::mem::discriminant(&y.node_type)
                    {
                        Some(DiffKind::TypeChanged)
                    } else if x.is_dir() {
                        None
                    } else if x.content != y.content || x.node_type != y.node_type {
                        Some(DiffKind::Changed)
                    } else if x.meta.mode != y.meta.mode
                        || x.meta.mtime != y.meta.mtime
                        || x.meta.uid != y.meta.uid
                        || x.meta.gid != y.meta.gid
                    {
                        Some(DiffKind::Metadata)
                    } else {
                        None
                    };
                    if let Some(change) = change {
                        out.push(DiffEntry {
                            path: text,
                            path_raw: raw,
                            change,
                            size_before: Some(x.meta.size),
                            size_after: Some(y.meta.size),
                        });
                    }
                    self.diff_trees(dir(Some(x)), dir(Some(y)), &path, out)?;
                }
                (None, None) => {}
            }
        }
        Ok(())
    }
}

/// A name (or, with a `/`, whole-path) pattern.
/// How a find pattern is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FindPattern {
    /// As a person types into a search box: a word matches inside names
    /// (`report` finds `Q3-Report.pdf`), a glob matches whole names; case is ignored.
    #[default]
    Search,
    /// As restic's `find`: a glob on the whole name (`testfile` is that name only),
    /// case kept unless `ignore_case`.
    Glob { ignore_case: bool },
}

struct Matcher {
    glob: globset::GlobMatcher,
    full_path: bool,
}

impl Matcher {
    fn new(pattern: &str, how: FindPattern) -> Result<Matcher> {
        let pattern = match how {
            FindPattern::Search => pattern.trim(),
            // a name may begin or end with spaces
            FindPattern::Glob { .. } => pattern,
        };
        if pattern.trim().is_empty() {
            return Err(Error::Input(crate::t!("browse-empty-pattern")));
        }
        let full_path = pattern.contains('/');
        let wild = pattern.contains(['*', '?', '[']);
        let (text, ignore_case) = match how {
            FindPattern::Search if !wild && !full_path => (format!("*{pattern}*"), true),
            FindPattern::Search => (pattern.to_string(), true),
            FindPattern::Glob { ignore_case } => (pattern.to_string(), ignore_case),
        };
        let glob = globset::GlobBuilder::new(&text)
            .case_insensitive(ignore_case)
            .literal_separator(false)
            .build()
            .map_err(|e| {
                Error::Input(crate::t!(
                    "browse-bad-pattern",
                    pattern = pattern,
                    cause = e.to_string()
                ))
            })?
            .compile_matcher();
        Ok(Matcher { glob, full_path })
    }

    fn matches(&self, path: &Path, name: &Path) -> bool {
        if self.full_path {
            self.glob.is_match(path)
        } else {
            self.glob.is_match(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_match_inside_names_and_ignore_case() {
        let search = |p| Matcher::new(p, FindPattern::Search);
        let m = search("report").unwrap();
        assert!(m.matches(Path::new("/a/Q3-Report.pdf"), Path::new("Q3-Report.pdf")));
        assert!(!m.matches(Path::new("/report/x.txt"), Path::new("x.txt")));
        let g = search("*.PDF").unwrap();
        assert!(g.matches(Path::new("/a/b.pdf"), Path::new("b.pdf")));
        assert!(!g.matches(Path::new("/a/b.pdf.txt"), Path::new("b.pdf.txt")));
        let p = search("/home/*/notes.md").unwrap();
        assert!(p.matches(Path::new("/home/ann/notes.md"), Path::new("notes.md")));
        assert!(search("  ").is_err());
        assert!(search("[").is_err());
    }

    #[test]
    fn globs_as_restic_reads_them_match_whole_names_and_keep_case() {
        let exact = Matcher::new("testfile", FindPattern::Glob { ignore_case: false }).unwrap();
        assert!(exact.matches(Path::new("/t/testfile"), Path::new("testfile")));
        assert!(!exact.matches(Path::new("/t/testfile-link"), Path::new("testfile-link")));
        assert!(!exact.matches(Path::new("/t/TestFile"), Path::new("TestFile")));
        let star = Matcher::new("testfile*", FindPattern::Glob { ignore_case: false }).unwrap();
        assert!(star.matches(Path::new("/t/testfile-link"), Path::new("testfile-link")));
        let any_case = Matcher::new("testfile", FindPattern::Glob { ignore_case: true }).unwrap();
        assert!(any_case.matches(Path::new("/t/TestFile"), Path::new("TestFile")));
    }
}
