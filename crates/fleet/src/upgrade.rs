//! A machine's side of upgrades: ask the upgrade servers in order (the next when
//! one does not answer), download what is offered, check it against the trusted
//! release keys and what its signature states, then replace the executables
//! atomically and put the old ones back when the new ones fail `--version` or
//! `config check`.
//!
//! The highest version this machine has seen signed is kept in the state folder
//! (`upgrade.json`): a server that offers an older signed release than that (to
//! bring back a known hole) is refused, as is anything not newer than what runs.

use std::{
    io::Read as _,
    path::{Path, PathBuf},
    process::Command,
};

use npbackup_common::{Error, Result, customization as brand, fsutil, secret::Secret, t};
use npbackup_core::config::{Config, schema};
use serde::{Deserialize, Serialize};

use crate::{
    client::{describe_error, http},
    release::{self, Ask, Offer, Statement, Target},
};

/// What `upgrade.json` keeps.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Memory {
    /// The highest version seen signed (offered or installed).
    pub highest_seen: Option<String>,
    /// Unix seconds of the last look (the scheduler looks every `check-every`).
    pub last_check: Option<i64>,
    /// What the last look or install came to, for `status` and the logs.
    pub last_result: Option<String>,
}

impl Memory {
    pub fn path(state: &Path) -> PathBuf {
        state.join("upgrade.json")
    }

    pub fn load(state: &Path) -> Memory {
        std::fs::read(Self::path(state))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, state: &Path) -> Result<()> {
        let path = Self::path(state);
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::Input(e.to_string()))?;
        fsutil::write_atomic_in_new_folder(&path, &bytes, Some(0o600))
            .map_err(|e| Error::io(t!("io-writing"), &path, e))
    }

    fn highest(&self) -> Option<semver::Version> {
        self.highest_seen
            .as_deref()
            .and_then(|v| semver::Version::parse(v).ok())
    }
}

/// What a look found.
#[derive(Debug)]
pub enum Found {
    /// Nothing newer is meant for this machine (`server` answered).
    UpToDate { server: String },
    /// A newer release, from `server`.
    Newer { server: String, offer: Offer },
}

/// A downloaded file whose signature checked.
pub struct Verified {
    pub statement: Statement,
    pub data: Vec<u8>,
    pub server: String,
}

/// The executables an install replaced.
#[derive(Debug, Serialize)]
pub struct Installed {
    pub version: String,
    pub replaced: Vec<PathBuf>,
}

pub struct Upgrader {
    servers: Vec<String>,
    account: Option<(String, Secret)>,
    http: reqwest::blocking::Client,
    keys: Vec<minisign_verify::PublicKey>,
    pub ask: Ask,
    state: PathBuf,
    /// The folder whose executables are replaced.
    pub dir: PathBuf,
    /// The configuration the new executables are checked with.
    config: Option<PathBuf>,
}

/// The keys built into this program from the brand's `release-keys.pub`.
pub fn built_in_keys() -> Vec<minisign_verify::PublicKey> {
    // the build script checked them; an unreadable one would have failed the build
    release::parse_keys(brand::RELEASE_KEYS).unwrap_or_default()
}

fn program(name: &str) -> String {
    format!(
        "{}-{name}{}",
        brand::SHORT_NAME,
        std::env::consts::EXE_SUFFIX
    )
}

/// Which build runs here: the desktop app's folder holds the CLI too.
pub fn this_build(dir: &Path) -> &'static str {
    if dir.join(program("gui")).exists() {
        "gui"
    } else {
        "cli"
    }
}

impl Upgrader {
    /// From `[upgrade]` of `config`, for the executables in `dir` (the running one's).
    pub fn new(config: &Config, dir: &Path, state: &Path) -> Result<Upgrader> {
        let u: schema::Upgrade = config.upgrade();
        let servers = u.servers.clone().unwrap_or_default();
        if servers.is_empty() {
            return Err(Error::Usage(t!(
                "upgrade-no-server",
                path = config.path.display().to_string()
            )));
        }
        let servers = servers
            .iter()
            .map(|s| crate::client::normalise_url(s))
            .collect::<Result<Vec<_>>>()?;
        let password = match (&u.password_env, &u.password_file) {
            (Some(var), _) => std::env::var(var).ok().map(Secret::new),
            (None, Some(f)) => Some(Secret::new(
                std::fs::read_to_string(f)
                    .map_err(|e| Error::io(t!("io-reading"), f, e))?
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            )),
            (None, None) => None,
        };
        let account = match (&u.username, password) {
            (Some(name), Some(p)) => Some((name.clone(), p)),
            (Some(name), None) => {
                return Err(Error::Credentials(t!(
                    "upgrade-no-password",
                    user = name.as_str()
                )));
            }
            (None, _) => None,
        };
        let mut keys = built_in_keys();
        for k in u.trusted_keys.iter().flatten() {
            keys.extend(release::parse_keys(k).map_err(|e| {
                Error::Config(vec![npbackup_common::error::ConfigError {
                    file: config.path.clone(),
                    line: None,
                    key: "upgrade.trusted-keys".into(),
                    message: e,
                }])
            })?);
        }
        let (machine, identity_group) = config.machine_identity();
        Ok(Upgrader {
            servers,
            account,
            http: http(u.ca_file.as_deref())?,
            keys,
            ask: Ask {
                platform: release::this_platform().into(),
                arch: release::this_arch().into(),
                build: this_build(dir).into(),
                audience: u.audience.clone().unwrap_or_else(|| "public".into()),
                version: env!("CARGO_PKG_VERSION").into(),
                machine,
                group: u.group.clone().unwrap_or(identity_group),
            },
            state: state.to_path_buf(),
            dir: dir.to_path_buf(),
            config: Some(config.path.clone()),
        })
    }

    fn get(&self, url: &str) -> std::result::Result<reqwest::blocking::Response, String> {
        let mut req = self.http.get(url);
        if let Some((name, password)) = &self.account {
            req = req.basic_auth(name, Some(password.expose()));
        }
        req.send().map_err(|e| describe_error(&e))
    }

    /// Asks each server in order; the first that answers decides.
    pub fn check(&self) -> Result<Found> {
        if self.keys.is_empty() {
            return Err(Error::Usage(t!("upgrade-no-keys")));
        }
        let mut failures = Vec::new();
        for server in &self.servers {
            let query = serde_urlencoded(&self.ask);
            let url = format!("{server}{}/latest?{query}", release::API);
            let answer = match self.get(&url) {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("upgrade server {server} does not answer: {e}");
                    failures.push(format!("{server}: {e}"));
                    continue;
                }
            };
            let status = answer.status();
            if status == reqwest::StatusCode::NO_CONTENT {
                return Ok(Found::UpToDate {
                    server: server.clone(),
                });
            }
            if status.is_success() {
                let offer: Offer = answer.json().map_err(|e| {
                    Error::Input(t!(
                        "fleet-bad-answer",
                        server = server.as_str(),
                        cause = describe_error(&e)
                    ))
                })?;
                return Ok(Found::Newer {
                    server: server.clone(),
                    offer,
                });
            }
            let body = answer.text().unwrap_or_default();
            let why = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_string))
                .unwrap_or(body);
            match status.as_u16() {
                401 | 403 => {
                    return Err(Error::Denied(t!(
                        "upgrade-refused",
                        server = server.as_str(),
                        cause = format!("{status}: {why}")
                    )));
                }
                _ => failures.push(format!("{server}: {status}: {why}")),
            }
        }
        Err(Error::Unreachable(t!(
            "upgrade-unreachable",
            tried = failures.join("; ")
        )))
    }

    /// Downloads the offer and checks it; remembers its version as seen.
    pub fn fetch(&self, server: &str, offer: &Offer) -> Result<Verified> {
        let current = semver::Version::parse(env!("CARGO_PKG_VERSION"))
            .map_err(|e| Error::Input(e.to_string()))?;
        let offered = semver::Version::parse(&offer.version).map_err(|_| {
            Error::Input(t!(
                "upgrade-bad-version",
                server = server,
                version = offer.version.as_str()
            ))
        })?;
        let mut memory = Memory::load(&self.state);
        if offered <= current {
            return Err(Error::Input(t!(
                "upgrade-not-newer",
                version = offer.version.as_str(),
                current = current.to_string()
            )));
        }
        if let Some(high) = memory.highest()
            && offered < high
        {
            return Err(Error::Input(t!(
                "upgrade-older-than-seen",
                version = offer.version.as_str(),
                seen = high.to_string()
            )));
        }
        if !offer.download.starts_with('/') || offer.download.contains("..") {
            return Err(Error::Input(t!(
                "fleet-bad-answer",
                server = server,
                cause = format!("download path '{}'", offer.download)
            )));
        }
        let url = format!(
            "{server}{}?machine={}&group={}&from={current}",
            offer.download,
            pct(&self.ask.machine),
            pct(&self.ask.group)
        );
        let answer = self
            .get(&url)
            .map_err(|e| Error::Unreachable(format!("{server}: {e}")))?;
        if !answer.status().is_success() {
            return Err(Error::Unreachable(format!("{server}: {}", answer.status())));
        }
        let mut data = Vec::new();
        answer
            .take(512 << 20)
            .read_to_end(&mut data)
            .map_err(|e| Error::Unreachable(format!("{server}: {e}")))?;
        let statement = release::verify(&self.keys, &offer.signature, &data).map_err(|r| {
            Error::Input(t!(
                "upgrade-refused-file",
                server = server,
                cause = r.to_string()
            ))
        })?;
        let expected = Target::new(&self.ask.platform, &self.ask.arch, &self.ask.build)
            .map_err(Error::Input)?;
        let mismatch = if statement.product != brand::SHORT_NAME {
            Some(format!("it is {}'s", statement.product))
        } else if statement.version != offered {
            Some(format!(
                "it is version {}, offered as {}",
                statement.version, offer.version
            ))
        } else if statement.target != expected {
            Some(format!("it is for {}, not {expected}", statement.target))
        } else if statement.audience != self.ask.audience {
            Some(format!(
                "it is a {} release, this machine takes {} ones",
                statement.audience, self.ask.audience
            ))
        } else {
            None
        };
        if let Some(why) = mismatch {
            return Err(Error::Input(t!(
                "upgrade-refused-file",
                server = server,
                cause = release::Refusal::Mismatch(why).to_string()
            )));
        }
        if memory.highest().is_none_or(|h| offered > h) {
            memory.highest_seen = Some(offered.to_string());
            memory.save(&self.state)?;
        }
        Ok(Verified {
            statement,
            data,
            server: server.to_string(),
        })
    }

    /// Refuses programs the package manager installed: they are upgraded with it,
    /// never behind its back.
    pub fn not_packaged(&self) -> Result<()> {
        match package_owner(&self.dir) {
            Some(owner) => Err(Error::Usage(t!(
                "upgrade-packaged",
                dir = self.dir.display().to_string(),
                package = owner
            ))),
            None => Ok(()),
        }
    }

    /// Replaces the executables with the verified ones; puts the old ones back
    /// when the new CLI fails `--version` or `config check`.
    pub fn install(&self, v: &Verified) -> Result<Installed> {
        self.not_packaged()?;
        let files = unpack(&v.data, &v.statement)?;
        // staged beside the targets (same file system: the renames are atomic)
        let mut staged = Vec::new();
        for (name, bytes) in &files {
            let tmp = self.dir.join(format!(".{name}.new"));
            fsutil::write_atomic(&tmp, bytes, Some(0o755)).map_err(|e| {
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    Error::Denied(t!(
                        "upgrade-no-rights",
                        dir = self.dir.display().to_string()
                    ))
                } else {
                    Error::io(t!("io-writing"), &tmp, e)
                }
            })?;
            staged.push((name.clone(), tmp));
        }
        let mut swapped: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        let rollback = |swapped: &[(PathBuf, Option<PathBuf>)]| {
            for (target, old) in swapped.iter().rev() {
                match old {
                    Some(old) => {
                        if let Err(e) = std::fs::rename(old, target) {
                            tracing::error!(
                                "could not put {} back from {}: {e}",
                                target.display(),
                                old.display()
                            );
                        }
                    }
                    None => {
                        let _ = std::fs::remove_file(target);
                    }
                }
            }
        };
        for (name, tmp) in &staged {
            let target = self.dir.join(name);
            let old = self.dir.join(format!(".{name}.old"));
            let had = target.exists();
            // one an earlier upgrade could not remove (Windows keeps a running program's file)
            let _ = std::fs::remove_file(&old);
            if had && let Err(e) = std::fs::rename(&target, &old) {
                rollback(&swapped);
                return Err(Error::io(t!("io-writing"), &target, e));
            }
            if let Err(e) = std::fs::rename(tmp, &target) {
                if had {
                    let _ = std::fs::rename(&old, &target);
                }
                rollback(&swapped);
                return Err(Error::io(t!("io-writing"), &target, e));
            }
            swapped.push((target, had.then_some(old)));
        }
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        if let Err(why) = self.try_new(&names, &v.statement.version.to_string()) {
            rollback(&swapped);
            for (_, tmp) in &staged {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(Error::Input(t!(
                "upgrade-rolled-back",
                version = v.statement.version.to_string(),
                cause = why
            )));
        }
        for (_, old) in &swapped {
            if let Some(old) = old {
                // a running program cannot be removed on Windows: the next upgrade does
                let _ = std::fs::remove_file(old);
            }
        }
        let mut memory = Memory::load(&self.state);
        memory.last_check = Some(jiff::Timestamp::now().as_second());
        memory.last_result = Some(format!("installed {}", v.statement.version));
        memory.save(&self.state)?;
        Ok(Installed {
            version: v.statement.version.to_string(),
            replaced: swapped.into_iter().map(|(t, _)| t).collect(),
        })
    }

    /// Runs the new programs: `--version` (which must say the version installed),
    /// then the CLI's `config check` on this machine's configuration.
    fn try_new(&self, installed: &[String], version: &str) -> std::result::Result<(), String> {
        let run = |program: &str,
                   args: &[&std::ffi::OsStr]|
         -> std::result::Result<String, String> {
            let path = self.dir.join(program);
            let out = Command::new(&path)
                .args(args)
                .env("NPBACKUP_NO_UPGRADE", "1")
                .output()
                .map_err(|e| format!("`{} {}` did not start: {e}", path.display(), show(args)))?;
            if out.status.success() {
                Ok(String::from_utf8_lossy(&out.stdout).into_owned())
            } else {
                let err = String::from_utf8_lossy(&out.stderr);
                Err(format!(
                    "`{} {}` failed ({}): {}",
                    path.display(),
                    show(args),
                    out.status,
                    err.trim()
                ))
            }
        };
        // the desktop app has no console to print to on Windows: its CLI speaks for it there
        for program in installed
            .iter()
            .filter(|p| !cfg!(windows) || **p != self::program("gui"))
        {
            let said = run(program, &["--version".as_ref()])?;
            if !said.split_whitespace().any(|w| w == version) {
                return Err(format!(
                    "`{program} --version` says '{}', not version {version}",
                    said.trim()
                ));
            }
        }
        if let Some(config) = &self.config
            && installed.contains(&self::program("cli"))
        {
            run(
                &self::program("cli"),
                &[
                    "-c".as_ref(),
                    config.as_os_str(),
                    "config".as_ref(),
                    "check".as_ref(),
                ],
            )?;
        }
        Ok(())
    }

    /// Notes what a look came to.
    pub fn remember(&self, result: &str) -> Result<()> {
        let mut memory = Memory::load(&self.state);
        memory.last_check = Some(jiff::Timestamp::now().as_second());
        memory.last_result = Some(result.to_string());
        memory.save(&self.state)
    }
}

fn show(args: &[&std::ffi::OsStr]) -> String {
    args.iter()
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

fn pct(s: &str) -> String {
    form_urlencoded(s)
}

fn form_urlencoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn serde_urlencoded(ask: &Ask) -> String {
    [
        ("platform", &ask.platform),
        ("arch", &ask.arch),
        ("build", &ask.build),
        ("audience", &ask.audience),
        ("version", &ask.version),
        ("machine", &ask.machine),
        ("group", &ask.group),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", form_urlencoded(v)))
    .collect::<Vec<_>>()
    .join("&")
}

/// The package manager's package that owns the executables here, if any: those
/// are upgraded with it, never behind its back.
fn package_owner(dir: &Path) -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let cli = dir.join(program("cli"));
    // dpkg-query: absent on other distributions (then nothing owns it as far as we know)
    let out = Command::new("dpkg-query")
        .arg("-S")
        .arg(&cli)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .split(':')
        .next()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
}

/// The executables in a release: a `.tar.gz` of them, or one bare executable
/// (the build's own program).
fn unpack(data: &[u8], s: &Statement) -> Result<Vec<(String, Vec<u8>)>> {
    let known: Vec<String> = ["cli", "gui", "server"]
        .iter()
        .map(|b| program(b))
        .collect();
    if !data.starts_with(&[0x1f, 0x8b]) {
        let name = match s.target.build.as_str() {
            "server" => program("server"),
            // a bare executable of the gui build is the desktop app; the CLI comes in an archive
            "gui" => program("gui"),
            _ => program("cli"),
        };
        return Ok(vec![(name, data.to_vec())]);
    }
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(data));
    let mut out = Vec::new();
    let bad = |e: std::io::Error| {
        Error::Input(t!(
            "upgrade-bad-archive",
            file = s.file.as_str(),
            cause = e.to_string()
        ))
    };
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(bad)?.into_owned();
        // a program is `bin/NAME` or `NAME`, under at most one top folder
        // (`npbackup-1.2.3/bin/npbackup-cli`): never a completion script of the same name
        let parts: Vec<&str> = path
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(p) => p.to_str(),
                _ => None,
            })
            .collect();
        let name = match parts.as_slice() {
            [name] | ["bin", name] | [_, "bin", name] => *name,
            [top, name] if !["share", "lib", "etc"].contains(top) => *name,
            _ => continue,
        };
        if !known.iter().any(|k| k == name) {
            continue;
        }
        let name = name.to_string();
        if out.iter().any(|(n, _)| *n == name) {
            return Err(bad(std::io::Error::other(format!("it holds {name} twice"))));
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(bad)?;
        out.push((name, bytes));
    }
    if !out.iter().any(|(n, _)| *n == program("cli")) && s.target.build != "server" {
        return Err(Error::Input(t!(
            "upgrade-bad-archive",
            file = s.file.as_str(),
            cause = format!("it holds no {}", program("cli"))
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(build: &str) -> Statement {
        Statement {
            product: brand::SHORT_NAME.into(),
            version: semver::Version::new(2, 0, 0),
            target: Target::new("linux", "x64", build).unwrap(),
            audience: "public".into(),
            file: "release.tar.gz".into(),
        }
    }

    fn tarball(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (path, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o755);
            h.set_cksum();
            b.append_data(&mut h, path, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn the_release_tarball_gives_its_programs_not_their_completions() {
        let cli = program("cli");
        let gui = program("gui");
        let data = tarball(&[
            (&format!("npbackup-2.0.0/bin/{cli}"), b"cli program"),
            (&format!("npbackup-2.0.0/bin/{gui}"), b"gui program"),
            (
                &format!("npbackup-2.0.0/share/bash-completion/completions/{cli}"),
                b"complete -F _npbackup",
            ),
            (
                &format!("npbackup-2.0.0/share/fish/vendor_completions.d/{cli}"),
                b"fish",
            ),
            ("npbackup-2.0.0/install.sh", b"#!/bin/sh"),
        ]);
        let mut got = unpack(&data, &statement("gui")).unwrap();
        got.sort();
        assert_eq!(
            got,
            [
                (cli.clone(), b"cli program".to_vec()),
                (gui, b"gui program".to_vec())
            ]
        );
        // the same program twice is refused, not guessed
        let twice = tarball(&[
            (&format!("bin/{cli}"), b"one"),
            (&format!("a/bin/{cli}"), b"two"),
        ]);
        assert!(unpack(&twice, &statement("cli")).is_err());
        // an archive without the CLI is not a release of it
        let none = tarball(&[("README", b"hello")]);
        assert!(unpack(&none, &statement("cli")).is_err());
        // a bare executable is the build's program
        assert_eq!(unpack(b"\x7fELF", &statement("cli")).unwrap()[0].0, cli);
    }
}
