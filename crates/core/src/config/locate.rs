//! Where configuration, data, cache and logs live. Directory names come from the
//! brand (`customization::SHORT_NAME`), so two brands on one machine never share files.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use crate::customization::SHORT_NAME;

/// The environment variable that names a config file when `-c` is not given.
pub const CONFIG_ENV: &str = "NPBACKUP_CONFIG";

fn project_dirs() -> Option<ProjectDirs> {
    npbackup_common::dirs::project_dirs()
}

/// The per-user config file (`~/.config/npbackup/npbackup.toml` on Linux).
pub fn user_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join(format!("{SHORT_NAME}.toml")))
}

/// The system-wide config file (`/etc/npbackup/npbackup.toml`).
pub fn system_config_path() -> PathBuf {
    PathBuf::from(format!("/etc/{SHORT_NAME}/{SHORT_NAME}.toml"))
}

/// Picks the config file: `-c PATH`, else `$NPBACKUP_CONFIG`, else the per-user
/// file if it exists, else the system file if it exists.
pub fn find_config(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = user_config_path().filter(|p| p.exists()) {
        return Some(p);
    }
    Some(system_config_path()).filter(|p| p.exists())
}

/// Where the embedded default repository is created (`~/.local/share/npbackup/repos/default`).
pub fn default_repository_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("repos").join("default"))
}

/// Where log files are written (`~/.local/state/npbackup/logs` on Linux).
pub fn log_dir() -> Option<PathBuf> {
    project_dirs().map(|d| {
        d.state_dir()
            .unwrap_or_else(|| d.data_local_dir())
            .join("logs")
    })
}

/// Where the scheduler keeps what it ran and when (`$XDG_STATE_HOME/npbackup`,
/// `~/.local/state/npbackup`; the system service sets `XDG_STATE_HOME=/var/lib`).
pub fn state_dir() -> Option<PathBuf> {
    project_dirs().map(|d| {
        d.state_dir()
            .unwrap_or_else(|| d.data_local_dir())
            .to_path_buf()
    })
}

/// Where this user's locks and the scheduler's socket live (`$XDG_RUNTIME_DIR/npbackup`;
/// the system service sets `XDG_RUNTIME_DIR=/run`), else a folder in the data dir,
/// else the temp dir.
pub fn runtime_dir() -> PathBuf {
    npbackup_common::dirs::runtime_dir()
}
