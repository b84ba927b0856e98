//! What a machine enrolled in a fleet server keeps for it here: the folder of its
//! fleet state (`$XDG_STATE_HOME/npbackup/fleet`, owner-only) and the **outbox** of
//! job reports. Every job process that ends adds one report (the same facts as the
//! Prometheus metrics); the next check-in sends them and removes those the server
//! acknowledged, so a server that is down or slow never blocks or fails a backup:
//! reports wait here, up to [`OUTBOX_LIMIT`] of them (the oldest go first).
//!
//! The enrolment, signing and the server's protocol live in `npbackup-fleet`; this
//! module is what the job process needs, so core does not depend on them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many reports wait at most; beyond, the oldest are dropped.
pub const OUTBOX_LIMIT: usize = 1000;

/// The folder of this user's fleet state, if the platform has a state folder.
pub fn dir() -> Option<PathBuf> {
    super::config::state_dir().map(|d| d.join("fleet"))
}

/// Whether this machine (for this user) is enrolled in a fleet server.
pub fn enrolled() -> bool {
    dir().is_some_and(|d| d.join("state.json").is_file())
}

/// What one job did, as the machine reports it to its fleet server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobReport {
    /// Unique per report: the server acknowledges (and deduplicates) by it.
    pub id: String,
    pub repo: String,
    /// "backup", "housekeeping", "check"…
    pub action: String,
    pub ok: bool,
    /// `npbackup_exec_state`: 0 ok, 1 warnings, 2 failed, 3 could not work at all.
    pub state: u8,
    /// Unix seconds.
    pub finished_at: i64,
    pub exec_seconds: f64,
    pub warnings: u64,
    /// Unix seconds of the last successful backup of this repository.
    pub last_success: Option<i64>,
    /// What a backup did, when it made one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupFacts>,
    /// The end of the job's log (secrets redacted), for a failed job.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub log_tail: String,
}

/// The facts of one backup (`restic_backup_*` in the metrics).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupFacts {
    pub snapshot_id: Option<String>,
    pub files_new: u64,
    pub files_changed: u64,
    pub files_unmodified: u64,
    pub total_files_processed: u64,
    pub total_bytes_processed: u64,
    pub data_added: u64,
    pub data_added_packed: u64,
}

impl From<&crate::engine::BackupSummary> for BackupFacts {
    fn from(s: &crate::engine::BackupSummary) -> Self {
        BackupFacts {
            snapshot_id: s.snapshot_id.clone(),
            files_new: s.files_new,
            files_changed: s.files_changed,
            files_unmodified: s.files_unmodified,
            total_files_processed: s.total_files_processed,
            total_bytes_processed: s.total_bytes_processed,
            data_added: s.data_added,
            data_added_packed: s.data_added_packed,
        }
    }
}

fn outbox(fleet: &Path) -> PathBuf {
    fleet.join("outbox")
}

/// Adds `report` to the outbox of the fleet folder `fleet` (atomically: a reader
/// never sees half a report), dropping the oldest beyond [`OUTBOX_LIMIT`].
pub fn queue(fleet: &Path, report: &JobReport) -> std::io::Result<()> {
    let dir = outbox(fleet);
    let name = format!("{:020}-{}.json", report.finished_at.max(0), report.id);
    let text = serde_json::to_vec(report).map_err(std::io::Error::other)?;
    crate::fsutil::write_atomic_in_new_folder(&dir.join(name), &text, Some(0o600))?;
    let queued = report_files(&dir);
    if queued.len() > OUTBOX_LIMIT {
        for path in &queued[..queued.len() - OUTBOX_LIMIT] {
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(())
}

/// The report files of `dir`, oldest first (their names start with the time).
fn report_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    paths
}

/// The reports waiting in the outbox of `fleet`, oldest first. A file that cannot
/// be read as a report (a disk fault) is left out, and logged.
pub fn pending(fleet: &Path) -> Vec<(PathBuf, JobReport)> {
    report_files(&outbox(fleet))
        .into_iter()
        .filter_map(|p| {
            match std::fs::read(&p)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
            {
                Ok(r) => Some((p, r)),
                Err(e) => {
                    tracing::warn!("skipping the unreadable fleet report {}: {e}", p.display());
                    None
                }
            }
        })
        .collect()
}

/// Removes the reports the server acknowledged (by id).
pub fn acknowledge(fleet: &Path, ids: &[String]) {
    for (path, report) in pending(fleet) {
        if ids.contains(&report.id) {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(id: &str, at: i64) -> JobReport {
        JobReport {
            id: id.into(),
            repo: "default".into(),
            action: "backup".into(),
            ok: true,
            state: 0,
            finished_at: at,
            exec_seconds: 1.5,
            warnings: 0,
            last_success: Some(at),
            backup: None,
            log_tail: String::new(),
        }
    }

    #[test]
    fn reports_wait_in_order_until_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        queue(dir.path(), &report("b", 200)).unwrap();
        queue(dir.path(), &report("a", 100)).unwrap();
        let ids: Vec<_> = pending(dir.path()).into_iter().map(|(_, r)| r.id).collect();
        assert_eq!(ids, ["a", "b"]);
        acknowledge(dir.path(), &["a".into()]);
        let left: Vec<_> = pending(dir.path()).into_iter().map(|(_, r)| r).collect();
        assert_eq!(left, [report("b", 200)]);
    }

    #[test]
    fn the_outbox_keeps_the_newest_within_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..(OUTBOX_LIMIT as i64 + 3) {
            queue(dir.path(), &report(&format!("r{i}"), 1000 + i)).unwrap();
        }
        let queued = pending(dir.path());
        assert_eq!(queued.len(), OUTBOX_LIMIT);
        assert_eq!(queued[0].1.id, "r3");
    }

    #[test]
    fn a_damaged_report_is_skipped_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        queue(dir.path(), &report("ok", 5)).unwrap();
        std::fs::write(dir.path().join("outbox/00000000000000000001-bad.json"), "{").unwrap();
        let ids: Vec<_> = pending(dir.path()).into_iter().map(|(_, r)| r.id).collect();
        assert_eq!(ids, ["ok"]);
    }
}
