//! The wire protocol between a machine and its fleet server: JSON bodies over
//! HTTP(S) under [`API`], and how a machine signs every request after enrolment.
//!
//! **Signing.** A machine holds an ed25519 key pair (made at enrolment; the server
//! keeps only the public half). Each request carries its machine id, the time (Unix
//! seconds), a random nonce and an ed25519 signature over [`canonical`]: the
//! method, the path, those three headers and the SHA-256 of the body. The server
//! refuses a request whose time is more than [`MAX_SKEW_SECONDS`] away from its own
//! clock (saying by how much), whose nonce it has seen (a replay), or whose
//! signature does not verify (an altered request).
//!
//! **Sealing.** A machine also holds an X25519 key pair; secrets provisioned to it
//! (repository passwords…) travel as sealed boxes (`crypto_box`) that only its
//! private key opens: never in clear on the wire, nor in the server's logs.

use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use ed25519_dalek::{Signer as _, Verifier as _};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

pub use npbackup_core::fleet::{BackupFacts, JobReport};

/// The prefix of every route of the protocol.
pub const API: &str = "/fleet/v1";

/// How far a machine's clock may be from the server's.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// The headers of a signed request.
pub mod header {
    pub const MACHINE: &str = "x-npbackup-machine";
    pub const TIME: &str = "x-npbackup-time";
    pub const NONCE: &str = "x-npbackup-nonce";
    pub const SIGNATURE: &str = "x-npbackup-signature";
}

/// `POST /fleet/v1/enrol` (not signed: the token is the credential).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub token: String,
    /// The machine's ed25519 public key, base64.
    pub sign_key: String,
    /// The machine's X25519 public key, base64.
    pub box_key: String,
    pub hostname: String,
    pub os: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolReply {
    pub machine_id: String,
    pub group: String,
    /// How often the machine should check in.
    pub checkin_seconds: u64,
    pub server_time: i64,
}

/// `POST /fleet/v1/checkin`, signed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CheckIn {
    pub hostname: String,
    pub os: String,
    pub version: String,
    /// Free space where the configuration lives, bytes.
    pub free_bytes: Option<u64>,
    /// The configuration version the machine runs (0: none from the server yet).
    pub config_version: i64,
    /// The shortest `minimum-backup-age` of its repositories, seconds: a machine
    /// whose last backup is older is overdue.
    #[serde(default)]
    pub minimum_backup_age: Option<u64>,
    /// A configuration version the machine refused, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_failure: Option<ConfigFailure>,
    /// Job reports waiting in the machine's outbox.
    #[serde(default)]
    pub reports: Vec<JobReport>,
    /// Results of commands the server asked for.
    #[serde(default)]
    pub results: Vec<CommandResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigFailure {
    pub version: i64,
    pub error: String,
}

/// How long the server holds `GET /fleet/v1/wait` when no command waits.
pub const WAIT_SECONDS: u64 = 45;

/// `GET /fleet/v1/wait`, signed: answered at once when a command waits for the
/// machine, within seconds of one being queued, else after [`WAIT_SECONDS`]. The
/// machine then checks in, which delivers the commands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitReply {
    pub pending: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CheckInReply {
    /// The report ids the server stored (the machine removes them from its outbox).
    pub acknowledged: Vec<String>,
    /// The newest configuration version for this machine (0: none).
    pub config_version: i64,
    /// Work the administrator asked for.
    pub commands: Vec<Command>,
    pub checkin_seconds: u64,
    pub server_time: i64,
}

/// Something an administrator asked one machine to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    pub id: String,
    pub action: Action,
    /// One repository, or every configured one.
    #[serde(default)]
    pub repo: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Backup,
    Housekeeping,
    Check,
    /// Fetch the configuration again.
    Sync,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Backup => "backup",
            Action::Housekeeping => "housekeeping",
            Action::Check => "check",
            Action::Sync => "sync",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        [
            Action::Backup,
            Action::Housekeeping,
            Action::Check,
            Action::Sync,
        ]
        .into_iter()
        .find(|a| a.name() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandResult {
    pub id: String,
    pub ok: bool,
    pub message: String,
    pub finished_at: i64,
}

/// `GET /fleet/v1/config`, signed: the machine's configuration and its secrets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Provision {
    pub version: i64,
    /// The group's template with the machine's overrides, in our TOML schema,
    /// `${…}` variables left for the machine to expand.
    pub config: String,
    pub secrets: Vec<SealedSecret>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedSecret {
    pub name: String,
    /// A sealed box to the machine's X25519 key, base64.
    pub sealed: String,
}

/// Any refusal: what happened, for people, and its kind, for programs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refusal {
    /// "token", "revoked", "clock-skew", "replay", "signature", "unknown-machine",
    /// "input", "not-found", "internal".
    pub kind: String,
    pub error: String,
}

/// The bytes a machine signs for one request.
pub fn canonical(
    method: &str,
    path: &str,
    machine: &str,
    time: i64,
    nonce: &str,
    body: &[u8],
) -> Vec<u8> {
    let digest = hex(&Sha256::digest(body));
    format!(
        "npbackup-fleet-v1\n{}\n{path}\n{machine}\n{time}\n{nonce}\n{digest}",
        method.to_ascii_uppercase()
    )
    .into_bytes()
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` random bytes as hexadecimal (ids, nonces, tokens).
pub fn random_hex(n: usize) -> Result<String, String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(hex(&bytes))
}

fn random32() -> Result<[u8; 32], String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(seed)
}

/// A machine's two key pairs.
pub struct Keys {
    sign: ed25519_dalek::SigningKey,
    open: crypto_box::SecretKey,
}

impl Keys {
    /// Fresh keys from the OS's randomness.
    pub fn generate() -> Result<Keys, String> {
        Ok(Keys::from_seeds(random32()?, random32()?))
    }

    pub fn from_seeds(sign: [u8; 32], open: [u8; 32]) -> Keys {
        Keys {
            sign: ed25519_dalek::SigningKey::from_bytes(&sign),
            open: crypto_box::SecretKey::from(open),
        }
    }

    /// Both private seeds, base64, to be kept owner-only.
    pub fn to_private_text(&self) -> String {
        let mut both = self.sign.to_bytes().to_vec();
        both.extend_from_slice(&self.open.to_bytes());
        B64.encode(both)
    }

    pub fn from_private_text(text: &str) -> Result<Keys, String> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|e| format!("not base64: {e}"))?;
        if bytes.len() != 64 {
            return Err(format!("{} bytes where 64 were expected", bytes.len()));
        }
        let mut sign = [0u8; 32];
        let mut open = [0u8; 32];
        sign.copy_from_slice(&bytes[..32]);
        open.copy_from_slice(&bytes[32..]);
        Ok(Keys::from_seeds(sign, open))
    }

    /// The ed25519 public key, base64.
    pub fn sign_public(&self) -> String {
        B64.encode(self.sign.verifying_key().to_bytes())
    }

    /// The X25519 public key, base64.
    pub fn box_public(&self) -> String {
        B64.encode(self.open.public_key().as_bytes())
    }

    /// The headers that sign one request.
    pub fn sign_request(
        &self,
        machine: &str,
        method: &str,
        path: &str,
        body: &[u8],
        now: i64,
    ) -> Result<Vec<(&'static str, String)>, String> {
        let nonce = random_hex(16)?;
        let sig = self
            .sign
            .sign(&canonical(method, path, machine, now, &nonce, body));
        Ok(vec![
            (header::MACHINE, machine.to_string()),
            (header::TIME, now.to_string()),
            (header::NONCE, nonce),
            (header::SIGNATURE, B64.encode(sig.to_bytes())),
        ])
    }

    /// Opens a secret sealed to this machine.
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, String> {
        let bytes = B64
            .decode(sealed.trim())
            .map_err(|e| format!("not base64: {e}"))?;
        self.open
            .unseal(&bytes)
            .map_err(|_| "it was not sealed to this machine's key, or was altered".to_string())
    }
}

fn key32(b64: &str, what: &str) -> Result<[u8; 32], String> {
    let bytes = B64
        .decode(b64.trim())
        .map_err(|e| format!("the {what} is not base64: {e}"))?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| format!("the {what} has {} bytes, not 32", bytes.len()))
}

/// Checks that `sign_key` (base64) is a valid ed25519 public key.
pub fn check_sign_key(sign_key: &str) -> Result<(), String> {
    let k = key32(sign_key, "signing key")?;
    ed25519_dalek::VerifyingKey::from_bytes(&k)
        .map(|_| ())
        .map_err(|e| format!("the signing key is not an ed25519 key: {e}"))
}

/// Checks that `box_key` (base64) is 32 bytes (any 32 bytes are an X25519 key).
pub fn check_box_key(box_key: &str) -> Result<(), String> {
    key32(box_key, "sealing key").map(|_| ())
}

/// Verifies a request's signature with the machine's public key (base64).
pub fn verify(sign_key: &str, signature: &str, signed: &[u8]) -> Result<(), String> {
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key32(sign_key, "signing key")?)
        .map_err(|e| format!("the machine's key is not an ed25519 key: {e}"))?;
    let sig = B64
        .decode(signature.trim())
        .map_err(|_| "the signature is not base64".to_string())?;
    let sig = ed25519_dalek::Signature::from_slice(&sig)
        .map_err(|_| "the signature has the wrong length".to_string())?;
    key.verify(signed, &sig)
        .map_err(|_| "the signature does not match the request".to_string())
}

/// Seals `secret` to a machine's X25519 public key (base64); base64 out.
pub fn seal(box_key: &str, secret: &[u8]) -> Result<String, String> {
    let key = crypto_box::PublicKey::from(key32(box_key, "sealing key")?);
    let sealed = key
        .seal(&mut crypto_box::aead::OsRng, secret)
        .map_err(|_| "sealing failed".to_string())?;
    Ok(B64.encode(sealed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_request_verifies_and_an_altered_one_does_not() {
        let keys = Keys::generate().unwrap();
        let headers = keys
            .sign_request("m1", "post", "/fleet/v1/checkin", b"{}", 1000)
            .unwrap();
        let get = |name| headers.iter().find(|(n, _)| *n == name).unwrap().1.clone();
        let nonce = get(header::NONCE);
        let sig = get(header::SIGNATURE);
        let signed = canonical("POST", "/fleet/v1/checkin", "m1", 1000, &nonce, b"{}");
        verify(&keys.sign_public(), &sig, &signed).unwrap();
        for altered in [
            canonical("POST", "/fleet/v1/checkin", "m1", 1000, &nonce, b"{ }"),
            canonical("POST", "/fleet/v1/config", "m1", 1000, &nonce, b"{}"),
            canonical("POST", "/fleet/v1/checkin", "m2", 1000, &nonce, b"{}"),
            canonical("POST", "/fleet/v1/checkin", "m1", 1001, &nonce, b"{}"),
            canonical("POST", "/fleet/v1/checkin", "m1", 1000, "00", b"{}"),
        ] {
            assert!(verify(&keys.sign_public(), &sig, &altered).is_err());
        }
        let other = Keys::generate().unwrap();
        assert!(verify(&other.sign_public(), &sig, &signed).is_err());
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_machines_key() {
        let keys = Keys::generate().unwrap();
        let sealed = seal(&keys.box_public(), b"hunter2").unwrap();
        assert!(!sealed.contains("hunter2"));
        assert_eq!(keys.open(&sealed).unwrap(), b"hunter2");
        let other = Keys::generate().unwrap();
        assert!(other.open(&sealed).is_err());
        let mut bytes = B64.decode(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(keys.open(&B64.encode(bytes)).is_err());
    }

    #[test]
    fn keys_survive_their_text_form() {
        let keys = Keys::generate().unwrap();
        let again = Keys::from_private_text(&keys.to_private_text()).unwrap();
        assert_eq!(again.sign_public(), keys.sign_public());
        assert_eq!(again.box_public(), keys.box_public());
        assert!(Keys::from_private_text("AAAA").is_err());
        check_sign_key(&keys.sign_public()).unwrap();
        assert!(check_sign_key("AAAA").is_err());
    }
}
