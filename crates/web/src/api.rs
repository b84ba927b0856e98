//! `/api/v1`: JSON for scripts (documented in docs/web-api.md). Every answer is
//! `{"ok": true, …}` or `{"ok": false, "error": {"kind", "message"}}` with the
//! HTTP status that fits; results are the jobs' typed results, unchanged.

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::{Stream, StreamExt, stream};
use npbackup_common::{humanize, secret::mask_uri, t};
use npbackup_core::{
    config::{Config, permissions::Op},
    jobs::{
        ErrorInfo, Finished, JobEvent, JobKind, plan,
        status::{Problem, RepoState},
    },
};
use npbackup_engine::SnapshotInfo;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::{App, Caller, WebError};

type ApiResult = Result<Response, WebError>;

fn ok(value: Value) -> Response {
    let mut doc = json!({ "ok": true });
    if let (Some(d), Value::Object(v)) = (doc.as_object_mut(), value) {
        d.extend(v);
    }
    Json(doc).into_response()
}

/// `GET /healthz`: the server is up (no authentication; says nothing else).
pub async fn healthz() -> Response {
    ok(json!({ "version": env!("CARGO_PKG_VERSION") }))
}

/// What the dashboard says of one repository.
#[derive(Debug, Clone, Serialize)]
pub struct RepoStatus {
    pub name: String,
    pub group: Option<String>,
    /// Secrets masked.
    pub uri: String,
    pub permissions: String,
    /// "up-to-date", "too-old", "never" or "unavailable".
    pub state: &'static str,
    /// What a person should read first, and what to do.
    pub headline: String,
    pub advice: Option<String>,
    /// The error as the job reported it, when the repository could not be read.
    pub detail: Option<String>,
    pub last_backup: Option<String>,
    pub snapshots: Option<usize>,
    pub running_jobs: Vec<String>,
}

/// Reads every repository's snapshot list (one job process each, side by side)
/// and judges it as the window's banner does. A repository that cannot be read
/// says why; the others are not held up by it.
pub async fn statuses(app: &Arc<App>, config: &Config) -> Vec<RepoStatus> {
    let names = config.repo_names();
    let reads = names.iter().map(|name| status(app, config, name));
    futures_util::future::join_all(reads).await
}

async fn status(app: &Arc<App>, config: &Config, name: &str) -> RepoStatus {
    let rc = config.repo(name);
    let (group, uri, permissions, host, max_age) = match &rc {
        Ok(rc) => (
            rc.group.clone(),
            mask_uri(&rc.uri),
            rc.permissions.name().to_string(),
            rc.host(),
            rc.repo.minimum_backup_age.map(|d| d.0),
        ),
        Err(_) => (None, String::new(), String::new(), String::new(), None),
    };
    let state = match list(config, name).await {
        Ok(snaps) => {
            let state = RepoState::judge(&snaps, &host, max_age, jiff::Timestamp::now());
            (state, Some(snaps.len()))
        }
        Err(problem) => (RepoState::Unavailable(problem), None),
    };
    let (state, count) = state;
    let now = jiff::Timestamp::now();
    let host_name = if host.is_empty() {
        t!("web-this-computer")
    } else {
        host.clone()
    };
    // the words of the window's banner
    let (word, headline, advice, detail) = match &state {
        RepoState::UpToDate { last } => (
            "up-to-date",
            t!("backed-up", ago = humanize::ago(*last, now)),
            None,
            None,
        ),
        RepoState::TooOld { last, max_age } => (
            "too-old",
            t!("too-old", ago = humanize::ago(*last, now)),
            Some(format!(
                "{} {}",
                t!(
                    "too-old-detail",
                    host = host_name.as_str(),
                    time = humanize::local(*last),
                    limit = humanize::period(*max_age)
                ),
                t!("back-up-to-be-safe")
            )),
            None,
        ),
        RepoState::Never | RepoState::Unknown => (
            "never",
            t!("never-backed-up"),
            Some(t!("never-backed-up-detail", host = host_name.as_str())),
            None,
        ),
        RepoState::Unavailable(p) => (
            "unavailable",
            p.headline(),
            Some(p.advice()),
            Some(p.detail.clone()),
        ),
    };
    RepoStatus {
        name: name.to_string(),
        group,
        uri,
        permissions,
        state: word,
        headline,
        advice,
        detail,
        last_backup: state.last_backup().map(|t| t.to_string()),
        snapshots: count,
        running_jobs: app.jobs.running(name).into_iter().map(|j| j.id).collect(),
    }
}

/// Repository `name`'s snapshots, oldest first, read by a job process.
pub async fn list(config: &Config, name: &str) -> Result<Vec<SnapshotInfo>, Problem> {
    let finished = run(
        config,
        name,
        JobKind::Snapshots {
            filter: Default::default(),
            summaries: false,
        },
    )
    .await;
    match finished {
        Ok(f) if f.ok => f
            .into_summary::<Vec<SnapshotInfo>>()
            .ok_or_else(|| unreadable(&t!("web-unreadable-result"))),
        Ok(f) => Err(f
            .error
            .as_ref()
            .map(Problem::from_error)
            .unwrap_or_else(|| unreadable(&t!("web-job-failed")))),
        Err(e) => Err(Problem::from_error(&ErrorInfo::from(&e))),
    }
}

fn unreadable(message: &str) -> Problem {
    Problem::from_error(&ErrorInfo {
        kind: "failed".into(),
        message: message.into(),
        exit_code: npbackup_common::error::exit::FAILED,
    })
}

/// Runs a job of `kind` on repository `name` to its end.
async fn run(config: &Config, name: &str, kind: JobKind) -> npbackup_common::Result<Finished> {
    let spec = plan::job(config, name, kind)?;
    npbackup_core::jobs::run_to_end(
        &spec,
        &Default::default(),
        |_| {},
        std::future::pending::<()>(),
    )
    .await
}

/// `GET /api/v1/repos`
pub async fn repos(State(app): State<Arc<App>>, caller: Caller) -> ApiResult {
    caller.may(Op::List)?;
    let config = app.config()?;
    let repos = statuses(&app, &config).await;
    Ok(ok(json!({ "repos": repos })))
}

/// `GET /api/v1/repos/{repo}/snapshots`: newest first.
pub async fn snapshots(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
) -> ApiResult {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    match list(&config, &repo).await {
        Ok(mut snaps) => {
            snaps.reverse();
            Ok(ok(json!({ "repository": repo, "snapshots": snaps })))
        }
        Err(p) => Err(WebError::new(
            StatusCode::BAD_GATEWAY,
            "unavailable",
            format!("{}: {}", p.headline(), p.detail),
        )),
    }
}

/// Starts a backup of `repo` as configured; the job's id.
pub async fn start_backup(app: &Arc<App>, caller: &Caller, repo: &str) -> Result<String, WebError> {
    let (config, rc) = app.repo_for(caller, repo, Op::Backup)?;
    let kind = plan::backup_job(&config, &rc)?;
    let spec = plan::job(&config, repo, kind)?;
    let id = app.jobs.start(&spec, &caller.name).await?;
    tracing::info!(
        "{}",
        t!(
            "web-job-started",
            kind = "backup",
            repo = repo,
            by = caller.name.as_str(),
            job = id.as_str()
        )
    );
    Ok(id)
}

/// `POST /api/v1/repos/{repo}/backup` → 202 `{"job": ID}`
pub async fn backup(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
) -> ApiResult {
    let id = start_backup(&app, &caller, &repo).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "ok": true, "job": id }))).into_response())
}

/// `GET /api/v1/jobs`: newest first.
pub async fn jobs(State(app): State<Arc<App>>, caller: Caller) -> ApiResult {
    caller.may(Op::List)?;
    Ok(ok(json!({ "jobs": app.jobs.list() })))
}

/// `GET /api/v1/jobs/{id}`: its state, last progress and typed result.
pub async fn job(State(app): State<Arc<App>>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    caller.may(Op::List)?;
    let job = app
        .jobs
        .get(&id)
        .ok_or_else(|| WebError::not_found(t!("web-no-such-job", job = id.as_str())))?;
    Ok(ok(json!({ "job": job })))
}

/// `POST /api/v1/jobs/{id}/cancel`
pub async fn cancel(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(npbackup_core::config::schema::Role::Operator)?;
    if !app.jobs.cancel(&id) {
        return Err(WebError::not_found(t!(
            "web-no-such-job",
            job = id.as_str()
        )));
    }
    Ok((StatusCode::ACCEPTED, Json(json!({ "ok": true, "job": id }))).into_response())
}

/// `GET /api/v1/jobs/{id}/events`: Server-Sent Events, each the job event as
/// `--json-events` prints it (event name = its `event`); what the job said
/// before the request comes first, and the stream ends after `finished`.
pub async fn events(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, WebError> {
    caller.may(Op::List)?;
    let following = app
        .jobs
        .follow(&id)
        .ok_or_else(|| WebError::not_found(t!("web-no-such-job", job = id.as_str())))?;
    let before = stream::iter(following.before);
    let after = stream::unfold(following.after, |rx| async move {
        let mut rx = rx?;
        loop {
            match rx.recv().await {
                Ok(ev) => {
                    let last = matches!(ev, JobEvent::Finished(_));
                    return Some((ev, if last { None } else { Some(rx) }));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let events = before.chain(after).map(|ev| Ok(sse(&ev)));
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn sse(ev: &JobEvent) -> Event {
    let data = serde_json::to_string(ev).unwrap_or_else(|_| "{}".into());
    let name = match ev {
        JobEvent::Started { .. } => "started",
        JobEvent::Progress(_) => "progress",
        JobEvent::Log { .. } => "log",
        JobEvent::Warning { .. } => "warning",
        JobEvent::Reply { .. } => "reply",
        JobEvent::Finished(_) => "finished",
    };
    Event::default().event(name).data(data)
}
