//! Database sources (`backup.source = "postgres"`, "sqlite"): a real PostgreSQL
//! (Debian's, started on a temporary folder by the same harness as the fleet
//! server's tests) and a real SQLite file, each dumped into a snapshot, loaded back
//! into a fresh database with the README's commands, and compared row for row; a
//! dump that fails keeps no snapshot and says why.

mod common;
#[path = "../../server/tests/support/postgres.rs"]
mod postgres;

use std::{fs, path::Path, process::Command};

use common::*;

/// `psql` on the test server, returning what the query printed (unaligned, no headers).
fn psql(port: u16, db: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
        .args(["-d", db, "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// What the rows of `shop` are: count, sum of ids and a digest of every value.
const SHOP_DIGEST: &str = "select count(*), sum(id), md5(string_agg(id || ':' || name || ':' || price, ',' order by id)) from items";

fn snapshot_count(w: &World, cfg: &Path) -> usize {
    let v = json(&run(
        w.cli().arg("-c").arg(cfg).args(["--json", "snapshots"]),
        0,
    ));
    v["result"].as_array().map(Vec::len).unwrap_or(0)
}

#[test]
fn postgres_dump_backs_up_restores_and_fails_cleanly() {
    let pg = postgres::start_postgres();
    let port: u16 = pg
        .url
        .rsplit(':')
        .next()
        .and_then(|p| p.split('/').next())
        .and_then(|p| p.parse().ok())
        .expect("port in the server's URL");
    psql(port, "postgres", "create database shop");
    psql(
        port,
        "shop",
        "create table items(id int primary key, name text, price numeric(10,2)); \
         insert into items select i, 'item ' || i || ' ''quoted''', i * 1.25 \
         from generate_series(1, 2000) i",
    );
    let before = psql(port, "shop", SHOP_DIGEST);

    let w = World::new();
    let repo = w.path("repo");
    let cfg = w.config(&format!(
        "[repos.db]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.db.backup]\n\
         source = \"postgres\"\ndatabase = \"shop\"\ndb-host = \"127.0.0.1\"\n\
         db-port = {port}\ndb-user = \"postgres\"\n\
         minimum-backup-size = \"1 kB\"\n\
         [repos.db.monitoring]\nprometheus-textfile-dir = \"{}\"\n",
        repo.display(),
        w.password_file().display(),
        w.path("metrics").display()
    ));
    fs::create_dir_all(w.path("metrics")).unwrap();
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    let v = json(&run(
        w.cli().arg("-c").arg(&cfg).args(["--json", "backup"]),
        0,
    ));
    assert!(v["result"]["snapshot_id"].is_string(), "{v}");
    // the original's backup_type label names what was dumped
    let metrics = fs::read_to_string(w.path("metrics/npbackup-db-backup.prom")).unwrap();
    assert!(metrics.contains("backup_type=\"postgres\""), "{metrics}");

    // restore as the README says: the dump out of the snapshot, into a new database
    let dump = w.path("shop.dump");
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["dump", "latest", "/shop.dump"]),
        0,
    );
    fs::write(&dump, &out.stdout).unwrap();
    psql(port, "postgres", "create database shop_restored");
    let restored = Command::new("pg_restore")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
        .args(["--no-owner", "-d", "shop_restored"])
        .arg(&dump)
        .output()
        .unwrap();
    assert!(
        restored.status.success(),
        "pg_restore: {}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert_eq!(psql(port, "shop_restored", SHOP_DIGEST), before);

    // the plain format: SQL text that psql loads
    let plain = w.path("plain.toml");
    fs::write(
        &plain,
        fs::read_to_string(&cfg).unwrap().replace(
            "source = \"postgres\"",
            "source = \"postgres\"\ndump-format = \"plain\"",
        ),
    )
    .unwrap();
    run(w.cli().arg("-c").arg(&plain).arg("backup"), 0);
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&plain)
            .args(["dump", "latest", "/shop.sql"]),
        0,
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("CREATE TABLE public.items"));
    let sql = w.path("shop.sql");
    fs::write(&sql, &out.stdout).unwrap();
    psql(port, "postgres", "create database shop_plain");
    psql(port, "shop_plain", &format!("\\i {}", sql.display()));
    assert_eq!(psql(port, "shop_plain", SHOP_DIGEST), before);
    restic_check(&w, repo.to_str().unwrap());

    // a database that does not exist: pg_dump fails, no snapshot is kept, and the
    // error names the command and what pg_dump said
    let bad = w.path("bad.toml");
    fs::write(
        &bad,
        fs::read_to_string(&cfg)
            .unwrap()
            .replace("database = \"shop\"", "database = \"no_such_db\""),
    )
    .unwrap();
    let out = w.cli().arg("-c").arg(&bad).arg("backup").output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pg_dump"), "{err}");
    assert!(err.contains("no_such_db"), "{err}");
    assert!(err.contains("was not kept"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot_count(&w, &cfg), 2);
}

#[test]
fn sqlite_is_copied_online_and_loads_back() {
    let w = World::new();
    let db = w.path("app data.db");
    let sqlite = |db: &Path, sql: &str| {
        let out = Command::new("sqlite3")
            .arg(db)
            .arg(sql)
            .output()
            .expect("sqlite3 runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    sqlite(
        &db,
        "pragma journal_mode=wal; create table t(id integer primary key, name text); \
         with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000) \
         insert into t select x, 'row ' || x from c;",
    );
    let digest = "select count(*), sum(id), group_concat(name, ',') from t";
    let before = sqlite(&db, digest);

    let repo = w.path("repo");
    let cfg = w.config(&format!(
        "[repos.lite]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.lite.backup]\n\
         source = \"sqlite\"\ndatabase = \"{}\"\n",
        repo.display(),
        w.password_file().display(),
        db.display()
    ));
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    // a writer holds the database open (WAL) while the copy is made
    let mut writer = Command::new("sqlite3")
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    drop(writer.stdin.take());
    let _ = writer.wait();

    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["dump", "latest", "/app data.db"]),
        0,
    );
    let copy = w.path("restored.db");
    fs::write(&copy, &out.stdout).unwrap();
    assert_eq!(sqlite(&copy, digest), before);
    assert_eq!(sqlite(&copy, "pragma integrity_check"), "ok");

    // a file that is not a database keeps no snapshot
    let bad = w.path("bad.toml");
    let not_db = w.path("notes.txt");
    fs::write(&not_db, "not a database\n".repeat(100)).unwrap();
    fs::write(
        &bad,
        fs::read_to_string(&cfg)
            .unwrap()
            .replace(db.to_str().unwrap(), not_db.to_str().unwrap()),
    )
    .unwrap();
    let out = w.cli().arg("-c").arg(&bad).arg("backup").output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notes.txt"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot_count(&w, &cfg), 1);
}

/// A MariaDB server of its own (Debian's `mariadbd`) on a temporary data folder,
/// reached by its socket only, stopped when dropped.
struct Mariadb {
    child: std::process::Child,
    socket: std::path::PathBuf,
}

impl Drop for Mariadb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_mariadb(w: &World) -> Mariadb {
    let data = w.path("mariadb/data");
    fs::create_dir_all(&data).unwrap();
    // mariadbd runs as root only when told to (the tests run as root in CI)
    let user = if unsafe { libc::geteuid() } == 0 {
        "root".to_string()
    } else {
        std::env::var("USER").unwrap_or_default()
    };
    let out = Command::new("mariadb-install-db")
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--user={user}"))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
        .output()
        .expect("mariadb-install-db runs: run scripts/install-deps.sh test");
    assert!(
        out.status.success(),
        "mariadb-install-db: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let socket = w.path("mariadb/mysqld.sock");
    let child = Command::new("mariadbd")
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--socket={}", socket.display()))
        .arg(format!(
            "--pid-file={}",
            w.path("mariadb/mysqld.pid").display()
        ))
        .arg(format!(
            "--log-error={}",
            w.path("mariadb/error.log").display()
        ))
        .arg(format!("--user={user}"))
        .args(["--skip-networking", "--innodb-buffer-pool-size=16M"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("mariadbd starts");
    let db = Mariadb { child, socket };
    for _ in 0..300 {
        if std::os::unix::net::UnixStream::connect(&db.socket).is_ok() {
            return db;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!(
        "MariaDB did not start: {}",
        fs::read_to_string(w.path("mariadb/error.log")).unwrap_or_default()
    );
}

/// The `mariadb` client on the test server, `input` on its standard input.
fn mariadb(db: &Mariadb, database: &str, sql: &str, input: Option<&[u8]>) -> String {
    use std::io::Write;
    let mut cmd = Command::new("mariadb");
    cmd.arg("--no-defaults")
        .arg(format!("--socket={}", db.socket.display()))
        .args(["-u", "root", "-N", "-B"]);
    if !database.is_empty() {
        cmd.arg(database);
    }
    if input.is_none() {
        cmd.args(["-e", sql]);
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mariadb runs");
    let mut stdin = child.stdin.take().unwrap();
    if let Some(bytes) = input {
        stdin.write_all(bytes).unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "mariadb {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn mariadb_dump_backs_up_and_loads_under_a_new_name() {
    let w = World::new();
    let db = start_mariadb(&w);
    mariadb(&db, "", "create database shop", None);
    mariadb(
        &db,
        "shop",
        "create table items(id int primary key, name text, price decimal(10,2)) engine=InnoDB; \
         insert into items select seq, concat('item ', seq, ' ''quoted'''), seq * 1.25 \
         from seq_1_to_2000",
        None,
    );
    let digest = "select count(*), sum(id), md5(group_concat(id, ':', name, ':', price order by id separator ',')) from items";
    let before = mariadb(&db, "shop", digest, None);

    let repo = w.path("repo");
    let cfg = w.config(&format!(
        "[repos.db]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.db.backup]\n\
         source = \"mariadb\"\ndatabase = \"shop\"\ndb-host = \"{}\"\ndb-user = \"root\"\n",
        repo.display(),
        w.password_file().display(),
        db.socket.display()
    ));
    run(w.cli().arg("-c").arg(&cfg).arg("init"), 0);
    run(w.cli().arg("-c").arg(&cfg).arg("backup"), 0);
    let out = run(
        w.cli()
            .arg("-c")
            .arg(&cfg)
            .args(["dump", "latest", "/shop.sql"]),
        0,
    );
    mariadb(&db, "", "create database shop_restored", None);
    mariadb(&db, "shop_restored", "", Some(&out.stdout));
    assert_eq!(mariadb(&db, "shop_restored", digest, None), before);

    // an unknown database: no snapshot, and mariadb-dump's own words
    let bad = w.path("bad.toml");
    fs::write(
        &bad,
        fs::read_to_string(&cfg)
            .unwrap()
            .replace("database = \"shop\"", "database = \"no_such_db\""),
    )
    .unwrap();
    let out = w.cli().arg("-c").arg(&bad).arg("backup").output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Unknown database"), "{err}");
    assert_eq!(snapshot_count(&w, &cfg), 1);
}
