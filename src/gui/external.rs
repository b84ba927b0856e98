//! Events from outside the window: the tray icon's menu and clicks, and clicks on
//! our notifications. Those arrive on threads of their own (D-Bus), so they go
//! through one channel that the app reads as a subscription.

use std::sync::{LazyLock, Mutex, PoisonError};

use iced::futures::{
    Stream,
    channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded},
    stream,
};

/// Something the user did outside the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum External {
    /// Back up one repository now, or all of them (`None`).
    BackUpNow(Option<String>),
    /// Show the main window.
    Open,
    /// End the app.
    Quit,
}

type Channel = (
    UnboundedSender<External>,
    Mutex<Option<UnboundedReceiver<External>>>,
);

static CHANNEL: LazyLock<Channel> = LazyLock::new(|| {
    let (tx, rx) = unbounded();
    (tx, Mutex::new(Some(rx)))
});

/// Sends an event to the app (from any thread).
pub fn send(event: External) {
    let _ = CHANNEL.0.unbounded_send(event);
}

/// The events, for the app's subscription (the first caller gets them all).
pub fn events() -> impl Stream<Item = External> {
    let rx = CHANNEL
        .1
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    match rx {
        Some(rx) => stream::StreamExt::left_stream(rx),
        None => stream::StreamExt::right_stream(stream::pending()),
    }
}

/// Opens `path` with the desktop's default application (in the background; a
/// desktop without one logs why).
pub fn open_path(path: &std::path::Path) {
    #[cfg(target_os = "macos")]
    let mut cmd = std::process::Command::new("open");
    #[cfg(windows)]
    let mut cmd = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    };
    #[cfg(not(any(target_os = "macos", windows)))]
    let mut cmd = std::process::Command::new("xdg-open");
    cmd.arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match cmd.spawn() {
        // reaped on a thread of its own, so that it leaves no zombie
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => tracing::warn!(
            "cannot open {} with the default application: {e}",
            path.display()
        ),
    }
}
