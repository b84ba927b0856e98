//! The job process (`npbackup-cli __job`): reads a `JobSpec` from stdin, runs it,
//! and writes `JobEvent`s, one JSON line each, to stdout. Nothing else may write
//! to stdout here. SIGTERM/SIGINT run the registered clean-ups (e.g. removing the
//! repository lock), report the job as cancelled and exit.

use std::{
    io::{Read, Write},
    sync::{Mutex, PoisonError},
    time::Instant,
};

use tracing::{Level, field::Visit};
use tracing_subscriber::{Layer, layer::SubscriberExt, util::SubscriberInitExt};

use super::{Finished, JobEvent, JobKind, JobSpec, Priority, progress::EventBars};
use crate::{
    engine,
    error::{Error, Result, exit},
    redact::redact,
};

static STDOUT: Mutex<()> = Mutex::new(());
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
type Cleanup = Box<dyn FnOnce() + Send>;
static CLEANUPS: Mutex<Vec<Cleanup>> = Mutex::new(Vec::new());

/// Writes one event line to stdout (secrets redacted).
pub fn emit(event: &JobEvent) {
    let line = redact(&event.to_line());
    let _guard = STDOUT.lock().unwrap_or_else(PoisonError::into_inner);
    let mut out = std::io::stdout().lock();
    // A closed stdout means the watcher is gone; the job finishes regardless.
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Sends a warning event and keeps it for the final summary.
pub fn warn(message: impl Into<String>) {
    let message = redact(&message.into());
    WARNINGS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(message.clone());
    emit(&JobEvent::Warning { message });
}

/// Registers something to undo if the job is cancelled (run once, newest first).
pub fn on_cancel(f: impl FnOnce() + Send + 'static) {
    CLEANUPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Box::new(f));
}

fn run_cleanups() {
    let list = std::mem::take(&mut *CLEANUPS.lock().unwrap_or_else(PoisonError::into_inner));
    for f in list.into_iter().rev() {
        f();
    }
}

/// Turns log records into `log`/`warning` events.
struct EventLayer;

struct MessageVisitor(String);

impl Visit for MessageVisitor {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        } else if self.0.is_empty() {
            self.0 = format!("{}={value:?}", field.name());
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for EventLayer {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let level = *event.metadata().level();
        if level > Level::INFO {
            return;
        }
        let mut visitor = MessageVisitor(String::new());
        event.record(&mut visitor);
        if level == Level::WARN {
            warn(visitor.0);
        } else {
            emit(&JobEvent::Log {
                level: level.to_string().to_lowercase(),
                message: redact(&visitor.0),
            });
        }
    }
}

fn lower_priority() {
    #[cfg(unix)]
    // SAFETY: setpriority only changes this process's scheduling priority.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
    #[cfg(target_os = "linux")]
    {
        const IOPRIO_WHO_PROCESS: libc::c_long = 1;
        const IOPRIO_CLASS_IDLE: libc::c_long = 3;
        const IOPRIO_CLASS_SHIFT: libc::c_long = 13;
        // SAFETY: ioprio_set on our own process (pid 0) with a valid class value.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_ioprio_set,
                IOPRIO_WHO_PROCESS,
                0 as libc::c_long,
                IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT,
            )
        };
        if rc != 0 {
            tracing::info!(
                "could not lower the I/O priority: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

/// The job process's main: returns the exit code.
pub fn main() -> i32 {
    let started = Instant::now();
    let _ = tracing_subscriber::registry().with(EventLayer).try_init();

    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        return finish(
            started,
            Err(Error::Usage(format!(
                "cannot read the job spec from stdin: {e}"
            ))),
            false,
        );
    }
    let spec: JobSpec = match serde_json::from_str(&input) {
        Ok(s) => s,
        Err(e) => {
            return finish(
                started,
                Err(Error::Usage(format!("malformed job spec: {e}"))),
                false,
            );
        }
    };
    crate::redact::register(spec.repo.password.expose());
    install_signal_handler(started);
    if spec.priority == Priority::Low {
        lower_priority();
    }
    emit(&JobEvent::Started {
        job: spec.id.clone(),
        kind: spec.kind.name().to_string(),
        repository: spec.repo.name.clone(),
        pid: std::process::id(),
        time: jiff::Timestamp::now().to_string(),
    });
    let result = run(&spec);
    finish(started, result, false)
}

fn finish(started: Instant, result: Result<serde_json::Value>, cancelled: bool) -> i32 {
    let warnings = std::mem::take(&mut *WARNINGS.lock().unwrap_or_else(PoisonError::into_inner));
    let (ok, result, error, code) = match result {
        Ok(v) => (true, Some(v), None, exit::OK),
        Err(e) => (false, None, Some((&e).into()), e.exit_code()),
    };
    emit(&JobEvent::Finished(Finished {
        ok,
        cancelled,
        result,
        error,
        warnings,
        duration_seconds: started.elapsed().as_secs_f64(),
    }));
    code
}

fn install_signal_handler(started: Instant) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT]) else {
        tracing::warn!(
            "cannot catch termination signals: a cancelled job may leave its lock behind"
        );
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            run_cleanups();
            let why = if sig == SIGINT {
                "interrupted"
            } else {
                "cancelled"
            };
            let code = finish(
                started,
                Err(Error::Cancelled(format!("the job was {why}"))),
                true,
            );
            std::process::exit(code);
        }
    });
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::Usage(format!("cannot encode the result: {e}")))
}

fn run(spec: &JobSpec) -> Result<serde_json::Value> {
    let _lock = if spec.kind.writes() {
        let me = super::lock::Holder {
            pid: std::process::id(),
            job: spec.id.clone(),
            kind: spec.kind.name().to_string(),
            repository: spec.repo.name.clone(),
            since: jiff::Timestamp::now().to_string(),
        };
        let location = spec
            .repo
            .uris
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        if spec.wait_for_lock.is_some() {
            emit(&JobEvent::Log {
                level: "info".into(),
                message: "waiting for the repository lock".into(),
            });
        }
        Some(super::lock::acquire(location, &me, spec.wait_for_lock)?)
    } else {
        None
    };
    let bars = EventBars::start();
    match &spec.kind {
        JobKind::Backup(req) => {
            let (open, used) = open(spec, bars)?;
            let lock = engine::repolock::acquire(&open, false)?;
            on_cancel(lock.releaser());
            let summary = engine::backup(open, req)?;
            drop(lock);
            outcome(used, &summary)
        }
        JobKind::Restore { snapshot, request } => {
            let (open, used) = open(spec, bars)?;
            let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
            outcome(used, &engine::restore(open, &snap, request)?)
        }
    }
}

fn open(spec: &JobSpec, bars: EventBars) -> Result<(engine::OpenRepo, engine::RepoUsed)> {
    let open = engine::open(&spec.repo, bars)?;
    if let Some(i) = open.fallback {
        warn(format!(
            "the primary location of `{}` is unreachable; using fallback #{i}: {}",
            spec.repo.name, open.uri
        ));
    }
    let used = open.used(&spec.repo.name);
    Ok((open, used))
}

/// A job's result: where the repository was reached, and what the job returned.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Outcome<T> {
    pub repository: engine::RepoUsed,
    pub summary: T,
}

fn outcome<T: serde::Serialize>(
    repository: engine::RepoUsed,
    summary: &T,
) -> Result<serde_json::Value> {
    to_value(&Outcome {
        repository,
        summary,
    })
}
