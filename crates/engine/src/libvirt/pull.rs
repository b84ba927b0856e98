//! A running domain read through libvirt's pull-mode backup (`virsh backup-begin`):
//! qemu serves each disk over NBD (a unix socket in a private folder) as it was when
//! the backup began, keeping the original blocks the guest overwrites meanwhile in a
//! scratch file beside the image (`DISK.npbackup-scratch`, removed by libvirt when
//! the job ends). The guest never leaves its disks: nothing is merged back.
//!
//! qcow2 disks get a checkpoint (a persistent dirty bitmap in the image), named
//! `SHORT-REPO-SECONDS` after the repository (its id's first 8 digits: each
//! repository has its own chain) and the time it was taken. The disk is stored as the
//! guest sees it (raw, `TARGET-FILE.raw`), with that time as its modification time;
//! the next backup finds that file in the repository, asks libvirt for the blocks
//! changed since the checkpoint of that time, and reads only those (the file archiver
//! takes the other chunks over: [`rustic_core::Splice`]). A missing checkpoint or
//! file (forgotten, pruned, another repository) means a whole read and a new chain.
//! raw disks cannot hold bitmaps: they are read whole, under their own name (their
//! bytes are the guest's).
//!
//! A cancel ends the job (`domjobabort`) and removes the checkpoint it made; a run
//! killed with `kill -9` leaves its job running, which the next backup ends first.

use std::{
    ops::Range,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, PoisonError, atomic::AtomicU64},
};

use super::{Disk, Domain, Virsh, attr};
use crate::{
    error::{Error, Result},
    nbd::Nbd,
};

/// The suffix of the scratch file each disk gets during a pull backup.
pub const SCRATCH_SUFFIX: &str = ".npbackup-scratch";

/// The jobs this process began: ended by [`abort`] on a cancel.
static ACTIVE: Mutex<Vec<Job>> = Mutex::new(Vec::new());

/// A backup job begun on one domain, and the checkpoint it made.
#[derive(Debug, Clone)]
struct Job {
    virsh: Virsh,
    domain: String,
    checkpoint: Option<String>,
    /// Its NBD socket: how its description tells it from another run's job.
    socket: String,
}

/// One disk read through the job.
pub(super) struct PulledDisk {
    pub disk: Disk,
    /// libvirt's format of the image ("qcow2", "raw").
    pub format: String,
    /// The blocks changed since `since` (a qcow2 disk with a checkpoint to start from).
    pub changed: Option<Vec<Range<u64>>>,
    pub nbd: Arc<Mutex<Nbd>>,
    pub size: u64,
    /// What was read of it.
    pub read: Arc<AtomicU64>,
}

impl PulledDisk {
    pub fn file_name(&self) -> String {
        file_name(&self.disk, &self.format)
    }
}

/// A pulled disk's file in the snapshot: a qcow2 disk as the guest sees it
/// (`.raw`), a raw disk under its own name.
fn file_name(disk: &Disk, format: &str) -> String {
    let name = super::disk_file_name(disk);
    if format == "raw" {
        name
    } else {
        format!("{name}.raw")
    }
}

/// A domain being read through a pull-mode backup job.
pub(super) struct Pull {
    job: Job,
    pub domain: String,
    /// The checkpoint this backup started from (its time is the files' mtime in the
    /// snapshot that it was taken for).
    pub since: Option<(String, jiff::Timestamp)>,
    /// When the job began: the disks' time (and the new checkpoint's).
    pub time: jiff::Timestamp,
    pub disks: Vec<PulledDisk>,
    /// Our older checkpoints, removed once the snapshot is saved.
    older: Vec<String>,
    _dir: tempfile::TempDir,
}

/// The prefix of this repository's checkpoints.
fn prefix(repo_id: &str) -> String {
    format!(
        "{}-{}-",
        crate::customization::SHORT_NAME,
        &repo_id[..repo_id.len().min(8)]
    )
}

/// Each disk's format (`<driver type=…>`) by target, from a definition.
pub(super) fn formats(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<disk ") {
        rest = &rest[at..];
        let end = rest.find("</disk>").unwrap_or(rest.len());
        let block = &rest[..end];
        let tag = |name: &str| {
            block
                .find(&format!("<{name} "))
                .map(|t| &block[t..block[t..].find('>').map_or(block.len(), |e| t + e)])
        };
        if let (Some(target), Some(format)) = (
            tag("target").and_then(|t| attr(t, "dev")),
            tag("driver").and_then(|t| attr(t, "type")),
        ) {
            out.push((target.to_string(), format.to_string()));
        }
        rest = &rest[end..];
    }
    out
}

/// The user and group qemu runs the domain as (its DAC label, `+64055:+64055`).
fn qemu_owner(live_xml: &str) -> Option<(u32, u32)> {
    let at = live_xml.find("model='dac'")?;
    let rest = &live_xml[at..];
    let label = &rest[rest.find("<label>")? + "<label>".len()..];
    let label = &label[..label.find("</label>")?];
    let (u, g) = label.split_once(':')?;
    Some((
        u.trim_start_matches('+').parse().ok()?,
        g.trim_start_matches('+').parse().ok()?,
    ))
}

/// Ends a job of ours that a killed run left behind on `domain` (said in the
/// warnings); a job of a run still alive (another user's, another lock folder's),
/// or of anyone else's, is refused and left alone.
fn end_leftover(virsh: &Virsh, domain: &str) -> Result<()> {
    let Ok(xml) = virsh.run(&["backup-dumpxml", domain]) else {
        return Ok(());
    };
    let Some(folder) = socket_folder(&xml) else {
        return Err(Error::Input(crate::t!(
            "engine-libvirt-other-job",
            domain = domain
        )));
    };
    if let Some(pid) = folder_pid(&folder)
        && crate::repolock::pid_exists(i64::from(pid))
    {
        return Err(Error::Input(crate::t!(
            "engine-libvirt-busy",
            domain = domain,
            pid = pid.to_string()
        )));
    }
    virsh.run(&["domjobabort", domain])?;
    let _ = std::fs::remove_dir_all(folder);
    tracing::warn!(
        user = %crate::t!("engine-libvirt-leftover-job", domain = domain),
        "{domain}: ended the backup job an interrupted backup left running"
    );
    Ok(())
}

/// This repository's checkpoints of `domain`, oldest first, with their times.
fn checkpoints(virsh: &Virsh, domain: &str, repo_id: &str) -> Vec<(String, jiff::Timestamp)> {
    let prefix = prefix(repo_id);
    let mut found: Vec<(String, jiff::Timestamp)> = virsh
        .run(&["checkpoint-list", domain, "--name"])
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter_map(|name| {
            let secs = name.strip_prefix(&prefix)?.parse().ok()?;
            Some((name.to_string(), jiff::Timestamp::from_second(secs).ok()?))
        })
        .collect();
    found.sort_by_key(|(_, t)| *t);
    found
}

/// Whether `begin` found libvirt able to do it, and if not why.
pub(super) enum Begun {
    Pulled(Box<Pull>),
    Unsupported(Error),
}

/// Begins a pull-mode backup of live domain `d`, incremental from checkpoint
/// `since` for its qcow2 disks when `since` (chosen by the caller among
/// [`checkpoints`] by what the repository holds) names one.
pub(super) fn begin(
    virsh: &Virsh,
    d: &Domain,
    all: &[Disk],
    repo_id: &str,
    since_of: impl Fn(&[(String, jiff::Timestamp)], &[String]) -> Option<(String, jiff::Timestamp)>,
) -> Result<Begun> {
    end_leftover(virsh, &d.name)?;
    let live_xml = virsh.run(&["dumpxml", &d.name])?;
    let formats = formats(&live_xml);
    let format_of = |target: &str| {
        formats
            .iter()
            .find(|(t, _)| t == target)
            .map(|(_, f)| f.clone())
            .unwrap_or_else(|| "raw".into())
    };
    let ours = checkpoints(virsh, &d.name, repo_id);
    // the snapshot's files of the disks a checkpoint follows
    let tracked: Vec<String> = d
        .disks
        .iter()
        .filter(|disk| format_of(&disk.target) == "qcow2")
        .map(|disk| file_name(disk, "qcow2"))
        .collect();
    let since = since_of(&ours, &tracked).filter(|_| !tracked.is_empty());
    let tracked = !tracked.is_empty();
    let dir = tempfile::Builder::new()
        .prefix(&format!(
            "{}-nbd-{}-",
            crate::customization::SHORT_NAME,
            std::process::id()
        ))
        .tempdir()
        .map_err(|e| Error::io(crate::t!("io-writing"), std::env::temp_dir(), e))?;
    // qemu makes the socket: the folder is its user's alone
    if let Some((uid, _)) = qemu_owner(&live_xml) {
        std::os::unix::fs::chown(dir.path(), Some(uid), None)
            .map_err(|e| Error::io(crate::t!("io-writing"), dir.path(), e))?;
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io(crate::t!("io-writing"), dir.path(), e))?;
    let socket = dir.path().join("nbd.sock");
    let mut time = jiff::Timestamp::now();
    if let Some(newest) = ours.last()
        && newest.1 >= time
    {
        time = newest.1 + jiff::SignedDuration::from_secs(1);
    }
    let time = jiff::Timestamp::from_second(time.as_second()).unwrap_or(time);
    let checkpoint = tracked.then(|| format!("{}{}", prefix(repo_id), time.as_second()));
    let esc = super::escape_attr;
    let mut backup = format!(
        "<domainbackup mode='pull'><server transport='unix' socket='{}'/><disks>",
        esc(&socket.display().to_string())
    );
    let mut cp = format!(
        "<domaincheckpoint><name>{}</name><disks>",
        checkpoint.as_deref().map(esc).unwrap_or_default()
    );
    for disk in all.iter().filter(|x| x.source != "-" || x.device == "disk") {
        let target = esc(&disk.target);
        if d.disks.contains(disk) {
            let scratch = format!("{}{SCRATCH_SUFFIX}", disk.source);
            // a scratch file a killed run left (its job ended above)
            let _ = std::fs::remove_file(&scratch);
            let mode = match &since {
                Some((name, _)) if format_of(&disk.target) == "qcow2" => {
                    format!(" backupmode='incremental' incremental='{}'", esc(name))
                }
                _ => " backupmode='full'".into(),
            };
            backup.push_str(&format!(
                "<disk name='{target}' backup='yes' type='file'{mode}><scratch file='{}'/></disk>",
                esc(&scratch)
            ));
        } else {
            backup.push_str(&format!("<disk name='{target}' backup='no'/>"));
        }
        let bitmap = d.disks.contains(disk) && format_of(&disk.target) == "qcow2";
        cp.push_str(&format!(
            "<disk name='{target}' checkpoint='{}'/>",
            if bitmap { "bitmap" } else { "no" }
        ));
    }
    backup.push_str("</disks></domainbackup>");
    cp.push_str("</disks></domaincheckpoint>");
    let backup_xml = dir.path().join("backup.xml");
    let cp_xml = dir.path().join("checkpoint.xml");
    for (file, text) in [(&backup_xml, &backup), (&cp_xml, &cp)] {
        std::fs::write(file, text).map_err(|e| Error::io(crate::t!("io-writing"), file, e))?;
    }
    let backup_arg = backup_xml.display().to_string();
    let cp_arg = cp_xml.display().to_string();
    let mut args = vec!["backup-begin", &d.name, "--backupxml", &backup_arg];
    if checkpoint.is_some() {
        args.extend(["--checkpointxml", &cp_arg]);
    }
    let job = Job {
        virsh: virsh.clone(),
        domain: d.name.clone(),
        checkpoint: checkpoint.clone(),
        socket: socket.display().to_string(),
    };
    let (frozen, begun) = {
        // a cancel waits until the job has begun and the guest is thawed
        let _held = super::SNAPSHOTTING
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if super::CANCELLED.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::Cancelled(crate::t!("engine-libvirt-cancelled")));
        }
        // the file systems frozen for the moment the job begins, when the agent answers
        let frozen = virsh.run(&["domfsfreeze", &d.name]);
        ACTIVE
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(job.clone());
        let begun = virsh.run(&args);
        thaw(virsh, &d.name, frozen.is_ok());
        (frozen, begun)
    };
    if let Err(e) = begun {
        forget(&job);
        return Ok(Begun::Unsupported(e));
    }
    if let Err(quiet) = frozen {
        super::not_quiesced(&d.name, &quiet);
    }
    let pull = connect(virsh, d, &job, &format_of, since.is_some(), &socket).map(|disks| Pull {
        job: job.clone(),
        domain: d.name.clone(),
        since: since.clone(),
        time,
        disks,
        older: ours.iter().map(|(n, _)| n.clone()).collect(),
        _dir: dir,
    });
    match pull {
        Ok(p) => Ok(Begun::Pulled(Box::new(p))),
        Err(e) => {
            end(&job, false);
            Err(e)
        }
    }
}

/// The process that made a socket folder (`npbackup-nbd-PID-…`).
fn folder_pid(folder: &Path) -> Option<u32> {
    let name = folder.file_name()?.to_string_lossy().to_string();
    let rest = name.strip_prefix(&format!("{}-nbd-", crate::customization::SHORT_NAME))?;
    rest.split('-').next()?.parse().ok()
}

/// This repository's checkpoints of `domain` removed (before its disks are read
/// another way, whose writes the bitmaps might not follow).
pub(super) fn drop_checkpoints(virsh: &Virsh, domain: &str, repo_id: &str) -> bool {
    let ours = checkpoints(virsh, domain, repo_id);
    for (name, _) in &ours {
        if let Err(e) = virsh.run(&["checkpoint-delete", domain, name]) {
            tracing::warn!("{domain}: removing checkpoint {name}: {e}");
        }
    }
    !ours.is_empty()
}

/// The private folder of the socket a job of ours serves on (from its description).
fn socket_folder(described: &str) -> Option<PathBuf> {
    let at = described.find("<server ")?;
    let tag = &described[at..];
    let socket = attr(&tag[..tag.find('>')?], "socket")?;
    let folder = Path::new(socket).parent()?;
    let name = folder.file_name()?.to_string_lossy();
    name.starts_with(&format!("{}-nbd-", crate::customization::SHORT_NAME))
        .then(|| folder.to_path_buf())
}

/// Thaws the guest's file systems after a freeze was asked, whatever it answered (an
/// agent that timed out may have frozen them all the same): again and again while a
/// freeze that succeeded does not thaw, and said loudly if it never does.
fn thaw(virsh: &Virsh, domain: &str, was_frozen: bool) {
    let mut last = None;
    for attempt in 0..5 {
        match virsh.run(&["domfsthaw", domain]) {
            Ok(_) => return,
            // nothing was frozen: the thaw had nothing to do
            Err(_) if !was_frozen => return,
            Err(e) => last = Some(e),
        }
        std::thread::sleep(std::time::Duration::from_millis(200 << attempt));
    }
    if let Some(e) = last {
        tracing::warn!(
            user = %crate::t!("engine-libvirt-still-frozen", domain = domain, cause = e.to_string()),
            "{domain}: the guest's file systems could not be thawed: {e}"
        );
    }
}

/// Connects to each disk's export and, for an incremental backup, asks which blocks
/// changed.
fn connect(
    virsh: &Virsh,
    d: &Domain,
    job: &Job,
    format_of: &impl Fn(&str) -> String,
    incremental: bool,
    socket: &Path,
) -> Result<Vec<PulledDisk>> {
    let described = virsh.run(&["backup-dumpxml", &job.domain])?;
    let mut out = Vec::new();
    for disk in &d.disks {
        let block = described
            .find(&format!(
                "<disk name='{}'",
                super::escape_attr(&disk.target)
            ))
            .map(|at| &described[at..])
            .map(|rest| &rest[..rest.find('>').unwrap_or(rest.len())])
            .unwrap_or_default();
        let export = attr(block, "exportname")
            .unwrap_or(&disk.target)
            .to_string();
        let format = format_of(&disk.target);
        let changed = match attr(block, "exportbitmap") {
            Some(bitmap) if incremental && format == "qcow2" => {
                Some(dirty(socket, &export, bitmap)?)
            }
            _ => None,
        };
        let nbd = Nbd::connect(socket, &export).map_err(|e| {
            Error::Input(crate::t!(
                "engine-libvirt-nbd",
                domain = d.name.as_str(),
                target = disk.target.as_str(),
                cause = e.to_string()
            ))
        })?;
        out.push(PulledDisk {
            disk: disk.clone(),
            format,
            changed,
            size: nbd.size(),
            nbd: Arc::new(Mutex::new(nbd)),
            read: Arc::new(AtomicU64::new(0)),
        });
    }
    Ok(out)
}

/// The ranges the export's dirty bitmap marks, through `qemu-img map` (which shows a
/// dirty block as one without data).
fn dirty(socket: &Path, export: &str, bitmap: &str) -> Result<Vec<Range<u64>>> {
    let opts = format!(
        "driver=nbd,server.type=unix,server.path={},export={},x-dirty-bitmap=qemu:dirty-bitmap:{}",
        socket.display().to_string().replace(',', ",,"),
        export.replace(',', ",,"),
        bitmap.replace(',', ",,")
    );
    let out = qemu_img(
        &["map", "--output=json", "--image-opts", &opts],
        "qemu-img map",
    )?;
    parse_map(&out).ok_or_else(|| {
        Error::Input(crate::t!(
            "engine-libvirt-failed",
            command = "qemu-img map",
            cause = String::from_utf8_lossy(&out).trim().to_string()
        ))
    })
}

/// Runs `qemu-img ARGS`: its output, or an error naming `shown` and quoting what it said.
fn qemu_img<S: AsRef<std::ffi::OsStr>>(args: &[S], shown: &str) -> Result<Vec<u8>> {
    let out = std::process::Command::new("qemu-img")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            Error::Input(crate::t!(
                "engine-libvirt-no-qemu-img",
                cause = e.to_string()
            ))
        })?;
    if !out.status.success() {
        return Err(Error::Input(crate::t!(
            "engine-libvirt-failed",
            command = shown,
            cause = String::from_utf8_lossy(&out.stderr).trim().to_string()
        )));
    }
    Ok(out.stdout)
}

/// `qemu-img map --output=json` of a dirty bitmap: the ranges without data, merged.
fn parse_map(json: &[u8]) -> Option<Vec<Range<u64>>> {
    let entries: Vec<serde_json::Value> = serde_json::from_slice(json).ok()?;
    let mut out: Vec<Range<u64>> = Vec::new();
    for e in entries {
        let start = e["start"].as_u64()?;
        let len = e["length"].as_u64()?;
        if e["data"].as_bool()? {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.end == start => last.end = start + len,
            _ => out.push(start..start + len),
        }
    }
    Some(out)
}

/// Turns a restored disk `raw` (the guest's bytes) into image `image` of `format`
/// (holes and zeros left out), and removes `raw`.
pub(super) fn convert(raw: &Path, image: &Path, format: &str) -> Result<()> {
    if image.exists() {
        return Err(Error::Input(crate::t!(
            "engine-libvirt-image-exists",
            path = image.display().to_string()
        )));
    }
    let shown = format!("qemu-img convert -O {format} {}", raw.display());
    let args = [
        "convert".as_ref(),
        "-f".as_ref(),
        "raw".as_ref(),
        "-O".as_ref(),
        format.as_ref(),
        raw.as_os_str(),
        image.as_os_str(),
    ];
    if let Err(e) = qemu_img::<&std::ffi::OsStr>(&args, &shown) {
        let _ = std::fs::remove_file(image);
        return Err(e);
    }
    std::fs::remove_file(raw).map_err(|e| Error::io(crate::t!("io-removing"), raw, e))
}

/// Forgets a job: whether it was still there to forget (not ended by a cancel).
fn forget(job: &Job) -> bool {
    let mut active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
    let before = active.len();
    active.retain(|j| j.domain != job.domain || j.checkpoint != job.checkpoint);
    active.len() != before
}

/// Ends a job (unless a cancel ended it already); unless `keep`, removes the
/// checkpoint it made (the previous one then covers the changes since it again).
/// Whether it was still running.
fn end(job: &Job, keep: bool) -> bool {
    if !forget(job) {
        return false;
    }
    end_now(job, keep);
    true
}

fn end_now(job: &Job, keep: bool) {
    // only this run's job (another's, begun since, is not ours to end)
    let ours = job
        .virsh
        .run(&["backup-dumpxml", &job.domain])
        .is_ok_and(|xml| xml.contains(&super::escape_attr(&job.socket)));
    if ours && let Err(e) = job.virsh.run(&["domjobabort", &job.domain]) {
        tracing::warn!("{}: ending the backup job: {e}", job.domain);
    }
    if !keep && let Some(cp) = &job.checkpoint {
        let _ = job.virsh.run(&["checkpoint-delete", &job.domain, cp]);
    }
}

impl Pull {
    /// Ends the job. When the snapshot was saved (`saved`), the new checkpoint stays
    /// and this repository's older ones go; otherwise the new one goes.
    pub fn finish(self, saved: bool) {
        if end(&self.job, saved) && saved {
            for old in &self.older {
                if let Err(e) = self
                    .job
                    .virsh
                    .run(&["checkpoint-delete", &self.domain, old])
                {
                    tracing::warn!("{}: removing checkpoint {old}: {e}", self.domain);
                }
            }
        }
    }
}

/// On a cancel: ends the jobs this process began and removes their checkpoints.
pub(super) fn abort() {
    let active = std::mem::take(&mut *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner));
    for job in &active {
        end_now(job, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirty_blocks_are_those_without_data() {
        let map = br#"[{ "start": 0, "length": 1048576, "depth": 0, "present": true, "zero": false, "data": true, "offset": 0},
{ "start": 1048576, "length": 65536, "depth": 0, "present": false, "zero": false, "data": false},
{ "start": 1114112, "length": 65536, "depth": 0, "present": false, "zero": false, "data": false},
{ "start": 9175040, "length": 65536, "depth": 0, "present": false, "zero": false, "data": false},
{ "start": 9240576, "length": 7536640, "depth": 0, "present": true, "zero": false, "data": true, "offset": 9240576}]"#;
        assert_eq!(
            parse_map(map).unwrap(),
            vec![1_048_576..1_179_648, 9_175_040..9_240_576]
        );
        assert_eq!(parse_map(b"not json"), None);
    }

    #[test]
    fn formats_and_owner_from_a_definition() {
        let xml = "<domain><devices><disk type='file' device='disk'>\n<driver name='qemu' type='qcow2'/>\n<source file='/a b.qcow2'/>\n<target dev='vda' bus='virtio'/>\n</disk>\n<disk type='file' device='disk'><driver name='qemu' type='raw'/><target dev='vdb' bus='virtio'/></disk></devices>\n<seclabel type='dynamic' model='dac' relabel='yes'>\n<label>+64055:+64056</label>\n</seclabel></domain>";
        assert_eq!(
            formats(xml),
            vec![("vda".into(), "qcow2".into()), ("vdb".into(), "raw".into())]
        );
        assert_eq!(qemu_owner(xml), Some((64055, 64056)));
        assert_eq!(qemu_owner("<domain/>"), None);
        let described = "<domainbackup mode='pull'>\n  <server transport='unix' socket='/tmp/npbackup-nbd-x1/nbd.sock'/>";
        assert_eq!(
            socket_folder(described),
            Some(PathBuf::from("/tmp/npbackup-nbd-x1"))
        );
        assert_eq!(
            socket_folder(&described.replace("npbackup-nbd", "other")),
            None
        );
    }
}
