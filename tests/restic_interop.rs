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
