//! restic-format locks in the repository's `locks/` folder, so that we are safe
//! beside restic on a shared repository: rustic_core neither writes nor honours
//! them, and a `restic prune` running while we back up could delete packs we
//! uploaded but have not indexed yet.
//!
//! A lock is restic's JSON (`time`, `exclusive`, `hostname`, `username`, `pid`,
//! `uid`, `gid`) encrypted with the repository key (AES-256-CTR + Poly1305-AES:
//! IV ‖ ciphertext ‖ MAC) and stored under the SHA-256 of those bytes. As restic
//! does, we refresh ours every 5 minutes and judge others stale after 30 minutes
//! (or at once when they come from a dead process on this host). rustic_backend
//! has no lock file type, so `LockStore` reaches the same storage directly.

use std::{
    collections::BTreeMap,
    path::PathBuf,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{OpenRepo, crypto::RepoKey};
use crate::error::{Error, Result};

/// restic refreshes its locks this often…
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// …and considers a lock not refreshed for this long stale.
pub const STALE_AFTER: Duration = Duration::from_secs(30 * 60);

/// restic's lock file content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockInfo {
    pub time: String,
    pub exclusive: bool,
    pub hostname: String,
    #[serde(default)]
    pub username: String,
    pub pid: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub uid: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gid: u32,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl LockInfo {
    /// restic's rule: stale when older than 30 minutes, or when it belongs to a
    /// process on this host that no longer exists.
    pub fn is_stale(&self, now: jiff::Timestamp, this_host: &str) -> bool {
        let Ok(t) = self.time.parse::<jiff::Timestamp>() else {
            return true;
        };
        if now.as_second() - t.as_second() > STALE_AFTER.as_secs() as i64 {
            return true;
        }
        self.hostname == this_host && !pid_exists(self.pid)
    }

    /// "host box, pid 1234, user alice, since 2026-…" for messages.
    pub fn describe(&self) -> String {
        crate::t!(
            "engine-lock-holder",
            host = self.hostname.as_str(),
            pid = self.pid,
            user = self.user(),
            since = self.time.as_str()
        )
    }

    /// The same, in English, for the log.
    fn describe_for_log(&self) -> String {
        format!(
            "host {}, pid {}, user {}, since {}",
            self.hostname,
            self.pid,
            self.user(),
            self.time
        )
    }

    fn user(&self) -> &str {
        if self.username.is_empty() {
            "?"
        } else {
            &self.username
        }
    }
}

/// Whether a process of this host still runs. A zombie does not: a job killed with
/// its command (`kill -9` of the group) stays one until its new parent reaps it, which
/// in a container without a reaping init can take long, and its lock must be stale
/// at once all the same.
pub fn pid_exists(pid: i64) -> bool {
    #[cfg(target_os = "linux")]
    {
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // "pid (comm) S …": the state follows the last ')' (comm may hold any)
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next());
            return !matches!(state, Some("Z" | "X" | "x"));
        }
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks whether the process exists.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

fn hostname() -> String {
    gethostname::gethostname().to_string_lossy().to_string()
}

fn username() -> String {
    if let Ok(u) = std::env::var("USER").or_else(|_| std::env::var("USERNAME"))
        && !u.is_empty()
    {
        return u;
    }
    #[cfg(unix)]
    {
        let mut buf = vec![0 as libc::c_char; 4096];
        // SAFETY: a zeroed passwd is a valid out-parameter for getpwuid_r.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: buf and pwd outlive the call; result is checked before use.
        let rc = unsafe {
            libc::getpwuid_r(
                libc::getuid(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        if rc == 0 && !result.is_null() && !pwd.pw_name.is_null() {
            // SAFETY: pw_name points into buf, NUL-terminated by getpwuid_r.
            return unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) }
                .to_string_lossy()
                .to_string();
        }
    }
    String::new()
}

/// Raw access to the `locks/` folder of a repository's storage.
trait LockStore: Send + Sync {
    fn list(&self) -> Result<Vec<String>>;
    fn read(&self, name: &str) -> Result<Vec<u8>>;
    fn write(&self, name: &str, data: &[u8]) -> Result<()>;
    fn remove(&self, name: &str) -> Result<()>;
}

struct LocalStore(PathBuf);

impl LockStore for LocalStore {
    fn list(&self) -> Result<Vec<String>> {
        let dir = self.0.join("locks");
        match std::fs::read_dir(&dir) {
            // every name, a write in progress too: restic writes its lock to a temporary
            // name and renames it, and a complete one already holds the repository (one
            // that does not decrypt yet is skipped when read)
            Ok(rd) => Ok(rd
                .flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Error::io(crate::t!("io-listing-locks"), &dir, e)),
        }
    }
    fn read(&self, name: &str) -> Result<Vec<u8>> {
        let p = self.0.join("locks").join(name);
        std::fs::read(&p).map_err(|e| Error::io(crate::t!("io-reading-lock"), &p, e))
    }
    fn write(&self, name: &str, data: &[u8]) -> Result<()> {
        let dir = self.0.join("locks");
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(crate::t!("io-creating"), &dir, e))?;
        let p = dir.join(name);
        // whole or not at all: a process killed while it writes leaves no empty lock
        // (which nobody could read, so nobody would ever remove)
        crate::fsutil::write_atomic(&p, data, None)
            .map_err(|e| Error::io(crate::t!("io-writing-lock"), &p, e))
    }
    fn remove(&self, name: &str) -> Result<()> {
        let p = self.0.join("locks").join(name);
        match std::fs::remove_file(&p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(crate::t!("io-removing-lock"), &p, e)),
        }
    }
}

struct RestStore {
    client: reqwest::blocking::Client,
    base: reqwest::Url,
}

impl RestStore {
    fn new(url: &str) -> Result<Self> {
        let url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        let base = reqwest::Url::parse(&url)
            .map_err(|e| Error::Usage(crate::t!("engine-not-a-url", cause = e.to_string())))?;
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Error::Unreachable(crate::t!("engine-no-http", cause = e.to_string())))?;
        Ok(RestStore { client, base })
    }
    fn url(&self, path: &str) -> Result<reqwest::Url> {
        self.base
            .join(path)
            .map_err(|e| Error::Usage(crate::t!("engine-bad-lock-url", cause = e.to_string())))
    }
    fn send(
        &self,
        req: reqwest::blocking::RequestBuilder,
        what: &str,
    ) -> Result<reqwest::blocking::Response> {
        let resp = req.send().map_err(|e| {
            Error::Unreachable(crate::t!(
                "err-engine",
                doing = what,
                message = crate::redact::redact(&e.to_string())
            ))
        })?;
        if resp.status().is_success() {
            Ok(resp)
        } else {
            // (`remove` recognises a 404 by the status in the message)
            Err(Error::Engine {
                doing: what.to_string(),
                message: crate::t!("engine-rest-answered", status = resp.status().to_string()),
            })
        }
    }
    fn with_auth(
        &self,
        req: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        if self.base.username().is_empty() {
            req
        } else {
            req.basic_auth(self.base.username(), self.base.password())
        }
    }
}

impl LockStore for RestStore {
    fn list(&self) -> Result<Vec<String>> {
        let req = self
            .with_auth(self.client.get(self.url("locks/")?))
            .header("Accept", "application/vnd.x.restic.rest.v2");
        let resp = self.send(req, &crate::t!("engine-listing-locks"))?;
        let body: serde_json::Value = resp.json().map_err(|e| Error::Engine {
            doing: crate::t!("engine-listing-locks"),
            message: e.to_string(),
        })?;
        Ok(body
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| {
                        v.get("name")
                            .and_then(|n| n.as_str())
                            .or_else(|| v.as_str())
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default())
    }
    fn read(&self, name: &str) -> Result<Vec<u8>> {
        let req = self.with_auth(self.client.get(self.url(&format!("locks/{name}"))?));
        let resp = self.send(req, &crate::t!("engine-reading-lock"))?;
        resp.bytes().map(|b| b.to_vec()).map_err(|e| Error::Engine {
            doing: crate::t!("engine-reading-lock"),
            message: e.to_string(),
        })
    }
    fn write(&self, name: &str, data: &[u8]) -> Result<()> {
        let req = self
            .with_auth(self.client.post(self.url(&format!("locks/{name}"))?))
            .body(data.to_vec());
        self.send(req, &crate::t!("engine-writing-lock"))
            .map(|_| ())
    }
    fn remove(&self, name: &str) -> Result<()> {
        let req = self.with_auth(self.client.delete(self.url(&format!("locks/{name}"))?));
        match self.send(req, &crate::t!("engine-removing-lock")) {
            Ok(_) => Ok(()),
            Err(Error::Engine { message, .. }) if message.contains("404") => Ok(()),
            Err(e) => Err(e),
        }
    }
}

struct OpendalStore {
    runtime: tokio::runtime::Runtime,
    op: opendal::Operator,
}

impl OpendalStore {
    fn new(scheme: &str, options: &BTreeMap<String, String>) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| Error::io(crate::t!("io-starting-lock-runtime"), "tokio", e))?;
        let op = opendal::Operator::via_iter(scheme, options.clone()).map_err(|e| {
            Error::Usage(crate::t!(
                "engine-lock-storage-unreachable",
                scheme = scheme,
                cause = e.to_string()
            ))
        })?;
        Ok(OpendalStore { runtime, op })
    }
    fn err(doing: String, e: opendal::Error) -> Error {
        Error::Engine {
            doing,
            message: crate::redact::redact(&e.to_string()),
        }
    }
}

impl LockStore for OpendalStore {
    fn list(&self) -> Result<Vec<String>> {
        match self.runtime.block_on(self.op.list("locks/")) {
            Ok(entries) => Ok(entries
                .iter()
                .map(|e| e.name().to_string())
                .filter(|n| !n.is_empty() && !n.ends_with('/'))
                .collect()),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Self::err(crate::t!("engine-listing-locks"), e)),
        }
    }
    fn read(&self, name: &str) -> Result<Vec<u8>> {
        self.runtime
            .block_on(self.op.read(&format!("locks/{name}")))
            .map(|b| b.to_vec())
            .map_err(|e| Self::err(crate::t!("engine-reading-lock"), e))
    }
    fn write(&self, name: &str, data: &[u8]) -> Result<()> {
        self.runtime
            .block_on(self.op.write(&format!("locks/{name}"), data.to_vec()))
            .map(|_| ())
            .map_err(|e| Self::err(crate::t!("engine-writing-lock"), e))
    }
    fn remove(&self, name: &str) -> Result<()> {
        self.runtime
            .block_on(self.op.delete(&format!("locks/{name}")))
            .map_err(|e| Self::err(crate::t!("engine-removing-lock"), e))
    }
}

fn store_for(open: &OpenRepo) -> Result<Option<Box<dyn LockStore>>> {
    let loc = &open.location;
    if let Some(path) = loc.local_path() {
        return Ok(Some(Box::new(LocalStore(path))));
    }
    if let Some(url) = loc.repository.strip_prefix("rest:") {
        return Ok(Some(Box::new(RestStore::new(url)?)));
    }
    if let Some(scheme) = loc.repository.strip_prefix("opendal:") {
        return Ok(Some(Box::new(OpendalStore::new(scheme, &loc.options)?)));
    }
    Ok(None)
}

/// Decrypts a lock file. Repository format 2 compresses unpacked files: a
/// leading 2 means zstd follows.
fn decrypt(key: &RepoKey, data: &[u8]) -> Option<Vec<u8>> {
    let buf = key.decrypt(data)?;
    match buf.first() {
        Some(b'{') | Some(b'[') => Some(buf),
        Some(2) => zstd::decode_all(&buf[1..]).ok(),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The locks other than ours currently in the repository (unreadable ones skipped).
fn read_locks(
    store: &dyn LockStore,
    key: &RepoKey,
    except: Option<&str>,
) -> Result<Vec<(String, LockInfo)>> {
    let mut out = Vec::new();
    for name in store.list()? {
        if Some(name.as_str()) == except {
            continue;
        }
        let Ok(data) = store.read(&name) else {
            continue;
        };
        match decrypt(key, &data).and_then(|plain| serde_json::from_slice::<LockInfo>(&plain).ok())
        {
            Some(info) => out.push((name, info)),
            None => tracing::info!(
                "ignoring lock {name}: it does not decrypt with this repository's key"
            ),
        }
    }
    Ok(out)
}

/// Removes the locks restic itself would call stale (as `restic unlock` does): a
/// job that was killed leaves one behind, and restic refuses to prune past it.
/// Returns the locks that remain.
fn remove_stale(store: &dyn LockStore, locks: Vec<(String, LockInfo)>) -> Vec<(String, LockInfo)> {
    let now = jiff::Timestamp::now();
    let host = hostname();
    locks
        .into_iter()
        .filter(|(name, info)| {
            if !info.is_stale(now, &host) {
                return true;
            }
            match store.remove(name) {
                Ok(()) => {
                    tracing::info!("removed a stale lock ({})", info.describe_for_log());
                    false
                }
                Err(e) => {
                    tracing::info!(
                        "could not remove the stale lock {name}: {}",
                        describe_error(&e)
                    );
                    true
                }
            }
        })
        .collect()
}

/// Removes the stale locks of a repository (`unlock`); returns the ones removed.
pub fn remove_stale_locks(open: &OpenRepo) -> Result<Vec<LockInfo>> {
    let Some(store) = store_for(open)? else {
        return Ok(Vec::new());
    };
    let key = RepoKey::of(&open.repo)?;
    let before = read_locks(store.as_ref(), &key, None)?;
    let kept: Vec<String> = remove_stale(store.as_ref(), before.clone())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    Ok(before
        .into_iter()
        .filter(|(n, _)| !kept.contains(n))
        .map(|(_, l)| l)
        .collect())
}

/// The first non-stale lock that conflicts with a lock of kind `exclusive`.
fn conflict(locks: &[(String, LockInfo)], exclusive: bool) -> Option<LockInfo> {
    let now = jiff::Timestamp::now();
    let host = hostname();
    locks
        .iter()
        .map(|(_, l)| l)
        .find(|l| (exclusive || l.exclusive) && !l.is_stale(now, &host))
        .cloned()
}

struct Held {
    store: Box<dyn LockStore>,
    key: RepoKey,
    exclusive: bool,
    current: Mutex<Option<String>>,
}

impl Held {
    fn write_new(&self) -> Result<String> {
        let info = LockInfo {
            time: jiff::Zoned::now().to_string().split('[').next().unwrap_or_default().to_string(),
            exclusive: self.exclusive,
            hostname: hostname(),
            username: username(),
            pid: i64::from(std::process::id()),
            #[cfg(unix)]
            // SAFETY: getuid/getgid cannot fail.
            uid: unsafe { libc::getuid() },
            #[cfg(not(unix))]
            uid: 0,
            #[cfg(unix)]
            // SAFETY: as above.
            gid: unsafe { libc::getgid() },
            #[cfg(not(unix))]
            gid: 0,
        };
        let plain = serde_json::to_vec(&info).map_err(|e| {
            Error::Usage(crate::t!(
                "engine-cannot-encode-lock",
                cause = e.to_string()
            ))
        })?;
        let data = self.key.encrypt(&plain)?;
        let name = hex(&Sha256::digest(&data));
        self.store.write(&name, &data)?;
        Ok(name)
    }

    fn release(&self) {
        let name = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(name) = name
            && let Err(e) = self.store.remove(&name)
        {
            tracing::warn!(
                user = %crate::t!(
                    "engine-lock-not-removed",
                    name = name.as_str(),
                    cause = e.to_string()
                ),
                "could not remove our lock {name} from the repository: {e}; `restic unlock` removes it"
            );
        }
    }

    fn refresh(&self) -> Result<()> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(old) = current.clone() else {
            return Ok(());
        };
        let new = self.write_new()?;
        *current = Some(new);
        drop(current);
        self.store.remove(&old)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.release();
    }
}

/// Our lock in the repository; removed when dropped.
pub struct ResticLock(Option<Arc<Held>>);

impl ResticLock {
    /// A function that removes the lock if it is still held, for a cancel hook
    /// (it does not keep the lock alive).
    pub fn releaser(&self) -> impl FnOnce() + Send + 'static {
        let weak = self.0.as_ref().map(Arc::downgrade);
        move || {
            if let Some(h) = weak.and_then(|w| w.upgrade()) {
                h.release();
            }
        }
    }
}

/// Takes a restic lock: non-exclusive for backups, exclusive for prune/forget.
/// Refuses, naming the holder, when restic (or anyone) holds a conflicting lock.
pub fn acquire(open: &OpenRepo, exclusive: bool) -> Result<ResticLock> {
    let Some(store) = store_for(open)? else {
        tracing::warn!(
            user = %crate::t!("engine-no-restic-locking", location = open.uri.as_str()),
            "restic-compatible locking is not available for {}: do not run restic's prune on it while this job runs",
            open.uri
        );
        return Ok(ResticLock(None));
    };
    let key = RepoKey::of(&open.repo)?;
    let refuse = |holder: LockInfo| {
        Error::Locked(if holder.exclusive {
            crate::t!(
                "engine-locked-exclusively",
                location = open.uri.as_str(),
                holder = holder.describe()
            )
        } else {
            crate::t!(
                "engine-locked",
                location = open.uri.as_str(),
                holder = holder.describe()
            )
        })
    };
    let existing = remove_stale(store.as_ref(), read_locks(store.as_ref(), &key, None)?);
    if let Some(holder) = conflict(&existing, exclusive) {
        return Err(refuse(holder));
    }
    let held = Arc::new(Held {
        store,
        key,
        exclusive,
        current: Mutex::new(None),
    });
    let name = held.write_new().map_err(|e| match e {
        Error::Engine { message, .. } => Error::Engine {
            doing: crate::t!("engine-writing-our-lock"),
            message,
        },
        other => other,
    })?;
    *held.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(name.clone());
    // someone may have locked at the same moment: check again, and step back if so
    if let Some(holder) = conflict(
        &read_locks(held.store.as_ref(), &held.key, Some(&name))?,
        exclusive,
    ) {
        held.release();
        return Err(refuse(holder));
    }
    let weak = Arc::downgrade(&held);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(REFRESH_INTERVAL);
            let Some(h) = weak.upgrade() else { break };
            if h.current
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_none()
            {
                break;
            }
            if let Err(e) = h.refresh() {
                tracing::warn!(
                    user = %crate::t!("engine-lock-not-refreshed", cause = describe_error(&e)),
                    "could not refresh our repository lock: {}",
                    describe_error(&e)
                );
            }
        }
    });
    Ok(ResticLock(Some(held)))
}

fn describe_error(e: &Error) -> String {
    crate::redact::redact(&e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(time: &str, exclusive: bool, host: &str, pid: i64) -> LockInfo {
        LockInfo {
            time: time.into(),
            exclusive,
            hostname: host.into(),
            username: "u".into(),
            pid,
            uid: 0,
            gid: 0,
        }
    }

    #[test]
    fn encryption_round_trips_and_detects_tampering() {
        let key = RepoKey::from_bytes([7u8; 64]);
        let data = key.encrypt(br#"{"a":1}"#).unwrap();
        assert_eq!(decrypt(&key, &data).unwrap(), br#"{"a":1}"#);
        let mut bad = data.clone();
        bad[20] ^= 1;
        assert!(decrypt(&key, &bad).is_none());
        assert!(decrypt(&RepoKey::from_bytes([8u8; 64]), &data).is_none());
    }

    #[test]
    fn staleness_follows_restic() {
        let now: jiff::Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let me = std::process::id() as i64;
        assert!(!lock("2026-01-01T11:45:00Z", true, "other", 1).is_stale(now, "here"));
        assert!(lock("2026-01-01T11:29:00Z", true, "other", 1).is_stale(now, "here"));
        assert!(!lock("2026-01-01T11:59:00Z", true, "here", me).is_stale(now, "here"));
        // a process of this host that no longer exists
        assert!(lock("2026-01-01T11:59:00Z", true, "here", 999_999_999).is_stale(now, "here"));
        assert!(lock("garbage", true, "x", 1).is_stale(now, "here"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_zombie_is_no_running_process() {
        let mut child = std::process::Command::new("sleep")
            .arg("60")
            .spawn()
            .unwrap();
        let pid = i64::from(child.id());
        assert!(pid_exists(pid));
        // killed but not reaped: a zombie, as a job whose command was killed with it
        // SAFETY: killing the child this test started.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while pid_exists(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!pid_exists(pid), "a zombie counted as running");
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        assert!(stat.contains(") Z"), "not a zombie: {stat}");
        child.wait().unwrap();
        assert!(!pid_exists(pid));
    }

    #[test]
    fn conflicts_between_kinds() {
        let fresh = jiff::Timestamp::now().to_string();
        let shared = vec![("a".to_string(), lock(&fresh, false, "h", 1))];
        let excl = vec![("b".to_string(), lock(&fresh, true, "h", 1))];
        assert!(conflict(&shared, false).is_none(), "two backups may share");
        assert!(conflict(&shared, true).is_some(), "prune waits for backups");
        assert!(conflict(&excl, false).is_some(), "a backup waits for prune");
    }
}
