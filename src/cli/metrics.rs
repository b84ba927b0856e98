//! `metrics`: the current state of each repository as Prometheus metrics, read
//! from the repository itself (its newest backup of this machine), for a textfile
//! collector run by cron or a monitoring check. A repository that cannot be read
//! is reported (`npbackup_exec_state` 3, `restic_backup_failure` 1), not skipped,
//! and the command still exits 0 when it could say something about every one.

use std::path::Path;

use super::{CliProgress, Context, multi};
use crate::{
    engine::{self, SnapshotFilter},
    error::{Error, Result, exit},
    jobs::plan,
    monitor::{self, ExecState, Report, metrics},
};

pub fn run(ctx: &Context, output: Option<&Path>) -> Result<i32> {
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
        let report = current(&config, name, &rc, now).unwrap_or_else(|e| {
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
            .map_err(|e| Error::io("writing the metrics", path, e))?,
        None => print!("{text}"),
    }
    Ok(exit::OK)
}

/// The newest backup of this machine in repository `name`, as a report.
fn current(
    config: &crate::config::Config,
    name: &str,
    rc: &crate::config::RepoConfig,
    now: jiff::Timestamp,
) -> Result<Report> {
    let (target, _) = plan::target(config, name, None)?;
    let open = engine::open(&target, CliProgress::Hidden)?;
    let filter = SnapshotFilter {
        hosts: vec![rc.host()],
        ..SnapshotFilter::default()
    };
    let latest = engine::snapshots(&open, &filter)?.pop();
    let Some(latest) = latest else {
        // never backed up: a failure for the dashboards
        return Ok(Report {
            action: "backup".into(),
            ok: false,
            ..Report::default()
        });
    };
    let when = latest.time.timestamp();
    let too_old = rc
        .repo
        .minimum_backup_age
        .is_some_and(|max| crate::humanize::age(when, now) > max.0);
    let backup = latest.summary.as_ref().map(|s| {
        serde_json::json!({
            "files_new": s.files_new,
            "files_changed": s.files_changed,
            "files_unmodified": s.files_unmodified,
            "total_files_processed": s.total_files_processed,
            "dirs_new": s.dirs_new,
            "dirs_changed": s.dirs_changed,
            "dirs_unmodified": s.dirs_unmodified,
            "data_added": s.data_added,
            "data_added_packed": s.data_added_packed,
            "total_bytes_processed": s.total_bytes_processed,
            "duration_seconds": s.backup_duration,
        })
    });
    Ok(Report {
        action: "backup".into(),
        ok: true,
        state: Some(if too_old {
            ExecState::Warning
        } else {
            ExecState::Ok
        }),
        backup,
        exec_seconds: latest
            .summary
            .as_ref()
            .map(|s| s.total_duration)
            .unwrap_or(0.0),
        last_success: Some(when.as_second()),
        ..Report::default()
    })
}
