//! Repository passwords: where they come from (file, command, environment,
//! inline) and the `Secret` type that keeps them out of logs and output.
//! The OS keyring is one more source (`config::keyring`).

use std::{path::PathBuf, process::Command};

use crate::error::{Error, Result};
pub use npbackup_common::secret::{Secret, exposed, exposed_opt, mask_uri};

/// Where a repository's password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    Inline(Secret),
    File(PathBuf),
    Command(String),
    Env(String),
    /// The name of an entry in the OS keyring (see `config::keyring`).
    Keyring(String),
    /// Nothing configured: the front end may still find one in its own options.
    Missing,
}

impl PasswordSource {
    /// A short description for people, in their language ("password-file /path",
    /// never the secret).
    pub fn label(&self) -> String {
        match self {
            PasswordSource::Inline(_) => crate::t!("config-password-inline"),
            PasswordSource::Missing => crate::t!("config-password-none"),
            other => other.describe(),
        }
    }

    /// A short description for `--json` ("password-file /path", never the secret).
    pub fn describe(&self) -> String {
        match self {
            PasswordSource::Inline(_) => "inline password (in the config file)".into(),
            PasswordSource::File(p) => format!("password-file {}", p.display()),
            PasswordSource::Command(c) => format!("password-command `{c}`"),
            PasswordSource::Env(v) => format!("password-env ${v}"),
            PasswordSource::Keyring(k) => format!("password-keyring '{k}'"),
            PasswordSource::Missing => "none".into(),
        }
    }

    /// Obtains the password.
    pub fn resolve(&self) -> Result<Secret> {
        match self {
            PasswordSource::Inline(s) => Ok(s.clone()),
            PasswordSource::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Error::Credentials(crate::t!(
                        "config-password-file-unreadable",
                        path = path.display().to_string(),
                        cause = e.to_string()
                    ))
                })?;
                let line = text.lines().next().unwrap_or("").to_string();
                if line.is_empty() {
                    return Err(Error::Credentials(crate::t!(
                        "config-password-file-empty",
                        path = path.display().to_string()
                    )));
                }
                Ok(Secret::new(line))
            }
            PasswordSource::Command(cmd) => run_password_command(cmd),
            PasswordSource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
                _ => Err(Error::Credentials(crate::t!(
                    "config-password-env-unset",
                    var = var.as_str()
                ))),
            },
            PasswordSource::Keyring(key) => super::keyring::get(key),
            PasswordSource::Missing => Err(Error::Credentials(crate::t!("config-no-password"))),
        }
    }
}

/// Runs a password command (split like a shell would, but without a shell) and
/// takes the first line of its standard output.
fn run_password_command(cmd: &str) -> Result<Secret> {
    let words = shell_words::split(cmd).map_err(|e| {
        Error::Credentials(crate::t!(
            "config-password-command-unparsable",
            command = cmd,
            cause = e.to_string()
        ))
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(Error::Credentials(crate::t!(
            "config-password-command-empty"
        )));
    };
    let out = Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            Error::Credentials(crate::t!(
                "config-password-command-cannot-start",
                command = cmd,
                cause = e.to_string()
            ))
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Credentials(crate::t!(
            "config-password-command-failed",
            command = cmd,
            status = out.status.to_string(),
            stderr = stderr.trim()
        )));
    }
    let text = String::from_utf8(out.stdout).map_err(|_| {
        Error::Credentials(crate::t!("config-password-command-not-utf8", command = cmd))
    })?;
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        return Err(Error::Credentials(crate::t!(
            "config-password-command-nothing",
            command = cmd
        )));
    }
    Ok(Secret::new(line))
}

/// Whether a file can be read by its owner alone (mode `0600`/`0400`). Always true
/// where the platform has no such mode bits.
pub fn owner_only(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o077 == 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// Whether the file at `path` can be read by its owner alone (a missing file: yes,
/// as files are created so).
pub fn owner_only_path(path: &std::path::Path) -> bool {
    std::fs::metadata(path)
        .map(|m| owner_only(&m))
        .unwrap_or(true)
}

/// Refuses a config file that others could have changed, before running any
/// command it names: the file and its folder must not be writable by group or
/// others, and must belong to the current user or root.
pub fn check_safe_for_commands(path: &std::path::Path) -> crate::error::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: getuid cannot fail.
        let me = unsafe { libc::getuid() };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        for (what, p) in [("file", path), ("folder", dir)] {
            let meta = std::fs::metadata(p)
                .map_err(|e| crate::error::Error::io(crate::t!("io-checking"), p, e))?;
            let shown = p.display().to_string();
            let problem = if meta.mode() & 0o022 != 0 {
                Some(crate::t!(
                    "config-writable-by-others",
                    what = what,
                    path = shown.as_str()
                ))
            } else if meta.uid() != me && meta.uid() != 0 {
                Some(crate::t!(
                    "config-owned-by-another",
                    what = what,
                    path = shown.as_str(),
                    uid = meta.uid()
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(crate::error::Error::Config(vec![
                    crate::config::ConfigError {
                        file: path.to_path_buf(),
                        line: None,
                        key: String::new(),
                        message: crate::t!(
                            "config-unsafe-for-commands",
                            problem = problem,
                            path = p.display().to_string()
                        ),
                    },
                ]));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Backend option names whose values are secrets.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "secret",
        "token",
        "credential",
        "passphrase",
        "private_key",
        "sas",
        "account_key",
    ]
    .iter()
    .any(|w| k.contains(w))
        // B2's application key (not its id)
        || k == "application_key"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        assert!(is_secret_key("secret_access_key"));
        assert!(is_secret_key("password"));
        assert!(!is_secret_key("access_key_id"));
        assert!(is_secret_key("account_key") && is_secret_key("application_key"));
        assert!(!is_secret_key("application_key_id") && !is_secret_key("account_name"));
        assert!(!is_secret_key("bucket"));
    }
}
