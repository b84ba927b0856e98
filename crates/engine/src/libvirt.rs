//! KVM guests through libvirt (`virsh`, from libvirt-clients): each domain's
//! definition and disks backed up under `/libvirt/DOMAIN/` in one snapshot, and
//! restored as a domain defined again, under its name or a new one.
//!
//! A running (or paused) domain is read through libvirt's pull-mode backup job
//! ([`pull`]): its disks as they were when the job began, over NBD, the qcow2 ones
//! as the blocks changed since the checkpoint of the previous backup. Where libvirt
//! cannot run that job, the domain is first moved onto overlays: an external,
//! disk-only snapshot (frozen through the guest agent when it answers) puts a new
//! file `DISK.npbackup-overlay` in front of each disk, so that the disks themselves
//! stop changing while they are read. Afterwards (success, failure or a cancel)
//! each overlay is merged back (`blockcommit --active --pivot`) and removed once
//! the domain runs on its own disk again. A run killed before it could merge is
//! mended by the next: a disk whose source ends in `.npbackup-overlay` is merged
//! back first. A shut-off domain's disks are read as they are.
//!
//! In the snapshot: `/libvirt/DOMAIN/domain.xml` (the persistent definition) and
//! one file per disk: `TARGET-FILE` (`vda-web1.qcow2`) for an image read as a file
//! or a raw disk, `TARGET-FILE.raw` for a qcow2 disk read through the job (the
//! guest's bytes; converted back on restore). Holes read as zeros, which
//! deduplicate to nothing.

mod pull;

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{Arc, Mutex, PoisonError, atomic::AtomicU64},
};

use rustic_core::{
    BackupOptions, DataId, IndexedFullStatus, OpenStatus, Repository, repofile::SnapshotFile,
};

use super::{OpenRepo, backup::BackupRequest};
use crate::{
    error::{Error, Result},
    nbd::Nbd,
};

/// The suffix of the overlay a running disk is put on while it is read.
pub const OVERLAY_SUFFIX: &str = ".npbackup-overlay";

/// Where a snapshot keeps the domains.
pub const SNAPSHOT_FOLDER: &str = "/libvirt";

/// The overlays this process put domains on: merged back by [`abort`] when the job
/// is cancelled.
static ACTIVE: Mutex<Vec<Overlay>> = Mutex::new(Vec::new());
/// Held while overlays are made, so that a cancel waits for a snapshot under way
/// and then merges it, instead of racing it.
static SNAPSHOTTING: Mutex<()> = Mutex::new(());
/// Set by a cancel: no overlay is made after it.
static CANCELLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `virsh`, connected to one libvirt URI (`None`: virsh's default, `LIBVIRT_DEFAULT_URI`
/// or `qemu:///system` for root).
#[derive(Debug, Clone)]
struct Virsh {
    uri: Option<String>,
}

/// One of a domain's disks, as `domblklist --details` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Disk {
    /// "file", "block", "network", "volume"…
    kind: String,
    /// "disk", "cdrom", "floppy", "lun"
    device: String,
    /// "vda"
    target: String,
    /// The image (`-` or empty when there is none, as an empty CD drive).
    source: String,
}

/// A disk put on an overlay by this run.
#[derive(Debug, Clone)]
struct Overlay {
    virsh: Virsh,
    domain: String,
    target: String,
    disk: PathBuf,
    overlay: PathBuf,
}

/// What is read of one domain.
struct Domain {
    name: String,
    live: bool,
    xml: String,
    disks: Vec<Disk>,
}

impl Virsh {
    fn command(&self) -> Command {
        let mut cmd = Command::new("virsh");
        if let Some(uri) = &self.uri {
            cmd.arg("--connect").arg(uri);
        }
        cmd.arg("--quiet");
        // domain states are parsed: virsh must not translate them
        cmd.env("LC_ALL", "C");
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Runs `virsh ARGS`: its output, or an error quoting what it said.
    fn run(&self, args: &[&str]) -> Result<String> {
        let out = self.command().args(args).output().map_err(|e| {
            Error::Input(crate::t!("engine-libvirt-no-virsh", cause = e.to_string()))
        })?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).to_string());
        }
        let said = String::from_utf8_lossy(&out.stderr);
        let said = crate::redact::redact(said.trim());
        Err(Error::Input(crate::t!(
            "engine-libvirt-failed",
            command = format!("virsh {}", args.join(" ")),
            cause = if said.is_empty() {
                out.status.to_string()
            } else {
                said
            }
        )))
    }

    /// Every domain libvirt knows, running or not.
    fn domains(&self) -> Result<Vec<String>> {
        Ok(self
            .run(&["list", "--all", "--name"])?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect())
    }

    fn state(&self, domain: &str) -> Result<String> {
        Ok(self.run(&["domstate", domain])?.trim().to_string())
    }

    fn disks(&self, domain: &str) -> Result<Vec<Disk>> {
        Ok(parse_blklist(&self.run(&[
            "domblklist",
            domain,
            "--details",
        ])?))
    }

    /// Merges overlay `o` back into its disk and removes it once the domain no
    /// longer uses it.
    fn merge(&self, o: &Overlay) -> Result<()> {
        let merged = self.run(&[
            "blockcommit",
            &o.domain,
            &o.target,
            "--active",
            "--pivot",
            "--wait",
        ]);
        let back = self
            .disks(&o.domain)
            .map(|disks| {
                disks
                    .iter()
                    .any(|d| d.target == o.target && Path::new(&d.source) == o.disk)
            })
            .unwrap_or(false);
        if !back {
            let cause = match merged {
                Err(e) => e.to_string(),
                Ok(_) => crate::t!("engine-libvirt-still-on-overlay"),
            };
            return Err(Error::Input(crate::t!(
                "engine-libvirt-merge-failed",
                domain = o.domain.as_str(),
                target = o.target.as_str(),
                overlay = o.overlay.display().to_string(),
                disk = o.disk.display().to_string(),
                cause = cause
            )));
        }
        std::fs::remove_file(&o.overlay)
            .or_else(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Ok(()),
                _ => Err(e),
            })
            .map_err(|e| Error::io(crate::t!("io-removing"), &o.overlay, e))
    }
}

/// `domblklist --details`: "file  disk  vda  /var/lib/libvirt/images/web1.qcow2" a
/// line (a source may hold spaces; the header, when virsh prints one, is skipped).
fn parse_blklist(text: &str) -> Vec<Disk> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let mut rest = line;
            let mut words = Vec::new();
            for _ in 0..3 {
                let word_end = rest.find(char::is_whitespace)?;
                words.push(&rest[..word_end]);
                rest = rest[word_end..].trim_start();
            }
            let source = rest.trim();
            if words[0] == "Type" || words[0].starts_with('-') || source.is_empty() {
                return None;
            }
            Some(Disk {
                kind: words[0].to_string(),
                device: words[1].to_string(),
                target: words[2].to_string(),
                source: source.to_string(),
            })
        })
        .collect()
}

/// Whether a disk is backed up: a disk (not a CD or floppy drive) held in a file.
fn is_backed_up(d: &Disk) -> bool {
    d.kind == "file" && d.device == "disk" && d.source != "-"
}

/// The domains `patterns` ("web1", "db-*") name, each once, in order; a pattern that
/// names none is an error that lists the domains there are.
fn resolve(virsh: &Virsh, patterns: &[String]) -> Result<Vec<String>> {
    if patterns.is_empty() {
        return Err(Error::Input(crate::t!("engine-libvirt-no-domains")));
    }
    let mut known = virsh.domains()?;
    known.sort();
    let mut chosen: Vec<String> = Vec::new();
    for p in patterns {
        let glob = globset::Glob::new(p)
            .map_err(|e| {
                Error::Input(crate::t!(
                    "engine-libvirt-bad-pattern",
                    pattern = p.as_str(),
                    cause = e.to_string()
                ))
            })?
            .compile_matcher();
        let matching: Vec<&String> = known.iter().filter(|d| glob.is_match(d.as_str())).collect();
        if matching.is_empty() {
            return Err(Error::Input(crate::t!(
                "engine-libvirt-no-match",
                pattern = p.as_str(),
                known = if known.is_empty() {
                    "-".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        for d in matching {
            if !chosen.contains(d) {
                chosen.push(d.clone());
            }
        }
    }
    Ok(chosen)
}

/// Reads what is backed up of `name`, first merging back an overlay a killed run
/// left it on.
fn inspect(virsh: &Virsh, name: &str) -> Result<Domain> {
    let state = virsh.state(name)?;
    // running, idle, paused, in shutdown, pmsuspended: a qemu process has the disks open
    let live = !matches!(state.as_str(), "shut off" | "crashed");
    for d in virsh.disks(name)? {
        let Some(disk) = d.source.strip_suffix(OVERLAY_SUFFIX) else {
            continue;
        };
        let o = Overlay {
            virsh: virsh.clone(),
            domain: name.to_string(),
            target: d.target.clone(),
            disk: PathBuf::from(disk),
            overlay: PathBuf::from(&d.source),
        };
        if !live {
            // merging needs the domain running; qemu-img commit and editing the
            // definition are the owner's to do
            return Err(Error::Input(crate::t!(
                "engine-libvirt-leftover-shut-off",
                domain = name,
                target = d.target.as_str(),
                overlay = d.source.as_str(),
                disk = disk
            )));
        }
        virsh.merge(&o)?;
        tracing::warn!(
            user = %crate::t!(
                "engine-libvirt-leftover-merged",
                domain = name,
                overlay = d.source.as_str(),
                disk = disk
            ),
            "{name} still ran on {} from an interrupted backup: merged back into {disk}",
            d.source
        );
    }
    let xml = virsh.run(&["dumpxml", "--inactive", name])?;
    let disks = virsh.disks(name)?;
    for d in disks
        .iter()
        .filter(|d| !is_backed_up(d) && d.device == "disk")
    {
        tracing::warn!(
            user = %crate::t!(
                "engine-libvirt-disk-skipped",
                domain = name,
                target = d.target.as_str(),
                kind = d.kind.as_str()
            ),
            "{name}: disk {} ({}) is not backed up: only disks held in files are",
            d.target,
            d.kind
        );
    }
    Ok(Domain {
        name: name.to_string(),
        live,
        xml,
        disks: disks.into_iter().filter(is_backed_up).collect(),
    })
}

/// Puts a live domain's disks on overlays (quiesced when its guest agent answers),
/// each remembered for [`abort`] before the snapshot is taken.
fn freeze(virsh: &Virsh, d: &Domain, all: &[Disk]) -> Result<Vec<Overlay>> {
    let overlays: Vec<Overlay> = d
        .disks
        .iter()
        .map(|disk| Overlay {
            virsh: virsh.clone(),
            domain: d.name.clone(),
            target: disk.target.clone(),
            disk: PathBuf::from(&disk.source),
            overlay: PathBuf::from(format!("{}{OVERLAY_SUFFIX}", disk.source)),
        })
        .collect();
    if overlays.is_empty() {
        return Ok(overlays);
    }
    for o in &overlays {
        if o.overlay.exists() {
            return Err(Error::Input(crate::t!(
                "engine-libvirt-overlay-exists",
                domain = d.name.as_str(),
                overlay = o.overlay.display().to_string()
            )));
        }
    }
    let name = format!(
        "{}-{}",
        crate::customization::SHORT_NAME,
        jiff::Timestamp::now().as_second()
    );
    let mut args: Vec<String> = [
        "snapshot-create-as",
        d.name.as_str(),
        "--name",
        name.as_str(),
        "--disk-only",
        "--atomic",
        "--no-metadata",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for o in &overlays {
        args.push("--diskspec".into());
        // virsh splits a diskspec at commas; a doubled comma is a comma
        args.push(format!(
            "{},snapshot=external,file={}",
            o.target,
            o.overlay.display().to_string().replace(',', ",,")
        ));
    }
    // the domain's other disks (network, block, drives) stay as they are
    for other in all.iter().filter(|x| !d.disks.contains(x)) {
        if other.source != "-" {
            args.push("--diskspec".into());
            args.push(format!("{},snapshot=no", other.target));
        }
    }
    let _snapshotting = SNAPSHOTTING.lock().unwrap_or_else(PoisonError::into_inner);
    if CANCELLED.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(Error::Cancelled(crate::t!("engine-libvirt-cancelled")));
    }
    // remembered before they exist: a cancel during the snapshot still merges
    ACTIVE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .extend(overlays.iter().cloned());
    let quiesced: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .chain(["--quiesce"])
        .collect();
    if let Err(quiet) = virsh.run(&quiesced) {
        let plain: Vec<&str> = args.iter().map(String::as_str).collect();
        if let Err(e) = virsh.run(&plain) {
            forget(&overlays);
            return Err(e);
        }
        not_quiesced(&d.name, &quiet);
    }
    Ok(overlays)
}

/// Says that `domain`'s disks are read without its file systems frozen, and why.
fn not_quiesced(domain: &str, quiet: &Error) {
    tracing::warn!(
        user = %crate::t!(
            "engine-libvirt-not-quiesced",
            domain = domain,
            cause = quiet.to_string()
        ),
        "{domain}: disks read without freezing the guest's file systems: {quiet}"
    );
}

/// Forgets overlays merged (or never made).
fn forget(done: &[Overlay]) {
    ACTIVE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|o| !done.iter().any(|d| d.overlay == o.overlay));
}

/// Merges back every overlay still in use, each once; the first failure is the
/// error, and every one is tried.
fn thaw(overlays: &[Overlay]) -> Result<()> {
    let mut first = None;
    for o in overlays {
        if let Err(e) = o.virsh.merge(o) {
            tracing::error!("{e}");
            first.get_or_insert(e);
        }
    }
    forget(overlays);
    first.map_or(Ok(()), Err)
}

/// On a cancel: merges back what this process put on overlays and ends the backup
/// jobs it began.
pub fn abort() {
    CANCELLED.store(true, std::sync::atomic::Ordering::SeqCst);
    let _snapshotting = SNAPSHOTTING.lock().unwrap_or_else(PoisonError::into_inner);
    let active = std::mem::take(&mut *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner));
    let _ = thaw(&active);
    pull::abort();
}

/// Where a snapshot keeps domain `name`.
fn folder_of(name: &str) -> PathBuf {
    PathBuf::from(SNAPSHOT_FOLDER).join(super::backup::component(name))
}

/// The newest snapshots of host `host` among `all` (at most 10, newest first) that
/// hold `folder`.
fn history(all: &[SnapshotFile], folder: &Path, host: &str) -> Vec<SnapshotFile> {
    let folder = folder.display().to_string();
    let mut found: Vec<SnapshotFile> = all
        .iter()
        .filter(|s| s.hostname == host && s.paths.iter().any(|p| *p == folder))
        .cloned()
        .collect();
    found.sort_by(|a, b| b.time.cmp(&a.time));
    found.truncate(10);
    found
}

/// A definition's `<uuid>`.
fn uuid_of(xml: &str) -> Option<&str> {
    let at = xml.find("<uuid>")? + "<uuid>".len();
    let end = xml[at..].find("</uuid>")?;
    Some(xml[at..at + end].trim())
}

/// The UUID in the definition a snapshot holds for the domain in `folder`.
fn uuid_in(
    repo: &Repository<IndexedFullStatus>,
    snap: &SnapshotFile,
    folder: &Path,
) -> Option<String> {
    let node = repo
        .node_from_path(snap.tree, &folder.join("domain.xml"))
        .ok()?;
    let open = repo.open_file(&node).ok()?;
    let text = repo
        .read_file_at(&open, 0, usize::try_from(node.meta.size).ok()?)
        .ok()?;
    uuid_of(&String::from_utf8_lossy(&text)).map(str::to_string)
}

/// Among this repository's checkpoints `ours` (oldest first), the newest that one
/// snapshot of `history` was read at: a snapshot of this domain (its UUID `uuid`)
/// where every file `files` has the checkpoint's time as its modification time.
/// That snapshot is the one whose chunks the changes are laid over.
fn since(
    repo: &Repository<IndexedFullStatus>,
    history: &[SnapshotFile],
    folder: &Path,
    uuid: Option<&str>,
    ours: &[(String, jiff::Timestamp)],
    files: &[String],
) -> Option<((String, jiff::Timestamp), SnapshotFile)> {
    let uuid = uuid?;
    ours.iter().rev().find_map(|(name, time)| {
        history
            .iter()
            .find(|snap| {
                files.iter().all(|f| {
                    repo.node_from_path(snap.tree, &folder.join(f))
                        .ok()
                        .and_then(|n| n.meta.mtime)
                        .is_some_and(|t| t == *time)
                }) && uuid_in(repo, snap, folder).as_deref() == Some(uuid)
            })
            .map(|snap| ((name.clone(), *time), snap.clone()))
    })
}

/// File `path`'s chunks and their lengths in snapshot `base`, when it has
/// modification time `time` and size `size` there.
fn base_of(
    repo: &Repository<IndexedFullStatus>,
    base: &SnapshotFile,
    path: &Path,
    time: jiff::Timestamp,
    size: u64,
) -> Option<Vec<(DataId, u64)>> {
    let node = repo.node_from_path(base.tree, path).ok()?;
    let same = node.meta.mtime.is_some_and(|t| t == time) && node.meta.size == size;
    if !same {
        return None;
    }
    node.content
        .as_ref()?
        .iter()
        .map(|id| {
            let entry = repo.get_index_entry(id).ok()?;
            Some((*id, u64::from(entry.data_length())))
        })
        .collect()
}

/// Held while this user backs up a domain: a second backup of it (into another
/// repository) waits, and a backup job or overlay of ours found while holding it is
/// one a killed run left behind. Released when dropped, or when the process dies.
struct DomainLock(#[allow(dead_code)] std::fs::File);

/// Takes the lock of domain `name` at `uri`, waiting (cancellable) while another
/// backup of it holds it.
fn lock_domain(uri: Option<&str>, name: &str) -> Result<DomainLock> {
    use std::hash::{Hash, Hasher};
    let dir = crate::dirs::runtime_dir().join("locks");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(crate::t!("io-creating-lock-folder"), &dir, e))?;
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    (uri.unwrap_or_default(), name).hash(&mut hash);
    let path = dir.join(format!(
        "libvirt-{}-{:016x}.lock",
        super::backup::component(name),
        hash.finish()
    ));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(crate::t!("io-opening-lock-file"), &path, e))?;
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(DomainLock(file)),
            Err(std::fs::TryLockError::WouldBlock) => {
                if CANCELLED.load(std::sync::atomic::Ordering::SeqCst) {
                    return Err(Error::Cancelled(crate::t!("engine-libvirt-cancelled")));
                }
                if !said {
                    tracing::warn!(
                        user = %crate::t!("engine-libvirt-waiting", domain = name),
                        "{name}: another backup of this domain is running: waiting for it"
                    );
                    said = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::io(crate::t!("io-locking"), &path, e));
            }
        }
    }
}

/// Backs up domains `patterns` of libvirt at `uri` (see the module's comment).
pub(crate) fn backup(
    open: OpenRepo,
    req: &BackupRequest,
    uri: Option<&str>,
    patterns: &[String],
) -> Result<(Repository<OpenStatus>, SnapshotFile)> {
    let virsh = Virsh {
        uri: uri.map(str::to_string),
    };
    let names = resolve(&virsh, patterns)?;
    // each domain locked (in one order, so that two runs cannot hold one each)
    // before anything of it is looked at or mended
    let mut sorted = names.clone();
    sorted.sort();
    let _locks = sorted
        .iter()
        .map(|n| lock_domain(uri, n))
        .collect::<Result<Vec<_>>>()?;
    let domains = names
        .iter()
        .map(|n| inspect(&virsh, n))
        .collect::<Result<Vec<_>>>()?;
    let location = open.uri.clone();
    let repo_id = open.repo.config().id.to_hex().to_string();
    // the whole index: the lengths of the chunks a disk read since a checkpoint keeps
    let repo = open
        .repo
        .to_indexed()
        .map_err(crate::index_error(&location))?;
    let mut overlays = Vec::new();
    let mut pulls: Vec<pull::Pull> = Vec::new();
    // each pulled domain's snapshot whose chunks its changes are laid over
    let mut bases: Vec<Option<SnapshotFile>> = vec![None; domains.len()];
    // the repository's snapshots, read once (for the first running domain)
    let mut all: Option<Vec<SnapshotFile>> = None;
    // a dry run writes nothing: the guests' disks are read in place
    for (d, base) in domains.iter().zip(bases.iter_mut()) {
        if !d.live || req.dry_run || d.disks.is_empty() {
            continue;
        }
        let folder = folder_of(&d.name);
        let history = history(
            all.get_or_insert_with(|| repo.get_all_snapshots().unwrap_or_default()),
            &folder,
            &req.host,
        );
        let matched = std::cell::RefCell::new(None);
        let since_of = |ours: &[(String, jiff::Timestamp)], files: &[String]| {
            let (checkpoint, snap) = since(&repo, &history, &folder, uuid_of(&d.xml), ours, files)?;
            *matched.borrow_mut() = Some(snap);
            Some(checkpoint)
        };
        let begun = virsh.disks(&d.name).and_then(|all| {
            let mut begun = pull::begin(&virsh, d, &all, &repo_id, since_of)?;
            // an incremental job refused (a bitmap lost with a crash, an image
            // replaced): the chain starts again, with a whole read
            if matches!(begun, pull::Begun::Unsupported(_))
                && pull::drop_checkpoints(&virsh, &d.name, &repo_id)
            {
                *matched.borrow_mut() = None;
                begun = pull::begin(&virsh, d, &all, &repo_id, |_, _| None)?;
            }
            match begun {
                pull::Begun::Pulled(p) => {
                    *base = matched.borrow_mut().take().filter(|_| p.since.is_some());
                    pulls.push(*p);
                }
                pull::Begun::Unsupported(why) => {
                    tracing::warn!(
                        user = %crate::t!(
                            "engine-libvirt-no-backup-job",
                            domain = d.name.as_str(),
                            cause = why.to_string()
                        ),
                        "{}: libvirt's backup job is not available, using overlays: {why}",
                        d.name
                    );
                    overlays.extend(freeze(&virsh, d, &all)?);
                }
            }
            Ok(())
        });
        if let Err(e) = begun {
            let _ = thaw(&overlays);
            for p in pulls {
                p.finish(false);
            }
            return Err(e);
        }
    }
    let archived = archive(&repo, req, &domains, &bases, &pulls, &location);
    let thawed = thaw(&overlays);
    let saved = archived.is_ok();
    for p in pulls {
        for disk in &p.disks {
            let read = disk.read.load(std::sync::atomic::Ordering::Relaxed);
            let since = p
                .since
                .as_ref()
                .filter(|_| disk.changed.is_some())
                .map(|(name, _)| format!(" (the changes since checkpoint {name})"))
                .unwrap_or_default();
            tracing::info!(
                "{} {}: read {read} of {} bytes{since}",
                p.domain,
                disk.disk.target,
                disk.size
            );
        }
        p.finish(saved);
    }
    let snap = archived?;
    thawed?;
    Ok((repo.drop_index(), snap))
}

/// The snapshot's file name for a disk: its target and its image's name.
fn disk_file_name(d: &Disk) -> String {
    let base = Path::new(&d.source)
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_else(|| "disk".into());
    super::backup::component(&format!("{}-{base}", d.target))
}

fn archive(
    repo: &Repository<IndexedFullStatus>,
    req: &BackupRequest,
    domains: &[Domain],
    bases: &[Option<SnapshotFile>],
    pulls: &[pull::Pull],
    location: &str,
) -> Result<SnapshotFile> {
    let mut entries = Vec::new();
    let mut paths = Vec::new();
    let now = jiff::Timestamp::now();
    for (d, base) in domains.iter().zip(bases) {
        let folder = folder_of(&d.name);
        entries.push(Entry::Bytes {
            path: folder.join("domain.xml"),
            data: d.xml.clone().into_bytes(),
            mtime: now,
        });
        match pulls.iter().find(|p| p.domain == d.name) {
            Some(p) => {
                for disk in &p.disks {
                    let path = folder.join(disk.file_name());
                    let splice = match (&p.since, &disk.changed, base) {
                        (Some((_, time)), Some(changed), Some(base)) => {
                            base_of(repo, base, &path, *time, disk.size)
                                .map(|chunks| (chunks, changed.clone()))
                        }
                        _ => None,
                    };
                    entries.push(Entry::Disk {
                        path,
                        nbd: disk.nbd.clone(),
                        size: disk.size,
                        mtime: p.time,
                        read: disk.read.clone(),
                        splice,
                    });
                }
            }
            None => {
                for disk in &d.disks {
                    entries.push(Entry::File {
                        path: folder.join(disk_file_name(disk)),
                        real: PathBuf::from(&disk.source),
                    });
                }
            }
        }
        paths.push(folder);
    }
    entries.sort_by(|a, b| a.path().cmp(b.path()));
    let source = FilesSource::new(entries)?;
    let opts = BackupOptions::default().dry_run(req.dry_run);
    let doing = || {
        crate::t!(
            "engine-backing-up-libvirt",
            domains = domains
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            location = location
        )
    };
    let snap = repo
        .archive(
            &opts,
            &source,
            super::backup::prepare_snapshot(req)?,
            &paths,
        )
        .map_err(|e| crate::engine_error(doing(), &e))?;
    // a disk that could not be read (the guest stopped, the job was ended, an I/O
    // error) would be missing from the snapshot: none is kept
    let failed = source
        .failed
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(why) = failed {
        if !req.dry_run {
            repo.delete_snapshots(&[snap.id])
                .map_err(|e| crate::engine_error(doing(), &e))?;
        }
        return Err(Error::Input(crate::t!(
            "engine-libvirt-read-failed",
            cause = why.as_str()
        )));
    }
    Ok(snap)
}

/// The previous version's chunks of a disk and the ranges changed since.
type Changes = (Vec<(DataId, u64)>, Vec<std::ops::Range<u64>>);

/// One file of a [`FilesSource`].
enum Entry {
    /// Bytes held in memory (a definition).
    Bytes {
        path: PathBuf,
        data: Vec<u8>,
        mtime: jiff::Timestamp,
    },
    /// A file read from `real` (an image), its metadata as the file's.
    File { path: PathBuf, real: PathBuf },
    /// A disk read through a backup job's NBD export, whole or its changes.
    Disk {
        path: PathBuf,
        nbd: Arc<Mutex<Nbd>>,
        size: u64,
        mtime: jiff::Timestamp,
        read: Arc<AtomicU64>,
        splice: Option<Changes>,
    },
}

impl Entry {
    fn path(&self) -> &Path {
        match self {
            Entry::Bytes { path, .. } | Entry::File { path, .. } | Entry::Disk { path, .. } => path,
        }
    }
}

/// Files gathered from anywhere into one tree of the snapshot, each opened when
/// the source is read (after the domains are on their overlays).
struct FilesSource {
    entries: Mutex<Vec<Entry>>,
    size: u64,
    /// The first read that failed (rustic's archiver leaves such a file out of the
    /// snapshot with a warning: a guest's disk must not be, so the backup fails).
    failed: Failed,
}

/// Where the first failed read of a [`FilesSource`] is kept: "path: why".
type Failed = Arc<Mutex<Option<String>>>;

fn fail(failed: &Failed, path: &Path, why: &dyn std::fmt::Display) {
    let mut f = failed.lock().unwrap_or_else(PoisonError::into_inner);
    if f.is_none() {
        *f = Some(format!("{}: {why}", path.display()));
    }
}

/// A reader whose first error is kept in `failed`.
struct Watched<R> {
    inner: R,
    path: PathBuf,
    failed: Failed,
}

impl<R: std::io::Read> std::io::Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner
            .read(buf)
            .inspect_err(|e| fail(&self.failed, &self.path, e))
    }
}

impl FilesSource {
    fn new(entries: Vec<Entry>) -> Result<Self> {
        let mut size = 0;
        for e in &entries {
            size += match e {
                Entry::Bytes { data, .. } => data.len() as u64,
                Entry::File { real, .. } => std::fs::metadata(real)
                    .map_err(|err| Error::io(crate::t!("io-reading"), real, err))?
                    .len(),
                Entry::Disk { size, .. } => *size,
            };
        }
        Ok(FilesSource {
            entries: Mutex::new(entries),
            size,
            failed: Failed::default(),
        })
    }
}

/// How a [`FilesSource`] entry is read.
enum Open {
    Stream(Box<dyn std::io::Read + Send>),
    /// A disk's export: whole, or only its changes when `splice` says them.
    Disk {
        nbd: Arc<Mutex<Nbd>>,
        read: Arc<AtomicU64>,
        splice: Option<Changes>,
        path: PathBuf,
        failed: Failed,
    },
}

impl rustic_core::ReadSourceOpen for Open {
    type Reader = Box<dyn std::io::Read + Send>;

    fn open(self) -> rustic_core::RusticResult<Self::Reader> {
        Ok(match self {
            Open::Stream(r) => r,
            Open::Disk {
                nbd,
                read,
                path,
                failed,
                ..
            } => Box::new(std::io::BufReader::with_capacity(
                1 << 20,
                Watched {
                    inner: crate::nbd::Reader::new(nbd, 0, read),
                    path,
                    failed,
                },
            )),
        })
    }

    fn splice(&mut self) -> Option<rustic_core::Splice> {
        let Open::Disk {
            nbd,
            read,
            splice,
            path,
            failed,
        } = self
        else {
            return None;
        };
        let (base, changed) = splice.take()?;
        let (nbd, read, path, failed) = (nbd.clone(), read.clone(), path.clone(), failed.clone());
        Some(rustic_core::Splice {
            base,
            changed,
            read_at: Box::new(move |pos| {
                Ok(Box::new(std::io::BufReader::with_capacity(
                    1 << 20,
                    Watched {
                        inner: crate::nbd::Reader::new(nbd.clone(), pos, read.clone()),
                        path: path.clone(),
                        failed: failed.clone(),
                    },
                )) as Box<dyn std::io::Read + Send>)
            }),
        })
    }
}

fn node_of(
    e: Entry,
    failed: &Failed,
) -> rustic_core::RusticResult<rustic_core::ReadSourceEntry<Open>> {
    use rustic_core::repofile::{Metadata, Node, NodeType};
    let io_error = |path: &Path, err: std::io::Error| {
        rustic_core::RusticError::with_source(
            rustic_core::ErrorKind::InputOutput,
            "Failed to read `{path}`",
            err,
        )
        .attach_context("path", path.display().to_string())
    };
    match e {
        Entry::Bytes { path, data, mtime } => {
            let name = path.file_name().unwrap_or(path.as_os_str()).to_owned();
            let meta = Metadata {
                size: data.len() as u64,
                mtime: Some(mtime),
                mode: Some(0o600),
                ..Default::default()
            };
            Ok(rustic_core::ReadSourceEntry {
                path,
                node: Node::new_node(&name, NodeType::File, meta),
                open: Some(Open::Stream(Box::new(std::io::Cursor::new(data)))),
            })
        }
        Entry::Disk {
            path,
            nbd,
            size,
            mtime,
            read,
            splice,
        } => {
            let name = path.file_name().unwrap_or(path.as_os_str()).to_owned();
            let meta = Metadata {
                size,
                mtime: Some(mtime),
                mode: Some(0o600),
                ..Default::default()
            };
            Ok(rustic_core::ReadSourceEntry {
                node: Node::new_node(&name, NodeType::File, meta),
                open: Some(Open::Disk {
                    nbd,
                    read,
                    splice,
                    path: path.clone(),
                    failed: failed.clone(),
                }),
                path,
            })
        }
        Entry::File { path, real } => {
            let opened = std::fs::File::open(&real).and_then(|f| f.metadata().map(|m| (f, m)));
            let (file, m) = opened.map_err(|err| {
                fail(failed, &real, &err);
                io_error(&real, err)
            })?;
            let name = path.file_name().unwrap_or(path.as_os_str()).to_owned();
            let time = |t: std::io::Result<std::time::SystemTime>| {
                t.ok().and_then(|t| jiff::Timestamp::try_from(t).ok())
            };
            #[allow(unused_mut)]
            let mut meta = Metadata {
                size: m.len(),
                mtime: time(m.modified()),
                ..Default::default()
            };
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                meta.mode = Some(m.mode() & 0o7777);
                meta.uid = Some(m.uid());
                meta.gid = Some(m.gid());
                meta.inode = m.ino();
                meta.device_id = m.dev();
                meta.ctime = jiff::Timestamp::new(m.ctime(), m.ctime_nsec() as i32).ok();
            }
            Ok(rustic_core::ReadSourceEntry {
                path,
                node: Node::new_node(&name, NodeType::File, meta),
                open: Some(Open::Stream(Box::new(std::io::BufReader::with_capacity(
                    1 << 20,
                    Watched {
                        inner: file,
                        path: real,
                        failed: failed.clone(),
                    },
                )))),
            })
        }
    }
}

impl rustic_core::ReadSource for FilesSource {
    type Open = Open;
    type Iter = std::vec::IntoIter<rustic_core::RusticResult<rustic_core::ReadSourceEntry<Open>>>;

    fn size(&self) -> rustic_core::RusticResult<Option<u64>> {
        Ok(Some(self.size))
    }

    fn entries(&self) -> Self::Iter {
        let entries =
            std::mem::take(&mut *self.entries.lock().unwrap_or_else(PoisonError::into_inner));
        entries
            .into_iter()
            .map(|e| node_of(e, &self.failed))
            .collect::<Vec<_>>()
            .into_iter()
    }
}

/// What [`define_restored`] did.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DefinedDomain {
    pub name: String,
    /// The definition written (and given to `virsh define` unless asked not to).
    pub definition: PathBuf,
    /// Each disk's target and the image it now uses.
    pub disks: Vec<(String, PathBuf)>,
    pub defined: bool,
}

/// The domains a snapshot's `/libvirt` folder holds, from its `paths`.
pub fn domains_in(paths: &[String]) -> Vec<String> {
    paths
        .iter()
        .filter_map(|p| p.strip_prefix(SNAPSHOT_FOLDER)?.strip_prefix('/'))
        .map(str::to_string)
        .collect()
}

/// Refuses a restore under `name` when libvirt at `uri` already has such a domain
/// (nothing of it is ever replaced).
pub fn check_free(uri: Option<&str>, name: &str) -> Result<()> {
    let virsh = Virsh {
        uri: uri.map(str::to_string),
    };
    if virsh.domains()?.iter().any(|d| d == name) {
        return Err(Error::Input(crate::t!(
            "engine-libvirt-name-taken",
            name = name
        )));
    }
    Ok(())
}

/// After a domain's folder was restored into `folder`: its definition pointed at
/// the restored images, renamed to `name` (a copy beside the original: no UUID
/// and no MAC addresses, which libvirt then makes anew), written as
/// `folder/NAME.xml` and defined unless `define` is false.
pub fn define_restored(
    uri: Option<&str>,
    folder: &Path,
    original: &str,
    name: &str,
    define: bool,
) -> Result<DefinedDomain> {
    let xml_path = folder.join("domain.xml");
    let xml = std::fs::read_to_string(&xml_path)
        .map_err(|e| Error::io(crate::t!("io-reading"), &xml_path, e))?;
    let mut images = Vec::new();
    for e in std::fs::read_dir(folder).map_err(|e| Error::io(crate::t!("io-reading"), folder, e))? {
        let e = e.map_err(|e| Error::io(crate::t!("io-reading"), folder, e))?;
        let file = e.file_name().to_string_lossy().to_string();
        if file != "domain.xml" && e.path().is_file() {
            images.push((file, e.path()));
        }
    }
    // a disk read through a backup job was stored as the guest saw it: back to its format
    let formats = pull::formats(&xml);
    for (file, path) in &mut images {
        let Some(image) = file.strip_suffix(".raw") else {
            continue;
        };
        let target = file.split('-').next().unwrap_or_default();
        let Some((_, format)) = formats.iter().find(|(t, f)| t == target && f != "raw") else {
            continue;
        };
        let converted = folder.join(image);
        pull::convert(path, &converted, format)?;
        *file = image.to_string();
        *path = converted;
    }
    let copy = name != original;
    let (text, disks) = rewrite_definition(&xml, name, copy, |target| {
        let prefix = format!("{target}-");
        images
            .iter()
            .find(|(file, _)| file.starts_with(&prefix))
            .map(|(_, p)| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
    });
    // NAME.xml, unless a restored file has that name (`--as domain`: the backed-up
    // domain.xml)
    let base = super::backup::component(name);
    let definition = [format!("{base}.xml"), format!("{base}.definition.xml")]
        .into_iter()
        .map(|f| folder.join(f))
        .find(|p| !p.exists())
        .unwrap_or_else(|| folder.join(format!("{base}.{}.xml", std::process::id())));
    super::backup::private_file(&definition)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| Error::io(crate::t!("io-writing"), &definition, e))?;
    if define {
        let virsh = Virsh {
            uri: uri.map(str::to_string),
        };
        virsh.run(&["define", &definition.display().to_string()])?;
    }
    Ok(DefinedDomain {
        name: name.to_string(),
        definition,
        disks,
        defined: define,
    })
}

/// XML text escaped for an attribute in single quotes.
fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&apos;")
        .replace('"', "&quot;")
}

/// The value of attribute `name` in tag text `tag` (`<target dev='vda' bus='virtio'/>`).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    for quote in ['\'', '"'] {
        let key = format!(" {name}={quote}");
        if let Some(at) = tag.find(&key) {
            let rest = &tag[at + key.len()..];
            return rest.find(quote).map(|end| &rest[..end]);
        }
    }
    None
}

/// A definition as libvirt's `dumpxml` writes it, with: the name, without UUID and
/// MAC addresses when `copy`, and each disk whose target `image_of` knows using
/// that file. Returns the text and the disks it changed.
fn rewrite_definition(
    xml: &str,
    name: &str,
    copy: bool,
    image_of: impl Fn(&str) -> Option<PathBuf>,
) -> (String, Vec<(String, PathBuf)>) {
    let mut out = String::with_capacity(xml.len());
    let mut changed = Vec::new();
    let mut rest = xml;
    let mut named = false;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if !named
            && rest.starts_with("<name>")
            && let Some(end) = rest.find("</name>")
        {
            out.push_str(&format!("<name>{}</name>", escape_attr(name)));
            rest = &rest[end + "</name>".len()..];
            named = true;
            continue;
        }
        if copy
            && rest.starts_with("<uuid>")
            && let Some(end) = rest.find("</uuid>")
        {
            rest = skip_line(&mut out, &rest[end + "</uuid>".len()..]);
            continue;
        }
        if copy
            && rest.starts_with("<mac ")
            && let Some(end) = rest.find("/>")
        {
            rest = skip_line(&mut out, &rest[end + 2..]);
            continue;
        }
        // a copy's UEFI variables are its own (libvirt makes them from the
        // template), and its SMBIOS UUID is not the original's
        if copy
            && (rest.starts_with("<nvram>") || rest.starts_with("<nvram "))
            && let Some(end) = element_end(rest, "nvram")
        {
            rest = skip_line(&mut out, &rest[end..]);
            continue;
        }
        if copy
            && (rest.starts_with("<entry name='uuid'>")
                || rest.starts_with("<entry name=\"uuid\">"))
            && let Some(end) = element_end(rest, "entry")
        {
            rest = skip_line(&mut out, &rest[end..]);
            continue;
        }
        if rest.starts_with("<disk ") {
            let end = rest
                .find("</disk>")
                .map_or(rest.len(), |e| e + "</disk>".len());
            let block = &rest[..end];
            let target = block.find("<target ").and_then(|t| {
                attr(
                    &block[t..block[t..].find('>').map_or(block.len(), |e| t + e)],
                    "dev",
                )
            });
            match target.and_then(|t| image_of(t).map(|p| (t.to_string(), p))) {
                Some((target, image)) => {
                    out.push_str(&point_disk_at(block, &image));
                    changed.push((target, image));
                }
                None => out.push_str(block),
            }
            rest = &rest[end..];
            continue;
        }
        out.push('<');
        rest = &rest[1..];
    }
    out.push_str(rest);
    (out, changed)
}

/// Drops the rest of a removed element's line (its newline), and the indentation
/// already written before it.
fn skip_line<'a>(out: &mut String, rest: &'a str) -> &'a str {
    let trimmed = out.trim_end_matches([' ', '\t']).len();
    if out[trimmed..].chars().all(|c| c == ' ' || c == '\t') && out[..trimmed].ends_with('\n') {
        out.truncate(trimmed);
        return rest.strip_prefix('\n').unwrap_or(rest);
    }
    rest
}

/// Where the element `name` that `text` starts with ends: after its `/>`, or
/// after its closing tag.
fn element_end(text: &str, name: &str) -> Option<usize> {
    let open_end = text.find('>')?;
    if text[..open_end].ends_with('/') {
        return Some(open_end + 1);
    }
    let close = format!("</{name}>");
    text.find(&close).map(|e| e + close.len())
}

/// A `<disk>` element made a file disk on `image`: `type='file'`, one `<source
/// file='…'/>`, no backing chain.
fn point_disk_at(block: &str, image: &Path) -> String {
    let open_end = block.find('>').map_or(block.len(), |e| e + 1);
    let (open, body) = block.split_at(open_end);
    let open = match attr(open, "type") {
        Some(t) => open
            .replacen(&format!("type='{t}'"), "type='file'", 1)
            .replacen(&format!("type=\"{t}\""), "type='file'", 1),
        None => open.to_string(),
    };
    let source = format!(
        "<source file='{}'/>",
        escape_attr(&image.display().to_string())
    );
    let mut body = body.to_string();
    if let Some(s) = body.find("<source") {
        // a self-closing source, or one with children (seclabels) up to </source>
        let end = match (body[s..].find("/>"), body[s..].find('>')) {
            (Some(sc), Some(gt)) if sc + 1 == gt => s + sc + 2,
            _ => body[s..]
                .find("</source>")
                .map_or(body.len(), |e| s + e + "</source>".len()),
        };
        body.replace_range(s..end, &source);
    } else if let Some(t) = body.find("<target") {
        body.insert_str(t, &format!("{source}\n      "));
    }
    if let Some(s) = body.find("<backingStore") {
        let end = match (body[s..].find("/>"), body[s..].find('>')) {
            (Some(sc), Some(gt)) if sc + 1 == gt => s + sc + 2,
            _ => body[s..]
                .find("</backingStore>")
                .map_or(body.len(), |e| s + e + "</backingStore>".len()),
        };
        body.replace_range(s..end, "");
    }
    format!("{open}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blklist_lines_with_spaces_in_sources() {
        let text = " Type   Device   Target   Source\n\
                    ------------------------------------------------\n \
                    file   disk     vda      /var/lib/libvirt/images/my web.qcow2\n \
                    file   cdrom    sda      -\n \
                    network disk    vdb      pool/vol\n";
        let disks = parse_blklist(text);
        assert_eq!(disks.len(), 3);
        assert_eq!(disks[0].source, "/var/lib/libvirt/images/my web.qcow2");
        assert!(is_backed_up(&disks[0]));
        assert!(!is_backed_up(&disks[1]), "an empty CD drive");
        assert!(!is_backed_up(&disks[2]), "a network disk");
    }

    const XML: &str = "<domain type='kvm'>\n  <name>web1</name>\n  <uuid>1b4e28ba-2fa1-11d2-883f-0016d3cca427</uuid>\n  <sysinfo type='smbios'>\n    <system>\n      <entry name='uuid'>1b4e28ba-2fa1-11d2-883f-0016d3cca427</entry>\n      <entry name='product'>web</entry>\n    </system>\n  </sysinfo>\n  <os>\n    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>\n    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/web1_VARS.fd</nvram>\n  </os>\n  <devices>\n    <disk type='block' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source dev='/dev/vg/web1'/>\n      <backingStore/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n    <disk type='file' device='cdrom'>\n      <target dev='sda' bus='sata'/>\n    </disk>\n    <interface type='network'>\n      <mac address='52:54:00:aa:bb:cc'/>\n      <source network='default'/>\n    </interface>\n  </devices>\n</domain>\n";

    #[test]
    fn a_copy_gets_the_restored_images_a_new_name_and_no_uuid_or_mac() {
        let (text, changed) = rewrite_definition(XML, "web1-restored", true, |t| {
            (t == "vda").then(|| PathBuf::from("/srv/it's/vda-web1.raw"))
        });
        assert_eq!(
            changed,
            vec![("vda".into(), PathBuf::from("/srv/it's/vda-web1.raw"))]
        );
        assert!(text.contains("<name>web1-restored</name>"), "{text}");
        assert!(
            !text.contains("uuid") && !text.contains("mac address") && !text.contains("nvram"),
            "{text}"
        );
        assert!(
            text.contains("      <entry name='product'>web</entry>\n    </system>")
                && text.contains("OVMF_CODE_4M.fd</loader>\n  </os>"),
            "{text}"
        );
        assert!(
            text.contains("<disk type='file' device='disk'>")
                && text.contains("<source file='/srv/it&apos;s/vda-web1.raw'/>")
                && !text.contains("/dev/vg/web1")
                && !text.contains("backingStore"),
            "{text}"
        );
        // the CD drive and the network are left as they were
        assert!(text.contains("<disk type='file' device='cdrom'>\n      <target dev='sda'"));
        assert!(text.contains("<source network='default'/>"));
        assert!(text.contains("  <devices>\n"), "indentation kept: {text}");
    }

    #[test]
    fn the_same_name_keeps_uuid_and_macs() {
        let (text, _) = rewrite_definition(XML, "web1", false, |_| None);
        assert_eq!(text, XML);
    }

    /// A new local repository in a temporary folder (kept while the folder lives).
    fn new_repository() -> (tempfile::TempDir, crate::RepoTarget) {
        let dir = tempfile::tempdir().unwrap();
        let target = crate::RepoTarget::at(
            dir.path().join("repo").display().to_string(),
            crate::secret::Secret::new("a long enough password"),
        );
        crate::init(
            &target,
            crate::compression::Compression::Auto,
            None,
            crate::progress::NoProgress,
        )
        .unwrap();
        (dir, target)
    }

    /// A file read as its changes since a previous version (a disk through its
    /// checkpoint) is stored as exactly the chunks reading it whole gives, and only
    /// the changed parts and the chunks around them are read.
    #[test]
    fn a_file_read_as_its_changes_is_stored_as_read_whole() {
        use rustic_core::{
            ReadSource, ReadSourceEntry, ReadSourceOpen, RusticResult, Splice,
            repofile::{Metadata, Node, NodeType},
        };
        use std::{io::Read, sync::atomic::Ordering};

        type Base = Vec<(DataId, u64)>;
        enum TestOpen {
            Whole(Vec<u8>),
            Changes(
                Arc<Vec<u8>>,
                Base,
                Vec<std::ops::Range<u64>>,
                Arc<AtomicU64>,
            ),
        }
        impl ReadSourceOpen for TestOpen {
            type Reader = Box<dyn Read + Send>;
            fn open(self) -> RusticResult<Self::Reader> {
                match self {
                    TestOpen::Whole(d) => Ok(Box::new(std::io::Cursor::new(d))),
                    TestOpen::Changes(..) => unreachable!("read through its splice"),
                }
            }
            fn splice(&mut self) -> Option<Splice> {
                let TestOpen::Changes(data, base, changed, read) = self else {
                    return None;
                };
                let (data, read) = (data.clone(), read.clone());
                Some(Splice {
                    base: std::mem::take(base),
                    changed: std::mem::take(changed),
                    read_at: Box::new(move |pos| {
                        // what is read from `pos` on is counted as it is read
                        struct Counted(std::io::Cursor<Vec<u8>>, Arc<AtomicU64>);
                        impl Read for Counted {
                            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                                let most = buf.len().min(64 << 10);
                                let n = self.0.read(&mut buf[..most])?;
                                self.1.fetch_add(n as u64, Ordering::Relaxed);
                                Ok(n)
                            }
                        }
                        let tail = data[pos as usize..].to_vec();
                        Ok(Box::new(Counted(std::io::Cursor::new(tail), read.clone()))
                            as Box<dyn Read + Send>)
                    }),
                })
            }
        }
        struct OneFile(Mutex<Option<(u64, i64, TestOpen)>>);
        impl ReadSource for OneFile {
            type Open = TestOpen;
            type Iter = std::vec::IntoIter<RusticResult<ReadSourceEntry<TestOpen>>>;
            fn size(&self) -> RusticResult<Option<u64>> {
                Ok(None)
            }
            fn entries(&self) -> Self::Iter {
                let (size, secs, open) = self.0.lock().unwrap().take().unwrap();
                let meta = Metadata {
                    size,
                    mtime: jiff::Timestamp::from_second(secs).ok(),
                    ..Default::default()
                };
                vec![Ok(ReadSourceEntry {
                    path: PathBuf::from("/disk.raw"),
                    node: Node::new_node(std::ffi::OsStr::new("disk.raw"), NodeType::File, meta),
                    open: Some(open),
                })]
                .into_iter()
            }
        }

        let (_dir, target) = new_repository();
        // opened again for each backup: a session's index does not grow with its backups
        let indexed = || {
            crate::open(&target, crate::progress::NoProgress)
                .unwrap()
                .repo
                .to_indexed()
                .unwrap()
        };
        let store = |open: TestOpen, size: usize, secs: i64| {
            let repo = indexed();
            let src = OneFile(Mutex::new(Some((size as u64, secs, open))));
            let snap = repo
                .archive(
                    &BackupOptions::default(),
                    &src,
                    SnapshotFile::default(),
                    &[PathBuf::from("/disk.raw")],
                )
                .unwrap();
            let node = indexed()
                .node_from_path(snap.tree, Path::new("/disk.raw"))
                .unwrap();
            node.content.unwrap()
        };
        // 24 MiB of pseudo-random bytes (no chunk of it repeats)
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let before: Vec<u8> = (0..24 << 20)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        let first = store(TestOpen::Whole(before.clone()), before.len(), 1000);
        let repo = indexed();
        let base: Base = first
            .iter()
            .map(|id| {
                let entry = repo.get_index_entry(id).unwrap();
                (*id, u64::from(entry.data_length()))
            })
            .collect();
        assert!(base.len() > 8, "{} chunks", base.len());

        // changes: a few bytes, a 64 KiB block, the last bytes; one "dirty" block that
        // holds the same bytes as before (a bitmap marks writes, not differences)
        let mut after = before.clone();
        let len = after.len() as u64;
        for b in &mut after[(5 << 20) + 17..(5 << 20) + 90] {
            *b = b.wrapping_add(1);
        }
        for b in &mut after[13 << 20..(13 << 20) + (64 << 10)] {
            *b ^= 0x5a;
        }
        for b in &mut after[(24 << 20) - 10..] {
            *b = 0;
        }
        let changed_ranges = vec![
            (5 << 20)..(5 << 20) + (64 << 10),
            (9 << 20)..(9 << 20) + (64 << 10),
            (13 << 20)..(13 << 20) + (64 << 10),
            len - (64 << 10)..len,
        ];
        let read = Arc::new(AtomicU64::new(0));
        let spliced = store(
            TestOpen::Changes(
                Arc::new(after.clone()),
                base.clone(),
                changed_ranges.clone(),
                read.clone(),
            ),
            after.len(),
            2000,
        );
        let whole = store(TestOpen::Whole(after.clone()), after.len(), 3000);
        assert_eq!(spliced, whole, "the same chunks as a whole read");
        assert_ne!(spliced, first);
        // at most: each chunk a change touches and the two after it (where the
        // chunking falls back on the previous boundaries)
        let mut starts = Vec::new();
        let mut at = 0;
        for (_, l) in &base {
            starts.push((at, *l));
            at += l;
        }
        let mut around = std::collections::BTreeSet::new();
        for r in &changed_ranges {
            for (i, (start, l)) in starts.iter().enumerate() {
                if *start < r.end && r.start < start + l {
                    around.extend(i..(i + 3).min(starts.len()));
                }
            }
        }
        let most: u64 = around.iter().map(|&i| starts[i].1).sum();
        let read = read.load(Ordering::Relaxed);
        assert!(
            read >= 4 * (64 << 10) && read <= most && read < len,
            "read {read} of {len} bytes (at most {most})"
        );

        // a previous version of another size: read whole, the same chunks again
        let read = Arc::new(AtomicU64::new(0));
        let shorter = &after[..after.len() - 1000];
        let spliced = store(
            TestOpen::Changes(Arc::new(shorter.to_vec()), base, vec![], read.clone()),
            shorter.len(),
            4000,
        );
        assert_eq!(read.load(Ordering::Relaxed), shorter.len() as u64);
        assert_eq!(
            spliced,
            store(TestOpen::Whole(shorter.to_vec()), shorter.len(), 5000)
        );
    }

    #[test]
    fn a_copy_named_domain_keeps_the_backed_up_definition() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("domain.xml"), XML).unwrap();
        std::fs::write(dir.path().join("vda-web1.raw"), b"disk").unwrap();
        let done = define_restored(None, dir.path(), "web1", "domain", false).unwrap();
        assert_eq!(done.definition, dir.path().join("domain.definition.xml"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("domain.xml")).unwrap(),
            XML,
            "the backed-up definition is left as it was"
        );
        let text = std::fs::read_to_string(&done.definition).unwrap();
        assert!(text.contains("<name>domain</name>") && text.contains("vda-web1.raw"));
        assert!(!done.defined);
    }

    /// A disk that fails to read (here a folder where the image should be: it opens,
    /// and every read fails) keeps no snapshot: rustic's archiver would save one
    /// without it, with a warning.
    #[test]
    fn a_disk_that_cannot_be_read_keeps_no_snapshot() {
        let (dir, target) = new_repository();
        let not_an_image = dir.path().join("web.qcow2");
        std::fs::create_dir(&not_an_image).unwrap();
        let domain = Domain {
            name: "web".into(),
            live: false,
            xml:
                "<domain><name>web</name><uuid>1b4e28ba-2fa1-11d2-883f-0016d3cca427</uuid></domain>"
                    .into(),
            disks: vec![Disk {
                kind: "file".into(),
                device: "disk".into(),
                target: "vda".into(),
                source: not_an_image.display().to_string(),
            }],
        };
        let repo = crate::open(&target, crate::progress::NoProgress)
            .unwrap()
            .repo
            .to_indexed()
            .unwrap();
        let req = BackupRequest {
            host: "h".into(),
            ..Default::default()
        };
        let err = archive(&repo, &req, &[domain], &[None], &[], "the test's")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a disk could not be read") && err.contains("web.qcow2"),
            "{err}"
        );
        let left = crate::open(&target, crate::progress::NoProgress)
            .unwrap()
            .repo
            .get_all_snapshots()
            .unwrap();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn domains_of_a_snapshot() {
        let paths = vec![
            "/libvirt/web1".to_string(),
            "/home".into(),
            "/libvirt/db 2".into(),
        ];
        assert_eq!(domains_in(&paths), vec!["web1".to_string(), "db 2".into()]);
    }
}
