//! The administrators' dashboard: server-rendered pages in the web interface's
//! look (`npbackup_web::shell`, its style sheet and the brand), behind a login
//! with the administrators' accounts (argon2id), sessions with an idle timeout,
//! at most five failed logins a minute per name and address, and a CSRF token on
//! every state-changing request. Pages: every machine with its state, last
//! backup, size, version and group (filters, search, CSV); one machine with its
//! history, commands and last job log, and buttons for run-now and revoke.

use std::{sync::Arc, time::Duration};

use axum::{
    Form,
    extract::{ConnectInfo, FromRequestParts, Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use npbackup_common::humanize;
use npbackup_core::config::schema::Role;
use npbackup_fleet::protocol::Action;
use npbackup_web::{Peer, accounts, esc, seg, shell};
use serde::Deserialize;

use crate::{
    api::{Server, views_of},
    fleet,
    views::{self, MachineState, MachineView},
};

/// The session cookie (not the web interface's: both may run on one host).
pub const COOKIE: &str = "npbackup_fleet_session";

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::from_secs(30 * 60);

type Shared = State<Arc<Server>>;

/// A logged-in administrator; a handler that takes one cannot be reached without.
pub struct Admin {
    pub name: String,
    csrf: String,
}

/// Why a page is refused: to the login page, or a plain status.
pub enum Refusal {
    LogIn,
    Status(StatusCode, String),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::LogIn => Redirect::to("/login").into_response(),
            Refusal::Status(status, text) => {
                let mut r = shell(
                    status.canonical_reason().unwrap_or("Error"),
                    "",
                    &format!(
                        r#"<section class="card narrow"><p class="error" role="alert">{}</p><p><a href="/">Back to the machines</a></p></section>"#,
                        esc(&text)
                    ),
                );
                *r.status_mut() = status;
                r
            }
        }
    }
}

impl From<fleet::Refused> for Refusal {
    fn from(e: fleet::Refused) -> Self {
        let status = match e.kind {
            "not-found" | "unknown-machine" => StatusCode::NOT_FOUND,
            "input" => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!("{}", e.message);
        }
        Refusal::Status(status, e.message)
    }
}

fn cookie_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<Arc<Server>> for Admin {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, s: &Arc<Server>) -> Result<Admin, Refusal> {
        let id = cookie_of(&parts.headers).ok_or(Refusal::LogIn)?;
        let session = s.sessions.touch(&id, IDLE).ok_or(Refusal::LogIn)?;
        if !matches!(
            parts.method,
            axum::http::Method::GET | axum::http::Method::HEAD
        ) {
            let sent = parts
                .uri
                .query()
                .unwrap_or("")
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "csrf")
                .map(|(_, v)| v.to_string());
            if !sent.is_some_and(|v| accounts::same(&v, &session.csrf)) {
                return Err(Refusal::Status(
                    StatusCode::FORBIDDEN,
                    "this form is out of date (its CSRF token does not match): load the page again"
                        .into(),
                ));
            }
        }
        Ok(Admin {
            name: session.user,
            csrf: session.csrf,
        })
    }
}

fn nav(admin: &Admin) -> String {
    format!(
        r#"<nav><a href="/">Machines</a>
<form method="post" action="/logout?csrf={csrf}" class="inline"><span class="who">{who}</span> <button>Log out</button></form></nav>"#,
        csrf = esc(&admin.csrf),
        who = esc(&admin.name),
    )
}

fn page(title: &str, admin: &Admin, body: &str) -> Response {
    shell(title, &nav(admin), body)
}

/// `GET /login`
pub async fn login_page() -> Response {
    login_form(None, StatusCode::OK)
}

fn login_form(error: Option<&str>, status: StatusCode) -> Response {
    let error = error
        .map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, esc(e)))
        .unwrap_or_default();
    let body = format!(
        r#"<section class="card narrow"><h1>Fleet: log in</h1>{error}
<form method="post" action="/login">
<label>Administrator<input name="user" autocomplete="username" required autofocus></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
<button class="primary">Log in</button></form></section>"#
    );
    let mut r = shell("Log in", "", &body);
    *r.status_mut() = status;
    r
}

#[derive(Deserialize)]
pub struct LoginForm {
    user: String,
    password: String,
}

/// `POST /login`: at most five failed tries a minute per name and address.
pub async fn login(
    State(s): Shared,
    ConnectInfo(Peer(peer)): ConnectInfo<Peer>,
    Form(form): Form<LoginForm>,
) -> Response {
    if !s.limiter.allowed(&form.user, peer.ip()) {
        tracing::warn!(
            "dashboard: login of '{}' from {} refused: too many attempts",
            form.user,
            peer.ip()
        );
        return login_form(
            Some("Too many failed attempts: wait a minute."),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    match crate::admins::verify(&s.store, &form.user, &form.password).await {
        Ok(true) => {}
        Ok(false) => {
            s.limiter.failed(&form.user, peer.ip());
            tracing::warn!(
                "dashboard: login of '{}' from {} refused",
                form.user,
                peer.ip()
            );
            return login_form(
                Some("Wrong administrator name or password."),
                StatusCode::UNAUTHORIZED,
            );
        }
        Err(e) => return Refusal::from(e).into_response(),
    }
    let id = match s.sessions.open(&form.user, Role::Admin) {
        Ok((id, _)) => id,
        Err(e) => {
            return Refusal::Status(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
                .into_response();
        }
    };
    tracing::info!("dashboard: '{}' logged in from {}", form.user, peer.ip());
    let cookie = format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{}",
        if s.secure { "; Secure" } else { "" }
    );
    let mut r = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// `POST /logout`
pub async fn logout(State(s): Shared, _admin: Admin, headers: HeaderMap) -> Response {
    if let Some(id) = cookie_of(&headers) {
        s.sessions.close(&id);
    }
    let mut r = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    )) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    q: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    state: String,
}

impl Filter {
    /// Whether the list shows `m` (an empty field keeps every machine).
    fn keeps(&self, m: &MachineView) -> bool {
        m.matches(&self.q)
            && (self.group.is_empty() || m.group == self.group)
            && (self.state.is_empty() || m.state.name() == self.state)
    }
}

fn when(t: Option<i64>, now: i64) -> String {
    match t.and_then(|t| jiff::Timestamp::from_second(t).ok()) {
        Some(t) => humanize::ago(
            t,
            jiff::Timestamp::from_second(now).unwrap_or_else(|_| jiff::Timestamp::now()),
        ),
        None => "never".into(),
    }
}

fn exact(t: Option<i64>) -> String {
    t.and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(humanize::local)
        .unwrap_or_default()
}

/// "3 hours ago (2026-12-06 14:02)", or "never".
fn when_exactly(t: Option<i64>, now: i64) -> String {
    match t {
        Some(_) => format!("{} ({})", when(t, now), exact(t)),
        None => "never".into(),
    }
}

fn size(b: Option<i64>) -> String {
    b.map(|b| humanize::size(b.max(0) as u64))
        .unwrap_or_default()
}

const STATES: [MachineState; 5] = [
    MachineState::Failed,
    MachineState::Missing,
    MachineState::Overdue,
    MachineState::Ok,
    MachineState::Revoked,
];

fn option(value: &str, chosen: &str, label: &str) -> String {
    format!(
        r#"<option value="{v}"{sel}>{l}</option>"#,
        v = esc(value),
        sel = if value == chosen { " selected" } else { "" },
        l = esc(label)
    )
}

/// `GET /`: every machine, worst first, with filters and search.
pub async fn machines(
    State(s): Shared,
    admin: Admin,
    Query(f): Query<Filter>,
) -> Result<Response, Refusal> {
    let now = fleet::now();
    let all = views_of(&s).await?;
    let mut groups: Vec<&str> = all.iter().map(|m| m.group.as_str()).collect();
    groups.sort();
    groups.dedup();
    let counts = STATES
        .iter()
        .map(|st| {
            let n = all.iter().filter(|m| m.state == *st).count();
            format!(
                r#"<a class="count state-{name}" href="/?state={name}">{n} {name}</a>"#,
                name = st.name()
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let mut shown: Vec<&MachineView> = all.iter().filter(|m| f.keeps(m)).collect();
    // the ones that need someone first
    shown.sort_by_key(|m| {
        (
            STATES.iter().position(|s| *s == m.state),
            m.group.clone(),
            m.hostname.clone(),
        )
    });
    let rows = shown
        .iter()
        .map(|m| {
            format!(
                r#"<tr><td class="state-{state}">{state}</td><td><a href="/machines/{link}">{host}</a> <small class="meta">{id}</small></td><td>{group}</td><td title="{exact}">{backup}</td><td>{size}</td><td>{checkin}</td><td>{version}</td></tr>"#,
                state = m.state.name(),
                link = seg(&m.id),
                host = esc(if m.hostname.is_empty() { &m.id } else { &m.hostname }),
                id = esc(&m.id),
                group = esc(&m.group),
                exact = esc(&exact(m.last_backup)),
                backup = esc(&when(m.last_backup, now)),
                size = esc(&size(m.last_size)),
                checkin = esc(&when(m.last_checkin, now)),
                version = esc(&m.version),
            )
        })
        .collect::<String>();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &f.q)
        .append_pair("group", &f.group)
        .append_pair("state", &f.state)
        .finish();
    let body = format!(
        r#"<h1>Machines</h1><p class="summary">{counts}</p>
<form class="search" method="get" action="/"><input name="q" value="{q}" placeholder="Search: name, id, group, state" aria-label="Search">
<select name="group" aria-label="Group">{group_options}</select>
<select name="state" aria-label="State">{state_options}</select>
<button>Show</button></form>
<p class="meta">{n} of {total} machines · <a href="/machines.csv?{query}">CSV</a></p>
<table><thead><tr><th>State</th><th>Machine</th><th>Group</th><th>Last backup</th><th>Size</th><th>Last check-in</th><th>Version</th></tr></thead>
<tbody>{rows}</tbody></table>"#,
        q = esc(&f.q),
        group_options = std::iter::once(option("", &f.group, "every group"))
            .chain(groups.iter().map(|g| option(g, &f.group, g)))
            .collect::<String>(),
        state_options = std::iter::once(option("", &f.state, "every state"))
            .chain(
                STATES
                    .iter()
                    .map(|st| option(st.name(), &f.state, st.name()))
            )
            .collect::<String>(),
        n = shown.len(),
        total = all.len(),
        query = esc(&query),
    );
    Ok(page("Machines", &admin, &body))
}

/// `GET /machines.csv`: what the list shows, as CSV.
pub async fn machines_csv(
    State(s): Shared,
    _admin: Admin,
    Query(f): Query<Filter>,
) -> Result<Response, Refusal> {
    let list: Vec<MachineView> = views_of(&s)
        .await?
        .into_iter()
        .filter(|m| f.keeps(m))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"machines.csv\"",
            ),
        ],
        views::csv(&list),
    )
        .into_response())
}

/// `GET /machines/{id}`: one machine, its history, commands and last log.
pub async fn machine(
    State(s): Shared,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let now = fleet::now();
    let row = fleet::machine_by_id(&s.store, &id).await?;
    let m = MachineView::of(&row, now, s.checkin_seconds);
    let reports = fleet::reports_of(&s.store, &id, 50).await?;
    let commands = fleet::commands_of(&s.store, &id, 20).await?;
    let facts = [
        ("State", m.state.name().to_string()),
        ("Group", m.group.clone()),
        ("Machine id", m.id.clone()),
        ("System", m.os.clone()),
        ("Version", m.version.clone()),
        ("Last backup", when_exactly(m.last_backup, now)),
        ("Size of the last backup", size(m.last_size)),
        ("Last check-in", when_exactly(m.last_checkin, now)),
        ("Free space", size(m.free_bytes)),
        ("Configuration version", m.config_version.to_string()),
        ("Enrolled", exact(Some(m.enrolled_at))),
    ]
    .iter()
    .map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v)))
    .collect::<String>();
    let config_error = m
        .config_error
        .as_deref()
        .map(|e| {
            format!(
                r#"<p class="error">The last configuration was refused: {}</p>"#,
                esc(e)
            )
        })
        .unwrap_or_default();
    let history = reports
        .iter()
        .map(|r| {
            let state = if r.ok { "succeeded" } else { "failed" };
            format!(
                r#"<tr><td class="state-{state}">{state}</td><td>{action}</td><td>{repo}</td><td title="{exact}">{when}</td><td>{took}</td><td>{size}</td><td>{added}</td></tr>"#,
                action = esc(&r.action),
                repo = esc(&r.repo),
                exact = esc(&exact(Some(r.finished_at))),
                when = esc(&when(Some(r.finished_at), now)),
                took = esc(&humanize::seconds(r.exec_seconds)),
                size = esc(
                    &r.backup
                        .as_ref()
                        .map(|b| humanize::size(b.total_bytes_processed))
                        .unwrap_or_default()
                ),
                added = esc(
                    &r.backup
                        .as_ref()
                        .map(|b| humanize::size(b.data_added))
                        .unwrap_or_default()
                ),
            )
        })
        .collect::<String>();
    let last_log = reports
        .iter()
        .find(|r| !r.log_tail.is_empty())
        .map(|r| {
            format!(
                r#"<h2>Log of the last failed job ({} {}, {})</h2><pre id="log">{}</pre>"#,
                esc(&r.action),
                esc(&r.repo),
                esc(&exact(Some(r.finished_at))),
                esc(&r.log_tail)
            )
        })
        .unwrap_or_default();
    let command_rows = commands
        .iter()
        .map(|c| {
            let state = match c.ok {
                Some(true) => "succeeded",
                Some(false) => "failed",
                None if c.delivered_at.is_some() => "running",
                None => "waiting",
            };
            format!(
                r#"<tr><td class="state-{state}">{state}</td><td>{action}</td><td>{asked}</td><td>{message}</td></tr>"#,
                action = esc(&c.action),
                asked = esc(&when(Some(c.created_at), now)),
                message = esc(c.message.as_deref().unwrap_or("")),
            )
        })
        .collect::<String>();
    let actions = if m.state == MachineState::Revoked {
        "<p>This machine is revoked: its requests are refused.</p>".to_string()
    } else {
        let buttons = ["backup", "housekeeping", "check", "sync"]
            .iter()
            .map(|a| {
                format!(
                    r#"<form method="post" action="/machines/{link}/run/{a}?csrf={csrf}" class="inline"><button{primary}>{label}</button></form>"#,
                    link = seg(&m.id),
                    csrf = esc(&admin.csrf),
                    primary = if *a == "backup" { r#" class="primary""# } else { "" },
                    label = match *a {
                        "backup" => "Back up now",
                        "housekeeping" => "Housekeeping",
                        "check" => "Check",
                        _ => "Sync configuration",
                    }
                )
            })
            .collect::<String>();
        format!(
            r#"<div class="actions">{buttons}
<a href="/machines/{link}/revoke">Revoke…</a></div>"#,
            link = seg(&m.id),
        )
    };
    let body = format!(
        r#"<p class="crumbs"><a href="/">Machines</a> / {host}</p>
<section class="card state-{state}"><h1>{host}</h1>{config_error}<table class="settings">{facts}</table>{actions}</section>
<h2>History</h2><table><thead><tr><th>Result</th><th>Action</th><th>Repository</th><th>Finished</th><th>Took</th><th>Processed</th><th>Added</th></tr></thead><tbody>{history}</tbody></table>
<h2>Commands</h2><table><thead><tr><th>State</th><th>Action</th><th>Asked</th><th>Result</th></tr></thead><tbody>{command_rows}</tbody></table>
{last_log}"#,
        host = esc(if m.hostname.is_empty() {
            &m.id
        } else {
            &m.hostname
        }),
        state = m.state.name(),
    );
    Ok(page(&m.hostname, &admin, &body))
}

/// `POST /machines/{id}/run/{action}`: queued for the machine, which hears of it
/// within seconds when its scheduler waits.
pub async fn run(
    State(s): Shared,
    admin: Admin,
    Path((id, action)): Path<(String, String)>,
) -> Result<Response, Refusal> {
    let action = Action::parse(&action).ok_or_else(|| {
        Refusal::Status(
            StatusCode::BAD_REQUEST,
            format!("'{action}' is not backup, housekeeping, check or sync"),
        )
    })?;
    let m = fleet::machine_by_id(&s.store, &id).await?;
    let queued = fleet::run_now(&s.store, std::slice::from_ref(&m), action, None).await?;
    tracing::info!(
        admin = admin.name,
        machine = id,
        action = action.name(),
        queued = queued.len(),
        "run-now from the dashboard"
    );
    Ok(Redirect::to(&format!("/machines/{}", seg(&id))).into_response())
}

/// `GET /machines/{id}/revoke`: what revoking means, and the button that does it.
pub async fn revoke_page(
    State(s): Shared,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    let m = fleet::machine_by_id(&s.store, &id).await?;
    let host = if m.hostname.is_empty() {
        &m.id
    } else {
        &m.hostname
    };
    let body = format!(
        r#"<section class="card narrow"><h1>Revoke {host}?</h1>
<p>{host} ({id}, group {group}) will be refused from its next request on: no configuration, no commands, no reports. Its backups stay where they are. To come back it must enrol again with a new token.</p>
<form method="post" action="/machines/{link}/revoke?csrf={csrf}"><button class="primary">Revoke {host}</button> <a href="/machines/{link}">Cancel</a></form></section>"#,
        host = esc(host),
        id = esc(&m.id),
        group = esc(&m.group),
        link = seg(&m.id),
        csrf = esc(&admin.csrf),
    );
    Ok(page("Revoke", &admin, &body))
}

/// `POST /machines/{id}/revoke`
pub async fn revoke(
    State(s): Shared,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    fleet::revoke_machine(&s.store, &id).await?;
    tracing::info!(
        admin = admin.name,
        machine = id,
        "revoked from the dashboard"
    );
    Ok(Redirect::to(&format!("/machines/{}", seg(&id))).into_response())
}
