//! A fleet for real: `npbackup-server` on loopback (two processes on one SQLite
//! store, the second as the fallback URL) and two machines, each with its own
//! HOME, enrolling with a token, receiving their group's configuration (the
//! repository password sealed to them), backing up to a real repository, checking
//! in; the administrator sees them, run-now reaches one at its check-in and one
//! through its scheduler's wait (within seconds), revoke refuses one, and
//! when the first server is killed (-9) the fallback answers with nothing lost.

mod common;

use std::{path::Path, process::Command};

use common::{fleet_server::*, *};

/// A machine: its own HOME, its configuration file at `npbackup.toml`.
fn fleet_cli(m: &World, args: &[&str]) -> assert_cmd::Command {
    let mut c = m.cli();
    c.arg("-c").arg(m.path("npbackup.toml")).args(args);
    c
}

fn machine_view<'a>(list: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

#[test]
fn machines_enrol_back_up_check_in_and_obey() {
    let w = World::new();
    let data = w.path("server");
    let repo = w.path("repo");
    let (src_a, src_b) = (w.path("src-a"), w.path("src-b"));
    make_tree(&src_a, false);
    make_tree(&src_b, false);
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);

    // the administrator: a server, a group's secret and template, a token for two
    let out = admin(
        &data,
        &["init", "--password-stdin", "--checkin-minutes", "1"],
        &format!("{ADMIN_PASSWORD}\n"),
        0,
    );
    assert!(
        !out.contains(ADMIN_PASSWORD),
        "a password given is not printed"
    );
    admin(
        &data,
        &["secret", "set", "office", "repo-password"],
        &format!("{PASSWORD}\n"),
        0,
    );
    let template = w.path("office.toml");
    std::fs::write(
        &template,
        format!(
            "[groups.office.backup]\npaths = [\"{}\"]\n\n[repos.docs]\ngroup = \"office\"\nuri = \"{}\"\npassword-fleet = \"repo-password\"\n",
            src_a.display(),
            repo.display()
        ),
    )
    .unwrap();
    // a malformed template is refused with its file and line
    let bad = w.path("bad.toml");
    std::fs::write(&bad, "[repos.docs]\nuri = \"/x\"\npaths = [\n").unwrap();
    let e = Command::new(server_bin())
        .arg("--data")
        .arg(&data)
        .args(["group", "set-config", "office"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(e.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&e.stderr).contains(&format!("{}:3", bad.display())),
        "{}",
        String::from_utf8_lossy(&e.stderr)
    );
    admin(
        &data,
        &["group", "set-config", "office", template.to_str().unwrap()],
        "",
        0,
    );
    let token = admin_json(
        &data,
        &["token", "create", "--group", "office", "--uses", "2"],
    );
    let token = token["token"].as_str().unwrap().to_string();

    // alerts go to a webhook and by mail (a real SMTP server): the test alert reaches both
    let sink = HttpSink::start();
    let inbox = w.path("inbox");
    let (_smtp, smtp_port) = smtp_sink(&inbox, None);
    let mut settings = std::fs::read_to_string(data.join("server.toml")).unwrap();
    settings.push_str(&format!(
        r#"
[alerts]
every-seconds = 5

[[alerts.webhooks]]
url = "http://127.0.0.1:{}/fleet-alerts"
retries = 0

[alerts.email]
to = ["ops@example.org"]

[alerts.email.smtp]
smtp-server = "127.0.0.1"
smtp-port = {smtp_port}
security = "none"
username = "mailer"
password-env = "FLEET_MAIL_SECRET"
from = "Fleet <fleet@example.org>"
"#,
        sink.port
    ));
    std::fs::write(data.join("server.toml"), settings).unwrap();
    let out = server(&data)
        .args(["--json", "alerts", "test"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = mails(&inbox);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_has(
        &got[0],
        &[
            "X-Envelope-To: ops@example.org",
            "X-Authenticated: yes",
            "test alert",
        ],
    );
    let hooks = sink.requests();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].path, "/fleet-alerts");
    assert!(
        hooks[0].body.contains("\"event\":\"test\""),
        "{}",
        hooks[0].body
    );
    // the SMTP password is not in the settings: without it, the alerts are refused by name
    let out = server(&data)
        .args(["alerts", "test"])
        .env_remove("FLEET_MAIL_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("FLEET_MAIL_SECRET"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (first, port1) = serve(&data);
    let (_second, port2) = serve(&data);
    let url1 = format!("http://127.0.0.1:{port1}");
    let url2 = format!("http://127.0.0.1:{port2}");

    // two machines enrol; B's overrides back up another folder
    let a = World::new();
    let b = World::new();
    let out = run(
        &mut fleet_cli(&a, &["--json", "fleet", "enrol", &url1, &token]),
        0,
    );
    let a_id = json(&out)["result"]["machine_id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = run(
        fleet_cli(
            &b,
            &["--json", "fleet", "enrol", &url1, "--fallback", &url2],
        )
        .env("NPBACKUP_FLEET_TOKEN", &token),
        0,
    );
    let b_id = json(&out)["result"]["machine_id"]
        .as_str()
        .unwrap()
        .to_string();
    // the token is spent
    let c = World::new();
    let out = run(&mut fleet_cli(&c, &["fleet", "enrol", &url1, &token]), 11);
    assert!(stderr(&out).contains("token"), "{}", stderr(&out));

    // A runs the group's configuration: the password is no longer in it, but beside it, owner-only
    let cfg_a = std::fs::read_to_string(a.path("npbackup.toml")).unwrap();
    assert!(
        !cfg_a.contains(PASSWORD) && !cfg_a.contains("password-fleet"),
        "{cfg_a}"
    );
    assert!(cfg_a.contains("password-file"), "{cfg_a}");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&a.path("npbackup.toml")), 0o600);
    let secrets = a
        .home()
        .join(".local/state/npbackup/fleet/secrets/repo-password");
    assert_eq!(std::fs::read_to_string(&secrets).unwrap(), PASSWORD);
    assert_eq!(mode(&secrets), 0o600);
    assert_eq!(
        mode(&a.home().join(".local/state/npbackup/fleet/identity")),
        0o600
    );
    run(&mut fleet_cli(&a, &["config", "check"]), 0);

    // B gets its own paths
    let overrides = w.path("b.toml");
    std::fs::write(
        &overrides,
        format!(
            "[groups.office.backup]\npaths = [\"{}\"]\n",
            src_b.display()
        ),
    )
    .unwrap();
    admin(
        &data,
        &["client", "set-config", &b_id, overrides.to_str().unwrap()],
        "",
        0,
    );
    let out = run(&mut fleet_cli(&b, &["--json", "fleet", "checkin"]), 0);
    assert_eq!(json(&out)["result"]["commands"], serde_json::json!([]));
    let cfg_b = std::fs::read_to_string(b.path("npbackup.toml")).unwrap();
    assert!(cfg_b.contains(src_b.to_str().unwrap()), "{cfg_b}");
    assert!(
        b.home()
            .join(".local/state/npbackup/fleet/last-good.toml")
            .exists()
    );

    // A backs up to the real repository and reports it
    run(&mut fleet_cli(&a, &["backup"]), 0);
    let out = run(&mut fleet_cli(&a, &["--json", "fleet", "status"]), 0);
    assert_eq!(json(&out)["result"]["reports_waiting"], 1);
    run(&mut fleet_cli(&a, &["fleet", "checkin"]), 0);
    let out = run(&mut fleet_cli(&a, &["--json", "fleet", "status"]), 0);
    let status = json(&out)["result"].clone();
    assert_eq!(status["reports_waiting"], 0);
    assert_eq!(status["last_server"], url1.as_str());
    assert!(status["config_version"].as_i64().unwrap() >= 1);

    let list = admin_json(&data, &["clients"]);
    let view_a = machine_view(&list, &a_id);
    assert_eq!(view_a["state"], "ok");
    assert!(view_a["last_backup"].as_i64().is_some());
    assert!(view_a["last_size"].as_i64().unwrap() > 0);
    assert_eq!(machine_view(&list, &b_id)["group"], "office");

    // A's scheduler checks in by itself, then holds a wait on the server: a run-now
    // starts within seconds, not at the next check-in a minute away
    let checked_in = || {
        let out = run(&mut fleet_cli(&a, &["--json", "fleet", "status"]), 0);
        json(&out)["result"]["last_checkin"].as_i64()
    };
    let before = checked_in();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let daemon = start_daemon(&a, &a.path("npbackup.toml"));
    wait_for(&a, "the scheduler's first check-in", 30, || {
        checked_in() != before
    });
    let started = std::time::Instant::now();
    admin_json(&data, &["run-now", "--machine", &a_id, "backup"]);
    wait_for(&a, "the run-now backup's result", 30, || {
        admin_json(&data, &["client", "show", &a_id])["commands"][0]["ok"] == true
    });
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(25),
        "the command waited for a check-in: {took:?}"
    );
    drop(daemon);
    let reports_a = admin_json(&data, &["client", "show", &a_id])["reports"]
        .as_array()
        .unwrap()
        .len();
    assert!(reports_a >= 2, "the run-now backup reported");

    // run-now reaches B: its backup runs at its check-in, and the result comes back
    let queued = admin_json(&data, &["run-now", "--machine", &b_id, "backup"]);
    assert_eq!(queued.as_array().unwrap().len(), 1);
    let out = run(&mut fleet_cli(&b, &["--json", "fleet", "checkin"]), 0);
    let ran = json(&out)["result"].clone();
    assert_eq!(ran["commands"][0]["ok"], true, "{ran}");
    let shown = admin_json(&data, &["client", "show", &b_id]);
    assert_eq!(shown["commands"][0]["ok"], true, "{shown}");
    assert_eq!(shown["reports"][0]["action"], "backup");
    assert_eq!(shown["reports"][0]["ok"], true);
    // both machines' backups are in the repository, B's of its own folder
    let out = run(&mut fleet_cli(&b, &["--json", "snapshots"]), 0);
    let snaps = json(&out);
    let paths: Vec<String> = snaps["result"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["paths"].as_array().unwrap().clone())
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert!(paths.contains(&src_a.display().to_string()), "{paths:?}");
    assert!(paths.contains(&src_b.display().to_string()), "{paths:?}");

    // the fleet's metrics and CSV, for an administrator only
    let http = reqwest::blocking::Client::new();
    let r = http.get(format!("{url1}/metrics")).send().unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .get(format!("{url1}/metrics"))
        .basic_auth("admin", Some("wrong-password"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    let text = http
        .get(format!("{url1}/metrics"))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        text.contains("npbackup_fleet_last_backup_timestamp_seconds{group=\"office\",hostname="),
        "{text}"
    );
    let csv = http
        .get(format!("{url1}/admin/v1/machines?format=csv"))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");

    // the first server dies (kill -9): B's fallback answers, nothing acknowledged is lost
    drop(first);
    run(&mut fleet_cli(&b, &["fleet", "checkin"]), 0);
    let out = run(&mut fleet_cli(&b, &["--json", "fleet", "status"]), 0);
    assert_eq!(json(&out)["result"]["last_server"], url2.as_str());
    let shown = admin_json(&data, &["client", "show", &a_id]);
    assert_eq!(shown["reports"].as_array().unwrap().len(), reports_a);
    // A has no fallback: its check-in fails, the backup does not, the report waits
    let out = run(&mut fleet_cli(&a, &["fleet", "checkin"]), 6);
    assert!(
        stderr(&out).contains("no fleet server answered"),
        "{}",
        stderr(&out)
    );
    run(&mut fleet_cli(&a, &["backup"]), 0);
    let out = run(&mut fleet_cli(&a, &["--json", "fleet", "status"]), 0);
    assert_eq!(json(&out)["result"]["reports_waiting"], 1);

    // B is revoked: its next request is refused
    admin(&data, &["client", "revoke", &b_id], "", 0);
    let out = run(&mut fleet_cli(&b, &["fleet", "checkin"]), 11);
    assert!(stderr(&out).contains("revoked"), "{}", stderr(&out));
    let list = admin_json(&data, &["clients"]);
    assert_eq!(machine_view(&list, &b_id)["state"], "revoked");
}
