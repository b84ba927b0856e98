//! The one list of routes. Each is marked public or not; a route that is not
//! public takes a `Caller` (see `auth`), and the tests walk this list to prove
//! that every one of them refuses a request without a session or a token.

use std::sync::Arc;

use axum::{
    Router,
    http::Method,
    routing::{MethodRouter, get, post},
};

use crate::{
    App, api,
    pages::{self, actions, settings, snapshots},
};

/// One route, as the tests see it.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub methods: Vec<Method>,
    /// axum's pattern, `{name}` for a parameter.
    pub path: &'static str,
    /// Answered without a session or token.
    pub public: bool,
}

struct Routes {
    router: Router<Arc<App>>,
    list: Vec<RouteInfo>,
}

impl Routes {
    fn add(
        mut self,
        methods: &[Method],
        path: &'static str,
        public: bool,
        handler: MethodRouter<Arc<App>>,
    ) -> Self {
        self.list.push(RouteInfo {
            methods: methods.to_vec(),
            path,
            public,
        });
        self.router = self.router.route(path, handler);
        self
    }
}

const PUBLIC: bool = true;
const AUTHENTICATED: bool = false;

/// The server's router and its route list.
pub fn router(app: Arc<App>) -> (Router, Vec<RouteInfo>) {
    let routes = Routes {
        router: Router::new(),
        list: Vec::new(),
    }
    .add(&[Method::GET], "/healthz", PUBLIC, get(api::healthz))
    .add(
        &[Method::GET],
        "/static/style.css",
        PUBLIC,
        get(pages::style),
    )
    .add(&[Method::GET], "/static/app.js", PUBLIC, get(pages::script))
    .add(&[Method::GET], "/static/logo.png", PUBLIC, get(pages::logo))
    .add(
        &[Method::GET, Method::POST],
        "/login",
        PUBLIC,
        get(pages::login_page).post(pages::login),
    )
    .add(
        &[Method::POST],
        "/logout",
        AUTHENTICATED,
        post(pages::logout),
    )
    .add(&[Method::GET], "/", AUTHENTICATED, get(pages::dashboard))
    .add(
        &[Method::POST],
        "/repos/{repo}/backup",
        AUTHENTICATED,
        post(pages::backup),
    )
    .add(
        &[Method::GET],
        "/repos/{repo}",
        AUTHENTICATED,
        get(snapshots::snapshots),
    )
    .add(
        &[Method::GET],
        "/repos/{repo}/find",
        AUTHENTICATED,
        get(snapshots::find),
    )
    .add(
        &[Method::GET],
        "/repos/{repo}/history",
        AUTHENTICATED,
        get(snapshots::history),
    )
    .add(
        &[Method::GET],
        "/repos/{repo}/compare",
        AUTHENTICATED,
        get(snapshots::compare),
    )
    .add(
        &[Method::POST],
        "/repos/{repo}/operations/{operation}",
        AUTHENTICATED,
        post(actions::operation),
    )
    .add(
        &[Method::POST],
        "/repos/{repo}/snapshots/{snapshot}/restore",
        AUTHENTICATED,
        post(actions::restore),
    )
    .add(
        &[Method::POST],
        "/schedule",
        AUTHENTICATED,
        post(actions::schedule),
    )
    .add(
        &[Method::GET],
        "/repos/{repo}/snapshots/{snapshot}",
        AUTHENTICATED,
        get(snapshots::browse),
    )
    .add(
        &[Method::GET],
        "/repos/{repo}/snapshots/{snapshot}/download",
        AUTHENTICATED,
        get(snapshots::download),
    )
    .add(
        &[Method::GET, Method::POST],
        "/settings",
        AUTHENTICATED,
        get(settings::settings).post(settings::save),
    )
    .add(&[Method::GET], "/jobs", AUTHENTICATED, get(pages::jobs))
    .add(&[Method::GET], "/jobs/{id}", AUTHENTICATED, get(pages::job))
    .add(
        &[Method::POST],
        "/jobs/{id}/cancel",
        AUTHENTICATED,
        post(pages::cancel),
    )
    .add(
        &[Method::POST],
        "/jobs/{id}/restore",
        AUTHENTICATED,
        post(actions::confirm_restore),
    )
    .add(
        &[Method::GET],
        "/api/v1/repos",
        AUTHENTICATED,
        get(api::repos),
    )
    .add(
        &[Method::GET],
        "/api/v1/repos/{repo}/snapshots",
        AUTHENTICATED,
        get(api::snapshots),
    )
    .add(
        &[Method::GET],
        "/api/v1/repos/{repo}/snapshots/{snapshot}/ls",
        AUTHENTICATED,
        get(api::ls),
    )
    .add(
        &[Method::GET],
        "/api/v1/repos/{repo}/snapshots/{snapshot}/download",
        AUTHENTICATED,
        get(snapshots::download),
    )
    .add(
        &[Method::GET],
        "/api/v1/repos/{repo}/snapshots/{snapshot}/file",
        AUTHENTICATED,
        get(api::file),
    )
    .add(
        &[Method::GET],
        "/api/v1/repos/{repo}/find",
        AUTHENTICATED,
        get(api::find),
    )
    .add(
        &[Method::GET],
        "/api/v1/repos/{repo}/history",
        AUTHENTICATED,
        get(api::history),
    )
    .add(
        &[Method::GET],
        "/api/v1/repos/{repo}/diff",
        AUTHENTICATED,
        get(api::diff),
    )
    .add(
        &[Method::POST],
        "/api/v1/repos/{repo}/restore",
        AUTHENTICATED,
        post(api::restore),
    )
    .add(
        &[Method::POST],
        "/api/v1/repos/{repo}/operations/{operation}",
        AUTHENTICATED,
        post(api::operation),
    )
    .add(
        &[Method::GET],
        "/api/v1/schedule",
        AUTHENTICATED,
        get(api::schedule),
    )
    .add(
        &[Method::POST],
        "/api/v1/schedule/pause",
        AUTHENTICATED,
        post(api::pause),
    )
    .add(
        &[Method::POST],
        "/api/v1/schedule/resume",
        AUTHENTICATED,
        post(api::resume),
    )
    .add(
        &[Method::POST],
        "/api/v1/repos/{repo}/backup",
        AUTHENTICATED,
        post(api::backup),
    )
    .add(
        &[Method::GET],
        "/api/v1/jobs",
        AUTHENTICATED,
        get(api::jobs),
    )
    .add(
        &[Method::GET],
        "/api/v1/jobs/{id}",
        AUTHENTICATED,
        get(api::job),
    )
    .add(
        &[Method::GET],
        "/api/v1/jobs/{id}/events",
        AUTHENTICATED,
        get(api::events),
    )
    .add(
        &[Method::POST],
        "/api/v1/jobs/{id}/cancel",
        AUTHENTICATED,
        post(api::cancel),
    );
    (routes.router.with_state(app), routes.list)
}
