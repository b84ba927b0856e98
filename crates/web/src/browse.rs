//! Reading snapshots for the pages and the API: the snapshot lists (kept until a
//! job of this server finishes, or for a minute), one browsing session per
//! repository (a `JobKind::Browse` job process that keeps the repository open,
//! so that a click into a folder does not open it again), and the paths people
//! ask for, checked before any job sees them.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use npbackup_common::t;
use npbackup_core::{
    config::Config,
    jobs::{
        self, BrowseOp, BrowseRequest, ErrorInfo, JobEvent, JobKind, plan, result::BrowseResult,
        status::Problem,
    },
};
use npbackup_engine::{DiffEntry, Entry, FindHit, SnapshotInfo, Version};
use tokio::sync::{broadcast, oneshot};

use crate::{WebError, api};

/// A snapshot list is read again after this long, or when a job ends.
const LIST_FRESH: Duration = Duration::from_secs(60);
/// A browsing session nobody used for this long ends.
const SESSION_IDLE: Duration = Duration::from_secs(5 * 60);
/// How long one answer of a browsing session may take.
const ANSWER: Duration = Duration::from_secs(120);
/// The most hits a search keeps (a page cannot show more anyway).
pub const MAX_HITS: usize = 1000;

/// A path inside a snapshot, as asked for: absolute, without `.` or `..`
/// segments (a snapshot path cannot climb out of its tree, and a request that
/// tries is refused, not resolved), without NUL.
pub fn snapshot_path(path: &str) -> Result<String, WebError> {
    let refuse = || WebError::bad_request(t!("web-bad-path", path = path));
    if path.contains('\0') {
        return Err(refuse());
    }
    let mut out = String::new();
    for seg in path.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Err(refuse()),
            s => {
                out.push('/');
                out.push_str(s);
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    Ok(out)
}

/// A snapshot id as asked for: hex (a prefix) or `latest`.
pub fn snapshot_id(id: &str) -> Result<&str, WebError> {
    if id == "latest"
        || (!id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        Ok(id)
    } else {
        Err(WebError::bad_request(t!("web-bad-snapshot-id", id = id)))
    }
}

/// The folder the snapshot's backed-up paths share ("/" when they share none).
pub fn common_folder(paths: &[String]) -> String {
    let mut parts: Option<Vec<&str>> = None;
    for p in paths {
        let segs: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
        parts = Some(match parts {
            None => segs,
            Some(prev) => prev
                .iter()
                .zip(segs.iter())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    match parts {
        Some(p) if !p.is_empty() => format!("/{}", p.join("/")),
        _ => "/".into(),
    }
}

struct Listed {
    at: Instant,
    generation: u64,
    snapshots: Arc<Vec<SnapshotInfo>>,
}

/// Snapshot lists and browsing sessions, per repository.
#[derive(Default)]
pub struct Browsing {
    lists: Mutex<HashMap<String, Listed>>,
    sessions: Arc<Mutex<HashMap<String, Arc<Session>>>>,
    /// The task that ends idle sessions runs.
    reaping: AtomicBool,
}

impl Browsing {
    /// `repo`'s snapshots, oldest first; `generation` changes when a job ended
    /// (the list is then read again).
    pub async fn snapshots(
        &self,
        config: &Config,
        repo: &str,
        generation: u64,
    ) -> Result<Arc<Vec<SnapshotInfo>>, Problem> {
        if let Some(l) = lock(&self.lists).get(repo)
            && l.generation == generation
            && l.at.elapsed() < LIST_FRESH
        {
            return Ok(l.snapshots.clone());
        }
        let snapshots = Arc::new(api::list(config, repo).await?);
        lock(&self.lists).insert(
            repo.to_string(),
            Listed {
                at: Instant::now(),
                generation,
                snapshots: snapshots.clone(),
            },
        );
        Ok(snapshots)
    }

    /// The entries of folder `path` of `snapshot`.
    pub async fn ls(
        &self,
        config: &Arc<Config>,
        repo: &str,
        generation: u64,
        snapshot: &str,
        path: &str,
    ) -> Result<Vec<Entry>, WebError> {
        let op = BrowseOp::Ls {
            snapshot: snapshot.to_string(),
            path: path.to_string(),
        };
        match self.ask(config, repo, generation, op).await?.0 {
            BrowseResult::Entries(entries) => Ok(entries),
            _ => Err(unreadable()),
        }
    }

    /// The names matching `pattern` (restic's glob, or a part of a name) in every
    /// snapshot, newest snapshot first; at most `MAX_HITS` of them, and whether the
    /// search stopped before the end (a newer search on the same repository, or
    /// too many hits).
    pub async fn find(
        &self,
        config: &Arc<Config>,
        repo: &str,
        generation: u64,
        pattern: &str,
    ) -> Result<(Vec<FindHit>, bool), WebError> {
        let op = BrowseOp::Find {
            pattern: pattern.to_string(),
            snapshots: Vec::new(),
        };
        match self.ask(config, repo, generation, op).await? {
            (BrowseResult::FindDone(done), found) => {
                let cut = found.len() >= MAX_HITS;
                Ok((found, done.stopped || cut))
            }
            _ => Err(unreadable()),
        }
    }

    /// Every snapshot's version of `path`.
    pub async fn history(
        &self,
        config: &Arc<Config>,
        repo: &str,
        generation: u64,
        path: &str,
    ) -> Result<Vec<Version>, WebError> {
        let op = BrowseOp::History {
            path: path.to_string(),
        };
        match self.ask(config, repo, generation, op).await?.0 {
            BrowseResult::History(versions) => Ok(versions),
            _ => Err(unreadable()),
        }
    }

    /// What changed from snapshot `from` to `to`.
    pub async fn diff(
        &self,
        config: &Arc<Config>,
        repo: &str,
        generation: u64,
        from: &str,
        to: &str,
    ) -> Result<Vec<DiffEntry>, WebError> {
        let op = BrowseOp::Diff {
            from: from.to_string(),
            to: to.to_string(),
        };
        match self.ask(config, repo, generation, op).await?.0 {
            BrowseResult::Diff(changes) => Ok(changes),
            _ => Err(unreadable()),
        }
    }

    /// One question to the repository's session (a session that ended is
    /// forgotten, so that the next question starts a new one).
    async fn ask(
        &self,
        config: &Arc<Config>,
        repo: &str,
        generation: u64,
        op: BrowseOp,
    ) -> Result<(BrowseResult, Vec<FindHit>), WebError> {
        let session = self.session(config, repo, generation).await?;
        let answer = session.ask(op).await;
        if answer.is_err() && session.ended.load(Ordering::SeqCst) {
            lock(&self.sessions).remove(repo);
        }
        answer
    }

    /// The repository's session: the running one, or a new one (after ending
    /// those left idle, and one opened with an older configuration).
    async fn session(
        &self,
        config: &Arc<Config>,
        repo: &str,
        generation: u64,
    ) -> Result<Arc<Session>, WebError> {
        if !self.reaping.swap(true, Ordering::SeqCst) {
            // ends the sessions left idle, until the server goes
            let sessions = Arc::downgrade(&self.sessions);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(SESSION_IDLE / 5).await;
                    let Some(sessions) = sessions.upgrade() else {
                        break;
                    };
                    reap(&mut lock(&sessions));
                }
            });
        }
        {
            let mut sessions = lock(&self.sessions);
            reap(&mut sessions);
            // a session knows the snapshots of when it opened: after a job of
            // this server ended (a backup, a forget), a new one is opened
            if let Some(s) = sessions.get(repo)
                && Arc::ptr_eq(&s.config, config)
                && s.generation == generation
            {
                *lock(&s.used) = Instant::now();
                return Ok(s.clone());
            }
        }
        let spec = plan::job(config, repo, JobKind::Browse)?;
        let (mut running, input) = jobs::start_session(&spec, &jobs::JobOptions::default()).await?;
        let fresh = running.subscribe();
        let mut events = std::mem::replace(&mut running.events, fresh);
        let session = Arc::new(Session {
            config: config.clone(),
            generation,
            found: Mutex::new(HashMap::new()),
            input: tokio::sync::Mutex::new(Some(input)),
            waiting: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            used: Mutex::new(Instant::now()),
            ended: AtomicBool::new(false),
            _job: running,
        });
        // the watcher holds the session weakly: dropped from the map (idle, or
        // the server going), the session drops its input and its job ends
        let watched = Arc::downgrade(&session);
        tokio::spawn(async move {
            loop {
                let event = events.recv().await;
                let Some(watched) = watched.upgrade() else {
                    break;
                };
                match event {
                    Ok(JobEvent::Reply {
                        id,
                        done: false,
                        result: Some(BrowseResult::Found(hits)),
                        ..
                    }) => {
                        // a search's hits come a snapshot at a time; kept up to MAX_HITS
                        let mut found = lock(&watched.found);
                        let kept = found.entry(id).or_default();
                        let room = MAX_HITS.saturating_sub(kept.len());
                        kept.extend(hits.into_iter().take(room));
                    }
                    Ok(JobEvent::Reply {
                        id,
                        done: true,
                        result,
                        error,
                    }) => {
                        let found = lock(&watched.found).remove(&id).unwrap_or_default();
                        let answer = match (result, error) {
                            (Some(r), _) => Ok((r, found)),
                            (None, Some(e)) => Err(e),
                            (None, None) => Err(failure(&t!("web-job-failed"))),
                        };
                        if let Some(tx) = lock(&watched.waiting).remove(&id) {
                            let _ = tx.send(answer);
                        }
                    }
                    Ok(JobEvent::Finished(f)) => {
                        let e = f.error.unwrap_or_else(|| failure(&t!("web-job-failed")));
                        watched.end(e);
                        break;
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => {
                        watched.end(failure(&t!("web-job-failed")));
                        break;
                    }
                }
            }
        });
        lock(&self.sessions).insert(repo.to_string(), session.clone());
        Ok(session)
    }
}

/// Drops the sessions that ended or were left idle.
fn reap(sessions: &mut HashMap<String, Arc<Session>>) {
    sessions
        .retain(|_, s| !s.ended.load(Ordering::SeqCst) && lock(&s.used).elapsed() < SESSION_IDLE);
}

fn unreadable() -> WebError {
    WebError::from(npbackup_common::Error::Usage(t!("web-unreadable-result")))
}

fn failure(message: &str) -> ErrorInfo {
    ErrorInfo {
        kind: "failed".into(),
        message: message.into(),
        exit_code: npbackup_common::error::exit::FAILED,
    }
}

type Answer = Result<(BrowseResult, Vec<FindHit>), ErrorInfo>;

/// One browsing session (a job process with the repository open).
struct Session {
    config: Arc<Config>,
    /// The server's job generation when it opened (see `Jobs::generation`).
    generation: u64,
    /// The hits of the searches under way, by request.
    found: Mutex<HashMap<u64, Vec<FindHit>>>,
    /// Dropping it (`None`) ends the job.
    input: tokio::sync::Mutex<Option<jobs::SessionInput>>,
    waiting: Mutex<HashMap<u64, oneshot::Sender<Answer>>>,
    next: AtomicU64,
    used: Mutex<Instant>,
    ended: AtomicBool,
    /// The job itself (dropping it would cancel it).
    _job: jobs::RunningJob,
}

impl Session {
    async fn ask(&self, op: BrowseOp) -> Result<(BrowseResult, Vec<FindHit>), WebError> {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = oneshot::channel();
        lock(&self.waiting).insert(id, tx);
        {
            let mut input = self.input.lock().await;
            let Some(input) = input.as_mut() else {
                return Err(from_info(&failure(&t!("web-job-failed"))));
            };
            input.send(&BrowseRequest { id, op }).await?;
        }
        match tokio::time::timeout(ANSWER, rx).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(e))) => Err(from_info(&e)),
            Ok(Err(_)) => Err(from_info(&failure(&t!("web-job-failed")))),
            Err(_) => {
                lock(&self.waiting).remove(&id);
                lock(&self.found).remove(&id);
                Err(WebError::new(
                    axum::http::StatusCode::GATEWAY_TIMEOUT,
                    "timeout",
                    t!("web-browse-timed-out"),
                ))
            }
        }
    }

    /// The job ended: every question still waiting gets its error.
    fn end(&self, e: ErrorInfo) {
        self.ended.store(true, Ordering::SeqCst);
        for (_, tx) in lock(&self.waiting).drain() {
            let _ = tx.send(Err(e.clone()));
        }
    }
}

impl Drop for Browsing {
    fn drop(&mut self) {
        // dropping the inputs ends the job processes
        lock(&self.sessions).clear();
    }
}

/// A job's error as an HTTP answer.
pub fn from_info(e: &ErrorInfo) -> WebError {
    use axum::http::StatusCode;
    let status = match e.kind.as_str() {
        "denied" => StatusCode::FORBIDDEN,
        "usage" | "input" => StatusCode::BAD_REQUEST,
        "locked" => StatusCode::CONFLICT,
        "unreachable" | "auth" => StatusCode::BAD_GATEWAY,
        "not-found" => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    WebError::new(status, &e.kind, npbackup_common::redact::redact(&e.message))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_climb_are_refused() {
        assert_eq!(snapshot_path("").ok().as_deref(), Some("/"));
        assert_eq!(
            snapshot_path("home//ann/").ok().as_deref(),
            Some("/home/ann")
        );
        assert!(snapshot_path("../../etc").is_err());
        assert!(snapshot_path("/home/ann/../../etc/passwd").is_err());
        assert!(snapshot_path("/home/./ann").is_err());
        assert!(snapshot_path("/a\0b").is_err());
    }

    #[test]
    fn snapshot_ids_are_hex_or_latest() {
        assert!(snapshot_id("latest").is_ok());
        assert!(snapshot_id("0a1b2c3d").is_ok());
        assert!(snapshot_id("../x").is_err());
        assert!(snapshot_id("").is_err());
    }

    #[test]
    fn the_common_folder_of_a_snapshot() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(common_folder(&p(&["/home/ann/docs"])), "/home/ann/docs");
        assert_eq!(
            common_folder(&p(&["/home/ann/docs", "/home/ann/pics"])),
            "/home/ann"
        );
        assert_eq!(common_folder(&p(&["/etc", "/home"])), "/");
        assert_eq!(common_folder(&[]), "/");
    }
}
