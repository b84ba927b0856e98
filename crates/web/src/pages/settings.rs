//! The settings page: every setting of this computer, each group and each
//! repository, with where each value comes from, as the window's Settings screen
//! shows them (`config::settings::Draft`, shared with it). Operators read them;
//! administrators change them through the same checked, comment-keeping path
//! (and, when the file has a manager password, give it as the window asks).

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use npbackup_common::{secret::Secret, t};
use npbackup_core::config::{
    fields::{Kind, Tab},
    permissions,
    schema::Role,
    settings::{Change, Draft, Scope, Shown},
};
use serde::Deserialize;

use super::{esc, page, seg};
use crate::{App, Caller, WebError};

#[derive(Debug, Default, Deserialize)]
pub struct Which {
    pub scope: Option<String>,
    pub saved: Option<String>,
}

/// The scope asked for (the last repository when none is).
fn scope_of(draft: &Draft, which: &Which) -> Result<Scope, WebError> {
    match which.scope.as_deref() {
        Some(id) => draft
            .scope(id)
            .cloned()
            .ok_or_else(|| WebError::not_found(t!("web-no-such-scope", scope = id))),
        None => Ok(draft.scopes().last().cloned().unwrap_or(Scope::Machine)),
    }
}

fn open(app: &Arc<App>) -> Result<Draft, WebError> {
    let config = app.config()?;
    Draft::open(&config).map_err(|e| WebError::from(npbackup_common::Error::Usage(e)))
}

/// `GET /settings?scope=…`
pub async fn settings(
    State(app): State<Arc<App>>,
    caller: Caller,
    Query(which): Query<Which>,
) -> Result<Response, WebError> {
    caller.require(Role::Operator)?;
    let draft = open(&app)?;
    let scope = scope_of(&draft, &which)?;
    let note = which.saved.as_ref().map(|_| {
        t!(
            "settings-saved",
            path = npbackup_core::config::edit::backup_path(draft.path())
                .display()
                .to_string()
        )
    });
    Ok(render(
        &draft,
        &scope,
        &caller,
        note.as_deref(),
        StatusCode::OK,
    ))
}

/// `POST /settings?scope=…`: the administrator's changes to one scope, checked
/// and saved; the page again with what is wrong when they cannot be.
pub async fn save(
    State(app): State<Arc<App>>,
    caller: Caller,
    Query(which): Query<Which>,
    body: Bytes,
) -> Result<Response, WebError> {
    caller.require(Role::Admin)?;
    let mut draft = open(&app)?;
    let scope = scope_of(&draft, &which)?;
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let value = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if let Some(hash) = draft.config().manager_password_hash() {
        let typed = Secret::new(value("manager-password").unwrap_or("").to_string());
        if !matches!(
            permissions::verify_manager_password(&hash, &typed),
            Ok(true)
        ) {
            return Ok(render(
                &draft,
                &scope,
                &caller,
                Some(&t!("settings-wrong-manager")),
                StatusCode::FORBIDDEN,
            ));
        }
    }
    let inh = draft.inheritance(&scope);
    let mut changes = Vec::new();
    for field in scope.fields() {
        if field.kind == Kind::Secret {
            continue;
        }
        let shown = draft.shown(&scope, field, &inh);
        if value(&format!("reset:{}", field.key)).is_some() {
            if shown.own {
                changes.push((field.key, Change::Reset));
            }
            continue;
        }
        let Some(posted) = value(&format!("f:{}", field.key)) else {
            continue;
        };
        if let Some(change) = change_of(field.kind, &shown, posted) {
            changes.push((field.key, change));
        }
    }
    for (key, change) in changes {
        draft.change(&scope, key, change);
    }
    if !draft.dirty() {
        return Ok(Redirect::to(&format!("/settings?scope={}", seg(&scope.id()))).into_response());
    }
    match draft.save() {
        Ok(_) => {
            tracing::info!(
                "{}",
                t!(
                    "web-settings-changed",
                    user = caller.name.as_str(),
                    scope = scope.id(),
                    file = draft.path().display().to_string()
                )
            );
            Ok(
                Redirect::to(&format!("/settings?scope={}&saved=1", seg(&scope.id())))
                    .into_response(),
            )
        }
        Err(_) => Ok(render(
            &draft,
            &scope,
            &caller,
            None,
            StatusCode::BAD_REQUEST,
        )),
    }
}

/// What a posted field changes: a field shows its own value (or is empty, with
/// what it inherits as a hint); a value unlike what it showed is a change, and
/// an own value emptied goes back to what is inherited.
fn change_of(kind: Kind, shown: &Shown, posted: &str) -> Option<Change> {
    let posted = posted.trim();
    if shown.own {
        if posted == shown.value.trim() {
            None
        } else if posted.is_empty() && kind != Kind::Text {
            Some(Change::Reset)
        } else {
            Some(Change::Set(posted.to_string()))
        }
    } else if posted.is_empty() || posted == shown.value.trim() {
        None
    } else {
        Some(Change::Set(posted.to_string()))
    }
}

fn render(
    draft: &Draft,
    scope: &Scope,
    caller: &Caller,
    note: Option<&str>,
    status: StatusCode,
) -> Response {
    let admin = caller.role >= Role::Admin;
    let mut scopes = String::new();
    for s in draft.scopes() {
        let current = if s == scope {
            r#" aria-current="page""#
        } else {
            ""
        };
        scopes.push_str(&format!(
            r#"<a href="/settings?scope={}"{current}>{}</a> "#,
            seg(&s.id()),
            esc(&s.to_string())
        ));
    }
    let inh = draft.inheritance(scope);
    let mut sections = String::new();
    for tab in Tab::ALL {
        let mut rows = String::new();
        for field in scope.fields().iter().filter(|f| f.tab == tab) {
            let shown = draft.shown(scope, field, &inh);
            let name = format!("f:{}", field.key);
            let input = if !admin || field.kind == Kind::Secret {
                format!(
                    r#"<span class="{}">{}</span>"#,
                    if shown.own { "own" } else { "meta" },
                    esc(&shown.value)
                )
            } else {
                match field.kind {
                    Kind::Bool | Kind::Choice(_) => {
                        let words: &[&str] = match field.kind {
                            Kind::Choice(w) => w,
                            _ => &["true", "false"],
                        };
                        let mut options = format!(
                            r#"<option value=""{}>{}</option>"#,
                            if shown.own { "" } else { " selected" },
                            esc(&if shown.own {
                                t!("settings-not-set-choice")
                            } else {
                                t!("web-inherited-value", value = shown.value.as_str())
                            })
                        );
                        for w in words {
                            let selected = if shown.own && shown.value == *w {
                                " selected"
                            } else {
                                ""
                            };
                            options.push_str(&format!(
                                r#"<option value="{w}"{selected}>{w}</option>"#,
                                w = esc(w)
                            ));
                        }
                        format!(
                            r#"<select name="{}" aria-label="{}">{options}</select>"#,
                            esc(&name),
                            esc(&field.text())
                        )
                    }
                    _ => format!(
                        r#"<input name="{}" value="{}" placeholder="{}" aria-label="{}">"#,
                        esc(&name),
                        if shown.own {
                            esc(&shown.value)
                        } else {
                            String::new()
                        },
                        if shown.own {
                            String::new()
                        } else {
                            esc(&shown.value)
                        },
                        esc(&field.text())
                    ),
                }
            };
            let reset = if admin && shown.own && field.kind != Kind::Secret {
                format!(
                    r#" <label class="inline"><input type="checkbox" name="reset:{}"> {}</label>"#,
                    esc(field.key),
                    esc(&match scope {
                        Scope::Machine => t!("settings-remove"),
                        _ => t!("settings-reset"),
                    })
                )
            } else {
                String::new()
            };
            let problem = draft
                .problem(scope, field)
                .map(|p| format!(r#"<p class="error">{}</p>"#, esc(p)))
                .unwrap_or_default();
            rows.push_str(&format!(
                r#"<tr><th scope="row">{label}<br><code class="meta">{key}</code></th><td>{input}{problem}<p class="meta">{from}{reset}</p></td></tr>"#,
                label = esc(&field.text()),
                key = esc(&scope.full_key(field)),
                from = esc(&shown.from),
            ));
        }
        if !rows.is_empty() {
            sections.push_str(&format!(
                r#"<h2>{}</h2><table class="settings">{rows}</table>"#,
                esc(&tab.label())
            ));
        }
    }
    if sections.is_empty() {
        sections = format!("<p>{}</p>", esc(&t!("settings-choose-scope")));
    }
    let mut notes = String::new();
    for g in draft.general() {
        notes.push_str(&format!(r#"<p class="error">{}</p>"#, esc(g)));
    }
    if let Some(n) = note {
        let class = if status.is_success() {
            "summary"
        } else {
            "error"
        };
        notes.push_str(&format!(
            r#"<p class="{class}" role="status">{}</p>"#,
            esc(n)
        ));
    }
    let body = if admin {
        let manager = if draft.config().manager_password_hash().is_some() {
            format!(
                r#"<label>{}<input type="password" name="manager-password" autocomplete="off" required></label>"#,
                esc(&t!("settings-manager-password"))
            )
        } else {
            String::new()
        };
        format!(
            r#"<form method="post" action="/settings?scope={scope}&amp;csrf={csrf}" id="settings">{sections}{manager}<p><button class="primary">{save}</button></p></form>"#,
            scope = seg(&scope.id()),
            csrf = seg(caller.csrf()),
            save = esc(&t!("settings-save")),
        )
    } else {
        format!(
            r#"<p class="meta">{}</p>{sections}"#,
            esc(&t!("web-settings-read-only"))
        )
    };
    let html = format!(
        r#"<h1>{title}</h1><p class="meta"><code>{file}</code></p><p class="scopes">{of}: {scopes}</p>{notes}{body}"#,
        title = esc(&t!("settings-title")),
        file = esc(&draft.path().display().to_string()),
        of = esc(&t!("settings-of")),
    );
    let mut r = page(&t!("settings-title"), Some(caller), &html);
    *r.status_mut() = status;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(value: &str, own: bool) -> Shown {
        Shown {
            value: value.into(),
            own,
            from: String::new(),
        }
    }

    #[test]
    fn only_what_differs_from_what_was_shown_is_a_change() {
        // an inherited value: left empty or as shown, nothing changes
        assert_eq!(change_of(Kind::Text, &shown("30d", false), ""), None);
        assert_eq!(change_of(Kind::Text, &shown("30d", false), "30d"), None);
        assert_eq!(
            change_of(Kind::Text, &shown("30d", false), "90d"),
            Some(Change::Set("90d".into()))
        );
        // an own value: the same is nothing, emptied goes back to the inherited one
        assert_eq!(change_of(Kind::Number, &shown("5", true), " 5 "), None);
        assert_eq!(
            change_of(Kind::Number, &shown("5", true), ""),
            Some(Change::Reset)
        );
        assert_eq!(
            change_of(Kind::Text, &shown("x", true), ""),
            Some(Change::Set(String::new()))
        );
        assert_eq!(
            change_of(Kind::Choice(&["a", "b"]), &shown("a", true), "b"),
            Some(Change::Set("b".into()))
        );
    }
}
