//! Pre- and post-backup commands, run by the job process through the shell,
//! each with a time limit; their output becomes job log events.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};

use super::{JobEvent, stream::emit};

/// The commands around a backup.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Hooks {
    pub pre: Vec<String>,
    pub pre_timeout: Option<Duration>,
    pub pre_failure_is_fatal: bool,
    pub post: Vec<String>,
    pub post_timeout: Option<Duration>,
    pub post_failure_is_fatal: bool,
    pub post_run_on_failure: bool,
}

/// The process group of the command running now (0: none), so that cancelling the
/// job stops it too.
static RUNNING: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);
static CANCEL_HOOK: std::sync::Once = std::sync::Once::new();

fn stop_running_command() {
    let pgid = RUNNING.swap(0, std::sync::atomic::Ordering::SeqCst);
    #[cfg(unix)]
    if pgid > 0 {
        // SAFETY: killing the process group of a command this job started.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

/// The default time limit of one command.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3600);

fn shell(cmd: &str) -> Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let mut c = Command::new("/bin/sh");
        // its own process group, so that a time-out stops everything it started
        c.arg("-c").arg(cmd).process_group(0);
        c
    }
    #[cfg(not(unix))]
    {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(cmd);
        c
    }
}

/// Runs `commands` in order; returns the first failure ("`cmd` …: why").
pub fn run_commands(
    what: &str,
    commands: &[String],
    timeout: Option<Duration>,
    env: &[(&str, String)],
) -> Result<(), String> {
    let timeout = timeout.unwrap_or(DEFAULT_TIMEOUT);
    CANCEL_HOOK.call_once(|| super::stream::on_cancel(stop_running_command));
    for cmd in commands {
        emit(&JobEvent::Log {
            level: "info".into(),
            message: format!("{what} command: {cmd}"),
        });
        let mut child = shell(cmd)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                crate::t!(
                    "job-hook-cannot-start",
                    what = what,
                    command = cmd.as_str(),
                    cause = e.to_string()
                )
            })?;
        RUNNING.store(
            i32::try_from(child.id()).unwrap_or(0),
            std::sync::atomic::Ordering::SeqCst,
        );
        let forward = |stream: Option<Box<dyn std::io::Read + Send>>, level: &'static str| {
            stream.map(|s| {
                std::thread::spawn(move || {
                    for line in BufReader::new(s).lines().map_while(Result::ok) {
                        emit(&JobEvent::Log {
                            level: level.into(),
                            message: line,
                        });
                    }
                })
            })
        };
        let out = forward(
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            "info",
        );
        let err = forward(
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            "warn",
        );
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if started.elapsed() > timeout => {
                    #[cfg(unix)]
                    // SAFETY: killing the process group we created for this command.
                    unsafe {
                        libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
                    }
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(crate::t!(
                        "job-hook-timed-out",
                        what = what,
                        command = cmd.as_str(),
                        limit = crate::humanize::span(timeout)
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => {
                    break Err(crate::t!(
                        "job-hook-error",
                        what = what,
                        command = cmd.as_str(),
                        cause = e.to_string()
                    ));
                }
            }
        };
        RUNNING.store(0, std::sync::atomic::Ordering::SeqCst);
        for t in [out, err].into_iter().flatten() {
            let _ = t.join();
        }
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => {
                return Err(crate::t!(
                    "job-hook-failed",
                    what = what,
                    command = cmd.as_str(),
                    status = s.to_string()
                ));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
