//! What the scheduler remembers between runs: for each task, when it was first
//! seen and when it last ran (with the outcome), whether schedules are paused, and
//! this machine's random seed. One JSON file, written atomically after each change,
//! so a crash, a reboot or a sleep can neither skip nor repeat a run.

use std::{collections::BTreeMap, path::Path};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Task;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskState {
    /// When the task was first scheduled (a task that never ran counts from here).
    pub since: Timestamp,
    /// When its last run started (a run cut short by a shutdown does not count).
    pub last_run: Option<Timestamp>,
    /// How the last run ended, in words.
    pub last_result: Option<String>,
    pub last_ok: Option<bool>,
    /// Failed runs in a row (a failed task is tried again sooner than its next slot).
    #[serde(default)]
    pub failures: u32,
}

impl TaskState {
    /// Records a run that started at `started` and ended so.
    pub fn ran(&mut self, started: Timestamp, ok: bool, result: String) {
        self.last_run = Some(started);
        self.last_ok = Some(ok);
        self.last_result = Some(result);
        self.failures = if ok {
            0
        } else {
            self.failures.saturating_add(1)
        };
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Drawn once per machine: random delays differ between machines.
    pub seed: u64,
    /// Scheduled runs wait until then (`pause`); runs asked for by hand do not.
    pub paused_until: Option<Timestamp>,
    pub tasks: BTreeMap<String, TaskState>,
}

/// A clock this far ahead of "now" has been set back (a last run "in the future").
const CLOCK_SLACK: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

impl State {
    /// Reads the state; a missing file is a new state, an unreadable one is moved
    /// aside (named in the log) and replaced, so a damaged file never stops backups.
    pub fn load(path: &Path) -> State {
        match std::fs::read_to_string(path) {
            Ok(text) => match serde_json::from_str(&text) {
                Ok(state) => return state,
                Err(e) => {
                    let aside = path.with_extension("json.damaged");
                    let _ = std::fs::rename(path, &aside);
                    tracing::warn!(
                        "the scheduler's state {} could not be read ({e}); kept as {} and started anew",
                        path.display(),
                        aside.display()
                    );
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(
                "the scheduler's state {} could not be read ({e}); starting anew",
                path.display()
            ),
        }
        let mut bytes = [0u8; 8];
        let _ = getrandom::fill(&mut bytes);
        State {
            seed: u64::from_le_bytes(bytes),
            ..State::default()
        }
    }

    /// Writes the state through a temporary file and a rename.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).map_err(|e| {
            Error::Usage(crate::t!(
                "sched-cannot-encode-state",
                cause = e.to_string()
            ))
        })?;
        crate::fsutil::write_atomic_in_new_folder(path, &text, None)
            .map_err(|e| Error::io(crate::t!("io-writing-scheduler-state"), path, e))
    }

    /// Brings the state in line with the configured tasks at `now`: new tasks are
    /// seen from now, removed ones forgotten, and times "in the future" (the clock
    /// was set back) are brought back to now, so no task waits for a time that
    /// will not come. Returns whether anything changed.
    pub fn reconcile(&mut self, tasks: &[Task], now: Timestamp) -> bool {
        let before = self.clone();
        self.tasks
            .retain(|k, _| tasks.iter().any(|t| t.key() == *k));
        for t in tasks {
            let s = self.tasks.entry(t.key()).or_insert_with(|| TaskState {
                since: now,
                ..TaskState::default()
            });
            let ahead = now.checked_add(CLOCK_SLACK).unwrap_or(now);
            if s.since > ahead {
                s.since = now;
            }
            if s.last_run.is_some_and(|l| l > ahead) {
                tracing::warn!(
                    "{}: its last run is in the future (the clock was set back): counting from now",
                    t.key()
                );
                s.last_run = Some(now);
            }
        }
        *self != before
    }

    /// Whether scheduled runs are paused at `now`.
    pub fn paused(&self, now: Timestamp) -> bool {
        self.paused_until.is_some_and(|u| u > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::TaskKind;

    fn task(repo: &str) -> Task {
        Task {
            repo: repo.into(),
            kind: TaskKind::Backup,
            when: "every 1h".parse().expect("a schedule"),
            random_delay: std::time::Duration::ZERO,
            skip_if_recent: None,
            on_ac_power_only: false,
            not_on_metered_network: false,
            read_data_subset: None,
        }
    }

    #[test]
    fn new_tasks_start_now_removed_ones_go_and_a_clock_set_back_is_caught() {
        let now: Timestamp = "2026-03-02T10:00:00Z".parse().expect("a time");
        let mut s = State::default();
        assert!(s.reconcile(&[task("a"), task("b")], now));
        assert_eq!(s.tasks["a/backup"].since, now);
        assert!(!s.reconcile(&[task("a"), task("b")], now), "nothing new");
        // b's last run a day "ahead": the clock went back a day
        let later: Timestamp = "2026-03-03T10:00:00Z".parse().expect("a time");
        s.tasks.get_mut("b/backup").expect("b").last_run = Some(later);
        assert!(s.reconcile(&[task("b")], now));
        assert!(!s.tasks.contains_key("a/backup"));
        assert_eq!(s.tasks["b/backup"].last_run, Some(now));
    }

    #[test]
    fn the_state_survives_a_round_trip_and_a_damaged_file_is_kept_aside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("scheduler.json");
        let mut s = State::load(&path);
        s.paused_until = Some("2026-03-02T10:00:00Z".parse().expect("a time"));
        s.reconcile(
            &[task("a")],
            "2026-03-01T10:00:00Z".parse().expect("a time"),
        );
        s.save(&path).expect("save");
        assert_eq!(State::load(&path), s);
        std::fs::write(&path, "{ not json").expect("write");
        let fresh = State::load(&path);
        assert!(fresh.tasks.is_empty());
        assert!(dir.path().join("scheduler.json.damaged").exists());
    }
}
