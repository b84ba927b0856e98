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
use npbackup_common::{secret::mask_uri, t};
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

use crate::{
    App, Caller, WebError, browse,
    pages::{actions, snapshots::Listing},
};

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
    /// The next scheduled backup (RFC 3339), when a scheduler runs this configuration.
    pub next_backup: Option<String>,
}

/// Reads every repository's snapshot list (one job process each, side by side)
/// and judges it as the window's banner does. A repository that cannot be read
/// says why; the others are not held up by it.
pub async fn statuses(
    app: &Arc<App>,
    config: &Config,
    schedule: Option<&npbackup_core::schedule::ipc::Status>,
) -> Vec<RepoStatus> {
    let names = config.repo_names();
    let reads = names.iter().map(|name| status(app, config, name));
    let mut all = futures_util::future::join_all(reads).await;
    for r in &mut all {
        r.next_backup = schedule
            .and_then(|s| {
                s.tasks.iter().find(|t| {
                    t.repo == r.name && t.task == npbackup_core::schedule::TaskKind::Backup
                })
            })
            .and_then(|t| t.next_run)
            .map(|t| t.to_string());
    }
    all
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
    let generation = app.jobs.generation();
    let state = match app.browsing.snapshots(config, name, generation).await {
        Ok(snaps) => {
            let state = RepoState::judge(&snaps, &host, max_age, jiff::Timestamp::now());
            (state, Some(snaps.len()))
        }
        Err(problem) => (RepoState::Unavailable(problem), None),
    };
    let (state, count) = state;
    // the words of the window's banner
    let words = state.words(&host, max_age, jiff::Timestamp::now());
    let (advice, detail) = match &state {
        // the whole error, below what to do
        RepoState::Unavailable(p) => (Some(p.advice()), Some(p.detail.clone())),
        _ => (Some(words.lines.join(" ")).filter(|l| !l.is_empty()), None),
    };
    RepoStatus {
        name: name.to_string(),
        group,
        uri,
        permissions,
        state: words.word,
        headline: words.headline,
        advice,
        detail,
        last_backup: state.last_backup().map(|t| t.to_string()),
        snapshots: count,
        running_jobs: app.jobs.running(name).into_iter().map(|j| j.id).collect(),
        next_backup: None,
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
    let schedule = crate::pages::actions::scheduler(&app).await;
    let repos = statuses(&app, &config, schedule.as_ref()).await;
    Ok(ok(json!({ "repos": repos })))
}

/// `GET /api/v1/repos/{repo}/snapshots`: newest first.
pub async fn snapshots(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
) -> ApiResult {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    match app
        .browsing
        .snapshots(&config, &repo, app.jobs.generation())
        .await
    {
        Ok(snaps) => {
            let snaps: Vec<&SnapshotInfo> = snaps.iter().rev().collect();
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

/// `GET /api/v1/repos/{repo}/snapshots/{snapshot}/ls?path=…`: one folder's entries
/// (a file's own entry when `path` is a file).
pub async fn ls(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path((repo, snapshot)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<Listing>,
) -> ApiResult {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    let snapshot = crate::browse::snapshot_id(&snapshot)?.to_string();
    let path = crate::browse::snapshot_path(q.path.as_deref().unwrap_or("/"))?;
    let entries = app
        .browsing
        .ls(&config, &repo, app.jobs.generation(), &snapshot, &path)
        .await?;
    Ok(ok(json!({
        "repository": repo,
        "snapshot": snapshot,
        "path": path,
        "entries": entries,
    })))
}

/// `GET /api/v1/repos/{repo}/snapshots/{snapshot}/file?path=…`: one file's bytes.
pub async fn file(
    state: State<Arc<App>>,
    caller: Caller,
    path: Path<(String, String)>,
    axum::extract::Query(mut q): axum::extract::Query<Listing>,
) -> Result<Response, WebError> {
    q.format = Some("file".into());
    crate::pages::snapshots::download(state, caller, path, axum::extract::Query(q)).await
}

/// `GET /api/v1/repos/{repo}/find?pattern=…`: `{"hits": [FindHit…], "complete"}`,
/// newest snapshot first (at most 1,000 hits; `complete` is false when cut).
pub async fn find(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Listing>,
) -> ApiResult {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    let pattern = q.pattern.as_deref().unwrap_or("").trim();
    if pattern.is_empty() {
        return Err(WebError::bad_request(t!("browser-type-a-name")));
    }
    let (hits, cut) = app
        .browsing
        .find(&config, &repo, app.jobs.generation(), pattern)
        .await?;
    Ok(ok(
        json!({ "repository": repo, "pattern": pattern, "hits": hits, "complete": !cut }),
    ))
}

/// `GET /api/v1/repos/{repo}/history?path=…`: every snapshot's version of `path`,
/// oldest first.
pub async fn history(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Listing>,
) -> ApiResult {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    let path = browse::snapshot_path(q.path.as_deref().unwrap_or("/"))?;
    let versions = app
        .browsing
        .history(&config, &repo, app.jobs.generation(), &path)
        .await?;
    Ok(ok(
        json!({ "repository": repo, "path": path, "versions": versions }),
    ))
}

/// `GET /api/v1/repos/{repo}/diff?from=…&to=…`: what changed, path by path.
pub async fn diff(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Listing>,
) -> ApiResult {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    let (from, to) = q.compared()?;
    let changes = app
        .browsing
        .diff(&config, &repo, app.jobs.generation(), from, to)
        .await?;
    Ok(ok(
        json!({ "repository": repo, "from": from, "to": to, "changes": changes }),
    ))
}

/// The body of `POST /api/v1/repos/{repo}/restore`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreBody {
    pub snapshot: String,
    /// Paths inside the snapshot (the whole snapshot when empty).
    #[serde(default)]
    pub paths: Vec<String>,
    /// A folder on this machine to restore into; none: where they came from.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub overwrite: npbackup_engine::Overwrite,
    /// Only say what would be done (the window's review).
    #[serde(default)]
    pub dry_run: bool,
}

/// `POST /api/v1/repos/{repo}/restore` → 202 `{"job": ID}`; with `"dry_run": true`
/// the job's result says what the restore would write, replace and leave alone.
pub async fn restore(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
    body: Result<Json<RestoreBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    app.repo_for(&caller, &repo, Op::Restore)?;
    let Json(body) = body.map_err(|e| WebError::bad_request(e.body_text()))?;
    let paths = body
        .paths
        .iter()
        .map(|p| browse::snapshot_path(p).map(npbackup_engine::SnapPath::new))
        .collect::<Result<Vec<_>, _>>()?;
    let request = plan::restore_request(
        paths,
        body.target.map(std::path::PathBuf::from),
        body.overwrite,
        body.dry_run,
    );
    let id = actions::start_restore(&app, &caller, &repo, &body.snapshot, request).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "ok": true, "job": id }))).into_response())
}

/// `POST /api/v1/repos/{repo}/operations/{operation}` → 202 `{"job": ID}`:
/// `check`, `housekeeping`, `prune` or `unlock`.
pub async fn operation(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path((repo, code)): Path<(String, String)>,
) -> ApiResult {
    let id = actions::start_operation(&app, &caller, &repo, &code).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "ok": true, "job": id }))).into_response())
}

/// `GET /api/v1/schedule`: `{"scheduler": Status|null}`, the scheduler of this
/// configuration (null when none runs it).
pub async fn schedule(State(app): State<Arc<App>>, caller: Caller) -> ApiResult {
    caller.may(Op::List)?;
    let status = actions::scheduler(&app).await;
    Ok(ok(json!({ "scheduler": status })))
}

#[derive(Debug, serde::Deserialize)]
pub struct PauseBody {
    pub hours: u32,
}

/// `POST /api/v1/schedule/pause` `{"hours": N}`: scheduled runs wait N hours.
pub async fn pause(
    State(app): State<Arc<App>>,
    caller: Caller,
    body: Result<Json<PauseBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(body) = body.map_err(|e| WebError::bad_request(e.body_text()))?;
    if body.hours == 0 {
        return Err(WebError::bad_request(t!("web-pause-hours")));
    }
    let message = actions::pause(&app, &caller, body.hours).await?;
    Ok(ok(json!({ "message": message })))
}

/// `POST /api/v1/schedule/resume`
pub async fn resume(State(app): State<Arc<App>>, caller: Caller) -> ApiResult {
    let message = actions::pause(&app, &caller, 0).await?;
    Ok(ok(json!({ "message": message })))
}
