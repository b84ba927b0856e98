//! Bandwidth limits (`repo.upload-limit`, `repo.download-limit`; restic's
//! `--limit-upload`/`--limit-download`): a backend wrapper that holds every
//! transfer of a session to a rate shared by all its threads.
//!
//! Uploads are paced while the backend reads them (the local, REST and rclone
//! backends stream what they write, 8 to 64 KiB at a time). A backend that takes a
//! whole file at once (the OpenDAL ones: S3, SFTP, B2, Azure…) sends it at the line's
//! speed and is charged once it is sent, so the next upload waits; downloads are
//! charged the same way as they arrive. For those the rate holds on average over a
//! session, not within one file (pacing inside them would need rustic_backend's help).

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use bytes::Bytes;
use rustic_core::{
    BytesList, FileType, Id, Pacer, ReadBackend, RepositoryBackends, RusticResult, WriteBackend,
};

/// The largest pack a session writes (128 MiB, `repo.pack-size`'s upper bound; rustic's
/// own sizes reach it only in repositories of many terabytes).
pub const LARGEST_PACK: u64 = 128 * 1024 * 1024;

/// Bytes per second up and down; `None` is unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    pub upload: Option<u64>,
    pub download: Option<u64>,
}

impl Limits {
    pub fn is_unlimited(&self) -> bool {
        self.upload.is_none() && self.download.is_none()
    }
}

/// A token bucket that lets its balance go negative: whoever takes more than is
/// there waits until the debt is paid back at `rate`, so several threads together
/// keep the rate. At most one second's worth of bytes is saved up while idle
/// (restic's limiter allows the same burst).
#[derive(Debug)]
pub(crate) struct Bucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    pub(crate) fn new(bytes_per_second: u64, now: Instant) -> Self {
        let rate = bytes_per_second.max(1) as f64;
        Bucket {
            rate,
            burst: rate,
            state: Mutex::new((rate, now)),
        }
    }

    /// Takes `n` bytes at `now`; returns how long the taker must wait before
    /// sending them.
    pub(crate) fn take_at(&self, n: u64, now: Instant) -> Duration {
        let mut state = match self.state.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (tokens, last) = *state;
        let elapsed = now.saturating_duration_since(last).as_secs_f64();
        let tokens = (tokens + elapsed * self.rate).min(self.burst) - n as f64;
        *state = (tokens, now.max(last));
        if tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-tokens / self.rate)
        }
    }

    /// Takes `n` bytes now, sleeping as long as the rate asks.
    pub(crate) fn take(&self, n: u64) {
        let wait = self.take_at(n, Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }
}

/// `backends` with `limits` applied to the repository (and its hot part).
pub(crate) fn limit(backends: RepositoryBackends, limits: Limits) -> RepositoryBackends {
    if limits.is_unlimited() {
        return backends;
    }
    let now = Instant::now();
    let up = limits.upload.map(|r| Arc::new(Bucket::new(r, now)));
    let down = limits.download.map(|r| Arc::new(Bucket::new(r, now)));
    let wrap = |inner: Arc<dyn WriteBackend>| -> Arc<dyn WriteBackend> {
        Arc::new(Limited {
            inner,
            up: up.clone(),
            down: down.clone(),
        })
    };
    RepositoryBackends::new(wrap(backends.repository()), backends.repo_hot().map(wrap))
}

/// A backend whose transfers take from the session's buckets.
struct Limited {
    inner: Arc<dyn WriteBackend>,
    up: Option<Arc<Bucket>>,
    down: Option<Arc<Bucket>>,
}

impl Limited {
    fn received(&self, bytes: RusticResult<Bytes>) -> RusticResult<Bytes> {
        if let (Ok(b), Some(down)) = (&bytes, &self.down) {
            down.take(b.len() as u64);
        }
        bytes
    }
}

impl ReadBackend for Limited {
    fn location(&self) -> String {
        self.inner.location()
    }

    fn list_with_size(&self, tpe: FileType) -> RusticResult<Vec<(Id, u32)>> {
        self.inner.list_with_size(tpe)
    }

    fn list(&self, tpe: FileType) -> RusticResult<Vec<Id>> {
        self.inner.list(tpe)
    }

    fn read_full(&self, tpe: FileType, id: &Id) -> RusticResult<Bytes> {
        self.received(self.inner.read_full(tpe, id))
    }

    fn read_partial(
        &self,
        tpe: FileType,
        id: &Id,
        cacheable: bool,
        offset: u32,
        length: u32,
    ) -> RusticResult<Bytes> {
        self.received(self.inner.read_partial(tpe, id, cacheable, offset, length))
    }

    fn warmup_path(&self, tpe: FileType, id: &Id) -> String {
        self.inner.warmup_path(tpe, id)
    }

    fn needs_warm_up(&self) -> bool {
        self.inner.needs_warm_up()
    }

    fn warm_up(&self, tpe: FileType, id: &Id) -> RusticResult<()> {
        self.inner.warm_up(tpe, id)
    }
}

impl WriteBackend for Limited {
    fn create(&self) -> RusticResult<()> {
        self.inner.create()
    }

    fn write_bytes(
        &self,
        tpe: FileType,
        id: &Id,
        cacheable: bool,
        content: BytesList,
    ) -> RusticResult<()> {
        let Some(up) = &self.up else {
            return self.inner.write_bytes(tpe, id, cacheable, content);
        };
        let size = content.size() as u64;
        let streamed = Arc::new(AtomicU64::new(0));
        let pacer = {
            let (up, streamed) = (up.clone(), streamed.clone());
            Pacer::new(move |n| {
                let n = n as u64;
                // a retry reads the file again: it is traffic too
                streamed.fetch_add(n, Ordering::Relaxed);
                up.take(n);
            })
        };
        let result = self
            .inner
            .write_bytes(tpe, id, cacheable, content.paced(pacer));
        // a backend that did not read through the pacer sent the file at once
        let unpaced = size.saturating_sub(streamed.load(Ordering::Relaxed));
        if unpaced > 0 && result.is_ok() {
            up.take(unpaced);
        }
        result
    }

    fn remove(&self, tpe: FileType, id: &Id, cacheable: bool) -> RusticResult<()> {
        self.inner.remove(tpe, id, cacheable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_lets_one_second_through_then_holds_the_rate() {
        let t0 = Instant::now();
        let b = Bucket::new(1000, t0);
        // the first second's worth goes at once
        assert_eq!(b.take_at(1000, t0), Duration::ZERO);
        // then each taker waits for what it takes, debts adding up across takers
        assert_eq!(b.take_at(500, t0), Duration::from_millis(500));
        assert_eq!(b.take_at(500, t0), Duration::from_millis(1000));
        // time pays the debt back
        let later = t0 + Duration::from_secs(2);
        assert_eq!(b.take_at(0, later), Duration::ZERO);
        // idle time saves up at most one second's worth
        let much_later = t0 + Duration::from_secs(60);
        assert_eq!(b.take_at(1000, much_later), Duration::ZERO);
        assert_eq!(b.take_at(250, much_later), Duration::from_millis(250));
        // a clock read out of order (threads) never refills backwards
        assert_eq!(b.take_at(0, t0), Duration::from_millis(250));
    }

    #[test]
    fn unlimited_backends_are_not_wrapped() {
        assert!(Limits::default().is_unlimited());
        assert!(
            !Limits {
                upload: Some(1),
                download: None
            }
            .is_unlimited()
        );
    }
}
