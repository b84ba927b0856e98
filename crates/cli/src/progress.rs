//! Terminal progress for the engine's work: indicatif bars with rate and ETA on a
//! terminal, nothing otherwise (and nothing with `--json`).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use npbackup_engine::{NoProgress, Progress, ProgressBar as EngineBar, ProgressKind};

/// The progress renderer chosen for this run.
#[derive(Debug, Clone, Copy)]
pub enum CliProgress {
    /// Bars on stderr.
    Terminal,
    /// No bars (not a terminal, `--json`, `--quiet`).
    Hidden,
}

impl Progress for CliProgress {
    fn bar(&self, kind: ProgressKind, prefix: &str) -> Box<dyn EngineBar> {
        match self {
            CliProgress::Hidden => NoProgress.bar(kind, prefix),
            CliProgress::Terminal => {
                let bar =
                    ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(8));
                let template = match kind {
                    ProgressKind::Spinner => "{spinner} {prefix:30} [{elapsed_precise}]",
                    ProgressKind::Counter => {
                        "{spinner} {prefix:30} [{elapsed_precise}] {wide_bar} {pos:>8}/{len:8}"
                    }
                    ProgressKind::Bytes => {
                        "{spinner} {prefix:30} [{elapsed_precise}] {wide_bar} {bytes:>10}/{total_bytes:10} {bytes_per_sec:>12} ETA {eta}"
                    }
                };
                if let Ok(style) = ProgressStyle::with_template(template) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar.set_prefix(prefix.to_string());
                bar.enable_steady_tick(Duration::from_millis(250));
                Box::new(Bar(bar))
            }
        }
    }
}

struct Bar(ProgressBar);

impl EngineBar for Bar {
    fn set_length(&self, len: u64) {
        self.0.set_length(len);
    }
    fn set_title(&self, title: &str) {
        self.0.set_prefix(title.to_string());
    }
    fn inc(&self, inc: u64) {
        self.0.inc(inc);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
