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

use crate::jobs::{
    self, BrowseRequest, ErrorInfo, Finished, JobEvent, JobOptions, JobSpec, worker::Canceller,
};

/// Tells the app's jobs apart.
pub type Ticket = u64;

enum Slot {
    /// Asked for, not started yet; `true` when cancelled before it started.
    Starting(bool),
    Running(Canceller),
}

/// Requests waiting for a browsing session's input, by ticket.
type Inputs = Arc<Mutex<HashMap<Ticket, tokio::sync::mpsc::UnboundedSender<BrowseRequest>>>>;

/// Starts and cancels jobs.
#[derive(Clone, Default)]
pub struct Runner {
    /// The program with the `__job` command (default: this executable).
    pub program: Option<PathBuf>,
    slots: Arc<Mutex<HashMap<Ticket, Slot>>>,
    inputs: Inputs,
}

impl Runner {
    pub fn new(program: Option<PathBuf>) -> Runner {
        Runner {
            program,
            slots: Arc::default(),
            inputs: Arc::default(),
        }
    }

    /// A task that runs `spec` and yields each of its events, the last being `Finished`.
    pub fn run(&self, ticket: Ticket, spec: JobSpec) -> Task<(Ticket, JobEvent)> {
        self.launch(ticket, spec, None)
    }

    /// Like `run`, for a browsing session: `request` sends it questions, and
    /// `close` ends it.
    pub fn open_session(&self, ticket: Ticket, spec: JobSpec) -> Task<(Ticket, JobEvent)> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        lock(&self.inputs).insert(ticket, tx);
        self.launch(ticket, spec, Some(rx))
    }

    /// Sends `request` to session `ticket` (queued until it has started).
    pub fn request(&self, ticket: Ticket, request: BrowseRequest) {
        if let Some(tx) = lock(&self.inputs).get(&ticket) {
            let _ = tx.send(request);
        }
    }

    /// Ends session `ticket` (its input closes; it finishes on its own).
    pub fn close(&self, ticket: Ticket) {
        lock(&self.inputs).remove(&ticket);
    }

    fn launch(
        &self,
        ticket: Ticket,
        spec: JobSpec,
        requests: Option<tokio::sync::mpsc::UnboundedReceiver<BrowseRequest>>,
    ) -> Task<(Ticket, JobEvent)> {
        let slots = self.slots.clone();
        let inputs = self.inputs.clone();
        let program = self.program.clone();
        lock(&slots).insert(ticket, Slot::Starting(false));
        let events = iced::stream::channel(64, async move |mut out| {
            let opts = JobOptions {
                program,
                timeout: spec.timeout,
                ..JobOptions::default()
            };
            let started = match requests {
                None => jobs::start(&spec, &opts).await,
                Some(mut requests) => match jobs::start_session(&spec, &opts).await {
                    Ok((job, mut input)) => {
                        // forward the requests until the app closes the session
                        tokio::spawn(async move {
                            while let Some(r) = requests.recv().await {
                                if input.send(&r).await.is_err() {
                                    break;
                                }
                            }
                        });
                        Ok(job)
                    }
                    Err(e) => Err(e),
                },
            };
            let mut job = match started {
                Ok(job) => job,
                Err(e) => {
                    lock(&slots).remove(&ticket);
                    lock(&inputs).remove(&ticket);
                    let _ = out
                        .send(JobEvent::Finished(Finished {
                            schema: crate::jobs::SCHEMA,
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
            lock(&inputs).remove(&ticket);
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
