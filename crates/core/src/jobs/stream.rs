//! Where a job's events go: one JSON line each to stdout in a job process, or to
//! the caller's function for a job run in the caller's process (`child::run_here`).
//! What the end of a job needs from its stream is kept here too: the warnings (the
//! `finished` event lists them), the last log lines (failure pings quote them), and
//! what to undo if the job is cancelled.

use std::{
    io::Write,
    sync::{Mutex, PoisonError, RwLock},
};

use super::JobEvent;
use crate::redact::redact;

static STDOUT: Mutex<()> = Mutex::new(());
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// The last log and warning lines, for failure pings.
static LOG_TAIL: Mutex<std::collections::VecDeque<String>> =
    Mutex::new(std::collections::VecDeque::new());
const LOG_TAIL_LINES: usize = 60;
type Cleanup = Box<dyn FnOnce() + Send>;
static CLEANUPS: Mutex<Vec<Cleanup>> = Mutex::new(Vec::new());

/// Where the events of a job run in the caller's process go; `None`: this is a
/// job process, and they go to stdout.
pub(super) type Sink = Box<dyn Fn(&JobEvent) + Send + Sync>;
static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// Writes one event line to stdout (secrets redacted), or gives the event to the
/// caller of `run_here`.
pub fn emit(event: &JobEvent) {
    let kept = match event {
        JobEvent::Log { level, message } => Some(format!("[{level}] {message}")),
        JobEvent::Warning { message } => Some(format!("[warning] {message}")),
        _ => None,
    };
    if let Some(kept) = kept {
        let mut tail = LOG_TAIL.lock().unwrap_or_else(PoisonError::into_inner);
        if tail.len() >= LOG_TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(redact(&kept));
    }
    if let Some(sink) = SINK.read().unwrap_or_else(PoisonError::into_inner).as_ref() {
        sink(event);
        return;
    }
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

/// Held while a job does something a cancel must undo and registers its undoing (a
/// lock written into the repository, not yet known to the clean-ups): a cancel
/// arriving meanwhile waits for the step, then undoes it.
static STEP: Mutex<()> = Mutex::new(());

/// Starts such a step; it ends when the guard is dropped.
pub(super) fn undoable_step() -> std::sync::MutexGuard<'static, ()> {
    STEP.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs what `on_cancel` registered, newest first, each once (after a step under way),
/// as the process ends: no step starts after it (a lock taken while the process exits
/// would stay behind).
pub(super) fn run_cleanups() {
    let step = undoable_step();
    let list = std::mem::take(&mut *CLEANUPS.lock().unwrap_or_else(PoisonError::into_inner));
    for f in list.into_iter().rev() {
        f();
    }
    std::mem::forget(step);
}

/// Forgets the last job's stream: its sink (events go to stdout again), its
/// warnings, log lines and clean-ups (the next job in this process starts afresh).
pub(super) fn reset() {
    set_sink(None);
    take_warnings();
    LOG_TAIL
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    CLEANUPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
}

/// Events go to `sink` from now on (`None`: to stdout again).
pub(super) fn set_sink(sink: Option<Sink>) {
    *SINK.write().unwrap_or_else(PoisonError::into_inner) = sink;
}

/// The job runs in the caller's process (whose stdout is the caller's).
pub(super) fn in_process() -> bool {
    SINK.read()
        .unwrap_or_else(PoisonError::into_inner)
        .is_some()
}

/// The warnings so far, taken (the next job starts with none).
pub(super) fn take_warnings() -> Vec<String> {
    std::mem::take(&mut *WARNINGS.lock().unwrap_or_else(PoisonError::into_inner))
}

/// How many warnings there are so far.
pub(super) fn warning_count() -> usize {
    WARNINGS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .len()
}

/// The last log and warning lines, oldest first.
pub(super) fn log_tail() -> Vec<String> {
    LOG_TAIL
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .cloned()
        .collect()
}
