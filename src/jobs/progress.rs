//! Progress inside a job process: rustic_core's progress bars become throttled
//! `Progress` events with a rate and an ETA.

use std::{
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use rustic_core::{Progress as RusticBar, ProgressBars, ProgressType, RusticProgress};

use super::{JobEvent, Progress, child::emit};

/// How often at most a progress event is sent.
const INTERVAL: Duration = Duration::from_millis(250);

#[derive(Debug)]
struct BarState {
    kind: ProgressType,
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
            ProgressType::Bytes => Progress {
                phase,
                bytes_done: done,
                bytes_total: total,
                rate,
                eta_seconds,
                ..Default::default()
            },
            ProgressType::Counter | ProgressType::Spinner => Progress {
                phase,
                files_done: Some(done),
                files_total: total,
                eta_seconds,
                ..Default::default()
            },
        }
    }
}

/// The `ProgressBars` a job gives rustic_core. The most recently created bar is the
/// one reported; a background thread sends its state when it changed.
#[derive(Debug, Clone)]
pub struct EventBars {
    current: Arc<Mutex<Option<Arc<BarState>>>>,
}

impl EventBars {
    /// Starts the reporting thread (it ends with the process).
    pub fn start() -> Self {
        let bars = EventBars {
            current: Arc::new(Mutex::new(None)),
        };
        let current = bars.current.clone();
        std::thread::spawn(move || {
            let mut last: Option<Progress> = None;
            loop {
                std::thread::sleep(INTERVAL);
                let bar = current
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
        bars
    }
}

impl ProgressBars for EventBars {
    fn progress(&self, kind: ProgressType, prefix: &str) -> RusticBar {
        let state = Arc::new(BarState {
            kind,
            title: Mutex::new(prefix.to_string()),
            length: AtomicU64::new(0),
            position: AtomicU64::new(0),
            started: Instant::now(),
            finished: AtomicBool::new(false),
        });
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(state.clone());
        RusticBar::new(Bar(state))
    }
}

#[derive(Debug)]
struct Bar(Arc<BarState>);

impl RusticProgress for Bar {
    fn is_hidden(&self) -> bool {
        false
    }
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
