//! The job worker: starts a job process, feeds it its spec, turns its stdout into
//! `JobEvent`s broadcast to every listener, and cancels it (SIGTERM, then SIGKILL
//! after a grace period) on request or timeout. A process that dies without a
//! `finished` event is reported as failed with the end of its stderr.

use std::{path::PathBuf, process::Stdio, time::Duration};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    process::Command,
    sync::{broadcast, watch},
};

use super::{ErrorInfo, Finished, JobEvent, JobKind, JobSpec};
use crate::error::{Error, Result, exit};

/// How a job is run.
#[derive(Debug, Clone)]
pub struct JobOptions {
    /// The executable holding the hidden `__job` command (default: this one).
    pub program: Option<PathBuf>,
    /// Cancel the job when it runs longer than this.
    pub timeout: Option<Duration>,
    /// How long a cancelled job may take to clean up before it is killed.
    pub grace: Duration,
    /// Pass this process's stdin on to the job (after its spec), for `backup --stdin`.
    pub forward_stdin: bool,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            program: None,
            timeout: None,
            grace: Duration::from_secs(15),
            forward_stdin: false,
        }
    }
}

/// A job that is running.
pub struct RunningJob {
    /// Events from the start (subscribed before the process was spawned).
    pub events: broadcast::Receiver<JobEvent>,
    sender: broadcast::Sender<JobEvent>,
    cancel: watch::Sender<bool>,
    done: tokio::task::JoinHandle<Finished>,
}

impl RunningJob {
    /// Another listener, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.sender.subscribe()
    }

    /// A handle that cancels the job from anywhere.
    pub fn canceller(&self) -> Canceller {
        Canceller(self.cancel.clone())
    }

    /// Hands each event to `on_event` (the `finished` one last) until the job
    /// ends; its end. A listener that falls behind skips what it missed.
    pub async fn follow(mut self, mut on_event: impl FnMut(JobEvent)) -> Finished {
        loop {
            match self.events.recv().await {
                Ok(ev) => {
                    let last = matches!(ev, JobEvent::Finished(_));
                    on_event(ev);
                    if last {
                        break;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
        self.wait().await
    }

    /// Waits for the end.
    pub async fn wait(self) -> Finished {
        match self.done.await {
            Ok(f) => f,
            Err(e) => failed(
                crate::t!("job-watcher-stopped", cause = e.to_string()),
                false,
            ),
        }
    }
}

/// Cancels a running job.
#[derive(Clone)]
pub struct Canceller(watch::Sender<bool>);

impl Canceller {
    pub fn cancel(&self) {
        let _ = self.0.send(true);
    }
}

/// After a job died without a word (`kill -9`, the OOM killer, a crash): its restic
/// lock is still in the repository, stale since its process is gone. Removes it now
/// with an `unlock` job (stale locks only, as the job's next run would), so that
/// restic, or another machine, is not kept out until then. Best effort, within two
/// minutes; its events are not wanted.
async fn remove_stale_locks(spec: &JobSpec, program: &std::path::Path) {
    let Ok(input) = spec_line(spec) else {
        return;
    };
    let run = async {
        let mut child = job_process(program)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut stdin = child.stdin.take()?;
        stdin.write_all(&input).await.ok()?;
        drop(stdin);
        child.wait().await.ok()
    };
    match tokio::time::timeout(Duration::from_secs(120), run).await {
        Ok(Some(status)) if status.success() => {
            tracing::info!("removed the stale lock of a job that died")
        }
        _ => tracing::info!("could not remove the stale lock of a job that died"),
    }
}

/// The job's spec as the first line of its input.
fn spec_line(spec: &JobSpec) -> Result<Vec<u8>> {
    let mut input = serde_json::to_vec(spec)
        .map_err(|e| Error::Usage(crate::t!("job-cannot-encode-job", cause = e.to_string())))?;
    input.push(b'\n');
    Ok(input)
}

/// A job process of `program`, its spec to come on stdin, killed if dropped; it speaks
/// the language of the window or command line that asked for it.
fn job_process(program: &std::path::Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.arg("__job")
        .env(crate::i18n::LOCALE_ENV, crate::i18n::current().code())
        .stdin(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

fn failed(message: String, cancelled: bool) -> Finished {
    let (kind, exit_code) = if cancelled {
        ("cancelled", exit::INTERRUPTED)
    } else {
        ("failed", exit::FAILED)
    };
    Finished {
        ok: false,
        cancelled,
        schema: super::SCHEMA,
        result: None,
        error: Some(ErrorInfo {
            kind: kind.into(),
            message,
            exit_code,
        }),
        warnings: Vec::new(),
        duration_seconds: 0.0,
    }
}

/// This program's path, to start jobs with. When the file was replaced while we
/// run (a package upgrade under a long-running scheduler or window), Linux names
/// the old one "PATH (deleted)"; PATH itself then holds the new program, which
/// is the one to start.
pub fn this_program() -> Result<PathBuf> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::io(crate::t!("io-finding-program"), "current_exe", e))?;
    match exe.to_str().and_then(|s| s.strip_suffix(" (deleted)")) {
        Some(path) => Ok(PathBuf::from(path)),
        None => Ok(exe),
    }
}

/// Starts `spec` in a job process.
pub async fn start(spec: &JobSpec, opts: &JobOptions) -> Result<RunningJob> {
    Ok(launch(spec, opts, false).await?.0)
}

/// Where the requests of a browsing session go (its stdin); dropping it ends the session.
pub struct SessionInput(tokio::process::ChildStdin);

impl SessionInput {
    pub async fn send(&mut self, request: &super::BrowseRequest) -> Result<()> {
        let mut line = serde_json::to_vec(request).map_err(|e| {
            Error::Usage(crate::t!(
                "job-cannot-encode-request",
                cause = e.to_string()
            ))
        })?;
        line.push(b'\n');
        self.0.write_all(&line).await.map_err(|e| {
            Error::io(
                crate::t!("io-sending-request"),
                crate::t!("job-the-browsing-session"),
                e,
            )
        })
    }
}

/// Starts a browsing session (`JobKind::Browse`): a job that answers requests
/// until its input is dropped.
pub async fn start_session(
    spec: &JobSpec,
    opts: &JobOptions,
) -> Result<(RunningJob, SessionInput)> {
    let (job, stdin) = launch(spec, opts, true).await?;
    let stdin = stdin.ok_or_else(|| Error::Usage(crate::t!("job-session-no-input")))?;
    Ok((job, SessionInput(stdin)))
}

async fn launch(
    spec: &JobSpec,
    opts: &JobOptions,
    keep_stdin: bool,
) -> Result<(RunningJob, Option<tokio::process::ChildStdin>)> {
    let program = match &opts.program {
        Some(p) => p.clone(),
        None => this_program()?,
    };
    let input = spec_line(spec)?;
    let (sender, events) = broadcast::channel(1024);
    let (cancel, mut cancelled) = watch::channel(false);

    let mut child = job_process(&program)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io(crate::t!("io-starting-job"), &program, e))?;
    let no_pipe = || Error::Usage(crate::t!("job-no-pipe"));
    let mut stdin = child.stdin.take().ok_or_else(no_pipe)?;
    let stdout = child.stdout.take().ok_or_else(no_pipe)?;
    let mut stderr = child.stderr.take().ok_or_else(no_pipe)?;
    stdin
        .write_all(&input)
        .await
        .map_err(|e| Error::io(crate::t!("io-sending-job"), &program, e))?;
    let kept = if keep_stdin {
        Some(stdin)
    } else if opts.forward_stdin {
        tokio::spawn(async move {
            let _ = tokio::io::copy(&mut tokio::io::stdin(), &mut stdin).await;
            let _ = stdin.shutdown().await;
        });
        None
    } else {
        drop(stdin);
        None
    };

    let tx = sender.clone();
    let timeout = opts.timeout;
    let grace = opts.grace;
    // what removes the repository locks of a job that dies without cleaning up (every
    // job that opens a repository locks it, readers too; a copy its target as well)
    let unlock: Vec<JobSpec> = match &spec.kind {
        JobKind::Unlock | JobKind::TestEmail { .. } | JobKind::Init { .. } => Vec::new(),
        JobKind::Copy { to } => vec![
            JobSpec::new(spec.repo.clone(), JobKind::Unlock),
            JobSpec::new((**to).clone(), JobKind::Unlock),
        ],
        _ => vec![JobSpec::new(spec.repo.clone(), JobKind::Unlock)],
    };
    let unlock_with = program.clone();
    let done = tokio::spawn(async move {
        let stderr_task = tokio::spawn(async move {
            let mut buf = Vec::new();
            let _ = stderr.read_to_end(&mut buf).await;
            buf
        });
        let mut lines = BufReader::new(stdout).lines();
        let mut finished: Option<Finished> = None;
        let mut cancel_reason: Option<CancelReason> = None;
        let deadline = async {
            match timeout {
                Some(t) => tokio::time::sleep(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                line = lines.next_line() => match line {
                    Ok(Some(line)) => match serde_json::from_str::<JobEvent>(&line) {
                        Ok(JobEvent::Finished(f)) => {
                            finished = Some(f.clone());
                            let _ = tx.send(JobEvent::Finished(f));
                        }
                        Ok(event) => { let _ = tx.send(event); }
                        Err(_) => { let _ = tx.send(JobEvent::Log { level: "info".into(), message: line }); }
                    },
                    Ok(None) | Err(_) => break,
                },
                _ = cancelled.changed(), if cancel_reason.is_none() => {
                    cancel_reason = Some(CancelReason::Asked);
                    terminate(&mut child);
                }
                _ = &mut deadline, if cancel_reason.is_none() => {
                    cancel_reason = Some(CancelReason::TimedOut(timeout.unwrap_or_default()));
                    terminate(&mut child);
                }
            }
        }
        // stdout closed: the process is ending; give it the grace period, then kill.
        let status = match tokio::time::timeout(grace, child.wait()).await {
            Ok(s) => s.ok(),
            Err(_) => {
                let _ = child.kill().await;
                child.wait().await.ok()
            }
        };
        let stderr = stderr_task.await.unwrap_or_default();
        let mut result = match finished {
            Some(f) => f,
            None => {
                let tail: String = String::from_utf8_lossy(&stderr)
                    .lines()
                    .rev()
                    .take(20)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                let how = status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| crate::t!("job-unknown-status"));
                let f = match &cancel_reason {
                    Some(r) => failed(r.message(), true),
                    None if tail.is_empty() => failed(crate::t!("job-no-result", how = how), false),
                    None => failed(
                        crate::t!(
                            "job-no-result-stderr",
                            how = how,
                            stderr = crate::redact::redact(&tail)
                        ),
                        false,
                    ),
                };
                for spec in &unlock {
                    remove_stale_locks(spec, &unlock_with).await;
                }
                let _ = tx.send(JobEvent::Finished(f.clone()));
                f
            }
        };
        if let Some(reason) = cancel_reason.filter(|r| matches!(r, CancelReason::TimedOut(_)))
            && let Some(e) = result.error.as_mut()
        {
            e.message = reason.message();
        }
        result
    });
    Ok((
        RunningJob {
            events,
            sender,
            cancel,
            done,
        },
        kept,
    ))
}

/// Why the worker stopped a job.
enum CancelReason {
    /// Someone asked (a click, Ctrl-C, the scheduler).
    Asked,
    /// It ran longer than its time limit.
    TimedOut(Duration),
}

impl CancelReason {
    fn message(&self) -> String {
        match self {
            CancelReason::Asked => crate::t!("job-was-cancelled"),
            CancelReason::TimedOut(limit) => {
                crate::t!("job-timed-out", limit = crate::humanize::span(*limit))
            }
        }
    }
}

/// Asks the job process to stop (SIGTERM); it cleans up and reports `cancelled`.
#[cfg(unix)]
fn terminate(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        // SAFETY: sending SIGTERM to our own child process.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGTERM);
        }
    }
}

/// Asks the job process to stop by setting its cancel event (Windows has no
/// SIGTERM); it cleans up and reports `cancelled`. A process that has no event
/// (it failed to make it, or has not made it yet) is ended at once.
#[cfg(windows)]
fn terminate(child: &mut tokio::process::Child) {
    use windows_sys::Win32::{
        Foundation::CloseHandle,
        System::Threading::{EVENT_MODIFY_STATE, OpenEventW, SetEvent},
    };
    let Some(pid) = child.id() else { return };
    let name: Vec<u16> = super::cancel_event_name(pid)
        .encode_utf16()
        .chain([0])
        .collect();
    // SAFETY: opening a named event by a NUL-terminated name; the handle is closed below.
    let event = unsafe { OpenEventW(EVENT_MODIFY_STATE, 0, name.as_ptr()) };
    if event.is_null() {
        let _ = child.start_kill();
        return;
    }
    // SAFETY: `event` is the open handle from OpenEventW.
    unsafe {
        SetEvent(event);
        CloseHandle(event);
    }
}

/// Runs a job to its end, calling `on_event` for each event; `cancel_on` resolving
/// cancels it (e.g. Ctrl-C).
pub async fn run_to_end(
    spec: &JobSpec,
    opts: &JobOptions,
    mut on_event: impl FnMut(&JobEvent),
    cancel_on: impl std::future::Future<Output = ()>,
) -> Result<Finished> {
    let job = start(spec, opts).await?;
    let canceller = job.canceller();
    let follow = job.follow(|ev| on_event(&ev));
    tokio::pin!(follow);
    tokio::pin!(cancel_on);
    let mut cancel_sent = false;
    loop {
        tokio::select! {
            finished = &mut follow => return Ok(finished),
            _ = &mut cancel_on, if !cancel_sent => {
                cancel_sent = true;
                canceller.cancel();
            }
        }
    }
}
