//! The typed contract between a job and every front end: what each kind of job
//! returns. A `finished` event carries one `Outcome` (where the repository was
//! reached, and the job's `JobResult`), tagged by its kind, with the stream's
//! schema version; a browsing session's `reply` events carry `BrowseResult`s.
//! The CLI prints these with `--json`, the window and the web interface read
//! their fields: none of them reads a result by string keys. `docs/job-events.md`
//! describes them for scripts.
//!
//! Compatibility: fields may be added (readers ignore the ones they do not know,
//! and a missing field takes its default); a kind a reader does not know reads as
//! `JobResult::Unknown`. A change that breaks readers raises `SCHEMA`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::{
    BackupSummary, DiffEntry, Entry, FindHit, Probe, RepoStats, RepoUsed, RestoreSummary,
    SnapshotInfo, Version,
    ops::{CheckSummary, CopySummary, ForgetSummary, KeyInfo, PruneSummary, RepairWhat},
    repolock::LockInfo,
};

/// The version of the event stream's shapes (`finished`'s `schema`).
pub const SCHEMA: u32 = 1;

/// What a job returns, by kind: `{"kind": "backup", "summary": {…}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    tag = "kind",
    content = "summary",
    rename_all = "kebab-case"
)]
pub enum JobResult {
    Backup(BackupSummary),
    Restore(RestoreSummary),
    Forget(ForgetSummary),
    Prune(PruneSummary),
    Check(CheckSummary),
    Repair(RepairReport),
    Housekeeping(HousekeepingReport),
    KeyAdd(KeyAdded),
    KeyRemove(KeyRemoved),
    KeyPasswd(KeyChanged),
    Keys(Vec<KeyInfo>),
    Copy(CopySummary),
    Snapshots(Vec<SnapshotInfo>),
    Unlock(Vec<LockInfo>),
    Probe(Probe),
    Init(InitReport),
    TestEmail(TestEmailReport),
    Browse(BrowseReport),
    Dump(DumpReport),
    Ls(Listing),
    Find(Vec<FindHit>),
    Diff(Vec<DiffEntry>),
    Stats(RepoStats),
    /// A kind this reader does not know (a newer job process or daemon).
    #[serde(other)]
    Unknown,
}

/// A job's result and where the repository was reached (none for jobs that reach
/// none: a probe, a test mail).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<RepoUsed>,
    #[serde(flatten)]
    pub result: JobResult,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RepairReport {
    pub repaired: RepairWhat,
    pub dry_run: bool,
}

/// check → forget → prune, each step's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HousekeepingReport {
    pub check: CheckSummary,
    pub forget: ForgetSummary,
    pub prune: PruneSummary,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyAdded {
    /// The new key's id.
    pub added: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyRemoved {
    pub removed: String,
}

/// A password change: the new key, verified, and the old one removed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyChanged {
    pub added: String,
    pub removed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InitReport {
    /// The new repository's id.
    pub id: String,
    #[serde(default)]
    pub version: u32,
    pub compression: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestEmailReport {
    pub sent_to: Vec<String>,
}

/// A browsing session's end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BrowseReport {
    /// How many requests it answered.
    pub requests: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DumpReport {
    /// Where the file was written (`None`: to standard output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<std::path::PathBuf>,
}

/// One folder's entries (or everything under it, `recursive`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listing {
    pub snapshot: String,
    pub path: String,
    pub entries: Vec<Entry>,
}

/// The answer to one browsing request: `{"kind": "entries", "data": […]}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    tag = "kind",
    content = "data",
    rename_all = "kebab-case"
)]
pub enum BrowseResult {
    /// The session is open (request 0), over this many snapshots.
    Opened { snapshots: usize },
    /// A folder's entries.
    Entries(Vec<Entry>),
    /// Some of a search's hits (one snapshot's).
    Found(Vec<FindHit>),
    /// A search ended (`stopped`: a newer search took its place).
    FindDone { stopped: bool },
    /// Every snapshot's version of a path.
    History(Vec<Version>),
    /// What changed between two snapshots.
    Diff(Vec<DiffEntry>),
    #[serde(other)]
    Unknown,
}

/// Serde's `other` variant takes an unknown tag only when no content comes with
/// it; these read any unknown kind, with whatever it carries, as `Unknown`. The
/// derived (`remote = "Self"`) functions do the rest.
macro_rules! tolerant {
    ($ty:ident, $tag:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, s)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(d)?;
                // the tag alone reads as `Unknown` exactly when it names no variant
                let tag = serde_json::json!({ $tag: value.get($tag) });
                if let Ok($ty::Unknown) = $ty::deserialize(tag) {
                    return Ok($ty::Unknown);
                }
                $ty::deserialize(value).map_err(serde::de::Error::custom)
            }
        }
    };
}

tolerant!(JobResult, "kind");
tolerant!(BrowseResult, "kind");

impl JobResult {
    /// The backup's summary, when this is one.
    pub fn backup(&self) -> Option<&BackupSummary> {
        match self {
            JobResult::Backup(s) => Some(s),
            _ => None,
        }
    }
}

/// A result kind's summary type: what `JobResult::Backup` holds, and so on.
pub trait Summary: Sized {
    /// The summary, when `result` is of this kind.
    fn of(result: JobResult) -> Option<Self>;
}

macro_rules! summaries {
    ($($variant:ident => $ty:ty),* $(,)?) => {
        $(impl Summary for $ty {
            fn of(result: JobResult) -> Option<Self> {
                match result {
                    JobResult::$variant(s) => Some(s),
                    _ => None,
                }
            }
        })*
    };
}

summaries!(
    Backup => BackupSummary,
    Restore => RestoreSummary,
    Forget => ForgetSummary,
    Prune => PruneSummary,
    Check => CheckSummary,
    Repair => RepairReport,
    Housekeeping => HousekeepingReport,
    KeyAdd => KeyAdded,
    KeyRemove => KeyRemoved,
    KeyPasswd => KeyChanged,
    Keys => Vec<KeyInfo>,
    Copy => CopySummary,
    Snapshots => Vec<SnapshotInfo>,
    Unlock => Vec<LockInfo>,
    Probe => Probe,
    Init => InitReport,
    TestEmail => TestEmailReport,
    Browse => BrowseReport,
    Dump => DumpReport,
    Ls => Listing,
    Find => Vec<FindHit>,
    Diff => Vec<DiffEntry>,
    Stats => RepoStats,
);

/// A job's outcome with its summary taken out, typed.
#[derive(Debug, Clone)]
pub struct Typed<T> {
    /// Where the repository was reached (empty for jobs that reach none).
    pub repository: RepoUsed,
    pub summary: T,
}

impl Outcome {
    pub fn new(repository: RepoUsed, result: JobResult) -> Self {
        Outcome {
            repository: Some(repository),
            result,
        }
    }

    /// The summary, when the job's result is of kind `T`; else the kind it is.
    pub fn typed<T: Summary>(self) -> std::result::Result<Typed<T>, String> {
        let repository = self.repository.unwrap_or_default();
        let kind = self.result.kind();
        T::of(self.result)
            .map(|summary| Typed {
                repository,
                summary,
            })
            .ok_or_else(|| kind.to_string())
    }
}

impl JobResult {
    /// The kind's name, as the stream tags it (a test keeps the two equal).
    pub fn kind(&self) -> &'static str {
        match self {
            JobResult::Backup(_) => "backup",
            JobResult::Restore(_) => "restore",
            JobResult::Forget(_) => "forget",
            JobResult::Prune(_) => "prune",
            JobResult::Check(_) => "check",
            JobResult::Repair(_) => "repair",
            JobResult::Housekeeping(_) => "housekeeping",
            JobResult::KeyAdd(_) => "key-add",
            JobResult::KeyRemove(_) => "key-remove",
            JobResult::KeyPasswd(_) => "key-passwd",
            JobResult::Keys(_) => "keys",
            JobResult::Copy(_) => "copy",
            JobResult::Snapshots(_) => "snapshots",
            JobResult::Unlock(_) => "unlock",
            JobResult::Probe(_) => "probe",
            JobResult::Init(_) => "init",
            JobResult::TestEmail(_) => "test-email",
            JobResult::Browse(_) => "browse",
            JobResult::Dump(_) => "dump",
            JobResult::Ls(_) => "ls",
            JobResult::Find(_) => "find",
            JobResult::Diff(_) => "diff",
            JobResult::Stats(_) => "stats",
            JobResult::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{Finished, JobEvent};

    fn finished(result: serde_json::Value) -> String {
        serde_json::json!({
            "event": "finished", "ok": true, "cancelled": false, "schema": SCHEMA,
            "result": result, "error": null, "warnings": [], "duration_seconds": 1.5
        })
        .to_string()
    }

    #[test]
    fn a_result_is_tagged_by_its_kind_beside_its_summary() {
        let outcome = Outcome::new(
            RepoUsed {
                name: "docs".into(),
                uri: "/srv/docs".into(),
                fallback: None,
            },
            JobResult::KeyAdd(KeyAdded { added: "ab".into() }),
        );
        let v = serde_json::to_value(&outcome).unwrap_or_default();
        assert_eq!(v["kind"], "key-add");
        assert_eq!(v["summary"]["added"], "ab");
        assert_eq!(v["repository"]["name"], "docs");
        let back: Outcome = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
        let typed = back.typed::<KeyAdded>().unwrap_or_else(|k| panic!("{k}"));
        assert_eq!(typed.summary.added, "ab");
        assert_eq!(typed.repository.uri, "/srv/docs");
    }

    #[test]
    fn a_newer_job_s_fields_and_kinds_are_tolerated() {
        // a field this version does not know, in the summary and beside it
        let line = finished(serde_json::json!({
            "kind": "key-remove", "summary": {"removed": "cd", "reason": "rotated"},
            "signed_by": "tomorrow"
        }));
        let JobEvent::Finished(f) =
            serde_json::from_str::<JobEvent>(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
        else {
            panic!("not finished");
        };
        assert_eq!(
            f.summary::<KeyRemoved>().map(|k| k.removed),
            Some("cd".into())
        );
        // a kind this version does not know
        let line = finished(serde_json::json!({
            "kind": "vm-snapshot", "summary": {"domain": "web1"}
        }));
        let JobEvent::Finished(f) =
            serde_json::from_str::<JobEvent>(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
        else {
            panic!("not finished");
        };
        assert!(matches!(
            f.result.as_ref().map(|o| &o.result),
            Some(JobResult::Unknown)
        ));
        assert!(f.summary::<KeyRemoved>().is_none());
        // an older job process: no schema
        let old: Finished = serde_json::from_str(
            r#"{"ok":true,"cancelled":false,"result":null,"error":null,"warnings":[],"duration_seconds":0.0}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.schema, 0);
    }

    #[test]
    fn kind_names_are_the_stream_s_tags() {
        let all = [
            JobResult::KeyAdd(KeyAdded { added: "a".into() }),
            JobResult::KeyRemove(KeyRemoved {
                removed: "a".into(),
            }),
            JobResult::KeyPasswd(KeyChanged {
                added: "a".into(),
                removed: "b".into(),
            }),
            JobResult::Keys(Vec::new()),
            JobResult::Snapshots(Vec::new()),
            JobResult::Unlock(Vec::new()),
            JobResult::Init(InitReport {
                id: "a".into(),
                version: 2,
                compression: "auto".into(),
            }),
            JobResult::TestEmail(TestEmailReport {
                sent_to: Vec::new(),
            }),
            JobResult::Browse(BrowseReport { requests: 0 }),
            JobResult::Dump(DumpReport { path: None }),
            JobResult::Find(Vec::new()),
            JobResult::Diff(Vec::new()),
        ];
        for r in all {
            let v = serde_json::to_value(&r).unwrap_or_default();
            assert_eq!(v["kind"], r.kind());
        }
    }

    #[test]
    fn browse_replies_are_tagged_too() {
        let r = BrowseResult::FindDone { stopped: true };
        let v = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(
            v,
            serde_json::json!({"kind": "find-done", "data": {"stopped": true}})
        );
        let unknown: BrowseResult =
            serde_json::from_value(serde_json::json!({"kind": "tree-map", "data": [1, 2]}))
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(unknown, BrowseResult::Unknown));
    }
}
