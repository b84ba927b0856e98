//! Restoring a snapshot (or chosen paths of it) into a folder, with an overwrite
//! policy that decides what happens to files already there.
//!
//! The plan walks the chosen part of the snapshot once and decides for every item
//! what happens to it (new, replaced, unchanged, conflict). The file contents are
//! then read pack by pack, in ranges of at most [`RANGE_MAX`], by a few reader
//! threads: each blob is decrypted, checked against its id and written at its
//! offsets into the file's temporary name beside the final one. A file gets its
//! final name (by rename) only when its last blob is written and its metadata is
//! set, so a cancelled or failed restore never leaves a half-written file under a
//! real name. Memory stays bounded by readers × range, whatever the size of the
//! files: rustic_core's own restore queues decrypted blobs without bound, and its
//! memory grows with the bytes restored.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    fs::{self, File, OpenOptions},
    io,
    num::NonZeroU32,
    path::{Path, PathBuf},
    sync::{
        Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
};

use rustic_core::{
    DataId, FileType, LsOptions, Progress, ReadBackend,
    repofile::{Node, NodeType},
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    OpenRepo, SnapPath,
    browse::{absolute_path, short_id},
    crypto::RepoKey,
};
use crate::error::{Error, Result};

/// The longest range of a pack read at once (a single larger blob is read alone).
pub const RANGE_MAX: u32 = 4 << 20;
/// Blobs this close together in a pack are read in one request, gap included.
const GAP_MAX: u32 = 256 << 10;
/// Reader threads for a repository on a local disk, and for one over a network
/// (more requests in flight hide the latency).
const READERS_LOCAL: usize = 4;
const READERS_REMOTE: usize = 8;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRequest {
    pub target: PathBuf,
    /// Paths inside the snapshot to restore (all when empty), byte for byte.
    pub includes: Vec<SnapPath>,
    /// Restore paths relative to this folder of the snapshot (restic's
    /// `SNAPSHOT:PATH`): `/home/ann` restores `/home/ann/doc` as `TARGET/doc`.
    #[serde(default)]
    pub base: Option<SnapPath>,
    pub overwrite: Overwrite,
    pub dry_run: bool,
    /// Write runs of zeros as holes.
    pub sparse: bool,
}

/// An item that could not be restored, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreFailure {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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
    /// Symbolic links, hard links and special files written.
    #[serde(default)]
    pub others: u64,
    /// Bytes to write.
    pub bytes_restored: u64,
    /// Bytes already present and correct.
    pub bytes_unchanged: u64,
    /// Existing files left alone because of `--overwrite never`.
    pub conflicts: Vec<String>,
    /// Items that could not be restored.
    #[serde(default)]
    pub failed: Vec<RestoreFailure>,
}

/// Stops a restore in progress in this process and removes its temporary files
/// (a job's cancel handler calls this before the process exits).
pub fn abort() {
    let mut active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
    active.stopped = true;
    for temp in std::mem::take(&mut active.temps) {
        let _ = fs::remove_file(temp);
    }
    // only now: the restore returns as soon as it sees this, and its caller may end
    // the process
    STOPPED.store(true, Ordering::SeqCst);
}

/// The temporary files that exist right now, so that a cancel can remove them.
/// Creating and renaming one happens under this lock, so nothing is created or
/// renamed after [`abort`] has run.
struct Active {
    stopped: bool,
    temps: BTreeSet<PathBuf>,
}

static ACTIVE: Mutex<Active> = Mutex::new(Active {
    stopped: false,
    temps: BTreeSet::new(),
});
static STOPPED: AtomicBool = AtomicBool::new(false);

fn stopped_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::Interrupted,
        crate::t!("engine-restore-cancelled"),
    )
}

/// Runs `make` to create the temporary file `temp`, registered for clean-up.
fn create_temp<T>(temp: &Path, make: impl FnOnce(&Path) -> io::Result<T>) -> io::Result<T> {
    let mut active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
    if active.stopped {
        return Err(stopped_error());
    }
    let out = make(temp)?;
    active.temps.insert(temp.to_path_buf());
    Ok(out)
}

/// Gives `temp` its final name.
fn commit_temp(temp: &Path, dest: &Path) -> io::Result<()> {
    let mut active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
    if active.stopped {
        return Err(stopped_error());
    }
    fs::rename(temp, dest)?;
    active.temps.remove(temp);
    Ok(())
}

fn discard_temp(temp: &Path) {
    let mut active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
    if active.temps.remove(temp) {
        let _ = fs::remove_file(temp);
    }
}

/// `.NAME.<brand>-partial` beside `dest`: the same name on every run, so a
/// restore that was killed outright is cleaned up by the next one.
fn temp_name(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let suffix = format!(".{}-partial", crate::customization::SHORT_NAME);
    // keep within the usual 255-byte limit of a file name
    let mut keep = name.as_str();
    while 1 + keep.len() + suffix.len() > 255 {
        let mut cut = keep.len() - 1;
        while !keep.is_char_boundary(cut) {
            cut -= 1;
        }
        keep = &keep[..cut];
    }
    dest.with_file_name(format!(".{keep}{suffix}"))
}

/// The metadata restored on an item.
#[derive(Debug, Clone, Default)]
struct Meta {
    mode: Option<u32>,
    mtime: Option<jiff::Timestamp>,
    atime: Option<jiff::Timestamp>,
    uid: Option<u32>,
    gid: Option<u32>,
    /// Extended attributes: names and values (`None`: an attribute without a value).
    xattrs: Vec<(String, Option<Vec<u8>>)>,
}

impl From<&Node> for Meta {
    fn from(node: &Node) -> Self {
        Meta {
            mode: node.meta.mode,
            mtime: node.meta.mtime,
            atime: node.meta.atime,
            uid: node.meta.uid,
            gid: node.meta.gid,
            xattrs: node
                .meta
                .extended_attributes
                .iter()
                .map(|x| (x.name.clone(), x.value.clone()))
                .collect(),
        }
    }
}

/// Unix permission bits from restic's (Go's) file mode.
pub(crate) fn unix_mode(go_mode: u32) -> u32 {
    let mut mode = go_mode & 0o777;
    if go_mode & (1 << 23) != 0 {
        mode |= 0o4000;
    }
    if go_mode & (1 << 22) != 0 {
        mode |= 0o2000;
    }
    if go_mode & (1 << 20) != 0 {
        mode |= 0o1000;
    }
    mode
}

fn is_root() -> bool {
    #[cfg(unix)]
    {
        // SAFETY: geteuid cannot fail.
        unsafe { libc::geteuid() == 0 }
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Sets owner (as root only), permissions and times on `path` (not followed when a
/// symbolic link). Errors are returned for the report; the data is in place.
fn set_meta(path: &Path, meta: &Meta, symlink: bool) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // each step is tried whatever the one before did; the first failure is told
        let mut first: io::Result<()> = Ok(());
        let mut keep = |r: io::Result<()>| {
            if first.is_ok() {
                first = r;
            }
        };
        if is_root()
            && let (Some(uid), Some(gid)) = (meta.uid, meta.gid)
        {
            keep(std::os::unix::fs::lchown(path, Some(uid), Some(gid)));
        }
        // before the mode: a read-only file takes no user attributes
        for (name, value) in &meta.xattrs {
            keep(
                xattr::set(path, name, value.as_deref().unwrap_or_default()).map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        crate::t!(
                            "engine-xattr-not-set",
                            name = name.as_str(),
                            cause = e.to_string()
                        ),
                    )
                }),
            );
        }
        if !symlink && let Some(mode) = meta.mode {
            keep(fs::set_permissions(
                path,
                fs::Permissions::from_mode(unix_mode(mode)),
            ));
        }
        // by path, not followed: opening a FIFO to set its times would block
        keep(set_times(path, meta));
        first
    }
    #[cfg(not(unix))]
    {
        let _ = symlink;
        if let Some(mtime) = meta.mtime {
            let mut times = fs::FileTimes::new().set_modified(std::time::SystemTime::from(mtime));
            if let Some(atime) = meta.atime {
                times = times.set_accessed(std::time::SystemTime::from(atime));
            }
            File::open(path)?.set_times(times)?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn set_times(path: &Path, meta: &Meta) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let Some(mtime) = meta.mtime else {
        return Ok(());
    };
    let spec = |t: jiff::Timestamp| libc::timespec {
        tv_sec: t.as_second() as libc::time_t,
        tv_nsec: libc::c_long::from(t.subsec_nanosecond()),
    };
    let times = [spec(meta.atime.unwrap_or(mtime)), spec(mtime)];
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| {
        io::Error::new(io::ErrorKind::InvalidInput, crate::t!("engine-nul-in-path"))
    })?;
    // SAFETY: a valid C string and two timespecs, as utimensat wants.
    let rc = unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            c.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// A special file (not a regular file, not a folder).
#[derive(Debug)]
enum Special {
    Symlink(PathBuf),
    Fifo,
    Device {
        char: bool,
        device: u64,
    },
    /// A hard link to the file restored (or kept) at this path.
    HardLink(PathBuf),
}

/// One file whose contents are written.
struct FileJob {
    dest: PathBuf,
    temp: PathBuf,
    size: u64,
    meta: Meta,
    state: Mutex<FileState>,
}

#[derive(Default)]
struct FileState {
    created: bool,
    /// Blob writes still to come.
    remaining: usize,
    failed: Option<String>,
}

/// A blob to read, and where it goes.
struct BlobTarget {
    id: DataId,
    offset: u32,
    length: u32,
    uncompressed: Option<NonZeroU32>,
    dests: Vec<(usize, u64)>,
}

/// One read from a pack: a range and the blobs in it.
struct RangeRead {
    pack: rustic_core::Id,
    offset: u32,
    length: u32,
    blobs: Vec<BlobTarget>,
}

/// What the walk decided.
#[derive(Default)]
struct Plan {
    /// Folders of the selection, parents first (metadata is set children first).
    dirs: Vec<(PathBuf, Meta)>,
    files: Vec<FileJob>,
    specials: Vec<(PathBuf, Special, Meta)>,
    /// Blobs by (pack, offset in the pack).
    blobs: BTreeMap<(rustic_core::Id, u32), BlobTarget>,
    summary: RestoreSummary,
}

fn mtime_of(meta: &fs::Metadata) -> Option<jiff::Timestamp> {
    meta.modified()
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
}

/// Restores `snap` into `req.target`.
pub fn restore(
    open: OpenRepo,
    snap: &super::Snapshot,
    req: &RestoreRequest,
) -> Result<RestoreSummary> {
    let snap = &snap.0;
    if let Ok(meta) = fs::metadata(&req.target)
        && !meta.is_dir()
    {
        return Err(Error::Input(crate::t!(
            "engine-target-not-folder",
            target = req.target.display().to_string()
        )));
    }
    let readers = if open.location.local_path().is_some() {
        READERS_LOCAL
    } else {
        READERS_REMOTE
    };
    let key = RepoKey::of(&open.repo)?;
    let backend = open.backends.repository();
    let repo = open
        .repo
        .to_indexed()
        .map_err(crate::index_error(&open.uri))?;

    let base = req.base.as_ref().map(|b| absolute_path(b.as_path()));
    let mut includes: Vec<PathBuf> = req
        .includes
        .iter()
        .map(|i| absolute_path(i.as_path()))
        .collect();
    if includes.is_empty() {
        includes.push(base.clone().unwrap_or_else(|| PathBuf::from("/")));
    }
    includes.sort();
    includes.dedup();
    // an include inside another one is already restored by it
    let roots: Vec<PathBuf> = includes
        .iter()
        .filter(|i| !includes.iter().any(|o| o != *i && i.starts_with(o)))
        .cloned()
        .collect();
    if let Some(base) = &base
        && let Some(outside) = roots.iter().find(|r| !r.starts_with(base))
    {
        return Err(Error::Input(crate::t!(
            "engine-include-outside-base",
            path = outside.display().to_string(),
            base = base.display().to_string()
        )));
    }

    let mut plan = Plan {
        summary: RestoreSummary {
            snapshot: snap.id.to_hex().to_string(),
            target: req.target.display().to_string(),
            dry_run: req.dry_run,
            overwrite: req.overwrite,
            ..Default::default()
        },
        ..Default::default()
    };
    if !req.dry_run {
        fs::create_dir_all(&req.target).map_err(|e| Error::Io {
            doing: crate::t!("io-creating-restore-target"),
            path: req.target.clone(),
            source: e,
        })?;
    }
    let mut links: HashMap<(u64, u64), PathBuf> = HashMap::new();
    let mut walk = Walk {
        repo: &repo,
        req,
        plan: &mut plan,
        links: &mut links,
        skip: None,
    };
    for root in &roots {
        // by the path itself, not its text: a name need not be UTF-8
        let node = repo
            .node_from_path(snap.tree, root.strip_prefix("/").unwrap_or(root))
            .map_err(|_| {
                Error::Input(crate::t!(
                    "engine-not-in-snapshot",
                    path = root.display().to_string(),
                    snapshot = short_id(snap)
                ))
            })?;
        let rel = match &base {
            Some(b) => root.strip_prefix(b).unwrap_or(root),
            None => root.strip_prefix("/").unwrap_or(root),
        };
        let dest = req.target.join(rel);
        if !req.dry_run
            && let Some(parent) = dest.parent()
        {
            fs::create_dir_all(parent).map_err(|e| Error::Io {
                doing: crate::t!("io-creating-folder"),
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        // the target itself is merged into, its own metadata left alone
        if dest != req.target {
            walk.item(&dest, &node)?;
        }
        if node.is_dir() {
            let opts = LsOptions::default().recursive(true);
            for item in repo
                .ls(&node, &opts)
                .map_err(|e| crate::engine_error(crate::t!("engine-reading-snapshot"), &e))?
            {
                let (path, child) = item
                    .map_err(|e| crate::engine_error(crate::t!("engine-reading-snapshot"), &e))?;
                walk.item(&dest.join(path), &child)?;
            }
        }
    }

    let bar = repo.progress_bytes(&crate::t!("engine-phase-restoring"));
    bar.set_length(plan.summary.bytes_restored);
    if req.dry_run {
        bar.finish();
        return Ok(plan.summary);
    }
    write_contents(&mut plan, backend.as_ref(), &key, readers, req.sparse, &bar);
    bar.finish();
    finish_specials(&mut plan);
    // folders last, children first, so that writing into them does not change their times
    for (dir, meta) in plan.dirs.iter().rev() {
        if let Err(e) = set_meta(dir, meta, false) {
            tracing::debug!("metadata of {}: {e}", dir.display());
        }
    }
    if STOPPED.load(Ordering::SeqCst) {
        return Err(Error::Cancelled(crate::t!("engine-restore-cancelled")));
    }
    Ok(plan.summary)
}

struct Walk<'a, R> {
    repo: &'a R,
    req: &'a RestoreRequest,
    plan: &'a mut Plan,
    links: &'a mut HashMap<(u64, u64), PathBuf>,
    /// A folder that cannot be restored: everything under it is skipped.
    skip: Option<PathBuf>,
}

impl<R: rustic_core::IndexedFull> Walk<'_, rustic_core::Repository<R>> {
    fn fail(&mut self, path: &Path, reason: impl Into<String>) {
        self.plan.summary.failed.push(RestoreFailure {
            path: path.display().to_string(),
            reason: reason.into(),
        });
    }

    fn conflict(&mut self, path: &Path) {
        self.plan.summary.conflicts.push(path.display().to_string());
    }

    /// Whether the item already at `dest` keeps this one out: with `--overwrite
    /// never` any item does (a conflict); otherwise only one that `blocks` (a
    /// folder where a file goes, or the reverse: a failure saying `why`).
    fn kept_out(&mut self, dest: &Path, blocks: bool, why: &str) -> bool {
        if self.req.overwrite == Overwrite::Never {
            self.conflict(dest);
            true
        } else if blocks {
            self.fail(dest, why);
            true
        } else {
            false
        }
    }

    fn item(&mut self, dest: &Path, node: &Node) -> Result<()> {
        if let Some(skip) = &self.skip {
            if dest.starts_with(skip) {
                return Ok(());
            }
            self.skip = None;
        }
        let existing = fs::symlink_metadata(dest).ok();
        let dry = self.req.dry_run;
        match &node.node_type {
            NodeType::Dir => {
                match existing {
                    Some(m) if m.is_dir() => {}
                    Some(_) => {
                        self.kept_out(dest, true, &crate::t!("engine-file-in-the-way"));
                        self.skip = Some(dest.to_path_buf());
                        return Ok(());
                    }
                    None => {
                        if !dry && let Err(e) = fs::create_dir(dest) {
                            self.fail(
                                dest,
                                crate::t!("engine-cannot-create-folder", cause = e.to_string()),
                            );
                            self.skip = Some(dest.to_path_buf());
                            return Ok(());
                        }
                    }
                }
                self.plan.summary.dirs += 1;
                self.plan.dirs.push((dest.to_path_buf(), Meta::from(node)));
            }
            NodeType::File => self.file(dest, node, existing)?,
            NodeType::Socket => {}
            other => {
                let special = match other {
                    NodeType::Symlink { .. } => Special::Symlink(node.node_type.to_link().into()),
                    NodeType::Fifo => Special::Fifo,
                    NodeType::Dev { device } => Special::Device {
                        char: false,
                        device: *device,
                    },
                    NodeType::Chardev { device } => Special::Device {
                        char: true,
                        device: *device,
                    },
                    _ => return Ok(()),
                };
                if let Some(m) = &existing {
                    if self.kept_out(dest, m.is_dir(), &crate::t!("engine-folder-in-the-way")) {
                        return Ok(());
                    }
                    if let Special::Symlink(target) = &special
                        && m.file_type().is_symlink()
                        && fs::read_link(dest).is_ok_and(|t| &t == target)
                    {
                        return Ok(());
                    }
                }
                self.plan.summary.others += 1;
                self.plan
                    .specials
                    .push((dest.to_path_buf(), special, Meta::from(node)));
            }
        }
        Ok(())
    }

    fn file(&mut self, dest: &Path, node: &Node, existing: Option<fs::Metadata>) -> Result<()> {
        let size = node.meta.size;
        if let Some(m) = &existing
            && self.kept_out(
                dest,
                m.is_dir(),
                &crate::t!("engine-folder-in-the-way-of-file"),
            )
        {
            return Ok(());
        }
        // a hard link to a file of this restore
        if node.meta.links > 1 {
            let key = (node.meta.device_id, node.meta.inode);
            if let Some(first) = self.links.get(&key) {
                self.plan.summary.others += 1;
                self.plan.specials.push((
                    dest.to_path_buf(),
                    Special::HardLink(first.clone()),
                    Meta::from(node),
                ));
                return Ok(());
            }
            self.links.insert(key, dest.to_path_buf());
        }
        let content: Vec<DataId> = node.content.iter().flatten().copied().collect();
        let mut entries = Vec::with_capacity(content.len());
        for id in &content {
            let entry = self.repo.get_index_entry(id).map_err(|e| {
                crate::engine_error(
                    crate::t!("engine-finding-data", path = dest.display().to_string()),
                    &e,
                )
            })?;
            entries.push(Located {
                pack: *entry.pack,
                offset: entry.location.offset,
                length: entry.location.length,
                uncompressed: entry.location.uncompressed_length,
                data_length: entry.location.data_length(),
            });
        }
        if let Some(m) = &existing
            && m.is_file()
            && m.len() == size
        {
            let same = match self.req.overwrite {
                Overwrite::IfChanged => mtime_of(m) == node.meta.mtime,
                Overwrite::Always => same_content(dest, &content, &entries),
                Overwrite::Never => false,
            };
            if same {
                self.plan.summary.files_unchanged += 1;
                self.plan.summary.bytes_unchanged += size;
                return Ok(());
            }
        }
        let summary = &mut self.plan.summary;
        summary.files_restored += 1;
        if existing.is_some() {
            summary.files_replaced += 1;
        }
        let idx = self.plan.files.len();
        let mut offset = 0u64;
        for (id, loc) in content.iter().zip(&entries) {
            let len = u64::from(loc.data_length);
            self.plan.summary.bytes_restored += len;
            self.plan
                .blobs
                .entry((loc.pack, loc.offset))
                .or_insert_with(|| BlobTarget {
                    id: *id,
                    offset: loc.offset,
                    length: loc.length,
                    uncompressed: loc.uncompressed,
                    dests: Vec::new(),
                })
                .dests
                .push((idx, offset));
            offset += len;
        }
        self.plan.files.push(FileJob {
            dest: dest.to_path_buf(),
            temp: temp_name(dest),
            size,
            meta: Meta::from(node),
            state: Mutex::new(FileState {
                remaining: content.len(),
                ..Default::default()
            }),
        });
        Ok(())
    }
}

/// Whether the file at `path` holds exactly these blobs (read and hashed).
fn same_content(path: &Path, ids: &[DataId], entries: &[Located]) -> bool {
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    ids.iter()
        .zip(entries)
        .all(|(id, e)| id.blob_matches_reader(u64::from(e.data_length), &mut f))
}

/// Where a blob is, from the index.
struct Located {
    pack: rustic_core::Id,
    offset: u32,
    length: u32,
    uncompressed: Option<NonZeroU32>,
    data_length: u32,
}

/// Groups the blobs into range reads: consecutive blobs of one pack, gaps under
/// [`GAP_MAX`], at most [`RANGE_MAX`] per read.
fn ranges(blobs: BTreeMap<(rustic_core::Id, u32), BlobTarget>) -> Vec<RangeRead> {
    let mut out: Vec<RangeRead> = Vec::new();
    for ((pack, _), blob) in blobs {
        if let Some(last) = out.last_mut() {
            let end = last.offset + last.length;
            let new_end = blob.offset + blob.length;
            if last.pack == pack
                && blob.offset >= end
                && blob.offset - end <= GAP_MAX
                && new_end - last.offset <= RANGE_MAX
            {
                last.length = new_end - last.offset;
                last.blobs.push(blob);
                continue;
            }
        }
        out.push(RangeRead {
            pack,
            offset: blob.offset,
            length: blob.length,
            blobs: vec![blob],
        });
    }
    out
}

fn write_contents(
    plan: &mut Plan,
    backend: &dyn ReadBackend,
    key: &RepoKey,
    readers: usize,
    sparse: bool,
    bar: &Progress,
) {
    // files without contents are complete at once
    for idx in 0..plan.files.len() {
        let empty = plan.files[idx]
            .state
            .get_mut()
            .map(|s| s.remaining == 0)
            .unwrap_or(true);
        if empty {
            let file = &plan.files[idx];
            if let Err(e) = ensure_created(file).and_then(|()| finish_file(file)) {
                fail_file(file, e.to_string());
                discard_temp(&file.temp);
            }
        }
    }
    let work = Mutex::new(ranges(std::mem::take(&mut plan.blobs)).into_iter());
    let files = &plan.files;
    std::thread::scope(|s| {
        for _ in 0..readers {
            s.spawn(|| {
                loop {
                    if STOPPED.load(Ordering::Relaxed) {
                        return;
                    }
                    let next = work.lock().unwrap_or_else(PoisonError::into_inner).next();
                    let Some(range) = next else { return };
                    read_range(range, backend, key, files, sparse, bar);
                }
            });
        }
    });
    let failed: Vec<RestoreFailure> = plan
        .files
        .iter()
        .filter_map(|f| {
            let st = f.state.lock().unwrap_or_else(PoisonError::into_inner);
            st.failed.as_ref().map(|reason| RestoreFailure {
                path: f.dest.display().to_string(),
                reason: reason.clone(),
            })
        })
        .collect();
    let summary = &mut plan.summary;
    summary.files_restored = summary.files_restored.saturating_sub(failed.len() as u64);
    summary.failed.extend(failed);
}

/// Reads one range and writes its blobs; a failure fails the files it feeds.
fn read_range(
    range: RangeRead,
    backend: &dyn ReadBackend,
    key: &RepoKey,
    files: &[FileJob],
    sparse: bool,
    bar: &Progress,
) {
    let pack_hex = range.pack.to_hex();
    let data = backend
        .read_partial(
            FileType::Pack,
            &range.pack,
            false,
            range.offset,
            range.length,
        )
        .or_else(|_| {
            backend.read_partial(
                FileType::Pack,
                &range.pack,
                false,
                range.offset,
                range.length,
            )
        });
    let data = match data {
        Ok(d) => d,
        Err(e) => {
            let why = crate::t!(
                "engine-pack-unreadable",
                pack = &pack_hex[..8],
                cause = super::describe(&e)
            );
            for blob in &range.blobs {
                for (idx, _) in &blob.dests {
                    blob_done(&files[*idx], Some(&why));
                }
            }
            return;
        }
    };
    for blob in range.blobs {
        let start = (blob.offset - range.offset) as usize;
        let end = start + blob.length as usize;
        let plain = data
            .get(start..end)
            .and_then(|enc| key.decrypt(enc))
            .and_then(|plain| match blob.uncompressed {
                None => Some(plain),
                Some(n) => zstd::bulk::decompress(&plain, n.get() as usize).ok(),
            })
            .filter(|plain| rustic_core::Id::new(Sha256::digest(plain).into()) == *blob.id);
        let Some(plain) = plain else {
            let why = crate::t!(
                "engine-blob-damaged",
                blob = &blob.id.to_hex()[..8],
                pack = &pack_hex[..8]
            );
            for (idx, _) in &blob.dests {
                blob_done(&files[*idx], Some(&why));
            }
            continue;
        };
        let hole = sparse && plain.iter().all(|b| *b == 0);
        for (idx, offset) in &blob.dests {
            let file = &files[*idx];
            let res = ensure_created(file).and_then(|()| {
                if hole {
                    return Ok(());
                }
                write_at(&file.temp, *offset, &plain)
            });
            bar.inc(plain.len() as u64);
            blob_done(file, res.err().map(|e| e.to_string()).as_deref());
        }
    }
}

#[cfg(unix)]
fn write_at(path: &Path, offset: u64, data: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    OpenOptions::new()
        .write(true)
        .open(path)?
        .write_all_at(data, offset)
}

#[cfg(not(unix))]
fn write_at(path: &Path, offset: u64, data: &[u8]) -> io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = OpenOptions::new().write(true).open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    f.write_all(data)
}

/// Creates the file's temporary name, at its full length, on its first write.
fn ensure_created(file: &FileJob) -> io::Result<()> {
    let mut st = file.state.lock().unwrap_or_else(PoisonError::into_inner);
    if st.created {
        return Ok(());
    }
    create_temp(&file.temp, |temp| {
        let f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(temp)?;
        f.set_len(file.size)
    })?;
    st.created = true;
    Ok(())
}

fn fail_file(file: &FileJob, why: String) {
    let mut st = file.state.lock().unwrap_or_else(PoisonError::into_inner);
    st.failed.get_or_insert(why);
}

/// One blob of `file` written (or failed); the last one completes the file.
fn blob_done(file: &FileJob, failure: Option<&str>) {
    let (last, failed) = {
        let mut st = file.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(why) = failure {
            st.failed.get_or_insert_with(|| why.to_string());
        }
        st.remaining = st.remaining.saturating_sub(1);
        (st.remaining == 0, st.failed.is_some())
    };
    if !last {
        return;
    }
    if failed {
        discard_temp(&file.temp);
    } else if let Err(e) = finish_file(file) {
        fail_file(file, e.to_string());
        discard_temp(&file.temp);
    }
}

/// Sets the metadata of the complete temporary file and gives it its name.
fn finish_file(file: &FileJob) -> io::Result<()> {
    if let Err(e) = set_meta(&file.temp, &file.meta, false) {
        // the contents are right: a file with other times or owner is still restored
        tracing::debug!("metadata of {}: {e}", file.dest.display());
    }
    commit_temp(&file.temp, &file.dest)
}

/// Creates the symbolic links, hard links and special files (after the files,
/// which hard links point to).
fn finish_specials(plan: &mut Plan) {
    for (dest, special, meta) in std::mem::take(&mut plan.specials) {
        if STOPPED.load(Ordering::SeqCst) {
            return;
        }
        let temp = temp_name(&dest);
        let _ = fs::remove_file(&temp);
        let made = create_temp(&temp, |t| make_special(t, &special, meta.mode));
        let res = made.and_then(|()| {
            if !matches!(special, Special::HardLink(_))
                && let Err(e) = set_meta(&temp, &meta, matches!(special, Special::Symlink(_)))
            {
                tracing::debug!("metadata of {}: {e}", dest.display());
            }
            commit_temp(&temp, &dest)
        });
        if let Err(e) = res {
            discard_temp(&temp);
            plan.summary.others = plan.summary.others.saturating_sub(1);
            plan.summary.failed.push(RestoreFailure {
                path: dest.display().to_string(),
                reason: e.to_string(),
            });
        }
    }
}

#[cfg(unix)]
fn make_special(path: &Path, special: &Special, mode: Option<u32>) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let perm = mode.map(unix_mode).unwrap_or(0o644);
    let c = || {
        std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, crate::t!("engine-nul-in-path"))
        })
    };
    let rc = match special {
        Special::Symlink(target) => return std::os::unix::fs::symlink(target, path),
        Special::HardLink(to) => return fs::hard_link(to, path),
        // SAFETY: a valid C string and a mode.
        Special::Fifo => unsafe { libc::mkfifo(c()?.as_ptr(), perm as libc::mode_t) },
        Special::Device { char, device } => {
            if !is_root() {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    crate::t!("engine-device-needs-root"),
                ));
            }
            let kind = if *char { libc::S_IFCHR } else { libc::S_IFBLK };
            // SAFETY: as above, with a device number.
            unsafe {
                libc::mknod(
                    c()?.as_ptr(),
                    kind | perm as libc::mode_t,
                    *device as libc::dev_t,
                )
            }
        }
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn make_special(path: &Path, special: &Special, _mode: Option<u32>) -> io::Result<()> {
    match special {
        Special::HardLink(to) => fs::hard_link(to, path),
        _ => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            crate::t!("engine-specials-unix-only"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_modes_become_unix_modes() {
        assert_eq!(unix_mode(0o644), 0o644);
        assert_eq!(
            unix_mode(0x8000_0000 | 0o755),
            0o755,
            "the dir bit is not a permission"
        );
        assert_eq!(unix_mode((1 << 23) | 0o755), 0o4755);
        assert_eq!(unix_mode((1 << 20) | 0o777), 0o1777);
    }

    #[test]
    fn temporary_names_are_hidden_beside_the_file_and_short_enough() {
        let t = temp_name(Path::new("/x/report.pdf"));
        assert_eq!(t.parent(), Some(Path::new("/x")));
        let name = t.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.starts_with(".report.pdf.") && name.ends_with("-partial"),
            "{name}"
        );
        let long = "é".repeat(127);
        let t = temp_name(&Path::new("/x").join(&long));
        assert!(t.file_name().unwrap().len() <= 255);
    }

    fn blob(offset: u32, length: u32) -> BlobTarget {
        BlobTarget {
            id: DataId::default(),
            offset,
            length,
            uncompressed: None,
            dests: vec![],
        }
    }

    #[test]
    fn ranges_coalesce_close_blobs_of_one_pack_up_to_the_limit() {
        let a = rustic_core::Id::new([1; 32]);
        let b = rustic_core::Id::new([2; 32]);
        let mut m = BTreeMap::new();
        m.insert((a, 0), blob(0, 1000));
        m.insert((a, 1000), blob(1000, 1000));
        // a gap too large: a new read
        m.insert((a, 1000 + 1000 + GAP_MAX + 1), blob(2000 + GAP_MAX + 1, 10));
        // another pack: a new read
        m.insert((b, 0), blob(0, 10));
        // a blob that would make the range too long: a new read
        m.insert((b, 10), blob(10, RANGE_MAX));
        let r = ranges(m);
        let shape: Vec<(u32, u32, usize)> = r
            .iter()
            .map(|r| (r.offset, r.length, r.blobs.len()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0, 2000, 2),
                (2000 + GAP_MAX + 1, 10, 1),
                (0, 10, 1),
                (10, RANGE_MAX, 1)
            ]
        );
    }
}
