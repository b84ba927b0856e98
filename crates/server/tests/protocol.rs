//! The fleet protocol against the server's routes, on SQLite and on a real
//! PostgreSQL (Debian's, started here on a temporary data folder): enrolment
//! tokens (spent, expired, revoked), signed requests (replayed, altered, another
//! machine's key, a skewed clock), sealed secrets (per group and per machine),
//! check-ins (reports stored once, commands delivered once and only to their
//! machine), revocation, and how machines are judged.

use std::{sync::Arc, time::Duration};

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use npbackup_fleet::protocol::{
    self, API, Action, CheckIn, CheckInReply, EnrolReply, EnrolRequest, JobReport, Keys, Provision,
    Refusal,
};
use npbackup_server::{alerts, api, fleet, store::Store, views};

#[path = "support/postgres.rs"]
mod postgres;
use postgres::start_postgres;
use tower::ServiceExt as _;

/// An HTTP endpoint on loopback that keeps the JSON bodies it receives.
struct HttpSink {
    port: u16,
    bodies: Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
}

impl HttpSink {
    fn start() -> HttpSink {
        use std::io::{BufRead as _, Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = bodies.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = std::io::BufReader::new(&stream);
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).is_ok() {
                    keep.lock()
                        .unwrap()
                        .push(serde_json::from_slice(&body).unwrap_or_default());
                }
                let _ = (&stream).write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            }
        });
        HttpSink { port, bodies }
    }

    fn bodies(&self) -> Vec<serde_json::Value> {
        self.bodies.lock().unwrap().clone()
    }
}

const TEMPLATE: &str = r#"
[groups.office.backup]
paths = ["/home"]

[repos.docs]
group = "office"
uri = "/srv/backups/${MACHINE_ID}"
password-fleet = "repo-password"

[repos.own]
uri = "/srv/own/${MACHINE_ID}"
password-fleet = "own-password"

[repos.own.backup]
paths = ["/etc"]
"#;

struct Fleet {
    store: Store,
    app: axum::Router,
}

impl Fleet {
    fn new(store: Store) -> Fleet {
        let server =
            Arc::new(api::Server::new(store.clone(), 60).with_wait(Duration::from_secs(3)));
        tokio::spawn(api::watch_commands(
            server.clone(),
            Duration::from_millis(100),
        ));
        let app = api::router(server);
        Fleet { store, app }
    }

    async fn call(&self, req: Request<Body>) -> (StatusCode, Vec<u8>) {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 24)
            .await
            .unwrap()
            .to_vec();
        (status, body)
    }

    async fn enrol(&self, token: &str, keys: &Keys) -> (StatusCode, Vec<u8>) {
        let body = serde_json::to_vec(&EnrolRequest {
            token: token.into(),
            sign_key: keys.sign_public(),
            box_key: keys.box_public(),
            hostname: "pc".into(),
            os: "linux x86_64".into(),
            version: "0.1.0".into(),
        })
        .unwrap();
        self.call(
            Request::post(format!("{API}/enrol"))
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    async fn enrolled(&self, token: &str, keys: &Keys) -> String {
        let (status, body) = self.enrol(token, keys).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice::<EnrolReply>(&body)
            .unwrap()
            .machine_id
    }
}

/// A signed request of `machine`, built as the client builds it.
fn signed(
    keys: &Keys,
    machine: &str,
    method: &str,
    route: &str,
    body: &[u8],
    time: i64,
) -> Request<Body> {
    let path = format!("{API}{route}");
    let mut b = Request::builder().method(method).uri(&path);
    for (name, value) in keys
        .sign_request(machine, method, &path, body, time)
        .unwrap()
    {
        b = b.header(name, value);
    }
    b.body(Body::from(body.to_vec())).unwrap()
}

fn now() -> i64 {
    fleet::now()
}

fn refusal(body: &[u8]) -> Refusal {
    serde_json::from_slice(body).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(body)))
}

fn report(id: &str, ok: bool) -> JobReport {
    JobReport {
        id: id.into(),
        repo: "docs".into(),
        action: "backup".into(),
        ok,
        state: if ok { 0 } else { 2 },
        finished_at: now(),
        exec_seconds: 2.0,
        warnings: 0,
        last_success: ok.then(now),
        backup: None,
        log_tail: String::new(),
    }
}

async fn checkin(f: &Fleet, keys: &Keys, machine: &str, c: &CheckIn) -> CheckInReply {
    let body = serde_json::to_vec(c).unwrap();
    let (status, answer) = f
        .call(signed(keys, machine, "POST", "/checkin", &body, now()))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    serde_json::from_slice(&answer).unwrap()
}

async fn exercise(store: Store) {
    let f = Fleet::new(store);
    let s = &f.store;

    // a template is checked before it is stored: TOML and schema, with file and line
    let e = fleet::set_group_config(s, "office", "[repos.docs]\nuri = \n", "office.toml")
        .await
        .unwrap_err();
    assert!(e.message.starts_with("office.toml:2"), "{e}");
    let e = fleet::set_group_config(
        s,
        "office",
        "[repos.docs]\nuri = \"/x\"\nnot-a-setting = 1\n",
        "office.toml",
    )
    .await
    .unwrap_err();
    assert!(e.message.contains("not-a-setting"), "{e}");
    // …and every secret it names must exist
    let e = fleet::set_group_config(s, "office", TEMPLATE, "office.toml")
        .await
        .unwrap_err();
    assert!(e.message.contains("repo-password"), "{e}");
    fleet::set_group_secret(s, "office", "repo-password", Some("the-group-password"))
        .await
        .unwrap();
    fleet::set_group_secret(s, "office", "own-password", None)
        .await
        .unwrap();
    let version = fleet::set_group_config(s, "office", TEMPLATE, "office.toml")
        .await
        .unwrap();
    assert!(version >= 1);

    // tokens: one use each, expiry, revocation
    let t1 = fleet::create_token(s, "office", Some(1), None)
        .await
        .unwrap();
    let ka = Keys::generate().unwrap();
    let a = f.enrolled(&t1.token, &ka).await;
    let kb = Keys::generate().unwrap();
    let (status, body) = f.enrol(&t1.token, &kb).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refusal(&body).kind, "token", "a spent token is useless");
    let expired = fleet::create_token(s, "office", None, Some(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(
        f.enrol(&expired.token, &kb).await.0,
        StatusCode::UNAUTHORIZED
    );
    let revoked = fleet::create_token(s, "office", None, None).await.unwrap();
    fleet::revoke_token(s, &revoked.info.id).await.unwrap();
    assert_eq!(
        f.enrol(&revoked.token, &kb).await.0,
        StatusCode::UNAUTHORIZED
    );
    let forged = format!("{}.{}", t1.info.id, "0".repeat(32));
    assert_eq!(f.enrol(&forged, &kb).await.0, StatusCode::UNAUTHORIZED);
    let t2 = fleet::create_token(s, "office", Some(5), Some(Duration::from_secs(3600)))
        .await
        .unwrap();
    let b = f.enrolled(&t2.token, &kb).await;
    assert_ne!(a, b);

    // the configuration, its secrets sealed to the machine's own key
    let get_config = signed(&ka, &a, "GET", "/config", b"", now());
    let (status, body) = f.call(get_config).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8_lossy(&body);
    assert!(
        !text.contains("the-group-password"),
        "a secret in clear: {text}"
    );
    let p: Provision = serde_json::from_slice(&body).unwrap();
    assert_eq!(p.version, version);
    assert!(
        p.config.contains("${MACHINE_ID}"),
        "variables are the machine's"
    );
    let open = |keys: &Keys, p: &Provision, name: &str| {
        let s = p.secrets.iter().find(|s| s.name == name).unwrap();
        String::from_utf8(keys.open(&s.sealed).unwrap()).unwrap()
    };
    assert_eq!(open(&ka, &p, "repo-password"), "the-group-password");
    assert!(kb.open(&p.secrets[0].sealed).is_err(), "sealed to A only");
    let (_, body) = f.call(signed(&kb, &b, "GET", "/config", b"", now())).await;
    let pb: Provision = serde_json::from_slice(&body).unwrap();
    let own_a = open(&ka, &p, "own-password");
    let own_b = open(&kb, &pb, "own-password");
    assert_ne!(own_a, own_b, "a generated secret is the machine's own");
    assert_eq!(own_a.len(), 48);
    assert_eq!(
        fleet::machine_secret(s, &a, "own-password").await.unwrap(),
        own_a
    );
    // …and stays the same the next time
    let (_, body) = f.call(signed(&ka, &a, "GET", "/config", b"", now())).await;
    let again: Provision = serde_json::from_slice(&body).unwrap();
    assert_eq!(open(&ka, &again, "own-password"), own_a);

    // per-machine overrides: merged over the group's template, a newer version
    let v2 = fleet::set_machine_config(
        s,
        &b,
        Some("[repos.own.backup]\npaths = [\"/srv\"]\n"),
        "b.toml",
    )
    .await
    .unwrap();
    assert!(v2 > version);
    let (_, body) = f.call(signed(&kb, &b, "GET", "/config", b"", now())).await;
    let pb: Provision = serde_json::from_slice(&body).unwrap();
    assert_eq!(pb.version, v2);
    assert!(
        pb.config.contains("/srv") && !pb.config.contains("\"/etc\""),
        "{}",
        pb.config
    );
    let (_, body) = f.call(signed(&ka, &a, "GET", "/config", b"", now())).await;
    let pa: Provision = serde_json::from_slice(&body).unwrap();
    assert_eq!(pa.version, version, "A is not B");
    let e = fleet::set_machine_config(s, &b, Some("[repos.own]\nbogus = 1\n"), "b.toml")
        .await
        .unwrap_err();
    assert!(e.message.contains("bogus"), "{e}");

    // replayed, altered, signed by another key, skewed: refused
    let body = serde_json::to_vec(&CheckIn::default()).unwrap();
    let first = signed(&ka, &a, "POST", "/checkin", &body, now());
    let (h, _) = first.into_parts();
    let replay = || {
        let mut r = Request::builder()
            .method("POST")
            .uri(format!("{API}/checkin"));
        for (k, v) in h.headers.iter() {
            r = r.header(k, v);
        }
        r
    };
    let (status, _) = f
        .call(replay().body(Body::from(body.clone())).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = f
        .call(replay().body(Body::from(body.clone())).unwrap())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refusal(&answer).kind, "replay");
    let altered = signed(&ka, &a, "POST", "/checkin", &body, now());
    let (h, _) = altered.into_parts();
    let mut r = Request::builder()
        .method("POST")
        .uri(format!("{API}/checkin"));
    for (k, v) in h.headers.iter() {
        r = r.header(k, v);
    }
    let (status, answer) = f
        .call(
            r.body(Body::from(b"{\"config_version\":99}".to_vec()))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refusal(&answer).kind, "signature");
    let (status, answer) = f.call(signed(&kb, &a, "GET", "/config", b"", now())).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "B's key cannot speak for A"
    );
    assert_eq!(refusal(&answer).kind, "signature");
    let (status, answer) = f
        .call(signed(&ka, &a, "GET", "/config", b"", now() - 900))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let r = refusal(&answer);
    assert_eq!(r.kind, "clock-skew");
    assert!(r.error.contains("behind"), "{}", r.error);
    let (status, _) = f
        .call(
            Request::get(format!("{API}/config"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "unsigned");

    // check-ins: reports stored once however often they are sent
    let c = CheckIn {
        hostname: "pc-a".into(),
        config_version: version,
        free_bytes: Some(5 << 30),
        reports: vec![report("r1", true)],
        minimum_backup_age: Some(3600),
        ..CheckIn::default()
    };
    let reply = checkin(&f, &ka, &a, &c).await;
    assert_eq!(reply.acknowledged, ["r1"]);
    assert_eq!(reply.config_version, version);
    let reply = checkin(&f, &ka, &a, &c).await;
    assert_eq!(reply.acknowledged, ["r1"]);
    assert_eq!(fleet::reports_of(s, &a, 10).await.unwrap().len(), 1);
    let m = fleet::machine_by_id(s, &a).await.unwrap();
    assert_eq!(m.hostname, "pc-a");
    assert_eq!(views::state_of(&m, now(), 60), views::MachineState::Ok);

    // commands: to their machine only, once, with their result coming back; a
    // machine waiting for one (long-poll) hears of it at once
    let wait = |keys: &Keys, machine: &str| {
        let (app, req) = (
            f.app.clone(),
            signed(keys, machine, "GET", "/wait", b"", now()),
        );
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let resp = app.oneshot(req).await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .unwrap();
            let reply: protocol::WaitReply = serde_json::from_slice(&body).unwrap();
            (reply.pending, started.elapsed())
        })
    };
    let (wait_a, wait_b) = (wait(&ka, &a), wait(&kb, &b));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let machines = fleet::machines(s).await.unwrap();
    let only_a: Vec<_> = machines.iter().filter(|m| m.id == a).cloned().collect();
    let queued = fleet::run_now(s, &only_a, Action::Backup, Some("docs"))
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    let (pending, took) = wait_a.await.unwrap();
    assert!(pending, "A is told a command waits");
    assert!(
        took < Duration::from_secs(2),
        "within the watch's period: {took:?}"
    );
    let (pending, took) = wait_b.await.unwrap();
    assert!(!pending, "B waits its time out: nothing is queued for it");
    assert!(took >= Duration::from_secs(3), "{took:?}");
    // a command already waiting answers at once
    let (pending, took) = wait(&ka, &a).await.unwrap();
    assert!(pending && took < Duration::from_secs(1), "{took:?}");
    let reply_b = checkin(&f, &kb, &b, &CheckIn::default()).await;
    assert!(reply_b.commands.is_empty(), "B sees none of A's commands");
    assert_eq!(reply_b.config_version, v2);
    let reply = checkin(&f, &ka, &a, &CheckIn::default()).await;
    assert_eq!(reply.commands.len(), 1);
    assert_eq!(reply.commands[0].action, Action::Backup);
    assert_eq!(reply.commands[0].repo.as_deref(), Some("docs"));
    let reply = checkin(
        &f,
        &ka,
        &a,
        &CheckIn {
            results: vec![protocol::CommandResult {
                id: queued[0].1.clone(),
                ok: false,
                message: "backup failed".into(),
                finished_at: now(),
            }],
            reports: vec![report("r2", false)],
            ..CheckIn::default()
        },
    )
    .await;
    assert!(reply.commands.is_empty(), "delivered once");
    let cmds = fleet::commands_of(s, &a, 10).await.unwrap();
    assert_eq!(cmds[0].ok, Some(false));
    let m = fleet::machine_by_id(s, &a).await.unwrap();
    assert_eq!(views::state_of(&m, now(), 60), views::MachineState::Failed);

    // the fleet's views
    let list: Vec<_> = fleet::machines(s)
        .await
        .unwrap()
        .iter()
        .map(|m| views::MachineView::of(m, now(), 60))
        .collect();
    let metrics = views::metrics(&list);
    assert!(
        metrics.contains("npbackup_fleet_machines{state=\"failed\"} 1"),
        "{metrics}"
    );

    // alerts: A became failed, told once by webhook; back to ok, told it recovered
    let sink = HttpSink::start();
    let settings: alerts::AlertSettings = toml::from_str(&format!(
        "[[webhooks]]\nurl = \"http://127.0.0.1:{}/hook?token=s3cret\"\nretries = 0\n",
        sink.port
    ))
    .unwrap();
    let alerting = alerts::Alerts::resolve(&settings).unwrap().unwrap();
    let server = api::Server::new(s.clone(), 60);
    let sent = alerts::look(&server, &alerting).await.unwrap();
    assert_eq!(
        sent,
        [(a.clone(), "failed".to_string())],
        "B is fine: no alert"
    );
    let got = sink.bodies();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["event"], "machine-failed");
    assert_eq!(got[0]["machine"], a.as_str());
    assert_eq!(got[0]["hostname"], "pc-a");
    assert_eq!(got[0]["previous_state"], "");
    assert!(
        alerts::look(&server, &alerting).await.unwrap().is_empty(),
        "once"
    );
    assert!(
        !fleet::record_alerted_state(s, &a, "ok", "failed")
            .await
            .unwrap(),
        "a second server on the store does not record (nor send) it again"
    );
    checkin(
        &f,
        &ka,
        &a,
        &CheckIn {
            reports: vec![report("r3", true)],
            ..CheckIn::default()
        },
    )
    .await;
    let sent = alerts::look(&server, &alerting).await.unwrap();
    assert_eq!(sent, [(a.clone(), "recovered".to_string())]);
    assert_eq!(sink.bodies()[1]["state"], "ok");

    // a revoked machine's next request is refused
    fleet::revoke_machine(s, &a).await.unwrap();
    let (status, answer) = f.call(signed(&ka, &a, "GET", "/config", b"", now())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refusal(&answer).kind, "revoked");
    let (status, answer) = f
        .call(signed(&ka, "m-nobody", "GET", "/config", b"", now()))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refusal(&answer).kind, "unknown-machine");
    assert!(fleet::prune_nonces(s).await.is_ok());
}

#[tokio::test]
async fn the_protocol_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("fleet.db").display()
    );
    exercise(Store::open(&url).await.unwrap()).await;
    // opening again applies no migration twice
    Store::open(&url).await.unwrap();
}

#[tokio::test]
async fn the_protocol_on_postgresql() {
    let pg = start_postgres();
    // the server may be listening before it accepts logins
    let mut store = None;
    for _ in 0..50 {
        match Store::open(&pg.url).await {
            Ok(s) => {
                store = Some(s);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let store = store.expect("PostgreSQL accepts no connection");
    exercise(store).await;
    Store::open(&pg.url).await.unwrap();
}
