//! Downloads: a file of a snapshot, or a folder as zip, tar or tar.gz, streamed
//! from an export job (`JobKind::Export`) through a named pipe in a private
//! folder: the job writes as it reads the repository, the response sends as the
//! browser takes it, and the pipe's buffer is all that sits between them, so a
//! download of any size holds a few hundred kilobytes of this server's memory.
//! A download that fails halfway ends the response early (the browser says the
//! download failed) rather than handing out a cut archive as if it were whole;
//! a browser that goes away cancels the job.

use std::path::PathBuf;

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::stream;
use npbackup_common::t;
use npbackup_core::{
    config::Config,
    jobs::{self, Finished, JobEvent, JobKind, RunningJob, plan, worker::Canceller},
};
use npbackup_engine::ExportFormat;
use tokio::sync::broadcast;

use crate::{WebError, browse};

/// How much is read from the pipe at once.
const CHUNK: usize = 64 * 1024;

/// The format asked for: `file`, `zip`, `tar` or `tar.gz`.
pub fn format(name: Option<&str>) -> Result<ExportFormat, WebError> {
    match name.unwrap_or("file") {
        "file" => Ok(ExportFormat::File),
        "zip" => Ok(ExportFormat::Zip),
        "tar" => Ok(ExportFormat::Tar),
        "tar.gz" | "tgz" => Ok(ExportFormat::TarGz),
        "vma" => Ok(ExportFormat::Vma),
        other => Err(WebError::bad_request(t!("web-bad-format", format = other))),
    }
}

/// `Content-Disposition` for `name`: an ASCII fallback and the exact UTF-8 name.
fn disposition(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// The download's file name: the last segment of `path` with the format's ending.
fn file_name(path: &str, format: ExportFormat, snapshot: &str) -> String {
    let base = path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("snapshot-{snapshot}"));
    format!("{base}{}", format.extension())
}

/// Cancels the export job when the response is dropped before the job ended.
struct Export {
    running: Option<RunningJob>,
    events: broadcast::Receiver<JobEvent>,
    canceller: Canceller,
    over: bool,
    pipe: Pipe,
    /// The private folder holding the pipe (removed when the download ends).
    _dir: tempfile::TempDir,
}

impl Drop for Export {
    fn drop(&mut self) {
        if !self.over {
            self.canceller.cancel();
        }
    }
}

enum Step {
    Data(Bytes),
    /// The job ended well and everything it wrote was sent.
    End,
    Failed(Finished),
}

/// The job's end as its events tell it; `None` when they stopped without one
/// (the caller then asks the job itself, outside any `select!`, so that the wait
/// is never cancelled halfway).
async fn finished(events: &mut broadcast::Receiver<JobEvent>) -> Option<Finished> {
    loop {
        match events.recv().await {
            Ok(JobEvent::Finished(f)) => return Some(f),
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return None,
        }
    }
}

impl Export {
    async fn step(&mut self) -> Step {
        let mut buf = vec![0u8; CHUNK];
        loop {
            if self.over {
                // the job is done: what is left in the pipe, then the end
                return match self.pipe.try_read(&mut buf) {
                    Ok(n) if n > 0 => {
                        buf.truncate(n);
                        Step::Data(buf.into())
                    }
                    _ => Step::End,
                };
            }
            tokio::select! {
                biased;
                ready = self.pipe.readable() => {
                    if ready.is_err() {
                        continue;
                    }
                    match self.pipe.try_read(&mut buf) {
                        Ok(n) if n > 0 => {
                            buf.truncate(n);
                            return Step::Data(buf.into());
                        }
                        _ => continue,
                    }
                }
                f = finished(&mut self.events) => {
                    let f = match f {
                        Some(f) => f,
                        None => match self.running.take() {
                            Some(r) => r.wait().await,
                            None => return Step::End,
                        },
                    };
                    self.over = true;
                    if !f.ok {
                        return Step::Failed(f);
                    }
                }
            }
        }
    }
}

/// Streams `path` of `snapshot` in `repo` as `format`. Errors that come before
/// the first byte (no such path, not a file) are answered as errors.
pub async fn download(
    config: &Config,
    repo: &str,
    snapshot: &str,
    path: &str,
    format: ExportFormat,
) -> Result<Response, WebError> {
    let snapshot = browse::snapshot_id(snapshot)?.to_string();
    let path = browse::snapshot_path(path)?;
    let dir = tempfile::Builder::new()
        .prefix("npbackup-download-")
        .tempdir()
        .map_err(|e| npbackup_common::Error::io(t!("io-creating-folder"), "temp", e))?;
    let fifo = dir.path().join("export");
    let pipe = Pipe::make(&fifo)?;
    let spec = plan::job(
        config,
        repo,
        JobKind::Export {
            snapshot: snapshot.clone(),
            path: path.clone(),
            format,
            to: fifo.clone(),
        },
    )?;
    let running = jobs::start(&spec, &jobs::JobOptions::default()).await?;
    let mut export = Export {
        events: running.subscribe(),
        canceller: running.canceller(),
        running: Some(running),
        over: false,
        pipe,
        _dir: dir,
    };
    let first = match export.step().await {
        Step::Failed(f) => {
            return Err(f
                .error
                .as_ref()
                .map(browse::from_info)
                .unwrap_or_else(|| WebError::bad_request(t!("web-job-failed"))));
        }
        Step::End => Bytes::new(),
        Step::Data(b) => b,
    };
    let rest = stream::unfold(Some(export), |state| async move {
        let mut export = state?;
        match export.step().await {
            Step::Data(b) => Some((Ok(b), Some(export))),
            Step::End => None,
            Step::Failed(f) => {
                let message = f.error.map(|e| e.message).unwrap_or_default();
                tracing::warn!("a download ended early: {message}");
                Some((Err(std::io::Error::other(message)), None))
            }
        }
    });
    let body = Body::from_stream(futures_util::StreamExt::chain(
        stream::iter([Ok::<_, std::io::Error>(first)]),
        rest,
    ));
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        disposition(&file_name(&path, format, &snapshot)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// The reading end of the named pipe, held open for writing too (Linux), so that
/// it never reads an end of file while the job has yet to open it or between
/// its writes; the job's end says when all was written.
#[cfg(target_os = "linux")]
struct Pipe(tokio::net::unix::pipe::Receiver);

/// Elsewhere there is no pipe to stream through yet: downloads are refused.
#[cfg(not(target_os = "linux"))]
struct Pipe;

#[cfg(not(target_os = "linux"))]
impl Pipe {
    fn make(_: &PathBuf) -> Result<Pipe, WebError> {
        Err(WebError::new(
            StatusCode::NOT_IMPLEMENTED,
            "unsupported",
            t!("web-downloads-linux-only"),
        ))
    }
    async fn readable(&self) -> std::io::Result<()> {
        std::future::pending().await
    }
    fn try_read(&self, _: &mut [u8]) -> std::io::Result<usize> {
        Ok(0)
    }
}

#[cfg(target_os = "linux")]
impl Pipe {
    fn make(path: &PathBuf) -> Result<Pipe, WebError> {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes())
            .map_err(|_| WebError::bad_request(t!("web-job-failed")))?;
        // SAFETY: a valid NUL-terminated path; mkfifo only reads it
        if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } != 0 {
            return Err(npbackup_common::Error::io(
                t!("io-creating"),
                path,
                std::io::Error::last_os_error(),
            )
            .into());
        }
        let rx = tokio::net::unix::pipe::OpenOptions::new()
            .read_write(true)
            .open_receiver(path)
            .map_err(|e| npbackup_common::Error::io(t!("io-opening"), path, e))?;
        Ok(Pipe(rx))
    }

    async fn readable(&self) -> std::io::Result<()> {
        self.0.readable().await
    }

    fn try_read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.try_read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_in_the_header() {
        let v = disposition("r\u{e9}sum\u{e9} \"x\".pdf");
        let s = v.to_str().unwrap_or("");
        assert!(s.contains("filename=\"r_sum_ _x_.pdf\""), "{s}");
        assert!(
            s.contains("filename*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22.pdf"),
            "{s}"
        );
        assert_eq!(
            file_name("/home/ann/docs", ExportFormat::Zip, "ab"),
            "docs.zip"
        );
        assert_eq!(
            file_name("/", ExportFormat::TarGz, "ab"),
            "snapshot-ab.tar.gz"
        );
    }
}
