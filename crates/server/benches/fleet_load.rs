//! The fleet server under a fleet: a real `npbackup-server` process (SQLite, and a
//! real PostgreSQL started on a temporary folder) and N simulated machines that
//! enrol, fetch their configuration (a sealed secret each), check in with a job
//! report every `--interval` seconds for `--duration` (phases spread over the
//! interval, as jittered clients are), then all at once to find how many check-ins
//! a second the server answers, receive a run-now command and send its result, as
//! `npbackup-cli fleet` does, over loopback HTTP. It measures each request's latency (client side), the
//! server's peak memory (VmHWM) and the administrator's list, CSV and metrics with
//! every machine in them, and checks every answer (every report acknowledged,
//! every command delivered once).
//!
//! ```sh
//! cargo bench -p npbackup-server --bench fleet_load -- [--machines 1000] [--interval 60]
//!     [--duration 300] [--concurrency 64] [--store sqlite|postgres|both]
//! ```
//!
//! `scripts/bench-fleet` runs it and keeps its table. Both ends share this
//! machine's cores: the latencies include the simulated machines' own signing.
//! Under `cargo test --all-targets` it runs as a smoke test: 12 machines for 2 s.

#[path = "../tests/support/postgres.rs"]
mod postgres;

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use npbackup_fleet::protocol::{
    API, Action, BackupFacts, CheckIn, CheckInReply, CommandResult, EnrolReply, EnrolRequest,
    JobReport, Keys, Provision,
};

type Res<T> = Result<T, String>;

struct Options {
    machines: usize,
    interval: Duration,
    duration: Duration,
    concurrency: usize,
    stores: Vec<&'static str>,
}

fn options() -> Res<Options> {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this as a short
    // smoke test of the same paths (a few machines for a few seconds)
    let benching = std::env::args().any(|a| a == "--bench");
    let mut o = if benching {
        Options {
            machines: 1000,
            interval: Duration::from_secs(60),
            duration: Duration::from_secs(300),
            concurrency: 64,
            stores: vec!["sqlite", "postgres"],
        }
    } else {
        Options {
            machines: 12,
            interval: Duration::from_secs(1),
            duration: Duration::from_secs(2),
            concurrency: 4,
            stores: vec!["sqlite", "postgres"],
        }
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--machines" => o.machines = num(&value("--machines")?)?,
            "--interval" => {
                o.interval = Duration::from_secs(num(&value("--interval")?)?.max(1) as u64)
            }
            "--duration" => o.duration = Duration::from_secs(num(&value("--duration")?)? as u64),
            "--concurrency" => o.concurrency = num(&value("--concurrency")?)?.max(1),
            "--store" => {
                o.stores = match value("--store")?.as_str() {
                    "sqlite" => vec!["sqlite"],
                    "postgres" => vec!["postgres"],
                    "both" => vec!["sqlite", "postgres"],
                    other => return Err(format!("--store {other}: sqlite, postgres or both")),
                }
            }
            // what cargo bench passes to every bench target
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

fn num(s: &str) -> Res<usize> {
    s.parse().map_err(|_| format!("'{s}' is not a number"))
}

/// Latencies of one kind of request, milliseconds.
#[derive(Default)]
struct Latencies(Vec<f64>);

impl Latencies {
    fn pct(&self, p: f64) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return 0.0;
        }
        let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
        v[i.min(v.len() - 1)]
    }

    fn summary(&self) -> String {
        format!(
            "{:.1} / {:.1} / {:.1}",
            self.pct(50.0),
            self.pct(99.0),
            self.pct(100.0)
        )
    }
}

struct Machine {
    id: String,
    keys: Keys,
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const BIN: &str = env!("CARGO_BIN_EXE_npbackup-server");

const TEMPLATE: &str = r#"
[groups.office.backup]
paths = ["/home"]

[repos.docs]
group = "office"
uri = "/srv/backups/${MACHINE_ID}"
password-fleet = "repo-password"
"#;

fn admin_cli(data: &Path, args: &[&str], stdin: Option<&str>) -> Res<String> {
    use std::io::Write as _;
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {BIN}: {e}"))?;
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.unwrap_or("").as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "npbackup-server {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `init` (retried while a fresh PostgreSQL still refuses logins), a group with its
/// template and secret, a token for every machine; then `serve` on a free port.
fn start_server(
    data: &Path,
    database: Option<&str>,
    machines: usize,
) -> Res<(Server, String, String)> {
    let mut init = vec!["--json", "init", "--checkin-minutes", "5"];
    if let Some(db) = database {
        init.extend(["--database", db]);
    }
    let mut last = String::new();
    let mut answer = None;
    for _ in 0..50 {
        match admin_cli(data, &init, None) {
            Ok(a) => {
                answer = Some(a);
                break;
            }
            Err(e) => {
                last = e;
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
    let answer = answer.ok_or(last)?;
    let init: serde_json::Value = serde_json::from_str(&answer).map_err(|e| e.to_string())?;
    let password = init["password"]
        .as_str()
        .ok_or("init printed no password")?
        .to_string();
    let template = data.join("office.toml");
    std::fs::write(&template, TEMPLATE).map_err(|e| e.to_string())?;
    admin_cli(
        data,
        &["secret", "generate", "office", "repo-password"],
        None,
    )?;
    admin_cli(
        data,
        &["group", "set-config", "office", &template.to_string_lossy()],
        None,
    )?;
    let token: serde_json::Value = serde_json::from_str(&admin_cli(
        data,
        &[
            "--json",
            "token",
            "create",
            "--group",
            "office",
            "--uses",
            &machines.to_string(),
        ],
        None,
    )?)
    .map_err(|e| e.to_string())?;
    let token = token["token"].as_str().ok_or("no token")?.to_string();

    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
        .map_err(|e| e.to_string())?;
    let url = line
        .split_whitespace()
        .last()
        .filter(|u| u.starts_with("http"))
        .ok_or(format!("serve said: {line}"))?
        .to_string();
    Ok((Server { child, url }, password, token))
}

fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

async fn signed(
    http: &reqwest::Client,
    base: &str,
    m: &Machine,
    method: &str,
    route: &str,
    body: Vec<u8>,
) -> Res<(f64, Vec<u8>)> {
    let path = format!("{API}{route}");
    let started = Instant::now();
    let mut req = match method {
        "GET" => http.get(format!("{base}{path}")),
        _ => http.post(format!("{base}{path}")),
    };
    for (name, value) in m.keys.sign_request(&m.id, method, &path, &body, now())? {
        req = req.header(name, value);
    }
    let resp = req
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("{route}: {e}"))?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?.to_vec();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if !status.is_success() {
        return Err(format!(
            "{route} of {}: {status} {}",
            m.id,
            String::from_utf8_lossy(&bytes)
        ));
    }
    Ok((ms, bytes))
}

/// Runs `task` for every machine, `concurrency` at a time; their latencies.
async fn each<F, Fut>(
    machines: &Arc<Vec<Machine>>,
    concurrency: usize,
    task: F,
) -> Res<(Latencies, Duration)>
where
    F: Fn(Arc<Vec<Machine>>, usize) -> Fut,
    Fut: std::future::Future<Output = Res<f64>> + Send + 'static,
{
    let started = Instant::now();
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..machines.len() {
        let permit = limit
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        let fut = task(machines.clone(), i);
        set.spawn(async move {
            let r = fut.await;
            drop(permit);
            r
        });
    }
    let mut lat = Latencies::default();
    while let Some(r) = set.join_next().await {
        lat.0.push(r.map_err(|e| e.to_string())??);
    }
    Ok((lat, started.elapsed()))
}

fn report(round: usize, machine: &str) -> JobReport {
    JobReport {
        id: format!("{machine}-r{round}"),
        repo: "docs".into(),
        action: "backup".into(),
        ok: true,
        state: 0,
        finished_at: now(),
        exec_seconds: 42.0,
        warnings: 0,
        last_success: Some(now()),
        backup: Some(BackupFacts {
            snapshot_id: Some(format!("{round:08x}")),
            files_new: 12,
            files_changed: 3,
            files_unmodified: 28_007,
            total_files_processed: 28_022,
            total_bytes_processed: 7 << 30,
            data_added: 40 << 20,
            data_added_packed: 21 << 20,
        }),
        log_tail: "backup finished".into(),
    }
}

/// One check-in with one job report, which must come back acknowledged.
async fn checkin(
    http: &reqwest::Client,
    base: &str,
    m: &Machine,
    i: usize,
    round: usize,
) -> Res<f64> {
    let c = CheckIn {
        hostname: format!("pc-{i:04}"),
        os: "linux x86_64".into(),
        version: "0.1.0".into(),
        free_bytes: Some(100 << 30),
        config_version: 1,
        minimum_backup_age: Some(86_400),
        reports: vec![report(round, &m.id)],
        ..CheckIn::default()
    };
    let body = serde_json::to_vec(&c).map_err(|e| e.to_string())?;
    let (t, answer) = signed(http, base, m, "POST", "/checkin", body).await?;
    let reply: CheckInReply = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
    if reply.acknowledged != [format!("{}-r{round}", m.id)] {
        return Err(format!("{}: acknowledged {:?}", m.id, reply.acknowledged));
    }
    Ok(t)
}

async fn admin_get(http: &reqwest::Client, url: &str, password: &str) -> Res<(f64, usize)> {
    let started = Instant::now();
    let resp = http
        .get(url)
        .basic_auth("admin", Some(password))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{url}: {status}"));
    }
    Ok((started.elapsed().as_secs_f64() * 1000.0, body.len()))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

struct Row {
    store: &'static str,
    enrol: Latencies,
    provision: Latencies,
    checkin: Latencies,
    rss_paced: f64,
    checkins_per_second: f64,
    commands: Latencies,
    dashboard_ms: f64,
    dashboard_bytes: usize,
    list_ms: f64,
    list_bytes: usize,
    csv_ms: f64,
    metrics_ms: f64,
    rss_mib: f64,
}

async fn run(store: &'static str, o: &Options) -> Res<Row> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let pg = (store == "postgres").then(postgres::start_postgres);
    let data = dir.path().join("server");
    let (server, password, token) =
        start_server(&data, pg.as_ref().map(|p| p.url.as_str()), o.machines)?;
    let base = server.url.clone();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(o.concurrency)
        .build()
        .map_err(|e| e.to_string())?;

    // enrolment: each machine makes its keys, as the client does
    let mut enrol = Latencies::default();
    let mut machines = Vec::with_capacity(o.machines);
    {
        let limit = Arc::new(tokio::sync::Semaphore::new(o.concurrency));
        let mut set = tokio::task::JoinSet::new();
        for i in 0..o.machines {
            let permit = limit
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| e.to_string())?;
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            set.spawn(async move {
                let keys = Keys::generate()?;
                let body = serde_json::to_vec(&EnrolRequest {
                    token,
                    sign_key: keys.sign_public(),
                    box_key: keys.box_public(),
                    hostname: format!("pc-{i:04}"),
                    os: "linux x86_64".into(),
                    version: "0.1.0".into(),
                })
                .map_err(|e| e.to_string())?;
                let started = Instant::now();
                let resp = http
                    .post(format!("{base}{API}/enrol"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = resp.status();
                let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                drop(permit);
                if !status.is_success() {
                    return Err(format!(
                        "enrol: {status} {}",
                        String::from_utf8_lossy(&bytes)
                    ));
                }
                let reply: EnrolReply =
                    serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
                Ok::<_, String>((
                    ms,
                    Machine {
                        id: reply.machine_id,
                        keys,
                    },
                ))
            });
        }
        while let Some(r) = set.join_next().await {
            let (ms, m) = r.map_err(|e| e.to_string())??;
            enrol.0.push(ms);
            machines.push(m);
        }
    }
    let machines = Arc::new(machines);

    // provisioning: the template and a secret sealed to each machine, which opens it
    let (provision, _) = each(&machines, o.concurrency, |ms, i| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let m = &ms[i];
            let (t, body) = signed(&http, &base, m, "GET", "/config", Vec::new()).await?;
            let p: Provision = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            let secret = p.secrets.first().ok_or("no secret provisioned")?;
            m.keys.open(&secret.sealed)?;
            Ok(t)
        }
    })
    .await?;

    // the fleet's life: every machine checks in every `interval` (at its own phase,
    // as jittered clients do) for `duration`, a job report each time, each acknowledged
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..machines.len() {
        let (http, base, ms) = (http.clone(), base.clone(), machines.clone());
        let (interval, duration) = (o.interval, o.duration);
        let phase = interval.mul_f64(i as f64 / machines.len() as f64);
        set.spawn(async move {
            let mut lat = Vec::new();
            let mut round = 0;
            loop {
                let at = phase + interval * round as u32;
                if at >= duration {
                    return Ok::<_, String>(lat);
                }
                tokio::time::sleep_until((started + at).into()).await;
                lat.push(checkin(&http, &base, &ms[i], i, round).await?);
                round += 1;
            }
        });
    }
    let mut checkin_lat = Latencies::default();
    while let Some(r) = set.join_next().await {
        checkin_lat.0.extend(r.map_err(|e| e.to_string())??);
    }
    let rss_paced = peak_rss_mib(server.child.id());

    // then as fast as the server answers: every machine at once, `concurrency` at a time
    let (_, took) = each(&machines, o.concurrency, |ms, i| {
        let (http, base) = (http.clone(), base.clone());
        async move { checkin(&http, &base, &ms[i], i, 1_000_000).await }
    })
    .await?;
    let checkins_per_second = machines.len() as f64 / took.as_secs_f64();

    // run-now for the whole group: each machine receives it once and answers
    admin_cli(&data, &["run-now", "--group", "office", "backup"], None)?;
    let (commands, _) = each(&machines, o.concurrency, |ms, i| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let m = &ms[i];
            let c = CheckIn {
                hostname: format!("pc-{i:04}"),
                config_version: 1,
                ..CheckIn::default()
            };
            let body = serde_json::to_vec(&c).map_err(|e| e.to_string())?;
            let (t1, answer) = signed(&http, &base, m, "POST", "/checkin", body).await?;
            let reply: CheckInReply = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
            let [command] = reply.commands.as_slice() else {
                return Err(format!("{}: commands {:?}", m.id, reply.commands));
            };
            if command.action != Action::Backup {
                return Err(format!("{}: {:?}", m.id, command.action));
            }
            let c = CheckIn {
                hostname: format!("pc-{i:04}"),
                config_version: 1,
                results: vec![CommandResult {
                    id: command.id.clone(),
                    ok: true,
                    message: "backup finished".into(),
                    finished_at: now(),
                }],
                ..CheckIn::default()
            };
            let body = serde_json::to_vec(&c).map_err(|e| e.to_string())?;
            let (t2, _) = signed(&http, &base, m, "POST", "/checkin", body).await?;
            Ok(t1 + t2)
        }
    })
    .await?;

    let mut list = Vec::new();
    let mut csv = Vec::new();
    let mut metrics = Vec::new();
    let mut list_bytes = 0;
    for _ in 0..5 {
        let (t, n) = admin_get(&http, &format!("{base}/admin/v1/machines"), &password).await?;
        list.push(t);
        list_bytes = n;
        csv.push(
            admin_get(
                &http,
                &format!("{base}/admin/v1/machines?format=csv"),
                &password,
            )
            .await?
            .0,
        );
        metrics.push(
            admin_get(&http, &format!("{base}/metrics"), &password)
                .await?
                .0,
        );
    }
    // the dashboard as an administrator sees it: logged in once, then the page of
    // every machine (its session spares it the password check of each request)
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let login = browser
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            form_urlencoded::Serializer::new(String::new())
                .append_pair("user", "admin")
                .append_pair("password", &password)
                .finish(),
        )
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or(format!("the dashboard's login answered {}", login.status()))?
        .to_string();
    let mut dashboard = Vec::new();
    let mut dashboard_bytes = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let page = browser
            .get(format!("{base}/"))
            .header("cookie", &cookie)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !page.status().is_success() {
            return Err(format!("the dashboard answered {}", page.status()));
        }
        let body = page.text().await.map_err(|e| e.to_string())?;
        dashboard.push(started.elapsed().as_secs_f64() * 1000.0);
        dashboard_bytes = body.len();
        if body.matches("<tr>").count() != o.machines + 1 {
            return Err(format!(
                "the dashboard shows {} rows, not {}",
                body.matches("<tr>").count() - 1,
                o.machines
            ));
        }
    }
    let listed: usize = admin_cli(&data, &["--json", "clients"], None)
        .ok()
        .and_then(|s| serde_json::from_str::<Vec<serde_json::Value>>(&s).ok())
        .map_or(0, |v| v.len());
    if listed != o.machines {
        return Err(format!(
            "clients lists {listed} machines, not {}",
            o.machines
        ));
    }
    let rss_mib = peak_rss_mib(server.child.id());
    drop(server);
    drop(pg);
    Ok(Row {
        store,
        enrol,
        provision,
        checkin: checkin_lat,
        rss_paced,
        checkins_per_second,
        commands,
        dashboard_ms: median(dashboard),
        dashboard_bytes,
        list_ms: median(list),
        list_bytes,
        csv_ms: median(csv),
        metrics_ms: median(metrics),
        rss_mib,
    })
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("fleet_load: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "{} machines checking in every {} s for {} s, then all at once {} at a time; latencies p50 / p99 / max in ms\n",
        o.machines,
        o.interval.as_secs(),
        o.duration.as_secs(),
        o.concurrency
    );
    println!(
        "| store | enrol | configuration | check-in with a report | server RSS then | check-ins/s at full speed | run-now round trip | dashboard page (median of 5) | JSON list, CSV, metrics with Basic auth (median of 5) | server peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut failed = false;
    for store in o.stores.clone() {
        match run(store, &o).await {
            Ok(r) => println!(
                "| {} | {} | {} | {} ({} check-ins) | {:.0} MiB | {:.0} | {} | {:.0} ms ({} kB) | {:.0} ms ({} kB), {:.0} ms, {:.0} ms | {:.0} MiB |",
                r.store,
                r.enrol.summary(),
                r.provision.summary(),
                r.checkin.summary(),
                r.checkin.0.len(),
                r.rss_paced,
                r.checkins_per_second,
                r.commands.summary(),
                r.dashboard_ms,
                r.dashboard_bytes / 1000,
                r.list_ms,
                r.list_bytes / 1000,
                r.csv_ms,
                r.metrics_ms,
                r.rss_mib
            ),
            Err(e) => {
                eprintln!("fleet_load on {store}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
