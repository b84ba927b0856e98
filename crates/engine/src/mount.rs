//! A repository's snapshots as a read-only folder tree (FUSE, Linux), laid out as
//! restic's `mount` lays them out:
//!
//! ```text
//! ids/ID/…                 each snapshot by its short id
//! snapshots/TIME/…         by time (local, RFC 3339), `latest` a link to the newest
//! hosts/HOST/TIME/…        by host, each with its `latest`
//! tags/TAG/TIME/…          by tag, each with its `latest`
//! ```
//!
//! Two snapshots of the same second get `TIME-1`, `TIME-2`… after the first.
//! Folders are read from the repository when first opened (the last ones kept,
//! within [`CACHED_ENTRIES`]); file contents are read on demand through
//! rustic_core's blob cache (32 MiB), so memory stays bounded whatever is read.
//! The index is loaded once; the snapshots are those of the moment of mounting.
//!
//! One mount per process: [`unmount`] ends the one that is served (a cancel
//! calls it), and so does `umount MOUNTPOINT` from outside.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{OpenRepo, SnapshotFilter};
use crate::error::Result;

#[cfg(target_os = "linux")]
mod fuse;

/// The `phase` of the progress event a mount job sends once its folder can be read.
pub const MOUNTED_PHASE: &str = "mounted";

/// What to mount, and where.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MountRequest {
    /// An existing folder.
    pub mountpoint: PathBuf,
    /// Only the snapshots matching this.
    #[serde(default)]
    pub filter: SnapshotFilter,
}

/// What a mount showed, when it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountSummary {
    pub mountpoint: String,
    pub snapshots: u64,
    /// Whether a mount left by a killed run had to be removed first.
    #[serde(default)]
    pub stale_removed: bool,
}

/// Mounts the repository's snapshots at the request's mountpoint and serves them
/// until it is unmounted ([`unmount`], `umount`, `fusermount3 -u`). `ready` is
/// called once the folder can be read.
pub fn serve(
    open: OpenRepo,
    req: &MountRequest,
    ready: impl FnOnce(&MountSummary),
) -> Result<MountSummary> {
    #[cfg(target_os = "linux")]
    {
        fuse::serve(open, req, ready)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (open, req, ready);
        Err(crate::error::Error::Input(crate::t!("mount-linux-only")))
    }
}

/// Ends the mount this process serves, if any (its `serve` then returns). The
/// unmount is lazy: a file manager still inside the folder does not keep it.
pub fn unmount() {
    #[cfg(target_os = "linux")]
    fuse::unmount();
}

/// Whether mounting can work here, and if not, why (in words).
pub fn available() -> std::result::Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        fuse::available()
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(crate::t!("mount-linux-only"))
    }
}
