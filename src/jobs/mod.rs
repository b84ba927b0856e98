//! Jobs: every operation that reads or writes a repository runs as a job in a
//! child process of this same executable (`npbackup-cli __job`), which writes one
//! JSON event per line on its stdout. A crash, a hang or a cancel in a job can
//! therefore never take the caller down, and rustic_core (blocking, with no
//! cancellation, and panicking inside async runtimes) stays out of the callers'
//! threads. `worker` starts and watches jobs; `child` is the process side.
//! This module uses `engine` and `config`; front ends use this module.

pub mod child;
pub mod event;
pub mod lock;
mod progress;
pub mod worker;

use serde::{Deserialize, Serialize};

pub use event::{ErrorInfo, Finished, JobEvent, Progress};
pub use worker::{JobOptions, RunningJob, run_to_end, start};

use crate::engine::{BackupRequest, RepoTarget, RestoreRequest};

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
}

/// What a job does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum JobKind {
    Backup(BackupRequest),
    Restore {
        snapshot: String,
        request: RestoreRequest,
    },
}

impl JobKind {
    /// Whether the job writes to the repository (and so needs its lock).
    pub fn writes(&self) -> bool {
        match self {
            JobKind::Backup(_) => true,
            JobKind::Restore { .. } => false,
        }
    }

    /// The short name used in events and messages.
    pub fn name(&self) -> &'static str {
        match self {
            JobKind::Backup(_) => "backup",
            JobKind::Restore { .. } => "restore",
        }
    }
}

/// CPU and I/O priority of the job process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    #[default]
    Normal,
    /// `nice 10` and idle I/O class on Linux: the machine stays responsive.
    Low,
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
        }
    }
}
