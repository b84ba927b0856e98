//! The web interface end to end: `npbackup-cli web` on loopback, real HTTP
//! requests, real job processes behind them. Accounts are made with the CLI, as
//! an administrator would, and nothing secret may show up anywhere after.

mod common;
mod webdriver;

use std::{
    io::{BufRead, BufReader, Read},
    os::unix::ffi::OsStrExt,
    process::{Child, Stdio},
    time::{Duration, Instant},
};

use common::*;
use reqwest::{
    StatusCode,
    blocking::{Client, Response},
    redirect::Policy,
};
use serde_json::Value;

const ADMIN_PASSWORD: &str = "admin-password-1";
const VIEWER_PASSWORD: &str = "viewer-password-1";

struct Web {
    child: Child,
    url: String,
}

impl Drop for Web {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `web` on a free port of loopback; its stderr goes to `web.log`.
fn start(w: &World, config: &std::path::Path, extra: &[&str]) -> Web {
    start_in(w, config, extra, "en")
}

/// The same, speaking `lang`.
fn start_in(w: &World, config: &std::path::Path, extra: &[&str], lang: &str) -> Web {
    let mut child = w
        .std_cli()
        .env("NPBACKUP_LOCALE", lang)
        .arg("-c")
        .arg(config)
        .args(["web", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(
            std::fs::File::create(w.path(&match lang {
                "en" => "web.log".to_string(),
                other => format!("web-{other}.log"),
            }))
            .unwrap(),
        )
        .spawn()
        .expect("start web");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Web { child, url }
}

/// The CLI on `config`.
fn cli_with(w: &World, config: &std::path::Path) -> assert_cmd::Command {
    let mut c = w.cli();
    c.arg("-c").arg(config);
    c
}

fn client() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// A login form's body, URL-encoded.
fn form(user: &str, password: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!("user={}&password={}", enc(user), enc(password))
}

fn body_json(r: Response) -> Value {
    let text = r.text().unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Logs in through the form; the session cookie.
fn log_in(web: &Web, user: &str, password: &str) -> String {
    let r = client()
        .post(format!("{}/login", web.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(user, password))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {user}");
    let cookie = r
        .headers()
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert_has(&cookie, &["HttpOnly", "SameSite=Strict"]);
    cookie.split(';').next().unwrap().to_string()
}

/// The CSRF token of the session's forms (from the dashboard).
fn csrf(web: &Web, cookie: &str) -> String {
    let page = client()
        .get(format!("{}/", web.url))
        .header("cookie", cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let at = page.find("csrf=").expect("a form with its CSRF token") + 5;
    page[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c))
        .collect()
}

fn wait_for_job(web: &Web, token: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let job = body_json(
            client()
                .get(format!("{}/api/v1/jobs/{id}", web.url))
                .bearer_auth(token)
                .send()
                .unwrap(),
        );
        if job["job"]["state"] != "running" {
            return job["job"].clone();
        }
        assert!(Instant::now() < deadline, "job {id} still running: {job}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A world with one backed-up repository and one that cannot be opened, and
/// the accounts an administrator would make: an admin, a viewer and a token.
fn setup() -> (World, std::path::PathBuf, String) {
    let (w, _src, _repo, _) = one_repository("backup = \"manual\"");
    let mut text = config_text(
        &w,
        &[(
            "default",
            &w.path("repo"),
            &w.path("src"),
            "backup = \"manual\"",
        )],
    );
    text.push_str(&format!(
        "\n[repos.broken]\nuri = \"{}\"\npassword-file = \"{}\"\n",
        w.path("no-such-repo").display(),
        w.password_file().display()
    ));
    let config = w.config(&text);
    let cli = || {
        let mut c = w.cli();
        c.arg("-c").arg(&config);
        c
    };
    run(
        cli()
            .args([
                "web",
                "user",
                "add",
                "ann",
                "--role",
                "admin",
                "--password-stdin",
            ])
            .write_stdin(format!("{ADMIN_PASSWORD}\n")),
        0,
    );
    run(
        cli()
            .args([
                "web",
                "user",
                "add",
                "vic",
                "--role",
                "viewer",
                "--password-stdin",
            ])
            .write_stdin(format!("{VIEWER_PASSWORD}\n")),
        0,
    );
    let out = run(
        cli().args(["web", "token", "create", "ci", "--role", "operator"]),
        0,
    );
    let token = stdout(&out).trim().to_string();
    assert!(token.starts_with("npb_"), "{token}");
    assert_has(&stderr(&out), &["shown once"]);
    let text = std::fs::read_to_string(&config).unwrap();
    for secret in [ADMIN_PASSWORD, VIEWER_PASSWORD, token.as_str()] {
        assert!(!text.contains(secret), "{secret} stored in clear:\n{text}");
    }
    assert_has(
        &text,
        &[
            "[web.users.ann]",
            "role = \"admin\"",
            "$argon2id$",
            "[web.tokens.ci]",
        ],
    );
    let out = run(cli().args(["--json", "web", "user", "list"]), 0);
    let list = json(&out);
    assert_eq!(
        list["result"]["users"].as_array().unwrap().len(),
        2,
        "{list}"
    );
    (w, config, token)
}

#[test]
fn a_script_backs_up_and_follows_the_job_through_the_api() {
    let (w, config, token) = setup();
    let web = start(&w, &config, &[]);
    let http = client();

    let health = http.get(format!("{}/healthz", web.url)).send().unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(body_json(health)["ok"], true);

    // no token, a wrong one: refused
    let r = http
        .get(format!("{}/api/v1/repos", web.url))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http
        .get(format!("{}/api/v1/repos", web.url))
        .bearer_auth("npb_not-a-token")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_json(r)["error"]["kind"], "unauthorized");

    // the broken repository says why; the good one is not held up by it
    let repos = body_json(
        http.get(format!("{}/api/v1/repos", web.url))
            .bearer_auth(&token)
            .send()
            .unwrap(),
    );
    let repos = repos["repos"].as_array().unwrap().clone();
    let by_name = |n: &str| repos.iter().find(|r| r["name"] == n).unwrap().clone();
    assert_eq!(by_name("default")["state"], "never", "{repos:?}");
    assert_eq!(by_name("broken")["state"], "unavailable", "{repos:?}");
    assert!(
        by_name("broken")["detail"]
            .as_str()
            .unwrap()
            .contains("no-such-repo")
    );

    // back up now → a job; follow it to its typed result
    let r = http
        .post(format!("{}/api/v1/repos/default/backup", web.url))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let id = body_json(r)["job"].as_str().unwrap().to_string();
    let events = http
        .get(format!("{}/api/v1/jobs/{id}/events", web.url))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(
        events.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    // the stream ends after `finished`
    let mut stream = String::new();
    events.take(10_000_000).read_to_string(&mut stream).unwrap();
    assert_has(
        &stream,
        &["event: started", "event: finished", "\"kind\":\"backup\""],
    );
    let job = wait_for_job(&web, &token, &id);
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["by"], "ci");
    let summary = &job["finished"]["result"]["summary"];
    assert!(summary["files_new"].as_u64().unwrap() > 0, "{job}");

    // a finished job's events replay to a late listener
    let late = http
        .get(format!("{}/api/v1/jobs/{id}/events", web.url))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_has(&late, &["event: finished"]);

    let snaps = body_json(
        http.get(format!("{}/api/v1/repos/default/snapshots", web.url))
            .bearer_auth(&token)
            .send()
            .unwrap(),
    );
    assert_eq!(snaps["snapshots"].as_array().unwrap().len(), 1, "{snaps}");
    let r = http
        .get(format!("{}/api/v1/repos/nope/snapshots", web.url))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = http
        .get(format!("{}/api/v1/repos/broken/snapshots", web.url))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_GATEWAY);

    drop(web);
    let log = std::fs::read_to_string(w.path("web.log")).unwrap();
    assert!(!log.contains(&token), "the token in the log:\n{log}");
    assert!(
        !log.contains(PASSWORD),
        "the repository password in the log:\n{log}"
    );
}

#[test]
fn people_log_in_and_what_they_may_do_follows_their_role() {
    let (w, config, _token) = setup();
    let web = start(&w, &config, &[]);
    let http = client();

    // pages send a browser without a session to the login page
    let r = http.get(format!("{}/", web.url)).send().unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
    let login = http.get(format!("{}/login", web.url)).send().unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    assert_has(&login.text().unwrap(), &["<form", "password"]);

    // a viewer sees the dashboard but cannot back up
    let vic = log_in(&web, "vic", VIEWER_PASSWORD);
    let page = http
        .get(format!("{}/", web.url))
        .header("cookie", &vic)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_has(
        &page,
        &["default", "broken", "Never backed up", "vic (viewer)"],
    );
    assert!(
        !page.contains("/backup?csrf"),
        "a viewer has no backup button: {page}"
    );
    let vic_csrf = csrf(&web, &vic);
    let r = http
        .post(format!("{}/api/v1/repos/default/backup", web.url))
        .header("cookie", &vic)
        .header("x-csrf-token", &vic_csrf)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_has(
        &body_json(r)["error"]["message"].to_string(),
        &["viewer", "operator"],
    );

    // an admin's session needs its CSRF token for anything that changes something
    let ann = log_in(&web, "ann", ADMIN_PASSWORD);
    let r = http
        .post(format!("{}/api/v1/repos/default/backup", web.url))
        .header("cookie", &ann)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = http
        .post(format!("{}/api/v1/repos/default/backup", web.url))
        .header("cookie", &ann)
        .header("x-csrf-token", &vic_csrf)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "another session's token");
    let ann_csrf = csrf(&web, &ann);
    let r = http
        .post(format!("{}/repos/default/backup?csrf={ann_csrf}", web.url))
        .header("cookie", &ann)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let job_page = r.headers()["location"].to_str().unwrap().to_string();
    assert!(job_page.starts_with("/jobs/"), "{job_page}");
    let page = http
        .get(format!("{}{job_page}", web.url))
        .header("cookie", &ann)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_has(&page, &["<progress", "Backup of default"]);

    // logging out ends the session
    let r = http
        .post(format!("{}/logout?csrf={ann_csrf}", web.url))
        .header("cookie", &ann)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = http
        .get(format!("{}/api/v1/repos", web.url))
        .header("cookie", &ann)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // a removed user's session ends at their next request
    run(
        cli_with(&w, &config).args(["web", "user", "remove", "vic"]),
        0,
    );
    let r = http
        .get(format!("{}/api/v1/jobs", web.url))
        .header("cookie", &vic)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // wrong passwords: refused, then throttled after five a minute
    for _ in 0..5 {
        let r = http
            .post(format!("{}/login", web.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form("ann", "not-the-password"))
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = http
        .post(format!("{}/login", web.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form("ann", ADMIN_PASSWORD))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);

    drop(web);
    let log = std::fs::read_to_string(w.path("web.log")).unwrap();
    for secret in [ADMIN_PASSWORD, VIEWER_PASSWORD, "not-the-password"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

#[test]
fn the_server_refuses_what_it_cannot_serve_safely() {
    let (w, config, _) = setup();
    // plain HTTP where other machines can reach it
    let out = run(
        cli_with(&w, &config).args(["web", "--listen", "0.0.0.0:0"]),
        2,
    );
    assert_has(&stderr(&out), &["0.0.0.0:0", "TLS", "--insecure-http"]);
    // a configuration others can read
    let mut perms = std::fs::metadata(&config).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o644);
    std::fs::set_permissions(&config, perms).unwrap();
    let out = run(
        cli_with(&w, &config).args(["web", "--listen", "127.0.0.1:0"]),
        2,
    );
    assert_has(&stderr(&out), &["chmod 600"]);
    // a bad address, a short password, a name that is not one
    let out = run(
        cli_with(&w, &config).args(["web", "--listen", "localhost"]),
        2,
    );
    assert_has(&stderr(&out), &["`localhost` is not an address"]);
    let out = run(
        cli_with(&w, &config)
            .args([
                "web",
                "user",
                "add",
                "bob",
                "--role",
                "viewer",
                "--password-stdin",
            ])
            .write_stdin("short\n"),
        7,
    );
    assert_has(&stderr(&out), &["at least 10 characters"]);
    let out = run(
        cli_with(&w, &config).args(["web", "user", "add", "a b", "--role", "boss"]),
        2,
    );
    assert_has(&stderr(&out), &["boss"]);
}

/// The bytes of a download, with its status and headers checked.
fn fetch(
    http: &Client,
    url: &str,
    auth: Auth<'_>,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let req = http.get(url);
    let req = match auth {
        Auth::Token(t) => req.bearer_auth(t),
        Auth::Cookie(c) => req.header("cookie", c),
    };
    let r = req.send().unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.bytes().unwrap().to_vec())
}

#[derive(Clone, Copy)]
enum Auth<'a> {
    Token(&'a str),
    Cookie(&'a str),
}

/// Percent-encodes a query value.
fn q(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn people_browse_a_snapshot_and_download_files_and_folders() {
    let (w, config, token) = setup();
    let src = w.path("src");
    // names a page must escape
    std::fs::write(
        src.join("docs/<script>alert(1)<\\script>.txt"),
        "tag name\n",
    )
    .unwrap();
    std::fs::write(src.join("docs/say \"hi\" & 'bye'.txt"), "quotes\n").unwrap();
    let web = start(&w, &config, &[]);
    let http = client();
    let r = http
        .post(format!("{}/api/v1/repos/default/backup", web.url))
        .bearer_auth(&token)
        .send()
        .unwrap();
    let id = body_json(r)["job"].as_str().unwrap().to_string();
    assert_eq!(wait_for_job(&web, &token, &id)["state"], "succeeded");
    let snaps = body_json(
        http.get(format!("{}/api/v1/repos/default/snapshots", web.url))
            .bearer_auth(&token)
            .send()
            .unwrap(),
    );
    let snap = snaps["snapshots"][0]["id"].as_str().unwrap().to_string();
    let base = format!("{}/api/v1/repos/default/snapshots/{snap}", web.url);
    let docs = format!("{}/docs", src.display());

    // one folder's entries, through the browsing session
    let ls = body_json(
        http.get(format!("{base}/ls?path={}", q(&docs)))
            .bearer_auth(&token)
            .send()
            .unwrap(),
    );
    let names = entry_names(&ls["entries"]);
    assert_has(
        &names.join("\n"),
        &[
            "hello.txt",
            "private",
            "<script>alert(1)<\\script>.txt",
            "latin1-\u{fffd}t\u{fffd}.txt",
        ],
    );

    // a file, byte for byte, with a safe name in its header
    let (status, headers, bytes) = fetch(
        &http,
        &format!(
            "{base}/download?path={}",
            q(&format!("{docs}/Ünïcødé — 日本語.txt"))
        ),
        Auth::Token(&token),
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, b"unicode name\n");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename*=UTF-8''%C3%9C"),
        "{disposition}"
    );

    // the folder as tar: every file as it is on disk, the non-UTF-8 name exact
    let (status, _, bytes) = fetch(
        &http,
        &format!("{base}/download?path={}&format=tar", q(&docs)),
        Auth::Token(&token),
    );
    assert_eq!(status, StatusCode::OK);
    let mut from_tar = std::collections::BTreeMap::new();
    for e in tar::Archive::new(&bytes[..]).entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().into_owned();
        if e.header().entry_type().is_file() {
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            from_tar.insert(path, data);
        }
    }
    let raw = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b"docs/latin1-\xe9t\xe9.txt"));
    assert_eq!(
        from_tar.get(&raw).map(Vec::as_slice),
        Some(&b"non-utf8 name\n"[..]),
        "{:?}",
        from_tar.keys()
    );
    for (path, data) in &from_tar {
        let on_disk = std::fs::read(src.join(path)).unwrap();
        assert_eq!(&on_disk, data, "{}", path.display());
    }
    assert!(from_tar.contains_key(std::path::Path::new("docs/private/secret-notes.md")));

    // tar.gz and zip hold the same files
    let (_, headers, bytes) = fetch(
        &http,
        &format!("{base}/download?path={}&format=tar.gz", q(&docs)),
        Auth::Token(&token),
    );
    assert_eq!(headers["content-type"], "application/gzip");
    let mut n = 0;
    for e in tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]))
        .entries()
        .unwrap()
    {
        if e.unwrap().header().entry_type().is_file() {
            n += 1;
        }
    }
    assert_eq!(n, from_tar.len());
    let (_, headers, bytes) = fetch(
        &http,
        &format!("{base}/download?path={}&format=zip", q(&docs)),
        Auth::Token(&token),
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("docs.zip")
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut hello = String::new();
    zip.by_name("docs/hello.txt")
        .unwrap()
        .read_to_string(&mut hello)
        .unwrap();
    assert_eq!(hello, "hello world\n");
    let zipped = (0..zip.len())
        .filter(|i| zip.by_index(*i).unwrap().is_file())
        .count();
    assert_eq!(zipped, from_tar.len());

    // paths that climb out, ids that are not ids, folders as files, missing files
    for (url, status) in [
        (format!("{base}/ls?path=../../etc"), StatusCode::BAD_REQUEST),
        (
            format!("{base}/download?path={}/../../../etc/passwd", q(&docs)),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!(
                "{}/api/v1/repos/default/snapshots/zz-not-hex/ls?path=/",
                web.url
            ),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("{base}/download?path={}", q(&docs)),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("{base}/download?path={}/nope.txt", q(&docs)),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("{base}/download?path={}&format=rar", q(&docs)),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (got, _, body) = fetch(&http, &url, Auth::Token(&token));
        assert_eq!(got, status, "{url}: {}", String::from_utf8_lossy(&body));
        let doc: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(doc["ok"], false, "{url}");
    }
    let (got, _, _) = fetch(
        &http,
        &format!("{base}/download?path={}", q(&docs)),
        Auth::Token("npb_forged"),
    );
    assert_eq!(got, StatusCode::UNAUTHORIZED);

    // the pages: a viewer sees the table, the folder, and names escaped
    let cookie = log_in(&web, "vic", VIEWER_PASSWORD);
    let (status, _, table) = fetch(
        &http,
        &format!("{}/repos/default", web.url),
        Auth::Cookie(&cookie),
    );
    assert_eq!(status, StatusCode::OK);
    let table = String::from_utf8(table).unwrap();
    assert_has(&table, &[&snap[..8], "sort=host"]);
    // opened at the backed-up folder, not at /
    let (status, _, page) = fetch(
        &http,
        &format!("{}/repos/default/snapshots/{snap}", web.url),
        Auth::Cookie(&cookie),
    );
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).unwrap();
    assert_has(&page, &["docs/", "format=zip"]);
    let (_, _, page) = fetch(
        &http,
        &format!(
            "{}/repos/default/snapshots/{snap}?path={}",
            web.url,
            q(&docs)
        ),
        Auth::Cookie(&cookie),
    );
    let page = String::from_utf8(page).unwrap();
    assert!(!page.contains("<script>alert"), "a name as markup:\n{page}");
    assert_has(
        &page,
        &[
            "&lt;script&gt;alert(1)&lt;\\script&gt;.txt",
            "say &quot;hi&quot; &amp; &#39;bye&#39;.txt",
            "latin1-\u{fffd}t\u{fffd}.txt",
            "hello.txt",
        ],
    );
    let (status, _, bytes) = fetch(
        &http,
        &format!(
            "{}/repos/default/snapshots/{snap}/download?path={}",
            web.url,
            q(&format!("{docs}/hello.txt"))
        ),
        Auth::Cookie(&cookie),
    );
    assert_eq!(
        (status, bytes.as_slice()),
        (StatusCode::OK, &b"hello world\n"[..])
    );
}

#[test]
fn the_server_serves_https_with_secure_cookies() {
    let (w, config, token) = setup();
    let (cert, key) = (w.path("web.crt"), w.path("web.key"));
    // a private CA, and the server's certificate signed by it
    let (ca, ca_key) = (w.path("ca.crt"), w.path("ca.key"));
    let ext = w.path("web.ext");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .current_dir(w.path(""))
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-days",
                "2",
                "-subj",
                "/CN=test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-subj",
                "/CN=localhost",
                "-keyout",
                "web.key",
                "-out",
                "web.csr",
            ],
        ]
        .concat(),
    );
    openssl(&[
        "x509",
        "-req",
        "-in",
        "web.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "web.ext",
        "-out",
        "web.crt",
    ]);
    assert!(ca_key.exists());
    let mut text = std::fs::read_to_string(&config).unwrap();
    let tls = format!(
        "tls-cert = \"{}\"\ntls-key = \"{}\"\n",
        cert.display(),
        key.display()
    );
    if text.contains("[web]\n") {
        text = text.replacen("[web]\n", &format!("[web]\n{tls}"), 1);
    } else {
        text.push_str(&format!("\n[web]\n{tls}"));
    }
    std::fs::write(&config, &text).unwrap();

    let web = start(&w, &config, &[]);
    assert!(web.url.starts_with("https://127.0.0.1:"), "{}", web.url);
    let ca = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
    let https = Client::builder()
        .redirect(Policy::none())
        .tls_certs_only([ca])
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let repos = https
        .get(format!("{}/api/v1/repos", web.url))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(repos.status(), StatusCode::OK);
    let r = https
        .post(format!("{}/login", web.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form("vic", VIEWER_PASSWORD))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert_has(&cookie, &["HttpOnly", "SameSite=Strict", "Secure"]);
    // plain HTTP to the TLS port gets no page
    let plain = client()
        .get(web.url.replace("https://", "http://") + "/healthz")
        .send();
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));
    drop(web);

    // a key that is not one: refused, naming the file
    std::fs::write(&key, "not a key").unwrap();
    let out = run(
        cli_with(&w, &config).args(["web", "--listen", "127.0.0.1:0"]),
        7,
    );
    assert_has(&stderr(&out), &["web.key", "PEM private key"]);
}

/// Where the browser test leaves its screenshots, to be looked at.
fn web_check_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("web-check")
}

/// A person in a real headless Chromium: logs in, backs up and watches the job
/// to its end, opens the snapshot table, browses, finds a file, downloads it,
/// restores it with the review first, and logs out. Screenshots of each page go
/// to target/web-check/.
#[test]
fn a_person_uses_the_web_interface_in_a_real_browser() {
    let (w, config, _) = setup();
    let web = start(&w, &config, &[]);
    let shots = web_check_dir();
    let downloads = w.path("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let b = webdriver::Browser::start(
        &w.path("chromium-profile"),
        &downloads,
        &w.path("chromedriver.log"),
    );

    // log in
    b.goto(&format!("{}/", web.url));
    assert!(b.url().ends_with("/login"), "{}", b.url());
    b.screenshot(&shots.join("01-login.png"));
    b.type_into("input[name=user]", "ann");
    b.type_into("input[name=password]", ADMIN_PASSWORD);
    b.click("button.primary");
    b.find("section[data-repo=default]");
    let dashboard = b.source();
    assert_has(
        &dashboard,
        &["state-never", "state-unavailable", "id=\"schedule\""],
    );
    b.screenshot(&shots.join("02-dashboard.png"));

    // back up now, and watch the job page follow it to the end
    b.click("section[data-repo=default] form button.primary");
    b.find("#job");
    b.wait_until(
        "the backup to end",
        300,
        "return document.getElementById('job').dataset.state !== 'running'",
    );
    assert_eq!(b.text("#state"), "succeeded", "{}", b.source());
    assert_has(&b.text("#result"), &["new"]);
    let bar = b.script(
        "var p = document.getElementById('bar'); return [p.value, p.max];",
        serde_json::json!([]),
    );
    assert!(
        bar[0].as_f64().unwrap_or(0.0) > 0.0,
        "the bar did not move: {bar}"
    );
    b.screenshot(&shots.join("03-backup-job.png"));

    // the dashboard now says it is backed up; the snapshot table
    b.click("nav a[href='/']");
    b.find("section.state-up-to-date[data-repo=default]");
    b.click("section[data-repo=default] h2 a");
    b.find("table.snapshots");
    b.screenshot(&shots.join("04-snapshots.png"));

    // into the snapshot, then the docs folder
    b.click("table.snapshots tbody tr td:nth-child(2) a");
    b.click("table.entries a[href*='docs']:not(.download)");
    b.find("a.download[href*='hello.txt'][href$='format=file']");
    assert_has(&b.source(), &["hello.txt", "private/"]);
    b.screenshot(&shots.join("05-browse.png"));

    // download a file with the browser, as a person clicks it
    b.click("a.download[href*='hello.txt'][href$='format=file']");
    let deadline = Instant::now() + Duration::from_secs(60);
    let downloaded = downloads.join("hello.txt");
    while !downloaded.exists() {
        assert!(
            Instant::now() < deadline,
            "no download in {}",
            downloads.display()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Chromium writes a .crdownload first and renames it when done
    assert_eq!(std::fs::read(&downloaded).unwrap(), b"hello world\n");

    // restore it into a folder, reviewing first
    let target = w.path("restored-by-browser");
    b.click("input[name=item][value$='/hello.txt']");
    b.click("input[name=destination][value=folder]");
    b.type_into("input[name=folder]", &target.display().to_string());
    b.click("#restore button.primary");
    b.find("#job");
    b.wait_until(
        "the review to end",
        120,
        "return document.getElementById('job').dataset.state !== 'running'",
    );
    assert_eq!(b.text("#state"), "succeeded", "{}", b.source());
    assert!(
        !target.join("hello.txt").exists(),
        "the review wrote a file"
    );
    b.screenshot(&shots.join("06-restore-review.png"));
    b.click("#restore-now");
    b.wait_until(
        "the restore to end",
        120,
        "var j = document.getElementById('job'); return !!j && j.dataset.state !== 'running' && !document.getElementById('restore-now')",
    );
    assert_eq!(b.text("#state"), "succeeded", "{}", b.source());
    assert_eq!(
        std::fs::read(target.join("hello.txt")).unwrap(),
        b"hello world\n"
    );
    b.screenshot(&shots.join("07-restored.png"));

    // find a file across snapshots
    b.goto(&format!("{}/repos/default", web.url));
    b.type_into("form.search input[name=pattern]", "secret");
    b.click("form.search button");
    b.find("table.hits");
    assert_has(&b.source(), &["secret-notes.md"]);
    b.screenshot(&shots.join("08-find.png"));

    // the settings, with where each value comes from
    b.click("nav a[href='/settings']");
    b.find("form#settings");
    assert_has(&b.source(), &["inherited from", "set here"]);
    b.screenshot(&shots.join("09-settings.png"));

    // log out: the pages ask for a login again
    b.click("nav form button");
    b.find("input[name=password]");
    b.goto(&format!("{}/repos/default", web.url));
    assert!(b.url().ends_with("/login"), "{}", b.url());

    // the same server in French, on a phone-sized window
    let french = start_in(&w, &config, &[], "fr");
    b.set_window(390, 844);
    b.goto(&format!("{}/login", french.url));
    b.type_into("input[name=user]", "vic");
    b.type_into("input[name=password]", VIEWER_PASSWORD);
    b.click("button.primary");
    b.find("section[data-repo=default]");
    let page = b.source();
    assert_has(&page, &["lang=\"fr\"", "Tableau de bord", "Sauvegardé"]);
    // a viewer is offered no button that would be refused
    assert!(!page.contains("Sauvegarder maintenant"), "{page}");
    let overflow = b.script(
        "return document.documentElement.scrollWidth > window.innerWidth + 1",
        serde_json::json!([]),
    );
    assert_eq!(
        overflow,
        serde_json::json!(false),
        "the page is wider than a phone"
    );
    b.screenshot(&shots.join("10-phone-french.png"));
}

/// Starts a job with `POST path` and `body` as the token; its id.
fn start_job(web: &Web, token: &str, path: &str, body: Value) -> String {
    let r = client()
        .post(format!("{}{path}", web.url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{path}");
    body_json(r)["job"].as_str().unwrap().to_string()
}

/// `GET path` as the token: its status and JSON.
fn get_json(web: &Web, token: &str, path: &str) -> (StatusCode, Value) {
    let r = client()
        .get(format!("{}{path}", web.url))
        .bearer_auth(token)
        .send()
        .unwrap();
    (r.status(), body_json(r))
}

#[test]
fn a_script_restores_after_a_review_and_runs_maintenance_through_the_api() {
    let (w, config, token) = setup();
    let out = run(
        cli_with(&w, &config).args(["web", "token", "create", "look", "--role", "viewer"]),
        0,
    );
    let viewer = stdout(&out).trim().to_string();
    let web = start(&w, &config, &[]);
    let hello = w.path("src").join("docs/hello.txt");
    let snapshot_path = hello.display().to_string();

    // two backups, the file changed between them
    let backup = |web: &Web| {
        let id = start_job(web, &token, "/api/v1/repos/default/backup", Value::Null);
        assert_eq!(wait_for_job(web, &token, &id)["state"], "succeeded");
    };
    backup(&web);
    std::fs::write(&hello, "hello again\n").unwrap();
    backup(&web);
    let (_, snaps) = get_json(&web, &token, "/api/v1/repos/default/snapshots");
    let (newer, older) = (
        snaps["snapshots"][0]["id"].as_str().unwrap().to_string(),
        snaps["snapshots"][1]["id"].as_str().unwrap().to_string(),
    );

    // its history: two versions, each a change; the comparison says so too
    let (status, history) = get_json(
        &web,
        &token,
        &format!("/api/v1/repos/default/history?path={}", q(&snapshot_path)),
    );
    assert_eq!(status, StatusCode::OK, "{history}");
    let versions = history["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{history}");
    assert!(versions.iter().all(|v| v["changed"] == true), "{history}");
    let (_, diff) = get_json(
        &web,
        &token,
        &format!("/api/v1/repos/default/diff?from={older}&to={newer}"),
    );
    let changes = diff["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["path"] == snapshot_path.as_str() && c["change"] == "changed"),
        "{diff}"
    );
    // a search finds it in both snapshots
    let (_, found) = get_json(&web, &token, "/api/v1/repos/default/find?pattern=hello.txt");
    assert_eq!(found["hits"].as_array().unwrap().len(), 2, "{found}");
    assert_eq!(found["complete"], true);
    // the newer version's bytes
    let (status, _, bytes) = fetch(
        &client(),
        &format!(
            "{}/api/v1/repos/default/snapshots/{newer}/file?path={}",
            web.url,
            q(&snapshot_path)
        ),
        Auth::Token(&token),
    );
    assert_eq!(
        (status, bytes.as_slice()),
        (StatusCode::OK, &b"hello again\n"[..])
    );

    // the older version into a folder: the review writes nothing and says what it would
    let target = w.path("restored");
    let restore = |dry_run: bool, overwrite: &str| {
        let id = start_job(
            &web,
            &token,
            "/api/v1/repos/default/restore",
            serde_json::json!({
                "snapshot": older,
                "paths": [snapshot_path],
                "target": target,
                "overwrite": overwrite,
                "dry_run": dry_run,
            }),
        );
        let job = wait_for_job(&web, &token, &id);
        assert_eq!(job["state"], "succeeded", "{job}");
        job["finished"]["result"]["summary"].clone()
    };
    let review = restore(true, "if-changed");
    assert_eq!(review["dry_run"], true, "{review}");
    assert_eq!(review["files_restored"], 1, "{review}");
    assert!(!target.join("hello.txt").exists(), "the review wrote");
    restore(false, "if-changed");
    assert_eq!(
        std::fs::read_to_string(target.join("hello.txt")).unwrap(),
        "hello world\n"
    );
    // a file that is there now and differs: "never" leaves it and says so
    std::fs::write(target.join("hello.txt"), "mine\n").unwrap();
    let kept = restore(false, "never");
    assert_eq!(kept["conflicts"].as_array().unwrap().len(), 1, "{kept}");
    assert_eq!(
        std::fs::read_to_string(target.join("hello.txt")).unwrap(),
        "mine\n"
    );

    // what is refused: a viewer, a target that is not a full path, a path that
    // climbs, a field nobody knows, an operation that does not exist
    let refused = |tok: &str, path: &str, body: Value, status: StatusCode| {
        let r = client()
            .post(format!("{}{path}", web.url))
            .bearer_auth(tok)
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(r.status(), status, "{path} {body}");
        assert_eq!(body_json(r)["ok"], false);
    };
    let good = serde_json::json!({ "snapshot": older, "target": target });
    refused(
        &viewer,
        "/api/v1/repos/default/restore",
        good.clone(),
        StatusCode::FORBIDDEN,
    );
    refused(
        &token,
        "/api/v1/repos/default/restore",
        serde_json::json!({ "snapshot": older, "target": "relative/folder" }),
        StatusCode::BAD_REQUEST,
    );
    refused(
        &token,
        "/api/v1/repos/default/restore",
        serde_json::json!({ "snapshot": older, "paths": ["/tmp/../etc"], "target": target }),
        StatusCode::BAD_REQUEST,
    );
    refused(
        &token,
        "/api/v1/repos/default/restore",
        serde_json::json!({ "snapshot": older, "target": target, "overwrite_all": true }),
        StatusCode::BAD_REQUEST,
    );
    refused(
        &viewer,
        "/api/v1/repos/default/operations/check",
        Value::Null,
        StatusCode::FORBIDDEN,
    );
    refused(
        &token,
        "/api/v1/repos/default/operations/format",
        Value::Null,
        StatusCode::NOT_FOUND,
    );

    // maintenance: a check and a stale-lock removal, as the window runs them
    for op in ["check", "unlock"] {
        let id = start_job(
            &web,
            &token,
            &format!("/api/v1/repos/default/operations/{op}"),
            Value::Null,
        );
        let job = wait_for_job(&web, &token, &id);
        assert_eq!(job["state"], "succeeded", "{op}: {job}");
        assert_eq!(job["kind"], op);
    }

    // no scheduler runs this configuration: it says so, and a pause is refused
    let (status, schedule) = get_json(&web, &viewer, "/api/v1/schedule");
    assert_eq!(
        (status, &schedule["scheduler"]),
        (StatusCode::OK, &Value::Null)
    );
    refused(
        &token,
        "/api/v1/schedule/pause",
        serde_json::json!({ "hours": 2 }),
        StatusCode::CONFLICT,
    );
}

#[test]
fn administrators_change_settings_and_operators_only_read_them() {
    let (w, config, token) = setup();
    // a comment the administrator wrote, to be kept
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("# our backups, see the wiki\n{text}")).unwrap();
    let web = start(&w, &config, &[]);
    let http = client();
    let page_as = |auth: Auth<'_>, path: &str| {
        let (status, _, body) = fetch(&http, &format!("{}{path}", web.url), auth);
        (status, String::from_utf8(body).unwrap())
    };

    // a viewer does not see them; an operator reads them, with where each comes from
    let viewer = log_in(&web, "vic", VIEWER_PASSWORD);
    assert_eq!(
        page_as(Auth::Cookie(&viewer), "/settings").0,
        StatusCode::FORBIDDEN
    );
    let (status, page) = page_as(Auth::Token(&token), "/settings?scope=repo:default");
    assert_eq!(status, StatusCode::OK);
    assert_has(
        &page,
        &[
            "Only an administrator",
            "repos.default.backup.paths",
            "set here",
            "the defaults",
        ],
    );
    assert!(
        !page.contains("id=\"settings\""),
        "an operator got the form"
    );
    let r = http
        .post(format!("{}/settings?scope=repo:default", web.url))
        .bearer_auth(&token)
        .body("f:retention.keep-last=3")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // an administrator changes two, through the form
    let admin = log_in(&web, "ann", ADMIN_PASSWORD);
    let csrf = csrf(&web, &admin);
    let (_, page) = page_as(Auth::Cookie(&admin), "/settings?scope=repo:default");
    assert_has(
        &page,
        &["id=\"settings\"", "name=\"f:retention.keep-last\""],
    );
    let post = |body: &str| {
        http.post(format!(
            "{}/settings?scope=repo:default&csrf={csrf}",
            web.url
        ))
        .header("cookie", &admin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .unwrap()
    };
    let r = post("f:retention.keep-last=7&f:backup.tags=laptop%2C+daily&f:backup.one-file-system=");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let saved = std::fs::read_to_string(&config).unwrap();
    assert_has(
        &saved,
        &[
            "# our backups, see the wiki",
            "keep-last = 7",
            "\"laptop\"",
            "\"daily\"",
            "[web.users.ann]",
        ],
    );
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&config).unwrap().permissions());
    assert_eq!(mode & 0o077, 0, "the file is no longer private: {mode:o}");
    // the server goes on with the file as saved
    let (status, page) = page_as(Auth::Cookie(&admin), "/settings?scope=repo:default&saved=1");
    assert_eq!(status, StatusCode::OK);
    assert_has(&page, &["Saved.", "value=\"7\""]);

    // a value that is not one: the page says what is wrong, and the file is left as it was
    let r = post("f:retention.keep-daily=lots");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_has(&r.text().unwrap(), &["lots"]);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), saved);
    // emptied: back to what it inherits
    let r = post("f:retention.keep-last=");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        !std::fs::read_to_string(&config)
            .unwrap()
            .contains("keep-last")
    );
}

#[test]
fn the_dashboard_shows_the_scheduler_and_an_operator_pauses_it() {
    let (w, config, token) = setup();
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("backup = \"manual\"", "backup = \"daily at 03:00\"", 1),
    )
    .unwrap();
    let _daemon = start_daemon(&w, &config);
    let web = start(&w, &config, &[]);

    let (status, schedule) = get_json(&web, &token, "/api/v1/schedule");
    assert_eq!(status, StatusCode::OK);
    let tasks = schedule["scheduler"]["tasks"]
        .as_array()
        .unwrap_or_else(|| panic!("{schedule}"));
    assert!(
        tasks
            .iter()
            .any(|t| t["repo"] == "default" && t["task"] == "backup" && t["next_run"].is_string()),
        "{schedule}"
    );
    let (_, repos) = get_json(&web, &token, "/api/v1/repos");
    let default = repos["repos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "default")
        .unwrap()
        .clone();
    assert!(default["next_backup"].is_string(), "{default}");
    let admin = log_in(&web, "ann", ADMIN_PASSWORD);
    let (_, _, page) = fetch(&client(), &format!("{}/", web.url), Auth::Cookie(&admin));
    assert_has(
        &String::from_utf8(page).unwrap(),
        &[
            "id=\"schedule\"",
            "next backup",
            "daily at 03:00",
            "Scheduled runs are on.",
        ],
    );

    // a viewer may not pause it; an operator may, and resume it
    let out = run(
        cli_with(&w, &config).args(["web", "token", "create", "look", "--role", "viewer"]),
        0,
    );
    let viewer = stdout(&out).trim().to_string();
    let pause = |tok: &str| {
        client()
            .post(format!("{}/api/v1/schedule/pause", web.url))
            .bearer_auth(tok)
            .json(&serde_json::json!({ "hours": 2 }))
            .send()
            .unwrap()
    };
    assert_eq!(pause(&viewer).status(), StatusCode::FORBIDDEN);
    assert_eq!(pause(&token).status(), StatusCode::OK);
    let (_, schedule) = get_json(&web, &token, "/api/v1/schedule");
    assert!(
        schedule["scheduler"]["paused_until"].is_string(),
        "{schedule}"
    );
    assert!(daemon_status(&w).unwrap()["paused_until"].is_string());
    let (_, _, page) = fetch(&client(), &format!("{}/", web.url), Auth::Cookie(&admin));
    assert_has(
        &String::from_utf8(page).unwrap(),
        &["paused until", "Resume"],
    );
    let r = client()
        .post(format!("{}/api/v1/schedule/resume", web.url))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, schedule) = get_json(&web, &token, "/api/v1/schedule");
    assert!(
        schedule["scheduler"]["paused_until"].is_null(),
        "{schedule}"
    );
}

/// One service on a headless machine: the scheduler serves the web interface
/// itself, and its pages and API speak of that very scheduler.
#[test]
fn the_scheduler_serves_the_web_interface_itself() {
    let (w, config, token) = setup();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let web = Web {
        url: url.clone(),
        child: w
            .std_cli()
            .arg("-c")
            .arg(&config)
            .args(["daemon", "run", "--grace", "1s", "--web"])
            .arg(format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(w.path("daemon.log")).unwrap())
            .spawn()
            .expect("the daemon starts"),
    };
    wait_for(&w, "the daemon's web interface answers", 30, || {
        client()
            .get(format!("{url}/healthz"))
            .send()
            .is_ok_and(|r| r.status() == StatusCode::OK)
    });
    let r = client()
        .get(format!("{url}/api/v1/schedule"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    let schedule = body_json(r);
    assert_eq!(
        schedule["scheduler"]["pid"].as_u64(),
        Some(u64::from(web.child.id())),
        "{schedule}"
    );
    // a backup started from its web interface runs
    let r = client()
        .post(format!("{url}/api/v1/repos/default/backup"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let id = body_json(r)["job"].as_str().unwrap().to_string();
    assert_eq!(wait_for_job(&web, &token, &id)["state"], "succeeded");
    // a finished job's page keeps what it logged
    let admin = log_in(&web, "ann", ADMIN_PASSWORD);
    let (_, _, page) = fetch(
        &client(),
        &format!("{}/jobs/{id}", web.url),
        Auth::Cookie(&admin),
    );
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains("<ul id=\"log\"><li"),
        "no log on the page:\n{page}"
    );
}
