//! The typed contract between a job and every front end: what each kind of job
//! returns. A `finished` event carries one `Outcome` (where the repository was
//! reached, and the job's `JobResult`), tagged by its kind, with the stream's
//! schema version; a browsing session's `reply` events carry `BrowseResult`s.
//! The CLI prints these with `--json`, the window (and every front end to come) reads
//! their fields: none of them reads a result by string keys. `docs/job-events.md`
//! describes them for scripts.
//!
//! Compatibility: fields may be added (readers ignore the ones they do not know);
//! a kind a reader does not know, or cannot read, reads as `Unknown`, which keeps
//! what came so that whoever relays it (the daemon, `--json-events`) passes it on
//! unchanged. Reading a result never fails the event it came in. A change that
//! breaks readers raises `SCHEMA`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::{
    BackupSummary, DiffEntry, Entry, ExportSummary, FindHit, Probe, RepoStats, RepoUsed,
    RestoreSummary, SnapshotInfo, Version,
    mount::MountSummary,
    ops::{CheckSummary, CopySummary, ForgetSummary, KeyInfo, PruneSummary, RepairWhat},
    repolock::LockInfo,
};

/// The version of the event stream's shapes (`finished`'s `schema`).
pub const SCHEMA: u32 = 1;

/// A result this reader cannot read as one of its kinds: a kind it does not know
/// (from a newer job process or daemon), a known kind whose content does not parse,
/// or no kind at all (a job process older than the typed contract).
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// The kind it said it is, if it said one.
    pub kind: Option<String>,
    /// Why it could not be read as that kind (`None`: the kind is not known here).
    pub error: Option<String>,
    /// What came, as it came.
    pub raw: serde_json::Value,
}

/// An enum tagged by kind beside its content (`{TAG: "kind", CONTENT: {…}}`), each
/// variant holding one type, plus `Unknown(Unreadable)`; its kinds' names, its
/// `kind()` and its (de)serialisation all come from the one list.
macro_rules! tagged {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { tag: $tag:literal, content: $content:literal,
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $kind:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// What this reader cannot read as one of the kinds above, kept as it came.
            Unknown(Unreadable),
        }

        impl $name {
            /// Every kind's name, as the stream tags it.
            pub const KINDS: &'static [&'static str] = &[$($kind),*];

            /// The kind's name, as the stream tags it (what an unreadable one said,
            /// else "unknown").
            pub fn kind(&self) -> &str {
                match self {
                    $( $name::$variant(_) => $kind, )*
                    $name::Unknown(u) => u.kind.as_deref().unwrap_or("unknown"),
                }
            }

            /// Reads `raw` as one of the kinds, else keeps it as `Unknown`.
            pub fn from_value(raw: serde_json::Value) -> Self {
                let kind = raw
                    .get($tag)
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string);
                let content = raw.get($content).unwrap_or(&serde_json::Value::Null);
                let read = match kind.as_deref() {
                    $( Some($kind) => {
                        Some(<$ty as Deserialize>::deserialize(content).map($name::$variant))
                    } )*
                    _ => None,
                };
                match read {
                    Some(Ok(known)) => known,
                    Some(Err(e)) => $name::Unknown(Unreadable {
                        kind,
                        error: Some(e.to_string()),
                        raw,
                    }),
                    None => $name::Unknown(Unreadable {
                        kind,
                        error: None,
                        raw,
                    }),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                match self {
                    $( $name::$variant(v) => {
                        let mut st = s.serialize_struct(stringify!($name), 2)?;
                        st.serialize_field($tag, $kind)?;
                        st.serialize_field($content, v)?;
                        st.end()
                    } )*
                    $name::Unknown(u) => u.raw.serialize(s),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                serde_json::Value::deserialize(d).map(Self::from_value)
            }
        }
    };
}

/// A result kind's summary type: what `JobResult::Backup` holds, and so on.
pub trait Summary: Sized {
    /// The summary, when `result` is of this kind.
    fn of(result: JobResult) -> Option<Self>;
    /// The same, borrowed.
    fn of_ref(result: &JobResult) -> Option<&Self>;
}

/// `JobResult` from its one list, with each variant's `Summary`.
macro_rules! job_results {
    ($( $variant:ident($ty:ty) = $kind:literal, )*) => {
        tagged! {
            /// What a job returns, by kind: `{"kind": "backup", "summary": {…}}`.
            pub enum JobResult { tag: "kind", content: "summary",
                $( $variant($ty) = $kind, )*
            }
        }

        $(impl Summary for $ty {
            fn of(result: JobResult) -> Option<Self> {
                match result {
                    JobResult::$variant(s) => Some(s),
                    _ => None,
                }
            }

            fn of_ref(result: &JobResult) -> Option<&Self> {
                match result {
                    JobResult::$variant(s) => Some(s),
                    _ => None,
                }
            }
        })*
    };
}

job_results! {
    Backup(BackupSummary) = "backup",
    Restore(RestoreSummary) = "restore",
    Forget(ForgetSummary) = "forget",
    Prune(PruneSummary) = "prune",
    Check(CheckSummary) = "check",
    Repair(RepairReport) = "repair",
    Housekeeping(HousekeepingReport) = "housekeeping",
    KeyAdd(KeyAdded) = "key-add",
    KeyRemove(KeyRemoved) = "key-remove",
    KeyPasswd(KeyChanged) = "key-passwd",
    Keys(Vec<KeyInfo>) = "keys",
    Copy(CopySummary) = "copy",
    Snapshots(Vec<SnapshotInfo>) = "snapshots",
    Unlock(Vec<LockInfo>) = "unlock",
    Probe(Probe) = "probe",
    Init(InitReport) = "init",
    TestEmail(TestEmailReport) = "test-email",
    Browse(BrowseReport) = "browse",
    Dump(DumpReport) = "dump",
    Export(ExportSummary) = "export",
    Mount(MountSummary) = "mount",
    Ls(Listing) = "ls",
    Find(Vec<FindHit>) = "find",
    Diff(Vec<DiffEntry>) = "diff",
    Stats(RepoStats) = "stats",
}

/// A job's result and where the repository was reached (none for jobs that reach
/// none: a probe, a test mail).
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<RepoUsed>,
    #[serde(flatten)]
    pub result: JobResult,
}

impl<'de> Deserialize<'de> for Outcome {
    /// `repository` beside the result's own fields (read without serde's flatten,
    /// which would buffer the result once more).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut raw = serde_json::Value::deserialize(d)?;
        let repository = match raw.as_object_mut().and_then(|o| o.remove("repository")) {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(RepoUsed::deserialize(v).map_err(serde::de::Error::custom)?),
        };
        Ok(Outcome {
            repository,
            result: JobResult::from_value(raw),
        })
    }
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

/// A browsing session is open (request 0), over this many snapshots.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Opened {
    pub snapshots: usize,
}

/// A search ended (`stopped`: a newer search took its place).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindDone {
    pub stopped: bool,
}

tagged! {
    /// The answer to one browsing request: `{"kind": "entries", "data": […]}`.
    pub enum BrowseResult { tag: "kind", content: "data",
        /// The session is open.
        Opened(Opened) = "opened",
        /// A folder's entries.
        Entries(Vec<Entry>) = "entries",
        /// Some of a search's hits (one snapshot's).
        Found(Vec<FindHit>) = "found",
        /// A search ended.
        FindDone(FindDone) = "find-done",
        /// Every snapshot's version of a path.
        History(Vec<Version>) = "history",
        /// What changed between two snapshots.
        Diff(Vec<DiffEntry>) = "diff",
    }
}

impl JobResult {
    /// The backup's summary, when this is one.
    pub fn backup(&self) -> Option<&BackupSummary> {
        match self {
            JobResult::Backup(s) => Some(s),
            _ => None,
        }
    }
}

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
        let kind = self.result.kind().to_string();
        T::of(self.result)
            .map(|summary| Typed {
                repository,
                summary,
            })
            .ok_or(kind)
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
            f.summary::<KeyRemoved>().map(|k| k.removed.as_str()),
            Some("cd")
        );
        // a kind this version does not know: kept as it came, and relayed unchanged
        let came = serde_json::json!({
            "kind": "vm-snapshot", "summary": {"domain": "web1"}
        });
        let line = finished(came.clone());
        let JobEvent::Finished(f) =
            serde_json::from_str::<JobEvent>(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
        else {
            panic!("not finished");
        };
        let result = &f.result.as_ref().expect("a result").result;
        assert_eq!(result.kind(), "vm-snapshot");
        assert!(
            matches!(result, JobResult::Unknown(u) if u.error.is_none() && u.raw == came),
            "{result:?}"
        );
        assert!(f.summary::<KeyRemoved>().is_none());
        let relayed = JobEvent::Finished(f).to_line();
        let relayed: serde_json::Value = serde_json::from_str(&relayed).unwrap_or_default();
        assert_eq!(relayed["result"], came);
        // an older job process: no schema, no result
        let old: Finished = serde_json::from_str(
            r#"{"ok":true,"cancelled":false,"result":null,"error":null,"warnings":[],"duration_seconds":0.0}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.schema, 0);
    }

    #[test]
    fn a_result_that_does_not_read_never_loses_its_event() {
        // a known kind whose summary changed shape, and one without any kind (what a
        // job process older than the typed contract wrote)
        for came in [
            serde_json::json!({"kind": "key-add", "summary": {"added": 42}}),
            serde_json::json!({"summary": {"files_new": 3}}),
            serde_json::json!("a string"),
        ] {
            let line = finished(came.clone());
            let event = serde_json::from_str::<JobEvent>(&line);
            let Ok(JobEvent::Finished(f)) = event else {
                panic!("{event:?}: {line}");
            };
            assert!(f.ok);
            let result = &f.result.as_ref().expect("a result").result;
            let JobResult::Unknown(u) = result else {
                panic!("read as {result:?}");
            };
            assert_eq!(u.raw, came);
            assert_eq!(u.error.is_some(), came["kind"] == "key-add", "{u:?}");
        }
    }

    /// A value of most kinds (those easy to make).
    fn some_of_each() -> Vec<JobResult> {
        vec![
            JobResult::Restore(RestoreSummary::default()),
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
            JobResult::Export(ExportSummary::default()),
            JobResult::Mount(MountSummary::default()),
            JobResult::Find(Vec::new()),
            JobResult::Diff(Vec::new()),
        ]
    }

    #[test]
    fn kinds_round_trip_under_their_names() {
        for r in some_of_each() {
            assert!(!matches!(r, JobResult::Unknown(_)), "{r:?}");
            let v = serde_json::to_value(&r).unwrap_or_default();
            assert_eq!(v["kind"], r.kind());
            assert!(JobResult::KINDS.contains(&r.kind()));
            let back = JobResult::from_value(v);
            assert_eq!(back.kind(), r.kind());
            assert!(!matches!(back, JobResult::Unknown(_)), "{back:?}");
        }
        assert_eq!(JobResult::KINDS.len(), 25);
    }

    #[test]
    fn browse_replies_are_tagged_too() {
        let r = BrowseResult::FindDone(FindDone { stopped: true });
        let v = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(
            v,
            serde_json::json!({"kind": "find-done", "data": {"stopped": true}})
        );
        let unknown: BrowseResult =
            serde_json::from_value(serde_json::json!({"kind": "tree-map", "data": [1, 2]}))
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(unknown, BrowseResult::Unknown(_)));
        assert_eq!(unknown.kind(), "tree-map");
    }
}
