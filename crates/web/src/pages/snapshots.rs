//! The pages of one repository: its snapshot table (sortable, paged, with a
//! search box, the comparison of two snapshots and the maintenance buttons), a
//! snapshot's folders (downloads, a file's history, the restore form), the hits
//! of a search, a path's history, and what changed between two snapshots. Every
//! repository read goes through the repository's browsing session (`browse.rs`).

use std::sync::Arc;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use npbackup_common::{humanize, t};
use npbackup_core::{
    config::{permissions::Op, schema::Role},
    jobs::{plan::Maintenance, status::Problem},
};
use npbackup_engine::{DiffKind, Entry, SnapshotInfo};
use serde::Deserialize;

use super::{esc, page, seg};
use crate::{App, Caller, WebError, browse};

/// How many snapshots a page of the table shows.
const PAGE: usize = 50;

/// A query string value, escaped.
fn qv(s: &str) -> String {
    seg(s)
}

/// The query of the repository's pages.
#[derive(Debug, Default, Deserialize)]
pub struct Listing {
    pub sort: Option<String>,
    pub order: Option<String>,
    pub page: Option<usize>,
    pub path: Option<String>,
    pub format: Option<String>,
    pub pattern: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Listing {
    /// The two snapshots of a comparison (`from`, `to`), checked.
    pub fn compared(&self) -> Result<(&str, &str), WebError> {
        let (Some(from), Some(to)) = (self.from.as_deref(), self.to.as_deref()) else {
            return Err(WebError::bad_request(t!("web-compare-hint")));
        };
        Ok((browse::snapshot_id(from)?, browse::snapshot_id(to)?))
    }
}

/// A repository that could not be read, as an answer.
pub fn unavailable(p: Problem) -> WebError {
    WebError::new(
        StatusCode::BAD_GATEWAY,
        "unavailable",
        format!("{}: {}", p.headline(), p.detail),
    )
}

/// `repo`'s snapshots, oldest first.
async fn snapshot_list(
    app: &Arc<App>,
    config: &npbackup_core::config::Config,
    repo: &str,
) -> Result<Arc<Vec<SnapshotInfo>>, WebError> {
    app.browsing
        .snapshots(config, repo, app.jobs.generation())
        .await
        .map_err(unavailable)
}

/// The CSRF token as a query, for the forms that post.
fn csrf_query(caller: &Caller) -> String {
    format!("csrf={}", qv(caller.csrf()))
}

/// `GET /repos/{repo}`: the snapshots, sortable by time, host, files or size, a
/// page at a time; a search box, the comparison of two ticked snapshots, and the
/// maintenance an operator may start.
pub async fn snapshots(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
    Query(q): Query<Listing>,
) -> Result<Response, WebError> {
    let (config, rc) = app.repo_for(&caller, &repo, Op::List)?;
    let all = snapshot_list(&app, &config, &repo).await?;
    let sort = match q.sort.as_deref() {
        Some("host") => "host",
        Some("size") => "size",
        Some("files") => "files",
        _ => "time",
    };
    let ascending = q.order.as_deref() == Some("asc");
    let mut order: Vec<&SnapshotInfo> = all.iter().collect();
    // the list comes oldest first; a stable sort keeps time order within equals
    order.sort_by(|a, b| match sort {
        "host" => a.host.cmp(&b.host),
        "size" => a.size.cmp(&b.size),
        "files" => a.files.cmp(&b.files),
        _ => std::cmp::Ordering::Equal,
    });
    if !ascending {
        order.reverse();
    }
    let pages = order.len().div_ceil(PAGE).max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let base = format!("/repos/{}", seg(&repo));
    let head = |key: &str, label: String| {
        let next = if sort == key && !ascending {
            "asc"
        } else {
            "desc"
        };
        let mark = if sort == key {
            if ascending { " ▲" } else { " ▼" }
        } else {
            ""
        };
        format!(
            r#"<th><a href="{base}?sort={key}&amp;order={next}">{}{mark}</a></th>"#,
            esc(&label)
        )
    };
    let mut rows = String::new();
    for s in order.iter().skip((page_no - 1) * PAGE).take(PAGE) {
        rows.push_str(&format!(
            r#"<tr><td><input type="radio" name="from" value="{id}" aria-label="{from}"> <input type="radio" name="to" value="{id}" aria-label="{to}"></td><td><a href="{base}/snapshots/{id}">{time}</a></td><td><code>{short}</code></td><td>{host}</td><td>{paths}</td><td>{tags}</td><td>{files}</td><td>{size}</td></tr>"#,
            id = seg(&s.id),
            from = esc(&t!("web-compare-from")),
            to = esc(&t!("web-compare-to")),
            time = esc(&humanize::local_time(&s.time)),
            short = esc(&s.short_id),
            host = esc(&s.host),
            paths = esc(&s.paths.join(", ")),
            tags = esc(&s.tags.join(", ")),
            files = s.files.map(|n| n.to_string()).unwrap_or_default(),
            size = s.size.map(humanize::size).unwrap_or_default(),
        ));
    }
    let link = |p: usize, label: String| {
        format!(
            r#"<a href="{base}?sort={sort}&amp;order={o}&amp;page={p}">{}</a>"#,
            esc(&label),
            o = if ascending { "asc" } else { "desc" }
        )
    };
    let mut pager = String::new();
    if page_no > 1 {
        pager.push_str(&link(page_no - 1, t!("web-previous-page")));
    }
    pager.push_str(&format!(
        " <span>{}</span> ",
        esc(&t!("web-page-of", page = page_no, pages = pages))
    ));
    if page_no < pages {
        pager.push_str(&link(page_no + 1, t!("web-next-page")));
    }
    // what an operator may start here: what both the role and the repository allow
    let mut operations = String::new();
    if caller.role >= Role::Operator {
        for m in Maintenance::ALL {
            if rc.permissions.check(&repo, m.op()).is_err()
                || (m == Maintenance::Housekeeping
                    && npbackup_core::jobs::plan::retention_policy(&rc).is_none())
            {
                continue;
            }
            operations.push_str(&format!(
                r#"<form method="post" action="{base}/operations/{code}?{csrf}" class="operation"><button>{label}</button> <span class="meta">{about}</span></form>"#,
                code = m.code(),
                csrf = csrf_query(&caller),
                label = esc(&m.label()),
                about = esc(&m.about()),
            ));
        }
        if !operations.is_empty() {
            operations = format!(
                r#"<section class="card"><h2>{}</h2>{operations}</section>"#,
                esc(&t!("web-maintenance"))
            );
        }
    }
    let body = format!(
        r#"<h1>{title}</h1><p class="meta">{count}</p>
<form method="get" action="{base}/find" class="search"><input name="pattern" required placeholder="{find_hint}" aria-label="{find}"> <button>{find}</button></form>
<form method="get" action="{base}/compare">
<table class="snapshots"><thead><tr><th>{h_compare}</th>{h_time}<th>{h_id}</th>{h_host}<th>{h_paths}</th><th>{h_tags}</th>{h_files}{h_size}</tr></thead><tbody>{rows}</tbody></table>
<p><button>{compare}</button> <span class="meta">{compare_hint}</span></p></form>
<p class="pager">{pager}</p>{operations}"#,
        title = esc(&t!("web-snapshots-of", repo = repo.as_str())),
        count = esc(&t!("web-snapshot-count", count = all.len())),
        find_hint = esc(&t!("browser-find-placeholder")),
        find = esc(&t!("browser-find")),
        h_compare = esc(&t!("browser-tab-compare")),
        compare = esc(&t!("web-compare-button")),
        compare_hint = esc(&t!("web-compare-hint")),
        h_time = head("time", t!("web-column-time")),
        h_id = esc(&t!("web-column-id")),
        h_host = head("host", t!("web-column-host")),
        h_paths = esc(&t!("web-column-paths")),
        h_tags = esc(&t!("web-column-tags")),
        h_files = head("files", t!("web-column-files")),
        h_size = head("size", t!("web-column-size")),
    );
    Ok(page(
        &t!("web-snapshots-of", repo = repo.as_str()),
        Some(&caller),
        &body,
    ))
}

/// The value a ticked entry posts: its path, or its exact bytes when the path's
/// text would lose some (`raw:` and base64).
fn item_value(e: &Entry) -> String {
    match &e.path_raw {
        Some(raw) => format!("raw:{raw}"),
        None => e.path.clone(),
    }
}

/// The folder holding a snapshot path ("/" for a top-level one).
fn parent_of(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some((p, _)) if !p.is_empty() => p,
        _ => "/",
    }
}

/// The last segment of a snapshot path.
fn name_of(path: &str) -> &str {
    path.rsplit('/').find(|s| !s.is_empty()).unwrap_or(path)
}

/// `GET /repos/{repo}/snapshots/{snapshot}?path=…`: one folder of a snapshot, with
/// links into its folders, downloads, each entry's history, and the restore form
/// (what is ticked, or the whole folder); it opens at the folder the snapshot's
/// backed-up paths share.
pub async fn browse(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path((repo, snapshot)): Path<(String, String)>,
    Query(q): Query<Listing>,
) -> Result<Response, WebError> {
    let (config, rc) = app.repo_for(&caller, &repo, Op::List)?;
    let snapshot = browse::snapshot_id(&snapshot)?.to_string();
    let generation = app.jobs.generation();
    let path = match q.path.as_deref() {
        Some(p) => browse::snapshot_path(p)?,
        None => snapshot_list(&app, &config, &repo)
            .await?
            .iter()
            .find(|s| s.id.starts_with(&snapshot))
            .map(|s| browse::common_folder(&s.paths))
            .unwrap_or_else(|| "/".into()),
    };
    let mut entries = app
        .browsing
        .ls(&config, &repo, generation, &snapshot, &path)
        .await?;
    // a backed-up file on its own: show the folder holding it
    if entries.len() == 1 && entries[0].kind != "dir" && entries[0].path == path {
        let parent = parent_of(&path);
        return Ok(Redirect::to(&format!(
            "/repos/{}/snapshots/{}?path={}",
            seg(&repo),
            seg(&snapshot),
            qv(parent)
        ))
        .into_response());
    }
    entries.sort_by(|a, b| {
        (a.kind != "dir")
            .cmp(&(b.kind != "dir"))
            .then(a.path.cmp(&b.path))
    });
    let repo_url = format!("/repos/{}", seg(&repo));
    let here = format!("{repo_url}/snapshots/{}", seg(&snapshot));
    let may_download = app.repo_for_download(&caller, &repo).is_ok();
    let may_restore = caller.may(Op::Restore).is_ok() && rc.permissions.allows(Op::Restore);
    // the breadcrumbs: / › home › ann
    let mut crumbs = format!(r#"<a href="{here}?path=%2F">/</a>"#);
    let mut so_far = String::new();
    for part in path.split('/').filter(|s| !s.is_empty()) {
        so_far.push('/');
        so_far.push_str(part);
        crumbs.push_str(&format!(
            r#" › <a href="{here}?path={}">{}</a>"#,
            qv(&so_far),
            esc(part)
        ));
    }
    let download = |p: &str, format: &str, label: &str| {
        format!(
            r#"<a class="download" href="{here}/download?path={}&amp;format={format}">{}</a>"#,
            qv(p),
            esc(label)
        )
    };
    let history = |p: &str| {
        format!(
            r#"<a class="history" href="{repo_url}/history?path={}">{}</a>"#,
            qv(p),
            esc(&t!("web-history"))
        )
    };
    let mut rows = String::new();
    for e in &entries {
        let name = name_of(&e.path);
        let tick = if may_restore {
            format!(
                r#"<input type="checkbox" name="item" value="{}" aria-label="{}">"#,
                esc(&item_value(e)),
                esc(name)
            )
        } else {
            String::new()
        };
        // a name that is not UTF-8 cannot travel in a text link: it is
        // downloaded with its folder, and restored by its exact bytes
        let may_download = may_download && e.path_raw.is_none();
        let (link, mut actions) = if e.kind == "dir" && e.path_raw.is_none() {
            (
                format!(
                    r#"<a href="{here}?path={}">{}/</a>"#,
                    qv(&e.path),
                    esc(name)
                ),
                if may_download {
                    format!(
                        "{} {}",
                        download(&e.path, "zip", "zip"),
                        download(&e.path, "tar.gz", "tar.gz")
                    )
                } else {
                    String::new()
                },
            )
        } else if e.kind == "file" && may_download {
            (download(&e.path, "file", name), String::new())
        } else if e.kind == "symlink" {
            let to = e.link_target.as_deref().unwrap_or("");
            (format!("{} → {}", esc(name), esc(to)), String::new())
        } else {
            (esc(name), String::new())
        };
        if e.path_raw.is_none() {
            actions.push(' ');
            actions.push_str(&history(&e.path));
        }
        rows.push_str(&format!(
            r#"<tr class="kind-{kind}"><td>{tick}</td><td>{link}</td><td>{size}</td><td>{mtime}</td><td>{actions}</td></tr>"#,
            kind = esc(&e.kind),
            size = if e.kind == "file" { humanize::size(e.size) } else { String::new() },
            mtime = esc(&e.mtime.as_deref().map(humanize::local_time).unwrap_or_default()),
        ));
    }
    if entries.is_empty() {
        rows.push_str(&format!(
            r#"<tr><td colspan="5">{}</td></tr>"#,
            esc(&t!("web-empty-folder"))
        ));
    }
    let whole = if may_download {
        format!(
            r#"<p>{} {} {}</p>"#,
            esc(&t!("web-download-folder")),
            download(&path, "zip", "zip"),
            download(&path, "tar.gz", "tar.gz")
        )
    } else {
        String::new()
    };
    let table = format!(
        r#"<table class="entries"><thead><tr><th></th><th>{h_name}</th><th>{h_size}</th><th>{h_mtime}</th><th></th></tr></thead><tbody>{rows}</tbody></table>"#,
        h_name = esc(&t!("web-column-name")),
        h_size = esc(&t!("web-column-size")),
        h_mtime = esc(&t!("web-column-modified")),
    );
    let listing = if may_restore {
        format!(
            r#"<form method="post" action="{here}/restore?{csrf}" id="restore">
<input type="hidden" name="here" value="{path}">{table}
<section class="card"><h2>{restore}</h2><p class="meta">{tick}</p>
<label><input type="radio" name="destination" value="original" checked> {original}</label>
<label><input type="radio" name="destination" value="folder"> {into}</label>
<input name="folder" placeholder="{folder_hint}" aria-label="{into}">
<p>{existing}</p>
<label><input type="radio" name="overwrite" value="if-changed" checked> {if_changed}</label>
<label><input type="radio" name="overwrite" value="never"> {never}</label>
<label><input type="radio" name="overwrite" value="always"> {always}</label>
<p><button class="primary">{review}</button></p></section></form>"#,
            csrf = csrf_query(&caller),
            path = esc(&path),
            restore = esc(&t!("browser-restore")),
            tick = esc(&t!("web-restore-tick")),
            original = esc(&t!("browser-original")),
            into = esc(&t!("browser-into-folder")),
            folder_hint = esc(&t!("browser-folder-placeholder")),
            existing = esc(&t!("browser-existing-files")),
            if_changed = esc(&t!("browser-overwrite-if-changed")),
            never = esc(&t!("browser-overwrite-never")),
            always = esc(&t!("browser-overwrite-always")),
            review = esc(&t!("browser-review-button")),
        )
    } else {
        table
    };
    let title = t!(
        "web-snapshot-title",
        snapshot = &snapshot[..snapshot.len().min(8)],
        repo = repo.as_str()
    );
    let body = format!(
        r#"<h1>{title}</h1><p class="crumbs">{crumbs}</p>{whole}{listing}"#,
        title = esc(&title),
    );
    Ok(page(&title, Some(&caller), &body))
}

/// `GET /repos/{repo}/snapshots/{snapshot}/download?path=…&format=file|zip|tar|tar.gz`
/// (and the API's `download` and `file`).
pub async fn download(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path((repo, snapshot)): Path<(String, String)>,
    Query(q): Query<Listing>,
) -> Result<Response, WebError> {
    let config = app.repo_for_download(&caller, &repo)?;
    let format = crate::download::format(q.format.as_deref())?;
    let path = q.path.as_deref().unwrap_or("/");
    tracing::info!(
        "{}",
        t!(
            "web-download-started",
            by = caller.name.as_str(),
            repo = repo.as_str(),
            path = path
        )
    );
    crate::download::download(&config, &repo, &snapshot, path, format).await
}

/// `GET /repos/{repo}/find?pattern=…`: every version of the names matching the
/// pattern, in every snapshot, newest first.
pub async fn find(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
    Query(q): Query<Listing>,
) -> Result<Response, WebError> {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    let pattern = q.pattern.as_deref().unwrap_or("").trim().to_string();
    let repo_url = format!("/repos/{}", seg(&repo));
    let mut body = format!(
        r#"<h1>{title}</h1><form method="get" action="{repo_url}/find" class="search"><input name="pattern" value="{value}" required placeholder="{hint}" aria-label="{find}"> <button>{find}</button></form>"#,
        title = esc(&t!("web-find-in", repo = repo.as_str())),
        value = esc(&pattern),
        hint = esc(&t!("browser-find-placeholder")),
        find = esc(&t!("browser-find")),
    );
    if pattern.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&t!("browser-type-a-name"))));
        return Ok(page(&t!("browser-tab-search"), Some(&caller), &body));
    }
    let (hits, cut) = app
        .browsing
        .find(&config, &repo, app.jobs.generation(), &pattern)
        .await?;
    if hits.is_empty() {
        body.push_str(&format!(
            "<p>{}</p>",
            esc(&t!("browser-nothing-like", query = pattern.as_str()))
        ));
    } else {
        let paths: std::collections::BTreeSet<&str> =
            hits.iter().map(|h| h.entry.path.as_str()).collect();
        body.push_str(&format!(
            r#"<p class="meta">{}</p>"#,
            esc(&t!(
                "browser-found",
                paths = paths.len(),
                versions = hits.len()
            ))
        ));
        if cut {
            body.push_str(&format!(
                r#"<p class="meta">{}</p>"#,
                esc(&t!("browser-too-many", max = browse::MAX_HITS))
            ));
        }
        let mut rows = String::new();
        for h in &hits {
            let folder = parent_of(&h.entry.path);
            rows.push_str(&format!(
                r#"<tr><td><a href="{repo_url}/snapshots/{snap}?path={folder}">{path}</a></td><td>{time}</td><td>{size}</td><td>{mtime}</td><td>{history}</td></tr>"#,
                snap = seg(&h.snapshot),
                folder = qv(folder),
                path = esc(&h.entry.path),
                time = esc(&humanize::local_time(&h.time)),
                size = if h.entry.kind == "file" { humanize::size(h.entry.size) } else { String::new() },
                mtime = esc(&h.entry.mtime.as_deref().map(humanize::local_time).unwrap_or_default()),
                history = if h.entry.path_raw.is_none() {
                    format!(
                        r#"<a href="{repo_url}/history?path={}">{}</a>"#,
                        qv(&h.entry.path),
                        esc(&t!("web-history"))
                    )
                } else {
                    String::new()
                },
            ));
        }
        body.push_str(&format!(
            r#"<table class="hits"><thead><tr><th>{h_path}</th><th>{h_snapshot}</th><th>{h_size}</th><th>{h_mtime}</th><th></th></tr></thead><tbody>{rows}</tbody></table>"#,
            h_path = esc(&t!("web-column-name")),
            h_snapshot = esc(&t!("browser-snapshot")),
            h_size = esc(&t!("web-column-size")),
            h_mtime = esc(&t!("web-column-modified")),
        ));
    }
    Ok(page(&t!("browser-tab-search"), Some(&caller), &body))
}

/// `GET /repos/{repo}/history?path=…`: every snapshot's version of a path, newest
/// first, with what changed.
pub async fn history(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
    Query(q): Query<Listing>,
) -> Result<Response, WebError> {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    let path = browse::snapshot_path(q.path.as_deref().unwrap_or("/"))?;
    let mut versions = app
        .browsing
        .history(&config, &repo, app.jobs.generation(), &path)
        .await?;
    versions.reverse();
    let repo_url = format!("/repos/{}", seg(&repo));
    let distinct = versions.iter().filter(|v| v.changed).count();
    let may_download = app.repo_for_download(&caller, &repo).is_ok();
    let folder = parent_of(&path);
    let mut rows = String::new();
    for v in &versions {
        let get = if may_download && v.kind == "file" {
            format!(
                r#"<a class="download" href="{repo_url}/snapshots/{snap}/download?path={p}">{label}</a>"#,
                snap = seg(&v.snapshot),
                p = qv(&path),
                label = esc(&t!("web-download")),
            )
        } else {
            String::new()
        };
        rows.push_str(&format!(
            r#"<tr><td><a href="{repo_url}/snapshots/{snap}?path={folder}">{time}</a></td><td>{size}</td><td>{mtime}</td><td>{changed}</td><td>{get}</td></tr>"#,
            snap = seg(&v.snapshot),
            folder = qv(folder),
            time = esc(&humanize::local_time(&v.time)),
            size = if v.kind == "file" { humanize::size(v.size) } else { String::new() },
            mtime = esc(&v.mtime.as_deref().map(humanize::local_time).unwrap_or_default()),
            changed = if v.changed { esc(&t!("web-changed")) } else { esc(&t!("web-unchanged")) },
        ));
    }
    let title = t!("browser-history-of", path = path.as_str());
    let body = format!(
        r#"<h1>{title}</h1><p class="meta">{summary}</p>
<table class="history"><thead><tr><th>{h_snapshot}</th><th>{h_size}</th><th>{h_mtime}</th><th></th><th></th></tr></thead><tbody>{rows}</tbody></table>"#,
        title = esc(&title),
        summary = esc(&t!(
            "browser-history-summary",
            snapshots = versions.len(),
            versions = distinct
        )),
        h_snapshot = esc(&t!("browser-snapshot")),
        h_size = esc(&t!("web-column-size")),
        h_mtime = esc(&t!("web-column-modified")),
    );
    Ok(page(&title, Some(&caller), &body))
}

/// `GET /repos/{repo}/compare?from=…&to=…`: what changed from one snapshot to
/// another, path by path.
pub async fn compare(
    State(app): State<Arc<App>>,
    caller: Caller,
    Path(repo): Path<String>,
    Query(q): Query<Listing>,
) -> Result<Response, WebError> {
    let (config, _) = app.repo_for(&caller, &repo, Op::List)?;
    let (from, to) = q.compared()?;
    let changes = app
        .browsing
        .diff(&config, &repo, app.jobs.generation(), from, to)
        .await?;
    let count = |k: DiffKind| changes.iter().filter(|c| c.change == k).count();
    let mut rows = String::new();
    for c in &changes {
        let mark = match c.change {
            DiffKind::Added => t!("browser-mark-added"),
            DiffKind::Removed => t!("browser-mark-removed"),
            DiffKind::Changed | DiffKind::TypeChanged => t!("browser-mark-changed"),
            DiffKind::Metadata => t!("browser-mark-metadata"),
        };
        let size = |s: Option<u64>| s.map(humanize::size).unwrap_or_default();
        rows.push_str(&format!(
            r#"<tr class="change-{kind:?}"><td>{mark}</td><td>{path}</td><td>{before}</td><td>{after}</td></tr>"#,
            kind = c.change,
            mark = esc(&mark),
            path = esc(&c.path),
            before = esc(&size(c.size_before)),
            after = esc(&size(c.size_after)),
        ));
    }
    let title = t!(
        "web-compare-title",
        from = &from[..from.len().min(8)],
        to = &to[..to.len().min(8)]
    );
    let summary = if changes.is_empty() {
        t!("browser-no-differences")
    } else {
        t!(
            "browser-diff-counts",
            added = count(DiffKind::Added),
            removed = count(DiffKind::Removed),
            changed = count(DiffKind::Changed) + count(DiffKind::TypeChanged)
        )
    };
    let body = format!(
        r#"<h1>{title}</h1><p class="meta">{summary}</p>
<table class="diff"><thead><tr><th></th><th>{h_path}</th><th>{h_before}</th><th>{h_after}</th></tr></thead><tbody>{rows}</tbody></table>"#,
        title = esc(&title),
        summary = esc(&summary),
        h_path = esc(&t!("web-column-name")),
        h_before = esc(&t!("web-size-before")),
        h_after = esc(&t!("web-size-after")),
    );
    Ok(page(&title, Some(&caller), &body))
}
