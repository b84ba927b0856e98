//! `server.toml` in the server's folder: where its database is, where it listens,
//! its TLS certificate, how often machines check in. Owner-only: a PostgreSQL URL
//! may hold a password.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

pub const FILE: &str = "server.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Settings {
    /// `sqlite:///…/fleet.db` or `postgres://…`.
    pub database: String,
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    #[serde(default = "default_checkin")]
    pub checkin_seconds: u64,
    /// PEM chain and key, relative to the folder.
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
    /// Webhooks and mail when a machine becomes failed, overdue or missing.
    #[serde(
        default,
        skip_serializing_if = "crate::alerts::AlertSettings::is_empty"
    )]
    pub alerts: crate::alerts::AlertSettings,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8788))
}

fn default_checkin() -> u64 {
    300
}

/// `/var/lib/npbackup-server` for root, else the user's data folder.
pub fn default_data_dir() -> Option<PathBuf> {
    #[cfg(unix)]
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return Some(PathBuf::from("/var/lib/npbackup-server"));
    }
    directories::BaseDirs::new().map(|d| d.data_local_dir().join("npbackup-server"))
}

impl Settings {
    pub fn load(dir: &Path) -> Result<Settings, String> {
        let path = dir.join(FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "{} has no fleet server: run `npbackup-server --data {} init` first",
                    dir.display(),
                    dir.display()
                )
            } else {
                format!("cannot read {}: {e}", path.display())
            }
        })?;
        let s: Settings = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(1);
            format!("{}:{line}: {}", path.display(), e.message().trim())
        })?;
        if s.checkin_seconds < 10 {
            return Err(format!(
                "{}: checkin-seconds must be at least 10",
                path.display()
            ));
        }
        Ok(s)
    }

    /// Creates the folder (owner-only) and its settings; refuses to overwrite.
    pub fn create(
        dir: &Path,
        database: Option<String>,
        checkin_seconds: u64,
    ) -> Result<Settings, String> {
        let path = dir.join(FILE);
        if path.exists() {
            return Err(format!(
                "{} exists already: this folder has a fleet server",
                path.display()
            ));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| format!("cannot restrict {}: {e}", dir.display()))?;
        }
        let database = match database {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => url,
            Some(url) => {
                return Err(format!(
                    "--database takes a postgres:// URL (SQLite is the default), not '{}'",
                    npbackup_common::secret::mask_uri(&url)
                ));
            }
            None => {
                let abs = std::path::absolute(dir.join("fleet.db"))
                    .map_err(|e| format!("cannot resolve {}: {e}", dir.display()))?;
                format!("sqlite://{}?mode=rwc", abs.display())
            }
        };
        let s = Settings {
            database,
            listen: default_listen(),
            checkin_seconds: checkin_seconds.max(10),
            tls_cert: None,
            tls_key: None,
            alerts: Default::default(),
        };
        let text = toml::to_string(&s).map_err(|e| e.to_string())?;
        npbackup_common::fsutil::write_atomic(&path, text.as_bytes(), Some(0o600))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(s)
    }
}
