//! The web interface end to end: `npbackup-cli web` on loopback, real HTTP
//! requests, real job processes behind them. Accounts are made with the CLI, as
//! an administrator would, and nothing secret may show up anywhere after.

mod common;

use std::{
    io::{BufRead, BufReader, Read},
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
    let mut child = w
        .std_cli()
        .arg("-c")
        .arg(config)
        .args(["web", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(w.path("web.log")).unwrap())
        .spawn()
        .expect("start web");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Web { child, url }
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
    assert_has(&page, &["<progress", "backup of default"]);

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
        w.cli()
            .arg("-c")
            .arg(&config)
            .args(["web", "user", "remove", "vic"]),
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
        w.cli()
            .arg("-c")
            .arg(&config)
            .args(["web", "--listen", "0.0.0.0:0"]),
        2,
    );
    assert_has(&stderr(&out), &["0.0.0.0:0", "TLS", "--insecure-http"]);
    // a configuration others can read
    let mut perms = std::fs::metadata(&config).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o644);
    std::fs::set_permissions(&config, perms).unwrap();
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&config)
            .args(["web", "--listen", "127.0.0.1:0"]),
        2,
    );
    assert_has(&stderr(&out), &["chmod 600"]);
    // a bad address, a short password, a name that is not one
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&config)
            .args(["web", "--listen", "localhost"]),
        2,
    );
    assert_has(&stderr(&out), &["`localhost` is not an address"]);
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&config)
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
        w.cli()
            .arg("-c")
            .arg(&config)
            .args(["web", "user", "add", "a b", "--role", "boss"]),
        2,
    );
    assert_has(&stderr(&out), &["boss"]);
}
