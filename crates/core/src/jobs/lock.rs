//! One writer per repository on this machine: a lock file per repository in the
//! runtime dir, held with an OS file lock (`flock`) by the job process and holding
//! its pid and job. The OS drops the lock when the process dies, so a lock left
//! by a crashed job is detected (its pid is gone) and taken over.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, SeekFrom, Write},
    path::PathBuf,
    time::Duration,
};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Who holds a lock (the file's content).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub job: String,
    pub kind: String,
    pub repository: String,
    pub since: String,
}

impl Holder {
    /// This process, running `job` of kind `kind` on `repository`, from now.
    pub fn me(job: &str, kind: &str, repository: &str) -> Self {
        Holder {
            pid: std::process::id(),
            job: job.to_string(),
            kind: kind.to_string(),
            repository: repository.to_string(),
            since: jiff::Timestamp::now().to_string(),
        }
    }
}

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct RepoLock {
    file: File,
    pub path: PathBuf,
}

impl Drop for RepoLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// Where lock files live (`$XDG_RUNTIME_DIR/npbackup/locks`, else a folder in the
/// data dir, else the temp dir).
pub fn lock_dir() -> PathBuf {
    crate::config::runtime_dir().join("locks")
}

/// A file name for a repository location: readable part plus a hash of the whole.
fn file_name(location: &str) -> String {
    let hash = super::location_hash(location);
    let safe: Vec<char> = location
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    // the end of a location is its most telling part
    let readable: String = safe[safe.len().saturating_sub(40)..].iter().collect();
    format!("{readable}-{hash:016x}.lock")
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

/// Takes the lock for `location`. When another job holds it: waits up to `wait`
/// (polling), then refuses naming the holder.
pub fn acquire(location: &str, me: &Holder, wait: Option<Duration>) -> Result<RepoLock> {
    let dir = lock_dir();
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(crate::t!("io-creating-lock-folder"), &dir, e))?;
    let path = dir.join(file_name(location));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(crate::t!("io-opening-lock-file"), &path, e))?;
    let deadline = wait.map(|w| std::time::Instant::now() + w);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {
                if deadline.is_some_and(|d| std::time::Instant::now() < d) {
                    std::thread::sleep(Duration::from_millis(500));
                    continue;
                }
                let who = read_holder(&mut file)
                    .map(|h| {
                        crate::t!(
                            "job-lock-holder",
                            kind = h.kind,
                            pid = h.pid,
                            job = h.job,
                            since = h.since
                        )
                    })
                    .unwrap_or_else(|| crate::t!("job-lock-holder-unknown"));
                return Err(Error::Locked(if wait.is_some() {
                    crate::t!("job-busy-waited", location = location, who = who)
                } else {
                    crate::t!("job-busy", location = location, who = who)
                }));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::io(crate::t!("io-locking"), &path, e));
            }
        }
    }
    // We hold it: anything in the file is from a job that died without cleaning up.
    if let Some(old) = read_holder(&mut file)
        && old.pid != me.pid
    {
        let state = if crate::engine::repolock::pid_exists(i64::from(old.pid)) {
            "released"
        } else {
            "no longer running"
        };
        tracing::info!(
            "took over a stale lock of {location} from pid {} ({state})",
            old.pid
        );
    }
    let text = serde_json::to_string(me).map_err(|e| {
        Error::Usage(crate::t!(
            "engine-cannot-encode-lock",
            cause = e.to_string()
        ))
    })?;
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)).map(|_| ()))
        .and_then(|()| file.write_all(text.as_bytes()))
        .and_then(|()| file.flush())
        .map_err(|e| Error::io(crate::t!("io-writing-lock-file"), &path, e))?;
    Ok(RepoLock { file, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(pid: u32) -> Holder {
        Holder {
            pid,
            job: "j".into(),
            kind: "backup".into(),
            repository: "r".into(),
            since: "now".into(),
        }
    }

    #[test]
    fn names_are_stable_and_distinct() {
        assert_eq!(file_name("/srv/repo"), file_name("/srv/repo"));
        assert_ne!(file_name("/srv/repo"), file_name("/srv/rep0"));
        assert!(file_name("rest:http://h:8000/x").ends_with(".lock"));
    }

    #[test]
    fn second_lock_is_refused_then_free_after_drop() {
        let loc = format!("/test/lock/{}", std::process::id());
        let first = acquire(&loc, &holder(std::process::id()), None).unwrap();
        // flock locks belong to the open file description: a second open conflicts.
        let err = acquire(&loc, &holder(1), None).unwrap_err();
        assert!(err.to_string().contains("is busy"), "{err}");
        drop(first);
        let again = acquire(&loc, &holder(1), Some(Duration::from_secs(1))).unwrap();
        drop(again);
    }
}
