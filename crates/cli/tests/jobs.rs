//! The job model end to end: event stream, cancellation at several points (the
//! repository stays valid for restic and the next backup succeeds), one writer
//! per repository, timeouts.

mod common;

use std::{fs, path::Path, process::Stdio};

use common::*;

#[test]
fn event_stream_has_started_progress_and_finished() {
    let w = World::new();
    let src = w.path("src");
    make_data(&src, 2, 40);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let out = run(
        w.cli_repo(&repo)
            .args(["--json-events", "backup"])
            .arg(&src),
        0,
    );
    let events: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(events[0]["event"], "started");
    assert_eq!(events[0]["kind"], "backup");
    let last = events.last().unwrap();
    assert_eq!(last["event"], "finished");
    assert_eq!(last["ok"], true);
    assert_eq!(last["result"]["summary"]["files_new"], 2);
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "progress" && e["phase"] == "backing up"),
        "{events:?}"
    );
    let backing: Vec<_> = events
        .iter()
        .filter(|e| e["event"] == "progress" && e["phase"] == "backing up")
        .collect();
    assert_eq!(
        backing.last().unwrap()["bytes_done"],
        backing.last().unwrap()["bytes_total"]
    );

    // the quick reads run the same job code in the CLI's process: the same events,
    // and nothing else on stdout
    for (args, kind) in [
        (vec!["snapshots"], "snapshots"),
        (vec!["ls", "latest"], "ls"),
        (vec!["find", "*"], "find"),
        (vec!["stats"], "stats"),
        (vec!["key", "list"], "keys"),
    ] {
        let out = run(w.cli_repo(&repo).arg("--json-events").args(&args), 0);
        let events: Vec<serde_json::Value> = stdout(&out)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: {e}: {l}")))
            .collect();
        assert_eq!(events[0]["event"], "started", "{args:?}");
        let last = events.last().unwrap();
        assert_eq!(last["event"], "finished", "{args:?}");
        assert_eq!(last["schema"], 1);
        assert_eq!(last["result"]["kind"], kind, "{args:?}");
    }
    // a file's bytes are dump's output: no event may come between them
    let out = run(
        w.cli_repo(&repo)
            .args(["--json-events", "dump", "latest"])
            .arg(src.join("data-0.bin")),
        2,
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(stderr(&out).contains("--json-events"), "{}", stderr(&out));
}

#[test]
fn cancelled_backups_leave_a_valid_repository() {
    let w = World::new();
    let src = w.path("src");
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);

    type Point = fn(&serde_json::Value) -> bool;
    let points: [(&str, Point); 3] = [
        ("before any work", |e| e["event"] == "started"),
        ("during upload", |e| {
            e["event"] == "progress"
                && e["phase"] == "backing up"
                && e["bytes_done"].as_u64().unwrap_or(0) > 20_000_000
                && e["bytes_done"].as_u64() < e["bytes_total"].as_u64().map(|t| t / 2)
        }),
        ("while writing the index", |e| {
            e["event"] == "progress"
                && e["phase"] == "backing up"
                && e["bytes_total"].is_u64()
                && e["bytes_done"] == e["bytes_total"]
        }),
    ];
    for (i, (name, point)) in points.into_iter().enumerate() {
        // every round backs up new data of its own
        let round = src.join(format!("round-{i}"));
        make_data(&round, 3, 100);
        let mut child = spawn_events(&w, &repo, &["backup", round.to_str().unwrap()]);
        let seen = events_until(&mut child, point);
        assert!(
            seen.iter().any(point),
            "{name}: the job ended before the cancellation point: {seen:?}"
        );
        interrupt(&child);
        let status = child.wait().unwrap();
        // at the very end the backup may win the race; anything else must be a clean cancel
        assert!(
            status.code() == Some(130) || status.code() == Some(0),
            "{name}: exit {status:?}"
        );
        restic_check(&w, &repo);
        run(w.cli_repo(&repo).arg("backup").arg(&round), 0);
        restic_check(&w, &repo);
    }
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    // and what we have restores
    let target = w.path("restored");
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));
}

#[test]
fn one_writer_per_repository() {
    let w = World::new();
    let src = w.path("src");
    make_data(&src, 4, 100);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let mut first = spawn_events(&w, &repo, &["backup", src.to_str().unwrap()]);
    events_until(&mut first, |e| {
        e["event"] == "progress" && e["phase"] == "backing up"
    });
    // a second writer is refused, naming the holder
    let out = run(w.cli_repo(&repo).arg("backup").arg(&src), 10);
    assert!(
        stderr(&out).contains("is busy") && stderr(&out).contains("backup job"),
        "{}",
        stderr(&out)
    );
    // reading is fine meanwhile
    run(w.cli_repo(&repo).arg("snapshots"), 0);
    // with --wait it queues behind the first and then succeeds
    let out = run(
        w.cli_repo(&repo)
            .args(["--wait", "--json", "backup"])
            .arg(&src),
        0,
    );
    assert!(json(&out)["result"]["snapshot_id"].is_string());
    assert!(first.wait().unwrap().success());
    let snaps = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0));
    assert_eq!(snaps["result"].as_array().unwrap().len(), 2);
    restic_check(&w, &repo);
}

#[test]
fn a_killed_job_leaves_no_lock_behind() {
    let w = World::new();
    let (src, repo, mut child, job_pid) = backup_under_way(&w, 4, 100);
    // the job process dies hard: no clean-up at all
    signal(job_pid, libc::SIGKILL);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(8), "a job that died is a failure");
    // the command removed the dead job's restic lock before it ended: restic itself
    // (which needs `unlock` for a stale lock) is not kept out
    assert_eq!(fs::read_dir(w.path("repo/locks")).unwrap().count(), 0);
    restic_ok(restic(&w, &repo).arg("check"));
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    restic_check(&w, &repo);

    // a job that died with its command (frozen, its command killed, then itself):
    // nobody is left to clean up; the next backup is not refused, and clears the lock
    // as stale (as `restic unlock` would)
    let killed_with_its_command = |w: &World| {
        let mut child = spawn_events(w, &repo, &["backup", src.to_str().unwrap()]);
        let seen = events_until(&mut child, |e| {
            e["event"] == "log"
                && e["message"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("starting to backup")
        });
        let job = seen[0]["pid"].as_i64().unwrap();
        signal(job, libc::SIGSTOP);
        signal(i64::from(child.id()), libc::SIGKILL);
        let _ = child.wait();
        signal(job, libc::SIGKILL);
        assert_eq!(fs::read_dir(w.path("repo/locks")).unwrap().count(), 1);
    };
    fs::write(src.join("more.txt"), "more").unwrap();
    killed_with_its_command(&w);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    assert_eq!(fs::read_dir(w.path("repo/locks")).unwrap().count(), 0);
    restic_check(&w, &repo);

    // `unlock` clears such a lock on demand
    fs::write(src.join("more-again.txt"), "more").unwrap();
    killed_with_its_command(&w);
    let out = json(&run(w.cli_repo(&repo).args(["--json", "unlock"]), 0));
    assert_eq!(out["result"].as_array().unwrap().len(), 1);
    assert_eq!(fs::read_dir(w.path("repo/locks")).unwrap().count(), 0);
    let out = run(w.cli_repo(&repo).arg("unlock"), 0);
    assert!(stdout(&out).contains("no stale lock"));
}

#[test]
fn a_job_over_its_timeout_is_cancelled() {
    let w = World::new();
    let src = w.path("src");
    make_data(&src, 4, 100);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let out = run(
        w.cli_repo(&repo)
            .args(["--timeout", "1s", "backup"])
            .arg(&src),
        130,
    );
    assert!(
        stderr(&out).contains("timed out after 1s"),
        "{}",
        stderr(&out)
    );
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    restic_check(&w, &repo);
}

/// Our backup frozen mid-upload holds a lock that restic's prune respects.
fn prune_refused_while_backing_up(w: &World, repo: &str, locks_dir: Option<&Path>) {
    let src = w.path("src");
    make_data(&src, 4, 100);
    run(w.cli_repo(repo).arg("init"), 0);
    let mut child = spawn_events(w, repo, &["backup", src.to_str().unwrap()]);
    let seen = events_until(&mut child, |e| {
        e["event"] == "progress"
            && e["phase"] == "backing up"
            && e["bytes_done"].as_u64().unwrap_or(0) > 10_000_000
    });
    let job_pid = seen[0]["pid"].as_i64().unwrap();
    // freeze our job mid-upload: packs written, not yet indexed
    signal(job_pid, libc::SIGSTOP);
    if let Some(dir) = locks_dir {
        assert_eq!(
            fs::read_dir(dir).unwrap().count(),
            1,
            "our lock is in the repository"
        );
    }
    let out = restic(w, repo).arg("prune").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    signal(job_pid, libc::SIGCONT);
    assert!(
        !out.status.success(),
        "restic prune must refuse while we back up:\n{err}"
    );
    assert!(err.contains("locked"), "{err}");
    assert!(child.wait().unwrap().success());
    if let Some(dir) = locks_dir {
        assert_eq!(
            fs::read_dir(dir).unwrap().count(),
            0,
            "our lock is gone after the job"
        );
    }
    restic_check(w, repo);
    // and with nothing running, restic prune works on our repository
    let out = restic(w, repo).arg("prune").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn restic_prune_refuses_while_we_back_up() {
    let w = World::new();
    let repo = w.path("repo").display().to_string();
    prune_refused_while_backing_up(&w, &repo, Some(&w.path("repo/locks")));
}

#[test]
fn restic_prune_refuses_while_we_back_up_over_rest() {
    let w = World::new();
    let (_server, port) = rest_server(&w, "bob", "bob-rest-pw", "bob");
    let repo = format!("rest:http://bob:bob-rest-pw@127.0.0.1:{port}/bob");
    prune_refused_while_backing_up(&w, &repo, Some(&w.path("rest-data/bob/locks")));
}

#[test]
fn we_refuse_while_restic_holds_an_exclusive_lock() {
    let w = World::new();
    let src = w.path("src");
    make_data(&src, 2, 50);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    // restic prune takes an exclusive lock first; freeze it as soon as the lock exists
    let mut prune = restic(&w, &repo)
        .arg("prune")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let locks = w.path("repo/locks");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while fs::read_dir(&locks).map(|d| d.count()).unwrap_or(0) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "restic never locked the repository"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    signal(i64::from(prune.id()), libc::SIGSTOP);
    let out = run(w.cli_repo(&repo).arg("backup").arg(&src), 10);
    let err = stderr(&out);
    signal(i64::from(prune.id()), libc::SIGCONT);
    assert!(err.contains("locked exclusively"), "{err}");
    assert!(
        err.contains(&format!("pid {}", prune.id())),
        "the holder is named: {err}"
    );
    assert!(prune.wait().unwrap().success());
    // once restic is done, we back up again
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    restic_check(&w, &repo);
}

#[test]
fn a_killed_copy_leaves_no_lock_in_either_repository() {
    // a copy locks its source (as every reader does) and its target: a copy job that
    // died left both locks, which the command did not know about
    let w = World::new();
    let src = w.path("src");
    make_data(&src, 2, 20);
    let repo = w.path("repo").display().to_string();
    let target = w.path("target").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    restic_ok(
        restic(&w, &target)
            .args(["init", "--copy-chunker-params", "--from-repo", &repo])
            .env("RESTIC_FROM_PASSWORD_FILE", w.password_file()),
    );
    let pw = w.password_file().display().to_string();
    let mut child = spawn_events(
        &w,
        &repo,
        &[
            "copy",
            "--to-repository",
            &target,
            "--to-password-file",
            &pw,
        ],
    );
    let seen = events_until(&mut child, |e| e["event"] == "progress");
    let job = seen[0]["pid"].as_i64().unwrap();
    // frozen while it holds both locks, then killed
    signal(job, libc::SIGSTOP);
    assert_eq!(fs::read_dir(w.path("repo/locks")).unwrap().count(), 1);
    assert_eq!(fs::read_dir(w.path("target/locks")).unwrap().count(), 1);
    signal(job, libc::SIGKILL);
    assert_eq!(child.wait().unwrap().code(), Some(8));
    assert_eq!(fs::read_dir(w.path("repo/locks")).unwrap().count(), 0);
    assert_eq!(fs::read_dir(w.path("target/locks")).unwrap().count(), 0);
    restic_ok(restic(&w, &target).arg("check"));
    run(
        w.cli_repo(&repo).args([
            "copy",
            "--to-repository",
            &target,
            "--to-password-file",
            &pw,
        ]),
        0,
    );
    restic_check(&w, &target);
}
