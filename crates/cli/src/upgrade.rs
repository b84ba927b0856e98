//! `upgrade [--check]`: a newer signed release from the upgrade servers of
//! `[upgrade]`, installed over the running programs (see `npbackup_fleet::upgrade`).

use std::path::PathBuf;

use npbackup_fleet::upgrade::{Found, Upgrader};

use super::{Context, output};
use crate::error::{Error, Result, exit};

/// The folder of the running program, whose executables an upgrade replaces.
pub fn program_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| Error::Usage(format!("cannot tell where this program is: {e}")))?;
    exe.parent()
        .map(std::path::Path::to_path_buf)
        .ok_or_else(|| Error::Usage(format!("{} has no folder", exe.display())))
}

pub fn upgrader(ctx: &Context) -> Result<Upgrader> {
    if std::env::var_os("NPBACKUP_NO_UPGRADE").is_some() {
        return Err(Error::Usage(crate::t!("upgrade-disabled")));
    }
    let config = ctx.config()?;
    let state =
        crate::config::state_dir().ok_or_else(|| Error::Usage(crate::t!("fleet-no-state-dir")))?;
    Upgrader::new(&config, &program_dir()?, &state)
}

pub fn upgrade_cmd(ctx: &Context, check: bool) -> Result<i32> {
    let u = upgrader(ctx)?;
    if !check {
        u.not_packaged()?;
    }
    // what went wrong is kept for the next look, as what went well
    let noted = |e: &Error| {
        let _ = u.remember(&e.to_string());
    };
    let (server, offer) = match u.check().inspect_err(noted)? {
        Found::UpToDate { server } => {
            u.remember("up to date")?;
            say(
                ctx,
                &server,
                None,
                None,
                crate::t!(
                    "upgrade-up-to-date",
                    version = env!("CARGO_PKG_VERSION"),
                    server = server.as_str()
                ),
            );
            return Ok(exit::OK);
        }
        Found::Newer { server, offer } => (server, offer),
    };
    if check {
        u.remember(&format!("{} available", offer.version))?;
        say(
            ctx,
            &server,
            Some(&offer.version),
            None,
            crate::t!(
                "upgrade-available",
                version = offer.version.as_str(),
                server = server.as_str(),
                size = crate::humanize::size(offer.size)
            ),
        );
        // "something to do", as `has-recent-snapshot` says "no" with 1
        return Ok(exit::NEGATIVE);
    }
    let installed = u
        .fetch(&server, &offer)
        .and_then(|v| u.install(&v))
        .inspect_err(noted)?;
    tracing::info!(version = installed.version, "upgraded");
    say(
        ctx,
        &server,
        Some(&offer.version),
        Some(&installed.replaced),
        crate::t!(
            "upgrade-installed",
            version = installed.version.as_str(),
            files = paths(&installed.replaced)
        ),
    );
    Ok(exit::OK)
}

/// What came of it: the sentence, or with `--json` the versions, the server and,
/// once installed, the programs replaced.
fn say(
    ctx: &Context,
    server: &str,
    available: Option<&str>,
    replaced: Option<&[PathBuf]>,
    sentence: String,
) {
    if !ctx.global.json {
        println!("{sentence}");
        return;
    }
    let mut doc = serde_json::json!({
        "current": env!("CARGO_PKG_VERSION"),
        "available": available,
        "server": server,
        "installed": replaced.is_some(),
    });
    if let Some(replaced) = replaced {
        doc["replaced"] = serde_json::json!(replaced);
    }
    output::print_json("upgrade", None, &doc);
}

fn paths(list: &[PathBuf]) -> String {
    list.iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The scheduler's upgrades: with `[upgrade] auto = true`, it looks every
/// `check-every` (default a day), inside `window` when one is set, and installs a
/// newer signed release once no task of this scheduler runs; then it starts
/// itself again from the new program (same process on Unix). Everything it does is
/// logged and kept in `upgrade.json` (`npbackup-cli upgrade --check` shows the same).
pub fn background(socket: PathBuf, config_path: PathBuf) -> Option<std::thread::JoinHandle<()>> {
    use std::time::Duration;
    let state = crate::config::state_dir()?;
    // the path it runs as, taken now: once replaced, /proc/self/exe names the old file
    let exe = std::env::current_exe().ok()?;
    // NPBACKUP_UPGRADE_START_DELAY: seconds before the first look (tests shorten it)
    let first = std::env::var("NPBACKUP_UPGRADE_START_DELAY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120u64);
    std::thread::Builder::new()
        .name("upgrade".into())
        .spawn(move || {
            std::thread::sleep(Duration::from_secs(first));
            loop {
                if let Some(version) = upgrade_turn(&socket, &config_path, &state) {
                    restart(&exe, &version);
                }
                std::thread::sleep(Duration::from_secs(600));
            }
        })
        .ok()
}

/// One look; the version installed, if one was.
fn upgrade_turn(
    socket: &std::path::Path,
    config_path: &std::path::Path,
    state: &std::path::Path,
) -> Option<String> {
    use npbackup_fleet::upgrade::Memory;
    if std::env::var_os("NPBACKUP_NO_UPGRADE").is_some() {
        return None;
    }
    let config = crate::config::Config::load(config_path).ok()?;
    let settings = config.upgrade();
    if !settings.auto.unwrap_or(false) {
        return None;
    }
    let every = settings
        .check_every
        .map(|d| d.0)
        .unwrap_or(std::time::Duration::from_secs(86_400));
    let now = jiff::Timestamp::now();
    if let Some(last) = Memory::load(state).last_check
        && now.as_second() - last < every.as_secs() as i64
    {
        return None;
    }
    if let Some(window) = settings.window.as_deref() {
        let window = npbackup_core::config::schema::parse_window(window).ok()?;
        let local = now.to_zoned(jiff::tz::TimeZone::system());
        let minute = (local.hour() as u16) * 60 + local.minute() as u16;
        if !npbackup_core::config::schema::in_window(window, minute) {
            return None;
        }
    }
    let dir = program_dir().ok()?;
    let u = match Upgrader::new(&config, &dir, state).and_then(|u| u.not_packaged().map(|()| u)) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!("upgrade: {e}");
            return None;
        }
    };
    let (server, offer) = match u.check() {
        Ok(Found::UpToDate { .. }) => {
            let _ = u.remember("up to date");
            return None;
        }
        Ok(Found::Newer { server, offer }) => (server, offer),
        Err(e) => {
            tracing::warn!("upgrade: {e}");
            let _ = u.remember(&e.to_string());
            return None;
        }
    };
    // not while a task runs: wait for it (looking every half minute, for an hour at
    // most, then the next turn); a scheduler that does not answer counts as busy
    let busy = || {
        npbackup_core::schedule::ipc::ask_at(
            &[socket.to_path_buf()],
            &npbackup_core::schedule::ipc::Request::Status,
        )
        .ok()
        .and_then(|r| r.status)
        .is_none_or(|s| s.tasks.iter().any(|t| t.running))
    };
    let mut waited = 0;
    while busy() {
        if waited >= 120 {
            tracing::info!(
                "upgrade to {} waits: a task is still running",
                offer.version
            );
            return None;
        }
        waited += 1;
        std::thread::sleep(std::time::Duration::from_secs(30));
    }
    match u.fetch(&server, &offer).and_then(|v| u.install(&v)) {
        Ok(installed) => {
            tracing::info!(
                version = installed.version,
                server,
                "upgraded: {}",
                paths(&installed.replaced)
            );
            Some(installed.version)
        }
        Err(e) => {
            tracing::error!("upgrade to {} failed: {e}", offer.version);
            let _ = u.remember(&e.to_string());
            None
        }
    }
}

/// Starts the scheduler again from the new program.
fn restart(exe: &std::path::Path, version: &str) {
    tracing::info!("starting the scheduler again as version {version}");
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        let e = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .exec();
        tracing::error!("could not start {} again: {e}", exe.display());
    }
    #[cfg(not(unix))]
    {
        let _ = exe;
        // the service manager starts it again (the service restarts on failure)
        std::process::exit(75);
    }
}
