//! Installing the scheduler as a service of the OS, so it starts at login (a user
//! service) or at boot (a system service) and is restarted if it fails:
//! systemd units on Linux, a launchd agent on macOS, a service of the service
//! manager on Windows (system only: `super::windows`, never built here, see the
//! README). The unit text is made here; `packaging/linux/` holds the same units for
//! distribution packages (a test keeps them identical).
// on Windows, the systemd and launchd parts are not used
#![cfg_attr(windows, allow(dead_code))]

use std::path::{Path, PathBuf};

use crate::{
    customization::{PRODUCT_NAME, SHORT_NAME},
    error::{Error, Result},
};

/// For whom the service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The installing user, from login to logout.
    User,
    /// The whole machine, as root, from boot.
    System,
}

impl Scope {
    fn systemctl_args(self) -> &'static [&'static str] {
        match self {
            Scope::User => &["--user"],
            Scope::System => &[],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::System => "system",
        }
    }
}

/// The unit's file name (`npbackup.service`).
pub fn unit_name() -> String {
    format!("{SHORT_NAME}.service")
}

/// Where the unit goes.
pub fn unit_path(scope: Scope) -> Result<PathBuf> {
    match scope {
        Scope::System => Ok(PathBuf::from("/etc/systemd/system").join(unit_name())),
        Scope::User => directories::BaseDirs::new()
            .map(|d| d.config_dir().join("systemd/user").join(unit_name()))
            .ok_or_else(|| Error::Usage(crate::t!("sched-no-home"))),
    }
}

/// The systemd unit that runs `exe daemon` on `config`.
pub fn systemd_unit(scope: Scope, exe: &Path, config: &Path) -> String {
    let quote = |p: &Path| {
        let s = p.display().to_string();
        if s.contains(char::is_whitespace) {
            format!("\"{s}\"")
        } else {
            s
        }
    };
    let (after, install, system_only) = match scope {
        Scope::User => ("", "default.target", String::new()),
        Scope::System => (
            "After=network-online.target\nWants=network-online.target\n",
            "multi-user.target",
            format!(
                "# state in /var/lib/{SHORT_NAME}, the socket in /run/{SHORT_NAME}\n\
                 Environment=XDG_STATE_HOME=/var/lib XDG_RUNTIME_DIR=/run\n\
                 StateDirectory={SHORT_NAME}\n\
                 RuntimeDirectory={SHORT_NAME}\n\
                 RuntimeDirectoryMode=0700\n\
                 ProtectSystem=full\n\
                 ProtectKernelTunables=yes\n\
                 ProtectKernelModules=yes\n\
                 ProtectControlGroups=yes\n\
                 ProtectClock=yes\n\
                 ProtectHostname=yes\n"
            ),
        ),
    };
    format!(
        "[Unit]\n\
         Description={PRODUCT_NAME} scheduler (backups and housekeeping on schedule)\n\
         Documentation=man:{SHORT_NAME}-cli(1)\n\
         {after}\
         \n\
         [Service]\n\
         Type=simple\n\
         ExecStart={exe} -c {config} daemon run\n\
         ExecReload=/bin/kill -HUP $MAINPID\n\
         Restart=on-failure\n\
         RestartSec=30s\n\
         # the daemon lets a running job finish for 30 s, then cancels it safely\n\
         KillMode=mixed\n\
         TimeoutStopSec=90s\n\
         NoNewPrivileges=yes\n\
         PrivateTmp=yes\n\
         RestrictSUIDSGID=yes\n\
         RestrictRealtime=yes\n\
         LockPersonality=yes\n\
         SystemCallArchitectures=native\n\
         {system_only}\
         \n\
         [Install]\n\
         WantedBy={install}\n",
        exe = quote(exe),
        config = quote(config),
    )
}

/// The launchd agent (macOS) that runs `exe daemon` on `config` at login.
pub fn launchd_agent(exe: &Path, config: &Path) -> String {
    let esc = |p: &Path| {
        p.display()
            .to_string()
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>{label}</string>
  <key>ProgramArguments</key>
  <array>
    <string>{exe}</string><string>-c</string><string>{config}</string>
    <string>daemon</string><string>run</string>
  </array>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
</dict>
</plist>
"#,
        label = launchd_label(),
        exe = esc(exe),
        config = esc(config),
    )
}

fn launchd_label() -> String {
    format!(
        "{}.{}",
        crate::customization::QUALIFIER,
        SHORT_NAME.to_ascii_lowercase()
    )
}

/// The Windows service's name for the service manager (`sc query npbackup`).
pub fn windows_service_name() -> &'static str {
    SHORT_NAME
}

/// The Windows service's name in the Services window.
pub fn windows_display_name() -> String {
    format!("{PRODUCT_NAME} scheduler")
}

/// What `print` shows: the systemd unit, the launchd agent, or on Windows the
/// `sc.exe` command that makes the same service as `install`.
pub fn unit_text(scope: Scope, exe: &Path, config: &Path) -> String {
    if cfg!(windows) {
        let command = format!(
            "\\\"{}\\\" -c \\\"{}\\\" daemon run --service",
            exe.display(),
            config.display()
        );
        format!(
            "sc.exe create {name} binPath= \"{command}\" start= auto DisplayName= \"{display}\"\n\
             sc.exe failure {name} reset= 86400 actions= restart/30000/restart/30000/restart/30000\n",
            name = windows_service_name(),
            display = windows_display_name(),
        )
    } else if cfg!(target_os = "macos") {
        launchd_agent(exe, config)
    } else {
        systemd_unit(scope, exe, config)
    }
}

/// Windows has a system service only (the desktop app runs the schedule while open).
#[cfg(windows)]
fn windows_scope(scope: Scope) -> Result<()> {
    match scope {
        Scope::System => Ok(()),
        Scope::User => Err(Error::Usage(crate::t!("sched-windows-user"))),
    }
}

/// What `install` did, in words, line by line.
pub fn install(scope: Scope, exe: &Path, config: &Path, start: bool) -> Result<Vec<String>> {
    #[cfg(windows)]
    return windows_scope(scope).and_then(|()| super::windows::install(exe, config, start));
    #[cfg(not(windows))]
    install_unix(scope, exe, config, start)
}

fn install_unix(scope: Scope, exe: &Path, config: &Path, start: bool) -> Result<Vec<String>> {
    if cfg!(target_os = "macos") {
        return install_launchd(exe, config, start);
    }
    if scope == Scope::System && !is_root() {
        return Err(Error::Usage(crate::t!("sched-system-needs-root")));
    }
    let path = unit_path(scope)?;
    write_file(&path, &systemd_unit(scope, exe, config))?;
    let mut said = vec![crate::t!("sched-wrote", path = path.display().to_string())];
    if start {
        systemctl(scope, &["daemon-reload"])?;
        systemctl(scope, &["enable", "--now", &unit_name()])?;
        said.push(if scope == Scope::User {
            crate::t!("sched-started-user", unit = unit_name())
        } else {
            crate::t!("sched-started-system", unit = unit_name())
        });
        if scope == Scope::User {
            said.push(crate::t!("sched-linger"));
        }
    } else {
        said.push(crate::t!(
            "sched-not-started",
            command = format!(
                "systemctl {}enable --now {}",
                if scope == Scope::User { "--user " } else { "" },
                unit_name()
            )
        ));
    }
    Ok(said)
}

/// What `uninstall` did.
pub fn uninstall(scope: Scope) -> Result<Vec<String>> {
    #[cfg(windows)]
    return windows_scope(scope).and_then(|()| super::windows::uninstall());
    #[cfg(not(windows))]
    uninstall_systemd(scope)
}

fn uninstall_systemd(scope: Scope) -> Result<Vec<String>> {
    let path = unit_path(scope)?;
    let mut said = Vec::new();
    if path.exists() {
        // stopping may fail when it is not running or systemd is not there: go on
        if let Err(e) = systemctl(scope, &["disable", "--now", &unit_name()]) {
            said.push(crate::t!("sched-note", note = e.to_string()));
        }
        std::fs::remove_file(&path).map_err(|e| Error::io(crate::t!("io-removing"), &path, e))?;
        let _ = systemctl(scope, &["daemon-reload"]);
        said.push(crate::t!(
            "sched-removed",
            path = path.display().to_string()
        ));
    } else {
        said.push(crate::t!(
            "sched-no-service",
            path = path.display().to_string()
        ));
    }
    Ok(said)
}

/// Whether the service is installed, enabled and running, in words.
pub fn status(scope: Scope) -> Result<Vec<String>> {
    #[cfg(windows)]
    return windows_scope(scope).and_then(|()| super::windows::query());
    #[cfg(not(windows))]
    status_systemd(scope)
}

fn status_systemd(scope: Scope) -> Result<Vec<String>> {
    let path = unit_path(scope)?;
    if !path.exists() {
        return Ok(vec![crate::t!(
            "sched-not-installed",
            path = path.display().to_string(),
            command = if scope == Scope::User {
                "service install --user"
            } else {
                "service install --system"
            }
        )]);
    }
    let query = |what: &str| {
        let mut cmd = std::process::Command::new("systemctl");
        cmd.args(scope.systemctl_args())
            .args([what, &unit_name()])
            .stdin(std::process::Stdio::null());
        cmd.output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|e| crate::t!("sched-unknown", cause = e.to_string()))
    };
    Ok(vec![
        crate::t!("sched-installed", path = path.display().to_string()),
        crate::t!("sched-enabled", state = query("is-enabled")),
        crate::t!("sched-running", state = query("is-active")),
    ])
}

/// The per-user scheduler service, as a switch in the window shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserService {
    /// Not installed.
    Off,
    /// Installed and running: backups go on with the window closed.
    Running,
    /// Installed, not running: systemd's word for it (or why it cannot be asked).
    Stopped(String),
}

/// Whether the per-user service is installed and running (systemd; elsewhere, or
/// where there is no per-user unit folder: off).
pub fn user_service() -> UserService {
    if !cfg!(target_os = "linux") {
        return UserService::Off;
    }
    let Ok(path) = unit_path(Scope::User) else {
        return UserService::Off;
    };
    if !path.exists() {
        return UserService::Off;
    }
    let out = std::process::Command::new("systemctl")
        .args(["--user", "is-active", &unit_name()])
        .stdin(std::process::Stdio::null())
        .output();
    match out {
        Ok(o) => {
            let state = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if state == "active" {
                UserService::Running
            } else if state.is_empty() {
                UserService::Stopped(String::from_utf8_lossy(&o.stderr).trim().to_string())
            } else {
                UserService::Stopped(state)
            }
        }
        Err(e) => UserService::Stopped(crate::t!("sched-no-systemctl", cause = e.to_string())),
    }
}

fn systemctl(scope: Scope, args: &[&str]) -> Result<()> {
    let out = std::process::Command::new("systemctl")
        .args(scope.systemctl_args())
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::Unreachable(crate::t!("sched-no-systemctl", cause = e.to_string())))?;
    if out.status.success() {
        return Ok(());
    }
    Err(Error::Unreachable(crate::t!(
        "sched-command-failed",
        command = format!(
            "systemctl {}{}",
            if scope == Scope::User { "--user " } else { "" },
            args.join(" ")
        ),
        cause = String::from_utf8_lossy(&out.stderr).trim()
    )))
}

fn install_launchd(exe: &Path, config: &Path, start: bool) -> Result<Vec<String>> {
    let dir = directories::BaseDirs::new()
        .map(|d| d.home_dir().join("Library/LaunchAgents"))
        .ok_or_else(|| Error::Usage(crate::t!("sched-no-home")))?;
    let path = dir.join(format!("{}.plist", launchd_label()));
    write_file(&path, &launchd_agent(exe, config))?;
    let mut said = vec![crate::t!("sched-wrote", path = path.display().to_string())];
    if start {
        let ok = std::process::Command::new("launchctl")
            .args(["load", "-w"])
            .arg(&path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            return Err(Error::Unreachable(crate::t!(
                "sched-launchctl-failed",
                command = format!("launchctl load -w {}", path.display())
            )));
        }
        said.push(crate::t!("sched-loaded"));
    }
    Ok(said)
}

/// Writes through a temporary file and a rename (a unit is never half written).
fn write_file(path: &Path, text: &str) -> Result<()> {
    crate::fsutil::write_atomic_in_new_folder(path, text.as_bytes(), None)
        .map_err(|e| Error::io(crate::t!("io-writing"), path, e))
}

fn is_root() -> bool {
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }
    #[cfg(not(unix))]
    {
        false
    }
}
