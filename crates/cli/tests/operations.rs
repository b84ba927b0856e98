//! Repository operations end to end: retention decided exactly as restic decides,
//! forget/prune/check/repair/housekeeping leave a repository restic agrees with,
//! and key management never locks the user out.

mod common;

use std::{collections::BTreeSet, fs};

use common::*;

/// A repository with `n` snapshots at fabricated times going back about five years,
/// some tagged, on two hosts. Five years, so that every `keep-*` bucket below is
/// filled: where one is not, rustic_core (like restic >= 0.17) also keeps the
/// oldest snapshot, while Debian's restic 0.14 does not.
fn repo_with_history(w: &World, n: usize) -> String {
    let src = w.path("src");
    fs::create_dir_all(&src).unwrap();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let now = jiff::Timestamp::now();
    for i in 0..n {
        // denser recently, sparser in the past; odd hours so daily/hourly buckets differ
        let hours_ago = (i * i * 22 + i * 5) as i64;
        let t = now
            - jiff::SignedDuration::from_hours(hours_ago)
            - jiff::SignedDuration::from_mins((i * 13) as i64);
        fs::write(src.join("file.txt"), format!("version {i}")).unwrap();
        let host = if i % 5 == 4 { "laptop" } else { "desktop" };
        let mut cmd = w.cli_repo(&repo);
        cmd.args(["backup", "-q", "--host", host, "--time", &t.to_string()])
            .arg(&src);
        if i % 7 == 3 {
            cmd.args(["--tag", "important"]);
        }
        run(&mut cmd, 0);
    }
    repo
}

fn our_kept(w: &World, repo: &str, flags: &[&str]) -> BTreeSet<String> {
    let out = run(
        w.cli_repo(repo)
            .args(["--json", "forget", "--dry-run"])
            .args(flags),
        0,
    );
    json(&out)["result"]["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["keep"] == true)
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

fn restic_kept(w: &World, repo: &str, flags: &[&str]) -> BTreeSet<String> {
    let out = restic_ok(
        restic(w, repo)
            .args(["forget", "--dry-run", "--json"])
            .args(flags),
    );
    let groups: serde_json::Value = serde_json::from_str(&out).unwrap();
    groups
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["keep"].as_array().cloned().unwrap_or_default())
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn retention_keeps_exactly_what_restic_keeps() {
    let w = World::new();
    let repo = repo_with_history(&w, 45);
    let policies: &[&[&str]] = &[
        &["--keep-last", "5"],
        &[
            "--keep-daily",
            "7",
            "--keep-weekly",
            "4",
            "--keep-monthly",
            "12",
            "--keep-yearly",
            "3",
        ],
        &["--keep-hourly", "10", "--keep-daily", "3"],
        &["--keep-within", "90d"],
        &["--keep-monthly", "6", "--keep-tag", "important"],
        &["--keep-last", "2", "--group-by", "host"],
    ];
    for flags in policies {
        let ours = our_kept(&w, &repo, flags);
        let theirs = restic_kept(&w, &repo, flags);
        assert!(!ours.is_empty(), "{flags:?} keeps something");
        if ours != theirs {
            let out = run(
                w.cli_repo(&repo)
                    .args(["--json", "forget", "--dry-run"])
                    .args(*flags),
                0,
            );
            let decisions = json(&out)["result"]["snapshots"].clone();
            let explain: Vec<String> = decisions
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| {
                    ours.contains(s["id"].as_str().unwrap())
                        != theirs.contains(s["id"].as_str().unwrap())
                })
                .map(|s| {
                    format!(
                        "{} {} {} ours={} reasons={}",
                        &s["id"].as_str().unwrap()[..8],
                        s["time"],
                        s["host"],
                        s["keep"],
                        s["reasons"]
                    )
                })
                .collect();
            panic!(
                "policy {flags:?}: we keep {}, restic {}; differing:\n{}",
                ours.len(),
                theirs.len(),
                explain.join("\n")
            );
        }
    }
    // the gfs preset is the same as its rules
    assert_eq!(
        our_kept(&w, &repo, &["--preset", "gfs"]),
        restic_kept(
            &w,
            &repo,
            &[
                "--keep-daily",
                "7",
                "--keep-weekly",
                "4",
                "--keep-monthly",
                "12",
                "--keep-yearly",
                "3"
            ]
        )
    );
    // a real forget removes exactly the others, and restic agrees afterwards
    let expected = restic_kept(&w, &repo, &["--keep-last", "5"]);
    run(w.cli_repo(&repo).args(["forget", "--keep-last", "5"]), 0);
    let left: BTreeSet<String> =
        json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0))["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect();
    assert_eq!(left, expected);
}

#[test]
fn forget_prune_check_repair_keep_the_repository_sound() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let first = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "backup", "--tag", "old"])
            .arg(&src),
        0,
    ))["result"]["snapshot_id"]
        .as_str()
        .unwrap()
        .to_string();
    fs::remove_file(src.join("docs/random.bin")).unwrap();
    run(
        w.cli_repo(&repo).args(["backup", "--tag", "new"]).arg(&src),
        0,
    );

    // forget by id, dry run first
    let dry = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "forget", "--dry-run", &first[..8]]),
        0,
    ));
    assert_eq!(dry["result"]["removed"], 1);
    assert_eq!(
        json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0))["result"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    run(w.cli_repo(&repo).args(["forget", &first]), 0);
    assert_eq!(
        json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0))["result"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // prune frees random.bin's data, which only the forgotten snapshot used
    let before =
        json(&run(w.cli_repo(&repo).args(["--json", "stats"]), 0))["result"]["stored_size"]
            .as_u64()
            .unwrap();
    let pruned = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "prune", "--max-unused", "0%"]),
        0,
    ));
    assert!(
        pruned["result"]["packs_removed"].as_u64().unwrap()
            + pruned["result"]["packs_repacked"].as_u64().unwrap()
            > 0,
        "{pruned}"
    );
    let after = json(&run(w.cli_repo(&repo).args(["--json", "stats"]), 0))["result"]["stored_size"]
        .as_u64()
        .unwrap();
    assert!(
        after + 2_000_000 < before,
        "prune freed space: {before} -> {after}"
    );
    restic_ok(restic(&w, &repo).args(["check", "--read-data"]));

    // our check, quick and with data
    let checked = json(&run(w.cli_repo(&repo).args(["--json", "check"]), 0));
    assert_eq!(checked["result"]["errors"].as_array().unwrap().len(), 0);
    run(
        w.cli_repo(&repo)
            .args(["check", "--read-data-subset", "50%"]),
        0,
    );
    run(w.cli_repo(&repo).args(["check", "--read-data"]), 0);

    // forget by tag
    run(
        w.cli_repo(&repo)
            .args(["backup", "--tag", "temp"])
            .arg(&src),
        0,
    );
    run(w.cli_repo(&repo).args(["forget", "--tag", "temp"]), 0);
    let tags: Vec<String> =
        json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0))["result"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| {
                s["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
    assert_eq!(tags, vec!["new".to_string()]);

    // lose the index: repair rebuilds it from the packs
    for e in fs::read_dir(w.path("repo/index")).unwrap() {
        fs::remove_file(e.unwrap().path()).unwrap();
    }
    let out = w.cli_repo(&repo).arg("check").output().unwrap();
    assert!(!out.status.success(), "check notices the missing index");
    run(w.cli_repo(&repo).args(["repair", "index"]), 0);
    run(w.cli_repo(&repo).args(["check", "--read-data"]), 0);
    restic_ok(restic(&w, &repo).args(["check", "--read-data"]));
    let target = w.path("restored");
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));

    // an empty policy is refused instead of forgetting everything
    let out = run(w.cli_repo(&repo).arg("forget"), 2);
    assert!(
        stderr(&out).contains("nothing to forget"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn housekeeping_runs_in_order_and_stops_at_the_first_failure() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let repo = w.path("repo");
    let cfg = w.config(&format!(
        "[repos.main]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.main.retention]\nkeep-last = 2\n",
        repo.display(),
        w.password_file().display()
    ));
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    for i in 0..4 {
        fs::write(src.join("docs/counter.txt"), format!("{i}")).unwrap();
        run(w.cli().arg("-c").arg(&cfg).arg("backup").arg(&src), 0);
    }
    let out = json(&run(
        w.cli().arg("-c").arg(&cfg).args(["--json", "housekeeping"]),
        0,
    ));
    assert_eq!(out["result"]["forget"]["removed"], 2);
    assert_eq!(
        out["result"]["check"]["errors"].as_array().unwrap().len(),
        0
    );
    assert_eq!(
        json(&run(
            w.cli().arg("-c").arg(&cfg).args(["--json", "snapshots"]),
            0
        ))["result"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    restic_ok(restic(&w, &repo.display().to_string()).args(["check", "--read-data"]));

    // damage a pack: housekeeping stops at check and forgets nothing
    for i in 0..2 {
        fs::write(src.join("docs/counter.txt"), format!("more {i}")).unwrap();
        run(w.cli().arg("-c").arg(&cfg).arg("backup").arg(&src), 0);
    }
    // the newest pack holds the latest backup's data
    let pack = common::walk(&repo.join("data"))
        .into_iter()
        .filter(|p| p.is_file())
        .max_by_key(|p| fs::metadata(p).unwrap().modified().unwrap())
        .unwrap();
    let mut bytes = fs::read(&pack).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    fs::write(&pack, bytes).unwrap();
    let out = w
        .cli()
        .arg("-c")
        .arg(&cfg)
        .args(["housekeeping", "--read-data"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(8), "{err}");
    assert!(err.contains("housekeeping stopped at check"), "{err}");
    assert_eq!(
        json(&run(
            w.cli().arg("-c").arg(&cfg).args(["--json", "snapshots"]),
            0
        ))["result"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // without a policy, housekeeping refuses to start
    let bare = w.path("bare.toml");
    fs::write(
        &bare,
        format!(
            "[repos.x]\nuri = \"{}\"\npassword-file = \"{}\"\n",
            repo.display(),
            w.password_file().display()
        ),
    )
    .unwrap();
    let out = run(w.cli().arg("-c").arg(&bare).arg("housekeeping"), 2);
    assert!(
        stderr(&out).contains("needs a retention policy"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn keys_add_remove_and_change_password() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    let keys = json(&run(w.cli_repo(&repo).args(["--json", "key", "list"]), 0));
    assert_eq!(keys["result"].as_array().unwrap().len(), 1);
    let original = keys["result"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(keys["result"][0]["current"], true);

    // the key in use can never be removed
    let out = run(w.cli_repo(&repo).args(["key", "remove", &original[..8]]), 7);
    assert!(stderr(&out).contains("in use"), "{}", stderr(&out));

    // add a second password; both open the repository
    let second = w.path("second-password");
    fs::write(&second, "second-password-value\n").unwrap();
    let added = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "key", "add", "--new-password-file"])
            .arg(&second),
        0,
    ));
    let added_id = added["result"]["added"].as_str().unwrap().to_string();
    run(
        w.cli()
            .args(["-r", &repo, "--password-file"])
            .arg(&second)
            .arg("snapshots"),
        0,
    );
    restic_ok(restic(&w, &repo).args(["key", "list"]));
    // remove it again
    run(w.cli_repo(&repo).args(["key", "remove", &added_id]), 0);
    run(
        w.cli()
            .args(["-r", &repo, "--password-file"])
            .arg(&second)
            .arg("snapshots"),
        4,
    );

    // change the password: the new one works, the old one no longer does
    let newer = w.path("newer-password");
    fs::write(&newer, "a-brand-new-passphrase\n").unwrap();
    run(
        w.cli_repo(&repo)
            .args(["key", "passwd", "--new-password-file"])
            .arg(&newer),
        0,
    );
    run(w.cli_repo(&repo).arg("snapshots"), 4);
    run(
        w.cli()
            .args(["-r", &repo, "--password-file"])
            .arg(&newer)
            .arg("snapshots"),
        0,
    );
    // restic opens the repository with the new password
    restic_ok(
        restic(&w, &repo)
            .env("RESTIC_PASSWORD_FILE", &newer)
            .args(["check", "--read-data"]),
    );
}

#[test]
fn copy_between_repositories() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let cfg = w.config(&format!(
        "[groups.g]\nuri = \"{root}/${{REPO_NAME}}\"\npassword-file = \"{pw}\"\n[repos.main]\ngroup = \"g\"\n[repos.mirror]\ngroup = \"g\"\n[repos.stranger]\ngroup = \"g\"\n",
        root = w.dir.path().display(),
        pw = w.password_file().display()
    ));
    let cli = |args: &[&str]| {
        let mut c = w.cli();
        c.arg("-c").arg(&cfg).args(args);
        c
    };
    run(&mut cli(&["--repo", "main", "init"]), 0);
    run(
        &mut cli(&[
            "--repo",
            "mirror",
            "init",
            "--copy-chunker-params-from",
            "main",
        ]),
        0,
    );
    run(&mut cli(&["--repo", "stranger", "init"]), 0);
    run(cli(&["--repo", "main", "backup"]).arg(&src), 0);
    fs::write(
        src.join("docs/hello.txt"),
        "changed for the second snapshot\n",
    )
    .unwrap();
    run(cli(&["--repo", "main", "backup"]).arg(&src), 0);

    let out = json(&run(
        &mut cli(&["--repo", "main", "--json", "copy", "--to", "mirror"]),
        0,
    ));
    assert_eq!(out["result"]["copied"].as_array().unwrap().len(), 2);
    // a second copy finds nothing missing
    let out = json(&run(
        &mut cli(&["--repo", "main", "--json", "copy", "--to", "mirror"]),
        0,
    ));
    assert_eq!(out["result"]["copied"].as_array().unwrap().len(), 0);
    assert_eq!(out["result"]["already_there"], 2);
    let mirror = w.path("mirror").display().to_string();
    restic_ok(restic(&w, &mirror).args(["check", "--read-data"]));
    let target = w.path("restored");
    run(
        cli(&["--repo", "mirror", "restore", "latest", "--target"]).arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));
    // a repository with other chunker parameters is refused, clearly
    let out = run(&mut cli(&["--repo", "main", "copy", "--to", "stranger"]), 7);
    assert!(
        stderr(&out).contains("different chunker settings"),
        "{}",
        stderr(&out)
    );
}
