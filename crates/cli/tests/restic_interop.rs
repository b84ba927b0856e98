//! Interoperability with the real `restic` binary (Debian's package): restic checks
//! and restores what we write; we list and restore what restic writes.

mod common;

use std::{fs, path::Path};

use common::*;

fn rel(p: &Path) -> &Path {
    p.strip_prefix("/").unwrap()
}

#[test]
fn restic_checks_and_restores_what_we_write() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    for compression in ["auto", "off"] {
        let repo = w.path(&format!("repo-{compression}")).display().to_string();
        run(
            w.cli_repo(&repo)
                .args(["init", "--compression", compression]),
            0,
        );
        // the key derivation is calibrated as restic's: 32 MiB (N = 2^15, r = 8), p for
        // the time, never below OWASP's equivalent of rustic's 2^17/8/1 (p = 3)
        let keys: Vec<_> = fs::read_dir(Path::new(&repo).join("keys"))
            .unwrap()
            .collect();
        assert_eq!(keys.len(), 1);
        let key: serde_json::Value =
            serde_json::from_slice(&fs::read(keys[0].as_ref().unwrap().path()).unwrap()).unwrap();
        assert_eq!(
            (key["N"].as_u64(), key["r"].as_u64()),
            (Some(32768), Some(8)),
            "{key}"
        );
        assert!(
            key["p"].as_u64().is_some_and(|p| (3..=64).contains(&p)),
            "{key}"
        );
        run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
        // change something and back up again so restic sees parents and dedup
        fs::write(src.join("docs/hello.txt"), format!("hello {compression}\n")).unwrap();
        filetime::set_file_mtime(
            src.join("docs/hello.txt"),
            filetime::FileTime::from_unix_time(1_600_000_100, 0),
        )
        .unwrap();
        run(w.cli_repo(&repo).arg("backup").arg(&src), 0);

        restic_ok(restic(&w, &repo).args(["check", "--read-data"]));
        let stats = json(&run(w.cli_repo(&repo).args(["--json", "stats"]), 0));
        let ratio = stats["result"]["compression_ratio"].as_f64().unwrap();
        if compression == "off" {
            assert!(
                (ratio - 1.0).abs() < 0.01,
                "uncompressed repository has ratio {ratio}"
            );
        } else {
            assert!(ratio > 1.2, "compressed repository has ratio {ratio}");
        }
        let snaps: serde_json::Value =
            serde_json::from_str(&restic_ok(restic(&w, &repo).args(["snapshots", "--json"])))
                .unwrap();
        assert_eq!(snaps.as_array().unwrap().len(), 2);

        let target = w.path(&format!("restic-restored-{compression}"));
        restic_ok(
            restic(&w, &repo)
                .args(["restore", "latest", "--target"])
                .arg(&target),
        );
        assert_same_tree(&src, &target.join(rel(&src)));
    }
}

#[test]
fn we_list_and_restore_what_restic_writes() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    for version in ["1", "2"] {
        let repo = w
            .path(&format!("restic-repo-v{version}"))
            .display()
            .to_string();
        restic_ok(restic(&w, &repo).args(["init", "--repository-version", version]));
        restic_ok(
            restic(&w, &repo)
                .args(["backup", "--tag", "from-restic", "--host", "restic-host"])
                .arg(&src),
        );

        let snaps = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0));
        let list = snaps["result"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["host"], "restic-host");
        assert_eq!(list[0]["tags"], serde_json::json!(["from-restic"]));
        let hits = json(&run(
            w.cli_repo(&repo)
                .args(["--json", "find", "secret-notes.md"]),
            0,
        ));
        assert_eq!(hits["result"].as_array().unwrap().len(), 1);

        let target = w.path(&format!("restored-v{version}"));
        run(
            w.cli_repo(&repo)
                .args(["restore", "latest", "--target"])
                .arg(&target),
            0,
        );
        assert_same_tree(&src, &target.join(rel(&src)));

        // we can also add to a restic repository, and restic still agrees
        fs::write(src.join("docs/added-by-us.txt"), "ours").unwrap();
        run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
        fs::remove_file(src.join("docs/added-by-us.txt")).unwrap();
        restic_ok(restic(&w, &repo).args(["check", "--read-data"]));
    }
}

/// Files are cut into chunks exactly where restic cuts them (the repository's Rabin
/// polynomial; our chunker keeps its tables between files), so one repository
/// deduplicates what both write: the same content backed up by the other adds no data.
#[test]
fn chunks_are_cut_where_restic_cuts_them() {
    let w = World::new();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let copy = |from: &Path, to: &Path| {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    };

    // restic first, then us on a copy (another path: no parent to compare with)
    let by_restic = w.path("by-restic");
    make_data(&by_restic, 3, 4);
    restic_ok(restic(&w, &repo).arg("backup").arg(&by_restic));
    let copy_of_restics = w.path("copy-of-restics");
    copy(&by_restic, &copy_of_restics);
    let ours = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "backup"])
            .arg(&copy_of_restics),
        0,
    ));
    let added = ours["result"]["data_added"].as_u64().unwrap();
    assert!(
        added < 64 * 1024,
        "12 MiB restic had already stored added {added} bytes"
    );

    // us first, then restic on a copy
    let by_us = w.path("by-us");
    make_data(&by_us, 3, 4);
    run(w.cli_repo(&repo).arg("backup").arg(&by_us), 0);
    let copy_of_ours = w.path("copy-of-ours");
    copy(&by_us, &copy_of_ours);
    let out = restic_ok(
        restic(&w, &repo)
            .args(["backup", "--json"])
            .arg(&copy_of_ours),
    );
    let summary: serde_json::Value = out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["message_type"] == "summary")
        .expect("restic's summary");
    let added = summary["data_added"].as_u64().unwrap();
    assert!(
        added < 64 * 1024,
        "12 MiB we had already stored added {added} bytes for restic"
    );
    restic_check(&w, &repo);
}

/// Big files go through the whole pipeline: cut on their own thread, their chunks
/// (up to 8 MiB) waiting under the packer's byte budget, compressed by its workers in
/// no fixed order, packs handed to the writer one at a time. What comes out is a
/// repository restic checks byte for byte and restores to the same files, with no
/// chunk stored twice when two files bring it at the same time.
#[test]
fn big_files_back_up_whole_and_restic_restores_them() {
    let w = World::new();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let src = w.path("big");
    make_data(&src, 2, 24);
    // a copy, backed up beside its original: the same chunks reach the packer together
    fs::copy(src.join("data-0.bin"), src.join("copy-of-0.bin")).unwrap();
    let out = json(&run(
        w.cli_repo(&repo).args(["--json", "backup"]).arg(&src),
        0,
    ));
    let added = out["result"]["data_added"].as_u64().unwrap();
    assert!(
        (48 << 20..(48 << 20) + (256 << 10)).contains(&added),
        "48 MiB and a copy of 24 of them added {added} bytes: chunks stored twice"
    );
    restic_check(&w, &repo);
    let target = w.path("restored-by-restic");
    restic_ok(
        restic(&w, &repo)
            .args(["restore", "latest", "--target"])
            .arg(&target),
    );
    let inside = target.join(src.strip_prefix("/").unwrap());
    for name in ["data-0.bin", "data-1.bin", "copy-of-0.bin"] {
        assert!(
            fs::read(src.join(name)).unwrap() == fs::read(inside.join(name)).unwrap(),
            "{name} restored by restic differs"
        );
    }
}
