//! Progress the engine reports while it works, in its own terms: a front end
//! implements `Progress` (terminal bars, job events…); rustic_core's progress
//! traits stay inside this crate (`Rustic` adapts one to the other).

use std::fmt;

/// What a bar counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressKind {
    /// Something is being done; no length, no steps.
    Spinner,
    /// Things (files, packs, snapshots) counted.
    Counter,
    /// Bytes counted.
    Bytes,
}

/// One phase's progress, updated from any thread.
pub trait ProgressBar: Send + Sync + 'static {
    fn set_length(&self, len: u64);
    fn set_title(&self, title: &str);
    fn inc(&self, n: u64);
    fn finish(&self);
    /// Shows nothing (the engine may skip counting for it).
    fn is_hidden(&self) -> bool {
        false
    }
}

/// Where the engine's progress goes: a new bar for each phase.
pub trait Progress: Clone + Send + Sync + 'static {
    fn bar(&self, kind: ProgressKind, title: &str) -> Box<dyn ProgressBar>;
}

/// No progress shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

struct Hidden;

impl ProgressBar for Hidden {
    fn set_length(&self, _: u64) {}
    fn set_title(&self, _: &str) {}
    fn inc(&self, _: u64) {}
    fn finish(&self) {}
    fn is_hidden(&self) -> bool {
        true
    }
}

impl Progress for NoProgress {
    fn bar(&self, _: ProgressKind, _: &str) -> Box<dyn ProgressBar> {
        Box::new(Hidden)
    }
}

/// A `Progress` as rustic_core wants it.
#[derive(Clone)]
pub(crate) struct Rustic<P>(pub P);

impl<P> fmt::Debug for Rustic<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}

impl<P: Progress> rustic_core::ProgressBars for Rustic<P> {
    fn progress(&self, kind: rustic_core::ProgressType, prefix: &str) -> rustic_core::Progress {
        let kind = match kind {
            rustic_core::ProgressType::Spinner => ProgressKind::Spinner,
            rustic_core::ProgressType::Counter => ProgressKind::Counter,
            rustic_core::ProgressType::Bytes => ProgressKind::Bytes,
        };
        rustic_core::Progress::new(RusticBar(self.0.bar(kind, prefix)))
    }
}

struct RusticBar(Box<dyn ProgressBar>);

impl fmt::Debug for RusticBar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressBar")
    }
}

impl rustic_core::RusticProgress for RusticBar {
    fn is_hidden(&self) -> bool {
        self.0.is_hidden()
    }
    fn set_length(&self, len: u64) {
        self.0.set_length(len);
    }
    fn set_title(&self, title: &str) {
        self.0.set_title(title);
    }
    fn inc(&self, inc: u64) {
        self.0.inc(inc);
    }
    fn finish(&self) {
        self.0.finish();
    }
}
