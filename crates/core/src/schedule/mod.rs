//! The scheduler: which task of which repository is due when (`Task`, `next_due`:
//! pure, with the clock passed in, so catch-up, DST and random delays are tested
//! without waiting), what ran last (`state`, kept on disk), what a run waits for
//! (`conditions`: mains power, an unmetered network), and the daemon that runs the
//! due tasks as jobs and answers its clients over a local socket (`daemon`, `ipc`),
//! and installing it as a service of the OS (`service`; on Windows `windows`).
//!
//! It uses `jobs` and `config` like any front end; nothing below it knows it exists.

pub mod conditions;
pub mod daemon;
pub mod ipc;
pub mod service;
pub mod state;
#[cfg(windows)]
pub mod windows;

use std::time::Duration;

use jiff::{Timestamp, tz::TimeZone};
use serde::{Deserialize, Serialize};

use crate::config::{Config, When};
pub use state::{State, TaskState};

/// What a scheduled task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskKind {
    Backup,
    Housekeeping,
    Check,
}

impl TaskKind {
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Backup => "backup",
            TaskKind::Housekeeping => "housekeeping",
            TaskKind::Check => "check",
        }
    }
}

impl std::str::FromStr for TaskKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "backup" => Ok(TaskKind::Backup),
            "housekeeping" => Ok(TaskKind::Housekeeping),
            "check" => Ok(TaskKind::Check),
            _ => Err(crate::t!("sched-bad-task", value = s)),
        }
    }
}

/// One scheduled task of one repository, with the settings its runs need.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub repo: String,
    pub kind: TaskKind,
    pub when: When,
    /// Each run waits a random time up to this after its slot (`repo.random-delay`).
    pub random_delay: Duration,
    /// Backups: skip while this machine's last snapshot is younger than this.
    pub skip_if_recent: Option<Duration>,
    pub on_ac_power_only: bool,
    pub not_on_metered_network: bool,
    /// Checks: read this share of the data too.
    pub read_data_subset: Option<String>,
}

impl Task {
    /// The task's name in the state file and in messages: `repo/backup`.
    pub fn key(&self) -> String {
        key(&self.repo, self.kind)
    }
}

pub fn key(repo: &str, kind: TaskKind) -> String {
    format!("{repo}/{}", kind.name())
}

/// Every scheduled (not manual) task of the config, and the repositories whose
/// settings could not be read (name and why), which the daemon reports and skips.
pub fn tasks(config: &Config) -> (Vec<Task>, Vec<(String, String)>) {
    let mut tasks = Vec::new();
    let mut broken = Vec::new();
    for name in config.repo_names() {
        let rc = match config.repo(&name) {
            Ok(rc) => rc,
            Err(e) => {
                broken.push((name, e.to_string()));
                continue;
            }
        };
        let s = &rc.schedule;
        for (kind, when) in [
            (TaskKind::Backup, &s.backup),
            (TaskKind::Housekeeping, &s.housekeeping),
            (TaskKind::Check, &s.check),
        ] {
            let Some(when) = when.clone().filter(|w| !w.is_manual()) else {
                continue;
            };
            tasks.push(Task {
                repo: name.clone(),
                kind,
                when,
                random_delay: rc.repo.random_delay.map(|d| d.0).unwrap_or_default(),
                skip_if_recent: s.skip_if_recent.map(|d| d.0),
                on_ac_power_only: s.on_ac_power_only.unwrap_or(false),
                not_on_metered_network: s.not_on_metered_network.unwrap_or(false),
                read_data_subset: s.check_read_data_subset.clone(),
            });
        }
    }
    (tasks, broken)
}

/// When `task` is next due: its slot (after its last run, or after it was first
/// seen when it never ran) plus its random delay. A slot that passed while the
/// machine slept or was off is due at once, once: missed slots are not counted.
/// `None` for a manual task.
pub fn next_due(task: &Task, state: &TaskState, seed: u64, tz: &TimeZone) -> Option<Timestamp> {
    let base = state.last_run.unwrap_or(state.since);
    let slot = task.when.due_after(base, state.last_run.is_some(), tz)?;
    let delay = random_delay(seed, &task.key(), slot, task.random_delay);
    let regular = slot
        .checked_add(jiff::SignedDuration::try_from(delay).ok()?)
        .ok()?;
    // a failed run is tried again before its next slot: after 15 min, 30 min, 1 h… 4 h at most
    match (state.failures, state.last_run) {
        (0, _) | (_, None) => Some(regular),
        (n, Some(last)) => {
            let wait = RETRY_FIRST
                .saturating_mul(1 << (n - 1).min(8))
                .min(RETRY_LONGEST);
            let retry = jiff::SignedDuration::try_from(wait)
                .ok()
                .and_then(|w| last.checked_add(w).ok())?;
            Some(regular.min(retry))
        }
    }
}

/// The first retry of a failed run, doubled for each failure in a row…
const RETRY_FIRST: Duration = Duration::from_secs(15 * 60);
/// …up to this.
const RETRY_LONGEST: Duration = Duration::from_secs(4 * 3600);

/// A task due now, and why it must wait (a condition not met), if it must.
pub struct Due {
    pub task: Task,
    pub blocked: Option<String>,
}

/// The tasks due at `now` (none while paused) of repositories for which `idle`
/// holds, in the config's order. One task per repository: the first due that may
/// run takes it; a task held back by a condition does not. The daemon and the
/// window (when it runs the schedule itself) both pick their runs with this.
pub fn due_now(
    tasks: &[Task],
    state: &State,
    now: Timestamp,
    tz: &TimeZone,
    idle: impl Fn(&str) -> bool,
) -> Vec<Due> {
    if state.paused(now) {
        return Vec::new();
    }
    let mut taken = std::collections::HashSet::new();
    let mut out = Vec::new();
    for task in tasks {
        if taken.contains(&task.repo) || !idle(&task.repo) {
            continue;
        }
        let due = state
            .tasks
            .get(&task.key())
            .and_then(|st| next_due(task, st, state.seed, tz))
            .is_some_and(|d| d <= now);
        if !due {
            continue;
        }
        let blocked = conditions::blocked(task);
        if blocked.is_none() {
            taken.insert(task.repo.clone());
        }
        out.push(Due {
            task: task.clone(),
            blocked,
        });
    }
    out
}

/// How a run ended, in words, for the state file, `daemon status` and the log.
pub fn run_result(f: &crate::jobs::Finished) -> String {
    if f.ok {
        let mut s = crate::t!(
            "sched-finished-in",
            seconds = format!("{:.0}", f.duration_seconds)
        );
        if let Some(id) = f
            .result
            .as_ref()
            .and_then(|r| r.result.backup()?.snapshot_id.as_deref())
        {
            s.push_str(&crate::t!(
                "sched-finished-snapshot",
                id = id.get(..8).unwrap_or(id)
            ));
        }
        if !f.warnings.is_empty() {
            s.push_str(&crate::t!(
                "sched-finished-warnings",
                n = f.warnings.len(),
                warnings = f.warnings.join("; ")
            ));
        }
        s
    } else if f.cancelled {
        crate::t!("sched-cancelled")
    } else {
        crate::t!(
            "sched-failed",
            why = f
                .error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_else(|| crate::t!("sched-no-reason"))
        )
    }
}

/// A random time in `[0, max]` for this task's slot: the same across restarts (the
/// daemon does not draw again when it comes back), different from machine to
/// machine (`seed` is drawn once per machine), so a fleet does not start together.
pub fn random_delay(seed: u64, key: &str, slot: Timestamp, max: Duration) -> Duration {
    if max.is_zero() {
        return Duration::ZERO;
    }
    // FNV-1a over the seed, the task and the slot, then a 64-bit finaliser (splitmix)
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed
        .to_le_bytes()
        .iter()
        .chain(key.as_bytes())
        .chain(&slot.as_second().to_le_bytes())
    {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    let max_ms = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(h % max_ms.saturating_add(1))
}

/// "1h", "30m" or "until-tomorrow" (the next local midnight) from `now`.
pub fn pause_until(text: &str, now: &jiff::Zoned) -> crate::error::Result<Timestamp> {
    let t = text.trim();
    if matches!(t, "until-tomorrow" | "tomorrow") {
        let midnight = now
            .date()
            .checked_add(jiff::ToSpan::day(1))
            .ok()
            .and_then(|d| d.to_zoned(now.time_zone().clone()).ok())
            .ok_or_else(|| crate::error::Error::Usage(crate::t!("sched-no-tomorrow")))?;
        return Ok(midnight.timestamp());
    }
    let d: crate::config::HumanDuration = t.parse().map_err(crate::error::Error::Usage)?;
    jiff::SignedDuration::try_from(d.0)
        .ok()
        .and_then(|d| now.timestamp().checked_add(d).ok())
        .ok_or_else(|| crate::error::Error::Usage(crate::t!("sched-pause-too-long", value = t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Zoned;
    use jiff::civil::date;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Paris").expect("tzdata")
    }

    fn t(d: i8, h: i8, m: i8) -> Timestamp {
        date(2026, 3, d)
            .at(h, m, 0, 0)
            .to_zoned(tz())
            .expect("a time")
            .timestamp()
    }

    fn task(when: &str, delay: u64) -> Task {
        Task {
            repo: "docs".into(),
            kind: TaskKind::Backup,
            when: when.parse().expect("a schedule"),
            random_delay: Duration::from_secs(delay),
            skip_if_recent: None,
            on_ac_power_only: false,
            not_on_metered_network: false,
            read_data_subset: None,
        }
    }

    fn state(since: Timestamp, last: Option<Timestamp>) -> TaskState {
        TaskState {
            since,
            last_run: last,
            ..TaskState::default()
        }
    }

    #[test]
    fn a_missed_slot_runs_once_when_the_machine_comes_back() {
        let daily = task("daily at 02:30", 0);
        // last ran on the 2nd; the machine was off from the 3rd to the 9th
        let s = state(t(1, 0, 0), Some(t(2, 2, 30)));
        let due = next_due(&daily, &s, 1, &tz()).expect("due");
        assert_eq!(due, t(3, 2, 30));
        let now = t(9, 12, 0);
        assert!(due <= now, "due at once on return");
        // it runs now; the next is tomorrow's slot, not the six missed ones
        let s = state(t(1, 0, 0), Some(now));
        assert_eq!(next_due(&daily, &s, 1, &tz()), Some(t(10, 2, 30)));
    }

    #[test]
    fn a_new_task_waits_for_its_first_slot_and_a_new_interval_runs_at_once() {
        let s = state(t(2, 10, 0), None);
        assert_eq!(
            next_due(&task("daily at 02:30", 0), &s, 1, &tz()),
            Some(t(3, 2, 30))
        );
        assert_eq!(
            next_due(&task("every 6h", 0), &s, 1, &tz()),
            Some(t(2, 10, 0))
        );
        let ran = state(t(2, 10, 0), Some(t(2, 11, 0)));
        assert_eq!(
            next_due(&task("every 6h", 0), &ran, 1, &tz()),
            Some(t(2, 17, 0))
        );
    }

    #[test]
    fn a_failed_run_is_tried_again_sooner_then_less_often() {
        let daily = task("daily at 02:30", 0);
        let mut s = state(t(1, 0, 0), None);
        s.ran(t(2, 10, 0), false, "failed: unreachable".into());
        assert_eq!(next_due(&daily, &s, 1, &tz()), Some(t(2, 10, 15)));
        s.ran(t(2, 10, 15), false, "failed".into());
        s.ran(t(2, 10, 45), false, "failed".into());
        assert_eq!(
            next_due(&daily, &s, 1, &tz()),
            Some(t(2, 11, 45)),
            "an hour after the third"
        );
        for _ in 0..10 {
            s.ran(t(2, 12, 0), false, "failed".into());
        }
        assert_eq!(
            next_due(&daily, &s, 1, &tz()),
            Some(t(2, 16, 0)),
            "four hours at most"
        );
        // never later than the next slot anyway
        let hourly = task("every 1h", 0);
        assert_eq!(next_due(&hourly, &s, 1, &tz()), Some(t(2, 13, 0)));
        // a success ends the retries
        s.ran(t(2, 13, 0), true, "finished".into());
        assert_eq!(s.failures, 0);
        assert_eq!(next_due(&daily, &s, 1, &tz()), Some(t(3, 2, 30)));
    }

    #[test]
    fn random_delays_stay_in_their_window_and_differ_between_machines() {
        let w = task("every 1h", 600);
        let s = state(t(2, 10, 0), Some(t(2, 10, 0)));
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..200u64 {
            let due = next_due(&w, &s, seed, &tz()).expect("due");
            let delay = due.as_second() - t(2, 11, 0).as_second();
            assert!((0..=600).contains(&delay), "delay {delay}");
            seen.insert(delay);
        }
        assert!(seen.len() > 100, "delays spread: {}", seen.len());
        // the same machine draws the same delay for the same slot (a restart changes nothing)
        assert_eq!(next_due(&w, &s, 7, &tz()), next_due(&w, &s, 7, &tz()));
        assert_eq!(
            random_delay(1, "a", t(2, 0, 0), Duration::ZERO),
            Duration::ZERO
        );
    }

    #[test]
    fn pauses_for_a_while_or_until_midnight() {
        let now: Zoned = "2026-03-02T22:15:00+01:00[Europe/Paris]"
            .parse()
            .expect("a time");
        let hour = pause_until("1h", &now).expect("1h");
        assert_eq!(hour.as_second() - now.timestamp().as_second(), 3600);
        let tomorrow = pause_until("until-tomorrow", &now).expect("tomorrow");
        assert_eq!(
            tomorrow.to_zoned(now.time_zone().clone()).to_string(),
            "2026-03-03T00:00:00+01:00[Europe/Paris]"
        );
        assert!(pause_until("soon", &now).is_err());
    }
}
