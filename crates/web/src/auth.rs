//! Who is asking: a handler that needs a caller takes a `Caller` argument, so a
//! route cannot forget to ask. A caller is a browser session (cookie) or a script
//! (bearer token). A session's state-changing requests must carry its CSRF token
//! (header `X-CSRF-Token`, or `?csrf=` in a form's action); a bearer token is not
//! sent by browsers on their own, so it needs none.

use std::sync::Arc;

use axum::{
    extract::FromRequestParts,
    http::{Method, header, request::Parts},
};
use npbackup_common::t;
use npbackup_core::config::{permissions::Op, schema::Role};

use crate::{App, WebError, accounts};

/// The session cookie's name.
pub const COOKIE: &str = "npbackup_session";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
    /// The session's id and CSRF token; `None` for a bearer token.
    pub session: Option<(String, String)>,
}

impl Caller {
    /// Refuses (403) a caller whose role is below `role`.
    pub fn require(&self, role: Role) -> Result<(), WebError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(WebError::forbidden(t!(
                "web-role-too-low",
                user = self.name.as_str(),
                role = self.role.name(),
                needed = role.name()
            )))
        }
    }

    /// The role an operation on a repository needs; the repository's own
    /// permissions are checked on top (`App::repo_for`).
    pub fn may(&self, op: Op) -> Result<(), WebError> {
        self.require(match op {
            Op::List => Role::Viewer,
            Op::Backup | Op::Restore | Op::Check | Op::Unlock | Op::Modify => Role::Operator,
            Op::Configure => Role::Admin,
        })
    }

    /// The CSRF token to put in this caller's forms (empty for a token).
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map(|(_, c)| c.as_str()).unwrap_or("")
    }
}

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, WebError> {
        let page = !parts.uri.path().starts_with("/api/");
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .unwrap_or("");
            let hash = accounts::token_hash(token);
            let config = app.config()?;
            return config
                .web()
                .tokens
                .iter()
                .find(|(_, t)| accounts::same(&t.hash, &hash))
                .map(|(name, t)| Caller {
                    name: name.clone(),
                    role: t.role,
                    session: None,
                })
                .ok_or_else(|| WebError::unauthorized(t!("web-bad-token"), false));
        }
        let id = cookie(parts, COOKIE)
            .ok_or_else(|| WebError::unauthorized(t!("web-log-in-first"), page))?;
        let session = app
            .sessions
            .touch(&id, app.idle)
            .ok_or_else(|| WebError::unauthorized(t!("web-session-ended"), page))?;
        // the account may have been removed or changed since the login
        let config = app.config()?;
        match config.web().users.get(&session.user) {
            Some(u) if u.role == session.role => {}
            _ => {
                app.sessions.close(&id);
                return Err(WebError::unauthorized(t!("web-session-ended"), page));
            }
        }
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .or_else(|| query_value(parts.uri.query().unwrap_or(""), "csrf"));
            if !sent.is_some_and(|s| accounts::same(&s, &session.csrf)) {
                return Err(WebError::forbidden(t!("web-bad-csrf")));
            }
        }
        Ok(Caller {
            name: session.user,
            role: session.role,
            session: Some((id, session.csrf)),
        })
    }
}

/// The value of cookie `name`.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn query_value(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
}
