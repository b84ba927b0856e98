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
    /// Hold scheduled runs until then (`None`: let them go again).
    Pause(Option<jiff::Timestamp>),
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

/// Whether this desktop can show a folder dialog: always on Windows and macOS; on
/// other systems when the desktop portal answers on the session bus or zenity is
/// installed (rfd tries them in that order). Without one the window asks for a
/// typed path instead of offering a button that would do nothing.
pub fn folder_dialog_available() -> bool {
    static AVAILABLE: LazyLock<bool> = LazyLock::new(|| {
        if cfg!(any(windows, target_os = "macos")) {
            return true;
        }
        npbackup_common::fsutil::find_program("zenity").is_some() || portal_on_session_bus()
    });
    *AVAILABLE
}

/// The desktop portal is running, or D-Bus can start it.
fn portal_on_session_bus() -> bool {
    on_session_bus("org.freedesktop.portal.Desktop", true)
}

/// Whether `name` has an owner on the session bus (or, with `activatable`, D-Bus
/// can start one). A blocking call: for start-up checks.
pub fn on_session_bus(name: &str, activatable: bool) -> bool {
    zbus::block_on(async {
        let conn = zbus::Connection::session().await.ok()?;
        let dbus = zbus::fdo::DBusProxy::new(&conn).await.ok()?;
        let bus_name = zbus::names::BusName::try_from(name).ok()?;
        if dbus.name_has_owner(bus_name).await.ok()? {
            return Some(true);
        }
        if !activatable {
            return Some(false);
        }
        let names = dbus.list_activatable_names().await.ok()?;
        Some(names.iter().any(|n| n.as_str() == name))
    })
    .unwrap_or(false)
}

/// Asks the user for a folder with the desktop's own dialog, starting in
/// `start`; `None` when they cancel it (or no dialog could be shown: rfd logs why).
pub async fn pick_folder(title: String, start: std::path::PathBuf) -> Option<std::path::PathBuf> {
    let mut dialog = rfd::AsyncFileDialog::new().set_title(title);
    // a folder still to be made opens at its nearest existing parent
    if let Some(dir) = start.ancestors().find(|p| p.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    dialog
        .pick_folder()
        .await
        .map(|handle| handle.path().to_path_buf())
}
