//! Restore end to end through the built binary: everything a file system holds
//! comes back (hard links, FIFOs, empty files, modes, times, links), `ID:PATH`
//! restores a folder's contents into the target, a cancelled restore leaves no
//! half-written file under a real name, and damaged data fails only the files it
//! feeds, each named with the reason.

mod common;

use std::{
    fs,
    os::unix::fs::{FileTypeExt, MetadataExt},
    path::{Path, PathBuf},
};

use common::*;

fn partials(root: &Path) -> Vec<PathBuf> {
    walk(root)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with("-partial"))
        .collect()
}

#[test]
fn restore_brings_back_links_fifos_empty_files_and_metadata() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    fs::write(src.join("empty"), "").unwrap();
    fs::write(src.join("first-name"), "one file, two names\n").unwrap();
    fs::hard_link(src.join("first-name"), src.join("second-name")).unwrap();
    let fifo = std::ffi::CString::new(src.join("a-fifo").to_str().unwrap()).unwrap();
    // SAFETY: a valid path, a mode.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o640) }, 0);
    // the same content twice: one blob, two destinations
    fs::copy(src.join("docs/random.bin"), src.join("random-copy.bin")).unwrap();
    let t = filetime::FileTime::from_unix_time(1_500_000_000, 0);
    for p in ["empty", "first-name", "a-fifo", "random-copy.bin", ""] {
        filetime::set_symlink_file_times(src.join(p), t, t).unwrap();
    }

    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);

    let target = w.path("restored");
    let out = run(
        w.cli_repo(&repo)
            .args(["--json", "restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    let summary = json(&out)["result"].clone();
    assert_eq!(summary["failed"], serde_json::json!([]));
    let back = target.join(src.strip_prefix("/").unwrap());
    assert_same_tree(&src, &back);
    let (a, b) = (
        fs::metadata(back.join("first-name")).unwrap(),
        fs::metadata(back.join("second-name")).unwrap(),
    );
    assert_eq!(a.ino(), b.ino(), "the hard link is one file again");
    assert!(
        fs::symlink_metadata(back.join("a-fifo"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(partials(&target).is_empty());

    // ID:PATH puts the folder's contents directly into the target
    let docs = src.join("docs");
    let flat = w.path("flat");
    run(
        w.cli_repo(&repo)
            .args(["restore", &format!("latest:{}", docs.display()), "--target"])
            .arg(&flat),
        0,
    );
    assert_same_tree(&docs, &flat);

    // ... and with an include inside it, only that part
    let part = w.path("part");
    run(
        w.cli_repo(&repo)
            .args(["restore", &format!("latest:{}", docs.display())])
            .arg("--include")
            .arg(docs.join("private"))
            .arg("--target")
            .arg(&part),
        0,
    );
    assert_same_tree(&docs.join("private"), &part.join("private"));
    assert!(!part.join("hello.txt").exists());

    // an include outside the base is refused, naming both
    let out = run(
        w.cli_repo(&repo)
            .args(["restore", &format!("latest:{}", docs.display())])
            .arg("--include")
            .arg(src.join("empty"))
            .arg("--target")
            .arg(w.path("nowhere")),
        7,
    );
    assert_has(&stderr(&out), &["is not inside", "docs"]);
}

#[test]
fn a_cancelled_restore_leaves_no_half_written_file() {
    let w = World::new();
    let src = w.path("src");
    make_data(&src, 8, 24);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);

    let target = w.path("restored");
    let mut child = spawn_events(
        &w,
        &repo,
        &["restore", "latest", "--target", target.to_str().unwrap()],
    );
    let point = |e: &serde_json::Value| {
        e["event"] == "progress"
            && e["phase"] == "restoring"
            && e["bytes_done"].as_u64().unwrap_or(0) > 8_000_000
    };
    let seen = events_until(&mut child, point);
    assert!(
        seen.iter().any(point),
        "the restore ended before it could be cancelled: {seen:?}"
    );
    interrupt(&child);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "a clean cancel");

    // every file under its final name is complete; no temporary file is left
    let back = target.join(src.strip_prefix("/").unwrap());
    let mut complete = 0;
    for p in walk(&target) {
        if p.is_file() {
            let rel = p.strip_prefix(&back).unwrap();
            assert_eq!(
                fs::read(&p).unwrap(),
                fs::read(src.join(rel)).unwrap(),
                "{} is under its final name but not complete",
                p.display()
            );
            complete += 1;
        }
    }
    assert!(
        complete < 8,
        "the cancel came after everything was restored"
    );
    assert!(partials(&target).is_empty(), "{:?}", partials(&target));

    // the next restore completes the job
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(&src, &back);
}

#[test]
fn damaged_data_fails_only_the_files_it_feeds() {
    let w = World::new();
    let src = w.path("src");
    make_data(&src.join("a"), 1, 2);
    let repo = w.path("repo");
    let uri = repo.display().to_string();
    run(w.cli_repo(&uri).arg("init"), 0);
    run(w.cli_repo(&uri).arg("backup").arg(&src), 0);
    let packs_before = pack_files(&repo);
    make_data(&src.join("b"), 1, 2);
    run(w.cli_repo(&uri).arg("backup").arg(&src), 0);
    // the data pack of the second backup: the largest new pack
    let new_pack = pack_files(&repo)
        .into_iter()
        .filter(|p| !packs_before.contains(p))
        .max_by_key(|p| fs::metadata(p).unwrap().len())
        .unwrap();
    let mut bytes = fs::read(&new_pack).unwrap();
    bytes[1000] ^= 0xff;
    fs::write(&new_pack, bytes).unwrap();

    let target = w.path("restored");
    let out = run(
        w.cli_repo(&uri)
            .args(["--json", "restore", "latest", "--target"])
            .arg(&target),
        8,
    );
    let doc = json(&out);
    let failed = doc["result"]["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("b/data-0.bin")
    );
    assert_has(failed[0]["reason"].as_str().unwrap(), &["damaged", "check"]);
    assert_has(
        doc["error"]["message"].as_str().unwrap(),
        &["1 item could not be restored"],
    );
    let back = target.join(src.strip_prefix("/").unwrap());
    assert_eq!(
        fs::read(back.join("a/data-0.bin")).unwrap(),
        fs::read(src.join("a/data-0.bin")).unwrap()
    );
    assert!(!back.join("b/data-0.bin").exists());
    assert!(partials(&target).is_empty());
}

fn pack_files(repo: &Path) -> Vec<PathBuf> {
    walk(&repo.join("data"))
        .into_iter()
        .filter(|p| p.is_file())
        .collect()
}
