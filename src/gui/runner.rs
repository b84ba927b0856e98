//! Runs the jobs the app asks for through the job worker, as iced tasks: each
//! job's events come back as messages, tagged with the job's ticket. The window
//! never runs a rustic call itself; a job that crashes or hangs takes only its
//! own process down. Cancelling asks the worker to stop the process.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex, PoisonError},
};

use iced::{Task, futures::SinkExt};
use tokio::sync::broadcast::error::RecvError;

use crate::jobs::{self, ErrorInfo, Finished, JobEvent, JobOptions, JobSpec, worker::Canceller};

/// Tells the app's jobs apart.
pub type Ticket = u64;

enum Slot {
    /// Asked for, not started yet; `true` when cancelled before it started.
    Starting(bool),
    Running(Canceller),
}

/// Starts and cancels jobs.
#[derive(Clone, Default)]
pub struct Runner {
    /// The program with the `__job` command (default: this executable).
    pub program: Option<PathBuf>,
    slots: Arc<Mutex<HashMap<Ticket, Slot>>>,
}

impl Runner {
    pub fn new(program: Option<PathBuf>) -> Runner {
        Runner {
            program,
            slots: Arc::default(),
        }
    }

    /// A task that runs `spec` and yields each of its events, the last being `Finished`.
    pub fn run(&self, ticket: Ticket, spec: JobSpec) -> Task<(Ticket, JobEvent)> {
        let slots = self.slots.clone();
        let program = self.program.clone();
        lock(&slots).insert(ticket, Slot::Starting(false));
        let events = iced::stream::channel(64, async move |mut out| {
            let opts = JobOptions {
                program,
                timeout: spec.timeout,
                ..JobOptions::default()
            };
            let mut job = match jobs::start(&spec, &opts).await {
                Ok(job) => job,
                Err(e) => {
                    lock(&slots).remove(&ticket);
                    let _ = out
                        .send(JobEvent::Finished(Finished {
                            ok: false,
                            cancelled: false,
                            result: None,
                            error: Some(ErrorInfo::from(&e)),
                            warnings: Vec::new(),
                            duration_seconds: 0.0,
                        }))
                        .await;
                    return;
                }
            };
            let canceller = job.canceller();
            let cancel_now = matches!(
                lock(&slots).insert(ticket, Slot::Running(canceller.clone())),
                Some(Slot::Starting(true))
            );
            if cancel_now {
                canceller.cancel();
            }
            // the receiver that has every event since the start
            let fresh = job.subscribe();
            let mut events = std::mem::replace(&mut job.events, fresh);
            loop {
                match events.recv().await {
                    Ok(event) => {
                        let last = matches!(event, JobEvent::Finished(_));
                        if out.send(event).await.is_err() || last {
                            break;
                        }
                    }
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                }
            }
            lock(&slots).remove(&ticket);
            // reap the process (its result was the `finished` event)
            let _ = job.wait().await;
        });
        Task::run(events, move |event| (ticket, event))
    }

    /// Cancels job `ticket` (now, or as soon as it has started).
    pub fn cancel(&self, ticket: Ticket) {
        let mut slots = lock(&self.slots);
        match slots.get_mut(&ticket) {
            Some(Slot::Running(c)) => c.cancel(),
            Some(Slot::Starting(cancelled)) => *cancelled = true,
            None => {}
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
