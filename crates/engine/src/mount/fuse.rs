//! The FUSE file system behind [`super::serve`] (Linux).

use std::{
    collections::{BTreeMap, HashMap},
    ffi::{OsStr, OsString},
    os::unix::ffi::OsStrExt,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, PoisonError, RwLock},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use fuser::{
    Config, Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo,
    LockOwner, MountOption, OpenFlags, ReplyAttr, ReplyData, ReplyDirectory, ReplyEmpty,
    ReplyEntry, ReplyOpen, ReplyXattr, Request,
};
use rustic_core::{
    IndexedFullStatus, Repository, TreeId,
    repofile::{Node, NodeType, SnapshotFile},
    vfs::OpenFile,
};

use super::{MountRequest, MountSummary};
use crate::OpenRepo;
use crate::error::{Error, Result};

/// Folder entries kept in memory between reads (then the oldest folders go).
const CACHED_ENTRIES: usize = 200_000;
/// How long the kernel may keep what it was told (nothing here ever changes).
const TTL: Duration = Duration::from_secs(3600);

/// The mountpoint this process serves, and whether an unmount was asked for (a
/// cancel may come while the index loads or the mount is being made: the mount
/// made after it is taken away at once).
struct Served {
    path: Option<PathBuf>,
    stopped: bool,
}

static SERVED: Mutex<Served> = Mutex::new(Served {
    path: None,
    stopped: false,
});

pub(super) fn unmount() {
    let taken = {
        let mut served = SERVED.lock().unwrap_or_else(PoisonError::into_inner);
        served.stopped = true;
        served.path.take()
    };
    if let Some(path) = taken
        && !detach(&path)
    {
        tracing::warn!("could not unmount {}", path.display());
    }
}

/// Unmounts `path` lazily: as root directly, else through fusermount.
fn detach(path: &Path) -> bool {
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid C string; MNT_DETACH takes the mount out of the tree.
    let done = unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) } == 0;
    done || ["fusermount3", "fusermount"].iter().any(|p| {
        std::process::Command::new(p)
            .arg("-uz")
            .arg(path)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

pub(super) fn available() -> std::result::Result<(), String> {
    if !Path::new("/dev/fuse").exists() {
        return Err(crate::t!("mount-no-fuse-device"));
    }
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root
        && crate::fsutil::find_program("fusermount3").is_none()
        && crate::fsutil::find_program("fusermount").is_none()
    {
        return Err(crate::t!("mount-no-fusermount"));
    }
    Ok(())
}

pub(super) fn serve(
    open: OpenRepo,
    req: &MountRequest,
    ready: impl FnOnce(&MountSummary),
) -> Result<MountSummary> {
    available().map_err(Error::Input)?;
    let mountpoint = &req.mountpoint;
    let stale_removed = clear_stale(mountpoint)?;
    if !std::fs::metadata(mountpoint).is_ok_and(|m| m.is_dir()) {
        return Err(Error::Input(crate::t!(
            "mount-not-a-folder",
            path = mountpoint.display().to_string()
        )));
    }
    let snaps = crate::browse::snapshot_files(&open, &req.filter)?;
    let uri = open.uri.clone();
    let repo = open.repo.to_indexed().map_err(crate::index_error(&uri))?;
    let summary = MountSummary {
        mountpoint: mountpoint.display().to_string(),
        snapshots: snaps.len() as u64,
        stale_removed,
    };
    let fs = SnapshotFs::new(repo, &snaps);
    let config = {
        let mut c = Config::default();
        c.mount_options = vec![
            MountOption::RO,
            MountOption::NoDev,
            MountOption::NoSuid,
            MountOption::FSName(crate::customization::SHORT_NAME.to_string()),
            MountOption::Subtype(crate::customization::SHORT_NAME.to_string()),
        ];
        // reads of several files (or of a remote repository) go on side by side
        c.n_threads = Some(4);
        c
    };
    let refused = |e: std::io::Error| {
        Error::Input(crate::t!(
            "mount-refused",
            path = mountpoint.display().to_string(),
            cause = e.to_string()
        ))
    };
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let device_closed = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/fuse")
        .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
    let session = if !root && device_closed {
        // /dev/fuse is root's alone (a container without udev's 0666 rule): fusermount3,
        // which is set-uid, opens it and mounts, and hands the device over
        let options = format!(
            "ro,nosuid,nodev,fsname={name},subtype={name}",
            name = crate::customization::SHORT_NAME
        );
        fusermount(mountpoint, &options).and_then(|fd| {
            fuser::Session::from_fd(fs, fd, fuser::SessionACL::Owner, config)
                .and_then(fuser::Session::spawn)
                .inspect_err(|_| {
                    // mounted by the helper, but not served: not left behind dead
                    detach(mountpoint);
                })
        })
    } else {
        fuser::Session::new(fs, mountpoint, &config).and_then(fuser::Session::spawn)
    }
    .map_err(refused)?;
    let stopped = {
        let mut served = SERVED.lock().unwrap_or_else(PoisonError::into_inner);
        if !served.stopped {
            served.path = Some(mountpoint.clone());
        }
        served.stopped
    };
    if stopped {
        detach(mountpoint);
        let _ = session.join();
        return Err(Error::Cancelled(crate::t!("mount-cancelled")));
    }
    ready(&summary);
    // until unmounted, by `unmount` or from outside
    let served = session.join();
    SERVED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .path
        .take();
    served.map_err(|e| Error::io(crate::t!("mount-serving"), mountpoint, e))?;
    Ok(summary)
}

/// Mounts FUSE at `mountpoint` through the set-uid `fusermount3` (libfuse's way for
/// users): it opens /dev/fuse, mounts it, and sends the open device back over a
/// socket (`_FUSE_COMMFD`), which is returned.
fn fusermount(mountpoint: &Path, options: &str) -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    let program = crate::fsutil::find_program("fusermount3")
        .or_else(|| crate::fsutil::find_program("fusermount"))
        .ok_or_else(|| std::io::Error::other(crate::t!("mount-no-fusermount")))?;
    let mut pair = [0; 2];
    // SAFETY: socketpair fills the two descriptors it is given.
    if unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, pair.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both are new descriptors of ours, each owned once.
    let (ours, theirs) = unsafe { (OwnedFd::from_raw_fd(pair[0]), OwnedFd::from_raw_fd(pair[1])) };
    // SAFETY: marking our end close-on-exec; the helper inherits only its own end.
    unsafe { libc::fcntl(ours.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
    let out = std::process::Command::new(&program)
        .env("_FUSE_COMMFD", theirs.as_raw_fd().to_string())
        .arg("-o")
        .arg(options)
        .arg("--")
        .arg(mountpoint)
        .stdin(std::process::Stdio::null())
        .output()?;
    drop(theirs);
    if !out.status.success() {
        // it names itself
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(std::io::Error::other(said));
    }
    // the device, as an SCM_RIGHTS message
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(std::mem::size_of::<libc::c_int>() as u32) } as usize;
    let mut control = vec![0u8; space];
    // SAFETY: an all-zero msghdr is valid; its buffers are set below.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = space as _;
    // SAFETY: msg points at live buffers of the sizes it states.
    let n = unsafe { libc::recvmsg(ours.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC) };
    if n < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: the header was filled by recvmsg; CMSG_FIRSTHDR reads within it.
    let cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    // SAFETY: a non-null header within `control`, checked for its type first.
    unsafe {
        if cmsg.is_null()
            || (*cmsg).cmsg_level != libc::SOL_SOCKET
            || (*cmsg).cmsg_type != libc::SCM_RIGHTS
        {
            return Err(std::io::Error::other(format!(
                "{} sent no device",
                program.display()
            )));
        }
        let fd = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>());
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

/// A mount whose process was killed stays behind, answering nothing ("transport
/// endpoint is not connected"): it is taken away (lazily) before mounting again.
fn clear_stale(mountpoint: &Path) -> Result<bool> {
    match std::fs::metadata(mountpoint) {
        // "not connected", or "connection aborted" just after the kill
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTCONN | libc::ECONNABORTED)) => {}
        _ => return Ok(false),
    }
    if !detach(mountpoint) {
        return Err(Error::Input(crate::t!(
            "mount-stale",
            path = mountpoint.display().to_string()
        )));
    }
    tracing::warn!(
        user = %crate::t!("mount-stale-removed", path = mountpoint.display().to_string()),
        "removed a dead mount at {}",
        mountpoint.display()
    );
    Ok(true)
}

/// What an inode is.
#[derive(Debug)]
enum Kind {
    /// A folder of the layout: its entries by name.
    Folder(BTreeMap<OsString, u64>),
    /// A `latest` link of the layout.
    Link(OsString),
    /// An item of a snapshot (its root is a folder node holding the snapshot's tree).
    Item(Box<Node>),
}

#[derive(Debug)]
struct Inode {
    kind: Kind,
    parent: u64,
    /// For the layout's folders and links: the newest snapshot's time under them.
    time: SystemTime,
}

#[derive(Default)]
struct Inodes {
    /// Index 0 unused: inode numbers start at 1 (the root).
    all: Vec<Arc<Inode>>,
    /// The inode of each snapshot item already looked up, by parent and name.
    items: HashMap<(u64, OsString), u64>,
}

#[derive(Default)]
struct TreeCache {
    trees: HashMap<TreeId, Arc<Vec<Node>>>,
    /// Oldest first, for dropping.
    order: std::collections::VecDeque<TreeId>,
    entries: usize,
}

struct SnapshotFs {
    repo: Repository<IndexedFullStatus>,
    inodes: RwLock<Inodes>,
    trees: Mutex<TreeCache>,
    open: Mutex<HashMap<u64, Arc<OpenFile>>>,
    next_handle: std::sync::atomic::AtomicU64,
    uid: u32,
    gid: u32,
}

/// Restic's time names: local time, seconds, `Z` for UTC.
fn time_name(snap: &SnapshotFile) -> String {
    let t = &snap.time;
    let offset = t.offset().seconds();
    let base = t.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    if offset == 0 {
        format!("{base}Z")
    } else {
        format!("{base}{}", t.strftime("%:z"))
    }
}

fn system_time(t: Option<&jiff::Timestamp>) -> SystemTime {
    t.and_then(|t| {
        let (s, n) = (t.as_second(), t.subsec_nanosecond());
        u64::try_from(s)
            .ok()
            .map(|s| UNIX_EPOCH + Duration::new(s, n.unsigned_abs()))
    })
    .unwrap_or(UNIX_EPOCH)
}

fn snap_time(snap: &SnapshotFile) -> SystemTime {
    system_time(Some(&snap.time.timestamp()))
}

impl SnapshotFs {
    fn new(repo: Repository<IndexedFullStatus>, snaps: &[SnapshotFile]) -> SnapshotFs {
        // SAFETY: getuid and getgid cannot fail.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        let fs = SnapshotFs {
            repo,
            inodes: RwLock::new(Inodes::default()),
            trees: Mutex::new(TreeCache::default()),
            open: Mutex::new(HashMap::new()),
            next_handle: std::sync::atomic::AtomicU64::new(1),
            uid,
            gid,
        };
        fs.lay_out(snaps);
        fs
    }

    /// Builds the layout's folders (every snapshot root under each of its names).
    fn lay_out(&self, snaps: &[SnapshotFile]) {
        let mut sorted: Vec<&SnapshotFile> = snaps.iter().collect();
        sorted.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        let newest = sorted.last().map_or(UNIX_EPOCH, |s| snap_time(s));
        let mut ino = self.inodes.write().unwrap_or_else(PoisonError::into_inner);
        let placeholder = Arc::new(Inode {
            kind: Kind::Folder(BTreeMap::new()),
            parent: 1,
            time: newest,
        });
        ino.all = vec![placeholder.clone(), placeholder];
        let add = |ino: &mut Inodes, parent: u64, kind: Kind, time: SystemTime| -> u64 {
            ino.all.push(Arc::new(Inode { kind, parent, time }));
            (ino.all.len() - 1) as u64
        };
        let root_node = |snap: &SnapshotFile| {
            let meta = rustic_core::repofile::Metadata {
                mtime: Some(snap.time.timestamp()),
                mode: Some(0o555 | (1 << 31)),
                ..Default::default()
            };
            let mut node = Node::new_node(OsStr::new(""), NodeType::Dir, meta);
            node.subtree = Some(snap.tree);
            node
        };
        // a list of snapshots by time name (with `-N` on repeats) and its `latest`
        let list = |ino: &mut Inodes, parent: u64, members: &[&SnapshotFile]| {
            let mut entries = BTreeMap::new();
            let mut last = None;
            for snap in members {
                let base = time_name(snap);
                let mut name = OsString::from(&base);
                let mut n = 0;
                while entries.contains_key(&name) {
                    n += 1;
                    name = OsString::from(format!("{base}-{n}"));
                }
                let child = add(
                    ino,
                    parent,
                    Kind::Item(Box::new(root_node(snap))),
                    snap_time(snap),
                );
                entries.insert(name.clone(), child);
                last = Some((name, snap_time(snap)));
            }
            if let Some((name, time)) = last {
                let link = add(ino, parent, Kind::Link(name), time);
                entries.insert(OsString::from("latest"), link);
            }
            entries
        };
        let mut top = BTreeMap::new();
        let folder = |ino: &mut Inodes, parent: u64, time: SystemTime| -> u64 {
            add(ino, parent, Kind::Folder(BTreeMap::new()), time)
        };
        let set = |ino: &mut Inodes, at: u64, entries: BTreeMap<OsString, u64>| {
            let old = &ino.all[at as usize];
            ino.all[at as usize] = Arc::new(Inode {
                kind: Kind::Folder(entries),
                parent: old.parent,
                time: old.time,
            });
        };

        // ids/
        let ids = folder(&mut ino, 1, newest);
        let mut by_id = BTreeMap::new();
        for snap in &sorted {
            let child = add(
                &mut ino,
                ids,
                Kind::Item(Box::new(root_node(snap))),
                snap_time(snap),
            );
            by_id.insert(OsString::from(crate::browse::short_id(snap)), child);
        }
        set(&mut ino, ids, by_id);
        top.insert(OsString::from("ids"), ids);

        // snapshots/
        let all = folder(&mut ino, 1, newest);
        let entries = list(&mut ino, all, &sorted);
        set(&mut ino, all, entries);
        top.insert(OsString::from("snapshots"), all);

        // hosts/ and tags/
        for (name, key) in [("hosts", 0), ("tags", 1)] {
            let mut groups: BTreeMap<String, Vec<&SnapshotFile>> = BTreeMap::new();
            for snap in &sorted {
                if key == 0 {
                    groups.entry(snap.hostname.clone()).or_default().push(snap);
                } else {
                    for tag in snap.tags.iter() {
                        groups.entry(tag.clone()).or_default().push(snap);
                    }
                }
            }
            let at = folder(&mut ino, 1, newest);
            let mut entries = BTreeMap::new();
            for (group, members) in groups {
                // a name with a slash cannot be one folder, nor can an empty one: `_`
                // stands for them, and a name already taken gets `-N`
                let base = if group.is_empty() {
                    "_".to_string()
                } else {
                    group.replace('/', "_")
                };
                let mut group_name = base.clone();
                let mut n = 0;
                while entries.contains_key(OsStr::new(&group_name)) {
                    n += 1;
                    group_name = format!("{base}-{n}");
                }
                let time = members.last().map_or(UNIX_EPOCH, |s| snap_time(s));
                let g = folder(&mut ino, at, time);
                let inner = list(&mut ino, g, &members);
                set(&mut ino, g, inner);
                entries.insert(OsString::from(group_name), g);
            }
            set(&mut ino, at, entries);
            top.insert(OsString::from(name), at);
        }
        set(&mut ino, 1, top);
    }

    fn inode(&self, ino: INodeNo) -> Option<Arc<Inode>> {
        self.inodes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .all
            .get(ino.0 as usize)
            .filter(|_| ino.0 >= 1)
            .cloned()
    }

    /// A folder's nodes, from the cache or the repository.
    fn tree(&self, id: TreeId) -> std::result::Result<Arc<Vec<Node>>, Errno> {
        if let Some(t) = self
            .trees
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .trees
            .get(&id)
        {
            return Ok(t.clone());
        }
        let tree = self.repo.get_tree(&id).map_err(|e| {
            tracing::warn!("reading folder {id}: {e}");
            Errno::EIO
        })?;
        let nodes = Arc::new(tree.nodes);
        let mut cache = self.trees.lock().unwrap_or_else(PoisonError::into_inner);
        while cache.entries + nodes.len() > CACHED_ENTRIES {
            let Some(old) = cache.order.pop_front() else {
                break;
            };
            if let Some(t) = cache.trees.remove(&old) {
                cache.entries -= t.len();
            }
        }
        cache.entries += nodes.len();
        cache.order.push_back(id);
        cache.trees.insert(id, nodes.clone());
        Ok(nodes)
    }

    /// The inode of the snapshot item `node`, named `name` in folder `parent`.
    fn item_inode(&self, parent: u64, node: &Node) -> u64 {
        let name = node.name().to_os_string();
        let key = (parent, name);
        if let Some(i) = self
            .inodes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .items
            .get(&key)
        {
            return *i;
        }
        let mut all = self.inodes.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = all.items.get(&key) {
            return *i;
        }
        // a folder saved without times (rustic's parents of the backed-up paths)
        // shows the snapshot's
        let time = all.all.get(parent as usize).map_or(UNIX_EPOCH, |p| p.time);
        all.all.push(Arc::new(Inode {
            kind: Kind::Item(Box::new(node.clone())),
            parent,
            time,
        }));
        let i = (all.all.len() - 1) as u64;
        all.items.insert(key, i);
        i
    }

    /// A folder's entries: (name, inode, type).
    fn entries(
        &self,
        ino: u64,
        inode: &Inode,
    ) -> std::result::Result<Vec<(OsString, u64, FileType)>, Errno> {
        match &inode.kind {
            Kind::Folder(entries) => {
                let all = self.inodes.read().unwrap_or_else(PoisonError::into_inner);
                Ok(entries
                    .iter()
                    .map(|(name, i)| {
                        let kind = all
                            .all
                            .get(*i as usize)
                            .map_or(FileType::Directory, |n| file_type(&n.kind));
                        (name.clone(), *i, kind)
                    })
                    .collect())
            }
            Kind::Item(node) if node.is_dir() => {
                let Some(sub) = node.subtree else {
                    return Ok(Vec::new());
                };
                let nodes = self.tree(sub)?;
                Ok(nodes
                    .iter()
                    .map(|n| {
                        let i = self.item_inode(ino, n);
                        (n.name().to_os_string(), i, node_type(n))
                    })
                    .collect())
            }
            _ => Err(Errno::ENOTDIR),
        }
    }

    fn attr(&self, ino: u64, inode: &Inode) -> FileAttr {
        let mut attr = FileAttr {
            ino: INodeNo(ino),
            size: 0,
            blocks: 0,
            atime: inode.time,
            mtime: inode.time,
            ctime: inode.time,
            crtime: inode.time,
            kind: file_type(&inode.kind),
            perm: 0o555,
            nlink: 1,
            uid: self.uid,
            gid: self.gid,
            rdev: 0,
            blksize: 4096,
            flags: 0,
        };
        match &inode.kind {
            Kind::Folder(_) => attr.nlink = 2,
            Kind::Link(target) => {
                attr.perm = 0o777;
                attr.size = target.len() as u64;
            }
            Kind::Item(node) => {
                let meta = &node.meta;
                attr.size = match &node.node_type {
                    NodeType::Symlink { .. } => link_target(node).len() as u64,
                    NodeType::Dir => 0,
                    _ => meta.size,
                };
                attr.blocks = attr.size.div_ceil(512);
                attr.mtime = meta
                    .mtime
                    .as_ref()
                    .map_or(inode.time, |t| system_time(Some(t)));
                attr.atime = meta
                    .atime
                    .as_ref()
                    .map_or(attr.mtime, |t| system_time(Some(t)));
                attr.ctime = meta
                    .ctime
                    .as_ref()
                    .map_or(attr.mtime, |t| system_time(Some(t)));
                attr.crtime = attr.mtime;
                let default = if node.is_dir() { 0o755 } else { 0o644 };
                attr.perm = meta
                    .mode
                    .map_or(default, |m| crate::restore::unix_mode(m) as u16);
                attr.nlink = if node.is_dir() {
                    2
                } else {
                    u32::try_from(meta.links.max(1)).unwrap_or(1)
                };
                attr.uid = meta.uid.unwrap_or(self.uid);
                attr.gid = meta.gid.unwrap_or(self.gid);
                if let NodeType::Dev { device } | NodeType::Chardev { device } = node.node_type {
                    attr.rdev = u32::try_from(device).unwrap_or(0);
                }
            }
        }
        attr
    }

    fn node(&self, ino: INodeNo) -> std::result::Result<(Arc<Inode>, Node), Errno> {
        let inode = self.inode(ino).ok_or(Errno::ENOENT)?;
        match &inode.kind {
            Kind::Item(n) => {
                let n = (**n).clone();
                Ok((inode, n))
            }
            _ => Err(Errno::ENODATA),
        }
    }
}

fn file_type(kind: &Kind) -> FileType {
    match kind {
        Kind::Folder(_) => FileType::Directory,
        Kind::Link(_) => FileType::Symlink,
        Kind::Item(node) => node_type(node),
    }
}

fn node_type(node: &Node) -> FileType {
    match node.node_type {
        NodeType::File => FileType::RegularFile,
        NodeType::Dir => FileType::Directory,
        NodeType::Symlink { .. } => FileType::Symlink,
        NodeType::Dev { .. } => FileType::BlockDevice,
        NodeType::Chardev { .. } => FileType::CharDevice,
        NodeType::Fifo => FileType::NamedPipe,
        NodeType::Socket => FileType::Socket,
    }
}

/// A link's target, its bytes as stored.
fn link_target(node: &Node) -> Vec<u8> {
    match &node.node_type {
        NodeType::Symlink {
            linktarget,
            linktarget_raw,
        } => linktarget_raw
            .clone()
            .unwrap_or_else(|| linktarget.as_bytes().to_vec()),
        _ => Vec::new(),
    }
}

/// A reply's answer for `size` bytes of buffer: the size asked for, the data, or
/// "too small".
fn xattr_reply(reply: ReplyXattr, size: u32, data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    if size == 0 {
        reply.size(len);
    } else if len <= size {
        reply.data(data);
    } else {
        reply.error(Errno::ERANGE);
    }
}

impl Filesystem for SnapshotFs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let Some(inode) = self.inode(parent) else {
            return reply.error(Errno::ENOENT);
        };
        let found = match &inode.kind {
            Kind::Folder(entries) => entries.get(name).copied(),
            Kind::Item(node) if node.is_dir() => {
                let Some(sub) = node.subtree else {
                    return reply.error(Errno::ENOENT);
                };
                match self.tree(sub) {
                    Ok(nodes) => nodes
                        .iter()
                        .find(|n| *n.name() == *name)
                        .map(|n| self.item_inode(parent.0, n)),
                    Err(e) => return reply.error(e),
                }
            }
            _ => return reply.error(Errno::ENOTDIR),
        };
        match found.and_then(|i| self.inode(INodeNo(i)).map(|n| (i, n))) {
            Some((i, child)) => reply.entry(&TTL, &self.attr(i, &child), Generation(0)),
            None => reply.error(Errno::ENOENT),
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        match self.inode(ino) {
            Some(inode) => reply.attr(&TTL, &self.attr(ino.0, &inode)),
            None => reply.error(Errno::ENOENT),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        match self.inode(ino).as_deref().map(|i| &i.kind) {
            Some(Kind::Link(target)) => reply.data(target.as_bytes()),
            Some(Kind::Item(node)) if matches!(node.node_type, NodeType::Symlink { .. }) => {
                reply.data(&link_target(node));
            }
            Some(_) => reply.error(Errno::EINVAL),
            None => reply.error(Errno::ENOENT),
        }
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        if flags.0 & libc::O_ACCMODE != libc::O_RDONLY {
            return reply.error(Errno::EROFS);
        }
        let node = match self.node(ino) {
            Ok((_, n)) if n.is_file() => n,
            Ok(_) => return reply.error(Errno::EISDIR),
            Err(e) => return reply.error(e),
        };
        match self.repo.open_file(&node) {
            Ok(file) => {
                let fh = self
                    .next_handle
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.open
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(fh, Arc::new(file));
                // the contents never change: the kernel may keep them
                reply.opened(FileHandle(fh), FopenFlags::FOPEN_KEEP_CACHE);
            }
            Err(e) => {
                tracing::warn!("opening {:?}: {e}", node.name());
                reply.error(Errno::EIO);
            }
        }
    }

    fn read(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let file = self
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&fh.0)
            .cloned();
        let Some(file) = file else {
            return reply.error(Errno::EBADF);
        };
        let Ok(offset) = usize::try_from(offset) else {
            return reply.data(&[]);
        };
        match self.repo.read_file_at(&file, offset, size as usize) {
            Ok(bytes) => reply.data(&bytes),
            Err(e) => {
                tracing::warn!("reading at {offset}: {e}");
                reply.error(Errno::EIO);
            }
        }
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&fh.0);
        reply.ok();
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let Some(inode) = self.inode(ino) else {
            return reply.error(Errno::ENOENT);
        };
        let entries = match self.entries(ino.0, &inode) {
            Ok(e) => e,
            Err(e) => return reply.error(e),
        };
        let dots = [
            (OsString::from("."), ino.0, FileType::Directory),
            (OsString::from(".."), inode.parent, FileType::Directory),
        ];
        for (i, (name, child, kind)) in dots
            .into_iter()
            .chain(entries)
            .enumerate()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        {
            if reply.add(INodeNo(child), i as u64 + 1, kind, &name) {
                break;
            }
        }
        reply.ok();
    }

    fn getxattr(&self, _req: &Request, ino: INodeNo, name: &OsStr, size: u32, reply: ReplyXattr) {
        let node = match self.node(ino) {
            Ok((_, n)) => n,
            Err(e) => return reply.error(e),
        };
        match node
            .meta
            .extended_attributes
            .iter()
            .find(|x| OsStr::new(&x.name) == name)
        {
            Some(x) => xattr_reply(reply, size, x.value.as_deref().unwrap_or_default()),
            None => reply.error(Errno::ENODATA),
        }
    }

    fn listxattr(&self, _req: &Request, ino: INodeNo, size: u32, reply: ReplyXattr) {
        let names: Vec<u8> = match self.node(ino) {
            Ok((_, n)) => n
                .meta
                .extended_attributes
                .iter()
                .flat_map(|x| x.name.as_bytes().iter().copied().chain([0]))
                .collect(),
            Err(_) => Vec::new(),
        };
        xattr_reply(reply, size, &names);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The set-uid helper's hand-over, as a user's mount goes (run here as root, the
    /// only way this machine's /dev/fuse lets it run): the device comes back, and
    /// the mount is there under our name until it is taken away. Nothing touches the
    /// folder itself, which would wait for a file system that is not served.
    #[test]
    fn fusermount_hands_over_the_device() {
        // SAFETY: geteuid cannot fail.
        if crate::fsutil::find_program("fusermount3").is_none() || unsafe { libc::geteuid() } != 0 {
            return;
        }
        let dir = tempfile::tempdir().expect("a folder");
        let at = dir.path().join("mnt");
        std::fs::create_dir(&at).expect("a mountpoint");
        let fd = fusermount(&at, "ro,nosuid,nodev,fsname=npb-unit,subtype=npb-unit")
            .expect("fusermount3 mounts and hands the device over");
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        let line = mounts
            .lines()
            .find(|l| l.contains(&*at.to_string_lossy()))
            .map(str::to_string);
        assert!(detach(&at), "unmounted");
        drop(fd);
        let line = line.expect("the mount is listed");
        assert!(
            line.contains("fuse.npb-unit") && line.contains("npb-unit"),
            "{line}"
        );
        assert!(line.contains(" ro"), "{line}");
    }

    #[test]
    fn time_names_are_restics() {
        let mut snap = SnapshotFile {
            time: "2024-05-01T10:00:00+02:00[+02:00]".parse().expect("a time"),
            ..Default::default()
        };
        assert_eq!(time_name(&snap), "2024-05-01T10:00:00+02:00");
        snap.time = "2024-05-01T10:00:00Z[UTC]".parse().expect("a time");
        assert_eq!(time_name(&snap), "2024-05-01T10:00:00Z");
    }
}
