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
    ] {
        assert_eq!(
            labels.get(k).map(String::as_str),
            Some(v),
            "{k} in {labels:?}"
        );
    }
    assert!(labels.contains_key("version"));

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
