//! `mount`: the snapshots as a read-only folder through the real kernel FUSE
//! (this machine has /dev/fuse and runs the tests as root, so no fusermount3 is
//! needed): restic's layout (ids/, snapshots/ with `latest` and `-N` for a repeated
//! second, hosts/, tags/), the files as they were saved (contents, modes, times,
//! links), refused writes, snapshot filters, and the three ways it ends: Ctrl-C,
//! `umount` from outside, and a killed job whose dead mount the next run clears.

mod common;

use std::{
    fs,
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::Child,
};

use common::*;

/// Whether `path` is a mount point (its device differs from its parent's).
fn is_mounted(path: &Path) -> bool {
    let (Ok(a), Ok(b)) = (
        fs::metadata(path),
        fs::metadata(path.parent().unwrap_or(Path::new("/"))),
    ) else {
        // a dead mount answers nothing: it is still there
        return fs::metadata(path).is_err();
    };
    a.dev() != b.dev()
}

/// Starts `mount` and waits until the folder can be read; returns the command, the
/// job process's pid and the events so far.
fn mount(w: &World, repo: &str, at: &Path, extra: &[&str]) -> (Child, u32, Vec<serde_json::Value>) {
    let mut args = vec!["mount", at.to_str().unwrap()];
    args.extend_from_slice(extra);
    let mut child = spawn_events(w, repo, &args);
    let seen = events_until(&mut child, |e| {
        (e["event"] == "progress" && e["phase"] == "mounted") || e["event"] == "finished"
    });
    let last = seen.last().cloned().unwrap_or_default();
    assert_eq!(last["phase"], "mounted", "{seen:?}");
    assert_eq!(last["current"], at.to_str().unwrap());
    let pid = seen
        .iter()
        .find(|e| e["event"] == "started")
        .and_then(|e| e["pid"].as_u64())
        .expect("a started event") as u32;
    (child, pid, seen)
}

/// Takes the mount away when the test ends, passed or failed (a failed assertion
/// must not leave a mount behind on the machine).
struct Unmounted(PathBuf);

impl Drop for Unmounted {
    fn drop(&mut self) {
        if is_mounted(&self.0) {
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.0)
                .status();
        }
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn in_snapshot(root: &Path, src: &Path) -> PathBuf {
    root.join(src.strip_prefix("/").unwrap())
}

#[test]
fn snapshots_are_shown_as_restic_lays_them_out_and_read_as_saved() {
    let w = World::new();
    let repo = w.path("repo").display().to_string();
    if !Path::new("/dev/fuse").exists() {
        // the one thing to check here: it says so, and the rest works
        run(w.cli_repo(&repo).arg("init"), 0);
        let out = run(w.cli_repo(&repo).args(["mount", "/tmp"]), 7);
        assert!(stderr(&out).contains("/dev/fuse"), "{}", stderr(&out));
        return;
    }
    let src = w.path("src");
    make_tree(&src, true);
    run(w.cli_repo(&repo).arg("init"), 0);
    // two snapshots of the same second, one with a tag and another host
    for extra in [&["--tag", "monthly"][..], &["--host", "laptop"]] {
        run(
            w.cli_repo(&repo)
                .arg("backup")
                .arg(&src)
                .args(["--time", "2024-05-01 10:00:00"])
                .args(extra),
            0,
        );
    }
    fs::write(src.join("docs/hello.txt"), "hello again\n").unwrap();
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    let snaps = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0));
    let snaps = snaps["result"].as_array().unwrap().clone();
    assert_eq!(snaps.len(), 3);

    let at = w.path("mnt");
    fs::create_dir(&at).unwrap();
    let _guard = Unmounted(at.clone());
    let (child, _, _) = mount(&w, &repo, &at, &[]);
    assert!(is_mounted(&at));
    assert_eq!(names(&at), ["hosts", "ids", "snapshots", "tags"]);

    // by id: each snapshot's short id
    let mut ids: Vec<String> = snaps
        .iter()
        .map(|s| s["short_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(names(&at.join("ids")), ids);

    // by time: the repeated second gets -1, `latest` links to the newest
    let times = names(&at.join("snapshots"));
    assert_eq!(times.len(), 4, "{times:?}");
    let first = times
        .iter()
        .find(|t| t.starts_with("2024-05-01T10:00:00"))
        .unwrap();
    assert!(times.contains(&format!("{first}-1")), "{times:?}");
    let latest = fs::read_link(at.join("snapshots/latest")).unwrap();
    assert!(latest.is_relative(), "{}", latest.display());
    assert!(
        latest.to_string_lossy().starts_with("20"),
        "{}",
        latest.display()
    );
    assert!(!latest.to_string_lossy().starts_with("2024"));

    // the newest snapshot is the folder as it is now; the first one as it was
    assert_same_tree(&src, &in_snapshot(&at.join("snapshots/latest"), &src));
    let old = in_snapshot(&at.join("snapshots").join(first), &src);
    assert_eq!(
        fs::read_to_string(old.join("docs/hello.txt")).unwrap(),
        "hello world\n"
    );

    // by host and by tag, each list with its own `latest`
    let hosts = names(&at.join("hosts"));
    assert!(hosts.contains(&"laptop".to_string()), "{hosts:?}");
    assert_eq!(names(&at.join("hosts/laptop")).len(), 2);
    assert_eq!(names(&at.join("tags")), ["monthly"]);
    assert_eq!(
        names(&at.join("tags/monthly")),
        [first.clone(), "latest".into()]
    );

    // nothing can be written, changed or removed
    let inside = in_snapshot(&at.join("snapshots/latest"), &src);
    for err in [
        fs::write(inside.join("new.txt"), "x").err(),
        fs::write(inside.join("docs/hello.txt"), "x").err(),
        fs::remove_file(inside.join("docs/hello.txt")).err(),
        fs::create_dir(inside.join("new-dir")).err(),
    ] {
        let err = err.expect("a write was accepted");
        assert_eq!(err.raw_os_error(), Some(libc::EROFS), "{err}");
    }

    // Ctrl-C ends it cleanly: unmounted, exit 0, no job process left
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!is_mounted(&at), "still mounted after Ctrl-C");
    assert!(names(&at).is_empty());

    // a filter shows only its snapshots
    let (child, _, _) = mount(&w, &repo, &at, &["--tag", "monthly"]);
    assert_eq!(names(&at.join("ids")).len(), 1);
    // an unmount from outside ends the command as well
    let umount = std::process::Command::new("umount")
        .arg(&at)
        .status()
        .unwrap();
    assert!(umount.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_killed_mount_is_cleared_by_the_next_one_and_bad_mountpoints_are_refused() {
    if !Path::new("/dev/fuse").exists() {
        return;
    }
    let w = World::new();
    let repo = w.path("repo").display().to_string();
    let src = w.path("src");
    make_tree(&src, false);
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);

    // not a folder, or missing: refused, naming it
    let file = w.path("a-file");
    fs::write(&file, "x").unwrap();
    let out = run(w.cli_repo(&repo).arg("mount").arg(&file), 7);
    assert!(stderr(&out).contains("a-file"), "{}", stderr(&out));
    let out = run(w.cli_repo(&repo).arg("mount").arg(w.path("missing")), 7);
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));

    // kill -9 of the job and its command leaves a mount that answers nothing…
    let at = w.path("mnt");
    fs::create_dir(&at).unwrap();
    let _guard = Unmounted(at.clone());
    let (mut child, job, _) = mount(&w, &repo, &at, &[]);
    // SAFETY: killing our own child processes.
    unsafe {
        libc::kill(job as libc::pid_t, libc::SIGKILL);
        libc::kill(child.id() as libc::pid_t, libc::SIGKILL);
    }
    let _ = child.wait();
    let dead = fs::metadata(&at).expect_err("a dead mount answers nothing");
    assert!(
        matches!(
            dead.raw_os_error(),
            Some(libc::ENOTCONN | libc::ECONNABORTED)
        ),
        "{dead}"
    );

    // …which the next mount takes away before mounting again, and says so
    let (child, _, seen) = mount(&w, &repo, &at, &[]);
    assert_eq!(names(&at.join("ids")).len(), 1);
    assert!(
        seen.iter()
            .any(|e| e["event"] == "warning"
                && e["message"].as_str().unwrap_or("").contains("killed")),
        "{seen:?}"
    );
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!is_mounted(&at));
}
