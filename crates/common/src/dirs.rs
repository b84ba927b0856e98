//! The brand's folders (named after `customization::SHORT_NAME`, so that two brands on
//! one machine never share files), for every layer.

use std::path::PathBuf;

use directories::ProjectDirs;

use crate::customization::{COMPANY, QUALIFIER, SHORT_NAME};

/// The brand's per-user folders (`~/.config/npbackup`, `~/.cache/npbackup`, …).
pub fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from(QUALIFIER, COMPANY, SHORT_NAME)
}

/// Where this user's locks and the scheduler's socket live (`$XDG_RUNTIME_DIR/npbackup`;
/// the system service sets `XDG_RUNTIME_DIR=/run`), else a folder in the data dir,
/// else the temp dir.
pub fn runtime_dir() -> PathBuf {
    let dirs = project_dirs();
    dirs.as_ref()
        .and_then(|d| d.runtime_dir().map(PathBuf::from))
        .or_else(|| dirs.as_ref().map(|d| d.data_local_dir().join("run")))
        .unwrap_or_else(|| std::env::temp_dir().join(SHORT_NAME))
}
