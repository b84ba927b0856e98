//! The backup runner: pre/post commands (success, failure, timeout, fatal or not,
//! refused from a config others can write), backups of a command's output and of
//! stdin (a failing command keeps no snapshot), and the minimum backup size.

mod common;

use std::{fs, io::Write, os::unix::fs::PermissionsExt, process::Stdio};

use common::*;

fn config(w: &World, backup: &str) -> std::path::PathBuf {
    // a file of its own each time, so that earlier paths stay valid
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let written = w.config(&format!(
        "[repos.main]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.main.backup]\npaths = [\"{}\"]\n{backup}\n",
        w.path("repo").display(),
        w.password_file().display(),
        w.path("src").display()
    ));
    let path = w.path(&format!("config-{n}.toml"));
    fs::rename(&written, &path).unwrap();
    path
}

fn snapshot_count(w: &World, cfg: &std::path::Path) -> usize {
    json(&run(
        w.cli().arg("-c").arg(cfg).args(["--json", "snapshots"]),
        0,
    ))["result"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn pre_and_post_commands() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    fs::write(w.path("src/a.txt"), "a").unwrap();
    let marks = w.path("marks");
    let cfg = config(
        &w,
        &format!(
            "pre-exec-commands = [\"echo pre-ran > {m}.pre\", \"echo hello from pre\"]\npost-exec-commands = [\"echo $NPBACKUP_RESULT $NPBACKUP_SNAPSHOT_ID > {m}.post\"]",
            m = marks.display()
        ),
    );
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .arg("--json-events")
            .arg("backup"),
        0,
    );
    assert!(
        stdout(&out).contains("hello from pre"),
        "command output is in the job log"
    );
    assert_eq!(
        fs::read_to_string(format!("{}.pre", marks.display())).unwrap(),
        "pre-ran\n"
    );
    let post = fs::read_to_string(format!("{}.post", marks.display())).unwrap();
    let last = stdout(&out).lines().last().unwrap().to_string();
    let id = serde_json::from_str::<serde_json::Value>(&last).unwrap()["result"]["summary"]["snapshot_id"].as_str().unwrap().to_string();
    assert_eq!(post.trim(), format!("success {id}"));

    // a failing pre command: a warning by default, the backup still runs
    let cfg = config(&w, "pre-exec-commands = [\"exit 3\"]");
    let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    assert!(
        stderr(&out).contains("pre command `exit 3` failed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot_count(&w, &cfg), 2);
    // …and fatal when asked: no backup
    let cfg = config(
        &w,
        "pre-exec-commands = [\"exit 3\"]\npre-exec-failure-is-fatal = true",
    );
    let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 7);
    assert!(
        stderr(&out).contains("the backup did not run"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot_count(&w, &cfg), 2);
    // a command over its time limit is stopped
    let cfg = config(
        &w,
        "pre-exec-commands = [\"sleep 30\"]\npre-exec-timeout = \"1s\"\npre-exec-failure-is-fatal = true",
    );
    let started = std::time::Instant::now();
    let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 7);
    assert!(
        stderr(&out).contains("time limit of 1s"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // a failing post command fails the job only when fatal; the snapshot is kept either way
    let cfg = config(&w, "post-exec-commands = [\"false\"]");
    run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    let cfg = config(
        &w,
        "post-exec-commands = [\"false\"]\npost-exec-failure-is-fatal = true",
    );
    let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 7);
    assert!(
        stderr(&out).contains("the snapshot itself was saved"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot_count(&w, &cfg), 4);
    // post commands after a failed backup, only when asked
    fs::rename(w.path("src"), w.path("src-away")).unwrap();
    let cfg = config(
        &w,
        &format!(
            "post-exec-commands = [\"echo $NPBACKUP_RESULT > {m}.fail\"]\npost-exec-run-on-failure = true",
            m = marks.display()
        ),
    );
    run(w.cli().arg("-c").arg(&cfg).arg("backup"), 7);
    assert_eq!(
        fs::read_to_string(format!("{}.fail", marks.display())).unwrap(),
        "failure\n"
    );
}

#[test]
fn commands_from_a_config_others_can_write_are_refused() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    let marker = w.path("should-not-exist");
    let cfg = config(
        &w,
        &format!("pre-exec-commands = [\"touch {}\"]", marker.display()),
    );
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o666)).unwrap();
    let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 3);
    assert!(
        stderr(&out).contains("writable by other users"),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists(), "the command did not run");
    // the folder counts too
    fs::set_permissions(&cfg, fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(w.dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 3);
    assert!(stderr(&out).contains("config folder"), "{}", stderr(&out));
    fs::set_permissions(w.dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
    // a file owned by someone else (only root can arrange that)
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        std::os::unix::fs::chown(&cfg, Some(65534), None).unwrap();
        let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 3);
        assert!(
            stderr(&out).contains("belongs to another user"),
            "{}",
            stderr(&out)
        );
        std::os::unix::fs::chown(&cfg, Some(0), None).unwrap();
    }
    run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    assert!(marker.exists());
}

#[test]
fn command_output_and_stdin_backups() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    let cfg = config(
        &w,
        "source = \"command\"\nstdin-command = \"printf 'CREATE TABLE t;\\\\n'\"\nstdin-filename = \"db.sql\"",
    );
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["dump", "latest", "/db.sql"]),
        0,
    );
    assert_eq!(stdout(&out), "CREATE TABLE t;\n");

    // a failing command: error, and no snapshot at all
    let before = snapshot_count(&w, &cfg);
    let out = run(
        w.cli().arg("-c").arg(&cfg).args([
            "backup",
            "--stdin-command",
            "sh -c 'echo partial; exit 2'",
        ]),
        7,
    );
    assert!(
        stderr(&out).contains("failed") && stderr(&out).contains("not kept"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot_count(&w, &cfg), before);

    // the process's own stdin
    let mut child = w
        .std_cli()
        .arg("-c")
        .arg(&cfg)
        .args(["backup", "--stdin", "--stdin-filename", "piped.txt"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let data: Vec<u8> = (0..2_000_000u32).map(|i| (i % 251) as u8).collect();
    child.stdin.take().unwrap().write_all(&data).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dumped = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["dump", "latest", "/piped.txt"]),
        0,
    );
    assert_eq!(dumped.stdout, data);
}

#[test]
fn minimum_backup_size_keeps_no_small_snapshot() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    fs::write(w.path("src/tiny.txt"), "tiny").unwrap();
    let cfg = config(&w, "minimum-backup-size = \"1 MB\"");
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 7);
    assert!(
        stderr(&out).contains("minimum-backup-size is 1.0 MB"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot_count(&w, &cfg), 0);
    // an empty dump piped in is refused the same way
    let cfg2 = config(
        &w,
        "minimum-backup-size = \"10 B\"\nsource = \"command\"\nstdin-command = \"true\"",
    );
    let out = run(w.cli().arg("-c").arg(&cfg2).arg("backup"), 7);
    assert!(
        stderr(&out).contains("no snapshot was kept"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot_count(&w, &cfg2), 0);
    fs::write(w.path("src/big.bin"), vec![7u8; 2_000_000]).unwrap();
    run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    assert_eq!(snapshot_count(&w, &cfg), 1);
}

#[test]
fn storage_heuristics_warn_about_unusual_runs() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    for i in 0..20 {
        fs::write(w.path(&format!("src/f{i}.bin")), vec![i as u8; 100_000]).unwrap();
    }
    let cfg = config(&w, "");
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    for _ in 0..3 {
        let out = json(&run(
            w.cli().arg("-c").arg(&cfg).args(["--json", "backup"]),
            0,
        ));
        assert_eq!(out["result"]["warnings"], serde_json::json!([]));
    }
    // most of the data disappears (an unmounted share, say)
    for i in 2..20 {
        fs::remove_file(w.path(&format!("src/f{i}.bin"))).unwrap();
    }
    let out = run(w.cli().arg("-c").arg(&cfg).args(["--json", "backup"]), 0);
    let warnings = json(&out)["result"]["warnings"].clone();
    assert!(
        warnings[0].as_str().unwrap().contains("too small"),
        "{warnings}"
    );
    let out = run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    assert!(
        stderr(&out).contains("warning: this backup is too small"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn scheduled_backups_respect_minimum_age_unless_forced() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    fs::write(w.path("src/a"), "a").unwrap();
    let cfg = w.config(&format!(
        "[repos.main]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.main.backup]\npaths = [\"{}\"]\n[repos.main.repo]\nminimum-backup-age = \"1h\"\nrandom-delay = \"1s\"\npriority = \"low\"\njob-timeout = \"10m\"\n",
        w.path("repo").display(),
        w.password_file().display(),
        w.path("src").display()
    ));
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    // the first scheduled run is due
    run(
        w.cli().arg("-c").arg(&cfg).args(["backup", "--scheduled"]),
        0,
    );
    // the next one is skipped, and says why
    let out = run(
        w.cli().arg("-c").arg(&cfg).args(["backup", "--scheduled"]),
        0,
    );
    assert!(stdout(&out).contains("skipped"), "{}", stdout(&out));
    assert_eq!(snapshot_count(&w, &cfg), 1);
    // --force backs up anyway; a manual backup is never skipped
    run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["backup", "--scheduled", "--force"]),
        0,
    );
    run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    assert_eq!(snapshot_count(&w, &cfg), 3);
}

#[test]
fn several_repositories_one_after_another() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    fs::write(w.path("src/a"), "a").unwrap();
    let cfg = w.config(&format!(
        r#"
[groups.office]
uri = "{root}/repos/${{REPO_NAME}}"
password-file = "{pw}"
[groups.office.backup]
paths = ["{src}"]
[groups.home]
uri = "{root}/repos/${{REPO_NAME}}"
password-file = "{pw}"
[groups.home.backup]
paths = ["{root}/missing"]

[repos.one]
group = "office"
[repos.two]
group = "office"
[repos.three]
group = "home"
"#,
        root = w.dir.path().display(),
        pw = w.password_file().display(),
        src = w.path("src").display()
    ));
    run(w.cli().arg("-c").arg(&cfg).args(["--all", "init"]), 0);
    let out = json(&run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--json", "--group", "office", "backup"]),
        0,
    ));
    let runs = out["result"]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r["ok"] == true));
    let names: Vec<&str> = runs
        .iter()
        .map(|r| r["repository"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["one", "two"]);
    // one failure does not stop the others, and sets the exit code
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--json", "--all", "backup"]),
        7,
    );
    let doc = json(&out);
    let runs = doc["result"]["runs"].as_array().unwrap().clone();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs.iter().filter(|r| r["ok"] == true).count(), 2);
    assert_eq!(doc["ok"], false, "one run failed: {doc}");
    assert_eq!(doc["result"]["ok"], false);
    // without --json each run speaks on the terminal, under its heading
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--repo", "one,three", "snapshots"]),
        0,
    );
    let text = stdout(&out);
    let (one, three) = text
        .split_once("== repository three ==")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(one.contains("== repository one =="), "{text}");
    // repository one has its two backups listed, three none
    let src = w.path("src").display().to_string();
    assert!(one.matches(src.as_str()).count() >= 2, "{text}");
    assert!(!three.contains(src.as_str()), "{text}");
}

#[test]
fn cancelling_stops_a_running_pre_command() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    let pidfile = w.path("hook.pid");
    let cfg = config(
        &w,
        &format!(
            "pre-exec-commands = [\"echo $$ > {}; sleep 60\"]",
            pidfile.display()
        ),
    );
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    let mut child = w
        .std_cli()
        .arg("-c")
        .arg(&cfg)
        .arg("backup")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while fs::read_to_string(&pidfile)
        .map(|s| s.trim().is_empty())
        .unwrap_or(true)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the pre command never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let hook_pid: i32 = fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: Ctrl-C to our own child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    assert_eq!(child.wait().unwrap().code(), Some(130));
    std::thread::sleep(std::time::Duration::from_millis(300));
    // gone, or a zombie waiting for a reaper: either way no longer running
    let alive = fs::read_to_string(format!("/proc/{hook_pid}/stat"))
        .map(|stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(false);
    assert!(!alive, "the pre command was stopped with the job");
}

#[test]
fn low_priority_jobs_run_niced() {
    let w = World::new();
    fs::create_dir_all(w.path("src")).unwrap();
    let cfg = w.config(&format!(
        "[repos.main]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.main.backup]\npaths = [\"{}\"]\npre-exec-commands = [\"sleep 2\"]\n[repos.main.repo]\npriority = \"low\"\n",
        w.path("repo").display(),
        w.password_file().display(),
        w.path("src").display()
    ));
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    let mut child = w
        .std_cli()
        .arg("-c")
        .arg(&cfg)
        .args(["--json-events", "backup"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut first,
    )
    .unwrap();
    let started: serde_json::Value = serde_json::from_str(&first).unwrap();
    let pid = started["pid"].as_i64().unwrap();
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // field 19 (after the command name in parentheses) is the nice value
    let nice: i64 = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .nth(16)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(nice, 10, "the job process runs at nice 10");
    assert!(child.wait().unwrap().success());
}
