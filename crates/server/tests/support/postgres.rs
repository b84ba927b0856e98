//! A PostgreSQL server of its own for the tests and the load benchmark: Debian's
//! `postgres` on a temporary data folder and a free loopback port (run as the
//! `postgres` user when we are root, as PostgreSQL refuses root), stopped when
//! dropped.

use std::{path::PathBuf, process::Command, time::Duration};

/// A PostgreSQL server of its own on a temporary data folder, stopped when dropped.
pub struct Postgres {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    pub url: String,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn postgres_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .pop()
        .filter(|b| b.join("postgres").exists())
        .expect("PostgreSQL's server is not installed: run scripts/install-deps.sh test")
}

/// Runs `cmd` as the `postgres` user when we are root (PostgreSQL refuses root).
fn as_postgres(program: PathBuf, root: bool) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

pub fn start_postgres() -> Postgres {
    let bin = postgres_bin();
    let dir = tempfile::tempdir().unwrap();
    let root = is_root();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    if root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&data)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let out = as_postgres(bin.join("initdb"), root)
        .args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "-D",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = as_postgres(bin.join("postgres"), root)
        .arg("-D")
        .arg(&data)
        .args([
            "-p",
            &port.to_string(),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
        ])
        .arg(format!("unix_socket_directories={}", data.display()))
        .args(["-c", "fsync=off"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pg = Postgres {
        child,
        url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        _dir: dir,
    };
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return pg;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("PostgreSQL did not start on port {port}");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
