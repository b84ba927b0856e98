//! What an operator starts from the pages and the API: a restore (its review, a
//! dry run, first; then exactly the restore that review showed), maintenance
//! (check, housekeeping, prune, stale-lock removal), and pausing or resuming the
//! scheduler that runs this configuration.

use std::{path::PathBuf, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use npbackup_common::{humanize, t};
use npbackup_core::{
    config::{permissions::Op, schema::Role},
    jobs::{JobKind, plan},
    schedule::ipc::{self, Request, Status},
};
use npbackup_engine::{Overwrite, RestoreRequest, SnapPath};

use super::{esc, seg};
use crate::{App, Caller, WebError, browse};

/// Starts `request` on `snapshot` of `repo` (a review when it is a dry run).
pub async fn start_restore(
    app: &Arc<App>,
    caller: &Caller,
    repo: &str,
    snapshot: &str,
    request: RestoreRequest,
) -> Result<String, WebError> {
    let (config, _) = app.repo_for(caller, repo, Op::Restore)?;
    let snapshot = browse::snapshot_id(snapshot)?.to_string();
    if !request.target.is_absolute() {
        return Err(WebError::bad_request(t!(
            "web-restore-target-not-absolute",
            path = request.target.display().to_string()
        )));
    }
    let kind = if request.dry_run {
        "restore review"
    } else {
        "restore"
    };
    let spec = plan::job(&config, repo, JobKind::Restore { snapshot, request })?;
    let id = app.jobs.start(&spec, &caller.name).await?;
    tracing::info!(
        "{}",
        t!(
            "web-job-started",
            kind = kind,
            repo = repo,
            by = caller.name.as_str(),
            job = id.as_str()
        )
    );
    Ok(id)
}

/// The restore form of the browser: the ticked items (`item`, repeated; the
/// folder shown, `here`, when none is ticked), where to, and what to do with
/// files that exist there.
fn restore_form(body: &[u8]) -> Result<RestoreRequest, WebError> {
    let mut items = Vec::new();
    let (mut here, mut destination, mut folder, mut overwrite) =
        (None, String::new(), String::new(), Overwrite::IfChanged);
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "item" => items.push(item_path(&value)?),
            "here" => here = Some(SnapPath::new(browse::snapshot_path(&value)?)),
            "destination" => destination = value.into_owned(),
            "folder" => folder = value.trim().to_string(),
            "overwrite" => overwrite = overwrite_of(&value)?,
            _ => {}
        }
    }
    if items.is_empty() {
        items.extend(here);
    }
    let into = match destination.as_str() {
        "folder" if folder.is_empty() => {
            return Err(WebError::bad_request(t!("browser-choose-folder")));
        }
        "folder" => Some(PathBuf::from(folder)),
        _ => None,
    };
    Ok(plan::restore_request(items, into, overwrite, true))
}

/// A ticked item: a snapshot path, or `raw:` and the base64 of its exact bytes.
fn item_path(value: &str) -> Result<SnapPath, WebError> {
    match value.strip_prefix("raw:") {
        Some(raw) => {
            let path = npbackup_engine::rawpath::from_raw(raw)
                .ok_or_else(|| WebError::bad_request(t!("web-bad-path", path = value)))?;
            // the same rule as a text path: absolute, and nothing that climbs
            let climbs = path.components().any(|c| {
                !matches!(
                    c,
                    std::path::Component::RootDir | std::path::Component::Normal(_)
                )
            });
            if climbs || !path.is_absolute() {
                return Err(WebError::bad_request(t!("web-bad-path", path = value)));
            }
            Ok(SnapPath::new(path))
        }
        None => Ok(SnapPath::new(browse::snapshot_path(value)?)),
    }
}

fn overwrite_of(value: &str) -> Result<Overwrite, WebError> {
    match value {
        "if-changed" => Ok(Overwrite::IfChanged),
        "never" => Ok(Overwrite::Never),
        "always" => Ok(Overwrite::Always),
        other => Err(WebError::bad_request(t!(
            "web-bad-overwrite",
            value = other
        ))),
    }
}

/// `POST /repos/{repo}/snapshots/{snapshot}/restore`: the review of the restore
/// the form describes; its job page shows what it would do, and a button to do it.
pub async fn restore(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path((repo, snapshot)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    app.repo_for(&caller, &repo, Op::Restore)?;
    let request = restore_form(&body)?;
    let id = start_restore(&app, &caller, &repo, &snapshot, request).await?;
    Ok(Redirect::to(&format!("/jobs/{}", seg(&id))).into_response())
}

/// The restore a finished review showed, now for real.
pub async fn restore_reviewed(
    app: &Arc<App>,
    caller: &Caller,
    review_job: &str,
) -> Result<String, WebError> {
    let job = app
        .jobs
        .get(review_job)
        .ok_or_else(|| WebError::not_found(t!("web-no-such-job", job = review_job)))?;
    let Some(review) = job.review.filter(|_| job.state == "succeeded") else {
        return Err(WebError::bad_request(t!(
            "web-not-a-review",
            job = review_job
        )));
    };
    let mut request = review.request;
    request.dry_run = false;
    start_restore(app, caller, &job.repository, &review.snapshot, request).await
}

/// `POST /jobs/{id}/restore`: the restore job `id` reviewed.
pub async fn confirm_restore(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let started = restore_reviewed(&app, &caller, &id).await?;
    Ok(Redirect::to(&format!("/jobs/{}", seg(&started))).into_response())
}

/// Starts maintenance `code` (check, housekeeping, prune, unlock) on `repo`.
pub async fn start_operation(
    app: &Arc<App>,
    caller: &Caller,
    repo: &str,
    code: &str,
) -> Result<String, WebError> {
    let m = plan::Maintenance::from_code(code)
        .ok_or_else(|| WebError::not_found(t!("web-no-such-operation", operation = code)))?;
    let (config, rc) = app.repo_for(caller, repo, m.op())?;
    let spec = plan::job(&config, repo, m.job(&rc)?)?;
    let id = app.jobs.start(&spec, &caller.name).await?;
    tracing::info!(
        "{}",
        t!(
            "web-job-started",
            kind = m.code(),
            repo = repo,
            by = caller.name.as_str(),
            job = id.as_str()
        )
    );
    Ok(id)
}

/// `POST /repos/{repo}/operations/{operation}`: off to the job's page.
pub async fn operation(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path((repo, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = start_operation(&app, &caller, &repo, &code).await?;
    Ok(Redirect::to(&format!("/jobs/{}", seg(&id))).into_response())
}

/// The scheduler's state, when a scheduler runs this server's configuration
/// (`None`: none answers, or the one that answers runs another file).
pub async fn scheduler(app: &Arc<App>) -> Option<Status> {
    let reply = ask_scheduler(app, Request::Status).await.ok()?;
    let status = reply.status?;
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.canonicalize(), b.canonicalize())
    {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    same(&status.config, &app.config_path).then_some(status)
}

/// One request to the scheduler, off the async threads (the client blocks).
async fn ask_scheduler(app: &Arc<App>, request: Request) -> Result<ipc::Reply, WebError> {
    let sockets = app.scheduler_sockets.clone();
    tokio::task::spawn_blocking(move || ipc::ask_at(&sockets, &request))
        .await
        .map_err(|e| WebError::from(npbackup_common::Error::Usage(e.to_string())))?
        .map_err(WebError::from)
}

/// Pauses (`hours` > 0) or resumes the scheduler of this configuration.
pub async fn pause(app: &Arc<App>, caller: &Caller, hours: u32) -> Result<String, WebError> {
    caller.require(Role::Operator)?;
    if scheduler(app).await.is_none() {
        return Err(WebError::new(
            axum::http::StatusCode::CONFLICT,
            "unavailable",
            t!("web-no-scheduler"),
        ));
    }
    let request = if hours == 0 {
        Request::Resume
    } else {
        let until = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_hours(i64::from(
                hours.min(24 * 31),
            )))
            .map_err(|e| WebError::bad_request(e.to_string()))?;
        Request::Pause { until }
    };
    let reply = ask_scheduler(app, request).await?;
    if !reply.ok {
        return Err(WebError::new(
            axum::http::StatusCode::CONFLICT,
            "refused",
            reply.error.unwrap_or_default(),
        ));
    }
    tracing::info!(
        "{}",
        t!(
            "web-schedule-changed",
            by = caller.name.as_str(),
            hours = hours
        )
    );
    Ok(reply.message.unwrap_or_default())
}

#[derive(serde::Deserialize)]
pub struct PauseForm {
    /// 0 resumes.
    pub hours: u32,
}

/// `POST /schedule`: pause for `hours`, or resume (0); back to the dashboard.
pub async fn schedule(
    State(app): State<Arc<App>>,
    caller: Caller,
    axum::Form(form): axum::Form<PauseForm>,
) -> Result<Response, WebError> {
    pause(&app, &caller, form.hours).await?;
    Ok(Redirect::to("/").into_response())
}

/// The dashboard's scheduler card: paused or not, each task's next run, and the
/// buttons to pause or resume.
pub fn schedule_card(status: Option<&Status>, caller: &Caller) -> String {
    let Some(status) = status else {
        return format!(
            r#"<section class="card" id="schedule"><h2>{}</h2><p class="meta">{}</p></section>"#,
            esc(&t!("web-schedule")),
            esc(&t!("web-no-scheduler"))
        );
    };
    let now = jiff::Timestamp::now();
    let mut rows = String::new();
    for task in &status.tasks {
        let next = match (task.running, &task.waiting, task.next_run) {
            (true, _, _) => t!("web-job-state-running"),
            (_, Some(why), _) => why.clone(),
            (_, _, Some(at)) => humanize::upcoming(at, now),
            _ => String::new(),
        };
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&task.repo),
            esc(task.task.name()),
            esc(&task.when),
            esc(&next)
        ));
    }
    let state = match status.paused_until {
        Some(until) => t!("web-paused-until", when = humanize::upcoming(until, now)),
        None => t!("web-schedule-running"),
    };
    let buttons = if caller.role >= Role::Operator {
        let csrf = seg(caller.csrf());
        if status.paused_until.is_some() {
            format!(
                r#"<form method="post" action="/schedule?csrf={csrf}"><input type="hidden" name="hours" value="0"><button>{}</button></form>"#,
                esc(&t!("web-resume"))
            )
        } else {
            format!(
                r#"<form method="post" action="/schedule?csrf={csrf}"><select name="hours" aria-label="{label}"><option value="1">1 h</option><option value="4">4 h</option><option value="24">24 h</option><option value="168">7 d</option></select> <button>{label}</button></form>"#,
                label = esc(&t!("web-pause"))
            )
        }
    } else {
        String::new()
    };
    format!(
        r#"<section class="card" id="schedule"><h2>{title}</h2><p>{state}</p>
<table><thead><tr><th>{h_repo}</th><th>{h_task}</th><th>{h_when}</th><th>{h_next}</th></tr></thead><tbody>{rows}</tbody></table>{buttons}</section>"#,
        title = esc(&t!("web-schedule")),
        state = esc(&state),
        h_repo = esc(&t!("web-column-repository")),
        h_task = esc(&t!("web-column-kind")),
        h_when = esc(&t!("web-column-when")),
        h_next = esc(&t!("web-column-next")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_restore_form_reviews_what_is_ticked_or_the_folder_shown() {
        let r = restore_form(b"here=%2Fhome%2Fann&destination=original&overwrite=never").unwrap();
        assert_eq!(r.includes, vec![SnapPath::new("/home/ann")]);
        assert_eq!(
            (r.target, r.overwrite, r.dry_run),
            ("/".into(), Overwrite::Never, true)
        );
        let r = restore_form(
            b"here=%2Fhome%2Fann&item=%2Fhome%2Fann%2Fa.txt&item=%2Fhome%2Fann%2Fb&destination=folder&folder=%2Ftmp%2Fout",
        )
        .unwrap();
        assert_eq!(r.includes.len(), 2);
        assert_eq!(r.target, PathBuf::from("/tmp/out"));
        assert_eq!(r.base, Some(SnapPath::new("/home/ann")));
        // a climb, a folder left empty, an unknown choice
        assert!(restore_form(b"item=%2Fhome%2F..%2Fetc").is_err());
        assert!(restore_form(b"here=%2Fa&destination=folder&folder=").is_err());
        assert!(restore_form(b"here=%2Fa&overwrite=sometimes").is_err());
        // exact bytes: a name that is not UTF-8
        // "/a/l\xe9t" in base64
        let r = restore_form(b"item=raw:L2EvbOl0").unwrap();
        assert_eq!(r.includes.len(), 1);
        assert!(restore_form(b"item=raw:Li4vZXRj").is_err(), "../etc");
    }
}
