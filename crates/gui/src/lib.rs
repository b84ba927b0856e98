//! `npbackup-gui`: the desktop app. An iced daemon with a main window (the
//! dashboard), a tray icon and desktop notifications, over the job worker: every
//! repository operation runs as a job process, never on the window's threads.
//! This is the only crate that uses iced, tray-icon, notify-rust and rfd; it uses
//! `npbackup_core` (jobs, config, the scheduler) and the engine's types, never the
//! engine's functions.

pub mod app;
pub mod browser;
pub mod config_watch;
pub mod dashboard;
pub mod external;
pub mod icon;
pub mod managed;
pub mod notify;
pub mod runner;
pub mod scheduler;
mod screen;
pub mod settings;
pub mod snapshot_table;
pub mod theme;
pub mod tray;
pub mod viewer;
pub mod welcome;
pub mod wizard;

use std::{ffi::OsString, path::PathBuf};

use npbackup_common::{customization, error, fsutil, humanize, i18n, t};
use npbackup_core::{config, jobs, logging, schedule};
use npbackup_engine as engine;

pub use app::{App, Effect, Launch, Message};

use crate::customization::{PRODUCT_NAME, SHORT_NAME, VERSION_LINE};

const USAGE: &str =
    "Usage: {gui} [-c CONFIG] [--viewer] [--hidden] [--no-tray] [--no-notifications]

  -c, --config FILE     the configuration file (default: the usual places)
      --viewer          open a repository by its location and password, read-only,
                        without a configuration
      --hidden          start in the tray, without opening the window
      --no-tray         no tray icon (closing the window then quits)
      --no-notifications  no desktop notifications
  -h, --help            this help
  -V, --version         the version";

fn usage() -> String {
    USAGE.replace("{gui}", &format!("{SHORT_NAME}-gui"))
}

/// Reads the command line: the launch options, or the exit code to end with.
fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Launch, i32> {
    let mut launch = Launch {
        tray: true,
        notifications: true,
        ..Launch::default()
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("-c" | "--config") => match args.next() {
                Some(p) => launch.config = Some(PathBuf::from(p)),
                None => {
                    eprintln!(
                        "error: {} needs a file\n\n{}",
                        arg.to_string_lossy(),
                        usage()
                    );
                    return Err(crate::error::exit::USAGE);
                }
            },
            Some("--hidden") => launch.hidden = true,
            Some("--viewer") => launch.viewer = true,
            Some("--no-tray") => launch.tray = false,
            Some("--no-notifications") => launch.notifications = false,
            Some("-h" | "--help") => {
                println!("{PRODUCT_NAME}: the desktop app.\n\n{}", usage());
                return Err(0);
            }
            Some("-V" | "--version") => {
                println!("{SHORT_NAME}-gui {VERSION_LINE}");
                return Err(0);
            }
            _ => {
                eprintln!("error: unexpected argument {:?}\n\n{}", arg, usage());
                return Err(crate::error::exit::USAGE);
            }
        }
    }
    Ok(launch)
}

/// The desktop app's main; returns the exit code.
pub fn main() -> i32 {
    let mut args = std::env::args_os().skip(1).peekable();
    // the job worker starts this same executable to run a job
    if args.peek().is_some_and(|a| a == "__job") {
        return crate::jobs::child::main();
    }
    let launch = match parse(args) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let _guard = crate::logging::init(0, false);
    tracing::info!("{VERSION_LINE} starting");
    let no_window = |why: String| {
        let msg = format!(
            "{PRODUCT_NAME} could not open its window: {why}. The command-line tool ({}) works without one.",
            crate::customization::CLI_NAME
        );
        // to stderr (warnings and errors go there) and to the log file, which is what
        // is left when the app was started from a desktop launcher
        tracing::error!("{msg}");
        crate::error::exit::FAILED
    };
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return no_window(
            "there is no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set)".into(),
        );
    }
    // iced panics when the display refuses the connection: say so in words
    let result = std::panic::catch_unwind(move || {
        iced::daemon(move || App::boot(launch.clone()), App::update, App::view)
            .title(App::title)
            .theme(App::theme)
            .subscription(App::subscription)
            .run()
    });
    match result {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => no_window(e.to_string()),
        Err(panic) => no_window(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the windowing system failed".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_command_line_is_read() {
        let l = parse(args(&["-c", "/tmp/x.toml", "--hidden", "--no-tray"])).unwrap();
        assert_eq!(l.config, Some(PathBuf::from("/tmp/x.toml")));
        assert!(l.hidden && !l.tray && l.notifications);
        assert_eq!(parse(args(&["-c"])).unwrap_err(), crate::error::exit::USAGE);
        assert_eq!(
            parse(args(&["--bogus"])).unwrap_err(),
            crate::error::exit::USAGE
        );
        assert_eq!(parse(args(&["--version"])).unwrap_err(), 0);
    }
}
