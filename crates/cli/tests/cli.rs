//! End to end through the built binary on local repositories: backup → restore is
//! byte-identical, and every browsing command answers correctly.

mod common;

use std::{fs, os::unix::fs::MetadataExt};

use common::*;

#[test]
fn backup_restore_roundtrip_is_identical() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, true);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).args(["init", "--compression", "auto"]), 0);
    let out = run(w.cli_repo(&repo).args(["--json", "backup"]).arg(&src), 0);
    let doc = json(&out);
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["command"], "backup");
    let summary = &doc["result"];
    assert!(summary["total_bytes_processed"].as_u64().unwrap() > 150_000_000);
    let snap = summary["snapshot_id"].as_str().unwrap().to_string();

    // full restore, then with --sparse into another folder
    let target = w.path("restored");
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));

    let sparse_target = w.path("restored-sparse");
    run(
        w.cli_repo(&repo)
            .args(["restore", &snap[..10], "--sparse", "--target"])
            .arg(&sparse_target),
        0,
    );
    let sparse = sparse_target
        .join(src.strip_prefix("/").unwrap())
        .join("docs/sparse.img");
    let meta = fs::metadata(&sparse).unwrap();
    assert_eq!(meta.len(), 40_000_000);
    assert!(
        meta.blocks() * 512 < 10_000_000,
        "sparse file restored with {} blocks",
        meta.blocks()
    );
    assert_same_tree(&src, &sparse_target.join(src.strip_prefix("/").unwrap()));

    // an unchanged second backup adds (almost) nothing and has the first as parent
    let out = run(w.cli_repo(&repo).args(["--json", "backup"]).arg(&src), 0);
    let second = json(&out)["result"].clone();
    assert_eq!(second["files_new"], 0);
    assert_eq!(second["files_changed"], 0);
    assert_eq!(second["parent"].as_str().unwrap(), snap);
    assert!(second["data_added_packed"].as_u64().unwrap() < 100_000);
}

#[test]
fn browse_find_dump_diff_stats() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let first = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "backup", "--tag", "first"])
            .arg(&src),
        0,
    ))["result"]["snapshot_id"]
        .as_str()
        .unwrap()
        .to_string();
    fs::write(src.join("docs/hello.txt"), "hello again, longer\n").unwrap();
    fs::write(src.join("docs/new.txt"), "new\n").unwrap();
    fs::remove_file(src.join("docs/run.sh")).unwrap();
    run(
        w.cli_repo(&repo)
            .args(["backup", "--tag", "second", "--host", "elsewhere"])
            .arg(&src),
        0,
    );

    // snapshots, with filters
    let snaps = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0));
    assert_eq!(snaps["result"].as_array().unwrap().len(), 2);
    let tagged = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "snapshots", "--tag", "second"]),
        0,
    ));
    assert_eq!(tagged["result"].as_array().unwrap().len(), 1);
    assert_eq!(tagged["result"][0]["host"], "elsewhere");
    let text = stdout(&run(w.cli_repo(&repo).arg("snapshots"), 0));
    assert!(
        text.contains(&first[..8]) && text.contains("2 snapshots"),
        "{text}"
    );

    // ls: one level by default, everything with --recursive
    let docs = format!("{}/docs", src.display());
    let one = json(&run(
        w.cli_repo(&repo).args(["--json", "ls", "latest", &docs]),
        0,
    ));
    let names = entry_names(&one["result"]["entries"]);
    assert!(
        names.contains(&"private".to_string()) && names.contains(&"new.txt".to_string()),
        "{names:?}"
    );
    assert!(
        !names.contains(&"secret-notes.md".to_string()),
        "ls must not recurse by default: {names:?}"
    );
    let all = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "ls", "latest", &docs, "--recursive"]),
        0,
    ));
    assert!(
        all["result"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"]
                .as_str()
                .unwrap()
                .ends_with("private/secret-notes.md"))
    );
    let link = one["result"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"].as_str().unwrap().ends_with("link-to-hello"))
        .unwrap()
        .clone();
    assert_eq!(link["type"], "symlink");
    assert_eq!(link["link_target"], "hello.txt");

    // find across all snapshots: hello.txt exists in both
    let found = json(&run(
        w.cli_repo(&repo).args(["--json", "find", "hello.*"]),
        0,
    ));
    let hits = found["result"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_ne!(hits[0]["size"], hits[1]["size"]);
    let by_path = json(&run(
        w.cli_repo(&repo).args(["--json", "find", "*/private/*.md"]),
        0,
    ));
    assert_eq!(by_path["result"].as_array().unwrap().len(), 2);
    let none = stdout(&run(
        w.cli_repo(&repo).args(["find", "nothing-like-this"]),
        0,
    ));
    assert!(none.contains("no file matches"));

    // dump the old version of a file
    let out = run(
        w.cli_repo(&repo)
            .args(["dump", &first, &format!("{docs}/hello.txt")]),
        0,
    );
    assert_eq!(out.stdout, b"hello world\n");
    let out = run(w.cli_repo(&repo).args(["dump", "latest", &docs]), 7);
    assert!(stderr(&out).contains("is a dir"), "{}", stderr(&out));

    // diff
    let diff = json(&run(
        w.cli_repo(&repo).args(["--json", "diff", &first, "latest"]),
        0,
    ));
    let changes = diff["result"].as_array().unwrap();
    let change_of = |suffix: &str| {
        changes
            .iter()
            .find(|c| c["path"].as_str().unwrap().ends_with(suffix))
            .map(|c| c["change"].as_str().unwrap().to_string())
    };
    assert_eq!(change_of("docs/hello.txt").as_deref(), Some("changed"));
    assert_eq!(change_of("docs/new.txt").as_deref(), Some("added"));
    assert_eq!(change_of("docs/run.sh").as_deref(), Some("removed"));
    assert_eq!(change_of("docs/random.bin"), None);

    // stats
    let stats = json(&run(w.cli_repo(&repo).args(["--json", "stats"]), 0));
    assert_eq!(stats["result"]["snapshots"], 2);
    assert!(stats["result"]["raw_data_size"].as_u64().unwrap() >= 3_000_000);
    assert_eq!(stats["result"]["repository_version"], 2);
    assert!(
        stats["result"]["latest_restore_size"].as_u64().unwrap() > 40_000_000,
        "the sparse file counts whole"
    );
    assert!(
        stats["result"]["total_restore_size"].as_u64()
            > stats["result"]["latest_restore_size"].as_u64()
    );

    // has-recent-snapshot
    let yes = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "has-recent-snapshot", "--max-age", "1h"]),
        0,
    ));
    assert_eq!(yes["result"]["recent"], true);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    run(
        w.cli_repo(&repo)
            .args(["has-recent-snapshot", "--max-age", "1s"]),
        1,
    );
    run(
        w.cli_repo(&repo)
            .args(["has-recent-snapshot", "--max-age", "1h", "--tag", "nope"]),
        1,
    );
}

/// Browsing reads the trees through its own list of where they are, kept in the
/// local cache: it must follow new backups and prunes, and a damaged list must be
/// rebuilt, never believed.
#[test]
fn the_browsing_cache_follows_the_repository_and_survives_damage() {
    let w = World::new();
    let src = w.path("src");
    fs::create_dir_all(src.join("a")).unwrap();
    fs::write(src.join("a/one.txt"), "one\n").unwrap();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    let names = |w: &World| -> Vec<String> {
        let doc = json(&run(
            w.cli_repo(&repo)
                .args(["--json", "ls", "latest", "--recursive"])
                .arg(&src),
            0,
        ));
        let mut names: Vec<String> = doc["result"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(src.to_str().unwrap())
                    .to_string()
            })
            .collect();
        names.sort();
        names
    };
    // the backup made the list already: it is in the user's cache, encrypted
    let lists: Vec<_> = walkdir(&w.home().join(".cache"))
        .into_iter()
        .filter(|p| {
            p.ends_with("index")
                && p.parent()
                    .and_then(|d| d.parent())
                    .is_some_and(|d| d.ends_with("trees"))
        })
        .collect();
    assert_eq!(lists.len(), 1, "{lists:?}");
    let list = lists[0].clone();
    let bytes = fs::read(&list).unwrap();
    assert!(
        !bytes.windows(8).any(|w| w == b"NPBTREES"),
        "the list is encrypted"
    );
    assert_eq!(names(&w), ["/a", "/a/one.txt"]);
    assert_eq!(fs::read(&list).unwrap(), bytes, "the list was up to date");

    // a new backup adds an index file: its folders are found
    fs::create_dir_all(src.join("b")).unwrap();
    fs::write(src.join("b/two.txt"), "two\n").unwrap();
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    assert_eq!(names(&w), ["/a", "/a/one.txt", "/b", "/b/two.txt"]);

    // a damaged list is rebuilt
    fs::write(&list, b"not what was written").unwrap();
    assert_eq!(names(&w), ["/a", "/a/one.txt", "/b", "/b/two.txt"]);
    assert_ne!(fs::read(&list).unwrap(), b"not what was written");

    // a prune rewrites the index: the old files' trees go, the kept ones are found
    fs::remove_dir_all(src.join("a")).unwrap();
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    run(w.cli_repo(&repo).args(["forget", "--keep-last", "1"]), 0);
    run(w.cli_repo(&repo).args(["prune", "--max-unused", "0"]), 0);
    assert_eq!(names(&w), ["/b", "/b/two.txt"]);
    // and so does a file that is not a folder of the snapshot
    let one = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "ls", "latest"])
            .arg(src.join("b/two.txt")),
        0,
    ));
    assert_eq!(one["result"]["entries"][0]["type"], "file");
}

/// Every file under `dir`.
fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn config_driven_backup_with_excludes_and_inheritance() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    fs::write(src.join("docs/skip.tmp"), "x").unwrap();
    fs::write(src.join("docs/SKIP.LOG"), "x").unwrap();
    fs::create_dir_all(src.join("cache")).unwrap();
    fs::write(
        src.join("cache/CACHEDIR.TAG"),
        "Signature: 8a477f597d28d172789f06886806bc55",
    )
    .unwrap();
    fs::write(src.join("cache/blob"), "cached").unwrap();
    fs::create_dir_all(src.join("marked")).unwrap();
    fs::write(src.join("marked/.nobackup"), "").unwrap();
    fs::write(src.join("excludes.txt"), "# patterns\n*.sh\n").unwrap();
    let cfg = w.config(&format!(
        r#"
[identity]
machine-id = "test-machine"

[groups.base]
uri = "{root}/repos/${{REPO_NAME}}"
password-file = "{pw}"
[groups.base.backup]
paths = ["{src}"]
exclude = ["*.tmp"]
tags = ["group-tag"]

[repos.main]
group = "base"
[repos.main.backup]
iexclude = ["*.log"]
exclude-file = ["{src}/excludes.txt"]
exclude-larger-than = "2 MB"
tags = ["own-tag"]
"#,
        root = w.dir.path().display(),
        pw = w.password_file().display(),
        src = src.display()
    ));
    run(w.cli().arg("-c").arg(&cfg).args(["config", "check"]), 0);
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    let out = run(w.cli().arg("-c").arg(&cfg).args(["--json", "backup"]), 0);
    let doc = json(&out);
    assert_eq!(doc["repository"]["name"], "main");
    assert_eq!(doc["result"]["host"], "test-machine");
    assert_eq!(
        doc["result"]["tags"],
        serde_json::json!(["group-tag", "own-tag"])
    );
    let listing = json(&run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--json", "ls", "latest", "--recursive"]),
        0,
    ));
    let paths: Vec<String> = listing["result"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    let has = |s: &str| paths.iter().any(|p| p.ends_with(s));
    assert!(has("docs/hello.txt"));
    assert!(!has("skip.tmp"), "exclude from the group");
    assert!(!has("SKIP.LOG"), "case-insensitive exclude of the repo");
    assert!(!has("run.sh"), "exclude file");
    assert!(!has("random.bin"), "exclude-larger-than");
    assert!(!has("cache/blob"), "CACHEDIR.TAG (exclude-caches default)");
    assert!(!has("marked"), ".nobackup (exclude-if-present default)");
    assert!(
        w.path("repos/main/config").exists(),
        "uri expanded with ${{REPO_NAME}}"
    );

    // config show marks own and inherited values and masks nothing it should not
    let shown = json(&run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--json", "config", "show", "--repo", "main"]),
        0,
    ));
    let settings = shown["result"]["settings"].as_array().unwrap();
    let get = |k: &str| {
        settings
            .iter()
            .find(|s| s["key"] == k)
            .unwrap_or_else(|| panic!("no {k}"))
            .clone()
    };
    assert_eq!(
        get("uri")["origin"],
        serde_json::json!([{"from": "group", "name": "base"}])
    );
    assert_eq!(
        get("backup.iexclude")["origin"],
        serde_json::json!([{"from": "own"}])
    );
    assert_eq!(
        get("backup.tags")["value"],
        serde_json::json!(["group-tag", "own-tag"])
    );
    let text = stdout(&run(
        w.cli().arg("-c").arg(&cfg).args(["config", "show"]),
        0,
    ));
    assert!(text.contains("# inherited: group base"), "{text}");
    assert!(text.contains("# own"), "{text}");

    // a dry run writes nothing
    let before = json(&run(
        w.cli().arg("-c").arg(&cfg).args(["--json", "snapshots"]),
        0,
    ))["result"]
        .as_array()
        .unwrap()
        .len();
    let dry = json(&run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--json", "backup", "--dry-run"]),
        0,
    ));
    assert_eq!(dry["result"]["snapshot_id"], serde_json::Value::Null);
    let after = json(&run(
        w.cli().arg("-c").arg(&cfg).args(["--json", "snapshots"]),
        0,
    ))["result"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}

#[test]
fn embedded_default_config_works_end_to_end() {
    let w = World::new();
    let docs = w.home().join("Documents");
    fs::create_dir_all(&docs).unwrap();
    fs::write(docs.join("letter.txt"), "Dear reader\n").unwrap();
    run(w.cli().args(["config", "init"]), 0);
    let path = stdout(&run(w.cli().args(["config", "path"]), 0));
    assert!(
        path.trim().ends_with(".config/npbackup/npbackup.toml"),
        "{path}"
    );
    run(w.cli().args(["config", "check"]), 0);
    run(w.cli().arg("init"), 0);
    run(w.cli().arg("backup"), 0);
    let target = w.path("out");
    run(
        w.cli().args(["restore", "latest", "--target"]).arg(&target),
        0,
    );
    assert_eq!(
        fs::read_to_string(
            target
                .join(docs.strip_prefix("/").unwrap())
                .join("letter.txt")
        )
        .unwrap(),
        "Dear reader\n"
    );
    // a second `config init` refuses to overwrite
    run(w.cli().args(["config", "init"]), 7);
}

#[test]
fn restore_overwrite_policies_and_includes() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    let docs = src.join("docs");
    let target = w.path("target");
    let restored_docs = target.join(docs.strip_prefix("/").unwrap());

    // include: only one folder
    run(
        w.cli_repo(&repo)
            .args([
                "restore",
                "latest",
                "--include",
                &format!("{}/private", docs.display()),
                "--target",
            ])
            .arg(&target),
        0,
    );
    assert!(restored_docs.join("private/secret-notes.md").exists());
    assert!(!restored_docs.join("hello.txt").exists());

    // never: existing files are left alone and listed, the rest is restored
    fs::write(
        restored_docs.join("private/secret-notes.md"),
        "changed locally",
    )
    .unwrap();
    let out = run(
        w.cli_repo(&repo)
            .args([
                "--json",
                "restore",
                "latest",
                "--overwrite",
                "never",
                "--target",
            ])
            .arg(&target),
        9,
    );
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["kind"], "partial");
    let conflicts = doc["result"]["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert!(
        conflicts[0]
            .as_str()
            .unwrap()
            .ends_with("private/secret-notes.md")
    );
    assert_eq!(
        fs::read_to_string(restored_docs.join("private/secret-notes.md")).unwrap(),
        "changed locally"
    );
    assert_eq!(
        fs::read_to_string(restored_docs.join("hello.txt")).unwrap(),
        "hello world\n"
    );

    // dry run with if-changed: reports, writes nothing
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--dry-run", "--target"])
            .arg(&target),
        0,
    );
    assert_eq!(
        fs::read_to_string(restored_docs.join("private/secret-notes.md")).unwrap(),
        "changed locally"
    );

    // if-changed replaces the changed file
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--overwrite", "if-changed", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));

    // always catches a change that keeps size and mtime
    let notes = restored_docs.join("private/secret-notes.md");
    let meta = fs::metadata(&notes).unwrap();
    let mut text = fs::read(&notes).unwrap();
    text[0] = b'X';
    fs::write(&notes, &text).unwrap();
    filetime::set_file_mtime(
        &notes,
        filetime::FileTime::from_last_modification_time(&meta),
    )
    .unwrap();
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--overwrite", "always", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));
}

#[test]
fn completions_and_man_pages() {
    let w = World::new();
    let out = run(w.cli().args(["completions", "bash"]), 0);
    assert!(stdout(&out).contains("npbackup-cli"));
    let man = w.path("man");
    run(w.cli().args(["man", "--out"]).arg(&man), 0);
    assert!(man.join("npbackup-cli.1").exists());
    assert!(man.join("npbackup-cli-backup.1").exists());
    let help = stdout(&run(w.cli().arg("--help"), 0));
    assert!(help.contains("NPBackup") && help.contains("Exit codes"));
}

#[test]
fn backup_flags_on_the_command_line() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    fs::write(src.join("docs/a.TMP"), "x").unwrap();
    fs::create_dir_all(src.join("skipme")).unwrap();
    fs::write(src.join("skipme/.keepout"), "").unwrap();
    fs::write(src.join("skipme/data"), "x").unwrap();
    fs::create_dir_all(src.join("cache")).unwrap();
    fs::write(
        src.join("cache/CACHEDIR.TAG"),
        "Signature: 8a477f597d28d172789f06886806bc55",
    )
    .unwrap();
    fs::write(w.path("ex.txt"), "*.md\n").unwrap();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let out = run(
        w.cli_repo(&repo)
            .args([
                "--json",
                "backup",
                "--exclude",
                "*.sh",
                "--iexclude",
                "*.tmp",
                "--exclude-if-present",
                ".keepout",
            ])
            .args([
                "--exclude-caches",
                "--exclude-larger-than",
                "1MB",
                "--tag",
                "a",
                "--tag",
                "b",
                "--host",
                "h1",
                "--exclude-file",
            ])
            .arg(w.path("ex.txt"))
            .arg(&src),
        0,
    );
    let doc = json(&out);
    assert_eq!(doc["result"]["host"], "h1");
    assert_eq!(doc["result"]["tags"], serde_json::json!(["a", "b"]));
    let listing = json(&run(
        w.cli_repo(&repo).args(["--json", "ls", "latest", "-R"]),
        0,
    ));
    let paths: Vec<String> = listing["result"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    let has = |s: &str| paths.iter().any(|p| p.ends_with(s));
    assert!(has("docs/hello.txt"));
    for gone in [
        "run.sh",
        "a.TMP",
        "skipme",
        "cache/CACHEDIR.TAG",
        "random.bin",
        "secret-notes.md",
    ] {
        assert!(!has(gone), "{gone} should be excluded: {paths:?}");
    }
}
