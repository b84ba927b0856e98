//! Coming from NPBackup 3: the original's own CLI test configuration
//! (`tests/npbackup-cli-test-linux.yaml` of netinvent/npbackup) run with its command
//! line against a real repository, checking its JSON envelope's fields as its own
//! tests (`tests/test_npbackup-cli.py`) do; its exit codes; and `config import`
//! writing a configuration our own commands then use.

mod common;

use std::{fs, path::PathBuf};

use common::*;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../migrate/tests/fixtures/npbackup")
        .join(name)
}

/// The original's test configuration, pointed at this world's repository and data,
/// as its own test points it at temporary folders.
fn its_config(w: &World) -> PathBuf {
    let text = fs::read_to_string(fixture("tests/npbackup-cli-test-linux.yaml")).unwrap();
    let text = text
        .replace(
            "repo_uri: ./test",
            &format!("repo_uri: {}", w.path("repo").display()),
        )
        .replace(
            "- ../npbackup/npbackup",
            &format!("- {}", w.path("data/npbackup").display()),
        )
        // the original's test waits up to 6 s before each backup: not here
        .replace(
            "random_delay_before_backup: 0.1",
            "random_delay_before_backup: 0",
        )
        // a new repository needs 8 characters here (the original's "test" would open
        // an existing repository, but not create one)
        .replace("repo_password: test", "repo_password: test-password");
    let pkg = w.path("data/npbackup/npbackup");
    fs::create_dir_all(pkg.join("gui")).unwrap();
    fs::write(
        pkg.join("__version__.py"),
        "__intname__ = \"npbackup\"\n\"pv\": sys.version_info,\n",
    )
    .unwrap();
    fs::write(pkg.join("gui/__main__.py"), "print('gui')\n").unwrap();
    // above the file's minimum_backup_size_error (400 Kib = 51,200 bytes)
    fs::write(pkg.join("core.py"), "# the runner\n".repeat(5_000)).unwrap();
    let conf = w.path("npbackup-cli-test-linux.yaml");
    fs::write(&conf, text).unwrap();
    conf
}

/// `npbackup-cli -c CONF ARGS…` (the original's syntax), expecting `code`.
fn its(w: &World, conf: &PathBuf, args: &[&str], code: i32) -> std::process::Output {
    let mut cmd = w.cli();
    cmd.arg("-c").arg(conf).args(args);
    run(&mut cmd, code)
}

fn its_json(w: &World, conf: &PathBuf, args: &[&str]) -> Value {
    let out = its(w, conf, args, 0);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn the_originals_own_test_sequence_passes() {
    let w = World::new();
    let conf = its_config(&w);

    let v = its_json(&w, &conf, &["--check-config-file", "--json"]);
    assert_eq!(v["result"], true);
    assert_eq!(v["reason"], "Config file seems valid");

    // has_no_recent_snapshots, on no repository yet
    let v = its_json(&w, &conf, &["--has-recent-snapshot", "--json"]);
    assert_eq!(v["result"], false, "{v}");

    let out = its(&w, &conf, &["--init"], 0);
    assert!(
        stderr(&out).contains("init"),
        "the notice names the new command"
    );

    // has_no_recent_snapshots
    let v = its_json(&w, &conf, &["--has-recent-snapshot", "--json"]);
    assert_eq!(v["result"], false, "{v}");
    assert_eq!(v["operation"], "has_recent_snapshot");
    assert_eq!(v["args"]["delta"], 1435);

    // create_backup: the notice names what runs instead
    let out = its(&w, &conf, &["-b"], 0);
    let notice = stderr(&out);
    assert!(
        notice.contains(
            "NPBackup 3 command line; running: npbackup-cli --repo default backup --scheduled"
        ),
        "{notice}"
    );

    let v = its_json(&w, &conf, &["--has-recent-snapshot", "--json"]);
    assert_eq!(v["result"], true, "{v}");
    assert!(v["output"]["data"].as_str().unwrap().starts_with("20"));

    // snapshots: restic's shape
    let v = its_json(&w, &conf, &["--snapshots", "--json"]);
    assert_eq!(v["result"], true);
    assert_eq!(v["operation"], "snapshots");
    assert_eq!(v["output"].as_array().unwrap().len(), 1);
    let snap = &v["output"][0];
    assert_eq!(snap["id"].as_str().unwrap().len(), 64);
    assert!(snap["hostname"].is_string() && snap["time"].is_string());
    for key in [
        "additional_error_info",
        "additional_warning_info",
        "exec_time",
        "args",
    ] {
        assert!(v.get(key).is_some(), "{key} in {v}");
    }

    // list_snapshots
    let v = its_json(&w, &conf, &["--list", "snapshots", "--json"]);
    assert_eq!(v["result"], true);
    assert_eq!(v["operation"], "list");
    assert_eq!(v["output"]["data"].as_str().unwrap().len(), 64);

    // ls
    let v = its_json(&w, &conf, &["--ls", "latest", "--json"]);
    assert_eq!(v["result"], true);
    assert_eq!(v["operation"], "ls");
    assert!(
        v.to_string().contains("/npbackup/npbackup/gui/__main__.py"),
        "{v}"
    );
    assert_eq!(v["output"][0]["struct_type"], "snapshot");

    // restore
    let target = w.path("restored");
    its(&w, &conf, &["-r", target.to_str().unwrap()], 0);
    let restored = target.join(
        w.path("data/npbackup/npbackup/__version__.py")
            .strip_prefix("/")
            .unwrap(),
    );
    assert!(restored.is_file(), "{}", restored.display());

    // a second backup is not needed yet (minimum_backup_age): the original's intended answer
    let v = its_json(&w, &conf, &["--backup", "--json"]);
    assert_eq!(v["result"], true, "{v}");
    assert_eq!(v["output"], "No backup necessary");
    // --force backs up anyway
    let v = its_json(&w, &conf, &["--backup", "--force", "--json"]);
    assert_eq!(v["result"], true, "{v}");
    assert!(v.to_string().contains("saved"), "{v}");

    // check_quick, unlock
    let v = its_json(&w, &conf, &["--check", "quick", "--json"]);
    assert_eq!(v["result"], true, "{v}");
    assert_eq!(v["operation"], "check");
    its(&w, &conf, &["--unlock"], 0);

    // housekeeping, checked as the original's test checks it
    let v = its_json(&w, &conf, &["--housekeeping", "--json"]);
    assert_eq!(v["result"], true, "{v}");
    assert_eq!(v["operation"], "housekeeping");
    for step in ["unlock", "check", "forget", "prune"] {
        assert_eq!(v["detail"][step]["result"], true, "{step}: {v}");
    }
    assert!(
        v["detail"]["forget"]["args"]["policy"]
            .as_object()
            .unwrap()
            .len()
            > 4
    );
    // a policy the original applied to tagged snapshots only keeps everything here,
    // and its envelope says so
    let tagged = w.path("tagged.yaml");
    let text = fs::read_to_string(&conf).unwrap();
    fs::write(
        &tagged,
        text.replace("apply_on_tags: []", "apply_on_tags: [daily]"),
    )
    .unwrap();
    let v = its_json(&w, &tagged, &["--housekeeping", "--json"]);
    assert_eq!(v["result"], true, "{v}");
    assert_eq!(
        v["detail"]["forget"]["args"]["policy"]["keep-all"], true,
        "{v}"
    );

    // dump: the file's bytes on stdout, nothing else
    let path = w.path("data/npbackup/npbackup/__version__.py");
    let out = its(&w, &conf, &["--dump", path.to_str().unwrap(), "--json"], 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("__intname__ = \"npbackup\""), "{text}");
    assert!(text.contains("\"pv\": sys.version_info,"), "{text}");

    // the effective settings, as the original shows them (a list, one per repository)
    let v = its_json(&w, &conf, &["--show-config", "--json"]);
    assert_eq!(v[0]["name"], "default", "{v}");
    assert_eq!(v[0]["uri"], w.path("repo").display().to_string());
    assert_eq!(v[0]["backup.minimum-backup-size"], 51_200);
}

#[test]
fn its_exit_codes_and_error_shapes() {
    let w = World::new();
    let conf = its_config(&w);
    let reason =
        |out: &std::process::Output| -> Value { serde_json::from_slice(&out.stdout).unwrap() };

    let missing = w.path("npbackup-non-existent.conf");
    let out = its(&w, &missing, &["--backup", "--json"], 70);
    let v = reason(&out);
    assert_eq!(v["result"], false);
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("npbackup-non-existent.conf cannot be read or does not exist")
    );
    let out = its(&w, &conf, &["--check", "sometimes", "--json"], 76);
    assert_eq!(reason(&out)["reason"], "Bogus check operation given");
    its(&w, &conf, &["--prune", "harder"], 76);
    its(
        &w,
        &conf,
        &["--repo-name", "nope", "--snapshots", "--json"],
        72,
    );
    its(
        &w,
        &conf,
        &["--repo-group", "nope", "--snapshots", "--json"],
        74,
    );
    let out = its(&w, &conf, &["--json", "--repo-name", "default"], 1);
    assert_eq!(
        reason(&out)["reason"],
        "No operation has been requested. Try --help"
    );
    let v = its_json(&w, &conf, &["--list-selected-repos", "--json"]);
    assert_eq!(v["repositories"], serde_json::json!(["default"]));
    // a file for another audience
    let out = its(
        &w,
        &fixture("tests/npbackup-cli-bad_audience.yaml"),
        &["--snapshots", "--json"],
        71,
    );
    assert!(
        reason(&out)["reason"]
            .as_str()
            .unwrap()
            .contains("unbelievable-audience")
    );
    // a private build's file without its key
    its(
        &w,
        &fixture("np3.0.4.conf.dist"),
        &["--snapshots", "--json"],
        71,
    );
    // our own commands are untouched by the original's syntax, and -c with our own
    // file and no command is our usage error, not its "no operation"
    let ours = w.config("[repos.x]\nuri = \"/tmp/x\"\npassword-env = \"X\"\n");
    let mut cmd = w.cli();
    cmd.arg("-c").arg(&ours).args(["config", "path"]);
    assert_eq!(stdout(&run(&mut cmd, 0)).trim(), ours.display().to_string());
    let mut cmd = w.cli();
    cmd.arg("-c").arg(&ours);
    let out = run(&mut cmd, 2);
    assert!(stderr(&out).contains("Usage"), "{}", stderr(&out));
}

#[test]
fn config_import_writes_what_our_commands_use() {
    let w = World::new();
    let conf = its_config(&w);
    let out_conf = w.path("home/imported/npbackup.toml");

    // no keyring in this session: said in words, nothing written
    let mut cmd = w.cli();
    cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", w.path("no-session"))
        .args(["config", "import"])
        .arg(&conf)
        .arg("--output")
        .arg(&out_conf)
        .args(["--secrets", "keyring"]);
    let out = run(&mut cmd, 4);
    assert!(
        stderr(&out)
            .contains("the secrets cannot go to a keyring: no D-Bus session is running here"),
        "{}",
        stderr(&out)
    );
    assert!(!out_conf.exists());

    // a dry run says everything and writes nothing
    let mut cmd = w.cli();
    cmd.args(["config", "import"])
        .arg(&conf)
        .arg("--output")
        .arg(&out_conf)
        .args(["--dry-run", "--secrets", "files"]);
    let out = run(&mut cmd, 0);
    assert!(stdout(&out).contains("repos.default.repo_opts.upload_speed"));
    assert!(stdout(&out).contains("Dry run: nothing written"));
    assert!(!out_conf.exists() && !w.path("home/imported").exists());

    let mut cmd = w.cli();
    cmd.args(["config", "import"])
        .arg(&conf)
        .arg("--output")
        .arg(&out_conf)
        .args(["--secrets", "files", "--json"]);
    let out = run(&mut cmd, 0);
    let v = json(&out);
    assert_eq!(v["ok"], true);
    assert_eq!(v["result"]["conf_version"], "3.0.4");
    let report = v["result"]["report"].as_array().unwrap();
    let entry = |key: &str| {
        report
            .iter()
            .find(|e| e["key"] == key)
            .unwrap_or_else(|| panic!("{key}"))
    };
    assert_eq!(entry("repos.default.repo_uri")["result"], "mapped");
    assert_eq!(
        entry("repos.default.repo_opts.repo_password")["result"],
        "secret"
    );
    assert_eq!(
        entry("repos.default.repo_opts.upload_speed")["result"],
        "mapped"
    );
    let text = fs::read_to_string(&out_conf).unwrap();
    assert!(!text.contains("password = "), "{text}");

    // our commands on it
    let mut cmd = w.cli();
    cmd.arg("-c").arg(&out_conf).arg("init");
    run(&mut cmd, 0);
    let mut cmd = w.cli();
    cmd.arg("-c").arg(&out_conf).arg("backup");
    run(&mut cmd, 0);
    let mut cmd = w.cli();
    cmd.arg("-c").arg(&out_conf).args(["snapshots", "--json"]);
    let v = json(&run(&mut cmd, 0));
    assert_eq!(v["result"].as_array().unwrap().len(), 1);

    // never over an existing file
    let mut cmd = w.cli();
    cmd.args(["config", "import"])
        .arg(&conf)
        .arg("--output")
        .arg(&out_conf)
        .args(["--secrets", "files"]);
    let out = run(&mut cmd, 7);
    assert!(stderr(&out).contains("exists"));
    // a v2 file is refused by name
    let mut cmd = w.cli();
    cmd.args(["config", "import"])
        .arg(fixture("history/v2.2.1-npbackup.linux.conf.dist"))
        .arg("--output")
        .arg(w.path("v2.toml"));
    let out = run(&mut cmd, 7);
    assert!(stderr(&out).contains("NPBackup 2"), "{}", stderr(&out));
}

#[test]
fn its_files_from_source_types_back_up_what_the_lists_name() {
    let w = World::new();
    let data = w.path("data");
    fs::create_dir_all(data.join("a")).unwrap();
    fs::create_dir_all(data.join("b")).unwrap();
    fs::write(data.join("a/one.txt"), "one").unwrap();
    fs::write(data.join("a/two.log"), "two").unwrap();
    fs::write(data.join("b/three.txt"), "three").unwrap();
    fs::write(data.join("left-out.txt"), "no").unwrap();
    // a list with a comment and a glob, and a NUL-separated one
    let list = w.path("list.txt");
    fs::write(
        &list,
        format!("# what to keep\n{}/a/*.txt\n\n", data.display()),
    )
    .unwrap();
    let raw = w.path("list.raw");
    fs::write(&raw, format!("{}/b\0", data.display())).unwrap();
    let yaml = format!(
        "conf_version: 3.0.4\nrepos:\n  default:\n    repo_uri: {repo}\n    repo_opts:\n      repo_password: test-password\n      minimum_backup_age: 0\n    backup_opts:\n      source_type: files_from\n      paths: [{list}]\n  raw:\n    repo_uri: {repo}-raw\n    repo_opts:\n      repo_password: test-password\n    backup_opts:\n      source_type: files_from_raw\n      paths: [{raw}]\n",
        repo = w.path("repo").display(),
        list = list.display(),
        raw = raw.display(),
    );
    let conf = w.path("npbackup.conf");
    fs::write(&conf, yaml).unwrap();
    its(&w, &conf, &["--backup"], 0);
    its(&w, &conf, &["--repo-name", "raw", "--backup", "--force"], 0);
    let v = its_json(&w, &conf, &["--ls", "latest", "--json"]);
    let text = v.to_string();
    assert!(text.contains("/a/one.txt"), "{text}");
    assert!(
        !text.contains("two.log") && !text.contains("left-out"),
        "{text}"
    );
    let v = its_json(
        &w,
        &conf,
        &["--repo-name", "raw", "--ls", "latest", "--json"],
    );
    let text = v.to_string();
    assert!(
        text.contains("/b/three.txt") && !text.contains("one.txt"),
        "{text}"
    );
}
