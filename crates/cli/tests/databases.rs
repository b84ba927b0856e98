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
    assert_eq!(snapshot_count(&w, &cfg), 1);
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
