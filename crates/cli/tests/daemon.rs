//! The scheduler for real: `npbackup-cli daemon run` on temporary repositories,
//! asked over its socket by the CLI; SIGHUP, SIGTERM mid-job (the repository stays
//! clean, the cut-short run runs again), catch-up after missed slots (once, not once
//! per slot), no doubled run on restart, and a socket other users cannot use.
//! The service units are checked with `systemd-analyze verify`.

mod common;

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use common::*;

fn task<'a>(status: &'a serde_json::Value, repo: &str) -> &'a serde_json::Value {
    status["tasks"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["repo"] == repo))
        .unwrap_or_else(|| panic!("no task for {repo} in {status}"))
}

fn snapshots(w: &World, repo: &Path) -> usize {
    let out = run(
        w.cli_repo(&repo.display().to_string())
            .args(["--json", "snapshots"]),
        0,
    );
    json(&out)["result"].as_array().map_or(0, Vec::len)
}

fn init(w: &World, repo: &Path) {
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);
}

fn state_file(w: &World) -> PathBuf {
    w.home().join(".local/state/npbackup/scheduler.json")
}

#[test]
fn the_daemon_backs_up_on_schedule_reloads_and_stops_cleanly() {
    let (w, src, repo, config) = one_repository(r#"backup = "every 1h""#);
    let d = start_daemon(&w, &config);

    // never backed up: the first backup runs at once
    wait_for(&w, "the first scheduled backup", 120, || {
        daemon_status(&w).is_some_and(|s| task(&s, "default")["last_ok"] == true)
    });
    assert_eq!(snapshots(&w, &repo), 1);
    let s = daemon_status(&w).expect("status");
    let t = task(&s, "default");
    assert_eq!(t["when"], "every 1h");
    let next: jiff::Timestamp = t["next_run"].as_str().expect("a next run").parse().unwrap();
    let last: jiff::Timestamp = t["last_run"].as_str().expect("a last run").parse().unwrap();
    assert_eq!(next.as_second() - last.as_second(), 3600, "{t}");

    // a second repository appears in the file; SIGHUP reads it
    let (src2, repo2) = (w.path("src2"), w.path("repo2"));
    make_data(&src2, 3, 100);
    init(&w, &repo2);
    std::fs::write(
        &config,
        config_text(
            &w,
            &[
                ("default", &repo, &src, r#"backup = "every 1h""#),
                ("big", &repo2, &src2, r#"backup = "daily at 03:00""#),
            ],
        ),
    )
    .unwrap();
    signal_daemon(&d, libc::SIGHUP);
    wait_for(&w, "the reloaded schedule", 30, || {
        daemon_status(&w).is_some_and(|s| s["tasks"].as_array().is_some_and(|t| t.len() == 2))
    });
    // a time of day: not due before its first slot
    assert_eq!(snapshots(&w, &repo2), 0);

    // paused, a backup asked for by hand still runs
    run(w.cli().args(["daemon", "pause", "1h"]), 0);
    assert!(daemon_status(&w).is_some_and(|s| s["paused_until"].is_string()));
    let out = run(w.cli().args(["daemon", "run-now", "default"]), 0);
    assert!(
        stdout(&out).contains("default/backup started"),
        "{}",
        stdout(&out)
    );
    wait_for(&w, "the backup asked for", 120, || {
        snapshots(&w, &repo) == 2
    });
    run(w.cli().args(["daemon", "resume"]), 0);
    assert!(daemon_status(&w).is_some_and(|s| s["paused_until"].is_null()));
    let out = run(w.cli().args(["daemon", "run-now", "nosuch"]), 2);
    assert!(
        stderr(&out).contains("no repository named `nosuch`"),
        "{}",
        stderr(&out)
    );

    // SIGTERM while the big backup runs: the daemon stops within its grace, the
    // repository is clean, and the run cut short is due again
    run(w.cli().args(["daemon", "run-now", "big"]), 0);
    wait_for(&w, "the big backup to run", 30, || {
        daemon_status(&w).is_some_and(|s| task(&s, "big")["running"] == true)
    });
    std::thread::sleep(Duration::from_millis(500));
    signal_daemon(&d, libc::SIGTERM);
    let mut d = d;
    let started = Instant::now();
    let code = loop {
        if let Some(code) = d.child.try_wait().expect("wait") {
            break code;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the daemon did not stop"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(code.success(), "daemon exit: {code:?}");
    restic_check(&w, &repo2.display().to_string());
    let log = std::fs::read_to_string(w.path("daemon.log")).unwrap();
    assert!(log.contains("scheduler stopped"), "{log}");
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_file(&w)).unwrap()).unwrap();
    let cut_short = snapshots(&w, &repo2) == 0;
    if cut_short {
        assert!(
            state["tasks"]["big/backup"]["last_run"].is_null(),
            "a run cut short does not count: {state}"
        );
    }

    // restarted: the recent backup is not run again
    let d = start_daemon(&w, &config);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(snapshots(&w, &repo), 2, "no doubled run after a restart");
    let s = daemon_status(&w).expect("status");
    assert_eq!(task(&s, "default")["running"], false);
    drop(d);
}

#[test]
fn missed_slots_run_once_when_the_daemon_comes_back() {
    let (w, _src, repo, config) = one_repository(r#"backup = "every 1h""#);
    // the machine was off for five hours after its last run
    let five_hours_ago = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(5))
        .unwrap();
    let state = serde_json::json!({
        "seed": 1,
        "paused_until": null,
        "tasks": { "default/backup": {
            "since": five_hours_ago.to_string(),
            "last_run": five_hours_ago.to_string(),
            "last_result": "finished",
            "last_ok": true
        }}
    });
    std::fs::create_dir_all(state_file(&w).parent().unwrap()).unwrap();
    std::fs::write(state_file(&w), state.to_string()).unwrap();
    let _d = start_daemon(&w, &config);
    wait_for(&w, "the catch-up backup", 120, || snapshots(&w, &repo) >= 1);
    wait_for(&w, "the catch-up to end", 60, || {
        daemon_status(&w).is_some_and(|s| task(&s, "default")["running"] == false)
    });
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(snapshots(&w, &repo), 1, "one run for five missed slots");
}

#[test]
fn the_socket_refuses_other_users() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: switching to another user needs root (CI runs as root)");
        return;
    }
    use std::os::unix::{fs::PermissionsExt, process::CommandExt};
    let (w, _src, _repo, config) = one_repository("");
    let _d = start_daemon(&w, &config);
    // the program where nobody can run it, wherever this checkout lives
    let bin_dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let program = bin_dir.path().join("npbackup-cli");
    std::fs::copy(assert_cmd::cargo::cargo_bin("npbackup-cli"), &program).unwrap();
    let as_nobody = || {
        let mut cmd = std::process::Command::new(&program);
        for (k, _) in std::env::vars() {
            if k.starts_with("NPBACKUP_") || k.starts_with("XDG_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("HOME", w.home())
            .env("NPBACKUP_LOCALE", "en")
            .args(["daemon", "status"])
            .uid(65534)
            .gid(65534);
        cmd.output().expect("run as nobody")
    };
    // the socket is the owner's alone
    let out = as_nobody();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no scheduler is running"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // and with its folders opened up, the daemon itself refuses
    let socket = w.home().join(".local/share/npbackup/run/daemon.sock");
    let mut p = socket.clone();
    while p != w.dir.path() {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o777)).unwrap();
        p.pop();
    }
    std::fs::set_permissions(w.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = as_nobody();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("belongs to another user"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // its owner is still served
    assert!(daemon_status(&w).is_some());
}

#[test]
fn the_service_units_pass_systemd_analyze() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    let config = w.config(&config_text(&w, &[("default", &repo, &src, "")]));
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&config)
            .args(["service", "install", "--user", "--no-start"]),
        0,
    );
    let unit = w.home().join(".config/systemd/user/npbackup.service");
    assert!(
        stdout(&out).contains(&unit.display().to_string()),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(&unit).unwrap();
    assert!(text.contains("daemon run"), "{text}");
    assert!(text.contains(&config.display().to_string()), "{text}");
    verify(&unit);

    // the units shipped in packaging/ are the ones the program writes
    for (file, scope) in [
        (
            "npbackup.service",
            npbackup_core::schedule::service::Scope::System,
        ),
        (
            "npbackup-user.service",
            npbackup_core::schedule::service::Scope::User,
        ),
    ] {
        let shipped = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../packaging/linux")
                .join(file),
        )
        .unwrap();
        let made = npbackup_core::schedule::service::systemd_unit(
            scope,
            Path::new("/usr/bin/npbackup-cli"),
            Path::new("/etc/npbackup/npbackup.toml"),
        );
        assert_eq!(
            shipped, made,
            "packaging/linux/{file} differs from what `service install` writes"
        );
        // verified with a real program in ExecStart
        let copy = w.path(file);
        std::fs::write(
            &copy,
            made.replace(
                "/usr/bin/npbackup-cli",
                &assert_cmd::cargo::cargo_bin("npbackup-cli")
                    .display()
                    .to_string(),
            ),
        )
        .unwrap();
        verify(&copy);
    }

    let out = run(
        w.cli()
            .arg("-c")
            .arg(&config)
            .args(["service", "uninstall", "--user"]),
        0,
    );
    assert!(!unit.exists(), "{}", stdout(&out));
}

fn verify(unit: &Path) {
    let out = std::process::Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(unit)
        .output()
        .expect("systemd-analyze (Debian's systemd package) is installed");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // only what concerns our unit: the host's own units may have warnings of their own
    let ours: Vec<&str> = said
        .lines()
        .filter(|l| l.contains(&*unit.file_name().unwrap().to_string_lossy()))
        .collect();
    assert!(
        out.status.success() && ours.is_empty(),
        "systemd-analyze verify {}:\n{said}",
        unit.display()
    );
}

#[test]
fn a_scheduled_backup_is_skipped_after_a_recent_one_but_not_one_asked_for() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    let config = w.config(&config_text(
        &w,
        &[(
            "default",
            &repo,
            &src,
            "backup = \"every 1h\"\nskip-if-recent = \"2h\"",
        )],
    ));
    // a backup made a moment ago by hand, as this machine
    run(w.cli().arg("-c").arg(&config).arg("backup"), 0);
    let _d = start_daemon(&w, &config);
    // the schedule's first run finds it and skips
    wait_for(&w, "the scheduled run", 60, || {
        daemon_status(&w).is_some_and(|s| task(&s, "default")["last_result"].is_string())
    });
    let s = daemon_status(&w).expect("status");
    let result = task(&s, "default")["last_result"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        result.starts_with("skipped: the last backup is"),
        "{result}"
    );
    assert_eq!(snapshots(&w, &repo), 1);
    // "back up now" backs up all the same
    run(w.cli().args(["daemon", "run-now", "default"]), 0);
    wait_for(&w, "the backup asked for", 60, || snapshots(&w, &repo) == 2);
}
