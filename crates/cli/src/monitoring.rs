//! The monitoring commands. `metrics`: the current state of each repository as
//! Prometheus metrics, read from the repository itself (its newest backup of this
//! machine), for a textfile collector run by cron or a monitoring check; a
//! repository that cannot be read is reported (`npbackup_exec_state` 3,
//! `restic_backup_failure` 1), not skipped. `send-test-email`, and the
//! `backup-too-old` event of `has-recent-snapshot --notify`.

use std::path::Path;

use super::{Context, multi};
use crate::{
    engine::{SnapshotFilter, SnapshotInfo},
    error::{Error, Result, exit},
    jobs::{JobKind, JobSpec, plan, result::TestEmailReport},
    monitor::{self, Event, ExecState, Monitoring, Report, metrics},
};

/// The marker that says "too old" was told for `location` (so a check run every
/// minute tells it once per episode, not once per minute).
fn too_old_marker(location: &str) -> Option<std::path::PathBuf> {
    let dirs = directories::ProjectDirs::from(
        crate::customization::QUALIFIER,
        crate::customization::COMPANY,
        crate::customization::SHORT_NAME,
    )?;
    Some(dirs.data_local_dir().join("notified").join(format!(
        "{:016x}.too-old",
        crate::jobs::location_hash(location)
    )))
}

/// The repository is recent again: the next time it is too old will be told.
pub fn too_old_resolved(location: &str) {
    if let Some(m) = too_old_marker(location) {
        let _ = std::fs::remove_file(m);
    }
}

/// Tells the webhooks and mail recipients of `rc` that its last backup is too old,
/// once until it is recent again (problems are printed as warnings: the answer of
/// the command stands).
pub fn tell_too_old(rc: &crate::config::RepoConfig, location: &str, message: &str) {
    let marker = too_old_marker(location);
    if let Some(m) = marker.as_ref().filter(|m| m.exists()) {
        tracing::info!(
            "`{}` is still too old; it was told already ({})",
            rc.name,
            m.display()
        );
        return;
    }
    let m = match Monitoring::from_config(rc) {
        Ok(Some(m)) => m,
        Ok(None) => return,
        Err(e) => {
            eprintln!(
                "{}",
                crate::t!(
                    "cli-warning",
                    message = crate::t!("cli-cannot-notify", cause = e.to_string())
                )
            );
            return;
        }
    };
    let mut labels = m.labels.clone();
    labels.insert("action".into(), "backup".into());
    let report = Report {
        action: "backup".into(),
        ok: false,
        state: Some(ExecState::Warning),
        ..Report::default()
    };
    let warnings = monitor::tell(&m, Event::BackupTooOld, &labels, &report, message);
    for w in &warnings {
        eprintln!("{}", crate::t!("cli-warning", message = w.as_str()));
    }
    // told (or nobody to tell): remember it; a failed delivery is tried again next time
    if warnings.is_empty()
        && let Some(marker) = marker
    {
        let written = marker
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|()| std::fs::write(&marker, jiff::Timestamp::now().to_string()));
        if let Err(e) = written {
            eprintln!(
                "{}",
                crate::t!(
                    "cli-warning",
                    message = crate::t!(
                        "cli-notice-not-recorded",
                        path = marker.display().to_string(),
                        cause = e.to_string()
                    )
                )
            );
        }
    }
}

/// Sends a test mail with the repository's mail settings (a job, as the window's).
pub fn send_test_email(ctx: &Context, to: &[String]) -> Result<i32> {
    let (target, rc) = ctx.target()?;
    let rc = rc.ok_or_else(|| Error::Usage(crate::t!("cli-test-email-needs-config")))?;
    let spec = plan::with_repo_settings(
        JobSpec::new(target, JobKind::TestEmail { to: to.to_vec() }),
        Some(&rc),
    )?;
    let Some(outcome) = super::jobrun::run_here::<TestEmailReport>(ctx, spec)? else {
        return Ok(exit::OK);
    };
    let recipients = outcome.summary.sent_to;
    if ctx.global.json {
        super::output::print_json(
            "send-test-email",
            None,
            &TestEmailReport {
                sent_to: recipients,
            },
        );
    } else {
        println!(
            "{}",
            crate::t!("cli-test-email-sent", to = recipients.join(", "))
        );
    }
    Ok(exit::OK)
}

pub fn metrics(ctx: &Context, output: Option<&Path>) -> Result<i32> {
    let config = ctx.config()?;
    let names = match multi::selection(ctx)? {
        Some(names) => names,
        None => match &ctx.global.repo_name {
            Some(one) => vec![one.clone()],
            None => config.repo_names(),
        },
    };
    let now = jiff::Timestamp::now();
    let mut samples = Vec::new();
    for name in &names {
        let rc = config.repo(name)?;
        let mut labels = monitor::labels(&rc);
        labels.insert("action".into(), "backup".into());
        let report = current(ctx, &config, name, &rc, now).unwrap_or_else(|e| {
            tracing::warn!("{name}: {e}");
            Report {
                action: "backup".into(),
                ok: false,
                state: Some(ExecState::Critical),
                log_tail: e.to_string(),
                ..Report::default()
            }
        });
        samples.extend(metrics::samples(&labels, &report, now.as_second()));
    }
    let text = metrics::encode(&samples);
    match output {
        Some(path) => monitor::push::write_textfile(path, &text)
            .map_err(|e| Error::io(crate::t!("io-writing-metrics"), path, e))?,
        None => print!("{text}"),
    }
    Ok(exit::OK)
}

/// The newest backup of this machine in repository `name`, as a report.
fn current(
    ctx: &Context,
    config: &crate::config::Config,
    name: &str,
    rc: &crate::config::RepoConfig,
    now: jiff::Timestamp,
) -> Result<Report> {
    let (target, _) = plan::target(config, name, None)?;
    let list = JobKind::Snapshots {
        filter: SnapshotFilter {
            hosts: vec![rc.host()],
            ..SnapshotFilter::default()
        },
        summaries: true,
    };
    let outcome = super::jobrun::run_aside::<Vec<SnapshotInfo>>(ctx, JobSpec::new(target, list))?;
    let latest = outcome.summary.into_iter().next_back();
    let Some(latest) = latest else {
        // never backed up: a failure for the dashboards
        return Ok(Report {
            action: "backup".into(),
            ok: false,
            ..Report::default()
        });
    };
    let when = latest
        .time
        .parse::<jiff::Timestamp>()
        .map_err(|e| Error::Usage(crate::t!("cli-bad-snapshot-time", cause = e.to_string())))?;
    let too_old = rc
        .repo
        .minimum_backup_age
        .is_some_and(|max| crate::humanize::age(when, now) > max.0);
    let backup = latest.backup;
    let exec_seconds = backup.as_ref().map_or(0.0, |b| b.duration_seconds);
    Ok(Report {
        action: "backup".into(),
        ok: true,
        state: Some(if too_old {
            ExecState::Warning
        } else {
            ExecState::Ok
        }),
        backup,
        exec_seconds,
        last_success: Some(when.as_second()),
        ..Report::default()
    })
}
