//! The job process (`npbackup-cli __job`): reads a `JobSpec` from stdin, runs it,
//! and writes `JobEvent`s, one JSON line each, to stdout. Nothing else may write
//! to stdout here. SIGTERM/SIGINT run the registered clean-ups (e.g. removing the
//! repository lock), report the job as cancelled and exit.
//!
//! `run_here` runs a job the same way inside the caller's process, its events
//! going to the caller's function instead of stdout: for the quick reads a front
//! end makes (a snapshot list, a folder), where a process is not worth it.

use std::{
    sync::{Mutex, PoisonError},
    time::Instant,
};

use tracing::{Level, field::Visit};
use tracing_subscriber::{Layer, layer::SubscriberExt, util::SubscriberInitExt};

use super::{
    Finished, JobEvent, JobKind, JobResult, JobSpec, Outcome, Priority,
    progress::EventBars,
    result,
    stream::{self, emit, on_cancel, warn},
};
use crate::{
    engine,
    error::{Error, Result, exit},
    redact::redact,
};

/// What the storage heuristics found (for the metrics).
static OUTLIERS: Mutex<Vec<super::health::Outlier>> = Mutex::new(Vec::new());
/// The result of a job that failed but has something to show for it (a check that
/// found damage: what it found, and what repairs it).
static FAILED_RESULT: Mutex<Option<Outcome>> = Mutex::new(None);
/// The job being run (for the report at the end, also after a signal).
static SPEC: std::sync::OnceLock<JobSpec> = std::sync::OnceLock::new();

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
        // the FUSE library's own complaints (an operation a read-only mount does
        // not offer, an unmount already done) are for the log, not the user
        if level == Level::WARN && !event.metadata().target().starts_with("fuser") {
            warn(visitor.user.unwrap_or(visitor.message));
        } else {
            emit(&JobEvent::Log {
                level: level.to_string().to_lowercase(),
                message: redact(&visitor.message),
            });
        }
    }
}

/// For the logging of a process that runs jobs in itself (`run_here`): while one
/// runs, its log warnings become its warning events, as a job process's do (the
/// caller's stderr leaves them to it: `taken_by_job`).
pub struct InProcessWarnings;

impl<S: tracing::Subscriber> Layer<S> for InProcessWarnings {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if taken_by_job(event.metadata()) {
            let mut visitor = MessageVisitor::default();
            event.record(&mut visitor);
            warn(visitor.user.unwrap_or(visitor.message));
        }
    }
}

/// A log record that a job run in this process shows as its own warning.
pub fn taken_by_job(meta: &tracing::Metadata<'_>) -> bool {
    *meta.level() == Level::WARN && stream::in_process()
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

/// Keeps glibc's allocator to two arenas, where it makes up to eight per core. A
/// backup's chunks (0.5 to 8 MiB each) are made on one thread and freed on another,
/// and freed memory stayed spread over the arenas: a backup of 1.5 GB in 53,000
/// files peaked at 224 MiB with glibc's default and 138 MiB with two arenas (restic:
/// 147 MiB), and took no longer (docs/benchmarks.md).
fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a glibc allocator parameter; it is called before
    // this process starts any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// The job process's main: returns the exit code.
pub fn main() -> i32 {
    let started = Instant::now();
    limit_allocator_arenas();
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
    #[cfg(unix)]
    watch_parent();
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
    // A cancel may have stopped the work before its clean-ups are done (a restore sees
    // the cancel as soon as it is asked for, then its partial files are removed): the
    // clean-ups hold this for good, and the cancel's thread ends the process when
    // they are done. Without a cancel, one arriving now finds the job over.
    // kept until the process ends: a cancel arriving during `finish` finds the job over
    std::mem::forget(stream::undoable_step());
    finish(started, result, false)
}

/// Runs `spec` in this process, on this thread, as a job process would (the same
/// code, the same events and result), giving its events to `sink` as they come;
/// returns how it finished. For jobs that only read: a cancel is not handled here
/// (the process ends), and no monitoring is reported. One at a time: a second
/// caller waits for the first to end (the stream is the process's).
pub fn run_here(spec: &JobSpec, sink: impl Fn(&JobEvent) + Send + Sync + 'static) -> Finished {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    // whatever happens below, even a panic, the next job starts afresh
    struct Fresh;
    impl Drop for Fresh {
        fn drop(&mut self) {
            stream::reset();
            OUTLIERS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
            FAILED_RESULT
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
        }
    }
    let _fresh = Fresh;
    stream::set_sink(Some(Box::new(sink)));
    let started = Instant::now();
    emit(&JobEvent::Started {
        job: spec.id.clone(),
        kind: spec.kind.name().to_string(),
        repository: spec.repo.name.clone(),
        pid: std::process::id(),
        time: jiff::Timestamp::now().to_string(),
    });
    let result = run(spec);
    let finished = finished(started, result, false);
    emit(&JobEvent::Finished(finished.clone()));
    finished
}

fn finish(started: Instant, result: Result<Outcome>, cancelled: bool) -> i32 {
    if let Some(spec) = SPEC.get() {
        report(spec, started, &result);
    }
    let code = match &result {
        Ok(_) => exit::OK,
        Err(e) => e.exit_code(),
    };
    emit(&JobEvent::Finished(finished(started, result, cancelled)));
    code
}

/// The `finished` event of a job that ended with `result`.
fn finished(started: Instant, result: Result<Outcome>, cancelled: bool) -> Finished {
    let warnings = stream::take_warnings();
    // an operation that stopped because of the cancel (a restore that saw it first)
    // reports a cancel too, whichever thread gets here first
    let cancelled = cancelled || matches!(result, Err(Error::Cancelled(_)));
    let (ok, result, error) = match result {
        Ok(v) => (true, Some(Box::new(v)), None),
        Err(e) => (
            false,
            FAILED_RESULT
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .map(Box::new),
            Some((&e).into()),
        ),
    };
    Finished {
        ok,
        cancelled,
        schema: super::SCHEMA,
        result,
        error,
        warnings,
        duration_seconds: started.elapsed().as_secs_f64(),
    }
}

/// Sends the job's metrics and end ping (monitoring problems become warnings).
fn report(spec: &JobSpec, started: Instant, result: &Result<Outcome>) {
    let fleet = crate::fleet::dir().filter(|_| crate::fleet::enrolled());
    if spec.monitoring.is_none() && fleet.is_none() {
        return;
    }
    // listing snapshots is a read the window repeats; it is not a job to monitor
    if matches!(
        spec.kind,
        JobKind::Snapshots { .. }
            | JobKind::Ls { .. }
            | JobKind::Find { .. }
            | JobKind::Diff { .. }
            | JobKind::Stats
            | JobKind::Keys
            | JobKind::TestEmail { .. }
    ) {
        return;
    }
    use super::health::Outlier;
    use crate::monitor::{ExecState, Heuristics, Report};
    let outliers = OUTLIERS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let backup = result
        .as_ref()
        .ok()
        .and_then(|o| o.result.backup())
        .cloned();
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
        warnings: stream::warning_count(),
        sub_min_size,
        heuristics: Heuristics {
            too_small: outliers.contains(&Outlier::TooSmall),
            too_large: outliers.contains(&Outlier::TooLarge),
            too_many_changed_files: outliers.contains(&Outlier::TooManyChangedFiles),
        },
        last_success,
        log_tail: {
            let mut tail = stream::log_tail();
            if let Err(e) = result {
                tail.push(redact(&format!("[error] {e}")));
            }
            tail.join("\n")
        },
    };
    if let Some(fleet) = &fleet {
        let queued = crate::fleet::queue(
            fleet,
            &crate::fleet::JobReport {
                id: spec.id.clone(),
                repo: spec.repo.name.clone(),
                action: report.action.clone(),
                ok: report.ok,
                state: report.exec_state() as u8,
                finished_at: jiff::Timestamp::now().as_second(),
                exec_seconds: report.exec_seconds,
                warnings: report.warnings as u64,
                last_success: report.last_success,
                backup: report.backup.as_ref().map(Into::into),
                log_tail: if report.ok {
                    String::new()
                } else {
                    report.log_tail.clone()
                },
            },
        );
        if let Err(e) = queued {
            warn(crate::t!(
                "job-fleet-report-unsaved",
                path = fleet.display().to_string(),
                cause = e.to_string()
            ));
        }
    }
    let Some(m) = &spec.monitoring else {
        return;
    };
    // what a backup read, as the original's `backup_type` label
    let mut m = m.clone();
    if let JobKind::Backup { request, .. } = &spec.kind {
        m.labels
            .insert("backup_type".into(), request.source.label().into());
    }
    for w in crate::monitor::job_finished(&m, &report) {
        warn(w);
    }
}

/// Takes a restic lock and registers its removal for a cancel, as one step: a cancel
/// arriving in between waits for it (else the lock, written but not yet known to the
/// clean-ups, would stay behind in the repository).
fn restic_lock(open: &engine::OpenRepo, exclusive: bool) -> Result<engine::repolock::ResticLock> {
    let _step = stream::undoable_step();
    let lock = engine::repolock::acquire(open, exclusive)?;
    on_cancel(lock.releaser());
    Ok(lock)
}

/// A job whose parent (the command, the window, the scheduler) died cancels itself as
/// on SIGTERM: nobody would read its events or its result, and a command killed alone
/// (`kill -9 PID`) would otherwise leave it running on, holding the repository.
#[cfg(unix)]
fn watch_parent() {
    // SAFETY: getppid has no preconditions.
    let parent = unsafe { libc::getppid() };
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(std::time::Duration::from_millis(250));
            // SAFETY: as above.
            if unsafe { libc::getppid() } != parent {
                tracing::info!("the job's parent process {parent} is gone: cancelling");
                // SAFETY: signalling this process; the handler above cleans up and exits.
                unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
                return;
            }
        }
    });
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
            stream::run_cleanups();
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
                stream::run_cleanups();
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

fn run(spec: &JobSpec) -> Result<Outcome> {
    let _lock = if spec.kind.lock() != super::LockKind::None {
        Some(writer_lock(spec, &spec.repo)?)
    } else {
        None
    };
    // the progress thread ends with the job, however it ends
    struct Bars(EventBars);
    impl Drop for Bars {
        fn drop(&mut self) {
            self.0.stop();
        }
    }
    let bars = Bars(EventBars::start());
    run_kind(spec, bars.0.clone())
}

fn run_kind(spec: &JobSpec, bars: EventBars) -> Result<Outcome> {
    match &spec.kind {
        // listing needs no lock (restic's `snapshots --no-lock`): a front end
        // refreshes often and must work on a repository it may only read
        JobKind::Snapshots { filter, summaries } => {
            let (open, used) = open(spec, bars)?;
            let infos: Vec<engine::SnapshotInfo> = engine::snapshots(&open, filter)?
                .iter()
                .map(|s| engine::SnapshotInfo {
                    backup: summaries.then(|| s.summary()).flatten(),
                    ..s.info()
                })
                .collect();
            Ok(Outcome::new(used, JobResult::Snapshots(infos)))
        }
        // the other quick reads: no lock either, as before they were jobs
        JobKind::Ls {
            snapshot,
            path,
            recursive,
        } => {
            let (open, used) = open(spec, bars)?;
            let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
            let entries = engine::ls(open, &snap, path, *recursive)?;
            Ok(Outcome::new(
                used,
                JobResult::Ls(result::Listing {
                    snapshot: snap.id(),
                    path: path.clone(),
                    entries,
                }),
            ))
        }
        JobKind::Find {
            pattern,
            ignore_case,
            filter,
        } => {
            let (open, used) = open(spec, bars)?;
            let how = engine::FindPattern::Glob {
                ignore_case: *ignore_case,
            };
            let hits = engine::find(open, pattern, how, filter)?;
            Ok(Outcome::new(used, JobResult::Find(hits)))
        }
        JobKind::Diff { from, to } => {
            let (open, used) = open(spec, bars)?;
            let a = engine::resolve_snapshot(&open, from, &Default::default())?;
            let b = engine::resolve_snapshot(&open, to, &Default::default())?;
            Ok(Outcome::new(
                used,
                JobResult::Diff(engine::diff(open, &a, &b)?),
            ))
        }
        // to standard output, in the caller's process: a read like ls, without a lock
        // as before it was a job (the window's previews go to a file, under one)
        JobKind::Dump {
            snapshot,
            path,
            to: None,
        } => {
            // a job process's stdout carries its events
            if !stream::in_process() {
                return Err(Error::Usage(crate::t!("job-dump-needs-a-file")));
            }
            let (open, used) = open(spec, bars)?;
            let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            engine::dump(open, &snap, path, &mut out)?;
            std::io::Write::flush(&mut out)
                .map_err(|e| Error::io(crate::t!("io-writing-to"), crate::t!("cli-stdout"), e))?;
            Ok(Outcome::new(
                used,
                JobResult::Dump(result::DumpReport { path: None }),
            ))
        }
        JobKind::Stats => {
            let (open, used) = open(spec, bars)?;
            Ok(Outcome::new(used, JobResult::Stats(engine::stats(&open)?)))
        }
        JobKind::Keys => {
            let (open, used) = open(spec, bars)?;
            Ok(Outcome::new(
                used,
                JobResult::Keys(engine::ops::keys(&open)?),
            ))
        }
        // a session reads only, for as long as a window shows it: it takes no lock,
        // which would keep prune away all that time
        JobKind::Browse => {
            let (open, used) = open(spec, bars)?;
            let report = super::browse::serve(open)?;
            Ok(Outcome::new(used, JobResult::Browse(report)))
        }
        JobKind::Unlock => {
            let (open, used) = open(spec, bars)?;
            let removed = engine::repolock::remove_stale_locks(&open)?;
            Ok(Outcome::new(used, JobResult::Unlock(removed)))
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
            Ok(Outcome {
                repository: None,
                result: JobResult::TestEmail(result::TestEmailReport { sent_to }),
            })
        }
        JobKind::Probe => Ok(Outcome {
            repository: None,
            result: JobResult::Probe(engine::probe(&spec.repo, bars)?),
        }),
        JobKind::Init {
            compression,
            chunker_from,
        } => {
            let other = match chunker_from {
                Some(t) => Some(engine::open(t, bars.clone())?),
                None => None,
            };
            let open = engine::init(&spec.repo, *compression, other.as_ref(), bars)?;
            let used = open.used(&spec.repo.name);
            Ok(Outcome::new(
                used,
                JobResult::Init(result::InitReport {
                    id: open.repository_id(),
                    version: open.format_version(),
                    compression: compression.to_string(),
                }),
            ))
        }
        kind => {
            let (open, used) = open(spec, bars)?;
            let lock = match kind.lock() {
                // readers only keep a prune away: a lock we cannot write is not fatal
                // for them, but a conflicting exclusive lock is
                super::LockKind::None => match restic_lock(&open, false) {
                    Ok(l) => Some(l),
                    Err(e @ Error::Locked(_)) => return Err(e),
                    Err(other) => {
                        warn(crate::t!("job-no-read-lock", cause = other.to_string()));
                        None
                    }
                },
                super::LockKind::Shared => Some(restic_lock(&open, false)?),
                super::LockKind::Exclusive => Some(restic_lock(&open, true)?),
            };
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
) -> Result<Outcome> {
    use engine::ops;
    match kind {
        JobKind::Backup {
            request,
            hooks,
            heuristics,
        } => {
            // a cancel merges a guest's disks back from the overlays it was put on
            if matches!(request.source, engine::BackupSource::Libvirt { .. }) {
                on_cancel(engine::libvirt::abort);
            }
            let value = backup_with_hooks(open, used, request, hooks)?;
            if let (true, Some(summary)) = (*heuristics && !request.dry_run, value.result.backup())
            {
                judge_backup(spec.repo.primary(), summary);
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
            Ok(Outcome::new(used, JobResult::Restore(summary)))
        }
        JobKind::Dump { snapshot, path, to } => {
            // to standard output, the quick read above
            let Some(to) = to else {
                return Err(Error::Usage(crate::t!("job-dump-needs-a-file")));
            };
            let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
            let path = dump_to(open, &snap, path, to)?;
            Ok(Outcome::new(
                used,
                JobResult::Dump(result::DumpReport { path: Some(path) }),
            ))
        }
        JobKind::Export {
            snapshot,
            path,
            format,
            to,
        } => {
            let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(to)
                .map_err(|e| Error::io(crate::t!("io-creating"), to, e))?;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            let summary = engine::export(open, &snap, path, *format, &mut out)?;
            Ok(Outcome::new(used, JobResult::Export(summary)))
        }
        JobKind::Mount(request) => {
            // a cancel unmounts: the folder must not stay behind, answering nothing
            on_cancel(engine::mount::unmount);
            let summary = engine::mount::serve(open, request, |s| {
                emit(&JobEvent::Progress(super::Progress {
                    phase: engine::mount::MOUNTED_PHASE.into(),
                    current: Some(s.mountpoint.clone()),
                    files_total: Some(s.snapshots),
                    ..Default::default()
                }));
            })?;
            Ok(Outcome::new(used, JobResult::Mount(summary)))
        }
        JobKind::Forget(req) => Ok(Outcome::new(
            used,
            JobResult::Forget(ops::forget(&open, req)?),
        )),
        JobKind::Prune(req) => Ok(Outcome::new(
            used,
            JobResult::Prune(ops::prune(&open, req)?),
        )),
        JobKind::Check(req) => {
            let uri = open.uri.clone();
            let summary = ops::check(open, req)?;
            let failure = ops::check_failure(&summary, &uri);
            let value = Outcome::new(used, JobResult::Check(summary));
            match failure {
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
            Ok(Outcome::new(
                used,
                JobResult::Repair(result::RepairReport {
                    repaired: *what,
                    dry_run: *dry_run,
                }),
            ))
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
            Ok(Outcome::new(
                used,
                JobResult::Housekeeping(result::HousekeepingReport {
                    check: checked,
                    forget: forgotten,
                    prune: pruned,
                }),
            ))
        }
        JobKind::KeyAdd { password } => {
            let added = ops::add_key(&open, password.expose())?;
            Ok(Outcome::new(
                used,
                JobResult::KeyAdd(result::KeyAdded { added }),
            ))
        }
        JobKind::KeyRemove { id } => {
            let removed = ops::remove_key(&open, id)?;
            Ok(Outcome::new(
                used,
                JobResult::KeyRemove(result::KeyRemoved { removed }),
            ))
        }
        JobKind::Copy { to } => {
            let _local = writer_lock(spec, to)?;
            // a destination without bandwidth limits of its own (one given by its URI)
            // keeps the job's, as restic's limits hold for every backend of the process
            let mut to = (**to).clone();
            if to.limits.is_unlimited() {
                to.limits = spec.repo.limits;
            }
            let dst = engine::open(&to, engine::NoProgress)?;
            let dst_lock = restic_lock(&dst, false)?;
            let summary = ops::copy(open, dst, &Default::default())?;
            drop(dst_lock);
            Ok(Outcome::new(used, JobResult::Copy(summary)))
        }
        JobKind::KeyPasswd { password } => {
            let old = open.key_id().unwrap_or_default();
            let new = ops::add_key(&open, password.expose())?;
            // verify: the new password must open the repository before the old key goes
            let mut with_new = spec.repo.clone();
            with_new.password = password.clone();
            with_new.uris = vec![open.location.repository.clone()];
            with_new.backend_options = open.location.options.clone();
            let reopened =
                engine::open(&with_new, engine::NoProgress).map_err(|e| Error::Engine {
                    doing: crate::t!("job-verifying-new-password"),
                    message: crate::t!(
                        "job-new-password-unverified",
                        cause = e.to_string(),
                        key = new.as_str()
                    ),
                })?;
            let removed = ops::remove_key(&reopened, &old)?;
            Ok(Outcome::new(
                used,
                JobResult::KeyPasswd(result::KeyChanged {
                    added: new,
                    removed,
                }),
            ))
        }
        JobKind::Snapshots { .. }
        | JobKind::Ls { .. }
        | JobKind::Find { .. }
        | JobKind::Diff { .. }
        | JobKind::Stats
        | JobKind::Keys
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
fn judge_backup(location: &str, summary: &engine::BackupSummary) {
    let Some(path) = super::health::history_path(location) else {
        return;
    };
    let run = super::health::Run::from(summary);
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
) -> Result<Outcome> {
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
    Ok(Outcome::new(used, JobResult::Backup(result?)))
}

/// Writes a file of `snap` to `to` (through a temporary name, so that `to` is
/// either complete or absent).
fn dump_to(
    open: engine::OpenRepo,
    snap: &engine::Snapshot,
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
    engine::open(&target, engine::NoProgress)
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
