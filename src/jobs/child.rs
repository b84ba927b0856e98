//! The job process (`npbackup-cli __job`): reads a `JobSpec` from stdin, runs it,
//! and writes `JobEvent`s, one JSON line each, to stdout. Nothing else may write
//! to stdout here. SIGTERM/SIGINT run the registered clean-ups (e.g. removing the
//! repository lock), report the job as cancelled and exit.

use std::{
    io::Write,
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
/// The last log and warning lines, for failure pings.
static LOG_TAIL: Mutex<std::collections::VecDeque<String>> =
    Mutex::new(std::collections::VecDeque::new());
const LOG_TAIL_LINES: usize = 60;
/// What the storage heuristics found (for the metrics).
static OUTLIERS: Mutex<Vec<super::health::Outlier>> = Mutex::new(Vec::new());
/// The result of a job that failed but has something to show for it (a check that
/// found damage: what it found, and what repairs it).
static FAILED_RESULT: Mutex<Option<serde_json::Value>> = Mutex::new(None);
/// The job being run (for the report at the end, also after a signal).
static SPEC: std::sync::OnceLock<JobSpec> = std::sync::OnceLock::new();
type Cleanup = Box<dyn FnOnce() + Send>;
static CLEANUPS: Mutex<Vec<Cleanup>> = Mutex::new(Vec::new());

/// Writes one event line to stdout (secrets redacted).
pub fn emit(event: &JobEvent) {
    let line = redact(&event.to_line());
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

/// Turns log records into `log`/`warning` events. A warning's `user` field, when
/// it has one, is what a person reads (translated); its message stays English for
/// the support log.
struct EventLayer;

#[derive(Default)]
struct MessageVisitor {
    message: String,
    user: Option<String>,
}

impl Visit for MessageVisitor {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "user" => self.user = Some(format!("{value:?}")),
            name if self.message.is_empty() => self.message = format!("{name}={value:?}"),
            _ => {}
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
        let mut visitor = MessageVisitor::default();
        event.record(&mut visitor);
        if level == Level::WARN {
            warn(visitor.user.unwrap_or(visitor.message));
        } else {
            emit(&JobEvent::Log {
                level: level.to_string().to_lowercase(),
                message: redact(&visitor.message),
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

    // The spec is the first line; whatever follows is data (`backup --stdin`), left
    // in stdin's shared buffer for the engine to read.
    let mut input = String::new();
    if let Err(e) = std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut input) {
        return finish(
            started,
            Err(Error::Usage(crate::t!(
                "job-spec-unreadable",
                cause = e.to_string()
            ))),
            false,
        );
    }
    let spec: JobSpec = match serde_json::from_str(&input) {
        Ok(s) => s,
        Err(e) => {
            return finish(
                started,
                Err(Error::Usage(crate::t!(
                    "job-spec-malformed",
                    cause = e.to_string()
                ))),
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
    if let Some(m) = &spec.monitoring {
        for w in crate::monitor::job_started(m, spec.kind.name()) {
            warn(w);
        }
    }
    let spec = SPEC.get_or_init(|| spec);
    let result = run(spec);
    finish(started, result, false)
}

fn finish(started: Instant, result: Result<serde_json::Value>, cancelled: bool) -> i32 {
    if let Some(spec) = SPEC.get() {
        report(spec, started, &result);
    }
    let warnings = std::mem::take(&mut *WARNINGS.lock().unwrap_or_else(PoisonError::into_inner));
    // an operation that stopped because of the cancel (a restore that saw it first)
    // reports a cancel too, whichever thread gets here first
    let cancelled = cancelled || matches!(result, Err(Error::Cancelled(_)));
    let (ok, result, error, code) = match result {
        Ok(v) => (true, Some(v), None, exit::OK),
        Err(e) => (
            false,
            FAILED_RESULT
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
            Some((&e).into()),
            e.exit_code(),
        ),
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

/// Sends the job's metrics and end ping (monitoring problems become warnings).
fn report(spec: &JobSpec, started: Instant, result: &Result<serde_json::Value>) {
    let Some(m) = &spec.monitoring else {
        return;
    };
    // listing snapshots is a read the window repeats; it is not a job to monitor
    if matches!(
        spec.kind,
        JobKind::Snapshots { .. } | JobKind::TestEmail { .. }
    ) {
        return;
    }
    use super::health::Outlier;
    use crate::monitor::{ExecState, Heuristics, Report};
    let outliers = OUTLIERS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let backup = match (&spec.kind, result) {
        (JobKind::Backup { .. }, Ok(v)) => v.get("summary").cloned(),
        _ => None,
    };
    let (ok, state, sub_min_size) = match result {
        Ok(_) => (true, None, false),
        Err(e) => {
            let critical = matches!(
                e,
                Error::Credentials(_)
                    | Error::Unreachable(_)
                    | Error::NotInitialised { .. }
                    | Error::Config(_)
            );
            let too_small = matches!(e, Error::Input(m) if m.contains("minimum-backup-size"));
            (false, critical.then_some(ExecState::Critical), too_small)
        }
    };
    let last_success = if ok && matches!(spec.kind, JobKind::Backup { .. }) {
        Some(jiff::Timestamp::now().as_second())
    } else {
        super::health::history_path(spec.repo.primary())
            .and_then(|p| super::health::load(&p).pop())
            .and_then(|r| r.time.parse::<jiff::Timestamp>().ok())
            .map(|t| t.as_second())
    };
    let report = Report {
        action: spec.kind.name().to_string(),
        ok,
        state,
        backup,
        exec_seconds: started.elapsed().as_secs_f64(),
        warnings: WARNINGS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len(),
        sub_min_size,
        heuristics: Heuristics {
            too_small: outliers.contains(&Outlier::TooSmall),
            too_large: outliers.contains(&Outlier::TooLarge),
            too_many_changed_files: outliers.contains(&Outlier::TooManyChangedFiles),
        },
        last_success,
        log_tail: {
            let mut tail: Vec<String> = LOG_TAIL
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .cloned()
                .collect();
            if let Err(e) = result {
                tail.push(redact(&format!("[error] {e}")));
            }
            tail.join("\n")
        },
    };
    // what a backup read, as the original's `backup_type` label
    let mut m = m.clone();
    if let JobKind::Backup { request, .. } = &spec.kind {
        let kind = match request.source {
            engine::BackupSource::Files => "files",
            engine::BackupSource::Stdin { .. } => "stdin",
            engine::BackupSource::Command { .. } => "command",
        };
        m.labels.insert("backup_type".into(), kind.into());
    }
    for w in crate::monitor::job_finished(&m, &report) {
        warn(w);
    }
}

#[cfg(unix)]
fn install_signal_handler(started: Instant) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT]) else {
        tracing::warn!(
            user = %crate::t!("job-no-signals"),
            "cannot catch termination signals: a cancelled job may leave its lock behind"
        );
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            run_cleanups();
            let why = if sig == SIGINT {
                crate::t!("job-interrupted")
            } else {
                crate::t!("job-was-cancelled")
            };
            let code = finish(started, Err(Error::Cancelled(why)), true);
            std::process::exit(code);
        }
    });
}

/// Windows has no SIGTERM for another process: the worker cancels a job by setting
/// the named event `super::cancel_event_name(pid)`, which this process made. Ctrl-C
/// in a console reaches it as SIGINT.
#[cfg(windows)]
fn install_signal_handler(started: Instant) {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };
    use windows_sys::Win32::{
        Foundation::WAIT_OBJECT_0,
        System::Threading::{CreateEventW, WaitForSingleObject},
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, interrupted.clone());
    let name: Vec<u16> = super::cancel_event_name(std::process::id())
        .encode_utf16()
        .chain([0])
        .collect();
    // SAFETY: a manual-reset event, not set, under a NUL-terminated name; the handle
    // stays open for the life of the process.
    let event = unsafe { CreateEventW(std::ptr::null(), 1, 0, name.as_ptr()) };
    if event.is_null() {
        tracing::warn!(
            user = %crate::t!("job-no-signals"),
            "cannot make the cancel event: a cancelled job may leave its lock behind"
        );
    }
    // a HANDLE is a pointer, which a thread cannot take: pass its value
    let event = event as usize;
    std::thread::spawn(move || {
        loop {
            let cancelled = event != 0
                // SAFETY: `event` is our open event handle.
                && unsafe { WaitForSingleObject(event as _, 200) } == WAIT_OBJECT_0;
            let interrupted = interrupted.load(Ordering::Relaxed);
            if event == 0 && !interrupted {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            if cancelled || interrupted {
                run_cleanups();
                let why = if interrupted {
                    crate::t!("job-interrupted")
                } else {
                    crate::t!("job-was-cancelled")
                };
                let code = finish(started, Err(Error::Cancelled(why)), true);
                std::process::exit(code);
            }
        }
    });
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v)
        .map_err(|e| Error::Usage(crate::t!("job-cannot-encode-result", cause = e.to_string())))
}

/// This machine's writer lock on `repo` for the job (waiting as the spec says).
fn writer_lock(spec: &JobSpec, repo: &engine::RepoTarget) -> Result<super::lock::RepoLock> {
    let me = super::lock::Holder::me(&spec.id, spec.kind.name(), &repo.name);
    if spec.wait_for_lock.is_some() {
        emit(&JobEvent::Log {
            level: "info".into(),
            message: format!("waiting for the lock of {}", repo.name),
        });
    }
    super::lock::acquire(repo.primary(), &me, spec.wait_for_lock)
}

fn run(spec: &JobSpec) -> Result<serde_json::Value> {
    let _lock = if spec.kind.lock() != super::LockKind::None {
        Some(writer_lock(spec, &spec.repo)?)
    } else {
        None
    };
    let bars = EventBars::start();
    match &spec.kind {
        // listing needs no lock (restic's `snapshots --no-lock`): a front end
        // refreshes often and must work on a repository it may only read
        JobKind::Snapshots { filter } => {
            let (open, used) = open(spec, bars)?;
            let infos: Vec<engine::SnapshotInfo> = engine::snapshots(&open, filter)?
                .iter()
                .map(engine::SnapshotInfo::from)
                .collect();
            outcome(used, &infos)
        }
        // a session reads only, for as long as a window shows it: it takes no lock,
        // which would keep prune away all that time
        JobKind::Browse => {
            let (open, _) = open(spec, bars)?;
            super::browse::serve(open)
        }
        JobKind::Unlock => {
            let (open, used) = open(spec, bars)?;
            outcome(used, &engine::repolock::remove_stale_locks(&open)?)
        }
        // no repository involved: the monitoring settings travel in the spec
        JobKind::TestEmail { to } => {
            let mail = spec
                .monitoring
                .as_ref()
                .and_then(|m| m.email.as_ref())
                .ok_or_else(|| {
                    Error::Usage(crate::t!(
                        "job-no-smtp-server",
                        repo = spec.repo.name.as_str()
                    ))
                })?;
            let sent_to = crate::monitor::email::send_test(mail, &spec.repo.name, to)?;
            Ok(serde_json::json!({ "summary": { "sent_to": sent_to } }))
        }
        JobKind::Probe => Ok(serde_json::json!({
            "summary": engine::probe(&spec.repo, bars)?
        })),
        JobKind::Init { compression } => {
            let open = engine::init(&spec.repo, *compression, None, bars)?;
            let used = open.used(&spec.repo.name);
            let id = open.repo.config().id.to_hex().to_string();
            outcome(
                used,
                &serde_json::json!({ "id": id, "compression": compression.to_string() }),
            )
        }
        kind => {
            let (open, used) = open(spec, bars)?;
            let lock = match kind.lock() {
                // readers only keep a prune away: a lock we cannot write is not fatal
                // for them, but a conflicting exclusive lock is
                super::LockKind::None => match engine::repolock::acquire(&open, false) {
                    Ok(l) => Some(l),
                    Err(e @ Error::Locked(_)) => return Err(e),
                    Err(other) => {
                        warn(crate::t!("job-no-read-lock", cause = other.to_string()));
                        None
                    }
                },
                super::LockKind::Shared => Some(engine::repolock::acquire(&open, false)?),
                super::LockKind::Exclusive => Some(engine::repolock::acquire(&open, true)?),
            };
            if let Some(l) = &lock {
                on_cancel(l.releaser());
            }
            let result = run_locked(spec, kind, open, used);
            drop(lock);
            result
        }
    }
}

/// The jobs that run under a repository lock.
fn run_locked(
    spec: &JobSpec,
    kind: &JobKind,
    open: engine::OpenRepo,
    used: engine::RepoUsed,
) -> Result<serde_json::Value> {
    use engine::ops;
    match kind {
        JobKind::Backup {
            request,
            hooks,
            heuristics,
        } => {
            let value = backup_with_hooks(open, used, request, hooks)?;
            if *heuristics && !request.dry_run {
                judge_backup(spec.repo.primary(), &value);
            }
            Ok(value)
        }
        // under a reader's lock, so that no prune removes what is being read
        JobKind::Restore { snapshot, request } => {
            let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
            // a cancel removes the partly written files (none has its final name yet)
            on_cancel(engine::abort_restore);
            let summary = engine::restore(open, &snap, request)?;
            if let Some(first) = summary.failed.first() {
                warn(crate::t!(
                    "job-restore-failures",
                    n = summary.failed.len(),
                    path = first.path.as_str(),
                    reason = first.reason.as_str()
                ));
            }
            outcome(used, &summary)
        }
        JobKind::Dump { snapshot, path, to } => {
            let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
            let written = dump_to(open, &snap, path, to)?;
            outcome(used, &serde_json::json!({ "path": written }))
        }
        JobKind::Forget(req) => outcome(used, &ops::forget(&open, req)?),
        JobKind::Prune(req) => outcome(used, &ops::prune(&open, req)?),
        JobKind::Check(req) => {
            let uri = open.uri.clone();
            let summary = ops::check(open, req)?;
            let value = outcome(used, &summary)?;
            match ops::check_failure(&summary, &uri) {
                None => Ok(value),
                // the job fails, and still says what it found
                Some(err) => {
                    *FAILED_RESULT.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
                    Err(err)
                }
            }
        }
        JobKind::Repair { what, dry_run } => {
            ops::repair(open, *what, *dry_run)?;
            outcome(
                used,
                &serde_json::json!({ "repaired": what, "dry_run": dry_run }),
            )
        }
        JobKind::Housekeeping {
            check,
            forget,
            prune,
        } => {
            let at = |step: &str, e: Error| Error::Job {
                kind: e.kind().to_string(),
                exit_code: e.exit_code(),
                message: crate::t!(
                    "job-housekeeping-stopped",
                    step = step,
                    cause = e.to_string()
                ),
            };
            let checked = ops::check(reopen(spec, &open)?, check).map_err(|e| at("check", e))?;
            // a damaged repository is not pruned
            if let Some(err) = ops::check_failure(&checked, &open.uri) {
                return Err(at("check", err));
            }
            let forgotten = ops::forget(&open, forget).map_err(|e| at("forget", e))?;
            let pruned = ops::prune(&open, prune).map_err(|e| at("prune", e))?;
            outcome(
                used,
                &serde_json::json!({ "check": checked, "forget": forgotten, "prune": pruned }),
            )
        }
        JobKind::KeyAdd { password } => {
            let id = ops::add_key(&open, password.expose())?;
            outcome(used, &serde_json::json!({ "added": id }))
        }
        JobKind::KeyRemove { id } => {
            let removed = ops::remove_key(&open, id)?;
            outcome(used, &serde_json::json!({ "removed": removed }))
        }
        JobKind::Copy { to } => {
            let _local = writer_lock(spec, to)?;
            let dst = engine::open(to, rustic_core::NoProgressBars)?;
            let dst_lock = engine::repolock::acquire(&dst, false)?;
            on_cancel(dst_lock.releaser());
            let summary = ops::copy(open, dst, &Default::default())?;
            drop(dst_lock);
            outcome(used, &summary)
        }
        JobKind::KeyPasswd { password } => {
            let old = open
                .repo
                .key_id()
                .map(|k| k.to_hex().to_string())
                .unwrap_or_default();
            let new = ops::add_key(&open, password.expose())?;
            // verify: the new password must open the repository before the old key goes
            let mut with_new = spec.repo.clone();
            with_new.password = password.clone();
            with_new.uris = vec![open.location.repository.clone()];
            with_new.backend_options = open.location.options.clone();
            let reopened = engine::open(&with_new, rustic_core::NoProgressBars).map_err(|e| {
                Error::Engine {
                    doing: crate::t!("job-verifying-new-password"),
                    message: crate::t!(
                        "job-new-password-unverified",
                        cause = e.to_string(),
                        key = new.as_str()
                    ),
                }
            })?;
            let removed = ops::remove_key(&reopened, &old)?;
            outcome(
                used,
                &serde_json::json!({ "added": new, "removed": removed }),
            )
        }
        JobKind::Snapshots { .. }
        | JobKind::Browse
        | JobKind::Unlock
        | JobKind::Init { .. }
        | JobKind::Probe
        | JobKind::TestEmail { .. } => Err(Error::Usage(crate::t!(
            "job-not-under-lock",
            kind = kind.name()
        ))),
    }
}

/// Compares a finished backup with the last runs of the repository, warns about
/// outliers, and records it.
fn judge_backup(location: &str, value: &serde_json::Value) {
    let Some(summary) = value
        .get("summary")
        .and_then(|s| serde_json::from_value::<engine::BackupSummary>(s.clone()).ok())
    else {
        return;
    };
    let Some(path) = super::health::history_path(location) else {
        return;
    };
    let run = super::health::Run::from(&summary);
    for (outlier, w) in super::health::judge(&super::health::load(&path), &run) {
        OUTLIERS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(outlier);
        warn(w);
    }
    if let Err(e) = super::health::record(&path, &run) {
        warn(crate::t!(
            "job-history-not-recorded",
            path = path.display().to_string(),
            cause = e.to_string()
        ));
    }
}

/// A backup between its pre and post commands.
fn backup_with_hooks(
    open: engine::OpenRepo,
    used: engine::RepoUsed,
    request: &engine::BackupRequest,
    hooks: &super::hooks::Hooks,
) -> Result<serde_json::Value> {
    use super::hooks::run_commands;
    if let Err(why) = run_commands("pre", &hooks.pre, hooks.pre_timeout, &[]) {
        if hooks.pre_failure_is_fatal {
            return Err(Error::Input(crate::t!("job-pre-failed-fatal", why = why)));
        }
        warn(crate::t!("job-pre-failed", why = why));
    }
    let result = engine::backup(open, request);
    let ok = result.is_ok();
    if !hooks.post.is_empty() && (ok || hooks.post_run_on_failure) {
        let snapshot = result
            .as_ref()
            .ok()
            .and_then(|s| s.snapshot_id.clone())
            .unwrap_or_default();
        let env = [
            (
                "NPBACKUP_RESULT",
                if ok { "success" } else { "failure" }.to_string(),
            ),
            ("NPBACKUP_SNAPSHOT_ID", snapshot),
        ];
        if let Err(why) = run_commands("post", &hooks.post, hooks.post_timeout, &env) {
            if hooks.post_failure_is_fatal && ok {
                return Err(Error::Input(crate::t!("job-post-failed-fatal", why = why)));
            }
            warn(why);
        }
    }
    outcome(used, &result?)
}

/// A second handle on the same repository (check consumes its handle).
/// Writes a file of `snap` to `to` (through a temporary name, so that `to` is
/// either complete or absent).
fn dump_to(
    open: engine::OpenRepo,
    snap: &rustic_core::repofile::SnapshotFile,
    path: &str,
    to: &std::path::Path,
) -> Result<std::path::PathBuf> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(crate::t!("io-creating-folder"), dir, e))?;
    }
    let temp = to.with_extension("partial");
    let file =
        std::fs::File::create(&temp).map_err(|e| Error::io(crate::t!("io-creating"), &temp, e))?;
    let _ = std::fs::remove_file(to);
    on_cancel({
        let temp = temp.clone();
        move || {
            let _ = std::fs::remove_file(temp);
        }
    });
    let mut out = std::io::BufWriter::new(file);
    let written = engine::dump(open, snap, path, &mut out).and_then(|()| {
        std::io::Write::flush(&mut out).map_err(|e| Error::io(crate::t!("io-writing"), &temp, e))
    });
    drop(out);
    match written.and_then(|()| {
        std::fs::rename(&temp, to).map_err(|e| Error::io(crate::t!("io-naming"), to, e))
    }) {
        Ok(()) => Ok(to.to_path_buf()),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

fn reopen(spec: &JobSpec, open: &engine::OpenRepo) -> Result<engine::OpenRepo> {
    let mut target = spec.repo.clone();
    target.uris = vec![open.location.repository.clone()];
    target.backend_options = open.location.options.clone();
    engine::open(&target, rustic_core::NoProgressBars)
}

fn open(spec: &JobSpec, bars: EventBars) -> Result<(engine::OpenRepo, engine::RepoUsed)> {
    let open = engine::open(&spec.repo, bars)?;
    if let Some(i) = open.fallback {
        warn(crate::t!(
            "job-using-fallback",
            repo = spec.repo.name.as_str(),
            n = i,
            location = open.uri.as_str()
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
