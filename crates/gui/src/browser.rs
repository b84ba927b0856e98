//! The snapshot browser: a snapshot's files as a lazy tree (a folder is read when
//! it is opened), search by name across every snapshot, a file's history, the
//! difference between two snapshots, preview, and restore of what is ticked.
//!
//! It asks questions of a browsing session (a job process that keeps the
//! repository open) and starts restores as jobs of the app; like the dashboard,
//! it starts nothing itself: `update` hands `Event`s to the app, and the answers
//! come back through `on_reply` and `on_review`.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    path::{Path, PathBuf},
};

use iced::{
    Alignment, Element, Length,
    keyboard::{Key, key::Named},
    widget::{
        Space, button, center, checkbox, column, container, pick_list, radio, row, scrollable,
        text, text_input,
    },
};

use super::{
    snapshot_table,
    theme::{self, bold},
};
use crate::t;
use crate::{
    engine::{
        DiffEntry, DiffKind, Entry, FindHit, Overwrite, RestoreRequest, RestoreSummary, SnapPath,
        Version,
    },
    humanize,
    jobs::{BrowseOp, BrowseRequest, BrowseResult, ErrorInfo},
};

/// Height of one row of the tree (fixed, so the rows in view follow from the offset).
pub const ROW_HEIGHT: f32 = 28.0;
/// The most search hits kept (a search for "e" across years of snapshots).
const MAX_HITS: usize = 20_000;

/// The parts of the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Files,
    Search,
    History,
    Compare,
}

/// A column of the file tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    Size,
    Modified,
}

/// A snapshot in the pickers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapChoice {
    pub id: String,
    label: String,
    /// The folder the tree opens at: where the snapshot's backed-up paths are.
    start: String,
}

impl std::fmt::Display for SnapChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// What a snapshot is called in the browser: "2026-11-20 10:30:00 · 1a2b3c4d".
fn choice(s: &crate::engine::SnapshotInfo) -> SnapChoice {
    SnapChoice {
        id: s.id.clone(),
        label: format!("{} · {}", humanize::local_time(&s.time), s.short_id),
        start: start_of(&s.paths),
    }
}

/// The folder that holds every backed-up path (`/home/ann` for `/home/ann/Documents`
/// and `/home/ann/Pictures`, or for `/home/ann/Documents` alone: the backed-up
/// folders are what it shows first), `/` when they have nothing in common.
fn start_of(paths: &[String]) -> String {
    let mut common: Option<Vec<String>> = None;
    for p in paths {
        let parts: Vec<String> = parent_of(p)
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        common = Some(match common {
            None => parts,
            Some(c) => c
                .into_iter()
                .zip(parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    format!("/{}", common.unwrap_or_default().join("/"))
}

#[derive(Debug, Clone)]
enum Folder {
    Loading,
    Loaded(Vec<Entry>),
    Failed(String),
}

#[derive(Debug, Clone)]
enum Pending {
    Ls { snapshot: String, path: String },
    Find,
    History,
    Diff,
}

/// Where a restore goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    Original,
    Folder,
}

#[derive(Debug, Clone)]
pub enum Stage {
    Choosing,
    /// The dry run is reading what would happen.
    Reviewing,
    Reviewed(RestoreSummary),
    Failed(String),
}

/// The restore dialog.
#[derive(Debug, Clone)]
pub struct RestoreDialog {
    pub snapshot: String,
    /// What is restored (the whole snapshot when empty), byte for byte.
    pub paths: Vec<SnapPath>,
    pub destination: Destination,
    pub folder: String,
    pub overwrite: Overwrite,
    pub stage: Stage,
}

impl RestoreDialog {
    /// The restore the dialog describes (`dry_run` for the review).
    pub fn request(&self, dry_run: bool) -> RestoreRequest {
        let into = match self.destination {
            Destination::Original => None,
            Destination::Folder => Some(PathBuf::from(self.folder.trim())),
        };
        crate::jobs::plan::restore_request(self.paths.clone(), into, self.overwrite, dry_run)
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Back,
    Pick(SnapChoice),
    Tab(Tab),
    /// Open or close a folder.
    Expand(String),
    /// Tick or untick for restore (and focus).
    Check(String, bool),
    Sort(Sort),
    Scrolled(scrollable::Viewport),
    Key(Key),
    SearchInput(String),
    SearchEverywhere(bool),
    Search,
    /// Show `path` of snapshot `snapshot` in the tree.
    Reveal {
        snapshot: String,
        path: String,
    },
    History,
    CompareWith(SnapChoice),
    DiffFilter(String),
    Preview,
    AskRestore,
    /// Restore one version of a file (from search or history).
    RestoreVersion {
        snapshot: String,
        path: String,
    },
    Destination(Destination),
    Folder(String),
    /// Open the desktop's folder dialog.
    ChooseFolder,
    /// Show the whole snapshot from `/` (it opens at its backed-up folders).
    WholeTree,
    /// What the folder dialog gave (`None`: it was cancelled).
    FolderChosen(Option<PathBuf>),
    /// Show the focused folder (or where the tree starts) in the desktop's file
    /// manager, through a read-only mount of the repository.
    OpenInFileManager,
    Overwrite(Overwrite),
    Review,
    ConfirmRestore,
    CloseDialog,
}

/// What the app must do for the browser.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Request(BrowseRequest),
    /// A restore: the review (dry run) or the real one.
    Restore {
        snapshot: String,
        request: RestoreRequest,
    },
    Preview {
        snapshot: String,
        path: String,
    },
    /// Show the desktop's folder dialog, starting at `start`.
    ChooseFolder {
        start: PathBuf,
    },
    /// Open folder `path` of snapshot `snapshot` in the file manager (mounting the
    /// repository first, unless it is mounted).
    OpenInFileManager {
        snapshot: String,
        path: String,
    },
    Close,
}

/// Where "Open in file manager" is.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Mounting {
    #[default]
    Off,
    /// The repository is being mounted.
    Starting,
    /// Mounted: its folders open at once.
    Ready,
    /// It could not be mounted: why, in words.
    Failed(String),
}

pub struct Browser {
    pub repo: String,
    snapshots: Vec<SnapChoice>,
    pub snapshot: String,
    pub tab: Tab,
    folders: HashMap<String, Folder>,
    expanded: BTreeSet<String>,
    pub checked: BTreeSet<String>,
    pub focus: Option<String>,
    sort: Sort,
    descending: bool,
    offset: f32,
    viewport: f32,
    pub query: String,
    pub everywhere: bool,
    /// Hits by path, each version newest first.
    hits: BTreeMap<String, Vec<FindHit>>,
    hit_count: usize,
    searching: Option<u64>,
    search_note: Option<String>,
    history: Option<(String, Result<Vec<Version>, String>)>,
    compare_from: Option<String>,
    diff: Option<Result<Vec<DiffEntry>, String>>,
    diff_filter: String,
    pub dialog: Option<RestoreDialog>,
    /// Where "Into a folder" points at first.
    default_folder: String,
    /// The desktop has a folder dialog ("Choose…" beside the folder's path).
    folder_dialog: bool,
    /// The folder the tree starts at (the backed-up folders' parent, or `/`).
    root: String,
    /// The session could not be opened (or died).
    pub broken: Option<String>,
    /// The repository mounted for the file manager.
    pub mounting: Mounting,
    next_id: u64,
    pending: HashMap<u64, Pending>,
}

impl Browser {
    /// A browser of `snapshot` (a full id) of `repo`; `snapshots` oldest first.
    /// Returns the questions to ask first.
    pub fn new(
        repo: String,
        snapshots: &[crate::engine::SnapshotInfo],
        snapshot: String,
        restore_folder: String,
        folder_dialog: bool,
    ) -> (Browser, Vec<Event>) {
        let mut b = Browser {
            repo,
            snapshots: snapshots.iter().rev().map(choice).collect(),
            snapshot,
            tab: Tab::Files,
            folders: HashMap::new(),
            expanded: BTreeSet::new(),
            checked: BTreeSet::new(),
            focus: None,
            sort: Sort::Name,
            descending: false,
            offset: 0.0,
            viewport: 600.0,
            query: String::new(),
            everywhere: true,
            hits: BTreeMap::new(),
            hit_count: 0,
            searching: None,
            search_note: None,
            history: None,
            compare_from: None,
            diff: None,
            diff_filter: String::new(),
            dialog: None,
            default_folder: restore_folder,
            folder_dialog,
            root: "/".into(),
            broken: None,
            mounting: Mounting::Off,
            next_id: 1,
            pending: HashMap::new(),
        };
        b.root = b.start_of_current();
        let first = b.open_folder(b.root.clone());
        (b, first)
    }

    /// Where the current snapshot's tree starts.
    fn start_of_current(&self) -> String {
        self.snapshots
            .iter()
            .find(|c| c.id == self.snapshot)
            .map_or_else(|| "/".to_string(), |c| c.start.clone())
    }

    /// Shows the tree from `/`, the folders down to where it started open.
    fn whole_tree(&mut self) -> Vec<Event> {
        let was = std::mem::replace(&mut self.root, "/".into());
        let mut out = self.open_folder("/".into());
        let mut at = PathBuf::from("/");
        for part in Path::new(&was).components().skip(1) {
            at.push(part);
            let p = at.to_string_lossy().to_string();
            self.expanded.insert(p.clone());
            out.extend(self.open_folder(p));
        }
        out
    }

    fn ask(&mut self, op: BrowseOp, pending: Pending) -> Event {
        let id = self.next_id;
        self.next_id += 1;
        self.pending.insert(id, pending);
        Event::Request(BrowseRequest { id, op })
    }

    /// Reads folder `path` of the current snapshot (unless read already).
    fn open_folder(&mut self, path: String) -> Vec<Event> {
        if self.folders.contains_key(&path) {
            return Vec::new();
        }
        self.folders.insert(path.clone(), Folder::Loading);
        let snapshot = self.snapshot.clone();
        vec![self.ask(
            BrowseOp::Ls {
                snapshot: snapshot.clone(),
                path: path.clone(),
            },
            Pending::Ls { snapshot, path },
        )]
    }

    pub fn update(&mut self, message: Message) -> Vec<Event> {
        match message {
            Message::Back => return vec![Event::Close],
            Message::Pick(c) => {
                if c.id != self.snapshot {
                    return self.switch_to(c.id);
                }
            }
            Message::Tab(t) => {
                self.tab = t;
                if t == Tab::Compare && self.diff.is_none() {
                    return self.compare();
                }
            }
            Message::Expand(path) => {
                self.focus = Some(path.clone());
                if !self.expanded.remove(&path) {
                    self.expanded.insert(path.clone());
                    return self.open_folder(path);
                }
            }
            Message::Check(path, on) => {
                self.focus = Some(path.clone());
                if on {
                    self.checked.insert(path);
                } else {
                    self.checked.remove(&path);
                }
            }
            Message::Sort(s) => {
                if self.sort == s {
                    self.descending = !self.descending;
                } else {
                    self.sort = s;
                    self.descending = false;
                }
                for folder in self.folders.values_mut() {
                    if let Folder::Loaded(entries) = folder {
                        sort_entries(entries, self.sort, self.descending);
                    }
                }
            }
            Message::Scrolled(v) => {
                self.offset = v.absolute_offset().y;
                self.viewport = v.bounds().height;
            }
            Message::Key(key) => return self.key(key),
            Message::SearchInput(q) => self.query = q,
            Message::SearchEverywhere(on) => self.everywhere = on,
            Message::Search => return self.search(),
            Message::Reveal { snapshot, path } => return self.reveal(snapshot, path),
            Message::History => return self.history(),
            Message::CompareWith(c) => {
                self.compare_from = Some(c.id);
                self.diff = None;
                return self.compare();
            }
            Message::DiffFilter(f) => self.diff_filter = f,
            Message::Preview => {
                if let Some(path) = self.focused_file() {
                    return vec![Event::Preview {
                        snapshot: self.snapshot.clone(),
                        path,
                    }];
                }
            }
            Message::AskRestore => {
                let paths = self.checked.iter().cloned().collect();
                self.dialog = Some(self.dialog_for(self.snapshot.clone(), paths));
            }
            Message::RestoreVersion { snapshot, path } => {
                self.dialog = Some(self.dialog_for(snapshot, vec![path]));
            }
            Message::Destination(d) => self.edit(|dl| dl.destination = d),
            Message::Folder(f) => self.edit(|dl| dl.folder = f),
            Message::WholeTree => return self.whole_tree(),
            Message::ChooseFolder => {
                if let Some(d) = &self.dialog {
                    return vec![Event::ChooseFolder {
                        start: PathBuf::from(d.folder.trim()),
                    }];
                }
            }
            Message::FolderChosen(Some(folder)) => self.edit(|dl| {
                dl.folder = folder.display().to_string();
                dl.destination = Destination::Folder;
            }),
            Message::FolderChosen(None) => {}
            Message::OpenInFileManager => {
                if self.mounting == Mounting::Starting {
                    return Vec::new();
                }
                if self.mounting != Mounting::Ready {
                    self.mounting = Mounting::Starting;
                }
                return vec![Event::OpenInFileManager {
                    snapshot: self.snapshot.clone(),
                    path: self.focused_folder(),
                }];
            }
            Message::Overwrite(o) => self.edit(|dl| dl.overwrite = o),
            Message::Review => {
                let Some(dialog) = self.dialog.as_mut() else {
                    return Vec::new();
                };
                if dialog.destination == Destination::Folder && dialog.folder.trim().is_empty() {
                    dialog.stage = Stage::Failed(t!("browser-choose-folder"));
                    return Vec::new();
                }
                dialog.stage = Stage::Reviewing;
                return vec![Event::Restore {
                    snapshot: dialog.snapshot.clone(),
                    request: dialog.request(true),
                }];
            }
            Message::ConfirmRestore => {
                if let Some(dialog) = self.dialog.take() {
                    return vec![Event::Restore {
                        snapshot: dialog.snapshot.clone(),
                        request: dialog.request(false),
                    }];
                }
            }
            Message::CloseDialog => self.dialog = None,
        }
        Vec::new()
    }

    /// The restore dialog for `paths` of `snapshot`, with the usual choices.
    fn dialog_for(&self, snapshot: String, paths: Vec<String>) -> RestoreDialog {
        RestoreDialog {
            snapshot,
            paths: paths.iter().map(|p| self.exact_path(p)).collect(),
            destination: Destination::Folder,
            folder: self.default_folder.clone(),
            overwrite: Overwrite::IfChanged,
            stage: Stage::Choosing,
        }
    }

    /// A change in the dialog sends it back to choosing (the review no longer holds).
    fn edit(&mut self, f: impl FnOnce(&mut RestoreDialog)) {
        if let Some(d) = self.dialog.as_mut() {
            f(d);
            d.stage = Stage::Choosing;
        }
    }

    /// The folder to show in the file manager: the focused one, the focused file's,
    /// else where the tree starts.
    fn focused_folder(&self) -> String {
        match (&self.focus, self.focused_file()) {
            (Some(_), Some(file)) => Path::new(&file)
                .parent()
                .map_or_else(|| self.root.clone(), |p| p.to_string_lossy().to_string()),
            (Some(folder), None) if self.entry(folder).is_some_and(|e| e.kind == "dir") => {
                folder.clone()
            }
            _ => self.root.clone(),
        }
    }

    /// How mounting for the file manager went (`Ok`: it is ready).
    pub fn on_mount(&mut self, outcome: Result<(), String>) {
        self.mounting = match outcome {
            Ok(()) => Mounting::Ready,
            Err(why) => Mounting::Failed(why),
        };
    }

    fn focused_file(&self) -> Option<String> {
        let path = self.focus.clone()?;
        let entry = self.entry(&path)?;
        (entry.kind == "file").then_some(path)
    }

    /// The exact path (bytes that are not UTF-8 included) of the entry shown as `path`,
    /// from the folders read or the search results.
    fn exact_path(&self, path: &str) -> SnapPath {
        self.entry(path)
            .map(Entry::exact_path)
            .or_else(|| {
                self.hits
                    .get(path)
                    .and_then(|v| v.first())
                    .map(|h| h.entry.exact_path())
            })
            .unwrap_or_else(|| SnapPath::from(path))
    }

    fn entry(&self, path: &str) -> Option<&Entry> {
        let parent = parent_of(path);
        match self.folders.get(&parent)? {
            Folder::Loaded(entries) => entries.iter().find(|e| e.path == path),
            _ => None,
        }
    }

    fn search(&mut self) -> Vec<Event> {
        let pattern = self.query.trim().to_string();
        if pattern.is_empty() {
            return Vec::new();
        }
        self.tab = Tab::Search;
        self.hits.clear();
        self.hit_count = 0;
        self.search_note = None;
        let snapshots = if self.everywhere {
            Vec::new()
        } else {
            vec![self.snapshot.clone()]
        };
        let ev = self.ask(BrowseOp::Find { pattern, snapshots }, Pending::Find);
        if let Event::Request(r) = &ev {
            self.searching = Some(r.id);
        }
        vec![ev]
    }

    fn history(&mut self) -> Vec<Event> {
        let Some(path) = self.focus.clone() else {
            return Vec::new();
        };
        self.tab = Tab::History;
        self.history = Some((path.clone(), Ok(Vec::new())));
        vec![self.ask(BrowseOp::History { path }, Pending::History)]
    }

    /// Compares the current snapshot with the chosen one (default: the one before it).
    fn compare(&mut self) -> Vec<Event> {
        let from = self
            .compare_from
            .clone()
            .filter(|f| *f != self.snapshot)
            .or_else(|| {
                // the pickers list newest first: the next one is the previous snapshot
                let pos = self.snapshots.iter().position(|c| c.id == self.snapshot)?;
                self.snapshots.get(pos + 1).map(|c| c.id.clone())
            });
        let Some(from) = from else {
            self.diff = Some(Err(t!("browser-first-snapshot")));
            return Vec::new();
        };
        self.compare_from = Some(from.clone());
        self.diff = Some(Ok(Vec::new()));
        let to = self.snapshot.clone();
        vec![self.ask(BrowseOp::Diff { from, to }, Pending::Diff)]
    }

    /// Shows snapshot `id` instead: its root and the folders open before are read;
    /// ticks and the comparison (of the other snapshot) go.
    fn switch_to(&mut self, id: String) -> Vec<Event> {
        self.snapshot = id;
        self.folders.clear();
        self.checked.clear();
        self.diff = None;
        self.compare_from = None;
        // the new snapshot's start, unless the whole tree is shown
        if self.root != "/" {
            self.root = self.start_of_current();
        }
        let open: Vec<String> = std::iter::once(self.root.clone())
            .chain(self.expanded.iter().cloned())
            .collect();
        let mut out: Vec<Event> = open.into_iter().flat_map(|p| self.open_folder(p)).collect();
        if self.tab == Tab::Compare {
            out.extend(self.compare());
        }
        out
    }

    /// Opens `path` of `snapshot` in the tree: its folders are read and expanded.
    fn reveal(&mut self, snapshot: String, path: String) -> Vec<Event> {
        let mut out = Vec::new();
        if snapshot != self.snapshot {
            self.expanded.clear();
            out.extend(self.switch_to(snapshot));
        }
        // a path above where the tree starts: the whole tree
        if !path.starts_with(&format!("{}/", self.root.trim_end_matches('/'))) {
            out.extend(self.whole_tree());
        }
        let mut at = PathBuf::from("/");
        let parent = parent_of(&path);
        for part in Path::new(&parent).components().skip(1) {
            at.push(part);
            let p = at.to_string_lossy().to_string();
            self.expanded.insert(p.clone());
            out.extend(self.open_folder(p));
        }
        self.focus = Some(path);
        self.tab = Tab::Files;
        out
    }

    /// Keyboard: ↑/↓ move, → opens a folder, ← closes it (or goes to its parent),
    /// space ticks, Enter opens a folder or previews a file.
    fn key(&mut self, key: Key) -> Vec<Event> {
        if self.tab != Tab::Files || self.dialog.is_some() {
            return Vec::new();
        }
        let rows = self.rows();
        let pos = self
            .focus
            .as_ref()
            .and_then(|f| rows.iter().position(|(_, e)| &e.path == f));
        let focus_at = |i: usize| rows.get(i).map(|(_, e)| e.path.clone());
        match key {
            Key::Named(Named::ArrowDown) => {
                let next = pos.map_or(0, |p| (p + 1).min(rows.len().saturating_sub(1)));
                self.focus = focus_at(next);
            }
            Key::Named(Named::ArrowUp) => {
                let next = pos.map_or(0, |p| p.saturating_sub(1));
                self.focus = focus_at(next);
            }
            Key::Named(Named::ArrowRight) => {
                if let Some(p) = pos
                    && rows[p].1.kind == "dir"
                    && !self.expanded.contains(&rows[p].1.path)
                {
                    return self.update(Message::Expand(rows[p].1.path.clone()));
                }
            }
            Key::Named(Named::ArrowLeft) => {
                if let Some(p) = pos {
                    let path = rows[p].1.path.clone();
                    if !self.expanded.remove(&path) {
                        let parent = parent_of(&path);
                        if parent != "/" {
                            self.focus = Some(parent);
                        }
                    }
                }
            }
            Key::Named(Named::Space) => {
                if let Some(p) = pos {
                    let path = rows[p].1.path.clone();
                    let on = !self.checked.contains(&path);
                    return self.update(Message::Check(path, on));
                }
            }
            Key::Named(Named::Enter) => {
                if let Some(p) = pos {
                    return if rows[p].1.kind == "dir" {
                        self.update(Message::Expand(rows[p].1.path.clone()))
                    } else {
                        self.update(Message::Preview)
                    };
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// An answer of the session (`done: false`: a part of a search).
    pub fn on_reply(
        &mut self,
        id: u64,
        done: bool,
        result: Option<BrowseResult>,
        error: Option<ErrorInfo>,
    ) {
        if id == 0 {
            if let Some(e) = error {
                self.broken = Some(e.message);
            }
            return;
        }
        let Some(pending) = (if done {
            self.pending.remove(&id)
        } else {
            self.pending.get(&id).cloned()
        }) else {
            return;
        };
        let failed = error.map(|e| e.message);
        match pending {
            Pending::Ls { snapshot, path } => {
                if snapshot != self.snapshot {
                    return;
                }
                let folder = match (failed, result) {
                    (Some(e), _) => Folder::Failed(e),
                    (None, Some(BrowseResult::Entries(mut entries))) => {
                        sort_entries(&mut entries, self.sort, self.descending);
                        Folder::Loaded(entries)
                    }
                    _ => Folder::Failed(t!("browser-listing-failed")),
                };
                self.folders.insert(path, folder);
            }
            Pending::Find => {
                if self.searching != Some(id) {
                    return;
                }
                if let Some(e) = failed {
                    self.search_note = Some(e);
                } else if done {
                    self.searching = None;
                } else if let Some(BrowseResult::Found(hits)) = result {
                    for hit in hits {
                        if self.hit_count >= MAX_HITS {
                            self.search_note = Some(t!("browser-too-many", max = MAX_HITS));
                            break;
                        }
                        self.hit_count += 1;
                        self.hits
                            .entry(hit.entry.path.clone())
                            .or_default()
                            .push(hit);
                    }
                }
                if done {
                    self.searching = None;
                }
            }
            Pending::History => {
                let Some((path, _)) = self.history.take() else {
                    return;
                };
                let versions = match (failed, result) {
                    (Some(e), _) => Err(e),
                    (None, Some(BrowseResult::History(v))) => Ok(v),
                    _ => Err(t!("browser-history-failed")),
                };
                self.history = Some((path, versions));
            }
            Pending::Diff => {
                self.diff = Some(match (failed, result) {
                    (Some(e), _) => Err(e),
                    (None, Some(BrowseResult::Diff(d))) => Ok(d),
                    _ => Err(t!("browser-compare-failed")),
                });
            }
        }
    }

    /// The review (dry run) of the restore in the dialog.
    pub fn on_review(&mut self, review: Result<RestoreSummary, String>) {
        if let Some(d) = self.dialog.as_mut()
            && matches!(d.stage, Stage::Reviewing)
        {
            d.stage = match review {
                Ok(s) => Stage::Reviewed(s),
                Err(e) => Stage::Failed(e),
            };
        }
    }

    /// The session ended (it failed, or the app closed it).
    pub fn on_session_end(&mut self, error: Option<String>) {
        self.broken = Some(error.unwrap_or_else(|| t!("browser-session-ended")));
    }

    /// The rows of the tree as shown: (depth, entry), folders' contents under them.
    fn rows(&self) -> Vec<(usize, &Entry)> {
        let mut out = Vec::new();
        self.push_rows(&self.root, 0, &mut out);
        out
    }

    fn push_rows<'a>(&'a self, path: &str, depth: usize, out: &mut Vec<(usize, &'a Entry)>) {
        if let Some(Folder::Loaded(entries)) = self.folders.get(path) {
            for e in entries {
                out.push((depth, e));
                if e.kind == "dir" && self.expanded.contains(&e.path) {
                    self.push_rows(&e.path, depth + 1, out);
                }
            }
        }
    }

    /// The snapshots offered in the pickers, newest first.
    pub fn choices(&self) -> Vec<SnapChoice> {
        self.snapshots.clone()
    }

    /// Whether a search is running (for tests and the view).
    pub fn is_searching(&self) -> bool {
        self.searching.is_some()
    }

    // ----- view -----

    pub fn view(&self) -> Element<'_, Message> {
        let tabs = row([
            (Tab::Files, t!("browser-tab-files")),
            (Tab::Search, t!("browser-tab-search")),
            (Tab::History, t!("browser-tab-history")),
            (Tab::Compare, t!("browser-tab-compare")),
        ]
        .into_iter()
        .map(|(t, label)| {
            button(text(label).size(14))
                .on_press(Message::Tab(t))
                .style(if self.tab == t {
                    button::primary
                } else {
                    theme::secondary
                })
                .into()
        }))
        .spacing(4);
        let current = self
            .snapshots
            .iter()
            .find(|c| c.id == self.snapshot)
            .cloned();
        let top = row![
            button(text(t!("browser-back")).size(14))
                .on_press(Message::Back)
                .style(theme::secondary),
            text(t!("browser-title", repo = self.repo.as_str())).size(18),
            Space::new().width(Length::Fill),
            text(t!("browser-snapshot")).size(14),
            pick_list(self.snapshots.clone(), current, Message::Pick).text_size(14),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let search = row![
            text_input(&t!("browser-find-placeholder"), &self.query)
                .on_input(Message::SearchInput)
                .on_submit(Message::Search)
                .size(14)
                .padding(6),
            checkbox(self.everywhere)
                .label(t!("browser-everywhere"))
                .on_toggle(Message::SearchEverywhere)
                .text_size(13),
            button(text(t!("browser-find")).size(14)).on_press(Message::Search),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let body: Element<'_, Message> = match (&self.broken, self.tab) {
            (Some(e), _) => {
                center(text(format!("The repository cannot be browsed: {e}")).size(14)).into()
            }
            (None, Tab::Files) => self.files_view(),
            (None, Tab::Search) => self.search_view(),
            (None, Tab::History) => self.history_view(),
            (None, Tab::Compare) => self.compare_view(),
        };
        let page = column![
            top,
            row![tabs, Space::new().width(20), search]
                .spacing(10)
                .align_y(Alignment::Center),
            container(body)
                .style(theme::card)
                .height(Length::Fill)
                .width(Length::Fill)
                .clip(true),
            self.actions(),
        ]
        .spacing(12);
        let page = container(page).padding(16);
        match &self.dialog {
            None => page.into(),
            Some(d) => theme::overlay(page, self.dialog_view(d)),
        }
    }

    fn actions(&self) -> Element<'_, Message> {
        let n = self.checked.len();
        let restore_label = if n == 0 {
            t!("browser-restore-all")
        } else {
            t!("browser-restore-n", n = n)
        };
        let file = self.focused_file().is_some();
        let buttons = row![
            text(match &self.focus {
                Some(f) => f.clone(),
                None => t!("browser-tick"),
            })
            .size(13),
            Space::new().width(Length::Fill),
            button(text(t!("browser-open")).size(14))
                .on_press_maybe(file.then_some(Message::Preview))
                .style(theme::secondary),
            button(text(t!("browser-show-history")).size(14))
                .on_press_maybe(self.focus.is_some().then_some(Message::History))
                .style(theme::secondary),
            button(
                text(if self.mounting == Mounting::Starting {
                    t!("browser-opening-in-file-manager")
                } else {
                    t!("browser-open-in-file-manager")
                })
                .size(14)
            )
            .on_press_maybe(
                (self.broken.is_none() && self.mounting != Mounting::Starting)
                    .then_some(Message::OpenInFileManager)
            )
            .style(theme::secondary),
            button(text(restore_label).size(14))
                .on_press_maybe(self.broken.is_none().then_some(Message::AskRestore))
                .style(button::primary),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        match &self.mounting {
            Mounting::Failed(why) => column![
                text(t!(
                    "browser-cannot-open-in-file-manager",
                    reason = why.as_str()
                ))
                .size(13)
                .style(text::danger),
                buttons
            ]
            .spacing(6)
            .into(),
            _ => buttons.into(),
        }
    }

    fn files_view(&self) -> Element<'_, Message> {
        let marker = |s: Sort| match (self.sort == s, self.descending) {
            (true, true) => " ▼",
            (true, false) => " ▲",
            _ => "",
        };
        let header = container(row![
            button(text(format!("Name{}", marker(Sort::Name))).size(13))
                .on_press(Message::Sort(Sort::Name))
                .style(theme::header_cell)
                .width(Length::FillPortion(6)),
            button(text(format!("Size{}", marker(Sort::Size))).size(13))
                .on_press(Message::Sort(Sort::Size))
                .style(theme::header_cell)
                .width(Length::FillPortion(2)),
            button(text(format!("Modified{}", marker(Sort::Modified))).size(13))
                .on_press(Message::Sort(Sort::Modified))
                .style(theme::header_cell)
                .width(Length::FillPortion(3)),
        ])
        .style(theme::table_header);
        // where the tree starts, and the way up to the whole snapshot
        let header: Element<'_, Message> = if self.root == "/" {
            header.into()
        } else {
            column![
                container(
                    row![
                        text(t!("browser-showing", path = self.root.as_str())).size(13),
                        button(text(t!("browser-whole-tree")).size(13))
                            .on_press(Message::WholeTree)
                            .style(theme::secondary),
                    ]
                    .spacing(10)
                    .align_y(Alignment::Center)
                )
                .padding([4, 10]),
                header
            ]
            .spacing(6)
            .into()
        };
        let rows = self.rows();
        if rows.is_empty() {
            let note = match self.folders.get(&self.root) {
                Some(Folder::Failed(e)) => format!("This snapshot cannot be read: {e}"),
                Some(Folder::Loaded(_)) => t!("browser-empty"),
                _ => t!("browser-opening"),
            };
            return column![header, center(text(note).size(14))].into();
        }
        let range = snapshot_table::in_view(rows.len(), ROW_HEIGHT, self.offset, self.viewport);
        let body = snapshot_table::virtual_rows(rows.len(), ROW_HEIGHT, range, |pos| {
            let (depth, e) = rows[pos];
            self.row_view(depth, e, pos % 2 == 1)
        });
        column![
            header,
            scrollable(body)
                .on_scroll(Message::Scrolled)
                .height(Length::Fill)
                .width(Length::Fill)
        ]
        .into()
    }

    fn row_view<'a>(&'a self, depth: usize, e: &'a Entry, odd: bool) -> Element<'a, Message> {
        let name = name_of(&e.path);
        let is_dir = e.kind == "dir";
        let checked = self.checked.contains(&e.path);
        let path = e.path.clone();
        let tick = checkbox(checked).on_toggle(move |on| Message::Check(path.clone(), on));
        // the type shows in the name, in glyphs every font has: "▸ docs/", "notes.md",
        // "link → target", "pipe (fifo)"
        let label: Element<'_, Message> = if is_dir {
            let arrow = if self.expanded.contains(&e.path) {
                "▾"
            } else {
                "▸"
            };
            let status = match self.folders.get(&e.path) {
                Some(Folder::Loading) if self.expanded.contains(&e.path) => {
                    t!("browser-reading")
                }
                Some(Folder::Failed(_)) => t!("browser-unreadable"),
                _ => String::new(),
            };
            button(text(format!("{arrow} {name}/{status}")).size(13))
                .on_press(Message::Expand(e.path.clone()))
                .style(button::text)
                .padding(0)
                .into()
        } else {
            let shown = match (e.kind.as_str(), &e.link_target) {
                ("file", _) => name,
                ("symlink", Some(t)) => format!("{name} → {t}"),
                (kind, _) => format!("{name} ({kind})"),
            };
            let path = e.path.clone();
            button(text(shown).size(13))
                .on_press(Message::Check(path.clone(), !checked))
                .style(button::text)
                .padding(0)
                .into()
        };
        let focused = self.focus.as_deref() == Some(e.path.as_str());
        let cells = row![Space::new().width(depth as f32 * 18.0), tick, label,]
            .spacing(6)
            .align_y(Alignment::Center)
            .width(Length::FillPortion(6));
        let size = if is_dir {
            String::new()
        } else {
            humanize::size(e.size)
        };
        let mtime = e
            .mtime
            .as_deref()
            .map(humanize::local_time)
            .unwrap_or_default();
        container(
            row![
                cells,
                text(size).size(13).width(Length::FillPortion(2)),
                text(mtime).size(13).width(Length::FillPortion(3)),
            ]
            .align_y(Alignment::Center)
            .height(ROW_HEIGHT)
            .padding([0, 8]),
        )
        .style(theme::tree_row(focused, odd))
        .into()
    }

    fn search_view(&self) -> Element<'_, Message> {
        let mut list = column![].spacing(2);
        let status = match (&self.search_note, self.searching.is_some(), self.hits.len()) {
            (Some(n), _, _) => n.clone(),
            (None, true, 0) => t!("browser-searching"),
            (None, true, n) => t!("browser-searching-n", n = n),
            (None, false, 0) if !self.query.trim().is_empty() => {
                t!("browser-nothing-like", query = self.query.trim())
            }
            (None, false, 0) => t!("browser-type-a-name"),
            (None, false, n) => t!("browser-found", paths = n, versions = self.hit_count),
        };
        list = list.push(text(status).size(13));
        for (path, versions) in self.hits.iter().take(500) {
            list = list.push(text(path.clone()).size(14).font(bold()));
            // versions arrive newest snapshot first; a version is "changed" when it
            // differs from the next older one
            for (i, hit) in versions.iter().enumerate() {
                let older = versions.get(i + 1);
                let changed = older.is_none_or(|o| {
                    o.entry.size != hit.entry.size || o.entry.mtime != hit.entry.mtime
                });
                list = list.push(version_row(
                    16.0,
                    &hit.time,
                    &hit.snapshot,
                    hit.entry.size,
                    &if changed {
                        String::new()
                    } else {
                        t!("browser-unchanged")
                    },
                    path,
                    t!("browser-restore"),
                ));
            }
        }
        scrollable(list.padding(10)).height(Length::Fill).into()
    }

    fn history_view(&self) -> Element<'_, Message> {
        let Some((path, versions)) = &self.history else {
            return center(text(t!("browser-pick-for-history")).size(14)).into();
        };
        let mut list = column![
            text(t!("browser-history-of", path = path.as_str()))
                .size(15)
                .font(bold())
        ]
        .spacing(4);
        match versions {
            Err(e) => list = list.push(text(e.clone()).size(13)),
            Ok(v) if v.is_empty() => list = list.push(text(t!("browser-reading-all")).size(13)),
            Ok(v) => {
                let distinct = v.iter().filter(|x| x.changed).count();
                list = list.push(
                    text(t!(
                        "browser-history-summary",
                        snapshots = v.len(),
                        versions = distinct
                    ))
                    .size(13),
                );
                for x in v.iter().rev() {
                    list = list.push(version_row(
                        0.0,
                        &x.time,
                        &x.snapshot,
                        x.size,
                        &if x.changed {
                            t!("browser-changed")
                        } else {
                            String::new()
                        },
                        path,
                        t!("browser-restore-version"),
                    ));
                }
            }
        }
        scrollable(list.padding(10)).height(Length::Fill).into()
    }

    fn compare_view(&self) -> Element<'_, Message> {
        let others: Vec<SnapChoice> = self
            .snapshots
            .iter()
            .filter(|c| c.id != self.snapshot)
            .cloned()
            .collect();
        let from = self
            .compare_from
            .as_ref()
            .and_then(|id| others.iter().find(|c| &c.id == id).cloned());
        let head = row![
            text(t!("browser-changes-since")).size(14),
            pick_list(others, from, Message::CompareWith).text_size(13),
            Space::new().width(Length::Fill),
            text_input(&t!("browser-filter"), &self.diff_filter)
                .on_input(Message::DiffFilter)
                .size(13)
                .width(220),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let mut list = column![head].spacing(3);
        match &self.diff {
            None => {}
            Some(Err(e)) => list = list.push(text(e.clone()).size(13)),
            Some(Ok(d))
                if d.is_empty() && self.pending.values().any(|p| matches!(p, Pending::Diff)) =>
            {
                list = list.push(text(t!("browser-comparing")).size(13));
            }
            Some(Ok(d)) if d.is_empty() => {
                list = list.push(text(t!("browser-no-differences")).size(13))
            }
            Some(Ok(d)) => {
                let filter = self.diff_filter.to_lowercase();
                let shown: Vec<&DiffEntry> = d
                    .iter()
                    .filter(|e| filter.is_empty() || e.path.to_lowercase().contains(&filter))
                    .collect();
                let count = |k: DiffKind| d.iter().filter(|e| e.change == k).count();
                list = list.push(
                    text(t!(
                        "browser-diff-counts",
                        added = count(DiffKind::Added),
                        removed = count(DiffKind::Removed),
                        changed = count(DiffKind::Changed) + count(DiffKind::TypeChanged)
                    ))
                    .size(13),
                );
                for e in shown.iter().take(2000) {
                    let (mark, sizes) = match e.change {
                        DiffKind::Added => (
                            t!("browser-mark-added"),
                            humanize::size(e.size_after.unwrap_or(0)),
                        ),
                        DiffKind::Removed => (
                            t!("browser-mark-removed"),
                            humanize::size(e.size_before.unwrap_or(0)),
                        ),
                        DiffKind::Changed | DiffKind::TypeChanged => (
                            t!("browser-mark-changed"),
                            format!(
                                "{} → {}",
                                humanize::size(e.size_before.unwrap_or(0)),
                                humanize::size(e.size_after.unwrap_or(0))
                            ),
                        ),
                        DiffKind::Metadata => (t!("browser-mark-metadata"), String::new()),
                    };
                    list = list.push(
                        row![
                            text(mark).size(13).width(100),
                            text(e.path.clone()).size(13).width(Length::Fill),
                            text(sizes).size(13),
                        ]
                        .spacing(8),
                    );
                }
                if shown.len() > 2000 {
                    list = list.push(
                        text(format!(
                            "… and {} more: filter to narrow",
                            shown.len() - 2000
                        ))
                        .size(13),
                    );
                }
            }
        }
        scrollable(list.padding(10)).height(Length::Fill).into()
    }

    fn dialog_view<'a>(&'a self, d: &'a RestoreDialog) -> Element<'a, Message> {
        let what = match d.paths.len() {
            0 => t!("browser-whole-snapshot"),
            1 => d.paths[0].display(),
            n => t!("browser-n-items", n = n),
        };
        let mut col = column![
            text(t!("browser-restore")).size(18).font(bold()),
            text(t!("browser-what", what = what)).size(14),
            radio(
                t!("browser-into-folder"),
                Destination::Folder,
                Some(d.destination),
                Message::Destination
            )
            .size(16)
            .text_size(14),
        ]
        .spacing(10);
        if d.destination == Destination::Folder {
            let field = text_input(&t!("browser-folder-placeholder"), &d.folder)
                .on_input(Message::Folder)
                .size(14)
                .padding(6);
            col = col.push(if self.folder_dialog {
                row![
                    field,
                    button(text(t!("choose")).size(14)).on_press(Message::ChooseFolder)
                ]
                .spacing(8)
                .align_y(Alignment::Center)
                .into()
            } else {
                Element::from(field)
            });
        }
        col = col.push(
            radio(
                t!("browser-original"),
                Destination::Original,
                Some(d.destination),
                Message::Destination,
            )
            .size(16)
            .text_size(14),
        );
        col = col.push(text(t!("browser-existing-files")).size(14));
        for (o, label) in [
            (Overwrite::IfChanged, t!("browser-overwrite-if-changed")),
            (Overwrite::Never, t!("browser-overwrite-never")),
            (Overwrite::Always, t!("browser-overwrite-always")),
        ] {
            col = col.push(
                radio(label, o, Some(d.overwrite), Message::Overwrite)
                    .size(16)
                    .text_size(14),
            );
        }
        let (note, ready): (String, bool) = match &d.stage {
            Stage::Choosing => (String::new(), false),
            Stage::Reviewing => (t!("browser-reviewing"), false),
            Stage::Failed(e) => (e.clone(), false),
            Stage::Reviewed(s) => (crate::jobs::words::review_lines(s).join("\n"), true),
        };
        if !note.is_empty() {
            col = col.push(text(note).size(13));
        }
        let buttons = row![
            Space::new().width(Length::Fill),
            button(text(t!("cancel")).size(14))
                .on_press(Message::CloseDialog)
                .style(theme::secondary),
            if ready {
                button(text(t!("browser-restore-now")).size(14)).on_press(Message::ConfirmRestore)
            } else {
                button(text(t!("browser-review-button")).size(14)).on_press_maybe(
                    (!matches!(d.stage, Stage::Reviewing)).then_some(Message::Review),
                )
            },
        ]
        .spacing(8);
        col.push(buttons).into()
    }
}

/// One version of `path` in a list: "time · snapshot · size" and `note`, then
/// Show (it in the tree) and a button that restores it.
fn version_row<'a>(
    indent: f32,
    time: &str,
    snapshot: &str,
    size: u64,
    note: &str,
    path: &str,
    restore: String,
) -> Element<'a, Message> {
    let line = format!(
        "{} · {} · {}{note}",
        humanize::local_time(time),
        &snapshot[..8.min(snapshot.len())],
        humanize::size(size),
    );
    row![
        Space::new().width(indent),
        text(line).size(13),
        Space::new().width(Length::Fill),
        button(text(t!("browser-show")).size(12))
            .on_press(Message::Reveal {
                snapshot: snapshot.to_string(),
                path: path.to_string(),
            })
            .style(theme::secondary),
        button(text(restore).size(12)).on_press(Message::RestoreVersion {
            snapshot: snapshot.to_string(),
            path: path.to_string(),
        }),
    ]
    .spacing(6)
    .align_y(Alignment::Center)
    .into()
}

fn parent_of(path: &str) -> String {
    Path::new(path)
        .parent()
        .map(|p| p.to_string_lossy().to_string())
        .unwrap_or_else(|| "/".into())
}

fn name_of(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.to_string())
}

/// Folders first, then by the column.
fn sort_entries(entries: &mut [Entry], sort: Sort, descending: bool) {
    entries.sort_by(|a, b| {
        let dirs = (b.kind == "dir").cmp(&(a.kind == "dir"));
        let by = match sort {
            Sort::Name => name_of(&a.path)
                .to_lowercase()
                .cmp(&name_of(&b.path).to_lowercase()),
            Sort::Size => a.size.cmp(&b.size),
            Sort::Modified => a.mtime.cmp(&b.mtime),
        };
        dirs.then(if descending { by.reverse() } else { by })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_opens_where_its_paths_are() {
        let paths = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            start_of(&paths(&["/home/ann/Documents", "/home/ann/Pictures"])),
            "/home/ann"
        );
        assert_eq!(start_of(&paths(&["/home/ann/Documents"])), "/home/ann");
        assert_eq!(start_of(&paths(&["/home/ann/Documents", "/etc"])), "/");
        assert_eq!(start_of(&paths(&["/home/ann", "/home/annie/x"])), "/home");
        assert_eq!(start_of(&paths(&["/vzdump"])), "/");
        assert_eq!(start_of(&[]), "/");
    }
}
