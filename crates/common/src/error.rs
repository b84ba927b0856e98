//! The one error type every layer returns to the front ends, with the exit code
//! and the machine-readable kind that `--json` prints. Messages say what was being
//! done, on which repository or path, and what to do next; they never hold a secret.

use std::{fmt, path::PathBuf};

/// One problem in a configuration file, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// Dotted key path, e.g. `repos.docs.backup.paths`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Documented process exit codes (see README "Exit codes").
pub mod exit {
    /// Everything worked.
    pub const OK: i32 = 0;
    /// A check answered "no" (e.g. `has-recent-snapshot` found none recent enough).
    pub const NEGATIVE: i32 = 1;
    /// The command line was wrong (clap uses 2 as well).
    pub const USAGE: i32 = 2;
    /// The configuration file is missing, malformed or names something unknown.
    pub const CONFIG: i32 = 3;
    /// The repository password (or key) is wrong, or no password was given.
    pub const CREDENTIALS: i32 = 4;
    /// No repository exists at the location: run `init` first.
    pub const NOT_INITIALISED: i32 = 5;
    /// The backend could not be reached (after retries and every fallback URI).
    pub const UNREACHABLE: i32 = 6;
    /// The input was refused before anything was written: a missing source path,
    /// an unknown or ambiguous snapshot, a source that is the repository itself.
    pub const INPUT: i32 = 7;
    /// The operation started but failed (I/O error, corrupt data...).
    pub const FAILED: i32 = 8;
    /// The operation finished but left something out on purpose: a restore with
    /// `--overwrite never` that met existing files.
    pub const PARTIAL: i32 = 9;
    /// The repository is locked by another job (of ours, or of restic).
    pub const LOCKED: i32 = 10;
    /// The repository's permissions do not allow it (`permissions = ...`), or the
    /// manager password was wrong.
    pub const DENIED: i32 = 11;
    /// Interrupted by the user (SIGINT).
    pub const INTERRUPTED: i32 = 130;
}

/// Anything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more problems in a configuration file, each located.
    #[error("{}", format_config_errors(.0))]
    Config(Vec<ConfigError>),

    /// The command line or the environment asked for something inconsistent.
    #[error("{0}")]
    Usage(String),

    /// Wrong password, or none could be obtained.
    #[error("{0}")]
    Credentials(String),

    /// The location holds no repository (`hint`: why, already worded).
    #[error("{}", crate::t!("err-not-initialised", location = location.as_str(), hint = hint.as_str()))]
    NotInitialised { location: String, hint: String },

    /// Every URI was tried and none answered.
    #[error("{0}")]
    Unreachable(String),

    /// Input refused before anything was written.
    #[error("{0}")]
    Input(String),

    /// A file-system operation of ours failed (`doing`: "reading", "creating the
    /// folder"…, followed by the path).
    #[error("{}", crate::t!(
        "err-io",
        doing = doing.as_str(),
        path = path.display().to_string(),
        cause = io_cause(source)
    ))]
    Io {
        doing: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// rustic_core reported an error while doing something.
    #[error("{}", crate::t!("err-engine", doing = doing.as_str(), message = message.as_str()))]
    Engine { doing: String, message: String },

    /// Finished, but some items were skipped on purpose (listed in the output).
    #[error("{0}")]
    Partial(String),

    /// An error reported by a job process (already worded there).
    #[error("{message}")]
    Job {
        kind: String,
        message: String,
        exit_code: i32,
    },

    /// Another job holds the repository (ours or restic's).
    #[error("{0}")]
    Locked(String),

    /// Not allowed here: the repository's permissions, or the manager password.
    #[error("{0}")]
    Denied(String),

    /// The job was cancelled (by the user, a timeout or a shutdown).
    #[error("{0}")]
    Cancelled(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) => exit::CONFIG,
            Error::Usage(_) => exit::USAGE,
            Error::Credentials(_) => exit::CREDENTIALS,
            Error::NotInitialised { .. } => exit::NOT_INITIALISED,
            Error::Unreachable(_) => exit::UNREACHABLE,
            Error::Input(_) => exit::INPUT,
            Error::Io { .. } | Error::Engine { .. } => exit::FAILED,
            Error::Partial(_) => exit::PARTIAL,
            Error::Job { exit_code, .. } => *exit_code,
            Error::Cancelled(_) => exit::INTERRUPTED,
            Error::Locked(_) => exit::LOCKED,
            Error::Denied(_) => exit::DENIED,
        }
    }

    /// A stable, machine-readable name for the JSON output.
    pub fn kind(&self) -> &str {
        match self {
            Error::Config(_) => "config",
            Error::Usage(_) => "usage",
            Error::Credentials(_) => "credentials",
            Error::NotInitialised { .. } => "not-initialised",
            Error::Unreachable(_) => "unreachable",
            Error::Input(_) => "input",
            Error::Io { .. } => "io",
            Error::Engine { .. } => "failed",
            Error::Partial(_) => "partial",
            Error::Job { kind, .. } => kind,
            Error::Cancelled(_) => "cancelled",
            Error::Locked(_) => "locked",
            Error::Denied(_) => "denied",
        }
    }

    /// Wraps an I/O error with what was being done and on which path.
    pub fn io(doing: impl Into<String>, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            doing: doing.into(),
            path: path.into(),
            source,
        }
    }
}

/// Whether an I/O error is a full disk or an exhausted quota.
pub fn is_out_of_space(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// An I/O error in words; a full disk (or quota) says what to do about it.
fn io_cause(e: &std::io::Error) -> String {
    if is_out_of_space(e) {
        crate::t!("err-disk-full", cause = e.to_string())
    } else {
        e.to_string()
    }
}

fn format_config_errors(errors: &[ConfigError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Result alias used across the workspace.
pub type Result<T, E = Error> = std::result::Result<T, E>;
