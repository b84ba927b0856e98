//! Every refusal the CLI promises: a clear message, the documented exit code,
//! nothing lost, no panic, no password printed (checked by `run`).

mod common;

use std::fs;

use common::*;

fn repo_with_backup(w: &World) -> (String, std::path::PathBuf) {
    let src = w.path("src");
    fs::create_dir_all(src.join("d")).unwrap();
    fs::write(src.join("d/file.txt"), "content\n").unwrap();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    (repo, src)
}

#[test]
fn wrong_password_is_refused() {
    let w = World::new();
    let (repo, _) = repo_with_backup(&w);
    let out = run(
        w.cli()
            .args(["-r", &repo, "snapshots"])
            .env("NPBACKUP_PASSWORD", "not-the-password"),
        4,
    );
    assert!(stderr(&out).contains("wrong password"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("not-the-password"));
    let out = run(
        w.cli()
            .args(["--json", "-r", &repo, "snapshots"])
            .env("RESTIC_PASSWORD", "also-wrong-pw"),
        4,
    );
    assert_eq!(json(&out)["error"]["kind"], "credentials");
    assert!(!stdout(&out).contains("also-wrong-pw"));
    // no password at all
    let out = run(w.cli().args(["-r", &repo, "snapshots"]), 4);
    assert!(
        stderr(&out).contains("no password given"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn uninitialised_repository_says_run_init() {
    let w = World::new();
    let out = run(
        w.cli_repo(&w.path("nothing-here").display().to_string())
            .arg("snapshots"),
        5,
    );
    assert!(
        stderr(&out).contains("npbackup-cli init"),
        "{}",
        stderr(&out)
    );
    // an existing repository is never initialised twice
    let (repo, _) = repo_with_backup(&w);
    let out = run(w.cli_repo(&repo).arg("init"), 7);
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    // a too short password is refused at init
    let out = run(
        w.cli()
            .args(["-r", &w.path("r2").display().to_string(), "init"])
            .env("NPBACKUP_PASSWORD", "short"),
        4,
    );
    assert!(stderr(&out).contains("too short"));
}

#[test]
fn unreachable_backend_and_fallback() {
    let w = World::new();
    let (repo, src) = repo_with_backup(&w);
    let dead = free_port();
    let cfg = w.config(&format!(
        r#"
[repos.offline]
uri = "rest:http://127.0.0.1:{dead}/repo"
password-file = "{pw}"
[repos.offline.backend-options]
retry = "1"

[repos.mirrored]
uri = "rest:http://user:hunter2hunter2@127.0.0.1:{dead}/repo"
fallback-uris = ["{repo}"]
password-file = "{pw}"
[repos.mirrored.backend-options]
retry = "1"
"#,
        pw = w.password_file().display()
    ));
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--repo", "offline", "snapshots"]),
        6,
    );
    let err = stderr(&out);
    assert!(
        err.contains("cannot be reached") && err.contains(&format!("127.0.0.1:{dead}")),
        "{err}"
    );

    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--repo", "mirrored", "--json", "snapshots"]),
        0,
    );
    let doc = json(&out);
    assert_eq!(doc["repository"]["fallback"], 1);
    assert_eq!(doc["repository"]["uri"], repo.as_str());
    assert_eq!(doc["result"].as_array().unwrap().len(), 1);
    // the job's warning is in the document, not on stderr
    let warned = doc["warnings"].to_string();
    assert!(warned.contains("using fallback #1"), "{doc}");
    assert!(!warned.contains("hunter2hunter2"), "{doc}");
    assert!(!stderr(&out).contains("fallback"), "{}", stderr(&out));
    // without --json, said once on stderr (as a warning of the job)
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--repo", "mirrored", "snapshots"]),
        0,
    );
    let err = stderr(&out);
    assert_eq!(err.matches("using fallback #1").count(), 1, "{err}");
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--repo", "mirrored", "backup"])
            .arg(&src),
        0,
    );
    let err = stderr(&out);
    assert!(err.contains("using fallback #1"), "{err}");
    assert!(
        !err.contains("hunter2hunter2"),
        "a URI password leaked: {err}"
    );
}

#[test]
fn missing_source_is_refused_before_writing() {
    let w = World::new();
    let (repo, src) = repo_with_backup(&w);
    let out = run(
        w.cli_repo(&repo)
            .arg("backup")
            .arg(&src)
            .arg(w.path("does-not-exist")),
        7,
    );
    assert!(stderr(&out).contains("does-not-exist"), "{}", stderr(&out));
    let snaps = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0));
    assert_eq!(
        snaps["result"].as_array().unwrap().len(),
        1,
        "no snapshot may be written"
    );
}

#[test]
fn repository_as_source_is_refused() {
    let w = World::new();
    let (repo, _) = repo_with_backup(&w);
    let out = run(w.cli_repo(&repo).arg("backup").arg(&repo), 7);
    assert!(
        stderr(&out).contains("cannot back itself up"),
        "{}",
        stderr(&out)
    );
    let out = run(
        w.cli_repo(&repo).arg("backup").arg(format!("{repo}/data")),
        7,
    );
    assert!(
        stderr(&out).contains("cannot back itself up"),
        "{}",
        stderr(&out)
    );
    // the repository inside a source is left out, not backed up into itself
    let out = run(
        w.cli_repo(&repo)
            .args(["--json", "backup"])
            .arg(w.dir.path()),
        0,
    );
    assert!(
        json(&out)["result"]["excluded_repository"]
            .as_str()
            .unwrap()
            .ends_with("/repo")
    );
    let listing = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "ls", "latest", "--recursive"]),
        0,
    ));
    assert!(
        !listing["result"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"].as_str().unwrap().contains("/repo/"))
    );
}

#[test]
fn malformed_and_unknown_config_keys_are_located() {
    let w = World::new();
    let cfg = w.config(
        "[repos.a]\nuri = \"/tmp/x\"\npassword-env = \"PW\"\ncompresion = 3\n\n[repos.a.backup]\npaths = \"/home\"\nexclude-larger-than = \"lots\"\n[repos.a.retention]\nkeep-daily = \"seven\"\n",
    );
    let out = run(w.cli().arg("-c").arg(&cfg).args(["config", "check"]), 3);
    let err = stderr(&out);
    let file = cfg.display().to_string();
    assert!(
        err.contains(&format!("{file}:4: repos.a.compresion: unknown field")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:7: repos.a.backup.paths")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:8: repos.a.backup.exclude-larger-than")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:10: repos.a.retention.keep-daily")),
        "{err}"
    );
    assert!(err.contains("4 problems"), "{err}");

    // JSON lists the problems too
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--json", "config", "check"]),
        3,
    );
    assert_eq!(json(&out)["error"]["problems"].as_array().unwrap().len(), 4);

    // broken TOML
    let bad = w.path("bad.toml");
    fs::write(&bad, "[repos.a]\nuri = \"/x\"\npaths = [\n").unwrap();
    let out = run(w.cli().arg("-c").arg(&bad).arg("snapshots"), 3);
    assert!(stderr(&out).contains("bad.toml:"), "{}", stderr(&out));

    // a missing config file
    let out = run(
        w.cli().arg("-c").arg(w.path("nope.toml")).arg("snapshots"),
        3,
    );
    assert!(stderr(&out).contains("config init"), "{}", stderr(&out));

    // an inline password in a file others can read
    let open = w.path("open.toml");
    fs::write(
        &open,
        format!("[repos.a]\nuri = \"/x\"\npassword = \"{PASSWORD}\"\n"),
    )
    .unwrap();
    fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let out = run(w.cli().arg("-c").arg(&open).args(["config", "check"]), 3);
    assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));

    // an unknown repository name
    let good = w.config(&format!(
        "[repos.a]\nuri = \"/x\"\npassword-file = \"{}\"\n",
        w.password_file().display()
    ));
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&good)
            .args(["--repo", "b", "snapshots"]),
        2,
    );
    assert!(
        stderr(&out).contains("no repository named `b`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn restore_never_overwrites_and_lists_conflicts() {
    let w = World::new();
    let (repo, src) = repo_with_backup(&w);
    let target = w.path("target");
    let existing = target
        .join(src.strip_prefix("/").unwrap())
        .join("d/file.txt");
    fs::create_dir_all(existing.parent().unwrap()).unwrap();
    fs::write(&existing, "mine, keep me").unwrap();
    let out = run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--overwrite", "never", "--target"])
            .arg(&target),
        9,
    );
    assert!(stdout(&out).contains("d/file.txt"), "{}", stdout(&out));
    assert_eq!(fs::read_to_string(&existing).unwrap(), "mine, keep me");
    // a target that is a file
    let file_target = w.path("a-file");
    fs::write(&file_target, "x").unwrap();
    let out = run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--target"])
            .arg(&file_target),
        7,
    );
    assert!(stderr(&out).contains("not a folder"));
    // an include that is not in the snapshot
    let out = run(
        w.cli_repo(&repo)
            .args([
                "restore",
                "latest",
                "--include",
                "/no/such/path",
                "--target",
            ])
            .arg(&target),
        7,
    );
    assert!(stderr(&out).contains("does not exist in snapshot"));
}

#[test]
fn snapshot_ids_that_match_nothing_or_several() {
    let w = World::new();
    let (repo, src) = repo_with_backup(&w);
    // make enough snapshots that some share a first hex digit
    for i in 0..17 {
        fs::write(src.join("d/file.txt"), format!("v{i}")).unwrap();
        run(w.cli_repo(&repo).args(["backup", "-q"]).arg(&src), 0);
    }
    let out = run(w.cli_repo(&repo).args(["ls", "0000000000000000"]), 7);
    assert!(
        stderr(&out).contains("no snapshot matches"),
        "{}",
        stderr(&out)
    );
    let ids: Vec<String> = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0))["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let prefix = (0..16u8)
        .map(|d| format!("{d:x}"))
        .find(|p| ids.iter().filter(|i| i.starts_with(p.as_str())).count() > 1)
        .expect("18 snapshots share a first hex digit");
    let out = run(w.cli_repo(&repo).args(["ls", &prefix]), 7);
    assert!(
        stderr(&out).contains("matches") && stderr(&out).contains("give more characters"),
        "{}",
        stderr(&out)
    );
    let out = run(w.cli_repo(&repo).args(["ls", "not-hex!"]), 7);
    assert!(stderr(&out).contains("not a snapshot id"));
    let out = run(
        w.cli_repo(&repo).args(["ls", "latest", "/no/such/folder"]),
        7,
    );
    assert!(stderr(&out).contains("does not exist in snapshot"));
    // an empty repository has no `latest`
    let empty = w.path("empty").display().to_string();
    run(w.cli_repo(&empty).arg("init"), 0);
    let out = run(
        w.cli_repo(&empty)
            .args(["restore", "latest", "--target"])
            .arg(w.path("t2")),
        7,
    );
    assert!(stderr(&out).contains("no snapshot yet"), "{}", stderr(&out));
}

#[test]
fn restic_environment_never_overrides_the_config() {
    let w = World::new();
    let (repo, _) = repo_with_backup(&w);
    let cfg = w.config(&format!(
        "[repos.mine]\nuri = \"{repo}\"\npassword-file = \"{}\"\n",
        w.password_file().display()
    ));
    // a restic user's shell points somewhere else entirely
    let out = run(
        w.cli()
            .env("NPBACKUP_CONFIG", &cfg)
            .env("RESTIC_REPOSITORY", w.path("other").display().to_string())
            .env("RESTIC_PASSWORD", "some-other-password")
            .args(["--json", "snapshots"]),
        0,
    );
    assert_eq!(json(&out)["repository"]["name"], "mine");
    // without any config, restic's variables are honoured
    let out = run(
        w.cli()
            .env("RESTIC_REPOSITORY", &repo)
            .env("RESTIC_PASSWORD_FILE", w.password_file())
            .args(["--json", "snapshots"]),
        0,
    );
    assert_eq!(json(&out)["result"].as_array().unwrap().len(), 1);
    // a missing local folder hints at an unmounted drive
    let out = run(w.cli_repo("/media/not-plugged-in/repo").arg("snapshots"), 5);
    assert!(
        stderr(&out).contains("is that drive connected"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_password_command_from_a_config_others_can_write_is_not_run() {
    let w = World::new();
    let (repo, _) = repo_with_backup(&w);
    let marker = w.path("ran");
    let cfg = w.config(&format!(
        "[repos.a]\nuri = \"{repo}\"\npassword-command = \"sh -c 'touch {}; cat {}'\"\n",
        marker.display(),
        w.password_file().display()
    ));
    run(w.cli().arg("-c").arg(&cfg).arg("snapshots"), 0);
    fs::remove_file(&marker).unwrap();
    fs::set_permissions(&cfg, std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    let out = run(w.cli().arg("-c").arg(&cfg).arg("snapshots"), 3);
    assert!(
        stderr(&out).contains("writable by other users"),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists(), "the command did not run");
}
