//! What a repository lets its users do (`permissions = "backup"` …), for
//! machines set up by an administrator, and the manager password (an argon2
//! hash in `[security]`) that guards changing them.

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use serde::{Deserialize, Serialize};

use super::Secret;
use crate::error::{Error, Result};

/// A repository's permission level. The default is `full`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    /// Back up and list.
    Backup,
    /// Back up, list, restore and check.
    Restore,
    /// List, browse and restore: nothing that writes to the repository.
    RestoreOnly,
    /// Everything, including forget, prune, keys and configuration.
    #[default]
    Full,
}

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Snapshots, ls, find, diff, stats, metrics, has-recent-snapshot.
    List,
    Backup,
    /// Restore, dump, browse.
    Restore,
    Check,
    /// Remove the locks of jobs that died.
    Unlock,
    /// Forget, prune, housekeeping, repair, keys, copy, init.
    Modify,
    /// Change the configuration or its secrets (keyring commands, the settings).
    Configure,
}

impl Op {
    /// What the operation does, in words ("backing up").
    pub fn describe(self) -> String {
        match self {
            Op::List => crate::t!("config-op-list"),
            Op::Backup => crate::t!("config-op-backup"),
            Op::Restore => crate::t!("config-op-restore"),
            Op::Check => crate::t!("config-op-check"),
            Op::Unlock => crate::t!("config-op-unlock"),
            Op::Modify => crate::t!("config-op-modify"),
            Op::Configure => crate::t!("config-op-configure"),
        }
    }
}

impl Permission {
    pub fn allows(self, op: Op) -> bool {
        match self {
            Permission::Full => true,
            Permission::Backup => matches!(op, Op::List | Op::Backup | Op::Unlock),
            Permission::Restore => matches!(
                op,
                Op::List | Op::Backup | Op::Restore | Op::Check | Op::Unlock
            ),
            Permission::RestoreOnly => matches!(op, Op::List | Op::Restore),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Permission::Backup => "backup",
            Permission::Restore => "restore",
            Permission::RestoreOnly => "restore-only",
            Permission::Full => "full",
        }
    }

    /// `Ok` when `op` is allowed on repository `repo`, else an error that says what
    /// is allowed and who can change it.
    pub fn check(self, repo: &str, op: Op) -> Result<()> {
        if self.allows(op) {
            return Ok(());
        }
        Err(Error::Denied(crate::t!(
            "config-op-denied",
            repo = repo,
            op = op.describe(),
            level = self.name(),
            allows = self.summary()
        )))
    }

    /// What the level allows, in words.
    pub fn summary(self) -> String {
        match self {
            Permission::Backup => crate::t!("config-allows-backup"),
            Permission::Restore => crate::t!("config-allows-restore"),
            Permission::RestoreOnly => crate::t!("config-allows-restore-only"),
            Permission::Full => crate::t!("config-allows-full"),
        }
    }
}

impl std::str::FromStr for Permission {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "backup" => Ok(Permission::Backup),
            "restore" => Ok(Permission::Restore),
            "restore-only" => Ok(Permission::RestoreOnly),
            "full" => Ok(Permission::Full),
            other => Err(crate::t!("config-bad-permission", value = other)),
        }
    }
}

/// The argon2id hash (PHC string) of a manager password.
pub fn hash_manager_password(password: &Secret) -> Result<String> {
    if password.expose().chars().count() < 8 {
        return Err(Error::Input(crate::t!("config-manager-password-too-short")));
    }
    hash_any_manager_password(password)
}

/// The argon2id hash of a manager password chosen elsewhere (an imported
/// configuration's), whatever its length: refusing it would leave the repository
/// unguarded.
pub fn hash_any_manager_password(password: &Secret) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            Error::Usage(crate::t!(
                "config-manager-password-unhashable",
                cause = e.to_string()
            ))
        })
}

/// Whether `password` matches the stored `hash`. A hash that cannot be read is
/// an error naming it, not a silent "no".
pub fn verify_manager_password(hash: &str, password: &Secret) -> Result<bool> {
    let parsed = PasswordHash::new(hash).map_err(|e| {
        Error::Usage(crate::t!(
            "config-manager-hash-unreadable",
            cause = e.to_string()
        ))
    })?;
    Ok(Argon2::default()
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_allow_what_they_say() {
        use Op::*;
        let all = [List, Backup, Restore, Check, Unlock, Modify, Configure];
        let allowed = |p: Permission| all.iter().filter(|o| p.allows(**o)).count();
        assert_eq!(allowed(Permission::Full), all.len());
        assert!(Permission::Backup.allows(Backup) && !Permission::Backup.allows(Restore));
        assert!(Permission::RestoreOnly.allows(Restore) && !Permission::RestoreOnly.allows(Backup));
        assert!(Permission::Restore.allows(Check) && !Permission::Restore.allows(Modify));
        for p in [
            Permission::Backup,
            Permission::Restore,
            Permission::RestoreOnly,
        ] {
            assert!(!p.allows(Modify) && !p.allows(Configure), "{p:?}");
        }
        let e = Permission::Backup
            .check("docs", Restore)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`docs`") && e.contains("\"backup\""), "{e}");
    }

    #[test]
    fn manager_passwords_hash_and_verify() {
        let h = hash_manager_password(&Secret::new("admin-secret-1")).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_manager_password(&h, &Secret::new("admin-secret-1")).unwrap());
        assert!(!verify_manager_password(&h, &Secret::new("admin-secret-2")).unwrap());
        assert!(verify_manager_password("not a hash", &Secret::new("x")).is_err());
        assert!(hash_manager_password(&Secret::new("short")).is_err());
    }
}
