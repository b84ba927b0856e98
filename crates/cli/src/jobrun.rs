//! Runs a job for the CLI, in a job process through the worker (`run`) or, for
//! the quick reads, in this process (`run_here`): the same job code and the same
//! typed results either way. `--json-events` prints every event line as the job
//! writes it; otherwise a progress bar (on a terminal), warnings on stderr, and
//! Ctrl-C (or SIGTERM) cancels a job process cleanly.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{CliProgress, Context, output};
use crate::{
    error::{Error, Result},
    jobs::{self, Finished, JobEvent, JobOptions, JobSpec, Summary, Typed},
};

/// Runs `spec` to its end in a job process and returns its typed outcome.
pub fn run<T: Summary>(ctx: &Context, spec: JobSpec) -> Result<(Typed<T>, Vec<String>)> {
    match run_keeping_result(ctx, spec)? {
        (_, _, Some(err)) => Err(err),
        (outcome, warnings, None) => Ok((outcome, warnings)),
    }
}

/// Runs the command's own job in this process (a quick read, where a job process
/// is not worth it) and returns its typed outcome, as `run` does; `None` with
/// `--json-events`, whose event lines were the command's whole output.
pub fn run_here<T: Summary>(ctx: &Context, spec: JobSpec) -> Result<Option<Typed<T>>> {
    let typed = here(EventView::new(ctx), spec)?;
    Ok((!ctx.global.json_events).then_some(typed))
}

/// Runs a job in this process on the command's way (the scheduled check before a
/// backup, a password tried before it is stored): no event lines and no progress
/// bar, only its warnings.
pub fn run_aside<T: Summary>(ctx: &Context, spec: JobSpec) -> Result<Typed<T>> {
    let view = EventView {
        lines: false,
        json: ctx.global.json || ctx.global.json_events,
        bar: None,
    };
    here(view, spec)
}

fn here<T: Summary>(view: EventView, spec: JobSpec) -> Result<Typed<T>> {
    let finished = {
        let view = view.clone();
        jobs::child::run_here(&spec, move |event| view.show(event))
    };
    view.done();
    match outcome_of(finished)? {
        (_, _, Some(err)) => Err(err),
        (outcome, _, None) => Ok(outcome),
    }
}

/// `run`, for a job that may fail and still give a result (a check that found
/// damage): the outcome, and the failure beside it.
pub fn run_keeping_result<T: Summary>(
    ctx: &Context,
    mut spec: JobSpec,
) -> Result<(Typed<T>, Vec<String>, Option<Error>)> {
    if ctx.global.wait {
        // a week: "wait for the other job", not "hang forever" if something is wrong
        spec.wait_for_lock = Some(Duration::from_secs(7 * 24 * 3600));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io(crate::t!("io-starting-job-runtime"), "tokio", e))?;
    let opts = JobOptions {
        timeout: ctx.global.timeout.map(|t| t.0).or(spec.timeout),
        forward_stdin: matches!(
            &spec.kind,
            jobs::JobKind::Backup { request, .. } if request.source.reads_stdin()
        ),
        ..Default::default()
    };
    let view = EventView::new(ctx);
    let stop = {
        let _inside = runtime.enter();
        stop_requested()
    };
    let finished = runtime.block_on(jobs::run_to_end(
        &spec,
        &opts,
        |event| view.show(event),
        stop,
    ))?;
    view.done();
    outcome_of(finished)
}

/// Resolves when the command is asked to stop: Ctrl-C, and on Unix SIGTERM (a service
/// manager, `kill`, `timeout`). The job is then cancelled cleanly and waited for,
/// instead of living on after the command. The handlers are in place when this
/// returns (call it inside the runtime, before the job starts): a signal between the
/// job's start and the first poll would otherwise end the command the default way.
/// SIGHUP keeps its default (and `nohup`'s ignoring of it).
fn stop_requested() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        let recv = |s: Option<Signal>| async move {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        async move {
            tokio::select! {
                _ = recv(term) => {}
                _ = recv(int) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// How the command line shows a job's events as they come.
#[derive(Clone)]
struct EventView {
    /// `--json-events`: every event line, as the job writes it.
    lines: bool,
    /// `--json`: no warnings on stderr either (the document has them, `warned`).
    json: bool,
    bar: Option<ProgressBar>,
}

impl EventView {
    fn new(ctx: &Context) -> Self {
        let lines = ctx.global.json_events;
        EventView {
            lines,
            json: ctx.global.json,
            bar: match (lines, ctx.progress()) {
                (false, CliProgress::Terminal) => Some(new_bar()),
                _ => None,
            },
        }
    }

    fn show(&self, event: &JobEvent) {
        if self.lines {
            println!("{}", crate::redact::redact(&event.to_line()));
            return;
        }
        match event {
            // a mount's folder can be read: the one line its user waits for
            JobEvent::Progress(p) if p.phase == crate::engine::mount::MOUNTED_PHASE => {
                if !self.json {
                    eprintln!(
                        "{}",
                        crate::t!(
                            "cli-mounted",
                            path = p.current.clone().unwrap_or_default(),
                            n = p.files_total.unwrap_or(0)
                        )
                    );
                }
            }
            JobEvent::Progress(p) => {
                if let Some(bar) = &self.bar {
                    show_progress(bar, p);
                }
            }
            JobEvent::Warning { message } => {
                let print =
                    || eprintln!("{}", crate::t!("cli-warning", message = message.as_str()));
                match &self.bar {
                    Some(b) => b.suspend(print),
                    None if !self.json => print(),
                    None => output::warned(message),
                }
            }
            JobEvent::Log { level, message } => tracing::info!("[job {level}] {message}"),
            JobEvent::Started { pid, .. } => tracing::debug!("job process {pid} started"),
            JobEvent::Reply { .. } => {}
            JobEvent::Finished(_) => self.done(),
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A finished job's typed outcome, its warnings, and its failure (a failed job
/// may still have a result).
fn outcome_of<T: Summary>(finished: Finished) -> Result<(Typed<T>, Vec<String>, Option<Error>)> {
    let decode = |outcome: Box<jobs::Outcome>| {
        outcome.typed::<T>().map_err(|kind| {
            Error::Usage(crate::t!(
                "cli-unexpected-job-result",
                cause = kind.as_str()
            ))
        })
    };
    if !finished.ok {
        let info = finished.error.unwrap_or(jobs::ErrorInfo {
            kind: "failed".into(),
            message: crate::t!("cli-job-failed-silently"),
            exit_code: crate::error::exit::FAILED,
        });
        let err = if finished.cancelled {
            Error::Cancelled(info.message)
        } else {
            info.into()
        };
        return match finished.result.map(decode) {
            Some(Ok(outcome)) => Ok((outcome, finished.warnings, Some(err))),
            _ => Err(err),
        };
    }
    let outcome = finished.result.ok_or_else(|| {
        Error::Usage(crate::t!(
            "cli-unexpected-job-result",
            cause = crate::t!("cli-job-no-result")
        ))
    })?;
    Ok((decode(outcome)?, finished.warnings, None))
}

fn new_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(8));
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {prefix:24} [{elapsed_precise}] {wide_bar} {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

fn show_progress(bar: &ProgressBar, p: &jobs::Progress) {
    bar.set_prefix(p.phase.clone());
    let eta = p
        .eta_seconds
        .map(|s| {
            format!(
                " {}",
                crate::t!(
                    "cli-eta",
                    left = crate::humanize::span(Duration::from_secs(s))
                )
            )
        })
        .unwrap_or_default();
    match (p.bytes_total, p.files_done) {
        (Some(total), _) => {
            bar.set_length(total);
            bar.set_position(p.bytes_done);
            bar.set_message(format!(
                "{}/{} {}/s{eta}",
                output::size(p.bytes_done),
                output::size(total),
                output::size(p.rate as u64)
            ));
        }
        (None, Some(done)) => {
            bar.set_length(p.files_total.unwrap_or(0));
            bar.set_position(done);
            bar.set_message(match p.files_total {
                Some(t) => format!("{done}/{t}{eta}"),
                None => done.to_string(),
            });
        }
        (None, None) => bar.set_message(output::size(p.bytes_done)),
    }
}
