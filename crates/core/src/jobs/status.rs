//! The state of a repository as a person wants to know it: backed up recently,
//! too long ago, never, or out of reach (and why), and what to do next. Front
//! ends (the window's banner, the tray icon, later the daemon and monitoring)
//! show it; this module decides it from a snapshot list or a job's error and
//! knows nothing of how it is drawn.

use std::time::Duration;

use jiff::Timestamp;

use super::ErrorInfo;
use crate::engine::SnapshotInfo;
use crate::humanize::age;

/// What a person should know about one repository.
#[derive(Debug, Clone, PartialEq)]
pub enum RepoState {
    /// Not looked at yet.
    Unknown,
    /// The newest backup of this machine is younger than the limit (or there is no limit).
    UpToDate { last: Timestamp },
    /// The newest backup of this machine is older than `minimum-backup-age`.
    TooOld { last: Timestamp, max_age: Duration },
    /// The repository holds no backup of this machine.
    Never,
    /// The repository could not be read; `problem` says why and what to do.
    Unavailable(Problem),
}

/// Why a repository could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The error as the job reported it (secrets already masked).
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    WrongPassword,
    Unreachable,
    NotInitialised,
    Locked,
    Config,
    Other,
}

impl Problem {
    pub fn from_error(e: &ErrorInfo) -> Problem {
        let kind = match e.kind.as_str() {
            "credentials" => ProblemKind::WrongPassword,
            "unreachable" => ProblemKind::Unreachable,
            "not-initialised" => ProblemKind::NotInitialised,
            "locked" => ProblemKind::Locked,
            "config" | "usage" => ProblemKind::Config,
            _ => ProblemKind::Other,
        };
        Problem {
            kind,
            detail: e.message.clone(),
        }
    }

    /// One plain sentence: what is wrong.
    pub fn headline(&self) -> String {
        match self.kind {
            ProblemKind::WrongPassword => crate::t!("problem-wrong-password"),
            ProblemKind::Unreachable => crate::t!("problem-unreachable"),
            ProblemKind::NotInitialised => crate::t!("problem-not-initialised"),
            ProblemKind::Locked => crate::t!("problem-locked"),
            ProblemKind::Config => crate::t!("problem-config"),
            ProblemKind::Other => crate::t!("problem-other"),
        }
    }

    /// What to do about it, then the start of the error itself.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.advice()];
        lines.extend(self.detail.lines().take(6).map(str::to_string));
        lines
    }

    /// What to do about it.
    pub fn advice(&self) -> String {
        match self.kind {
            ProblemKind::WrongPassword => crate::t!("advice-wrong-password"),
            ProblemKind::Unreachable => crate::t!("advice-unreachable"),
            ProblemKind::NotInitialised => crate::t!("advice-not-initialised"),
            ProblemKind::Locked => crate::t!("advice-locked"),
            ProblemKind::Config => crate::t!("advice-config"),
            ProblemKind::Other => crate::t!("advice-other"),
        }
    }
}

/// What the window's banner and the web's dashboard say of a state.
#[derive(Debug, Clone, PartialEq)]
pub struct Words {
    /// For styles and scripts: "checking", "up-to-date", "too-old", "never", "unavailable".
    pub word: &'static str,
    /// What a person reads first.
    pub headline: String,
    /// What follows: the details, what to do.
    pub lines: Vec<String>,
}

/// The machine's name as a sentence says it ("this computer" when none is set).
pub fn host_name(host: &str) -> String {
    if host.is_empty() {
        crate::t!("this-computer")
    } else {
        host.to_string()
    }
}

impl RepoState {
    /// The state in words, for backups of `host` that should be younger than `max_age`.
    pub fn words(&self, host: &str, max_age: Option<Duration>, now: Timestamp) -> Words {
        use crate::humanize;
        let host = host_name(host);
        let (word, headline, lines) = match self {
            RepoState::Unknown => ("checking", crate::t!("checking-repository"), vec![]),
            RepoState::UpToDate { last } => (
                "up-to-date",
                crate::t!("backed-up", ago = humanize::ago(*last, now)),
                vec![format!(
                    "{}{}",
                    crate::t!(
                        "last-backup-of",
                        host = host.as_str(),
                        time = humanize::local(*last)
                    ),
                    max_age
                        .map(|l| crate::t!("too-old-after", limit = humanize::period(l)))
                        .unwrap_or_default()
                )],
            ),
            RepoState::TooOld { last, max_age } => (
                "too-old",
                crate::t!("too-old", ago = humanize::ago(*last, now)),
                vec![
                    crate::t!(
                        "too-old-detail",
                        host = host.as_str(),
                        time = humanize::local(*last),
                        limit = humanize::period(*max_age)
                    ),
                    crate::t!("back-up-to-be-safe"),
                ],
            ),
            RepoState::Never => (
                "never",
                crate::t!("never-backed-up"),
                vec![crate::t!("never-backed-up-detail", host = host.as_str())],
            ),
            RepoState::Unavailable(p) => ("unavailable", p.headline(), p.lines()),
        };
        Words {
            word,
            headline,
            lines,
        }
    }

    /// Judges `snapshots` (any order) for the backups of `host`.
    pub fn judge(
        snapshots: &[SnapshotInfo],
        host: &str,
        max_age: Option<Duration>,
        now: Timestamp,
    ) -> RepoState {
        let last = snapshots
            .iter()
            .filter(|s| host.is_empty() || s.host == host)
            .filter_map(|s| s.time.parse::<Timestamp>().ok())
            .max();
        match (last, max_age) {
            (None, _) => RepoState::Never,
            (Some(last), Some(max_age)) if age(last, now) > max_age => {
                RepoState::TooOld { last, max_age }
            }
            (Some(last), _) => RepoState::UpToDate { last },
        }
    }

    /// The newest backup's time, when there is one.
    pub fn last_backup(&self) -> Option<Timestamp> {
        match self {
            RepoState::UpToDate { last } | RepoState::TooOld { last, .. } => Some(*last),
            _ => None,
        }
    }

    /// Whether the user should act (too old, never, unavailable).
    pub fn needs_attention(&self) -> bool {
        matches!(
            self,
            RepoState::TooOld { .. } | RepoState::Never | RepoState::Unavailable(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(host: &str, time: &str) -> SnapshotInfo {
        SnapshotInfo {
            id: "0".repeat(64),
            short_id: "00000000".into(),
            time: time.into(),
            host: host.into(),
            username: String::new(),
            paths: vec![],
            tags: vec![],
            files: None,
            size: None,
            data_added: None,
            program_version: None,
            backup: None,
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_newest_backup_of_this_host_decides() {
        let now = ts("2026-01-10T12:00:00Z");
        let snaps = [
            snap("me", "2026-01-08T12:00:00Z"),
            snap("other", "2026-01-10T11:00:00Z"),
            snap("me", "2026-01-09T12:00:00Z"),
        ];
        let day = Duration::from_secs(86_400);
        assert_eq!(
            RepoState::judge(&snaps, "me", Some(day * 2), now),
            RepoState::UpToDate {
                last: ts("2026-01-09T12:00:00Z")
            }
        );
        // the other host's fresh backup does not make ours recent
        assert_eq!(
            RepoState::judge(&snaps, "me", Some(day / 2), now),
            RepoState::TooOld {
                last: ts("2026-01-09T12:00:00Z"),
                max_age: day / 2
            }
        );
        assert_eq!(
            RepoState::judge(&snaps, "nobody", Some(day), now),
            RepoState::Never
        );
        assert_eq!(RepoState::judge(&[], "me", None, now), RepoState::Never);
        // no limit: any backup is up to date
        assert!(matches!(
            RepoState::judge(&snaps, "me", None, now),
            RepoState::UpToDate { .. }
        ));
    }

    #[test]
    fn errors_become_problems_with_advice() {
        let p = Problem::from_error(&ErrorInfo {
            kind: "credentials".into(),
            message: "wrong password".into(),
            exit_code: 4,
        });
        assert_eq!(p.kind, ProblemKind::WrongPassword);
        assert!(p.advice().contains("password"));
        let p = Problem::from_error(&ErrorInfo {
            kind: "unreachable".into(),
            message: "connection refused".into(),
            exit_code: 6,
        });
        assert_eq!(p.kind, ProblemKind::Unreachable);
        assert!(RepoState::Unavailable(p).needs_attention());
    }
}
