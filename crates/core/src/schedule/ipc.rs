//! The daemon's local endpoint, which only its own user (and root or the
//! administrators) may use. One JSON request per line, one JSON reply per line;
//! `watch` streams the daemon's events until the client hangs up. The CLI, the
//! desktop app and the tray are its clients.
//!
//! - Unix: a socket (`$XDG_RUNTIME_DIR/npbackup/daemon.sock`, `/run/npbackup/daemon.sock`
//!   for the system service), 0600 in a 0700 folder, and each connection's peer
//!   credentials are checked.
//! - Windows: a named pipe (`\\.\pipe\npbackup-USER`, `\\.\pipe\npbackup` for the
//!   service) whose access list lets in only its owner, SYSTEM and the
//!   administrators, and no remote client. Not built here (see the README).

use std::{
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    time::Duration,
};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt},
    sync::{broadcast, mpsc, oneshot},
};

use super::TaskKind;
use crate::{
    error::{Error, Result},
    jobs::JobEvent,
};

/// What a client asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Request {
    Status,
    /// Run a task now, scheduled or not (also while paused).
    RunNow {
        repo: String,
        #[serde(default = "backup")]
        task: TaskKind,
    },
    /// Scheduled runs wait until then.
    Pause {
        until: Timestamp,
    },
    Resume,
    /// Cancel the repository's running task.
    Cancel {
        repo: String,
    },
    /// Stream the daemon's events.
    Watch,
}

fn backup() -> TaskKind {
    TaskKind::Backup
}

/// The answer to a request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Reply {
    pub fn done(message: impl Into<String>) -> Reply {
        Reply {
            ok: true,
            error: None,
            status: None,
            message: Some(message.into()),
        }
    }

    pub fn refused(error: impl Into<String>) -> Reply {
        Reply {
            ok: false,
            error: Some(error.into()),
            status: None,
            message: None,
        }
    }
}

/// The daemon's state as its clients see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub pid: u32,
    pub config: PathBuf,
    pub paused_until: Option<Timestamp>,
    pub tasks: Vec<TaskStatus>,
    /// What keeps part of the config from being scheduled (a broken file or repository).
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskStatus {
    pub repo: String,
    pub task: TaskKind,
    /// The schedule as written ("daily at 02:30").
    pub when: String,
    pub next_run: Option<Timestamp>,
    pub last_run: Option<Timestamp>,
    pub last_result: Option<String>,
    pub last_ok: Option<bool>,
    pub running: bool,
    /// Why a due run waits (battery, metered network).
    pub waiting: Option<String>,
}

/// What the daemon tells its watchers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum DaemonEvent {
    Started {
        repo: String,
        task: TaskKind,
        scheduled: bool,
    },
    /// An event of a running task's job (progress, log, warning…).
    Job {
        repo: String,
        task: TaskKind,
        event: Box<JobEvent>,
    },
    Ended {
        repo: String,
        task: TaskKind,
        ok: bool,
        result: String,
    },
    Waiting {
        repo: String,
        task: TaskKind,
        reason: String,
    },
    Paused {
        until: Option<Timestamp>,
    },
    Reloaded {
        tasks: usize,
        problems: Vec<String>,
    },
}

/// The socket of this user's daemon.
#[cfg(unix)]
pub fn socket_path() -> PathBuf {
    crate::config::runtime_dir().join("daemon.sock")
}

/// The named pipe of this user's daemon.
#[cfg(windows)]
pub fn socket_path() -> PathBuf {
    let user = std::env::var("USERNAME").unwrap_or_default();
    let user: String = user
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    PathBuf::from(format!(
        r"\\.\pipe\{}-{user}",
        crate::customization::SHORT_NAME
    ))
}

/// The endpoint of the system service.
pub fn system_socket_path() -> PathBuf {
    if cfg!(windows) {
        PathBuf::from(format!(r"\\.\pipe\{}", crate::customization::SHORT_NAME))
    } else {
        PathBuf::from(format!(
            "/run/{}/daemon.sock",
            crate::customization::SHORT_NAME
        ))
    }
}

/// Where a client looks: this user's daemon, else the system's.
pub fn client_socket_paths() -> Vec<PathBuf> {
    let system = system_socket_path();
    let mut v = vec![socket_path()];
    if !v.contains(&system) {
        v.push(system);
    }
    v
}

#[cfg(unix)]
pub type Listener = tokio::net::UnixListener;

/// Binds the socket (0600, in a 0700 folder). Refuses when a daemon already
/// answers there; a socket left by a dead daemon is replaced.
#[cfg(unix)]
pub fn bind(path: &Path) -> Result<Listener> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(crate::t!("io-creating-socket-folder"), dir, e))?;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(Error::Usage(crate::t!(
                "daemon-already-running",
                socket = path.display().to_string()
            )));
        }
        let _ = std::fs::remove_file(path);
    }
    let listener =
        Listener::bind(path).map_err(|e| Error::io(crate::t!("io-opening-socket"), path, e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io(crate::t!("io-restricting-socket"), path, e))?;
    Ok(listener)
}

/// A request with the channel for its reply, as the daemon's loop receives it.
pub type Incoming = (Request, oneshot::Sender<Reply>);

/// Removes the socket of a daemon that stops.
pub fn unbind(path: &Path) {
    if cfg!(unix) {
        let _ = std::fs::remove_file(path);
    }
}

/// Accepts clients until the listener fails: checks who they are, passes their
/// requests to the daemon and streams events to watchers.
#[cfg(unix)]
pub async fn serve(
    listener: Listener,
    requests: mpsc::Sender<Incoming>,
    events: broadcast::Sender<DaemonEvent>,
) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let (requests, events) = (requests.clone(), events.clone());
        tokio::spawn(async move {
            let peer = match stream.peer_cred() {
                Ok(p) => p,
                Err(e) => return tracing::debug!("a daemon client went away: {e}"),
            };
            if !allowed(peer.uid()) {
                tracing::warn!(
                    "refused a connection to the scheduler from user id {} (pid {:?})",
                    peer.uid(),
                    peer.pid()
                );
                let reply = Reply::refused(crate::t!("daemon-other-user"));
                let _ = stream.write_all(&line(&reply)).await;
                return;
            }
            if let Err(e) = client(stream, requests, events).await {
                tracing::debug!("a daemon client went away: {e}");
            }
        });
    }
}

/// Whether a peer with this uid may use the daemon: its own user or root.
#[cfg(unix)]
pub fn allowed(peer_uid: u32) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    peer_uid == me || peer_uid == 0
}

/// The pipe instance that waits for the next client (a named pipe takes one client
/// per instance: each connected one is replaced by a new one).
#[cfg(windows)]
pub struct Listener {
    name: PathBuf,
    next: tokio::net::windows::named_pipe::NamedPipeServer,
}

/// Creates the named pipe, refusing when a daemon (or anything else) already has it.
#[cfg(windows)]
pub fn bind(path: &Path) -> Result<Listener> {
    let next = super::windows::create_pipe(path, true).map_err(|e| {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            Error::Usage(crate::t!(
                "daemon-already-running",
                socket = path.display().to_string()
            ))
        } else {
            Error::io(crate::t!("io-opening-socket"), path, e)
        }
    })?;
    Ok(Listener {
        name: path.to_path_buf(),
        next,
    })
}

/// Accepts clients until the pipe fails (the access list keeps others out).
#[cfg(windows)]
pub async fn serve(
    mut listener: Listener,
    requests: mpsc::Sender<Incoming>,
    events: broadcast::Sender<DaemonEvent>,
) {
    loop {
        if let Err(e) = listener.next.connect().await {
            tracing::debug!("a daemon client went away before it was served: {e}");
        }
        let fresh = match super::windows::create_pipe(&listener.name, false) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!("the scheduler's pipe cannot take more clients: {e}");
                return;
            }
        };
        let stream = std::mem::replace(&mut listener.next, fresh);
        let (requests, events) = (requests.clone(), events.clone());
        tokio::spawn(async move {
            if let Err(e) = client(stream, requests, events).await {
                tracing::debug!("a daemon client went away: {e}");
            }
        });
    }
}

/// Serves one client (already let in) until it hangs up.
async fn client<S: AsyncRead + AsyncWrite>(
    stream: S,
    requests: mpsc::Sender<Incoming>,
    events: broadcast::Sender<DaemonEvent>,
) -> std::io::Result<()> {
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = tokio::io::BufReader::new(read).lines();
    while let Some(text) = lines.next_line().await? {
        if text.trim().is_empty() {
            continue;
        }
        let request = match serde_json::from_str::<Request>(&text) {
            Ok(r) => r,
            Err(e) => {
                write
                    .write_all(&line(&Reply::refused(crate::t!(
                        "daemon-not-a-request",
                        cause = e.to_string()
                    ))))
                    .await?;
                continue;
            }
        };
        if request == Request::Watch {
            // subscribed before the answer: what happens after it reaches the watcher
            let mut rx = events.subscribe();
            write
                .write_all(&line(&Reply::done(crate::t!("daemon-watching"))))
                .await?;
            loop {
                match rx.recv().await {
                    Ok(event) => write.write_all(&line(&event)).await?,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                }
            }
        }
        let (tx, rx) = oneshot::channel();
        if requests.send((request, tx)).await.is_err() {
            return Ok(());
        }
        let reply = rx
            .await
            .unwrap_or_else(|_| Reply::refused(crate::t!("daemon-stopping")));
        write.write_all(&line(&reply)).await?;
    }
    Ok(())
}

fn line<T: Serialize>(v: &T) -> Vec<u8> {
    let mut l = serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
    l.push(b'\n');
    l
}

#[cfg(unix)]
type ClientStream = std::os::unix::net::UnixStream;
#[cfg(windows)]
type ClientStream = std::fs::File;

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<ClientStream> {
    ClientStream::connect(path)
}

/// A named pipe opens like a file; while every instance is busy (a client being
/// handed over), it says so for a moment.
#[cfg(windows)]
fn open(path: &Path) -> std::io::Result<ClientStream> {
    const ERROR_PIPE_BUSY: i32 = 231;
    let mut tries = 0;
    loop {
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
        {
            Err(e) if e.raw_os_error() == Some(ERROR_PIPE_BUSY) && tries < 50 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Connects to the daemon at `path`, for an async client (the window).
#[cfg(unix)]
pub async fn connect_async(path: &Path) -> std::io::Result<tokio::net::UnixStream> {
    tokio::net::UnixStream::connect(path).await
}

/// Connects to the daemon at `path`, for an async client (the window).
#[cfg(windows)]
pub async fn connect_async(
    path: &Path,
) -> std::io::Result<tokio::net::windows::named_pipe::NamedPipeClient> {
    tokio::net::windows::named_pipe::ClientOptions::new().open(path)
}

/// Connects to the first daemon that answers at `paths`.
fn connect(paths: &[PathBuf]) -> Result<ClientStream> {
    let mut tried = Vec::new();
    for path in paths {
        match open(path) {
            Ok(s) => return Ok(s),
            Err(e) => tried.push(format!("{} ({e})", path.display())),
        }
    }
    Err(Error::Unreachable(crate::t!(
        "daemon-not-running",
        tried = tried.join(", ")
    )))
}

/// Asks the running daemon (this user's, else the system's). Blocking.
pub fn ask(request: &Request) -> Result<Reply> {
    ask_at(&client_socket_paths(), request)
}

/// Asks the daemon answering at the first of `paths`. Blocking.
pub fn ask_at(paths: &[PathBuf], request: &Request) -> Result<Reply> {
    let stream = connect(paths)?;
    // a pipe opened as a file has no read timeout: a hung daemon hangs the asker there
    #[cfg(unix)]
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| {
            Error::io(
                crate::t!("io-talking-to"),
                crate::t!("daemon-the-scheduler"),
                e,
            )
        })?;
    // a daemon that refuses us answers and hangs up before reading: its answer is
    // still there to read when our write fails
    let written = (&stream).write_all(&line(request));
    let mut reply = String::new();
    let read = BufReader::new(&stream).read_line(&mut reply);
    match (written, read) {
        (_, Ok(n)) if n > 0 => {}
        (Err(e), _) | (Ok(()), Err(e)) => {
            return Err(Error::io(
                crate::t!("io-talking-to"),
                crate::t!("daemon-the-scheduler"),
                e,
            ));
        }
        (Ok(()), Ok(_)) => return Err(Error::Unreachable(crate::t!("daemon-hung-up"))),
    }
    serde_json::from_str(&reply).map_err(|e| {
        Error::Unreachable(crate::t!(
            "daemon-answer-unreadable",
            cause = e.to_string(),
            answer = reply.as_str()
        ))
    })
}

/// Streams the daemon's events to `each` until it stops or `each` says so. Blocking.
pub fn watch(each: impl FnMut(DaemonEvent) -> bool) -> Result<()> {
    watch_at(&client_socket_paths(), each)
}

/// `watch` on the daemon answering at the first of `paths`.
pub fn watch_at(paths: &[PathBuf], each: impl FnMut(DaemonEvent) -> bool) -> Result<()> {
    watch_at_ready(paths, || {}, each)
}

/// `watch_at`, calling `ready` once the daemon has said it is watching: every
/// event after that reaches `each`.
pub fn watch_at_ready(
    paths: &[PathBuf],
    ready: impl FnOnce(),
    mut each: impl FnMut(DaemonEvent) -> bool,
) -> Result<()> {
    let stream = connect(paths)?;
    (&stream).write_all(&line(&Request::Watch)).map_err(|e| {
        Error::io(
            crate::t!("io-talking-to"),
            crate::t!("daemon-the-scheduler"),
            e,
        )
    })?;
    let mut lines = BufReader::new(&stream).lines();
    match lines.next() {
        Some(Ok(first)) => {
            let reply: Reply = serde_json::from_str(&first).map_err(|e| {
                Error::Unreachable(crate::t!("daemon-answer-odd", cause = e.to_string()))
            })?;
            if !reply.ok {
                return Err(Error::Unreachable(reply.error.unwrap_or_default()));
            }
        }
        _ => return Err(Error::Unreachable(crate::t!("daemon-hung-up"))),
    }
    ready();
    for l in lines {
        let Ok(l) = l else { break };
        if let Ok(event) = serde_json::from_str(&l)
            && !each(event)
        {
            break;
        }
    }
    Ok(())
}
