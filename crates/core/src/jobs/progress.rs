//! Progress inside a job process: the engine's progress bars become throttled
//! `Progress` events with a rate and an ETA.

use std::{
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, AtomicU64, Ordering},
        mpsc,
    },
    time::{Duration, Instant},
};

use crate::engine::{Progress as EngineProgress, ProgressBar, ProgressKind};

use super::{JobEvent, Progress, stream::emit};

/// How often at most a progress event is sent.
const INTERVAL: Duration = Duration::from_millis(250);

#[derive(Debug)]
struct BarState {
    kind: ProgressKind,
    title: Mutex<String>,
    length: AtomicU64,
    position: AtomicU64,
    started: Instant,
    finished: AtomicBool,
}

impl BarState {
    fn snapshot(&self) -> Progress {
        let done = self.position.load(Ordering::Relaxed);
        let total = self.length.load(Ordering::Relaxed);
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = if elapsed > 0.0 {
            done as f64 / elapsed
        } else {
            0.0
        };
        let eta_seconds =
            (total > done && rate > 0.0).then(|| ((total - done) as f64 / rate).ceil() as u64);
        let phase = self
            .title
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .trim_end_matches('.')
            .trim()
            .to_string();
        let total = (total > 0).then_some(total);
        match self.kind {
            ProgressKind::Bytes => Progress {
                phase,
                bytes_done: done,
                bytes_total: total,
                rate,
                eta_seconds,
                ..Default::default()
            },
            ProgressKind::Counter | ProgressKind::Spinner => Progress {
                phase,
                files_done: Some(done),
                files_total: total,
                eta_seconds,
                ..Default::default()
            },
        }
    }
}

/// The `Progress` a job gives the engine. The most recently created bar is the
/// one reported; a background thread sends its state when it changed.
#[derive(Debug, Clone)]
pub struct EventBars {
    current: Arc<Mutex<Option<Arc<BarState>>>>,
    /// The reporting thread, and what wakes it to end.
    reporter: Arc<Mutex<Option<Reporter>>>,
}

#[derive(Debug)]
struct Reporter {
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl EventBars {
    /// Starts the reporting thread (it ends with `stop`, or with the process).
    pub fn start() -> Self {
        let current: Arc<Mutex<Option<Arc<BarState>>>> = Arc::new(Mutex::new(None));
        let (stop, stopped) = mpsc::channel::<()>();
        let watched = current.clone();
        let thread = std::thread::spawn(move || {
            let mut last: Option<Progress> = None;
            // a stop, or every EventBars gone, ends it at once
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                let bar = watched
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                if let Some(bar) = bar {
                    let now = bar.snapshot();
                    if last.as_ref() != Some(&now) {
                        emit(&JobEvent::Progress(now.clone()));
                        last = Some(now);
                    }
                }
            }
        });
        EventBars {
            current,
            reporter: Arc::new(Mutex::new(Some(Reporter { stop, thread }))),
        }
    }

    /// Ends the reporting thread and waits for it: the job is over, and no progress
    /// event comes after this (a job run in the caller's process must not report
    /// after its end).
    pub fn stop(&self) {
        let reporter = self
            .reporter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(Reporter { stop, thread }) = reporter {
            let _ = stop.send(());
            let _ = thread.join();
        }
    }
}

impl EngineProgress for EventBars {
    fn bar(&self, kind: ProgressKind, prefix: &str) -> Box<dyn ProgressBar> {
        let state = Arc::new(BarState {
            kind,
            title: Mutex::new(prefix.to_string()),
            length: AtomicU64::new(0),
            position: AtomicU64::new(0),
            started: Instant::now(),
            finished: AtomicBool::new(false),
        });
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(state.clone());
        Box::new(Bar(state))
    }
}

struct Bar(Arc<BarState>);

impl ProgressBar for Bar {
    fn set_length(&self, len: u64) {
        self.0.length.store(len, Ordering::Relaxed);
    }
    fn set_title(&self, title: &str) {
        *self.0.title.lock().unwrap_or_else(PoisonError::into_inner) = title.to_string();
    }
    fn inc(&self, inc: u64) {
        self.0.position.fetch_add(inc, Ordering::Relaxed);
    }
    fn finish(&self) {
        if !self.0.finished.swap(true, Ordering::Relaxed) {
            emit(&JobEvent::Progress(self.0.snapshot()));
        }
    }
}
