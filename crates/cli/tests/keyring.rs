//! Secrets in a real OS keyring: GNOME Keyring's Secret Service on a private D-Bus
//! session, driven through the CLI as a user would, and checked from outside with
//! `secret-tool` (libsecret).

mod common;

use std::{
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Child, Command as StdCommand, Stdio},
    time::{Duration, Instant},
};

use assert_cmd::Command;
use common::*;

/// A private session bus with an unlocked GNOME Keyring on it; both stop when dropped.
struct Keyring {
    address: String,
    home: PathBuf,
    runtime: PathBuf,
    bus: Child,
    keyring: Option<Child>,
}

impl Drop for Keyring {
    fn drop(&mut self) {
        if let Some(k) = &mut self.keyring {
            let _ = k.kill();
            let _ = k.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

impl Keyring {
    fn start(w: &World) -> Keyring {
        let dbus = peer("dbus-daemon", &[]);
        let gnome_keyring = peer("gnome-keyring-daemon", &[]);
        peer("secret-tool", &[]);
        let home = w.home();
        let runtime = w.path("runtime");
        for d in [
            home.join(".cache"),
            home.join(".local/share/keyrings"),
            runtime.clone(),
        ] {
            std::fs::create_dir_all(&d).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();

        // a bus of our own with no service files: nothing is started by D-Bus activation,
        // so the keyring answering is the one started below, with its login keyring
        let config = runtime.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                runtime.join("bus").display()
            ),
        )
        .unwrap();
        let mut bus = StdCommand::new(dbus)
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon");
        let mut line = String::new();
        BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line.trim().to_string();
        assert!(!address.is_empty(), "dbus-daemon printed no address");

        let mut me = Keyring {
            address,
            home,
            runtime,
            bus,
            keyring: None,
        };
        let mut daemon = me
            .env(&mut StdCommand::new(gnome_keyring))
            .args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon");
        // --unlock reads the login keyring's password from stdin, to its end
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(b"login-keyring-password").unwrap();
        drop(stdin);
        me.keyring = Some(daemon);

        // ready when its default collection exists and is unlocked: before that, the
        // first write would need a prompt (to create or unlock one) and fail
        let start = Instant::now();
        loop {
            let gdbus = |args: &[&str]| {
                me.env(&mut StdCommand::new("gdbus"))
                    .args(["call", "--session", "--dest", "org.freedesktop.secrets"])
                    .args(args)
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
                    .unwrap_or_default()
            };
            let alias = gdbus(&[
                "--object-path",
                "/org/freedesktop/secrets",
                "--method",
                "org.freedesktop.Secret.Service.ReadAlias",
                "default",
            ]);
            let ready = alias.contains("/collection/")
                && gdbus(&[
                    "--object-path",
                    "/org/freedesktop/secrets/collection/login",
                    "--method",
                    "org.freedesktop.DBus.Properties.Get",
                    "org.freedesktop.Secret.Collection",
                    "Locked",
                ])
                .contains("false");
            if ready {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "GNOME Keyring did not come up with an unlocked login keyring (alias: {alias})"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        me
    }

    fn env<'a>(&self, cmd: &'a mut StdCommand) -> &'a mut StdCommand {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", &self.home)
            .env("XDG_RUNTIME_DIR", &self.runtime)
            // no unlock prompt can show: a locked keyring fails at once
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
    }

    /// The CLI on this session, with config file `config`.
    fn cli(&self, w: &World, config: &Path) -> Command {
        let mut std = w.std_cli();
        self.env(&mut std).arg("-c").arg(config);
        let mut cmd = Command::from_std(std);
        cmd.timeout(Duration::from_secs(300));
        cmd
    }

    /// What `secret-tool` finds under our service and `user` (None: no such item).
    fn lookup(&self, user: &str) -> Option<String> {
        let out = self
            .env(&mut StdCommand::new("secret-tool"))
            .args(["lookup", "service", "npbackup", "username", user])
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).to_string())
    }
}

fn entry_of(config: &Path) -> String {
    let text = std::fs::read_to_string(config).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("password-keyring"))
        .unwrap_or_else(|| panic!("no password-keyring in:\n{text}"));
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
fn the_password_moves_into_the_keyring_and_back_out() {
    let w = World::new();
    let kr = Keyring::start(&w);
    let src = w.path("src");
    make_tree(&src, false);
    let config = w.path("npbackup.toml");
    run(
        kr.cli(&w, &config)
            .args(["config", "init", "--repository-path"])
            .arg(w.path("repo"))
            .arg(&src),
        0,
    );
    run(kr.cli(&w, &config).arg("init"), 0);
    let file_password =
        std::fs::read_to_string(config.parent().unwrap().join("npbackup-default.password"))
            .unwrap();

    // a wrong password given on the way in is refused, and nothing changes
    let before = std::fs::read_to_string(&config).unwrap();
    let out = run(
        kr.cli(&w, &config)
            .args(["keyring", "set"])
            .env("NPBACKUP_PASSWORD", "not-the-password"),
        4,
    );
    assert_has(&stderr(&out), &["wrong password", "Nothing was stored"]);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);

    // the configured password goes in, checked on the repository
    let out = run(kr.cli(&w, &config).args(["--json", "keyring", "set"]), 0);
    let doc = json(&out);
    assert_eq!(doc["result"]["verified"], true);
    let entry = entry_of(&config);
    assert_eq!(doc["result"]["entry"], entry.as_str());
    assert_eq!(kr.lookup(&entry).as_deref(), Some(file_password.trim()));
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains("\npassword-file"), "{text}");
    // the comments of the template are still there, and the old file is kept
    assert!(text.contains("# Exactly one password source"), "{text}");
    assert_eq!(
        std::fs::read_to_string(w.path("npbackup.toml.bak")).unwrap(),
        before
    );

    // the password file is not what backups read any more
    std::fs::remove_file(config.parent().unwrap().join("npbackup-default.password")).unwrap();
    run(kr.cli(&w, &config).arg("backup"), 0);
    let status = json(&run(
        kr.cli(&w, &config).args(["--json", "keyring", "status"]),
        0,
    ));
    assert_eq!(status["result"]["available"], true);
    assert_eq!(
        status["result"]["repositories"][0]["keyring_entries"][0],
        entry.as_str()
    );

    // changing the repository's password updates the keyring entry
    let new_password = w.path("new-password");
    std::fs::write(&new_password, "a-new-and-long-password\n").unwrap();
    run(
        kr.cli(&w, &config)
            .args(["key", "passwd", "--new-password-file"])
            .arg(&new_password),
        0,
    );
    assert_eq!(
        kr.lookup(&entry).as_deref(),
        Some("a-new-and-long-password")
    );
    run(kr.cli(&w, &config).arg("snapshots"), 0);

    // and back out into a file
    let out_file = w.path("home/repo.password");
    run(
        kr.cli(&w, &config)
            .args(["keyring", "unset", "--to-file"])
            .arg(&out_file),
        0,
    );
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        "a-new-and-long-password\n"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(kr.lookup(&entry), None);
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains(&format!("password-file = \"{}\"", out_file.display())));
    run(kr.cli(&w, &config).arg("snapshots"), 0);
}

#[test]
fn a_backend_secret_lives_in_the_keyring_and_reaches_the_backend() {
    let w = World::new();
    let kr = Keyring::start(&w);
    let (_server, port) = rest_server(&w, "alice", "rest-secret-1", "alice");
    // the REST account as backend options (a password in the URI cannot be a reference)
    let config = w.config(&format!(
        "[repos.remote]\nuri = \"rest:http://127.0.0.1:{port}/alice\"\npassword-file = \"{}\"\n\n[repos.remote.backend-options]\n# the REST server's account\nusername = \"alice\"\npassword = \"rest-secret-1\"\n",
        w.password_file().display()
    ));
    run(kr.cli(&w, &config).arg("init"), 0);
    let out = run(
        kr.cli(&w, &config)
            .args(["--json", "keyring", "set-option", "password"]),
        0,
    );
    let entry = json(&out)["result"]["entry"].as_str().unwrap().to_string();
    assert_eq!(kr.lookup(&entry).as_deref(), Some("rest-secret-1"));
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains("rest-secret-1"), "{text}");
    assert!(
        text.contains(&format!("password = \"keyring:{entry}\"")),
        "{text}"
    );
    assert!(text.contains("# the REST server's account"), "{text}");
    let src = w.path("src");
    make_tree(&src, false);
    run(kr.cli(&w, &config).arg("backup").arg(&src), 0);
    let out = run(kr.cli(&w, &config).args(["--json", "snapshots"]), 0);
    assert_eq!(json(&out)["result"].as_array().unwrap().len(), 1);
}

#[test]
fn a_missing_or_locked_keyring_is_named_and_changes_nothing() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let pw = w.password_file();
    let config = w.config(&format!(
        "[repos.docs]\nuri = \"{}\"\npassword-file = \"{}\"\nbackup.paths = [\"{}\"]\n",
        w.path("repo").display(),
        pw.display(),
        src.display()
    ));
    let before = std::fs::read_to_string(&config).unwrap();

    // no D-Bus session at all: no Secret Service
    let no_bus = || {
        let mut cmd = w.std_cli();
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("XDG_RUNTIME_DIR", w.path("nothing-here"))
            .arg("-c")
            .arg(&config);
        Command::from_std(cmd)
    };
    let out = run(no_bus().args(["keyring", "status"]), 1);
    assert_has(
        &stdout(&out),
        &["not available", "no D-Bus session", "password-file"],
    );
    let out = run(no_bus().args(["keyring", "set"]), 4);
    assert_has(
        &stderr(&out),
        &["keyring cannot be used", "Nothing was changed"],
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);

    // a locked keyring: the backup says so and how to go on
    let kr = Keyring::start(&w);
    run(kr.cli(&w, &config).arg("init"), 0);
    run(kr.cli(&w, &config).args(["keyring", "set"]), 0);
    let status = kr
        .env(&mut StdCommand::new("gdbus"))
        .args([
            "call",
            "--session",
            "--dest",
            "org.freedesktop.secrets",
            "--object-path",
            "/org/freedesktop/secrets",
            "--method",
            "org.freedesktop.Secret.Service.Lock",
            "['/org/freedesktop/secrets/collection/login']",
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "could not lock the keyring");
    let out = run(kr.cli(&w, &config).arg("backup"), 4);
    assert_has(
        &stderr(&out),
        &["repository `docs`", "locked", "password-file"],
    );

    // a repository whose entry is missing says which entry and how to store it
    let text = before.replace(
        &format!("password-file = \"{}\"", pw.display()),
        "password-keyring = \"docs-never-stored\"",
    );
    std::fs::write(&config, text).unwrap();
    let out = run(kr.cli(&w, &config).arg("backup"), 4);
    assert_has(
        &stderr(&out),
        &["repository `docs`", "docs-never-stored", "keyring set"],
    );
}
