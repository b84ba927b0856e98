//! Faults during writing operations, each with nothing lost after it: the command
//! stopped with SIGTERM, the repository's disk full during a backup and a prune, and a
//! prune killed at each of its steps. `scripts/robustness` runs random operations
//! and interruptions for hundreds of rounds; these are the cases it found or that
//! need a set-up it cannot make at random.

mod common;

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::Command,
};

use common::*;
// whether a process runs (a zombie waiting for its reaper does not)
use npbackup_engine::repolock::pid_exists;

fn count(dir: &Path) -> usize {
    fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

/// Restores the latest snapshot and compares it with `src`.
fn assert_latest_restores(w: &World, repo: &str, src: &Path, target: &str) {
    let target = w.path(target);
    let _ = fs::remove_dir_all(&target);
    run(
        w.cli_repo(repo)
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(src, &target.join(src.strip_prefix("/").unwrap()));
}

#[test]
fn sigterm_to_the_command_cancels_its_job_and_waits_for_it() {
    // a service manager, `kill` or `timeout` stopping `npbackup-cli backup`: the job
    // went on alone after the command had gone, holding the repository
    let w = World::new();
    let (src, repo, mut child, job_pid) = backup_under_way(&w, 4, 50);
    signal(i64::from(child.id()), libc::SIGTERM);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "a cancelled job");
    assert!(
        !pid_exists(job_pid),
        "the job process outlived the command it belonged to"
    );
    assert_eq!(count(&w.path("repo/locks")), 0, "the job's lock is gone");
    assert_eq!(count(&w.path("repo/snapshots")), 0);
    // nothing holds the repository: the next backup runs at once, without --wait
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    restic_check(&w, &repo);
    assert_latest_restores(&w, &repo, &src, "restored");
}

#[test]
fn a_job_whose_command_is_killed_alone_cancels_itself() {
    // `kill -9 PID` of the command only: the job noticed nothing, ran on alone and
    // held the repository, its result read by nobody
    let w = World::new();
    let (src, repo, mut child, job_pid) = backup_under_way(&w, 4, 50);
    signal(i64::from(child.id()), libc::SIGKILL);
    let _ = child.wait();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while pid_exists(job_pid) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!pid_exists(job_pid), "the job ran on without its command");
    // it cancelled cleanly: its lock removed, no snapshot
    assert_eq!(count(&w.path("repo/locks")), 0);
    assert_eq!(count(&w.path("repo/snapshots")), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    restic_check(&w, &repo);
}

/// Whether this test may mount a tmpfs (root, as CI runs); else it says it skips.
fn can_mount() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        eprintln!("skipped: mounting a small tmpfs needs root (CI runs as root)");
    }
    root
}

/// A small tmpfs, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(path: PathBuf, mib: u32) -> Self {
        fs::create_dir_all(&path).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "mounting a {mib} MiB tmpfs at {} failed",
            path.display()
        );
        Tmpfs(path)
    }

    fn resize(&self, mib: u32) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={mib}m")])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "resizing the tmpfs at {}", self.0.display());
    }

    /// Fills what is left of it but `room` bytes with a file (returned, to free the
    /// space again).
    fn fill(&self, room: u64) -> PathBuf {
        let filler = self.0.join("filler");
        let mut f = fs::File::create(&filler).unwrap();
        let block = vec![0x5a_u8; 64 << 10];
        loop {
            if let Err(e) = f.write_all(&block) {
                assert_eq!(e.raw_os_error(), Some(libc::ENOSPC), "{e}");
                break;
            }
        }
        // the last partial block may have left a few bytes: take them too
        let _ = f.write_all(&[0]);
        let len = f.metadata().unwrap().len();
        f.set_len(len.saturating_sub(room)).unwrap();
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_backup_and_prune_clearly_and_the_next_run_succeeds() {
    if !can_mount() {
        return;
    }
    let w = World::new();
    let disk = Tmpfs::mount(w.path("small"), 24);
    let repo = w.path("small/repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);

    // 80 MiB of incompressible data into 24 MiB: the disk fills while files are still
    // being read, so the packer fails with blobs queued for it (which once made the
    // next blob wait for room forever)
    let src = w.path("src");
    make_data(&src, 2, 40);
    let out = run(w.cli_repo(&repo).arg("backup").arg(&src), 8);
    let err = stderr(&out);
    assert!(err.contains("the disk is full"), "{err}");
    assert!(err.contains(&repo), "names the repository: {err}");
    assert!(!err.contains("panicked"), "{err}");
    // nothing half-written: restic calls it clean, no snapshot, no lock
    restic_check(&w, &repo);
    assert_eq!(count(&w.path("small/repo/snapshots")), 0);
    assert_eq!(count(&w.path("small/repo/locks")), 0);
    // prune gives the space back: the packs no index lists, and the unfinished
    // writes (`ID-tmp-`) the backup's other threads may have left when it stopped
    let pruned = json(&run(w.cli_repo(&repo).args(["--json", "prune"]), 0));
    let data_left: u64 = walk(&w.path("small/repo/data"))
        .iter()
        .filter(|p| p.is_file())
        .map(|p| fs::metadata(p).unwrap().len())
        .sum();
    assert_eq!(data_left, 0, "the failed backup's data is gone: {pruned}");
    restic_check(&w, &repo);

    // with room, the same backup succeeds
    disk.resize(200);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    restic_check(&w, &repo);
    assert_latest_restores(&w, &repo, &src, "restored");

    // a prune that needs to write (a new index, repacked packs) on a full disk
    let first = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0))["result"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    fs::remove_file(src.join("data-1.bin")).unwrap();
    fs::write(src.join("new.txt"), "a second snapshot").unwrap();
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    run(w.cli_repo(&repo).args(["forget", &first]), 0);
    // room for the lock, none for the repacked packs and the new index
    let filler = disk.fill(64 << 10);
    let out = run(
        w.cli_repo(&repo)
            .args(["prune", "--max-unused", "0%", "--max-repack", "unlimited"]),
        8,
    );
    let err = stderr(&out);
    assert!(err.contains("the disk is full"), "{err}");
    assert!(err.contains("pruning"), "says what failed: {err}");
    // the old index and every pack a snapshot needs are still there
    restic_check(&w, &repo);
    assert_latest_restores(&w, &repo, &src, "restored-2");
    fs::remove_file(filler).unwrap();
    let pruned = json(&run(
        w.cli_repo(&repo).args([
            "--json",
            "prune",
            "--max-unused",
            "0%",
            "--max-repack",
            "unlimited",
        ]),
        0,
    ));
    assert_eq!(pruned["result"]["bytes_unused_after"], 0, "{pruned}");
    restic_check(&w, &repo);
    assert_latest_restores(&w, &repo, &src, "restored-3");
    drop(disk);
}

/// The steps of a prune as its progress names them, in order.
const PRUNE_STEPS: [&str; 6] = [
    "removing unindexed packs",
    "rebuilding index",
    "repacking",
    "removing old index files",
    "removing old data packs",
    "removing old tree packs",
];

#[test]
fn a_prune_killed_at_any_step_keeps_what_the_snapshots_need() {
    for step in PRUNE_STEPS {
        let w = World::new();
        let repo = w.path("repo").display().to_string();
        run(w.cli_repo(&repo).arg("init"), 0);
        // a first snapshot; then the second keeps two of its three files (the middle
        // one's packs become unused, the packs it shares with the others partly used)
        let src = w.path("src");
        make_data(&src, 3, 6);
        fs::write(src.join("note.txt"), "kept").unwrap();
        run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
        let first =
            json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0))["result"][0]["id"]
                .as_str()
                .unwrap()
                .to_string();
        fs::remove_file(src.join("data-1.bin")).unwrap();
        run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
        run(w.cli_repo(&repo).args(["forget", &first]), 0);
        // and a backup killed once it wrote a pack, before it indexed it (big enough
        // that it is still under way when the kill lands: 80 MiB were sometimes done)
        let other = w.path("other");
        make_data(&other, 1, 240);
        let packs = |w: &World| {
            walk(&w.path("repo/data"))
                .iter()
                // a pack being written is `ID-tmp-` until it is complete
                .filter(|p| p.is_file() && !p.to_string_lossy().contains("-tmp-"))
                .count()
        };
        let before = packs(&w);
        let mut child = spawn_events(&w, &repo, &["backup", other.to_str().unwrap()]);
        let mut wrote = false;
        let seen = events_until(&mut child, |e| {
            wrote = e["event"] == "progress" && packs(&w) > before;
            wrote
        });
        assert!(wrote, "the backup ended before it wrote a pack: {seen:?}");
        signal(seen[0]["pid"].as_i64().unwrap(), libc::SIGKILL);
        let _ = child.wait();
        let snapshots = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0));
        assert_eq!(
            snapshots["result"].as_array().map(Vec::len),
            Some(1),
            "the killed backup finished before the kill: {snapshots}"
        );

        // the prune, killed as soon as it reaches `step`
        let mut prune = spawn_events(
            &w,
            &repo,
            &["prune", "--max-unused", "0%", "--max-repack", "unlimited"],
        );
        let seen = events_until(&mut prune, |e| {
            e["event"] == "progress" && e["phase"] == step
        });
        let reached = seen.last().is_some_and(|e| e["phase"] == step);
        assert!(reached, "the prune never reached `{step}`: {seen:?}");
        signal(seen[0]["pid"].as_i64().unwrap(), libc::SIGKILL);
        let _ = prune.wait();

        // nothing a snapshot needs is gone: restic reads every pack (as the kill left
        // the repository: the dead job's lock is still in it), the snapshot restores
        restic_ok(restic(&w, &repo).args(["check", "--read-data", "--no-lock"]));
        assert_latest_restores(&w, &repo, &src, "restored");
        // and the next prune finishes the work
        let pruned = json(&run(
            w.cli_repo(&repo).args([
                "--json",
                "prune",
                "--max-unused",
                "0%",
                "--max-repack",
                "unlimited",
            ]),
            0,
        ));
        assert_eq!(
            pruned["result"]["bytes_unused_after"], 0,
            "after `{step}`: {pruned}"
        );
        restic_check(&w, &repo);
        assert_latest_restores(&w, &repo, &src, "restored-after");
        assert_eq!(count(&w.path("repo/locks")), 0);
    }
}

#[test]
fn a_full_disk_behind_a_rest_server_fails_the_backup_and_the_next_run_succeeds() {
    if !can_mount() {
        return;
    }
    let w = World::new();
    let disk = Tmpfs::mount(w.path("rest-data"), 24);
    let (_server, port) = rest_server(&w, "ann", "ann-rest-pw", "ann");
    let repo = format!("rest:http://ann:ann-rest-pw@127.0.0.1:{port}/ann");
    run(w.cli_repo(&repo).arg("init"), 0);
    let src = w.path("src");
    make_data(&src, 2, 16);
    let out = run(w.cli_repo(&repo).arg("backup").arg(&src), 8);
    // rustic_server answers 500 (its log says why); the client gives up after its retries
    let err = stderr(&out);
    assert!(err.contains("500 Internal Server Error"), "{err}");
    assert!(
        !err.contains("ann-rest-pw"),
        "no secret in the error: {err}"
    );
    assert!(err.contains("127.0.0.1"), "names the server: {err}");
    restic_check(&w, &repo);
    assert_eq!(count(&w.path("rest-data/ann/snapshots")), 0);
    disk.resize(96);
    run(w.cli_repo(&repo).arg("prune"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    restic_check(&w, &repo);
    assert_latest_restores(&w, &repo, &src, "restored");
}

#[test]
fn a_cancel_while_the_job_takes_its_lock_leaves_no_lock() {
    // SIGTERM while the job writes its restic lock: the lock was written but not yet
    // registered for removal, and the clean-up ran without it (one round in 200 of
    // scripts/robustness). Each try sends SIGTERM to the job as it reports opening the
    // repository, just before it locks.
    let w = World::new();
    let src = w.path("src");
    make_data(&src, 1, 2);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    for attempt in 0..8 {
        let mut child = spawn_events(&w, &repo, &["backup", src.to_str().unwrap()]);
        let seen = events_until(&mut child, |e| {
            e["event"] == "log"
                && e["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("using cache at"))
        });
        // a little later each time: before, during and after the lock's writing
        std::thread::sleep(std::time::Duration::from_millis(attempt * 3));
        signal(seen[0]["pid"].as_i64().unwrap(), libc::SIGTERM);
        let _ = child.wait();
        assert_eq!(
            count(&w.path("repo/locks")),
            0,
            "attempt {attempt}: a lock was left behind"
        );
    }
    restic_check(&w, &repo);
}
