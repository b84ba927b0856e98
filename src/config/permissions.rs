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
    pub fn describe(self) -> &'static str {
        match self {
            Op::List => "listing",
            Op::Backup => "backing up",
            Op::Restore => "restoring",
            Op::Check => "checking",
            Op::Unlock => "removing stale locks",
            Op::Modify => "changing the repository (forget, prune, keys…)",
            Op::Configure => "changing the configuration and its secrets",
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
        Err(Error::Denied(format!(
            "repository `{repo}` does not allow {} (its permissions are \"{}\": {}). The administrator of this machine can change that.",
            op.describe(),
            self.name(),
            self.summary()
        )))
    }

    /// What the level allows, in words.
    pub fn summary(self) -> &'static str {
        match self {
            Permission::Backup => "back up and list",
            Permission::Restore => "back up, list, restore and check",
            Permission::RestoreOnly => "list, browse and restore",
            Permission::Full => "everything",
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
            other => Err(format!(
                "`{other}` is not a permission level: use backup, restore, restore-only or full"
            )),
        }
    }
}

/// The argon2id hash (PHC string) of a manager password.
pub fn hash_manager_password(password: &Secret) -> Result<String> {
    if password.expose().chars().count() < 8 {
        return Err(Error::Input(
            "the manager password is too short: use at least 8 characters".into(),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Usage(format!("cannot hash the manager password: {e}")))
}

/// Whether `password` matches the stored `hash`. A hash that cannot be read is
/// an error naming it, not a silent "no".
pub fn verify_manager_password(hash: &str, password: &Secret) -> Result<bool> {
    let parsed = PasswordHash::new(hash).map_err(|e| {
        Error::Usage(format!(
            "security.manager-password-hash is not an argon2 hash ({e}): set it again with `{} permissions manager-password`",
            crate::customization::CLI_NAME
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
