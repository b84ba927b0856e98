//! The web interface: server-rendered pages and the `/api/v1` JSON API, over the
//! same jobs as the window (`npbackup_core::jobs`: every repository operation is a
//! job process, watched by the server, never by the browser). `npbackup-cli web`
//! serves it. This crate uses `npbackup_core` and the engine's types; it holds no
//! GUI library and no repository code of its own.
//!
//! - `routes`: the one list of routes, each marked public or not; the tests walk it;
//! - `auth`: who is asking (`Caller`: a session cookie or a bearer token, CSRF);
//! - `accounts`: password and token hashes, sessions, the login limiter;
//! - `jobs`: the jobs this server started, with what they said so far;
//! - `api`: the JSON handlers; `pages`: the HTML ones.

pub mod accounts;
mod api;
mod auth;
mod browse;
mod download;
mod jobs;
mod pages;
mod routes;
pub mod tls;

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use axum::{
    Json,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use npbackup_common::{Error, Result, t};
use npbackup_core::config::{Config, RepoConfig, permissions::Op};

pub use accounts::{MIN_PASSWORD, hash_password, new_token};
pub use auth::Caller;
pub use pages::{esc, logo, seg, shell, style};
pub use routes::{RouteInfo, router};

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct Options {
    pub config_path: PathBuf,
    pub listen: SocketAddr,
    /// Serve plain HTTP on an address other machines reach (refused otherwise).
    pub insecure_http: bool,
    /// The socket of the scheduler serving this configuration (the daemon that
    /// serves the web interface passes its own); `None`: wherever a client looks.
    pub scheduler: Option<PathBuf>,
}

/// The default address: this machine only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8642";

/// The server's state, shared by every request.
pub struct App {
    config_path: PathBuf,
    /// The configuration as last read, and the file's modification time then:
    /// accounts added while the server runs count at the next request.
    config: Mutex<Option<(SystemTime, Arc<Config>)>>,
    sessions: accounts::Sessions,
    limiter: accounts::Limiter,
    jobs: Arc<jobs::Jobs>,
    browsing: browse::Browsing,
    idle: Duration,
    /// Cookies marked Secure (served over TLS).
    secure: bool,
    /// Where the scheduler of this configuration answers.
    scheduler_sockets: Vec<PathBuf>,
}

impl App {
    /// The state for `config_path`; fails when the file cannot be used. `secure`:
    /// served over TLS (cookies are then marked Secure).
    pub fn new(config_path: PathBuf, secure: bool) -> Result<Arc<App>> {
        let app = App {
            config_path,
            config: Mutex::new(None),
            sessions: Default::default(),
            limiter: Default::default(),
            jobs: Default::default(),
            browsing: Default::default(),
            idle: Duration::from_secs(30 * 60),
            secure,
            scheduler_sockets: npbackup_core::schedule::ipc::client_socket_paths(),
        };
        let config = app.load()?;
        let idle = config.web().session_idle.map(|d| d.0).unwrap_or(app.idle);
        Ok(Arc::new(App { idle, ..app }))
    }

    fn load(&self) -> Result<Arc<Config>> {
        let mtime = std::fs::metadata(&self.config_path)
            .and_then(|m| m.modified())
            .map_err(|e| Error::io(t!("io-reading-config"), &self.config_path, e))?;
        let mut cached = self.config.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((when, config)) = cached.as_ref()
            && *when == mtime
        {
            return Ok(config.clone());
        }
        let config = Arc::new(Config::load(&self.config_path)?);
        if !config.owner_only() {
            return Err(Error::Usage(t!(
                "web-config-not-private",
                file = self.config_path.display().to_string()
            )));
        }
        *cached = Some((mtime, config.clone()));
        Ok(config)
    }

    /// The current configuration (an error response when it no longer loads).
    pub(crate) fn config(&self) -> std::result::Result<Arc<Config>, WebError> {
        self.load().map_err(WebError::from)
    }

    /// Repository `name`, when `caller` may do `op` with it: the caller's role and
    /// the repository's permissions both have to allow it.
    pub(crate) fn repo_for(
        &self,
        caller: &Caller,
        name: &str,
        op: Op,
    ) -> std::result::Result<(Arc<Config>, RepoConfig), WebError> {
        caller.may(op)?;
        let config = self.config()?;
        if !config.repo_names().iter().any(|n| n == name) {
            return Err(WebError::not_found(t!(
                "web-no-such-repository",
                name = name
            )));
        }
        let rc = config.repo(name)?;
        rc.permissions.check(name, op)?;
        Ok((config, rc))
    }
}

impl App {
    /// Repository `name`'s configuration, when `caller` may download from it: a
    /// viewer may; the repository's permissions must allow restoring.
    pub(crate) fn repo_for_download(
        &self,
        caller: &Caller,
        name: &str,
    ) -> std::result::Result<Arc<Config>, WebError> {
        caller.may(Op::List)?;
        let config = self.config()?;
        if !config.repo_names().iter().any(|n| n == name) {
            return Err(WebError::not_found(t!(
                "web-no-such-repository",
                name = name
            )));
        }
        config.repo(name)?.permissions.check(name, Op::Restore)?;
        Ok(config)
    }
}

/// Whether `listen` may be served: plain HTTP is for this machine only, unless
/// the user insists. The warning to print, when there is one.
pub fn check_listen(listen: SocketAddr, tls: bool, insecure_http: bool) -> Result<Option<String>> {
    if tls || listen.ip().is_loopback() {
        return Ok(None);
    }
    if insecure_http {
        return Ok(Some(t!("web-insecure-http", address = listen.to_string())));
    }
    Err(Error::Usage(t!(
        "web-refuses-plain-http",
        address = listen.to_string()
    )))
}

/// Where the server answers, once bound.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub addr: SocketAddr,
    pub tls: bool,
}

impl Bound {
    /// The address to open in a browser.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}/", self.addr)
    }
}

/// The address a request came from, whichever listener took it.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tls::TlsListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tls::TlsListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

/// Serves until Ctrl-C (or SIGTERM); `ready` is told the address bound (port 0
/// gives a free one). With `[web] tls-cert` and `tls-key` it serves HTTPS.
pub async fn serve(opts: Options, ready: impl FnOnce(Bound)) -> Result<()> {
    let web = Config::load(&opts.config_path)?.web();
    let tls = match (&web.tls_cert, &web.tls_key) {
        (None, None) => None,
        (Some(cert), Some(key)) => {
            let base = opts
                .config_path
                .parent()
                .unwrap_or(std::path::Path::new("."));
            Some(tls::server_config(&base.join(cert), &base.join(key))?)
        }
        _ => return Err(Error::Usage(t!("web-tls-needs-both"))),
    };
    if let Some(warning) = check_listen(opts.listen, tls.is_some(), opts.insecure_http)? {
        tracing::warn!("{warning}");
        eprintln!("{warning}");
    }
    if web.users.is_empty() && web.tokens.is_empty() {
        eprintln!("{}", t!("web-no-accounts"));
    }
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| Error::io(t!("io-listening"), opts.listen.to_string(), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io(t!("io-listening"), opts.listen.to_string(), e))?;
    let serving = |e| Error::io(t!("io-serving"), addr.to_string(), e);
    let mut app = App::new(opts.config_path.clone(), tls.is_some())?;
    if let (Some(socket), Some(state)) = (opts.scheduler, Arc::get_mut(&mut app)) {
        state.scheduler_sockets = vec![socket];
    }
    let (router, _) = routes::router(app);
    ready(Bound {
        addr,
        tls: tls.is_some(),
    });
    match tls {
        None => axum::serve(
            listener,
            router.into_make_service_with_connect_info::<Peer>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(serving),
        Some(config) => axum::serve(
            tls::TlsListener::new(listener, config).map_err(serving)?,
            router.into_make_service_with_connect_info::<Peer>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(serving),
    }
}

/// Resolves at Ctrl-C or SIGTERM (graceful shutdown of a server).
pub async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A refusal or failure, as JSON (`/api/…`) or as a page.
#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub kind: String,
    pub message: String,
    /// A page asked without a session: send the browser to the login page.
    to_login: bool,
}

impl WebError {
    pub fn new(status: StatusCode, kind: &str, message: String) -> WebError {
        WebError {
            status,
            kind: kind.into(),
            message,
            to_login: false,
        }
    }
    pub fn unauthorized(message: String, page: bool) -> WebError {
        WebError {
            to_login: page,
            ..WebError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
        }
    }
    pub fn forbidden(message: String) -> WebError {
        WebError::new(StatusCode::FORBIDDEN, "denied", message)
    }
    pub fn not_found(message: String) -> WebError {
        WebError::new(StatusCode::NOT_FOUND, "not-found", message)
    }
    pub fn bad_request(message: String) -> WebError {
        WebError::new(StatusCode::BAD_REQUEST, "input", message)
    }
}

impl From<Error> for WebError {
    fn from(e: Error) -> WebError {
        let status = match &e {
            Error::Denied(_) => StatusCode::FORBIDDEN,
            Error::Usage(_) | Error::Input(_) => StatusCode::BAD_REQUEST,
            Error::Locked(_) => StatusCode::CONFLICT,
            Error::Unreachable(_) => StatusCode::BAD_GATEWAY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        WebError::new(
            status,
            e.kind(),
            npbackup_common::redact::redact(&e.to_string()),
        )
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if self.to_login {
            return Redirect::to("/login").into_response();
        }
        let body = Json(serde_json::json!({
            "ok": false,
            "error": { "kind": self.kind, "message": self.message },
        }));
        let mut response = (self.status, body).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
