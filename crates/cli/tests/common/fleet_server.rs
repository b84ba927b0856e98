//! A real fleet server for the tests: `npbackup-server` (built by `cargo test
//! --workspace`) on a folder of the test, its admin commands, and `serve` on a free
//! loopback port.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use super::{Server, free_port, wait_for_port};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

pub fn server_bin() -> PathBuf {
    let p = assert_cmd::cargo::cargo_bin("npbackup-server");
    assert!(
        p.exists(),
        "{} is not built: run the tests with `cargo test --workspace`",
        p.display()
    );
    p
}

pub fn server(data: &Path) -> Command {
    let mut c = Command::new(server_bin());
    c.arg("--data")
        .arg(data)
        .env_remove("NPBACKUP_SERVER_DATA")
        .env("NPBACKUP_SERVER_LOG", "warn")
        // the alerts' SMTP password
        .env("FLEET_MAIL_SECRET", "m41l-pw");
    c
}

/// Runs the server's command with `stdin`, expecting `code`; its stdout.
pub fn admin(data: &Path, args: &[&str], stdin: &str, code: i32) -> String {
    let mut child = server(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "npbackup-server {args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new server in `data`, its administrator's password `ADMIN_PASSWORD`.
pub fn init(data: &Path) {
    admin(
        data,
        &["init", "--password-stdin"],
        &format!("{ADMIN_PASSWORD}\n"),
        0,
    );
}

pub fn admin_json(data: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&admin(data, &a, "", 0)).unwrap()
}

pub fn serve(data: &Path) -> (Server, u16) {
    let port = free_port();
    let child = server(data)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(port);
    (Server(child), port)
}
