//! The machine's side: enrolment, the signed requests (tried on each server URL in
//! order, so a fallback server takes over when the first is down), applying a
//! provisioned configuration atomically, and check-ins.
//!
//! What the machine keeps (in `npbackup_core::fleet::dir()`, owner-only):
//! `state.json` (servers, machine id, configuration version, last sync and
//! check-in), `identity` (its private keys, unless they are in the OS keyring),
//! `secrets/` (provisioned secrets, where there is no keyring), `last-good.toml`
//! (the configuration before the newest one) and `outbox/` (job reports).

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use npbackup_common::{Error, Result, fsutil, secret::Secret, t};
use npbackup_core::config::{Config, keyring};
use serde::{Deserialize, Serialize};

use crate::{
    protocol::{
        self, API, CheckIn, CheckInReply, CommandResult, ConfigFailure, EnrolReply, EnrolRequest,
        Keys, Provision, Refusal,
    },
    template::{self, SecretHome},
};

/// The keyring entry of the machine's private keys.
const IDENTITY_KEY: &str = "fleet-identity";

/// At most this many reports go in one check-in (the rest wait for the next).
const REPORTS_PER_CHECKIN: usize = 200;

/// What the machine remembers of its enrolment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    /// Base URLs, tried in this order.
    pub servers: Vec<String>,
    pub machine_id: String,
    pub group: String,
    /// The configuration file the server provisions.
    pub config_path: PathBuf,
    /// The version applied (0: none yet).
    pub config_version: i64,
    pub checkin_seconds: u64,
    pub enrolled_at: i64,
    pub last_sync: Option<i64>,
    pub last_checkin: Option<i64>,
    /// The server that answered last.
    pub last_server: Option<String>,
    /// Why the last exchange with the servers failed, if it did.
    pub last_error: Option<String>,
    pub identity_in_keyring: bool,
    /// Extra certificates to trust for the servers (PEM).
    pub ca_file: Option<PathBuf>,
    /// A configuration version refused here, not yet told to the server.
    pub config_failure: Option<ConfigFailure>,
    /// The newest version refused here (not fetched again until a newer one).
    #[serde(default)]
    pub refused_version: i64,
    /// Results of commands, waiting for the next check-in.
    pub results: Vec<CommandResult>,
}

/// How a configuration sync ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Synced {
    UpToDate {
        version: i64,
    },
    Applied {
        version: i64,
        previous: i64,
    },
    /// The version was checked and refused here: the previous one stays.
    Refused {
        version: i64,
        error: String,
    },
}

pub struct Fleet {
    dir: PathBuf,
    pub state: State,
    keys: Keys,
    http: reqwest::blocking::Client,
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn state_path(dir: &Path) -> PathBuf {
    dir.join("state.json")
}

pub(crate) fn http(ca: Option<&Path>) -> Result<reqwest::blocking::Client> {
    let mut b = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .user_agent(npbackup_common::customization::VERSION_LINE);
    if let Some(ca) = ca {
        let pem = std::fs::read(ca).map_err(|e| Error::io(t!("io-reading"), ca, e))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            Error::Input(t!(
                "mon-ca-not-pem",
                path = ca.display().to_string(),
                cause = e.to_string()
            ))
        })?;
        for cert in certs {
            b = b.add_root_certificate(cert);
        }
    }
    b.build()
        .map_err(|e| Error::Usage(t!("fleet-http-client", cause = e.to_string())))
}

/// A server URL as given, without its trailing slash; refused unless http(s).
pub fn normalise_url(url: &str) -> Result<String> {
    let u = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(u)
        .map_err(|e| Error::Usage(t!("fleet-bad-url", url = url, cause = e.to_string())))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::Usage(t!(
            "fleet-bad-url",
            url = url,
            cause = t!("fleet-url-needs-http")
        )));
    }
    Ok(u.to_string())
}

/// The machine's host name, operating system and version, as check-ins tell them.
pub fn describe_machine() -> (String, String, String) {
    (
        gethostname::gethostname().to_string_lossy().to_string(),
        format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        env!("CARGO_PKG_VERSION").to_string(),
    )
}

/// Free space of the file system holding `path`, bytes.
pub fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        let mut s = std::mem::MaybeUninit::<libc::statvfs>::zeroed();
        // SAFETY: `c` is a valid C string and `s` is memory statvfs may fill.
        let r = unsafe { libc::statvfs(c.as_ptr(), s.as_mut_ptr()) };
        if r != 0 {
            return None;
        }
        // SAFETY: statvfs returned 0, so it filled `s`.
        let s = unsafe { s.assume_init() };
        #[allow(clippy::unnecessary_cast)]
        Some(s.f_bavail as u64 * s.f_frsize as u64)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl Fleet {
    /// The enrolment kept in `dir`, if this machine is enrolled.
    pub fn load(dir: &Path) -> Result<Option<Fleet>> {
        let path = state_path(dir);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(t!("io-reading"), &path, e)),
        };
        let state: State = serde_json::from_slice(&text).map_err(|e| {
            Error::Input(t!(
                "fleet-state-damaged",
                path = path.display().to_string(),
                cause = e.to_string()
            ))
        })?;
        let private = if state.identity_in_keyring {
            keyring::get(IDENTITY_KEY)?.expose().to_string()
        } else {
            let p = dir.join("identity");
            std::fs::read_to_string(&p).map_err(|e| Error::io(t!("io-reading"), &p, e))?
        };
        let keys = Keys::from_private_text(&private).map_err(|cause| {
            Error::Input(t!(
                "fleet-identity-damaged",
                path = dir.display().to_string(),
                cause = cause
            ))
        })?;
        let http = http(state.ca_file.as_deref())?;
        Ok(Some(Fleet {
            dir: dir.to_path_buf(),
            state,
            keys,
            http,
        }))
    }

    /// Enrols this machine with `token` at the first of `servers` that answers,
    /// then fetches its configuration into `config_path`.
    pub fn enrol(
        dir: &Path,
        servers: &[String],
        token: &str,
        config_path: &Path,
        ca_file: Option<&Path>,
    ) -> Result<(Fleet, Synced)> {
        if let Some(old) = Fleet::load(dir)? {
            return Err(Error::Usage(t!(
                "fleet-already-enrolled",
                server = old.state.servers.join(", "),
                machine = old.state.machine_id
            )));
        }
        if servers.is_empty() {
            return Err(Error::Usage(t!("fleet-no-server")));
        }
        let servers = servers
            .iter()
            .map(|s| normalise_url(s))
            .collect::<Result<Vec<_>>>()?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io(t!("io-creating-folder"), dir, e))?;
        restrict(dir);
        let ca_copy = match ca_file {
            Some(ca) => {
                let bytes = std::fs::read(ca).map_err(|e| Error::io(t!("io-reading"), ca, e))?;
                let copy = dir.join("ca.pem");
                fsutil::write_atomic(&copy, &bytes, Some(0o600))
                    .map_err(|e| Error::io(t!("io-writing"), &copy, e))?;
                Some(copy)
            }
            None => None,
        };
        let keys = Keys::generate().map_err(Error::Usage)?;
        let (hostname, os, version) = describe_machine();
        let request = EnrolRequest {
            token: token.trim().to_string(),
            sign_key: keys.sign_public(),
            box_key: keys.box_public(),
            hostname,
            os,
            version,
        };
        let client = http(ca_copy.as_deref())?;
        let body = serde_json::to_vec(&request).map_err(|e| Error::Usage(e.to_string()))?;
        let mut attempts = Vec::new();
        let mut answer = None;
        for server in &servers {
            match exchange(&client, reqwest::Method::POST, server, "/enrol", &body, &[]) {
                Ok(bytes) => {
                    answer = Some((server.clone(), bytes));
                    break;
                }
                Err(Failure::Refused(e)) => return Err(e),
                Err(Failure::Down(why)) => attempts.push(format!("{server}: {why}")),
            }
        }
        let Some((server, bytes)) = answer else {
            return Err(Error::Unreachable(t!(
                "fleet-unreachable",
                attempts = attempts.join("; ")
            )));
        };
        let reply: EnrolReply = decode(&server, &bytes)?;
        // the private keys: the OS keyring where there is one, else an owner-only file
        let text = keys.to_private_text();
        let in_keyring = keyring::available().is_ok()
            && keyring::set(
                IDENTITY_KEY,
                &Secret::new(text.clone()),
                &t!("fleet-identity-label"),
            )
            .is_ok();
        if !in_keyring {
            let p = dir.join("identity");
            fsutil::write_atomic(&p, text.as_bytes(), Some(0o600))
                .map_err(|e| Error::io(t!("io-writing"), &p, e))?;
        }
        let state = State {
            servers,
            machine_id: reply.machine_id,
            group: reply.group,
            config_path: config_path.to_path_buf(),
            config_version: 0,
            checkin_seconds: reply.checkin_seconds,
            enrolled_at: now(),
            last_sync: None,
            last_checkin: None,
            last_server: Some(server),
            last_error: None,
            identity_in_keyring: in_keyring,
            ca_file: ca_copy,
            config_failure: None,
            refused_version: 0,
            results: Vec::new(),
        };
        let mut fleet = Fleet {
            dir: dir.to_path_buf(),
            state,
            keys,
            http: client,
        };
        fleet.save()?;
        let synced = fleet.sync()?;
        Ok((fleet, synced))
    }

    /// Forgets the enrolment here (the server still lists the machine until an
    /// administrator revokes it). The configuration file stays as it is.
    pub fn leave(self) -> Result<()> {
        if self.state.identity_in_keyring {
            let _ = keyring::delete(IDENTITY_KEY);
        }
        for name in ["state.json", "identity", "ca.pem"] {
            let p = self.dir.join(name);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(t!("io-removing"), &p, e)),
            }
        }
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn save(&self) -> Result<()> {
        let p = state_path(&self.dir);
        let text =
            serde_json::to_vec_pretty(&self.state).map_err(|e| Error::Usage(e.to_string()))?;
        fsutil::write_atomic(&p, &text, Some(0o600)).map_err(|e| Error::io(t!("io-writing"), &p, e))
    }

    /// One signed request, to each server in turn until one answers.
    fn send(&mut self, method: reqwest::Method, route: &str, body: &[u8]) -> Result<Vec<u8>> {
        let mut attempts = Vec::new();
        for server in self.state.servers.clone() {
            let headers = self
                .keys
                .sign_request(
                    &self.state.machine_id,
                    method.as_str(),
                    &format!("{API}{route}"),
                    body,
                    now(),
                )
                .map_err(Error::Usage)?;
            match exchange(&self.http, method.clone(), &server, route, body, &headers) {
                Ok(bytes) => {
                    self.state.last_server = Some(server);
                    self.state.last_error = None;
                    return Ok(bytes);
                }
                Err(Failure::Refused(e)) => {
                    self.state.last_server = Some(server);
                    self.state.last_error = Some(e.to_string());
                    let _ = self.save();
                    return Err(e);
                }
                Err(Failure::Down(why)) => attempts.push(format!("{server}: {why}")),
            }
        }
        let e = Error::Unreachable(t!("fleet-unreachable", attempts = attempts.join("; ")));
        self.state.last_error = Some(e.to_string());
        let _ = self.save();
        Err(e)
    }

    /// Fetches the configuration and applies it if it is newer and passes the
    /// checks of `config check`; a refused one is remembered and told at the
    /// next check-in, and the configuration in use stays.
    pub fn sync(&mut self) -> Result<Synced> {
        let bytes = self.send(reqwest::Method::GET, "/config", b"")?;
        let server = self.state.last_server.clone().unwrap_or_default();
        let provision: Provision = decode(&server, &bytes)?;
        let outcome = self.apply(provision);
        self.state.last_sync = Some(now());
        self.save()?;
        outcome
    }

    fn apply(&mut self, p: Provision) -> Result<Synced> {
        let target = self.state.config_path.clone();
        if p.version == self.state.config_version && target.exists() {
            return Ok(Synced::UpToDate { version: p.version });
        }
        if p.version == 0 {
            // the group has no configuration yet
            return Ok(Synced::UpToDate { version: 0 });
        }
        let refuse = |fleet: &mut Fleet, error: String| {
            fleet.state.config_failure = Some(ConfigFailure {
                version: p.version,
                error: error.clone(),
            });
            fleet.state.refused_version = p.version;
            Ok(Synced::Refused {
                version: p.version,
                error,
            })
        };
        // the secrets first: the configuration names them
        let home = if keyring::available().is_ok() {
            SecretHome::Keyring
        } else {
            SecretHome::Folder(self.dir.join("secrets"))
        };
        let mut opened = Vec::new();
        for s in &p.secrets {
            if !template::valid_secret_name(&s.name) {
                return refuse(self, t!("fleet-secret-bad-name", name = s.name.as_str()));
            }
            match self.keys.open(&s.sealed) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => opened.push((s.name.clone(), Secret::new(text))),
                    Err(_) => {
                        return refuse(self, t!("fleet-secret-not-text", name = s.name.as_str()));
                    }
                },
                Err(cause) => {
                    return refuse(
                        self,
                        t!(
                            "fleet-secret-unopened",
                            name = s.name.as_str(),
                            cause = cause
                        ),
                    );
                }
            }
        }
        let label = format!("{} (v{})", target.display(), p.version);
        // checked before anything is stored (its secrets as keyring entries, which
        // loading does not look up), then localised where the secrets really go
        let checked = template::localise(&p.config, &label, &SecretHome::Keyring)
            .and_then(|t| Config::from_text(&target, t, true).map_err(|e| e.to_string()));
        if let Err(e) = checked {
            return refuse(self, e);
        }
        let text = match template::localise(&p.config, &label, &home) {
            Ok(t) => t,
            Err(e) => return refuse(self, e),
        };
        for (name, secret) in &opened {
            match &home {
                SecretHome::Keyring => keyring::set(
                    &SecretHome::keyring_key(name),
                    secret,
                    &t!("fleet-secret-label", name = name.as_str()),
                )?,
                SecretHome::Folder(dir) => {
                    let p = dir.join(name);
                    fsutil::write_atomic_in_new_folder(&p, secret.expose().as_bytes(), Some(0o600))
                        .map_err(|e| Error::io(t!("io-writing"), &p, e))?;
                    restrict(dir);
                }
            }
        }
        // the configuration in use becomes the last good one, then the new one takes its place
        if let Ok(old) = std::fs::read(&target) {
            let keep = self.dir.join("last-good.toml");
            fsutil::write_atomic(&keep, &old, Some(0o600))
                .map_err(|e| Error::io(t!("io-writing"), &keep, e))?;
        }
        fsutil::write_atomic_in_new_folder(&target, text.as_bytes(), Some(0o600))
            .map_err(|e| Error::io(t!("io-writing"), &target, e))?;
        let previous = self.state.config_version;
        self.state.config_version = p.version;
        self.state.config_failure = None;
        Ok(Synced::Applied {
            version: p.version,
            previous,
        })
    }

    /// Tells the server how this machine is, sends the waiting reports and
    /// command results, and fetches a newer configuration when there is one.
    /// The commands of the answer are the caller's to run (then `finished`).
    pub fn checkin(&mut self) -> Result<(CheckInReply, Option<Synced>)> {
        let outbox = npbackup_core::fleet::pending(&self.dir);
        let reports: Vec<_> = outbox
            .into_iter()
            .take(REPORTS_PER_CHECKIN)
            .map(|(_, r)| r)
            .collect();
        let (hostname, os, version) = describe_machine();
        let body = CheckIn {
            hostname,
            os,
            version,
            free_bytes: free_bytes(
                self.state
                    .config_path
                    .parent()
                    .filter(|p| p.exists())
                    .unwrap_or(&self.dir),
            ),
            config_version: self.state.config_version,
            minimum_backup_age: minimum_backup_age(&self.state.config_path),
            config_failure: self.state.config_failure.clone(),
            reports,
            results: self.state.results.clone(),
        };
        let bytes = serde_json::to_vec(&body).map_err(|e| Error::Usage(e.to_string()))?;
        let answer = self.send(reqwest::Method::POST, "/checkin", &bytes)?;
        let server = self.state.last_server.clone().unwrap_or_default();
        let reply: CheckInReply = decode(&server, &answer)?;
        npbackup_core::fleet::acknowledge(&self.dir, &reply.acknowledged);
        let sent: Vec<String> = body.results.iter().map(|r| r.id.clone()).collect();
        self.state.results.retain(|r| !sent.contains(&r.id));
        if self.state.config_failure == body.config_failure {
            self.state.config_failure = None;
        }
        self.state.last_checkin = Some(now());
        if reply.checkin_seconds > 0 {
            self.state.checkin_seconds = reply.checkin_seconds;
        }
        self.save()?;
        let wants_sync = reply.config_version != self.state.config_version
            && reply.config_version != self.state.refused_version
            || reply
                .commands
                .iter()
                .any(|c| c.action == protocol::Action::Sync);
        let synced = if wants_sync { Some(self.sync()?) } else { None };
        Ok((reply, synced))
    }

    /// Waits (up to [`protocol::WAIT_SECONDS`]) for the server to say a command is
    /// queued for this machine; `true`: check in now to receive it.
    pub fn wait(&mut self) -> Result<bool> {
        let answer = self.send(reqwest::Method::GET, "/wait", b"")?;
        let server = self.state.last_server.clone().unwrap_or_default();
        let reply: protocol::WaitReply = decode(&server, &answer)?;
        Ok(reply.pending)
    }

    /// Keeps a command's result for the next check-in.
    pub fn finished(&mut self, result: CommandResult) -> Result<()> {
        self.state.results.retain(|r| r.id != result.id);
        self.state.results.push(result);
        self.save()
    }
}

/// Why an exchange with one server failed: it is down (try the next), or it
/// answered no (stop: the next would say the same).
enum Failure {
    Down(String),
    Refused(Error),
}

fn exchange(
    client: &reqwest::blocking::Client,
    method: reqwest::Method,
    server: &str,
    route: &str,
    body: &[u8],
    headers: &[(&'static str, String)],
) -> std::result::Result<Vec<u8>, Failure> {
    let url = format!("{server}{API}{route}");
    let mut req = client.request(method, &url);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    if !body.is_empty() {
        req = req
            .header("content-type", "application/json")
            .body(body.to_vec());
    }
    let resp = req.send().map_err(|e| Failure::Down(describe_error(&e)))?;
    let status = resp.status();
    let bytes = resp
        .bytes()
        .map_err(|e| Failure::Down(describe_error(&e)))?
        .to_vec();
    if status.is_success() {
        return Ok(bytes);
    }
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(Failure::Down(format!("HTTP {status}")));
    }
    let refusal: Option<Refusal> = serde_json::from_slice(&bytes).ok();
    let Some(r) = refusal else {
        return Err(Failure::Down(t!(
            "fleet-not-a-fleet-server",
            status = status.to_string()
        )));
    };
    let message = t!("fleet-refused", server = server, error = r.error.as_str());
    Err(Failure::Refused(match r.kind.as_str() {
        "token" | "revoked" | "signature" | "unknown-machine" | "replay" => Error::Denied(message),
        "clock-skew" => Error::Usage(message),
        _ => Error::Input(message),
    }))
}

/// A transport error with its causes (reqwest's own message is terse).
pub(crate) fn describe_error(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

fn decode<T: serde::de::DeserializeOwned>(server: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::Input(t!(
            "fleet-bad-answer",
            server = server,
            cause = e.to_string()
        ))
    })
}

/// The shortest `minimum-backup-age` of the repositories in `config`, seconds.
fn minimum_backup_age(config: &Path) -> Option<u64> {
    let cfg = Config::load(config).ok()?;
    cfg.repo_names()
        .iter()
        .filter_map(|name| cfg.repo(name).ok())
        .filter_map(|rc| rc.repo.minimum_backup_age.map(|d| d.0.as_secs()))
        .min()
}

/// Owner-only (Unix): the fleet folder holds keys and secrets.
fn restrict(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}
