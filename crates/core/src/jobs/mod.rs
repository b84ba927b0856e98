//! Jobs: every operation that reads or writes a repository is a `JobSpec` run by
//! the code of `child`. Backups, restores, maintenance and browsing sessions run in
//! a child process of this same executable (`npbackup-cli __job`), which writes
//! one JSON event per line on its stdout: a crash, a hang or a cancel there never
//! takes the caller down, and rustic_core (blocking, with no cancellation, and
//! panicking inside async runtimes) stays out of the caller's threads. The CLI's
//! quick reads run the same code in its own process (`child::run_here`), where a
//! process would only add its start-up (a panic there ends the CLI, as it would
//! have ended the job). `worker` starts and watches job processes; `stream` is
//! where events go; `result` is each kind's typed result. This module uses
//! `engine` and `config`; front ends use this module.

pub mod browse;
pub mod child;
pub mod event;
pub mod health;
pub mod hooks;
pub mod lock;
pub mod plan;
mod progress;
pub mod result;
pub mod status;
pub mod stream;
pub mod words;
pub mod worker;

use serde::{Deserialize, Serialize};

pub use event::{ErrorInfo, Finished, JobEvent, Progress};
pub use result::{BrowseResult, JobResult, Outcome, SCHEMA, Summary, Typed};
pub use worker::{JobOptions, RunningJob, SessionInput, run_to_end, start, start_session};

use crate::{
    config::{Compression, Secret},
    engine::{
        BackupRequest, RepoTarget, RestoreRequest, SnapshotFilter,
        ops::{CheckRequest, ForgetRequest, PruneRequest, RepairWhat},
    },
};

/// Everything a job process needs, sent as JSON on its stdin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobSpec {
    /// A random id, to tell jobs apart in events and locks.
    pub id: String,
    pub repo: RepoTarget,
    pub kind: JobKind,
    #[serde(default)]
    pub priority: Priority,
    /// How long to wait for another job's lock on the repository (refuse at once if `None`).
    #[serde(default)]
    pub wait_for_lock: Option<std::time::Duration>,
    /// Cancel the job after this long (the watcher enforces it).
    #[serde(default)]
    pub timeout: Option<std::time::Duration>,
    /// Where the job reports its metrics and pings (none when `None`).
    #[serde(default)]
    pub monitoring: Option<crate::monitor::Monitoring>,
}

/// What a job does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum JobKind {
    Backup {
        request: BackupRequest,
        #[serde(default)]
        hooks: hooks::Hooks,
        /// Compare with the last runs and warn about outliers.
        #[serde(default)]
        heuristics: bool,
    },
    Restore {
        snapshot: String,
        request: RestoreRequest,
    },
    Forget(ForgetRequest),
    Prune(PruneRequest),
    Check(CheckRequest),
    Repair {
        what: RepairWhat,
        dry_run: bool,
    },
    /// check → forget by policy → prune, stopping at the first failure.
    Housekeeping {
        check: CheckRequest,
        forget: ForgetRequest,
        prune: PruneRequest,
    },
    KeyAdd {
        #[serde(with = "crate::config::secrets::exposed")]
        password: Secret,
    },
    KeyRemove {
        id: String,
    },
    /// Copy the snapshots the target lacks into it.
    Copy {
        to: Box<RepoTarget>,
    },
    /// Change the password: add a key with the new one, verify it opens the
    /// repository, then remove the key in use.
    KeyPasswd {
        #[serde(with = "crate::config::secrets::exposed")]
        password: Secret,
    },
    /// List the snapshots (oldest first); reads the repository without locking it.
    Snapshots {
        #[serde(default)]
        filter: SnapshotFilter,
        /// Give each snapshot's backup summary too (for the metrics).
        #[serde(default)]
        summaries: bool,
    },
    /// One folder of a snapshot (everything under it with `recursive`).
    Ls {
        snapshot: String,
        path: String,
        #[serde(default)]
        recursive: bool,
    },
    /// Every version of the names matching `pattern` (restic's glob) across the
    /// snapshots matching `filter`.
    Find {
        pattern: String,
        #[serde(default)]
        ignore_case: bool,
        #[serde(default)]
        filter: SnapshotFilter,
    },
    /// What changed from one snapshot to another.
    Diff {
        from: String,
        to: String,
    },
    /// The repository's statistics.
    Stats,
    /// The repository's keys.
    Keys,
    /// Remove the locks whose holders are gone (restic's `unlock`).
    Unlock,
    /// Look at the primary location without changing it: can it be reached, does a
    /// repository live there, and (with a password) does the password open it.
    Probe,
    /// Create the repository at the target's primary location (with the chunker
    /// parameters of `chunker_from`, so that a copy between the two deduplicates).
    Init {
        compression: Compression,
        #[serde(default)]
        chunker_from: Option<Box<RepoTarget>>,
    },
    /// Send a test mail through the repository's monitoring settings (to `to`,
    /// or to every recipient they name).
    TestEmail {
        #[serde(default)]
        to: Vec<String>,
    },
    /// A browsing session: reads `BrowseRequest`s on stdin (one per line, after
    /// the spec) and answers each with `reply` events, until stdin closes.
    Browse,
    /// Write one file of a snapshot to `to` (for a preview), or to standard output
    /// (`None`; only a job run in the caller's process: a job process's stdout
    /// carries its events).
    Dump {
        snapshot: String,
        path: String,
        to: Option<std::path::PathBuf>,
    },
    /// Write one file, or a folder as an archive, of a snapshot into `to`, as it
    /// is read: a file or a pipe the caller made (the web interface's downloads
    /// stream through a pipe). Unlike `dump`, nothing is renamed into place.
    Export {
        snapshot: String,
        path: String,
        format: crate::engine::ExportFormat,
        to: std::path::PathBuf,
    },
    /// The snapshots as a read-only folder tree (FUSE) at the request's mountpoint,
    /// until it is unmounted or the job cancelled. A `progress` event of phase
    /// `mounted` says when the folder can be read.
    Mount(crate::engine::mount::MountRequest),
}

/// A question to a browsing session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrowseRequest {
    /// Chosen by the asker, above 0; the replies carry it.
    pub id: u64,
    #[serde(flatten)]
    pub op: BrowseOp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum BrowseOp {
    /// One folder's entries.
    Ls { snapshot: String, path: String },
    /// Names matching `pattern` in `snapshots` (all when empty), newest first,
    /// one reply per snapshot; a newer `find` stops an older one.
    Find {
        pattern: String,
        #[serde(default)]
        snapshots: Vec<String>,
    },
    /// Every snapshot's version of `path`.
    History { path: String },
    /// What changed from snapshot `from` to `to`.
    Diff { from: String, to: String },
}

/// How a job locks the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// Reads only.
    None,
    /// Adds data: may run beside other adders (restic's shared lock).
    Shared,
    /// Removes data: runs alone (restic's exclusive lock).
    Exclusive,
}

impl JobKind {
    /// How the job locks the repository. Dry runs change nothing and lock as readers.
    pub fn lock(&self) -> LockKind {
        match self {
            // copy only reads its source; it locks its target itself
            JobKind::Restore { .. }
            | JobKind::Check(_)
            | JobKind::Copy { .. }
            | JobKind::Snapshots { .. }
            | JobKind::Ls { .. }
            | JobKind::Find { .. }
            | JobKind::Diff { .. }
            | JobKind::Stats
            | JobKind::Keys
            | JobKind::Unlock
            | JobKind::Init { .. }
            | JobKind::Probe
            | JobKind::TestEmail { .. }
            | JobKind::Browse
            | JobKind::Dump { .. }
            | JobKind::Export { .. }
            | JobKind::Mount(_) => LockKind::None,
            JobKind::Backup { .. } | JobKind::KeyAdd { .. } => LockKind::Shared,
            JobKind::Forget(r) if r.dry_run => LockKind::None,
            JobKind::Prune(r) if r.dry_run => LockKind::None,
            JobKind::Repair { dry_run: true, .. } => LockKind::None,
            JobKind::Forget(_)
            | JobKind::Prune(_)
            | JobKind::Repair { .. }
            | JobKind::Housekeeping { .. }
            | JobKind::KeyRemove { .. }
            | JobKind::KeyPasswd { .. } => LockKind::Exclusive,
        }
    }

    /// The short name used in events and messages.
    pub fn name(&self) -> &'static str {
        match self {
            JobKind::Backup { .. } => "backup",
            JobKind::Restore { .. } => "restore",
            JobKind::Forget(_) => "forget",
            JobKind::Prune(_) => "prune",
            JobKind::Check(_) => "check",
            JobKind::Repair { .. } => "repair",
            JobKind::Housekeeping { .. } => "housekeeping",
            JobKind::KeyAdd { .. } => "key add",
            JobKind::KeyRemove { .. } => "key remove",
            JobKind::Copy { .. } => "copy",
            JobKind::KeyPasswd { .. } => "key passwd",
            JobKind::Snapshots { .. } => "snapshots",
            JobKind::Ls { .. } => "ls",
            JobKind::Find { .. } => "find",
            JobKind::Diff { .. } => "diff",
            JobKind::Stats => "stats",
            JobKind::Keys => "key list",
            JobKind::Unlock => "unlock",
            JobKind::Init { .. } => "init",
            JobKind::Probe => "probe",
            JobKind::TestEmail { .. } => "test email",
            JobKind::Browse => "browse",
            JobKind::Dump { .. } => "dump",
            JobKind::Export { .. } => "export",
            JobKind::Mount(_) => "mount",
        }
    }
}

/// CPU and I/O priority of the job process (a config setting, hence defined there).
pub use crate::config::schema::Priority;

/// Windows: the named event that cancels the job process `pid` (it makes the event,
/// the worker sets it), in the session's namespace.
#[cfg(windows)]
pub fn cancel_event_name(pid: u32) -> String {
    format!(
        "Local\\{}-job-cancel-{pid}",
        crate::customization::SHORT_NAME
    )
}

/// A stable 64-bit name for a repository location (FNV-1a), for the per-location
/// files of this machine: the writer lock and the run history.
pub fn location_hash(location: &str) -> u64 {
    location
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash: u64, b| {
            (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

impl JobSpec {
    /// A spec with a fresh random id.
    pub fn new(repo: RepoTarget, kind: JobKind) -> Self {
        let mut bytes = [0u8; 8];
        // An id only needs to be unique enough to tell jobs apart; fall back to the clock.
        if getrandom::fill(&mut bytes).is_err() {
            bytes = (std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default())
            .to_le_bytes();
        }
        JobSpec {
            id: bytes.iter().map(|b| format!("{b:02x}")).collect(),
            repo,
            kind,
            priority: Priority::Normal,
            wait_for_lock: None,
            timeout: None,
            monitoring: None,
        }
    }
}
