//! The HTML pages, rendered on the server. Every text that comes from a
//! repository, a file name or the configuration goes through `esc`. The brand's
//! name and colours come from `resources/` (`customization`); light and dark
//! follow the browser. The one script (`/static/app.js`, vendored here) follows a
//! job's progress; everything else works without it.

pub mod actions;
pub mod settings;
pub mod snapshots;

use std::sync::Arc;

use axum::{
    Form,
    extract::{ConnectInfo, Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use npbackup_common::{customization as brand, humanize, t};
use npbackup_core::config::{permissions::Op, schema::Role};
use serde::Deserialize;

use crate::{App, Caller, WebError, accounts, api, auth::COOKIE, jobs::JobView};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes one path segment of a URL (a repository or job name).
pub fn seg(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn page(title: &str, caller: Option<&Caller>, body: &str) -> Response {
    let nav = match caller {
        Some(c) => format!(
            r#"<nav><a href="/">{dash}</a> <a href="/jobs">{jobs}</a>{settings}
<form method="post" action="/logout?csrf={csrf}" class="inline"><span class="who">{who} ({role})</span> <button>{logout}</button></form></nav>"#,
            dash = esc(&t!("web-dashboard")),
            jobs = esc(&t!("web-jobs")),
            settings = if c.role >= Role::Operator {
                format!(r#" <a href="/settings">{}</a>"#, esc(&t!("settings-title")))
            } else {
                String::new()
            },
            csrf = esc(c.csrf()),
            who = esc(&c.name),
            role = esc(c.role.name()),
            logout = esc(&t!("web-log-out")),
        ),
        None => String::new(),
    };
    shell(title, &nav, body)
}

/// A whole page in the web interface's look (brand, colours, security headers)
/// with `nav` in its header; the fleet server's dashboard uses it too.
pub fn shell(title: &str, nav: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {product}</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" type="image/png" href="/static/logo.png">
<style>:root{{--primary:{primary};--ok:{ok};--warning:{warning};--error:{error};--running:{running}}}</style>
<script src="/static/app.js" defer></script>
</head><body>
<header><strong class="brand"><img src="/static/logo.png" alt="" width="28" height="28"> {product}</strong>{nav}</header>
<main>{body}</main>
</body></html>"#,
        lang = npbackup_common::i18n::current().code(),
        title = esc(title),
        product = esc(brand::PRODUCT_NAME),
        primary = brand::COLOUR_PRIMARY,
        ok = brand::COLOUR_OK,
        warning = brand::COLOUR_WARNING,
        error = brand::COLOUR_ERROR,
        running = brand::COLOUR_RUNNING,
    );
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
        r#"<section class="card narrow"><h1>{title}</h1>{error}
<form method="post" action="/login">
<label>{user}<input name="user" autocomplete="username" required autofocus></label>
<label>{password}<input name="password" type="password" autocomplete="current-password" required></label>
<button class="primary">{login}</button></form></section>"#,
        title = esc(&t!("web-log-in")),
        user = esc(&t!("web-user")),
        password = esc(&t!("web-password")),
        login = esc(&t!("web-log-in")),
    );
    let mut r = page(&t!("web-log-in"), None, &body);
    *r.status_mut() = status;
    r
}

#[derive(Deserialize)]
pub struct LoginForm {
    user: String,
    password: String,
}

/// `POST /login`: at most five tries a minute per user and address.
pub async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(crate::Peer(peer)): ConnectInfo<crate::Peer>,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    // a refusal is logged (who, from where) and answered with the form again
    let (user, from) = (form.user.as_str(), peer.ip().to_string());
    let refuse = |logged: String, said: String, status| {
        tracing::warn!("{logged}");
        Ok(login_form(Some(&said), status))
    };
    if !app.limiter.allowed(&form.user, peer.ip()) {
        return refuse(
            t!("web-login-throttled", user = user, from = from.as_str()),
            t!("web-too-many-attempts"),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let config = app.config()?;
    let web = config.web();
    let account = web
        .users
        .get(&form.user)
        .filter(|u| accounts::verify_password(&u.hash, &form.password));
    let Some(account) = account else {
        app.limiter.failed(&form.user, peer.ip());
        return refuse(
            t!("web-login-failed", user = user, from = from.as_str()),
            t!("web-bad-login"),
            StatusCode::UNAUTHORIZED,
        );
    };
    let (id, _) = app.sessions.open(&form.user, account.role)?;
    tracing::info!("{}", t!("web-logged-in", user = user, from = from.as_str()));
    let cookie = format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{}",
        if app.secure { "; Secure" } else { "" }
    );
    let mut r = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// `POST /logout`
pub async fn logout(State(app): State<Arc<App>>, caller: Caller) -> Response {
    if let Some((id, _)) = &caller.session {
        app.sessions.close(id);
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("npbackup_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

/// `GET /`: every repository with the window's status words, and its jobs.
pub async fn dashboard(State(app): State<Arc<App>>, caller: Caller) -> Result<Response, WebError> {
    caller.may(Op::List)?;
    let config = app.config()?;
    let schedule = actions::scheduler(&app).await;
    let repos = api::statuses(&app, &config, schedule.as_ref()).await;
    let mut body = format!("<h1>{}</h1>", esc(&t!("web-dashboard")));
    if repos.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&t!("web-no-repositories"))));
    }
    for r in &repos {
        let running = r
            .running_jobs
            .iter()
            .map(|id| {
                format!(
                    r#"<a class="job" href="/jobs/{}">{}</a>"#,
                    seg(id),
                    esc(&t!("web-job-running", job = id.as_str()))
                )
            })
            .collect::<String>();
        let back_up = if caller.role >= Role::Operator {
            format!(
                r#"<form method="post" action="/repos/{}/backup?csrf={}"><button class="primary">{}</button></form>"#,
                seg(&r.name),
                esc(caller.csrf()),
                esc(&t!("web-back-up-now"))
            )
        } else {
            String::new()
        };
        body.push_str(&format!(
            r#"<section class="card state-{state}" data-repo="{name}">
<h2><a href="/repos/{link}">{name}</a></h2><p class="headline">{headline}</p>{advice}{detail}
<p class="meta">{meta}</p>{running}<div class="actions">{back_up}<a href="/repos/{link}">{browse}</a></div></section>"#,
            state = r.state,
            name = esc(&r.name),
            link = seg(&r.name),
            headline = esc(&r.headline),
            advice = r
                .advice
                .as_deref()
                .map(|a| format!("<p>{}</p>", esc(a)))
                .unwrap_or_default(),
            detail = r
                .detail
                .as_deref()
                .map(|d| format!(r#"<p class="detail">{}</p>"#, esc(d)))
                .unwrap_or_default(),
            meta = [
                Some(esc(&r.uri)),
                r.snapshots
                    .map(|n| esc(&t!("web-snapshot-count", count = n))),
                r.next_backup
                    .as_deref()
                    .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                    .map(|t| {
                        esc(&t!(
                            "web-next-backup",
                            when = humanize::upcoming(t, jiff::Timestamp::now())
                        ))
                    }),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            browse = esc(&t!("web-browse")),
        ));
    }
    body.push_str(&actions::schedule_card(schedule.as_ref(), &caller));
    Ok(page(&t!("web-dashboard"), Some(&caller), &body))
}

/// `POST /repos/{repo}/backup` (the dashboard's button): off to the job's page.
pub async fn backup(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
) -> Result<Response, WebError> {
    let id = api::start_backup(&app, &caller, &repo).await?;
    Ok(Redirect::to(&format!("/jobs/{}", seg(&id))).into_response())
}

/// `GET /jobs`: the jobs this server ran, newest first.
pub async fn jobs(State(app): State<Arc<App>>, caller: Caller) -> Result<Response, WebError> {
    caller.may(Op::List)?;
    let mut rows = String::new();
    for j in app.jobs.list() {
        rows.push_str(&format!(
            r#"<tr><td><a href="/jobs/{id}">{short}</a></td><td>{repo}</td><td>{kind}</td><td>{by}</td><td>{started}</td><td class="state-{state}">{state_word}</td></tr>"#,
            id = seg(&j.id),
            short = esc(&j.id),
            repo = esc(&j.repository),
            kind = esc(&j.kind),
            by = esc(&j.by),
            started = esc(&humanize::local_time(&j.started)),
            state = j.state,
            state_word = esc(&state_word(j.state)),
        ));
    }
    let body = format!(
        r#"<h1>{title}</h1><table><thead><tr><th>{job}</th><th>{repo}</th><th>{kind}</th><th>{by}</th><th>{started}</th><th>{state}</th></tr></thead><tbody>{rows}</tbody></table>"#,
        title = esc(&t!("web-jobs")),
        job = esc(&t!("web-column-job")),
        repo = esc(&t!("web-column-repository")),
        kind = esc(&t!("web-column-kind")),
        by = esc(&t!("web-column-by")),
        started = esc(&t!("web-column-started")),
        state = esc(&t!("web-column-state")),
    );
    Ok(page(&t!("web-jobs"), Some(&caller), &body))
}

fn state_word(state: &str) -> String {
    match state {
        "running" => t!("web-job-state-running"),
        "succeeded" => t!("web-job-state-succeeded"),
        "cancelled" => t!("web-job-state-cancelled"),
        _ => t!("web-job-state-failed"),
    }
}

/// `GET /jobs/{id}`: the job's progress, live (app.js follows its events).
pub async fn job(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    caller.may(Op::List)?;
    let j = app
        .jobs
        .get(&id)
        .ok_or_else(|| WebError::not_found(t!("web-no-such-job", job = id.as_str())))?;
    let mut body = job_body(&j, &caller);
    // a finished job's log, kept by the server (a running one's comes with its
    // events, which replay what was said before)
    if j.state != "running" {
        let lines: String = app
            .jobs
            .follow(&id)
            .map(|f| f.before)
            .unwrap_or_default()
            .iter()
            .filter_map(|ev| match ev {
                npbackup_core::jobs::JobEvent::Log { message, .. } => {
                    Some(format!("<li>{}</li>", esc(message)))
                }
                npbackup_core::jobs::JobEvent::Warning { message } => {
                    Some(format!(r#"<li class="warning">{}</li>"#, esc(message)))
                }
                _ => None,
            })
            .collect();
        body = body.replacen(
            r#"<ul id="log"></ul>"#,
            &format!(r#"<ul id="log">{lines}</ul>"#),
            1,
        );
    }
    Ok(page(&job_title(&j), Some(&caller), &body))
}

/// "Backup of default", in the window's words for the job's kind.
fn job_title(j: &JobView) -> String {
    let noun = match j.kind.as_str() {
        "backup" => t!("action-backup"),
        "restore" if j.review.is_some() => t!("web-restore-review"),
        "restore" => t!("action-restore"),
        "check" => t!("action-check"),
        "housekeeping" => t!("action-housekeeping"),
        "prune" => t!("action-prune"),
        "unlock" => t!("action-unlock"),
        "forget" => t!("action-forget"),
        other => other.to_string(),
    };
    t!("web-job-title", kind = noun, repo = j.repository.as_str())
}

/// What a restore (or its review) restores, and where to.
fn restore_lines(review: &crate::jobs::Review) -> String {
    let r = &review.request;
    let what = match r.includes.len() {
        0 => t!("browser-whole-snapshot"),
        1 => r.includes[0].display(),
        n => t!("browser-n-items", n = n),
    };
    let into = if r.target == std::path::Path::new("/") && r.base.is_none() {
        t!("browser-original")
    } else {
        r.target.display().to_string()
    };
    format!(
        r#"<p>{}</p><p>{}</p>"#,
        esc(&t!("browser-what", what = what)),
        esc(&t!("web-restore-into", target = into))
    )
}

fn job_body(j: &JobView, caller: &Caller) -> String {
    let (done, total) = j
        .progress
        .as_ref()
        .map(|p| (p.bytes_done, p.bytes_total.unwrap_or(0)))
        .unwrap_or((0, 0));
    let cancel = if j.state == "running" && caller.role >= Role::Operator {
        format!(
            r#"<button id="cancel" data-csrf="{}">{}</button>"#,
            esc(caller.csrf()),
            esc(&t!("web-cancel"))
        )
    } else {
        String::new()
    };
    let result = j
        .finished
        .as_ref()
        .map(|f| match &f.error {
            Some(e) => format!(r#"<p class="error">{}</p>"#, esc(&e.message)),
            None => {
                let mut out = f
                    .result
                    .as_ref()
                    .map(|o| npbackup_core::jobs::words::summary_lines(&o.result))
                    .unwrap_or_default()
                    .iter()
                    .map(|l| format!(r#"<p class="summary">{}</p>"#, esc(l)))
                    .collect::<String>();
                for w in &f.warnings {
                    out.push_str(&format!(r#"<p class="warning">{}</p>"#, esc(w)));
                }
                out.push_str(&format!(
                    r#"<p class="meta">{}</p>"#,
                    esc(&t!(
                        "web-job-took",
                        seconds = humanize::seconds(f.duration_seconds)
                    ))
                ));
                // a review that went well: the restore it showed, one click away
                if j.review.is_some() && j.state == "succeeded" && caller.role >= Role::Operator {
                    out.push_str(&format!(
                        r#"<form method="post" action="/jobs/{id}/restore?csrf={csrf}"><button class="primary" id="restore-now">{label}</button></form>"#,
                        id = seg(&j.id),
                        csrf = seg(caller.csrf()),
                        label = esc(&t!("browser-restore-now")),
                    ));
                }
                out
            }
        })
        .unwrap_or_default();
    format!(
        r#"<section class="card" id="job" data-job="{id}" data-state="{state}">
<h1>{title}</h1>{what}
<p><span id="state" class="state-{state}">{state_word}</span> <span id="phase">{phase}</span></p>
<progress id="bar" max="{max}" value="{value}"></progress>
<p id="numbers" class="meta"></p>
<div id="result">{result}</div>{cancel}
<ul id="log"></ul></section>"#,
        id = esc(&j.id),
        state = j.state,
        state_word = esc(&state_word(j.state)),
        title = esc(&job_title(j)),
        what = j.review.as_ref().map(restore_lines).unwrap_or_default(),
        // the phase while it runs; a job that succeeded fills its bar
        phase = esc(if j.state == "running" {
            j.progress.as_ref().map(|p| p.phase.as_str()).unwrap_or("")
        } else {
            ""
        }),
        max = total.max(1),
        value = if j.state == "succeeded" {
            total.max(1)
        } else {
            done.min(total.max(1))
        },
    )
}

/// `POST /jobs/{id}/cancel` from the job page (its script sends the CSRF header).
pub async fn cancel(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    caller.require(Role::Operator)?;
    if !app.jobs.cancel(&id) {
        return Err(WebError::not_found(t!(
            "web-no-such-job",
            job = id.as_str()
        )));
    }
    Ok(Redirect::to(&format!("/jobs/{}", seg(&id))).into_response())
}

/// `GET /static/style.css`
pub async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../../../assets/web/style.css"),
    )
        .into_response()
}

/// `GET /static/logo.png`: the brand's application icon.
pub async fn logo() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        brand::ICON_APP,
    )
        .into_response()
}

/// `GET /static/app.js`
pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../../../assets/web/app.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        assert_eq!(
            esc(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(seg("a b/<c>"), "a%20b%2F%3Cc%3E");
    }
}
