//! Signed releases: what the upgrade server and a machine agree on.
//!
//! A release is one file (a single executable, or a `.tar.gz` of the build's
//! executables) for one platform, architecture and build, signed with a minisign
//! (ed25519) release key. The signature's **trusted comment** names the product,
//! version, platform, architecture, build and file, so a server cannot pass an old
//! signed file off as a new version, nor one build's file as another's: the
//! machine checks both the signature and what it says. Machines trust the public
//! keys built in from the brand (`resources/release-keys.pub`) and those their
//! configuration adds (`[upgrade] trusted-keys`); never a checksum that comes from
//! the same server as the file.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The prefix of our own upgrade routes (the original NPBackup's are served too).
pub const API: &str = "/upgrade/v1";

pub const PLATFORMS: &[&str] = &["linux", "windows", "macos"];
pub const ARCHES: &[&str] = &["x64", "x86", "arm64"];
pub const BUILDS: &[&str] = &["cli", "gui", "server"];
pub const AUDIENCES: &[&str] = &["public", "private"];

/// This machine's platform, as releases name it.
pub fn this_platform() -> &'static str {
    if cfg!(windows) {
        "windows"
    } else if cfg!(target_os = "macos") {
        "macos"
    } else {
        "linux"
    }
}

/// This machine's architecture, as releases name it.
pub fn this_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86" => "x86",
        "aarch64" => "arm64",
        _ => "x64",
    }
}

/// Checks one of the four names against its list, naming what it is.
pub fn check_name(what: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "'{value}' is not a {what} (one of: {})",
            allowed.join(", ")
        ))
    }
}

/// What a release is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub platform: String,
    pub arch: String,
    pub build: String,
}

impl Target {
    pub fn new(platform: &str, arch: &str, build: &str) -> Result<Target, String> {
        check_name("platform", platform, PLATFORMS)?;
        check_name("architecture", arch, ARCHES)?;
        check_name("build", build, BUILDS)?;
        Ok(Target {
            platform: platform.into(),
            arch: arch.into(),
            build: build.into(),
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.platform, self.arch, self.build)
    }
}

/// The signed statement about a file: the minisign trusted comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The brand's short name: one brand's release never installs as another's.
    pub product: String,
    pub version: semver::Version,
    pub target: Target,
    /// public or private: a private (beta) build never installs on a public machine.
    pub audience: String,
    pub file: String,
}

impl Statement {
    /// `npbackup-release product=… version=… platform=… arch=… build=… audience=… file=…`
    pub fn to_comment(&self) -> String {
        format!(
            "npbackup-release product={} version={} platform={} arch={} build={} audience={} file={}",
            self.product,
            self.version,
            self.target.platform,
            self.target.arch,
            self.target.build,
            self.audience,
            self.file
        )
    }

    pub fn parse(comment: &str) -> Result<Statement, String> {
        let bad = || format!("the signature's statement is not a release's: '{comment}'");
        let rest = comment.strip_prefix("npbackup-release ").ok_or_else(bad)?;
        let mut fields = std::collections::BTreeMap::new();
        for part in rest.split(' ') {
            let (k, v) = part.split_once('=').ok_or_else(bad)?;
            fields.insert(k, v);
        }
        let get = |k: &str| fields.get(k).copied().ok_or_else(bad);
        let version = semver::Version::parse(get("version")?).map_err(|_| bad())?;
        let target = Target::new(get("platform")?, get("arch")?, get("build")?)?;
        let audience = get("audience")?;
        check_name("audience", audience, AUDIENCES)?;
        Ok(Statement {
            product: get("product")?.into(),
            version,
            target,
            audience: audience.into(),
            file: get("file")?.into(),
        })
    }
}

/// `GET /upgrade/v1/latest` answers this (or 204 when nothing newer is meant for
/// the machine).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Offer {
    pub version: String,
    pub file: String,
    pub size: u64,
    /// SHA-256 of the file, hex (for the statistics and the logs: the signature is
    /// what is trusted).
    pub sha256: String,
    /// The minisign signature file's text.
    pub signature: String,
    /// Where to download it, relative to the server's address.
    pub download: String,
}

/// The query of `GET /upgrade/v1/latest`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ask {
    pub platform: String,
    pub arch: String,
    pub build: String,
    pub audience: String,
    /// The version the machine runs.
    pub version: String,
    /// Who asks: the staged rollout picks by machine and group.
    #[serde(default)]
    pub machine: String,
    #[serde(default)]
    pub group: String,
}

/// Whether a rollout to `percent` of the machines includes `machine` for
/// `version`: a stable choice (the same machine stays in as the percentage
/// grows), different for each version so the same machines are not always first.
pub fn in_rollout(machine: &str, version: &str, percent: u8) -> bool {
    use sha2::{Digest as _, Sha256};
    if percent >= 100 {
        return true;
    }
    let h = Sha256::digest(format!("{version}\0{machine}").as_bytes());
    let n = u16::from_be_bytes([h[0], h[1]]) % 100;
    n < u16::from(percent)
}

/// The public keys a machine trusts: minisign public keys, one per line, as
/// `minisign -G` writes them ("untrusted comment:" lines and `#` comments skipped).
pub fn parse_keys(text: &str) -> Result<Vec<minisign_verify::PublicKey>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("untrusted comment:"))
        .map(|l| {
            minisign_verify::PublicKey::from_base64(l)
                .map_err(|e| format!("'{l}' is not a minisign public key: {e}"))
        })
        .collect()
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No signature, or not one minisign reads.
    Unsigned(String),
    /// Signed by a key this machine does not trust.
    UnknownKey,
    /// The file or its statement was changed after signing.
    Tampered,
    /// The signature is good but says something else than what was offered.
    Mismatch(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Unsigned(why) => write!(f, "the release is not signed ({why})"),
            Refusal::UnknownKey => write!(
                f,
                "the release is signed by a key this build does not trust"
            ),
            Refusal::Tampered => write!(
                f,
                "the release's signature does not match the file: it was altered after signing"
            ),
            Refusal::Mismatch(why) => write!(f, "the signed release is not the one offered: {why}"),
        }
    }
}

/// Checks `data` against `signature` with the trusted `keys`, and returns what the
/// signature states.
pub fn verify(
    keys: &[minisign_verify::PublicKey],
    signature: &str,
    data: &[u8],
) -> Result<Statement, Refusal> {
    let sig = minisign_verify::Signature::decode(signature)
        .map_err(|e| Refusal::Unsigned(e.to_string()))?;
    let mut known = false;
    for key in keys {
        match key.verify(data, &sig, false) {
            Ok(()) => {
                return Statement::parse(sig.trusted_comment()).map_err(Refusal::Mismatch);
            }
            Err(minisign_verify::Error::UnexpectedKeyId) => {}
            Err(_) => known = true,
        }
    }
    if known {
        Err(Refusal::Tampered)
    } else {
        Err(Refusal::UnknownKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_round_trip_and_refuse_what_is_not_one() {
        let s = Statement {
            product: "npbackup".into(),
            version: semver::Version::parse("1.2.3-rc.1").unwrap(),
            target: Target::new("linux", "x64", "cli").unwrap(),
            audience: "public".into(),
            file: "npbackup-cli".into(),
        };
        assert_eq!(Statement::parse(&s.to_comment()).unwrap(), s);
        assert!(Statement::parse("timestamp:1700000000").is_err());
        assert!(
            Statement::parse(
                "npbackup-release product=x version=1 platform=linux arch=x64 build=cli audience=public file=f"
            )
            .is_err()
        );
        assert!(
            Target::new("linux", "sparc", "cli")
                .unwrap_err()
                .contains("sparc")
        );
    }

    #[test]
    fn rollout_is_stable_and_grows_with_the_percentage() {
        let machines: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
        let at = |p| {
            machines
                .iter()
                .filter(|m| in_rollout(m, "2.0.0", p))
                .count()
        };
        let ten = at(10);
        assert!((50..=150).contains(&ten), "{ten} of 1000 at 10%");
        assert_eq!(at(0), 0);
        assert_eq!(at(100), 1000);
        for m in &machines {
            if in_rollout(m, "2.0.0", 10) {
                assert!(
                    in_rollout(m, "2.0.0", 50),
                    "{m} left the rollout as it grew"
                );
            }
        }
    }
}

#[cfg(test)]
mod signing {
    use super::*;

    fn sign(kp: &minisign::KeyPair, data: &[u8], comment: &str) -> String {
        minisign::sign(Some(&kp.pk), &kp.sk, data, Some(comment), None)
            .unwrap()
            .into_string()
    }

    fn key(kp: &minisign::KeyPair) -> Vec<minisign_verify::PublicKey> {
        parse_keys(&kp.pk.to_box().unwrap().into_string()).unwrap()
    }

    #[test]
    fn good_tampered_unknown_and_unsigned_files() {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        let s = Statement {
            product: "npbackup".into(),
            version: semver::Version::new(2, 0, 0),
            target: Target::new("linux", "x64", "cli").unwrap(),
            audience: "public".into(),
            file: "npbackup-cli".into(),
        };
        let data = b"#!/bin/sh\necho new\n";
        let sig = sign(&kp, data, &s.to_comment());
        assert_eq!(verify(&key(&kp), &sig, data).unwrap(), s);
        assert_eq!(
            verify(&key(&kp), &sig, b"#!/bin/sh\necho evil\n").unwrap_err(),
            Refusal::Tampered
        );
        assert_eq!(
            verify(&key(&other), &sig, data).unwrap_err(),
            Refusal::UnknownKey
        );
        assert!(matches!(
            verify(&key(&kp), "", data).unwrap_err(),
            Refusal::Unsigned(_)
        ));
        // the statement is signed too: changing it breaks the signature
        let forged = sig.replace("version=2.0.0", "version=9.0.0");
        assert_eq!(
            verify(&key(&kp), &forged, data).unwrap_err(),
            Refusal::Tampered
        );
        // a plain minisign signature (no statement) is refused
        let plain = sign(&kp, data, "timestamp:1");
        assert!(matches!(
            verify(&key(&kp), &plain, data).unwrap_err(),
            Refusal::Mismatch(_)
        ));
    }
}
