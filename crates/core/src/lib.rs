//! What every front end shares, above the engine: the configuration (`config`),
//! jobs (their spec and results, the worker that runs them, the job process
//! itself), the scheduler (`schedule`), monitoring (`monitor`) and logging. It
//! prints nothing (a job process's event lines excepted) and knows no front end;
//! it reaches repositories only through `npbackup_engine`.

pub mod config;
pub mod fleet;
pub mod jobs;
pub mod logging;
pub mod monitor;
pub mod schedule;

pub use npbackup_common::{Error, Result};
use npbackup_common::{customization, error, fsutil, humanize, i18n, redact, t};
use npbackup_engine as engine;
