//! Secrets: the `Secret` type that keeps a password out of logs and output, and
//! `mask_uri`, which hides the password a location may hold. Where a secret comes
//! from (files, commands, the keyring) is the configuration's business.

use std::fmt;

/// A secret string. `Debug` never shows it and there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret itself, for handing to the engine. Never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Serde for the one place a secret is serialised on purpose: a job's spec,
/// written to the job process's stdin (never to argv, the environment or disk).
pub mod exposed {
    use super::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(s: &Secret, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(s.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// `exposed` for an optional secret.
pub mod exposed_opt {
    use super::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(s: &Option<Secret>, ser: S) -> Result<S::Ok, S::Error> {
        match s {
            Some(s) => ser.serialize_some(s.expose()),
            None => ser.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
        Option::<String>::deserialize(d).map(|o| o.map(Secret::new))
    }
}

/// Hides the password part of `scheme://user:password@host/…` in a URI.
pub fn mask_uri(uri: &str) -> String {
    let Some(scheme_end) = uri.find("://") else {
        return uri.to_string();
    };
    let rest = &uri[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &uri[..scheme_end + 3],
                    &userinfo[..colon],
                    &rest[at..]
                ),
                None => uri.to_string(),
            }
        }
        None => uri.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_uri_passwords_only() {
        assert_eq!(
            mask_uri("rest:http://alice:s3cret@host:8000/repo"),
            "rest:http://alice:***@host:8000/repo"
        );
        assert_eq!(
            mask_uri("rest:http://host:8000/repo"),
            "rest:http://host:8000/repo"
        );
        assert_eq!(mask_uri("/srv/backup"), "/srv/backup");
        assert_eq!(mask_uri("sftp://bob@host/x"), "sftp://bob@host/x");
    }

    #[test]
    fn secret_debug_hides_value() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
    }
}
