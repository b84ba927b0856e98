//! Monitoring against real receivers on loopback: the node_exporter textfile
//! parsed back by a Prometheus text parser, Debian's real push gateway (scraped
//! after the push; a dead primary falls back to the next), basic authentication,
//! and healthchecks-style pings with the log on failure. A monitoring failure is a
//! warning, never a failed backup.

mod common;

use std::{collections::HashMap, path::Path, process::Command};

use common::*;

fn config(w: &World, monitoring: &str) -> std::path::PathBuf {
    let src = w.path("src");
    make_tree(&src, false);
    let repo = w.path("repo");
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);
    w.config(&format!(
        r#"
[identity]
machine-id = "pc-42"
tenant = "acme"

[groups.office.backup]
paths = ["{src}"]

[groups.office.monitoring]
labels = {{ site = "paris" }}
{monitoring}

[repos.docs]
group = "office"
uri = "{repo}"
password-file = "{pw}"
"#,
        src = src.display(),
        repo = repo.display(),
        pw = w.password_file().display()
    ))
}

/// Replaces `from` with `to` in the config file.
fn edit(cfg: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(cfg).unwrap();
    assert!(text.contains(from), "{from:?} not in the config");
    std::fs::write(cfg, text.replace(from, to)).unwrap();
}

fn cli(w: &World, cfg: &Path) -> assert_cmd::Command {
    let mut c = w.cli();
    c.arg("-c").arg(cfg);
    c
}

/// Samples of `text` by metric name, each with its labels.
fn samples(text: &str) -> Vec<(String, HashMap<String, String>, f64)> {
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("valid Prometheus text");
    scrape
        .samples
        .into_iter()
        .map(|s| {
            let value = match s.value {
                prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => f64::NAN,
            };
            let labels: HashMap<String, String> = s
                .labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (s.metric, labels, value)
        })
        .collect()
}

fn value(
    samples: &[(String, HashMap<String, String>, f64)],
    name: &str,
    state: Option<&str>,
) -> f64 {
    samples
        .iter()
        .find(|(n, l, _)| {
            n == name && state.is_none_or(|s| l.get("state").map(String::as_str) == Some(s))
        })
        .unwrap_or_else(|| panic!("no {name} {state:?} in {samples:?}"))
        .2
}

#[test]
fn a_backup_writes_the_textfile_with_the_original_names() {
    let w = World::new();
    let dir = w.path("textfile");
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = config(
        &w,
        &format!("prometheus-textfile-dir = \"{}\"", dir.display()),
    );
    let out = run(cli(&w, &cfg).args(["--json", "backup"]), 0);
    let summary = &json(&out)["result"];
    let text = std::fs::read_to_string(dir.join("npbackup-docs-backup.prom")).unwrap();
    let s = samples(&text);
    assert_eq!(value(&s, "restic_backup_failure", None), 0.0);
    assert_eq!(
        value(&s, "restic_files", Some("new")),
        summary["files_new"].as_f64().unwrap()
    );
    assert_eq!(
        value(&s, "restic_files", Some("total")),
        summary["total_files_processed"].as_f64().unwrap()
    );
    assert_eq!(
        value(&s, "restic_total_bytes_processed", None),
        summary["total_bytes_processed"].as_f64().unwrap()
    );
    assert_eq!(
        value(&s, "restic_data_added", None),
        summary["data_added"].as_f64().unwrap()
    );
    assert_eq!(value(&s, "npbackup_exec_state", None), 0.0);
    assert!(value(&s, "npbackup_last_success_timestamp", None) > 1.7e9);
    let (_, labels, _) = s.iter().find(|(n, _, _)| n == "restic_data_added").unwrap();
    for (k, v) in [
        ("instance", "pc-42"),
        ("backup_job", "docs"),
        ("repo_name", "docs"),
        ("group", "office"),
        ("tenant", "acme"),
        ("action", "backup"),
        ("site", "paris"),
        ("os", std::env::consts::OS),
        // the original's arch and audience labels
        (
            "arch",
            if cfg!(target_arch = "aarch64") {
                "arm64"
            } else {
                "x64"
            },
        ),
        ("audience", "public"),
    ] {
        assert_eq!(
            labels.get(k).map(String::as_str),
            Some(v),
            "{k} in {labels:?}"
        );
    }
    assert!(labels.contains_key("version"));
    assert_eq!(labels["npversion"], labels["version"]);
    assert_eq!(labels["backup_type"], "files");
    // the spellings the original's Grafana dashboard reads
    assert_eq!(
        value(&s, "restic_repo_files", Some("total")),
        value(&s, "restic_files", Some("total"))
    );
    assert!(s.iter().any(|(n, _, _)| n == "restic_snasphot_size_bytes"));
    assert!(s.iter().any(|(n, _, _)| n == "restic_repo_dirs"));

    // a check writes its own file, and leaves the backup's alone
    run(cli(&w, &cfg).arg("check"), 0);
    let check = samples(&std::fs::read_to_string(dir.join("npbackup-docs-check.prom")).unwrap());
    assert_eq!(value(&check, "npbackup_exec_state", None), 0.0);
    assert!(dir.join("npbackup-docs-backup.prom").exists());
}

#[test]
fn a_failed_backup_says_so_in_the_metrics_and_pings_fail_with_the_log() {
    let w = World::new();
    let dir = w.path("textfile");
    std::fs::create_dir_all(&dir).unwrap();
    let sink = HttpSink::start();
    let cfg = config(
        &w,
        &format!(
            "prometheus-textfile-dir = \"{}\"\nhealthchecks-url = \"http://127.0.0.1:{}/ping/abc\"",
            dir.display(),
            sink.port
        ),
    );
    // too small: the backup keeps no snapshot and fails
    edit(
        &cfg,
        "[groups.office.backup]\n",
        "[groups.office.backup]\nminimum-backup-size = \"1 TB\"\n",
    );
    run(cli(&w, &cfg).arg("backup"), 7);
    let s = samples(&std::fs::read_to_string(dir.join("npbackup-docs-backup.prom")).unwrap());
    assert_eq!(value(&s, "restic_backup_failure", None), 1.0);
    assert_eq!(value(&s, "npbackup_backup_sub_min_size", None), 1.0);
    assert_eq!(value(&s, "npbackup_exec_state", None), 2.0);
    let pings = sink.requests();
    let paths: Vec<&str> = pings.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/ping/abc/start", "/ping/abc/fail"], "{pings:?}");
    assert!(
        pings[1].body.contains("minimum-backup-size"),
        "{:?}",
        pings[1].body
    );

    // a good backup pings success; a check (a read) does not ping
    edit(&cfg, "minimum-backup-size = \"1 TB\"\n", "");
    run(cli(&w, &cfg).arg("backup"), 0);
    run(cli(&w, &cfg).arg("check"), 0);
    let paths: Vec<String> = sink.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths[2..],
        ["/ping/abc/start".to_string(), "/ping/abc".to_string()],
        "{paths:?}"
    );
}

/// Debian's push gateway on a free port.
fn pushgateway() -> (Server, u16) {
    let port = free_port();
    let child = Command::new("prometheus-pushgateway")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("prometheus-pushgateway (scripts/install-deps.sh test installs it)");
    wait_for_port(port);
    (Server(child), port)
}

#[test]
fn metrics_reach_the_push_gateway_through_the_fallback() {
    let w = World::new();
    let (_gateway, port) = pushgateway();
    let dead = free_port();
    let cfg = config(
        &w,
        &format!(
            "push-urls = [\"http://127.0.0.1:{dead}/metrics/job/npbackup\", \"http://127.0.0.1:{port}/metrics/job/npbackup\"]"
        ),
    );
    let out = run(cli(&w, &cfg).args(["--json", "backup"]), 0);
    let warnings = json(&out)["result"]["warnings"].to_string();
    assert!(
        warnings.contains(&format!("127.0.0.1:{dead}")) && warnings.contains("unreachable"),
        "the dead primary is a warning: {warnings}"
    );
    let scraped = reqwest::blocking::get(format!("http://127.0.0.1:{port}/metrics"))
        .unwrap()
        .text()
        .unwrap();
    let s = samples(&scraped);
    let (_, labels, v) = s
        .iter()
        .find(|(n, _, _)| n == "restic_backup_failure")
        .unwrap_or_else(|| panic!("not on the gateway:\n{scraped}"));
    assert_eq!(*v, 0.0);
    assert_eq!(labels["job"], "npbackup");
    assert_eq!(labels["instance"], "pc-42");
    assert_eq!(labels["repo_name"], "docs");
    assert_eq!(labels["action"], "backup");
    assert_eq!(labels["site"], "paris");
    assert!(value(&s, "restic_files", Some("total")) > 0.0);

    // every gateway down: still a good backup, with a warning
    edit(
        &cfg,
        &format!("127.0.0.1:{port}"),
        &format!("127.0.0.1:{dead}"),
    );
    let out = run(cli(&w, &cfg).args(["--json", "backup"]), 0);
    assert!(
        json(&out)["result"]["warnings"]
            .to_string()
            .contains("were not pushed"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_push_uses_basic_authentication_without_showing_the_password() {
    let w = World::new();
    let sink = HttpSink::start();
    let cfg = config(
        &w,
        &format!(
            "push-urls = [\"http://127.0.0.1:{}\"]\npush-username = \"metrics\"\npush-password-env = \"PUSH_SECRET\"",
            sink.port
        ),
    );
    let out = run(
        cli(&w, &cfg)
            .env("PUSH_SECRET", "s3cr3t-push-pw")
            .args(["-v", "backup"]),
        0,
    );
    let pushed = sink.requests();
    assert_eq!(pushed.len(), 1, "{pushed:?}");
    assert_eq!(pushed[0].method, "PUT");
    assert!(
        pushed[0]
            .path
            .starts_with("/metrics/job/npbackup/instance@base64/")
    );
    // "metrics:s3cr3t-push-pw"
    assert_eq!(
        pushed[0].header("authorization"),
        Some("Basic bWV0cmljczpzM2NyM3QtcHVzaC1wdw==")
    );
    assert!(pushed[0].body.contains("restic_backup_failure{"));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("s3cr3t-push-pw"), "{all}");
}

#[test]
fn the_metrics_command_reads_every_repository() {
    let w = World::new();
    let cfg = config(&w, "");
    let missing = w.path("missing");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        format!(
            "{text}\n[repos.gone]\ngroup = \"office\"\nuri = \"{}\"\npassword-file = \"{}\"\n",
            missing.display(),
            w.password_file().display()
        ),
    )
    .unwrap();
    run(cli(&w, &cfg).args(["--repo", "docs", "backup"]), 0);
    let out = run(cli(&w, &cfg).arg("metrics"), 0);
    let s = samples(&stdout(&out));
    let of = |repo: &str, name: &str| {
        s.iter()
            .find(|(n, l, _)| {
                n == name && l["repo_name"] == repo && l.get("state").is_none_or(|st| st == "total")
            })
            .unwrap_or_else(|| panic!("no {name} for {repo}: {s:?}"))
            .2
    };
    assert_eq!(of("docs", "npbackup_exec_state"), 0.0);
    assert_eq!(of("docs", "restic_backup_failure"), 0.0);
    assert!(of("docs", "restic_files") > 0.0);
    let last = of("docs", "npbackup_last_success_timestamp");
    assert!(
        (jiff::Timestamp::now().as_second() as f64 - last).abs() < 600.0,
        "{last}"
    );
    // the repository that cannot be read is reported, not skipped
    assert_eq!(of("gone", "npbackup_exec_state"), 3.0);
    assert_eq!(of("gone", "restic_backup_failure"), 1.0);

    // one repository, into a file for the textfile collector
    let file = w.path("npbackup.prom");
    run(
        cli(&w, &cfg)
            .args(["--repo", "docs", "metrics", "--output"])
            .arg(&file),
        0,
    );
    let s = samples(&std::fs::read_to_string(&file).unwrap());
    assert!(s.iter().all(|(_, l, _)| l["repo_name"] == "docs"), "{s:?}");
}

#[test]
fn webhooks_get_the_events_they_asked_for_and_retry() {
    let w = World::new();
    let sink = HttpSink::start();
    let dead = free_port();
    let cfg = config(
        &w,
        &format!(
            r#"
[[groups.office.monitoring.webhooks]]
url = "http://127.0.0.1:{port}/all"

[[groups.office.monitoring.webhooks]]
url = "http://127.0.0.1:{port}/failures"
method = "GET"
events = ["backup-failure", "operation-failure"]

[[groups.office.monitoring.webhooks]]
url = "http://127.0.0.1:{dead}/down"
retries = 1
timeout = "2s"
"#,
            port = sink.port
        ),
    );
    let out = run(cli(&w, &cfg).args(["--json", "backup"]), 0);
    let got = sink.requests();
    assert_eq!(got.len(), 1, "only the hook for all events: {got:?}");
    assert_eq!(
        (got[0].method.as_str(), got[0].path.as_str()),
        ("POST", "/all")
    );
    let event: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(event["event"], "backup-success");
    assert_eq!(event["labels"]["repo_name"], "docs");
    assert_eq!(event["labels"]["instance"], "pc-42");
    assert!(
        event["summary"]["files_new"].as_u64().unwrap() > 0,
        "{event}"
    );
    // the dead hook was tried twice and is a warning, not a failure
    let warnings = json(&out)["result"]["warnings"].to_string();
    assert!(warnings.contains("failed after 2 attempts"), "{warnings}");

    // a failed backup: both live hooks; the GET one has the facts in its query
    edit(
        &cfg,
        "[groups.office.backup]\n",
        "[groups.office.backup]\nminimum-backup-size = \"1 TB\"\n",
    );
    run(cli(&w, &cfg).arg("backup"), 7);
    let got = sink.requests();
    assert_eq!(got.len(), 3, "{got:?}");
    let get = got
        .iter()
        .find(|r| r.method == "GET")
        .expect("the GET hook");
    assert!(get.path.starts_with("/failures?"), "{}", get.path);
    assert!(get.path.contains("event=backup-failure"), "{}", get.path);
    assert!(get.path.contains("repo_name=docs"), "{}", get.path);

    // an unknown event is a configuration error naming it
    edit(
        &cfg,
        "events = [\"backup-failure\"",
        "events = [\"backup-fialure\"",
    );
    let out = run(cli(&w, &cfg).arg("backup"), 2);
    assert!(stderr(&out).contains("backup-fialure"), "{}", stderr(&out));
}

#[test]
fn mail_reaches_the_recipients_of_each_event() {
    let w = World::new();
    let inbox = w.path("inbox");
    let (_smtp, port) = smtp_sink(&inbox, None);
    let cfg = config(
        &w,
        &format!(
            r#"
[groups.office.monitoring.email]
smtp-server = "127.0.0.1"
smtp-port = {port}
security = "none"
username = "mailer"
password-env = "MAIL_SECRET"
from = "Backups <backup@example.org>"
on-backup-success = ["happy@example.org"]
on-backup-failure = ["admin@example.org", "boss@example.org"]
on-backup-too-old = ["admin@example.org"]
"#
        ),
    );
    let env = ("MAIL_SECRET", "m41l-pw");
    run(cli(&w, &cfg).env(env.0, env.1).arg("backup"), 0);
    let got = mails(&inbox);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_has(
        &got[0],
        &[
            "X-Envelope-To: happy@example.org",
            "X-Authenticated: yes",
            "Files: ",
        ],
    );
    assert_has(
        &got[0],
        &["Subject: [NPBackup] pc-42 / docs: backup succeeded"],
    );

    edit(
        &cfg,
        "[groups.office.backup]\n",
        "[groups.office.backup]\nminimum-backup-size = \"1 TB\"\n",
    );
    run(cli(&w, &cfg).env(env.0, env.1).arg("backup"), 7);
    let got = mails(&inbox);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_has(
        &got[1],
        &["X-Envelope-To: admin@example.org,boss@example.org"],
    );
    assert_has(&got[1], &["backup FAILED", "minimum-backup-size"]);

    // too old (a cron job's check): one mail to its recipients
    std::thread::sleep(std::time::Duration::from_millis(2100));
    run(
        cli(&w, &cfg).env(env.0, env.1).args([
            "has-recent-snapshot",
            "--max-age",
            "1s",
            "--notify",
        ]),
        1,
    );
    let got = mails(&inbox);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_has(&got[2], &["TOO OLD"]);
    // checked again (cron, every minute): told once per episode, not every time
    let check = |w: &World, code| {
        run(
            cli(w, &cfg).env(env.0, env.1).args([
                "has-recent-snapshot",
                "--max-age",
                "1s",
                "--notify",
            ]),
            code,
        )
    };
    check(&w, 1);
    assert_eq!(mails(&inbox).len(), 3);
    // recent again, then too old again: told again
    edit(&cfg, "minimum-backup-size = \"1 TB\"\n", "");
    run(cli(&w, &cfg).env(env.0, env.1).arg("backup"), 0);
    run(
        cli(&w, &cfg).env(env.0, env.1).args([
            "has-recent-snapshot",
            "--max-age",
            "1h",
            "--notify",
        ]),
        0,
    );
    std::thread::sleep(std::time::Duration::from_millis(2100));
    check(&w, 1);
    let got = mails(&inbox);
    assert_eq!(
        got.len(),
        5,
        "success mail, then a new too-old notice: {got:?}"
    );
    assert!(got[4].contains("TOO OLD"));
    edit(
        &cfg,
        "[groups.office.backup]\n",
        "[groups.office.backup]\nminimum-backup-size = \"1 TB\"\n",
    );

    // the test mail, and a wrong password said plainly without showing it
    let out = run(
        cli(&w, &cfg)
            .env(env.0, env.1)
            .args(["send-test-email", "--to", "me@example.org"]),
        0,
    );
    assert!(stdout(&out).contains("me@example.org"));
    assert!(mails(&inbox)[5].contains("test mail"));
    let out = run(
        cli(&w, &cfg)
            .env(env.0, "wrong-pw-123")
            .arg("send-test-email"),
        6,
    );
    assert!(
        stderr(&out).contains("could not be sent"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("wrong-pw-123"), "{}", stderr(&out));
}

#[test]
fn mail_goes_through_starttls_with_the_configured_ca() {
    let w = World::new();
    // a test CA and a server certificate it signed, for 127.0.0.1
    let (ca, cert, key) = (w.path("ca.pem"), w.path("cert.pem"), w.path("key.pem"));
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .current_dir(w.dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ]);
    std::fs::write(
        w.path("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "cert.pem",
    ]);
    let inbox = w.path("inbox");
    let (_smtp, port) = smtp_sink(&inbox, Some((&cert, &key)));
    let cfg = config(
        &w,
        &format!(
            r#"
[groups.office.monitoring.email]
smtp-server = "127.0.0.1"
smtp-port = {port}
security = "starttls"
ca-file = "{ca}"
username = "mailer"
password-env = "MAIL_SECRET"
on-backup-success = ["admin@example.org"]
"#,
            ca = ca.display()
        ),
    );
    let out = run(
        cli(&w, &cfg)
            .env("MAIL_SECRET", "m41l-pw")
            .args(["--json", "backup"]),
        0,
    );
    let got = mails(&inbox);
    assert_eq!(got.len(), 1, "{}", json(&out)["result"]["warnings"]);
    assert_has(&got[0], &["X-TLS: yes"]);
    // without trusting that certificate, the mail is refused: a warning, the backup stands
    edit(&cfg, &format!("ca-file = \"{}\"\n", ca.display()), "");
    let out = run(
        cli(&w, &cfg)
            .env("MAIL_SECRET", "m41l-pw")
            .args(["--json", "backup"]),
        0,
    );
    assert!(
        json(&out)["result"]["warnings"]
            .to_string()
            .contains("could not be sent"),
        "{}",
        stdout(&out)
    );
    assert_eq!(mails(&inbox).len(), 1);
}
