//! Who may use the web interface: users (argon2 hashes of their passwords) and
//! bearer tokens (SHA-256 of 32 random bytes: a token is a key, not a password, so
//! a fast hash loses nothing), sessions, and the login limiter. Nothing here keeps
//! a password or a token in clear beyond the request that carries it.

use std::{
    collections::HashMap,
    net::IpAddr,
    time::{Duration, Instant},
};

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::Engine as _;
use npbackup_common::{Error, Result, secret::Secret, t};
use npbackup_core::config::schema::Role;
use sha2::{Digest, Sha256};

/// The shortest password a web user may have.
pub const MIN_PASSWORD: usize = 10;

/// The argon2id hash (PHC string) of a web user's password.
pub fn hash_password(password: &Secret) -> Result<String> {
    if password.expose().chars().count() < MIN_PASSWORD {
        return Err(Error::Input(t!(
            "web-password-too-short",
            min = MIN_PASSWORD
        )));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Usage(t!("web-password-unhashable", cause = e.to_string())))
}

/// Whether `password` matches `hash` (an unreadable hash never matches).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh random value, URL-safe: session ids, CSRF tokens, bearer tokens.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Usage(t!("web-no-randomness", cause = e.to_string())))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A new bearer token: what to show once, and what to store.
pub fn new_token() -> Result<(Secret, String)> {
    let token = format!("npb_{}", random_token()?);
    let hash = token_hash(&token);
    Ok((Secret::new(token), hash))
}

/// What the configuration stores of a bearer token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two strings in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A logged-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub role: Role,
    pub csrf: String,
    pub last_seen: Instant,
}

/// The sessions of this server (they end with it).
#[derive(Default)]
pub struct Sessions {
    by_id: std::sync::Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Opens a session for `user`; returns its id.
    pub fn open(&self, user: &str, role: Role) -> Result<(String, Session)> {
        let id = random_token()?;
        let session = Session {
            user: user.to_string(),
            role,
            csrf: random_token()?,
            last_seen: Instant::now(),
        };
        self.lock().insert(id.clone(), session.clone());
        Ok((id, session))
    }

    /// The live session `id`, touched; one idle longer than `idle` is ended.
    pub fn touch(&self, id: &str, idle: Duration) -> Option<Session> {
        let mut all = self.lock();
        let now = Instant::now();
        all.retain(|_, s| now.duration_since(s.last_seen) <= idle);
        let s = all.get_mut(id)?;
        s.last_seen = now;
        Some(s.clone())
    }

    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.by_id.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Failed logins per user and address: after `MAX_ATTEMPTS` in a minute, the
/// next attempts are refused without looking at the password.
#[derive(Default)]
pub struct Limiter {
    failures: std::sync::Mutex<HashMap<(String, IpAddr), Vec<Instant>>>,
}

pub const MAX_ATTEMPTS: usize = 5;
const WINDOW: Duration = Duration::from_secs(60);

impl Limiter {
    /// Whether `user` may try to log in from `from` now.
    pub fn allowed(&self, user: &str, from: IpAddr) -> bool {
        let mut all = self.lock();
        let now = Instant::now();
        all.retain(|_, times| {
            times.retain(|t| now.duration_since(*t) < WINDOW);
            !times.is_empty()
        });
        all.get(&(user.to_string(), from))
            .is_none_or(|times| times.len() < MAX_ATTEMPTS)
    }

    /// Counts a failed login.
    pub fn failed(&self, user: &str, from: IpAddr) {
        self.lock()
            .entry((user.to_string(), from))
            .or_default()
            .push(Instant::now());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, IpAddr), Vec<Instant>>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password(&Secret::new("correct horse")).expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horsf"));
        assert!(!verify_password("not a hash", "correct horse"));
        assert!(hash_password(&Secret::new("short")).is_err());
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, ha) = new_token().expect("token");
        let (b, _) = new_token().expect("token");
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().starts_with("npb_") && a.expose().len() > 40);
        assert_eq!(ha, token_hash(a.expose()));
        assert_eq!(ha.len(), 64);
        assert!(!ha.contains(a.expose()));
        assert!(same(&ha, &token_hash(a.expose())));
        assert!(!same(&ha, &token_hash(b.expose())));
    }

    #[test]
    fn after_five_failures_in_a_minute_that_user_and_address_are_refused() {
        let l = Limiter::default();
        let here: IpAddr = [127, 0, 0, 1].into();
        let there: IpAddr = [127, 0, 0, 2].into();
        for _ in 0..MAX_ATTEMPTS {
            assert!(l.allowed("ann", here));
            l.failed("ann", here);
        }
        assert!(!l.allowed("ann", here));
        assert!(l.allowed("ann", there));
        assert!(l.allowed("bob", here));
    }

    #[test]
    fn an_idle_session_ends() {
        let s = Sessions::default();
        let (id, _) = s.open("ann", Role::Viewer).expect("open");
        assert!(s.touch(&id, Duration::from_secs(60)).is_some());
        std::thread::sleep(Duration::from_millis(20));
        assert!(s.touch(&id, Duration::from_millis(5)).is_none());
        assert!(
            s.touch(&id, Duration::from_secs(60)).is_none(),
            "ended for good"
        );
    }
}
