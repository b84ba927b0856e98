//! The job event stream: one JSON object per line on a job process's stdout. It is
//! the only contract between a job and whoever watches it (CLI, GUI, daemon), and
//! exactly what `npbackup-cli --json-events` prints.

use serde::{Deserialize, Serialize};

/// One event of a running job.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum JobEvent {
    /// The job process is up and about to work.
    Started {
        job: String,
        kind: String,
        repository: String,
        pid: u32,
        time: String,
    },
    /// Where the job is (sent a few times a second at most).
    Progress(Progress),
    /// A log line from the job.
    Log { level: String, message: String },
    /// Something the user should know that does not fail the job.
    Warning { message: String },
    /// The answer (or, with `done: false`, a part of it) to request `id` of a
    /// browsing session; request 0 is the session's opening.
    Reply {
        id: u64,
        done: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<super::BrowseResult>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<ErrorInfo>,
    },
    /// The last event: the outcome.
    Finished(Finished),
}

/// Progress of the current phase.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// What is being done ("backing up", "reading index", "restoring").
    pub phase: String,
    pub bytes_done: u64,
    pub bytes_total: Option<u64>,
    pub files_done: Option<u64>,
    pub files_total: Option<u64>,
    /// The file being worked on, when known.
    pub current: Option<String>,
    /// Bytes per second over the phase so far.
    pub rate: f64,
    /// Estimated seconds left in this phase.
    pub eta_seconds: Option<u64>,
}

/// How a job ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finished {
    pub ok: bool,
    pub cancelled: bool,
    /// The version of the result's shapes (`jobs::SCHEMA`; 0 from a job process
    /// older than the typed contract).
    #[serde(default)]
    pub schema: u32,
    /// The job's result (e.g. a backup summary), when it produced one; a failed job
    /// may have one too (a check that found damage).
    pub result: Option<Box<super::Outcome>>,
    pub error: Option<ErrorInfo>,
    pub warnings: Vec<String>,
    pub duration_seconds: f64,
}

impl Finished {
    /// The job's summary, when it gave one of kind `T`.
    pub fn summary<T: super::Summary>(&self) -> Option<&T> {
        T::of_ref(&self.result.as_ref()?.result)
    }

    /// The same, taken out.
    pub fn into_summary<T: super::Summary>(self) -> Option<T> {
        T::of(self.result?.result)
    }
}

/// An error as it crosses the process boundary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorInfo {
    pub kind: String,
    pub message: String,
    pub exit_code: i32,
}

impl From<&crate::Error> for ErrorInfo {
    fn from(e: &crate::Error) -> Self {
        ErrorInfo {
            kind: e.kind().to_string(),
            message: crate::redact::redact(&e.to_string()),
            exit_code: e.exit_code(),
        }
    }
}

impl From<ErrorInfo> for crate::Error {
    fn from(e: ErrorInfo) -> Self {
        crate::Error::Job {
            kind: e.kind,
            message: e.message,
            exit_code: e.exit_code,
        }
    }
}

impl JobEvent {
    /// The event as one line of JSON (no newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"event":"log","level":"error","message":"cannot encode an event: {e}"}}"#)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_as_tagged_lines() {
        let e = JobEvent::Progress(Progress {
            phase: "backing up".into(),
            bytes_done: 10,
            bytes_total: Some(100),
            rate: 5.0,
            eta_seconds: Some(18),
            ..Default::default()
        });
        let line = e.to_line();
        assert!(
            line.starts_with(r#"{"event":"progress","phase":"backing up""#),
            "{line}"
        );
        assert_eq!(
            serde_json::to_string(&serde_json::from_str::<JobEvent>(&line).unwrap()).unwrap(),
            line
        );
        let w: JobEvent = serde_json::from_str(r#"{"event":"warning","message":"x"}"#).unwrap();
        assert!(matches!(w, JobEvent::Warning { message } if message == "x"));
    }
}
