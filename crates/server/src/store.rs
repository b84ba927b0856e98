//! The server's store: SQLite (one file, WAL, synced at each commit) or PostgreSQL,
//! one schema for both, applied by numbered migrations in one transaction each.
//! Queries are plain SQL with `$n` parameters, which both engines take; numbers
//! are BIGINT (`i64`) and flags 0/1, so the `Any` driver maps them alike.

use std::time::Duration;

use sqlx::{
    AnyPool, Row,
    any::{AnyPoolOptions, AnyRow},
};

/// The schema, one step per entry; a store records how many it has applied.
const MIGRATIONS: &[&str] = &[
    // 1: machines, groups, tokens, reports, commands, replay protection
    r#"
CREATE TABLE admins (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE groups (
    name TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    config_version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE group_secrets (
    grp TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT,
    per_machine BIGINT NOT NULL,
    PRIMARY KEY (grp, name)
);
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    grp TEXT NOT NULL,
    uses_left BIGINT,
    expires_at BIGINT,
    revoked BIGINT NOT NULL,
    used BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE machines (
    id TEXT PRIMARY KEY,
    grp TEXT NOT NULL,
    hostname TEXT NOT NULL,
    os TEXT NOT NULL,
    version TEXT NOT NULL,
    sign_key TEXT NOT NULL,
    box_key TEXT NOT NULL,
    token_id TEXT NOT NULL,
    enrolled_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_checkin BIGINT,
    free_bytes BIGINT,
    config_version BIGINT NOT NULL,
    config_error TEXT,
    override_config TEXT,
    override_version BIGINT NOT NULL,
    minimum_backup_age BIGINT,
    last_backup BIGINT,
    last_report_at BIGINT,
    last_state BIGINT,
    last_size BIGINT
);
CREATE INDEX machines_grp ON machines (grp);
CREATE TABLE machine_secrets (
    machine TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (machine, name)
);
CREATE TABLE reports (
    id TEXT NOT NULL,
    machine TEXT NOT NULL,
    repo TEXT NOT NULL,
    action TEXT NOT NULL,
    ok BIGINT NOT NULL,
    state BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (machine, id)
);
CREATE INDEX reports_time ON reports (machine, finished_at);
CREATE TABLE commands (
    id TEXT PRIMARY KEY,
    machine TEXT NOT NULL,
    action TEXT NOT NULL,
    repo TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    finished_at BIGINT,
    ok BIGINT,
    message TEXT
);
CREATE INDEX commands_machine ON commands (machine, delivered_at);
CREATE TABLE nonces (
    machine TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (machine, nonce)
);
CREATE TABLE sequence (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO sequence (name, value) VALUES ('config', 0);
"#,
    // 2: the state each machine was last alerted in (alerts)
    "ALTER TABLE machines ADD COLUMN alerted_state TEXT",
];

/// The store and which engine holds it.
#[derive(Clone)]
pub struct Store {
    pub pool: AnyPool,
    pub sqlite: bool,
}

/// A store error, worded for the administrator (never with the database password).
pub fn db_error(doing: &str, e: sqlx::Error) -> String {
    format!("the database refused {doing}: {e}")
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`) and applies the
    /// migrations it lacks.
    pub async fn open(url: &str) -> Result<Store, String> {
        sqlx::any::install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        let mut options = AnyPoolOptions::new()
            .max_connections(if sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(30));
        if sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL: readers never wait for the writer; FULL: a commit that was
                    // answered survives a power cut, not only a kill -9
                    sqlx::query("PRAGMA busy_timeout = 10000")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA synchronous = FULL")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA foreign_keys = ON")
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await.map_err(|e| {
            format!(
                "cannot open the database {}: {e}",
                npbackup_common::secret::mask_uri(url)
            )
        })?;
        if sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(|e| db_error("WAL mode", e))?;
        }
        let store = Store { pool, sqlite };
        store.migrate().await?;
        Ok(store)
    }

    /// A transaction that writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred one that read first cannot take it later once
    /// another connection has written ("database is locked" at once, which no busy
    /// timeout waits out), as 64 machines enrolling together showed.
    pub async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        if self.sqlite {
            self.pool.begin_with("BEGIN IMMEDIATE").await
        } else {
            self.pool.begin().await
        }
    }

    async fn migrate(&self) -> Result<(), String> {
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("creating schema_version", e))?;
        let done: i64 = sqlx::query("SELECT COUNT(*) FROM schema_version")
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get::<i64, _>(0))
            .map_err(|e| db_error("reading the schema version", e))?;
        if done as usize > MIGRATIONS.len() {
            return Err(format!(
                "the database's schema is version {done}, newer than this server knows ({}): upgrade npbackup-server",
                MIGRATIONS.len()
            ));
        }
        for (i, step) in MIGRATIONS.iter().enumerate().skip(done as usize) {
            let mut tx = self.write().await.map_err(|e| db_error("a migration", e))?;
            for statement in step.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                sqlx::query(statement)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| db_error(&format!("migration {}", i + 1), e))?;
            }
            sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                .bind(i as i64 + 1)
                .execute(&mut *tx)
                .await
                .map_err(|e| db_error("recording a migration", e))?;
            tx.commit()
                .await
                .map_err(|e| db_error("committing a migration", e))?;
        }
        Ok(())
    }

    /// The next configuration version (one sequence for groups and overrides, so a
    /// machine's effective version only grows).
    pub async fn next_config_version(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ) -> Result<i64, String> {
        sqlx::query("UPDATE sequence SET value = value + 1 WHERE name = 'config'")
            .execute(&mut **tx)
            .await
            .map_err(|e| db_error("numbering a configuration", e))?;
        sqlx::query("SELECT value FROM sequence WHERE name = 'config'")
            .fetch_one(&mut **tx)
            .await
            .and_then(|r| r.try_get::<i64, _>(0))
            .map_err(|e| db_error("numbering a configuration", e))
    }
}

/// A machine as stored.
#[derive(Debug, Clone)]
pub struct MachineRow {
    pub id: String,
    pub group: String,
    pub hostname: String,
    pub os: String,
    pub version: String,
    pub sign_key: String,
    pub box_key: String,
    pub enrolled_at: i64,
    pub revoked_at: Option<i64>,
    pub last_checkin: Option<i64>,
    pub free_bytes: Option<i64>,
    pub config_version: i64,
    pub config_error: Option<String>,
    pub override_config: Option<String>,
    pub override_version: i64,
    pub minimum_backup_age: Option<i64>,
    pub last_backup: Option<i64>,
    pub last_report_at: Option<i64>,
    pub last_state: Option<i64>,
    pub last_size: Option<i64>,
    /// The state it was last alerted in (`alerts`).
    pub alerted_state: Option<String>,
}

pub const MACHINE_COLUMNS: &str = "id, grp, hostname, os, version, sign_key, box_key, enrolled_at, revoked_at, \
     last_checkin, free_bytes, config_version, config_error, override_config, override_version, \
     minimum_backup_age, last_backup, last_report_at, last_state, last_size, alerted_state";

impl MachineRow {
    pub fn from_row(r: &AnyRow) -> Result<MachineRow, sqlx::Error> {
        Ok(MachineRow {
            id: r.try_get("id")?,
            group: r.try_get("grp")?,
            hostname: r.try_get("hostname")?,
            os: r.try_get("os")?,
            version: r.try_get("version")?,
            sign_key: r.try_get("sign_key")?,
            box_key: r.try_get("box_key")?,
            enrolled_at: r.try_get("enrolled_at")?,
            revoked_at: r.try_get("revoked_at")?,
            last_checkin: r.try_get("last_checkin")?,
            free_bytes: r.try_get("free_bytes")?,
            config_version: r.try_get("config_version")?,
            config_error: r.try_get("config_error")?,
            override_config: r.try_get("override_config")?,
            override_version: r.try_get("override_version")?,
            minimum_backup_age: r.try_get("minimum_backup_age")?,
            last_backup: r.try_get("last_backup")?,
            last_report_at: r.try_get("last_report_at")?,
            last_state: r.try_get("last_state")?,
            last_size: r.try_get("last_size")?,
            alerted_state: r.try_get("alerted_state")?,
        })
    }
}
