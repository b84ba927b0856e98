//! Real servers on loopback: a REST server (rustic_server), an S3-compatible server
//! (moto) and OpenSSH's sshd for SFTP, all installed by `scripts/install-deps.sh test`.

mod common;

use std::{
    fs,
    io::{Read, Write},
    path::Path,
    process::{Command, Stdio},
};

use common::*;

/// Backs up a small tree, lists, restores and compares: the same checks on every backend.
fn roundtrip(w: &World, cfg: &Path) {
    let src = w.path("src");
    if !src.exists() {
        make_tree(&src, false);
    }
    run(w.cli().arg("-c").arg(cfg).arg("init"), 0);
    let first = json(&run(
        w.cli()
            .arg("-c")
            .arg(cfg)
            .args(["--json", "backup"])
            .arg(&src),
        0,
    ));
    assert!(first["result"]["snapshot_id"].is_string());
    fs::write(src.join("docs/hello.txt"), "second version, longer\n").unwrap();
    run(w.cli().arg("-c").arg(cfg).args(["backup"]).arg(&src), 0);
    let snaps = json(&run(
        w.cli().arg("-c").arg(cfg).args(["--json", "snapshots"]),
        0,
    ));
    assert_eq!(snaps["result"].as_array().unwrap().len(), 2);
    let target = w.path("restored");
    run(
        w.cli()
            .arg("-c")
            .arg(cfg)
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));
    let diff = json(&run(
        w.cli()
            .arg("-c")
            .arg(cfg)
            .args(["--json", "diff"])
            .arg(first["result"]["snapshot_id"].as_str().unwrap())
            .arg("latest"),
        0,
    ));
    assert_eq!(diff["result"].as_array().unwrap().len(), 1);
    // browsing a remote repository keeps the packs of folders it read in the cache
    let cached_packs = fs::read_dir(w.home().join(".cache"))
        .unwrap()
        .flatten()
        .flat_map(|brand| {
            fs::read_dir(brand.path().join("trees"))
                .into_iter()
                .flatten()
        })
        .flatten()
        .flat_map(|repo| {
            fs::read_dir(repo.path().join("packs"))
                .into_iter()
                .flatten()
        })
        .count();
    assert!(cached_packs > 0, "no tree pack cached");
}

#[test]
fn rest_server_with_authentication() {
    let w = World::new();
    let (_server, port) = rest_server(&w, "alice", "rest-secret-pw", "laptop");
    let uri = format!("rest:http://alice:rest-secret-pw@127.0.0.1:{port}/laptop");
    let cfg = w.config(&format!(
        "[repos.rest]\nuri = \"{uri}\"\npassword-file = \"{}\"\n",
        w.password_file().display()
    ));
    roundtrip(&w, &cfg);

    // the REST password never shows, not even in `config show`
    let out = run(w.cli().arg("-c").arg(&cfg).args(["config", "show"]), 0);
    assert!(stdout(&out).contains("alice:***@"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("rest-secret-pw"));
    let out = run(w.cli().arg("-c").arg(&cfg).args(["-v", "snapshots"]), 0);
    assert!(!stderr(&out).contains("rest-secret-pw"), "{}", stderr(&out));

    // wrong REST credentials: a clear error, not a panic
    let bad = w.path("bad.toml");
    fs::write(&bad, format!("[repos.rest]\nuri = \"rest:http://alice:wrong-pw@127.0.0.1:{port}/laptop\"\npassword-file = \"{}\"\n[repos.rest.backend-options]\nretry = \"0\"\n", w.password_file().display())).unwrap();
    let out = w
        .cli()
        .arg("-c")
        .arg(&bad)
        .arg("snapshots")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));

    // restic agrees with what we wrote over REST
    restic_check(&w, &uri);
}

/// Creates a bucket on the S3 server with a plain HTTP request (moto needs no signature for it).
fn create_bucket(port: u16, bucket: &str) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(
        reply.starts_with("HTTP/1.1 200"),
        "bucket creation failed: {reply}"
    );
}

#[test]
fn s3_compatible_server() {
    let w = World::new();
    let moto = peer("moto_server", &[tools_dir().join("venv/bin/moto_server")]);
    let port = free_port();
    let _server = Server(
        Command::new(moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);
    create_bucket(port, "backups");
    let cfg = w.config(&format!(
        r#"[repos.s3]
uri = "s3:http://127.0.0.1:{port}/backups/machines/one"
password-file = "{pw}"
[repos.s3.backend-options]
access_key_id = "test-key-id"
secret_access_key = "s3-secret-key-value"
"#,
        pw = w.password_file().display()
    ));
    roundtrip(&w, &cfg);
    let out = run(w.cli().arg("-c").arg(&cfg).args(["config", "show"]), 0);
    assert!(!stdout(&out).contains("s3-secret-key-value"));
    assert!(
        stdout(&out).contains("secret_access_key = \"***\""),
        "{}",
        stdout(&out)
    );
}

#[test]
fn sftp_over_local_sshd() {
    let w = World::new();
    let sshd = peer("sshd", &["/usr/sbin/sshd".into()]);
    let keygen = peer("ssh-keygen", &[]);
    let dir = w.path("ssh");
    fs::create_dir_all(&dir).unwrap();
    for (name, kind) in [("host_key", "ed25519"), ("client_key", "ed25519")] {
        let st = Command::new(&keygen)
            .args(["-q", "-t", kind, "-N", "", "-f"])
            .arg(dir.join(name))
            .status()
            .unwrap();
        assert!(st.success());
    }
    fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
    let port = free_port();
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\nPidFile {d}/sshd.pid\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nPermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\nLogLevel ERROR\n",
        d = dir.display()
    );
    fs::write(dir.join("sshd_config"), config).unwrap();
    // sshd insists on its privilege separation directory
    let _ = fs::create_dir_all("/run/sshd");
    let _server = Server(
        Command::new(sshd)
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(dir.join("sshd_config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);
    let remote = w.path("sftp-repo");
    let cfg = w.config(&format!(
        r#"[repos.sftp]
uri = "sftp://{user}@127.0.0.1:{port}{remote}"
password-file = "{pw}"
[repos.sftp.backend-options]
key = "{key}"
known_hosts_strategy = "accept"
"#,
        remote = remote.display(),
        pw = w.password_file().display(),
        key = dir.join("client_key").display()
    ));
    roundtrip(&w, &cfg);
    assert!(
        remote.join("config").is_file(),
        "the repository lives where the SFTP path says"
    );
}

#[test]
fn rclone_remote() {
    let w = World::new();
    peer("rclone", &[]);
    let remote = w.path("rclone-target");
    // rclone's built-in local remote `:local:` needs no rclone config file
    let cfg = w.config(&format!(
        "[repos.rc]\nuri = \"rclone::local:{}\"\npassword-command = \"cat {}\"\n",
        remote.display(),
        w.password_file().display()
    ));
    roundtrip(&w, &cfg);
    assert!(remote.join("config").is_file());
}

#[test]
fn opendal_service_with_options() {
    let w = World::new();
    let root = w.path("opendal-fs");
    let cfg = w.config(&format!(
        "[repos.od]\nuri = \"opendal:fs\"\npassword-env = \"MY_BACKUP_PW\"\n[repos.od.backend-options]\nroot = \"{}\"\n",
        root.display()
    ));
    // password-env: read from the named variable
    let src = w.path("src");
    make_tree(&src, false);
    run(
        w.cli()
            .env("MY_BACKUP_PW", PASSWORD)
            .arg("-c")
            .arg(&cfg)
            .arg("init"),
        0,
    );
    run(
        w.cli()
            .env("MY_BACKUP_PW", PASSWORD)
            .arg("-c")
            .arg(&cfg)
            .arg("backup")
            .arg(&src),
        0,
    );
    let target = w.path("restored");
    run(
        w.cli()
            .env("MY_BACKUP_PW", PASSWORD)
            .arg("-c")
            .arg(&cfg)
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));
    assert!(root.join("config").is_file());
    // the variable unset: a clear message naming it
    let out = run(w.cli().arg("-c").arg(&cfg).arg("snapshots"), 4);
    assert!(stderr(&out).contains("MY_BACKUP_PW"), "{}", stderr(&out));
    // a failing password command
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["--password-command", "false", "snapshots"]),
        4,
    );
    assert!(
        stderr(&out).contains("password-command `false` failed"),
        "{}",
        stderr(&out)
    );
}

/// `repo.upload-limit`, `repo.download-limit` and `repo.pack-size` over REST: the
/// transfers take at least as long as the limits ask, the packs have the size asked
/// for, and restic reads the result.
#[test]
fn bandwidth_limits_and_pack_size() {
    let w = World::new();
    let (_server, port) = rest_server(&w, "bob", "rest-pw-limits", "limited");
    let uri = format!("rest:http://bob:rest-pw-limits@127.0.0.1:{port}/limited");
    let cfg = w.config(&format!(
        "[repos.rest]\nuri = \"{uri}\"\npassword-file = \"{}\"\n[repos.rest.repo]\n\
         upload-limit = \"2 MiB/s\"\ndownload-limit = \"2 MiB/s\"\npack-size = \"4 MiB\"\n",
        w.password_file().display()
    ));
    // 6 MiB that does not compress
    let src = w.path("src");
    make_data(&src, 3, 2);
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);

    // one second's worth goes at once, the other 4 MiB at 2 MiB/s
    let started = std::time::Instant::now();
    run(w.cli().arg("-c").arg(&cfg).arg("backup").arg(&src), 0);
    let took = started.elapsed();
    assert!(took.as_secs_f64() >= 1.8, "6 MiB uploaded in {took:?}");

    // packs of about 4 MiB, where rustic's default would be one 32 MiB pack
    let mut packs = Vec::new();
    for dir in fs::read_dir(w.path("rest-data/limited/data")).unwrap() {
        for pack in fs::read_dir(dir.unwrap().path()).unwrap() {
            packs.push(pack.unwrap().metadata().unwrap().len());
        }
    }
    // (a pack closes at the first blob that takes it past 4 MiB)
    let big = packs.iter().filter(|&&s| s > 1 << 20).count();
    assert!(big >= 2, "6 MiB in packs of 4 MiB: {packs:?}");

    let started = std::time::Instant::now();
    let target = w.path("restored");
    run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    let took = started.elapsed();
    assert!(took.as_secs_f64() >= 1.8, "6 MiB downloaded in {took:?}");
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));
    restic_check(&w, &uri);
}
