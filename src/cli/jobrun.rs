//! Runs a job through the worker for the CLI: `--json-events` prints every event
//! line as the job writes it; otherwise a progress bar (on a terminal), warnings
//! on stderr, and Ctrl-C cancels the job cleanly.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::de::DeserializeOwned;

use super::{CliProgress, Context, output};
use crate::{
    error::{Error, Result},
    jobs::{self, JobEvent, JobOptions, JobSpec, child::Outcome},
};

/// Runs `spec` to its end and returns its typed outcome.
pub fn run<T: DeserializeOwned>(ctx: &Context, spec: JobSpec) -> Result<(Outcome<T>, Vec<String>)> {
    match run_keeping_result(ctx, spec)? {
        (_, _, Some(err)) => Err(err),
        (outcome, warnings, None) => Ok((outcome, warnings)),
    }
}

/// `run`, for a job that may fail and still give a result (a check that found
/// damage): the outcome, and the failure beside it.
pub fn run_keeping_result<T: DeserializeOwned>(
    ctx: &Context,
    mut spec: JobSpec,
) -> Result<(Outcome<T>, Vec<String>, Option<Error>)> {
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
            jobs::JobKind::Backup { request, .. } if matches!(request.source, crate::engine::BackupSource::Stdin { .. })
        ),
        ..Default::default()
    };
    let events_mode = ctx.global.json_events;
    let bar = match (events_mode, ctx.progress()) {
        (false, CliProgress::Terminal) => Some(new_bar()),
        _ => None,
    };
    let finished = runtime.block_on(jobs::run_to_end(
        &spec,
        &opts,
        |event| {
            if events_mode {
                println!("{}", event.to_line());
                return;
            }
            match event {
                JobEvent::Progress(p) => {
                    if let Some(bar) = &bar {
                        show_progress(bar, p);
                    }
                }
                JobEvent::Warning { message } => {
                    let print =
                        || eprintln!("{}", crate::t!("cli-warning", message = message.as_str()));
                    match &bar {
                        Some(b) => b.suspend(print),
                        None if !ctx.global.json => print(),
                        None => {}
                    }
                }
                JobEvent::Log { level, message } => tracing::info!("[job {level}] {message}"),
                JobEvent::Started { pid, .. } => tracing::debug!("job process {pid} started"),
                JobEvent::Reply { .. } => {}
                JobEvent::Finished(_) => {
                    if let Some(bar) = &bar {
                        bar.finish_and_clear();
                    }
                }
            }
        },
        async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        },
    ))?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let decode = |value: serde_json::Value| {
        serde_json::from_value(value).map_err(|e| {
            Error::Usage(crate::t!(
                "cli-unexpected-job-result",
                cause = e.to_string()
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
    let outcome = decode(finished.result.unwrap_or(serde_json::Value::Null))?;
    Ok((outcome, finished.warnings, None))
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
