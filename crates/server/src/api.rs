//! The HTTP side: the machines' routes under `/fleet/v1` (enrolment with a token,
//! then signed requests only) and the administrator's (`/metrics`,
//! `/admin/v1/machines`, HTTP Basic with an administrator account). No route
//! answers without its credential; request bodies are never logged.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use npbackup_fleet::protocol::{API, CheckIn, EnrolRequest, Refusal, WAIT_SECONDS, WaitReply};
use serde::Deserialize;
use tokio::sync::Notify;

use crate::{
    dashboard,
    fleet::{self, Refused},
    store::Store,
    views::{self, MachineView},
};

pub struct Server {
    pub store: Store,
    pub checkin_seconds: u64,
    /// The machines holding `GET /fleet/v1/wait`, woken by [`watch_commands`].
    waiting: Mutex<HashMap<String, Waiting>>,
    /// How long a wait is held ([`WAIT_SECONDS`]).
    wait: Duration,
    /// The dashboard's sessions and failed logins.
    pub sessions: npbackup_web::accounts::Sessions,
    pub limiter: npbackup_web::accounts::Limiter,
    /// Served over TLS: the session cookie is `Secure`.
    pub secure: bool,
}

struct Waiting {
    notify: Arc<Notify>,
    /// How many requests of this machine wait (a machine may run two schedulers).
    count: usize,
}

impl Server {
    pub fn new(store: Store, checkin_seconds: u64) -> Server {
        Server {
            store,
            checkin_seconds,
            waiting: Mutex::new(HashMap::new()),
            wait: Duration::from_secs(WAIT_SECONDS),
            sessions: Default::default(),
            limiter: Default::default(),
            secure: false,
        }
    }

    /// Served over TLS (the dashboard's cookie is then `Secure`).
    pub fn with_tls(mut self, tls: bool) -> Server {
        self.secure = tls;
        self
    }

    /// Holds waits for `wait` instead (the tests' shorter one).
    pub fn with_wait(mut self, wait: Duration) -> Server {
        self.wait = wait;
        self
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, HashMap<String, Waiting>> {
        // the map holds no invariant a panic could break halfway
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn register(&self, machine: &str) -> Arc<Notify> {
        let mut w = self.waiting();
        let entry = w.entry(machine.to_string()).or_insert_with(|| Waiting {
            notify: Arc::new(Notify::new()),
            count: 0,
        });
        entry.count += 1;
        entry.notify.clone()
    }

    fn unregister(&self, machine: &str) {
        let mut w = self.waiting();
        if let Some(entry) = w.get_mut(machine) {
            entry.count -= 1;
            if entry.count == 0 {
                w.remove(machine);
            }
        }
    }
}

/// Wakes the machines waiting for commands when one is queued for them, by
/// looking every `every` (commands are queued by `npbackup-server run-now`, another
/// process, on SQLite or PostgreSQL alike); nothing is read while none waits.
pub async fn watch_commands(server: Arc<Server>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if server.waiting().is_empty() {
            continue;
        }
        match fleet::machines_with_pending(&server.store).await {
            Ok(machines) => {
                let w = server.waiting();
                for m in machines {
                    if let Some(entry) = w.get(&m) {
                        entry.notify.notify_waiters();
                    }
                }
            }
            Err(e) => tracing::warn!("looking for queued commands: {}", e.message),
        }
    }
}

type Shared = State<Arc<Server>>;

pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route(&format!("{API}/enrol"), post(enrol))
        .route(&format!("{API}/checkin"), post(checkin))
        .route(&format!("{API}/config"), get(config))
        .route(&format!("{API}/wait"), get(wait))
        .route("/metrics", get(metrics))
        .route("/admin/v1/machines", get(machines))
        // the dashboard, in the web interface's look
        .route("/", get(dashboard::machines))
        .route("/login", get(dashboard::login_page).post(dashboard::login))
        .route("/logout", post(dashboard::logout))
        .route("/machines.csv", get(dashboard::machines_csv))
        .route("/machines/{id}", get(dashboard::machine))
        .route("/machines/{id}/run/{action}", post(dashboard::run))
        .route(
            "/machines/{id}/revoke",
            get(dashboard::revoke_page).post(dashboard::revoke),
        )
        .route("/static/style.css", get(npbackup_web::style))
        .route("/static/logo.png", get(npbackup_web::logo))
        .with_state(server)
}

fn status_of(kind: &str) -> StatusCode {
    match kind {
        "token" | "signature" | "unknown-machine" | "replay" | "clock-skew" => {
            StatusCode::UNAUTHORIZED
        }
        "revoked" | "denied" => StatusCode::FORBIDDEN,
        "not-found" => StatusCode::NOT_FOUND,
        "input" => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let status = status_of(self.kind);
        if status.is_server_error() {
            tracing::error!("{}", self.message);
        } else {
            tracing::info!(kind = self.kind, "refused: {}", self.message);
        }
        (
            status,
            axum::Json(Refusal {
                kind: self.kind.into(),
                error: self.message,
            }),
        )
            .into_response()
    }
}

fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refused> {
    serde_json::from_slice(body).map_err(|e| {
        Refused::new(
            "input",
            format!("the request's body is not what was expected: {e}"),
        )
    })
}

async fn enrol(State(s): Shared, body: Bytes) -> Result<Response, Refused> {
    let req: EnrolRequest = json_body(&body)?;
    let reply = fleet::enrol(&s.store, &req, s.checkin_seconds).await?;
    Ok(axum::Json(reply).into_response())
}

async fn checkin(
    State(s): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let m = fleet::authenticate(&s.store, method.as_str(), uri.path(), &headers, &body).await?;
    let c: CheckIn = json_body(&body)?;
    let reply = fleet::checkin(&s.store, &m, &c, s.checkin_seconds).await?;
    Ok(axum::Json(reply).into_response())
}

async fn config(
    State(s): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let m = fleet::authenticate(&s.store, method.as_str(), uri.path(), &headers, &body).await?;
    let p = fleet::provision(&s.store, &m).await?;
    tracing::info!(
        machine = m.id,
        version = p.version,
        secrets = p.secrets.len(),
        "provisioned"
    );
    Ok(axum::Json(p).into_response())
}

/// Held until a command waits for the machine, or [`WAIT_SECONDS`].
async fn wait(
    State(s): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let m = fleet::authenticate(&s.store, method.as_str(), uri.path(), &headers, &body).await?;
    // registered before looking, so a command queued in between still wakes it;
    // unregistered however this ends (a machine that hangs up drops this future)
    struct Registered<'a>(&'a Server, &'a str);
    impl Drop for Registered<'_> {
        fn drop(&mut self) {
            self.0.unregister(self.1);
        }
    }
    let notify = s.register(&m.id);
    let _registered = Registered(&s, &m.id);
    let notified = notify.notified();
    tokio::pin!(notified);
    notified.as_mut().enable();
    let pending = fleet::has_pending(&s.store, &m.id).await?
        || tokio::time::timeout(s.wait, notified).await.is_ok();
    Ok(axum::Json(WaitReply { pending }).into_response())
}

/// The administrator named by HTTP Basic, if the password is right.
async fn admin(s: &Server, headers: &HeaderMap) -> Result<String, Response> {
    let challenge = || {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"npbackup-server\"")],
            "an administrator's name and password are needed\n",
        )
            .into_response()
    };
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| B64.decode(v.trim()).ok())
        .and_then(|v| String::from_utf8(v).ok())
    else {
        return Err(challenge());
    };
    let Some((name, password)) = given.split_once(':') else {
        return Err(challenge());
    };
    match crate::admins::verify(&s.store, name, password).await {
        Ok(true) => Ok(name.to_string()),
        Ok(false) => Err(challenge()),
        Err(e) => Err(e.into_response()),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    /// Searches id, host name, group and state.
    #[serde(default)]
    q: String,
    #[serde(default)]
    group: Option<String>,
    /// `json` (default) or `csv`.
    #[serde(default)]
    format: Option<String>,
}

pub async fn views_of(s: &Server) -> Result<Vec<MachineView>, Refused> {
    let now = fleet::now();
    Ok(fleet::machines(&s.store)
        .await?
        .iter()
        .map(|m| MachineView::of(m, now, s.checkin_seconds))
        .collect())
}

async fn machines(State(s): Shared, headers: HeaderMap, Query(q): Query<ListQuery>) -> Response {
    if let Err(r) = admin(&s, &headers).await {
        return r;
    }
    let list = match views_of(&s).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let list: Vec<MachineView> = list
        .into_iter()
        .filter(|m| m.matches(&q.q) && q.group.as_ref().is_none_or(|g| &m.group == g))
        .collect();
    match q.format.as_deref() {
        Some("csv") => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"machines.csv\"",
                ),
            ],
            views::csv(&list),
        )
            .into_response(),
        _ => axum::Json(list).into_response(),
    }
}

async fn metrics(State(s): Shared, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&s, &headers).await {
        return r;
    }
    match views_of(&s).await {
        Ok(list) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            views::metrics(&list),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
