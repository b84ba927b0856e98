//! Logging through `tracing`: warnings (more with -v) to stderr, info and above to
//! a daily log file in the user's state dir. Both pass through `redact`.

use tracing_appender::{non_blocking::WorkerGuard, rolling};
use tracing_subscriber::{
    EnvFilter, Layer,
    filter::{self, LevelFilter},
    fmt,
    layer::SubscriberExt,
    util::SubscriberInitExt,
};

use crate::{customization::SHORT_NAME, redact::RedactingWriter};

/// Starts logging; keep the returned guard alive until exit so the file is flushed.
pub fn init(verbosity: u8, quiet: bool) -> Option<WorkerGuard> {
    let stderr_level = match (quiet, verbosity) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let stderr_filter =
        EnvFilter::try_from_env("NPBACKUP_LOG").unwrap_or_else(|_| EnvFilter::new(stderr_level));
    let stderr_layer = fmt::layer()
        .with_target(false)
        .without_time()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(|| RedactingWriter(std::io::stderr()))
        .fmt_fields(english_fields())
        .with_filter(stderr_filter)
        // a job run in this process shows its warnings itself, translated
        .with_filter(filter::filter_fn(|meta| {
            !crate::jobs::child::taken_by_job(meta)
        }));

    let mut guard = None;
    let file_layer = crate::config::log_dir().and_then(|dir| {
        std::fs::create_dir_all(&dir).ok()?;
        let appender = rolling::Builder::new()
            .rotation(rolling::Rotation::DAILY)
            .filename_prefix(SHORT_NAME)
            .filename_suffix("log")
            .max_log_files(14)
            .build(&dir)
            .ok()?;
        let (writer, g) = tracing_appender::non_blocking(appender);
        guard = Some(g);
        Some(
            fmt::layer()
                .with_ansi(false)
                .with_writer(move || RedactingWriter(writer.clone()))
                .fmt_fields(english_fields())
                // our own info, others' warnings (windowing and D-Bus libraries are chatty)
                .with_filter(EnvFilter::new("warn,npbackup=info")),
        )
    });
    let _ = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(file_layer)
        .with(crate::jobs::child::InProcessWarnings.with_filter(LevelFilter::WARN))
        .try_init();
    guard
}

/// The fields of a log line, without the `user` field: the translation a job
/// process shows a person in place of the (English) message, not part of the log.
fn english_fields() -> impl for<'w> fmt::FormatFields<'w> + Send + Sync + 'static {
    fmt::format::debug_fn(|writer, field, value| match field.name() {
        "user" => Ok(()),
        "message" => write!(writer, "{value:?}"),
        name => write!(writer, " {name}={value:?}"),
    })
}
