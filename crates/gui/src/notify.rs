//! Desktop notifications (freedesktop, over D-Bus): a backup that succeeded (can
//! be switched off in `[desktop]`), failed (always), or a repository whose last
//! backup is too old. Clicking one opens the window. Sending happens on a thread
//! of its own, so a slow or missing notification service never stalls the window;
//! when there is none, that is said once in the log.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use super::external::{self, External};
use crate::customization::PRODUCT_NAME;

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub summary: String,
    pub body: String,
}

/// Sends notices (or, when switched off for tests, drops them).
#[derive(Clone)]
pub struct Notifier {
    enabled: bool,
    said_unavailable: Arc<AtomicBool>,
}

impl Notifier {
    pub fn new(enabled: bool) -> Notifier {
        Notifier {
            enabled,
            said_unavailable: Arc::default(),
        }
    }

    pub fn show(&self, notice: Notice) {
        if !self.enabled {
            return;
        }
        let said = self.said_unavailable.clone();
        let spawned = std::thread::Builder::new()
            .name("notification".into())
            .spawn(move || send(notice, &said));
        if let Err(e) = spawned {
            tracing::warn!("cannot start the notification thread: {e}");
        }
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn send(notice: Notice, said_unavailable: &AtomicBool) {
    use notify_rust::{Notification, Timeout, Urgency};
    let (icon, urgency) = match notice.level {
        Level::Info => ("dialog-information", Urgency::Normal),
        Level::Warning => ("dialog-warning", Urgency::Normal),
        Level::Error => ("dialog-error", Urgency::Critical),
    };
    let shown = Notification::new()
        .appname(PRODUCT_NAME)
        .summary(&notice.summary)
        .body(&notice.body)
        .icon(icon)
        .urgency(urgency)
        .action("default", "Open")
        .timeout(Timeout::Default)
        .show();
    match shown {
        Ok(handle) => handle.wait_for_action(|action| {
            if action == "default" {
                external::send(External::Open);
            }
        }),
        Err(e) => {
            if !said_unavailable.swap(true, Ordering::Relaxed) {
                tracing::info!(
                    "desktop notifications are not available ({e}); results show in the window and the tray only"
                );
            }
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn send(notice: Notice, _said_unavailable: &AtomicBool) {
    let _ = notify_rust::Notification::new()
        .appname(PRODUCT_NAME)
        .summary(&notice.summary)
        .body(&notice.body)
        .show();
}
