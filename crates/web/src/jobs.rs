//! The jobs this server started: each is a job process (`jobs::worker`), watched
//! by a task of the server's, not by the browser that asked for it. A page that
//! goes away leaves the job running; a page that comes back finds it here, with
//! what it said so far, and follows it from there.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU64, Ordering},
};

use npbackup_core::jobs::{
    self, Finished, JobEvent, JobKind, JobSpec, Progress, worker::Canceller,
};
use npbackup_engine::RestoreRequest;
use serde::Serialize;
use tokio::sync::broadcast;

/// How many finished jobs are remembered (the oldest are forgotten first).
const KEEP_FINISHED: usize = 200;
/// How many events of one job are kept for a page that comes late (progress
/// events replace each other, so this bounds logs and warnings only).
const KEEP_EVENTS: usize = 500;

/// What a page or a script sees of a job.
#[derive(Debug, Clone, Serialize)]
pub struct JobView {
    pub id: String,
    pub repository: String,
    pub kind: String,
    /// Who started it (a user or a token name).
    pub by: String,
    pub started: String,
    /// "running", "succeeded", "failed" or "cancelled".
    pub state: &'static str,
    pub progress: Option<Progress>,
    pub finished: Option<Finished>,
    /// For a restore's review (a dry run): the restore it reviewed, which the
    /// person can then start as it is, from this job (never from a resent form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

/// The restore a dry run reviewed.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub snapshot: String,
    pub request: RestoreRequest,
}

struct Entry {
    id: String,
    repository: String,
    kind: String,
    by: String,
    started: jiff::Timestamp,
    canceller: Canceller,
    live: broadcast::Sender<JobEvent>,
    said: Mutex<Said>,
    review: Option<Review>,
}

#[derive(Default)]
struct Said {
    /// Every event but progress, in order (bounded).
    events: Vec<JobEvent>,
    progress: Option<Progress>,
    finished: Option<Finished>,
}

/// The server's jobs.
#[derive(Default)]
pub struct Jobs {
    all: Mutex<Vec<Arc<Entry>>>,
    /// How many of them ended (what was read of a repository before may be stale).
    ended: Arc<AtomicU64>,
}

/// A job's events for one listener: what was said before it came, then what
/// comes, up to the end.
pub struct Following {
    pub before: Vec<JobEvent>,
    pub after: Option<broadcast::Receiver<JobEvent>>,
}

impl Jobs {
    /// Starts `spec` as a job process and watches it.
    pub async fn start(
        self: &Arc<Self>,
        spec: &JobSpec,
        by: &str,
    ) -> npbackup_common::Result<String> {
        let running = jobs::start(spec, &jobs::JobOptions::default()).await?;
        let (live, _) = broadcast::channel(256);
        let entry = Arc::new(Entry {
            id: spec.id.clone(),
            repository: spec.repo.name.clone(),
            kind: spec.kind.name().to_string(),
            by: by.to_string(),
            started: jiff::Timestamp::now(),
            canceller: running.canceller(),
            live,
            said: Mutex::new(Said::default()),
            review: match &spec.kind {
                JobKind::Restore { snapshot, request } if request.dry_run => Some(Review {
                    snapshot: snapshot.clone(),
                    request: request.clone(),
                }),
                _ => None,
            },
        });
        {
            let mut all = lock(&self.all);
            all.push(entry.clone());
            let finished = all
                .iter()
                .filter(|e| lock(&e.said).finished.is_some())
                .count();
            if finished > KEEP_FINISHED {
                let mut excess = finished - KEEP_FINISHED;
                all.retain(|e| {
                    if excess > 0 && lock(&e.said).finished.is_some() {
                        excess -= 1;
                        false
                    } else {
                        true
                    }
                });
            }
        }
        let watched = entry.clone();
        let ended = self.ended.clone();
        tokio::spawn(async move {
            let finished = running
                .follow(|ev| {
                    // the generation changes before the job is seen finished: a list
                    // asked for once it has finished is never one cached before
                    if matches!(ev, JobEvent::Finished(_)) {
                        ended.fetch_add(1, Ordering::SeqCst);
                    }
                    watched.heard(ev)
                })
                .await;
            let mut said = lock(&watched.said);
            if said.finished.is_none() {
                said.finished = Some(finished.clone());
                drop(said);
                let _ = watched.live.send(JobEvent::Finished(finished));
            }
            ended.fetch_add(1, Ordering::SeqCst);
        });
        Ok(entry.id.clone())
    }

    /// Changes each time a job ends.
    pub fn generation(&self) -> u64 {
        self.ended.load(Ordering::SeqCst)
    }

    /// Every job, newest first.
    pub fn list(&self) -> Vec<JobView> {
        let all = lock(&self.all);
        all.iter().rev().map(|e| e.view()).collect()
    }

    pub fn get(&self, id: &str) -> Option<JobView> {
        self.find(id).map(|e| e.view())
    }

    /// The jobs of `repo` that are running.
    pub fn running(&self, repo: &str) -> Vec<JobView> {
        lock(&self.all)
            .iter()
            .filter(|e| e.repository == repo && lock(&e.said).finished.is_none())
            .map(|e| e.view())
            .collect()
    }

    /// Asks job `id` to stop; false when there is no such job.
    pub fn cancel(&self, id: &str) -> bool {
        match self.find(id) {
            Some(e) => {
                e.canceller.cancel();
                true
            }
            None => false,
        }
    }

    /// Job `id`'s events so far and a receiver for the rest (none once it ended).
    pub fn follow(&self, id: &str) -> Option<Following> {
        let e = self.find(id)?;
        // subscribe under the lock, so that no event falls between the two parts
        let said = lock(&e.said);
        let mut before = said.events.clone();
        if let Some(p) = &said.progress {
            before.push(JobEvent::Progress(p.clone()));
        }
        let after = match &said.finished {
            Some(f) => {
                before.push(JobEvent::Finished(f.clone()));
                None
            }
            None => Some(e.live.subscribe()),
        };
        Some(Following { before, after })
    }

    fn find(&self, id: &str) -> Option<Arc<Entry>> {
        lock(&self.all).iter().find(|e| e.id == id).cloned()
    }
}

impl Entry {
    fn heard(&self, ev: JobEvent) {
        let mut said = lock(&self.said);
        match &ev {
            JobEvent::Progress(p) => said.progress = Some(p.clone()),
            JobEvent::Finished(f) => said.finished = Some(f.clone()),
            _ => {
                if said.events.len() < KEEP_EVENTS {
                    said.events.push(ev.clone());
                }
            }
        }
        // sent under the lock: `follow` sees an event either in `said` or on `live`
        let _ = self.live.send(ev);
    }

    fn view(&self) -> JobView {
        let said = lock(&self.said);
        let state = match &said.finished {
            None => "running",
            Some(f) if f.ok => "succeeded",
            Some(f) if f.cancelled => "cancelled",
            Some(_) => "failed",
        };
        JobView {
            id: self.id.clone(),
            repository: self.repository.clone(),
            kind: self.kind.clone(),
            by: self.by.clone(),
            started: self.started.to_string(),
            state,
            progress: said.progress.clone(),
            finished: said.finished.clone(),
            review: self.review.clone(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
