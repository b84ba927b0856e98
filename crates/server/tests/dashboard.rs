//! The administrators' dashboard, in-process on SQLite: no page without a login,
//! wrong passwords refused and throttled, the machine list with its states,
//! search, filters and CSV, a machine's page with its history and last log (text
//! from machines escaped), run-now and revoke only with the session's CSRF
//! token, and a logout that ends the session.

use std::{net::SocketAddr, sync::Arc};

use axum::{
    body::Body,
    extract::connect_info::MockConnectInfo,
    http::{Request, StatusCode, header},
};
use npbackup_common::secret::Secret;
use npbackup_fleet::protocol::{BackupFacts, CheckIn, EnrolRequest, JobReport, Keys};
use npbackup_server::{admins, api, fleet, store::Store};
use npbackup_web::Peer;
use tower::ServiceExt as _;

const PASSWORD: &str = "dashboard-password-1";

struct Dash {
    app: axum::Router,
}

struct Answer {
    status: StatusCode,
    location: String,
    cookie: Option<String>,
    body: String,
}

impl Dash {
    async fn send(&self, req: Request<Body>) -> Answer {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let (status, location, set_cookie) = (
            resp.status(),
            header(header::LOCATION),
            header(header::SET_COOKIE),
        );
        let cookie = set_cookie
            .split(';')
            .next()
            .filter(|c| c.starts_with("npbackup_fleet_session=") && c.len() > 30)
            .map(str::to_string);
        let body = axum::body::to_bytes(resp.into_body(), 1 << 24)
            .await
            .unwrap();
        Answer {
            status,
            location,
            cookie,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut b = Request::get(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    async fn post(&self, path: &str, cookie: Option<&str>, form: &str) -> Answer {
        let mut b =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(form.to_string())).unwrap())
            .await
    }

    async fn login(&self, user: &str, password: &str) -> Answer {
        self.post(
            "/login",
            None,
            &form_urlencoded::Serializer::new(String::new())
                .append_pair("user", user)
                .append_pair("password", password)
                .finish(),
        )
        .await
    }
}

/// The CSRF token in a page's forms.
fn csrf_of(page: &str) -> String {
    let at = page.find("csrf=").expect("a form with a CSRF token") + 5;
    // URL-safe base64: letters, digits, '-' and '_', up to the attribute's end
    page[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn enrol(store: &Store, hostname: &str) -> String {
    let token = fleet::create_token(store, "office", Some(1), None)
        .await
        .unwrap();
    let keys = Keys::generate().unwrap();
    fleet::enrol(
        store,
        &EnrolRequest {
            token: token.token,
            sign_key: keys.sign_public(),
            box_key: keys.box_public(),
            hostname: hostname.into(),
            os: "linux x86_64".into(),
            version: "0.1.0".into(),
        },
        60,
    )
    .await
    .unwrap()
    .machine_id
}

async fn report(store: &Store, machine: &str, id: &str, ok: bool, log: &str) {
    let m = fleet::machine_by_id(store, machine).await.unwrap();
    let now = fleet::now();
    fleet::checkin(
        store,
        &m,
        &CheckIn {
            reports: vec![JobReport {
                id: id.into(),
                repo: "docs".into(),
                action: "backup".into(),
                ok,
                state: if ok { 0 } else { 2 },
                finished_at: now,
                exec_seconds: 12.5,
                warnings: 0,
                last_success: ok.then_some(now),
                backup: ok.then(|| BackupFacts {
                    snapshot_id: Some("1234abcd".into()),
                    files_new: 3,
                    files_changed: 1,
                    files_unmodified: 10,
                    total_files_processed: 14,
                    total_bytes_processed: 5 << 20,
                    data_added: 1 << 20,
                    data_added_packed: 1 << 19,
                }),
                log_tail: log.into(),
            }],
            ..CheckIn::default()
        },
        60,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_dashboard_shows_the_fleet_to_its_administrators_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("fleet.db").display()
    ))
    .await
    .unwrap();
    admins::set(&store, "admin", &Secret::new(PASSWORD))
        .await
        .unwrap();
    let good = enrol(&store, "pc-good").await;
    let bad = enrol(&store, "pc-<b>bad</b>").await;
    report(&store, &good, "g1", true, "").await;
    report(
        &store,
        &bad,
        "b1",
        false,
        "error: the repository is locked <by pc-x>",
    )
    .await;
    let peer: SocketAddr = "127.0.0.1:50000".parse().unwrap();
    let d = Dash {
        app: api::router(Arc::new(api::Server::new(store.clone(), 60)))
            .layer(MockConnectInfo(Peer(peer))),
    };

    // nothing without a login
    for path in ["/", "/machines.csv", &format!("/machines/{good}")] {
        let a = d.get(path, None).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(a.location, "/login");
    }
    let a = d
        .post(&format!("/machines/{good}/run/backup"), None, "")
        .await;
    assert_eq!(a.location, "/login");
    assert!(
        fleet::commands_of(&store, &good, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let a = d.get("/login", None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.body.contains("/static/style.css"),
        "the web interface's look"
    );

    // wrong passwords are refused, then throttled (even the right one)
    let a = d.login("admin", "wrong").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.cookie.is_none());
    assert!(a.body.contains("Wrong administrator name or password"));
    for _ in 0..5 {
        assert_eq!(
            d.login("mallory", "guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        d.login("mallory", "guess").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    let a = d.login("admin", PASSWORD).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let cookie = a.cookie.expect("a session cookie");
    let c = Some(cookie.as_str());

    // the list: every machine, the failed one first, its name escaped
    let a = d.get("/", c).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("pc-good"), "{}", a.body);
    assert!(a.body.contains("pc-&lt;b&gt;bad&lt;/b&gt;"), "{}", a.body);
    assert!(!a.body.contains("<b>bad</b>"));
    assert!(a.body.contains("1 failed") && a.body.contains("1 ok"));
    assert!(
        a.body.find("pc-&lt;b&gt;").unwrap() < a.body.find("pc-good").unwrap(),
        "the failed machine comes first"
    );
    // search and filters
    let a = d.get("/?q=good", c).await;
    assert!(a.body.contains("pc-good") && !a.body.contains("pc-&lt;b&gt;bad"));
    let a = d.get("/?state=failed", c).await;
    assert!(!a.body.contains(">pc-good<") && a.body.contains("pc-&lt;b&gt;bad"));
    assert!(a.body.contains("1 of 2 machines"));
    let a = d.get("/machines.csv?state=ok", c).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body.lines().count(), 2, "{}", a.body);
    assert!(a.body.contains("pc-good"));

    // a machine's page: facts, history, last log (escaped)
    let a = d.get(&format!("/machines/{bad}"), c).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("failed"));
    assert!(
        a.body.contains("the repository is locked &lt;by pc-x&gt;"),
        "{}",
        a.body
    );
    let a = d.get(&format!("/machines/{good}"), c).await;
    assert!(
        a.body.contains("5.2 MB") || a.body.contains("5.0 MiB"),
        "{}",
        a.body
    );
    assert_eq!(
        d.get("/machines/m-nosuch", c).await.status,
        StatusCode::NOT_FOUND
    );

    // run-now and revoke need the session's CSRF token
    let csrf = csrf_of(&a.body);
    let a = d.post(&format!("/machines/{good}/run/backup"), c, "").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = d
        .post(&format!("/machines/{good}/run/backup?csrf=forged"), c, "")
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(
        fleet::commands_of(&store, &good, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let a = d
        .post(&format!("/machines/{good}/run/backup?csrf={csrf}"), c, "")
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let cmds = fleet::commands_of(&store, &good, 10).await.unwrap();
    assert_eq!(cmds.len(), 1);
    assert_eq!(cmds[0].action, "backup");
    let a = d
        .post(
            &format!("/machines/{good}/run/format-disk?csrf={csrf}"),
            c,
            "",
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = d.get(&format!("/machines/{good}"), c).await;
    assert!(a.body.contains("waiting"), "the command is shown");
    let a = d.get(&format!("/machines/{bad}/revoke"), c).await;
    assert!(
        a.body.contains("will be refused"),
        "asked first: {}",
        a.body
    );
    assert!(
        fleet::machine_by_id(&store, &bad)
            .await
            .unwrap()
            .revoked_at
            .is_none()
    );
    let a = d
        .post(&format!("/machines/{bad}/revoke?csrf={csrf}"), c, "")
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let m = fleet::machine_by_id(&store, &bad).await.unwrap();
    assert!(m.revoked_at.is_some());
    let a = d.get(&format!("/machines/{bad}"), c).await;
    assert!(a.body.contains("revoked"));

    // logging out ends the session
    let a = d.post(&format!("/logout?csrf={csrf}"), c, "").await;
    assert_eq!(a.location, "/login");
    assert_eq!(d.get("/", c).await.location, "/login");
}
