//! `fleet`: this machine and its fleet server. `enrol` joins it with a token (and
//! takes its configuration), `status` tells which server, which configuration
//! version and when it last synced, `checkin` reports and runs what the
//! administrator asked for, `sync` fetches the configuration, `leave` forgets the
//! enrolment here.

use std::{
    path::PathBuf,
    process::{Command, Stdio},
};

use clap::Subcommand;
use npbackup_fleet::{
    Fleet, Synced,
    protocol::{Action, CommandResult},
};

use super::{Context, output};
use crate::error::{Error, Result, exit};

#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// Join a fleet server with an enrolment token; its configuration replaces this
    /// machine's (-c FILE, else the per-user file).
    Enrol {
        /// The server's address (https://…).
        server: String,
        /// The enrolment token (also $NPBACKUP_FLEET_TOKEN, which keeps it out of the process list).
        #[arg(env = "NPBACKUP_FLEET_TOKEN", hide_env_values = true)]
        token: String,
        /// Another address of the server, tried in order when the first does not answer.
        #[arg(long, value_name = "URL")]
        fallback: Vec<String>,
        /// Certificates (PEM) to trust for the server, beside the system's.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
    },
    /// Which server, which configuration version, when last synced and checked in.
    Status,
    /// Report to the server now, then run what it asked for and report that too.
    Checkin,
    /// Fetch the configuration now (applied if newer and valid).
    Sync,
    /// Forget the enrolment on this machine (the configuration file stays).
    Leave,
}

fn fleet_dir() -> Result<PathBuf> {
    npbackup_core::fleet::dir().ok_or_else(|| Error::Usage(crate::t!("fleet-no-state-dir")))
}

fn enrolled() -> Result<Fleet> {
    Fleet::load(&fleet_dir()?)?.ok_or_else(|| Error::Usage(crate::t!("fleet-not-enrolled")))
}

fn when(t: Option<i64>) -> String {
    t.and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|| crate::t!("fleet-never"))
}

fn say_synced(s: &Synced) {
    match s {
        Synced::UpToDate { version: 0 } => println!("{}", crate::t!("fleet-no-config-yet")),
        Synced::UpToDate { version } => {
            println!(
                "{}",
                crate::t!("fleet-config-up-to-date", version = *version)
            )
        }
        Synced::Applied { version, .. } => {
            println!("{}", crate::t!("fleet-config-applied", version = *version))
        }
        Synced::Refused { version, error } => eprintln!(
            "{}",
            crate::t!(
                "cli-warning",
                message = crate::t!(
                    "fleet-config-refused",
                    version = *version,
                    error = error.as_str()
                )
            )
        ),
    }
}

pub fn fleet_cmd(ctx: &Context, cmd: FleetCommand) -> Result<i32> {
    match cmd {
        FleetCommand::Enrol {
            server,
            token,
            fallback,
            ca,
        } => {
            let config = ctx
                .global
                .config
                .clone()
                .or_else(crate::config::user_config_path)
                .ok_or_else(|| Error::Usage(crate::t!("fleet-no-config-path")))?;
            let mut servers = vec![server];
            servers.extend(fallback);
            let (fleet, synced) =
                Fleet::enrol(&fleet_dir()?, &servers, &token, &config, ca.as_deref())?;
            if ctx.global.json {
                output::print_json(
                    "fleet-enrol",
                    None,
                    &serde_json::json!({
                        "machine_id": fleet.state.machine_id,
                        "group": fleet.state.group,
                        "server": fleet.state.last_server,
                        "config": fleet.state.config_path,
                        "sync": synced,
                    }),
                );
            } else {
                println!(
                    "{}",
                    crate::t!(
                        "fleet-enrolled",
                        machine = fleet.state.machine_id.as_str(),
                        group = fleet.state.group.as_str(),
                        server = fleet.state.last_server.clone().unwrap_or_default()
                    )
                );
                say_synced(&synced);
            }
            Ok(match synced {
                Synced::Refused { .. } => exit::PARTIAL,
                _ => exit::OK,
            })
        }
        FleetCommand::Status => {
            let Some(fleet) = Fleet::load(&fleet_dir()?)? else {
                if ctx.global.json {
                    output::print_json(
                        "fleet-status",
                        None,
                        &serde_json::json!({ "enrolled": false }),
                    );
                } else {
                    println!("{}", crate::t!("fleet-not-enrolled"));
                }
                return Ok(exit::OK);
            };
            let s = &fleet.state;
            let waiting = npbackup_core::fleet::pending(fleet.dir()).len();
            if ctx.global.json {
                output::print_json(
                    "fleet-status",
                    None,
                    &serde_json::json!({
                        "enrolled": true,
                        "machine_id": s.machine_id,
                        "group": s.group,
                        "servers": s.servers,
                        "last_server": s.last_server,
                        "config": s.config_path,
                        "config_version": s.config_version,
                        "last_sync": s.last_sync,
                        "last_checkin": s.last_checkin,
                        "checkin_seconds": s.checkin_seconds,
                        "last_error": s.last_error,
                        "refused": s.config_failure,
                        "reports_waiting": waiting,
                        "identity_in_keyring": s.identity_in_keyring,
                    }),
                );
            } else {
                println!(
                    "{}",
                    crate::t!(
                        "fleet-status-machine",
                        machine = s.machine_id.as_str(),
                        group = s.group.as_str()
                    )
                );
                println!(
                    "{}",
                    crate::t!("fleet-status-servers", servers = s.servers.join(", "))
                );
                println!(
                    "{}",
                    crate::t!(
                        "fleet-status-config",
                        version = s.config_version,
                        file = s.config_path.display().to_string(),
                        when = when(s.last_sync)
                    )
                );
                println!(
                    "{}",
                    crate::t!(
                        "fleet-status-checkin",
                        when = when(s.last_checkin),
                        minutes = s.checkin_seconds.div_ceil(60),
                        n = waiting
                    )
                );
                if let Some(f) = &s.config_failure {
                    println!(
                        "{}",
                        crate::t!(
                            "fleet-config-refused",
                            version = f.version,
                            error = f.error.as_str()
                        )
                    );
                }
                if let Some(e) = &s.last_error {
                    println!("{}", crate::t!("fleet-status-error", error = e.as_str()));
                }
            }
            Ok(exit::OK)
        }
        FleetCommand::Sync => {
            let mut fleet = enrolled()?;
            let synced = fleet.sync()?;
            if ctx.global.json {
                output::print_json("fleet-sync", None, &synced);
            } else {
                say_synced(&synced);
            }
            Ok(match synced {
                Synced::Refused { .. } => exit::PARTIAL,
                _ => exit::OK,
            })
        }
        FleetCommand::Checkin => {
            let mut fleet = enrolled()?;
            let ran = checkin_and_run(&mut fleet, !ctx.global.json)?;
            if ctx.global.json {
                output::print_json(
                    "fleet-checkin",
                    None,
                    &serde_json::json!({
                        "server": fleet.state.last_server,
                        "config_version": fleet.state.config_version,
                        "commands": ran,
                    }),
                );
            } else {
                println!(
                    "{}",
                    crate::t!(
                        "fleet-checked-in",
                        server = fleet.state.last_server.clone().unwrap_or_default(),
                        n = ran.len()
                    )
                );
                for r in &ran {
                    println!(
                        "  {} {}: {}",
                        r.id,
                        if r.ok { "ok" } else { "failed" },
                        r.message
                    );
                }
            }
            Ok(if ran.iter().all(|r| r.ok) {
                exit::OK
            } else {
                exit::FAILED
            })
        }
        FleetCommand::Leave => {
            let fleet = enrolled()?;
            let server = fleet.state.servers.join(", ");
            fleet.leave()?;
            println!("{}", crate::t!("fleet-left", server = server));
            Ok(exit::OK)
        }
    }
}

/// One check-in, then each command the server asked for, run as its own
/// invocation of this program (as the scheduler runs jobs), then a second
/// check-in that reports their results (and the reports of the jobs).
pub fn checkin_and_run(fleet: &mut Fleet, talk: bool) -> Result<Vec<CommandResult>> {
    let (reply, synced) = fleet.checkin()?;
    if let Some(s) = &synced {
        if talk {
            say_synced(s);
        } else {
            tracing::info!("fleet configuration: {s:?}");
        }
    }
    let mut ran = Vec::new();
    for c in reply.commands {
        let result = match c.action {
            Action::Sync => match fleet.sync() {
                Ok(Synced::Refused { error, .. }) => (false, error),
                Ok(_) => (
                    true,
                    format!("configuration version {}", fleet.state.config_version),
                ),
                Err(e) => (false, e.to_string()),
            },
            action => run_job(&fleet.state.config_path, action, c.repo.as_deref()),
        };
        let r = CommandResult {
            id: c.id,
            ok: result.0,
            message: result.1,
            finished_at: jiff::Timestamp::now().as_second(),
        };
        fleet.finished(r.clone())?;
        ran.push(r);
    }
    if !ran.is_empty() {
        // the results (and the jobs' reports) now, not at the next interval
        fleet.checkin()?;
    }
    Ok(ran)
}

/// Runs `action` on `repo` (or every repository) of `config`; (ok, what to tell).
fn run_job(config: &std::path::Path, action: Action, repo: Option<&str>) -> (bool, String) {
    let exe = match crate::jobs::worker::this_program() {
        Ok(p) => p,
        Err(e) => return (false, e.to_string()),
    };
    let mut cmd = Command::new(exe);
    cmd.arg("-c").arg(config);
    match repo {
        Some(r) => cmd.arg("--repo").arg(r),
        None => cmd.arg("--all"),
    };
    // a job of the scheduler may hold the repository: wait for it rather than fail
    cmd.args(["--no-progress", "--quiet", "--wait", action.name()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    match cmd.output() {
        Ok(out) if out.status.success() => (true, format!("{} done", action.name())),
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .to_string();
            (
                false,
                format!(
                    "{} failed (exit {}): {last}",
                    action.name(),
                    out.status.code().unwrap_or(-1)
                ),
            )
        }
        Err(e) => (false, format!("{} could not start: {e}", action.name())),
    }
}

/// The scheduler's side: while `daemon run` runs, a thread checks in every interval
/// the server gave (with up to a tenth of it at random, so a thousand machines
/// started together do not all call at once), and soon after a job adds a report
/// to the outbox. Between check-ins it holds a wait on the server (long-poll), so a
/// command queued by `run-now` starts within seconds. A failed check-in is logged
/// and tried at the next turn.
pub fn background() -> Option<std::thread::JoinHandle<()>> {
    // started enrolled or not: a machine enrolled (or removed) while the scheduler runs is
    // noticed within a minute, without restarting the service
    let dir = npbackup_core::fleet::dir()?;
    let spawned = std::thread::Builder::new()
        .name("fleet-checkin".into())
        .spawn(move || {
            use std::time::{Duration, Instant};
            let mut next = Instant::now();
            // reports waiting call for a check-in now, unless the last one failed
            let mut healthy = true;
            let pause = || {
                std::thread::sleep(Duration::from_secs(15));
                false
            };
            let later = |secs: u64| Instant::now() + Duration::from_secs(secs + jitter(secs / 10));
            loop {
                // read once a turn: for the check-in when due, then for the wait
                let mut fleet = match Fleet::load(&dir) {
                    Ok(Some(fleet)) => fleet,
                    Ok(None) => {
                        if Instant::now() >= next {
                            next = later(60);
                        }
                        healthy = true;
                        pause();
                        continue;
                    }
                    Err(e) => {
                        if Instant::now() >= next {
                            tracing::warn!("fleet check-in: {e}");
                            next = later(300);
                        }
                        healthy = false;
                        pause();
                        continue;
                    }
                };
                let waiting = healthy && !npbackup_core::fleet::pending(&dir).is_empty();
                if Instant::now() >= next || waiting {
                    healthy = match checkin_and_run(&mut fleet, false) {
                        Ok(ran) => {
                            tracing::info!(
                                commands = ran.len(),
                                "checked in at {}",
                                fleet.state.last_server.clone().unwrap_or_default()
                            );
                            true
                        }
                        Err(e) => {
                            tracing::warn!("fleet check-in: {e}");
                            false
                        }
                    };
                    next = later(fleet.state.checkin_seconds.max(10));
                }
                // between check-ins, hold a wait on the server, so a run-now starts
                // within seconds; without an answer, look again in 15 s
                let woken = if healthy {
                    fleet.wait().unwrap_or_else(|e| {
                        tracing::debug!("fleet wait: {e}");
                        pause()
                    })
                } else {
                    pause()
                };
                if woken {
                    next = Instant::now();
                }
            }
        });
    match spawned {
        Ok(h) => Some(h),
        Err(e) => {
            tracing::warn!("cannot start the fleet check-ins: {e}");
            None
        }
    }
}

/// A random number of seconds up to `max`.
fn jitter(max: u64) -> u64 {
    let mut b = [0u8; 8];
    if max == 0 || getrandom::fill(&mut b).is_err() {
        return 0;
    }
    u64::from_le_bytes(b) % (max + 1)
}
