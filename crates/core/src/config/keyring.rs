//! Secrets in the OS keyring: the Secret Service on Linux (GNOME Keyring, KWallet,
//! KeePassXC), the Credential Manager on Windows, the Keychain on macOS. A config
//! names an entry (`password-keyring = "KEY"`, or `keyring:KEY` as a backend
//! option's value); the secret itself never reaches the file.
//!
//! Entries live under the brand's own service name, so two brands on one machine
//! keep separate secrets.

use std::{collections::HashMap, sync::Arc, sync::OnceLock};

use keyring_core::{CredentialStore, Entry};

use crate::{
    customization::{PRODUCT_NAME, SHORT_NAME},
    error::{Error, Result},
};
use npbackup_common::secret::Secret;

/// The prefix that makes a backend option's value a keyring reference.
pub const OPTION_PREFIX: &str = "keyring:";

/// The service name every entry of this brand is stored under.
pub fn service() -> String {
    SHORT_NAME.to_string()
}

/// Connects the platform's store once per process, unless a store was set already
/// (the tests' in-memory mock). The error says why there is no keyring.
pub fn available() -> std::result::Result<(), String> {
    static STORE: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    if keyring_core::get_default_store().is_some() {
        return Ok(());
    }
    STORE
        .get_or_init(|| {
            let store = platform_store()?;
            keyring_core::set_default_store(store);
            Ok(())
        })
        .clone()
}

#[cfg(target_os = "linux")]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
        && std::env::var_os("XDG_RUNTIME_DIR")
            .map(|d| !std::path::Path::new(&d).join("bus").exists())
            .unwrap_or(true)
    {
        return Err(crate::t!("config-keyring-no-dbus"));
    }
    zbus_secret_service_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| crate::t!("config-keyring-no-secret-service", cause = e.to_string()))
}

#[cfg(windows)]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| crate::t!("config-keyring-no-windows", cause = e.to_string()))
}

#[cfg(target_os = "macos")]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| crate::t!("config-keyring-no-macos", cause = e.to_string()))
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
fn platform_store() -> std::result::Result<Arc<CredentialStore>, String> {
    Err(crate::t!("config-keyring-no-platform"))
}

fn unavailable(why: String) -> Error {
    Error::Credentials(crate::t!("config-keyring-unavailable", why = why))
}

fn entry(key: &str, what: &str) -> Result<Entry> {
    available().map_err(unavailable)?;
    if key.trim().is_empty() {
        return Err(Error::Input(crate::t!("config-keyring-entry-needs-name")));
    }
    // The Secret Service shows a label in its manager (Seahorse, KWalletManager).
    let label = format!("{PRODUCT_NAME}: {what} ({key})");
    let modifiers: HashMap<&str, &str> = if cfg!(target_os = "linux")
        && keyring_core::get_default_store()
            .map(|s| s.vendor().contains("Secret Service"))
            .unwrap_or(false)
    {
        HashMap::from([("label", label.as_str())])
    } else {
        HashMap::new()
    };
    let service = service();
    let made = if modifiers.is_empty() {
        Entry::new(&service, key)
    } else {
        Entry::new_with_modifiers(&service, key, &modifiers)
    };
    made.map_err(|e| describe(key, e))
}

/// A keyring error in words, naming the entry (never its secret).
fn describe(key: &str, e: keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    match e {
        K::NoEntry => Error::Credentials(crate::t!(
            "config-keyring-no-entry",
            key = key,
            service = service()
        )),
        K::NoStorageAccess(inner) => Error::Credentials(crate::t!(
            "config-keyring-refused",
            key = key,
            cause = inner.to_string()
        )),
        K::PlatformFailure(inner) => unavailable(inner.to_string()),
        K::NoDefaultStore => unavailable(crate::t!("config-keyring-no-store")),
        other => Error::Credentials(crate::t!(
            "config-keyring-entry-error",
            key = key,
            cause = other.to_string()
        )),
    }
}

/// The secret stored under `key`.
pub fn get(key: &str) -> Result<Secret> {
    let e = entry(key, &crate::t!("config-keyring-what-secret"))?;
    let value = e.get_password().map_err(|err| describe(key, err))?;
    if value.is_empty() {
        return Err(Error::Credentials(crate::t!(
            "config-keyring-entry-empty",
            key = key
        )));
    }
    Ok(Secret::new(value))
}

/// Stores `secret` under `key`, replacing what was there. `what` says what it is
/// (for the entry's label in the keyring's manager).
pub fn set(key: &str, secret: &Secret, what: &str) -> Result<()> {
    if secret.expose().is_empty() {
        return Err(Error::Input(crate::t!("config-keyring-empty-secret")));
    }
    let e = entry(key, what)?;
    e.set_password(secret.expose())
        .map_err(|err| describe(key, err))
}

/// Removes the entry; `Ok(false)` when there was none.
pub fn delete(key: &str) -> Result<bool> {
    let e = entry(key, &crate::t!("config-keyring-what-secret"))?;
    match e.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring_core::Error::NoEntry) => Ok(false),
        Err(err) => Err(describe(key, err)),
    }
}

/// Whether secrets can really be kept: a store answers, and an entry can be
/// written, read back and removed (a Secret Service with no unlocked collection,
/// or none at all behind the bus name, fails here rather than at the first backup).
/// Why not, in words a person reads (the keyring's own error goes to the log).
pub fn works() -> std::result::Result<(), String> {
    // (why there is no store at all is said in words already)
    available()?;
    let key = "__probe__";
    let probe = "probe";
    let e = entry(key, &crate::t!("config-keyring-what-probe")).map_err(|e| {
        tracing::info!("the keyring's test entry: {e}");
        crate::t!("config-keyring-why-none")
    })?;
    let round_trip = e
        .set_password(probe)
        .and_then(|()| e.get_password())
        .map(|got| got == probe);
    let _ = e.delete_credential();
    match round_trip {
        Ok(true) => Ok(()),
        Ok(false) => Err(crate::t!("config-keyring-why-forgets")),
        Err(err) => {
            tracing::info!("the keyring's test entry: {err}");
            Err(match err {
                keyring_core::Error::NoStorageAccess(_) => crate::t!("config-keyring-why-locked"),
                keyring_core::Error::PlatformFailure(_) | keyring_core::Error::NoDefaultStore => {
                    crate::t!("config-keyring-why-none")
                }
                _ => crate::t!("config-keyring-why-forgets"),
            })
        }
    }
}

/// The keyring's name ("Secret Service store, …"), or why there is none.
pub fn describe_store() -> std::result::Result<String, String> {
    works()?;
    keyring_core::get_default_store()
        .map(|s| s.vendor())
        .ok_or_else(|| crate::t!("config-keyring-no-store"))
}

/// The prefix that makes a backend option's value the first line of a file (an
/// owner-only file, where no keyring is: `config import` writes them).
pub const FILE_OPTION_PREFIX: &str = "file:";

/// Whether a backend option's value is a reference to a secret, not the value.
pub fn is_option_reference(value: &str) -> bool {
    value.starts_with(OPTION_PREFIX) || value.starts_with(FILE_OPTION_PREFIX)
}

/// Resolves a backend option value: `keyring:KEY` from the keyring, `file:PATH` from
/// the first line of that file, anything else as is.
pub fn resolve_option(value: &str) -> Result<String> {
    if let Some(key) = value.strip_prefix(OPTION_PREFIX) {
        return get(key).map(|s| s.expose().to_string());
    }
    if let Some(path) = value.strip_prefix(FILE_OPTION_PREFIX) {
        return std::fs::read_to_string(path)
            .map(|text| text.lines().next().unwrap_or_default().to_string())
            .map_err(|e| {
                Error::Credentials(crate::t!(
                    "config-password-file-unreadable",
                    path = path,
                    cause = e.to_string()
                ))
            });
    }
    Ok(value.to_string())
}

/// A keyring entry name for a new secret of `repo`: the repository name plus a
/// random suffix, so two configuration files never share one by accident.
pub fn new_key(repo: &str, what: &str) -> String {
    let mut bytes = [0u8; 4];
    let suffix = match getrandom::fill(&mut bytes) {
        Ok(()) => bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        Err(_) => format!("{:08x}", std::process::id()),
    };
    format!("{repo}-{what}-{suffix}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The in-memory store, set once for the whole test binary.
    pub fn use_mock_store() {
        static ONCE: OnceLock<()> = OnceLock::new();
        ONCE.get_or_init(|| {
            let store = keyring_core::mock::Store::new().expect("the mock store");
            keyring_core::set_default_store(store);
        });
    }

    #[test]
    fn round_trip_in_the_mock_store() {
        use_mock_store();
        let key = new_key("unit", "password");
        assert!(
            matches!(get(&key), Err(Error::Credentials(m)) if m.contains(&key) && m.contains("keyring set"))
        );
        set(&key, &Secret::new("correct horse"), "password").unwrap();
        assert_eq!(get(&key).unwrap().expose(), "correct horse");
        set(&key, &Secret::new("battery staple"), "password").unwrap();
        assert_eq!(get(&key).unwrap().expose(), "battery staple");
        assert_eq!(
            resolve_option(&format!("keyring:{key}")).unwrap(),
            "battery staple"
        );
        assert_eq!(resolve_option("plain").unwrap(), "plain");
        assert!(delete(&key).unwrap());
        assert!(!delete(&key).unwrap());
        assert!(get(&key).is_err());
    }

    #[test]
    fn empty_names_and_secrets_are_refused() {
        use_mock_store();
        assert!(matches!(get(" "), Err(Error::Input(_))));
        assert!(matches!(
            set("unit-empty", &Secret::new(""), "password"),
            Err(Error::Input(_))
        ));
    }

    #[test]
    fn new_keys_differ() {
        let a = new_key("docs", "password");
        assert!(a.starts_with("docs-password-"));
        assert_ne!(a, new_key("docs", "password"));
    }
}
