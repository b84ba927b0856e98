//! What the server does, whoever asks: the administrator's commands (tokens,
//! groups, secrets, machines, run-now) and the machines' requests (enrolment,
//! check-in, configuration). Each is one transaction, so a `kill -9` at any moment
//! leaves either all of it or none.

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use sqlx::Row;

use npbackup_fleet::{
    protocol::{
        self, Action, CheckIn, CheckInReply, Command, EnrolReply, EnrolRequest, Provision,
        SealedSecret,
    },
    template,
};

use crate::store::{MACHINE_COLUMNS, MachineRow, Store, db_error};

pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A refusal, with its kind for the machine ([`protocol::Refusal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub kind: &'static str,
    pub message: String,
}

impl Refused {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Refused {
        Refused {
            kind,
            message: message.into(),
        }
    }
    fn internal(message: String) -> Refused {
        Refused::new("internal", message)
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

type Res<T> = Result<T, Refused>;

fn db(doing: &str) -> impl FnOnce(sqlx::Error) -> Refused + '_ {
    move |e| Refused::internal(db_error(doing, e))
}

fn sha256_hex(s: &str) -> String {
    protocol::hex(&Sha256::digest(s.as_bytes()))
}

fn random(n: usize) -> Res<String> {
    protocol::random_hex(n).map_err(Refused::internal)
}

// ---------------------------------------------------------------- tokens

/// An enrolment token as listed (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub group: String,
    pub uses_left: Option<i64>,
    pub used: i64,
    pub expires_at: Option<i64>,
    pub revoked: bool,
    pub created_at: i64,
}

/// A new token: `ID.SECRET`, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct NewToken {
    pub token: String,
    #[serde(flatten)]
    pub info: TokenInfo,
}

pub async fn create_token(
    store: &Store,
    group: &str,
    uses: Option<i64>,
    expires_in: Option<std::time::Duration>,
) -> Res<NewToken> {
    check_group_name(group)?;
    if uses.is_some_and(|u| u < 1) {
        return Err(Refused::new("input", "--uses must be at least 1"));
    }
    let id = random(4)?;
    let secret = random(16)?;
    let created_at = now();
    let expires_at = expires_in.map(|d| created_at + d.as_secs() as i64);
    sqlx::query(
        "INSERT INTO tokens (id, secret_hash, grp, uses_left, expires_at, revoked, used, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, 0, $6)",
    )
    .bind(&id)
    .bind(sha256_hex(&secret))
    .bind(group)
    .bind(uses)
    .bind(expires_at)
    .bind(created_at)
    .execute(&store.pool)
    .await
    .map_err(db("storing the token"))?;
    Ok(NewToken {
        token: format!("{id}.{secret}"),
        info: TokenInfo {
            id,
            group: group.into(),
            uses_left: uses,
            used: 0,
            expires_at,
            revoked: false,
            created_at,
        },
    })
}

pub async fn list_tokens(store: &Store) -> Res<Vec<TokenInfo>> {
    let rows = sqlx::query(
        "SELECT id, grp, uses_left, used, expires_at, revoked, created_at FROM tokens ORDER BY created_at, id",
    )
    .fetch_all(&store.pool)
    .await
    .map_err(db("listing the tokens"))?;
    rows.iter()
        .map(|r| {
            Ok(TokenInfo {
                id: r.try_get("id")?,
                group: r.try_get("grp")?,
                uses_left: r.try_get("uses_left")?,
                used: r.try_get("used")?,
                expires_at: r.try_get("expires_at")?,
                revoked: r.try_get::<i64, _>("revoked")? != 0,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(db("reading the tokens"))
}

pub async fn revoke_token(store: &Store, id: &str) -> Res<()> {
    let id = id.split('.').next().unwrap_or(id);
    let done = sqlx::query("UPDATE tokens SET revoked = 1 WHERE id = $1")
        .bind(id)
        .execute(&store.pool)
        .await
        .map_err(db("revoking the token"))?;
    if done.rows_affected() == 0 {
        return Err(Refused::new("not-found", format!("no token {id}")));
    }
    Ok(())
}

// ---------------------------------------------------------------- groups and secrets

fn check_group_name(group: &str) -> Res<()> {
    if template::valid_secret_name(group) {
        Ok(())
    } else {
        Err(Refused::new(
            "input",
            format!("'{group}' is not a group name (letters, digits, '-', '_', '.')"),
        ))
    }
}

/// Sets group `group`'s template (checked as a machine will check it: TOML,
/// schema, every repository; errors name `file` and the line) and gives it the
/// next configuration version. Every secret it names must be set for the group.
pub async fn set_group_config(store: &Store, group: &str, text: &str, file: &str) -> Res<i64> {
    check_group_name(group)?;
    let names = template::validate(text, file).map_err(|e| Refused::new("input", e))?;
    let mut tx = store.write().await.map_err(db("a transaction"))?;
    for name in &names {
        let found = sqlx::query("SELECT 1 FROM group_secrets WHERE grp = $1 AND name = $2")
            .bind(group)
            .bind(name)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db("reading the group's secrets"))?;
        if found.is_none() {
            return Err(Refused::new(
                "input",
                format!(
                    "{file}: the secret '{name}' is not set for group '{group}': set it first with \
                     `npbackup-server secret set {group} {name}` (or `secret generate` for one per machine)"
                ),
            ));
        }
    }
    let version = Store::next_config_version(&mut tx)
        .await
        .map_err(Refused::internal)?;
    sqlx::query(
        "INSERT INTO groups (name, config, config_version, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET config = $2, config_version = $3, updated_at = $4",
    )
    .bind(group)
    .bind(text)
    .bind(version)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db("storing the template"))?;
    tx.commit().await.map_err(db("committing the template"))?;
    Ok(version)
}

/// Overrides of one machine over its group's template (TOML tables merged key by
/// key); `None` removes them.
pub async fn set_machine_config(
    store: &Store,
    machine: &str,
    text: Option<&str>,
    file: &str,
) -> Res<i64> {
    let m = machine_by_id(store, machine).await?;
    if let Some(text) = text {
        let base = group_template(store, &m.group).await?.unwrap_or_default();
        let merged = merge(&base, text, file)?;
        template::validate(&merged, file).map_err(|e| Refused::new("input", e))?;
    }
    let mut tx = store.write().await.map_err(db("a transaction"))?;
    let version = Store::next_config_version(&mut tx)
        .await
        .map_err(Refused::internal)?;
    sqlx::query("UPDATE machines SET override_config = $1, override_version = $2 WHERE id = $3")
        .bind(text)
        .bind(version)
        .bind(&m.id)
        .execute(&mut *tx)
        .await
        .map_err(db("storing the overrides"))?;
    tx.commit().await.map_err(db("committing the overrides"))?;
    Ok(version)
}

/// `overrides` merged into `base`: tables key by key, anything else replaced.
pub fn merge(base: &str, overrides: &str, file: &str) -> Res<String> {
    fn into(base: &mut toml::Table, over: toml::Table) {
        for (k, v) in over {
            match (base.get_mut(&k), v) {
                (Some(toml::Value::Table(b)), toml::Value::Table(o)) => into(b, o),
                (_, v) => {
                    base.insert(k, v);
                }
            }
        }
    }
    let parse = |text: &str, what: &str| {
        text.parse::<toml::Table>().map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(1);
            Refused::new(
                "input",
                format!("{what}:{line}: not TOML: {}", e.message().trim()),
            )
        })
    };
    if overrides.trim().is_empty() {
        return Ok(base.to_string());
    }
    let mut b = parse(base, "the group's template")?;
    into(&mut b, parse(overrides, file)?);
    toml::to_string(&b).map_err(|e| Refused::internal(e.to_string()))
}

async fn group_template(store: &Store, group: &str) -> Res<Option<String>> {
    sqlx::query("SELECT config FROM groups WHERE name = $1")
        .bind(group)
        .fetch_optional(&store.pool)
        .await
        .map_err(db("reading the template"))?
        .map(|r| r.try_get::<String, _>(0))
        .transpose()
        .map_err(db("reading the template"))
}

/// Sets a group's secret to `value`, or (None) to a new random one per machine.
pub async fn set_group_secret(
    store: &Store,
    group: &str,
    name: &str,
    value: Option<&str>,
) -> Res<()> {
    check_group_name(group)?;
    if !template::valid_secret_name(name) {
        return Err(Refused::new(
            "input",
            format!("'{name}' is not a secret name (letters, digits, '-', '_', '.')"),
        ));
    }
    if value.is_some_and(|v| v.is_empty()) {
        return Err(Refused::new("input", "the secret is empty"));
    }
    sqlx::query(
        "INSERT INTO group_secrets (grp, name, value, per_machine) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (grp, name) DO UPDATE SET value = $3, per_machine = $4",
    )
    .bind(group)
    .bind(name)
    .bind(value)
    .bind(i64::from(value.is_none()))
    .execute(&store.pool)
    .await
    .map_err(db("storing the secret"))?;
    Ok(())
}

/// A machine's own secret (generated for it), for the administrator who must
/// reach its repository without the machine.
pub async fn machine_secret(store: &Store, machine: &str, name: &str) -> Res<String> {
    let m = machine_by_id(store, machine).await?;
    secret_for(store, &m, name)
        .await?
        .ok_or_else(|| Refused::new("not-found", format!("no secret '{name}' for {}", m.id)))
}

async fn secret_for(store: &Store, m: &MachineRow, name: &str) -> Res<Option<String>> {
    let row =
        sqlx::query("SELECT value, per_machine FROM group_secrets WHERE grp = $1 AND name = $2")
            .bind(&m.group)
            .bind(name)
            .fetch_optional(&store.pool)
            .await
            .map_err(db("reading the secret"))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let per_machine: i64 = row
        .try_get("per_machine")
        .map_err(db("reading the secret"))?;
    if per_machine == 0 {
        return row.try_get("value").map_err(db("reading the secret"));
    }
    let existing =
        sqlx::query("SELECT value FROM machine_secrets WHERE machine = $1 AND name = $2")
            .bind(&m.id)
            .bind(name)
            .fetch_optional(&store.pool)
            .await
            .map_err(db("reading the machine's secret"))?;
    if let Some(r) = existing {
        return r
            .try_get(0)
            .map(Some)
            .map_err(db("reading the machine's secret"));
    }
    // made once, then kept: the administrator can always reach the repository
    let value = random(24)?;
    sqlx::query(
        "INSERT INTO machine_secrets (machine, name, value) VALUES ($1, $2, $3) ON CONFLICT (machine, name) DO NOTHING",
    )
    .bind(&m.id)
    .bind(name)
    .bind(&value)
    .execute(&store.pool)
    .await
    .map_err(db("storing the machine's secret"))?;
    let stored = sqlx::query("SELECT value FROM machine_secrets WHERE machine = $1 AND name = $2")
        .bind(&m.id)
        .bind(name)
        .fetch_one(&store.pool)
        .await
        .map_err(db("reading the machine's secret"))?;
    stored
        .try_get(0)
        .map(Some)
        .map_err(db("reading the machine's secret"))
}

// ---------------------------------------------------------------- machines

pub async fn machine_by_id(store: &Store, id: &str) -> Res<MachineRow> {
    let row = sqlx::query(&format!(
        "SELECT {MACHINE_COLUMNS} FROM machines WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&store.pool)
    .await
    .map_err(db("reading the machine"))?;
    match row {
        Some(r) => MachineRow::from_row(&r).map_err(db("reading the machine")),
        None => Err(Refused::new("unknown-machine", format!("no machine {id}"))),
    }
}

pub async fn machines(store: &Store) -> Res<Vec<MachineRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {MACHINE_COLUMNS} FROM machines ORDER BY grp, hostname, id"
    ))
    .fetch_all(&store.pool)
    .await
    .map_err(db("listing the machines"))?;
    rows.iter()
        .map(MachineRow::from_row)
        .collect::<Result<_, _>>()
        .map_err(db("reading the machines"))
}

pub async fn revoke_machine(store: &Store, id: &str) -> Res<()> {
    let done =
        sqlx::query("UPDATE machines SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .execute(&store.pool)
            .await
            .map_err(db("revoking the machine"))?;
    if done.rows_affected() == 0 {
        machine_by_id(store, id).await?;
        return Err(Refused::new("input", format!("{id} is revoked already")));
    }
    Ok(())
}

/// Queues `action` for the machines chosen; returns (machine, command id).
pub async fn run_now(
    store: &Store,
    machines_chosen: &[MachineRow],
    action: Action,
    repo: Option<&str>,
) -> Res<Vec<(String, String)>> {
    let mut tx = store.write().await.map_err(db("a transaction"))?;
    let mut queued = Vec::new();
    for m in machines_chosen.iter().filter(|m| m.revoked_at.is_none()) {
        let id = random(8)?;
        sqlx::query(
            "INSERT INTO commands (id, machine, action, repo, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(&m.id)
        .bind(action.name())
        .bind(repo)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(db("queuing the command"))?;
        queued.push((m.id.clone(), id));
    }
    tx.commit().await.map_err(db("committing the commands"))?;
    Ok(queued)
}

/// A command as listed.
#[derive(Debug, Clone, Serialize)]
pub struct CommandInfo {
    pub id: String,
    pub action: String,
    pub repo: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub ok: Option<bool>,
    pub message: Option<String>,
}

/// Records `state` as alerted for `machine` if it still was `previous`; whether
/// this call recorded it (another server on the same store may have first).
pub async fn record_alerted_state(
    store: &Store,
    machine: &str,
    previous: &str,
    state: &str,
) -> Res<bool> {
    let done = sqlx::query(
        "UPDATE machines SET alerted_state = $1 WHERE id = $2 AND COALESCE(alerted_state, '') = $3",
    )
    .bind(state)
    .bind(machine)
    .bind(previous)
    .execute(&store.pool)
    .await
    .map_err(db("recording an alerted state"))?;
    Ok(done.rows_affected() == 1)
}

/// Whether a command waits for `machine` (queued, not delivered yet).
pub async fn has_pending(store: &Store, machine: &str) -> Res<bool> {
    let row =
        sqlx::query("SELECT id FROM commands WHERE machine = $1 AND delivered_at IS NULL LIMIT 1")
            .bind(machine)
            .fetch_optional(&store.pool)
            .await
            .map_err(db("reading the commands"))?;
    Ok(row.is_some())
}

/// The machines a command waits for.
pub async fn machines_with_pending(store: &Store) -> Res<Vec<String>> {
    let rows = sqlx::query("SELECT DISTINCT machine FROM commands WHERE delivered_at IS NULL")
        .fetch_all(&store.pool)
        .await
        .map_err(db("reading the commands"))?;
    rows.iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<_, _>>()
        .map_err(db("reading the commands"))
}

pub async fn commands_of(store: &Store, machine: &str, limit: i64) -> Res<Vec<CommandInfo>> {
    let rows = sqlx::query(
        "SELECT id, action, repo, created_at, delivered_at, finished_at, ok, message FROM commands \
         WHERE machine = $1 ORDER BY created_at DESC, id LIMIT $2",
    )
    .bind(machine)
    .bind(limit)
    .fetch_all(&store.pool)
    .await
    .map_err(db("listing the commands"))?;
    rows.iter()
        .map(|r| {
            Ok(CommandInfo {
                id: r.try_get("id")?,
                action: r.try_get("action")?,
                repo: r.try_get("repo")?,
                created_at: r.try_get("created_at")?,
                delivered_at: r.try_get("delivered_at")?,
                finished_at: r.try_get("finished_at")?,
                ok: r.try_get::<Option<i64>, _>("ok")?.map(|v| v != 0),
                message: r.try_get("message")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(db("reading the commands"))
}

pub async fn reports_of(store: &Store, machine: &str, limit: i64) -> Res<Vec<protocol::JobReport>> {
    let rows = sqlx::query(
        "SELECT body FROM reports WHERE machine = $1 ORDER BY finished_at DESC, id LIMIT $2",
    )
    .bind(machine)
    .bind(limit)
    .fetch_all(&store.pool)
    .await
    .map_err(db("listing the reports"))?;
    rows.iter()
        .map(|r| {
            let body: String = r.try_get(0).map_err(db("reading the reports"))?;
            serde_json::from_str(&body).map_err(|e| Refused::internal(e.to_string()))
        })
        .collect()
}

// ---------------------------------------------------------------- the machines' requests

/// Enrols a machine with a token (used once more; refused when spent, expired or
/// revoked).
pub async fn enrol(store: &Store, req: &EnrolRequest, checkin_seconds: u64) -> Res<EnrolReply> {
    protocol::check_sign_key(&req.sign_key).map_err(|e| Refused::new("input", e))?;
    protocol::check_box_key(&req.box_key).map_err(|e| Refused::new("input", e))?;
    let refused = || {
        Refused::new(
            "token",
            "this enrolment token is unknown, spent, expired or revoked",
        )
    };
    let (id, secret) = req.token.split_once('.').ok_or_else(refused)?;
    let mut tx = store.write().await.map_err(db("a transaction"))?;
    let row = sqlx::query(
        "SELECT secret_hash, grp, uses_left, expires_at, revoked FROM tokens WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db("reading the token"))?
    .ok_or_else(refused)?;
    let hash: String = row
        .try_get("secret_hash")
        .map_err(db("reading the token"))?;
    let group: String = row.try_get("grp").map_err(db("reading the token"))?;
    let expires_at: Option<i64> = row.try_get("expires_at").map_err(db("reading the token"))?;
    let revoked: i64 = row.try_get("revoked").map_err(db("reading the token"))?;
    if hash != sha256_hex(secret) || revoked != 0 || expires_at.is_some_and(|e| e <= now()) {
        return Err(refused());
    }
    // spend one use; two machines racing for the last one: one wins
    let spent = sqlx::query(
        "UPDATE tokens SET used = used + 1, uses_left = uses_left - 1 \
         WHERE id = $1 AND (uses_left IS NULL OR uses_left > 0)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(db("spending the token"))?;
    if spent.rows_affected() == 0 {
        return Err(refused());
    }
    let machine = format!("m-{}", random(8)?);
    sqlx::query(
        "INSERT INTO machines (id, grp, hostname, os, version, sign_key, box_key, token_id, enrolled_at, \
         config_version, override_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0)",
    )
    .bind(&machine)
    .bind(&group)
    .bind(clip(&req.hostname, 255))
    .bind(clip(&req.os, 255))
    .bind(clip(&req.version, 64))
    .bind(&req.sign_key)
    .bind(&req.box_key)
    .bind(id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db("storing the machine"))?;
    tx.commit().await.map_err(db("committing the enrolment"))?;
    tracing::info!(machine, group, hostname = %req.hostname, token = id, "enrolled");
    Ok(EnrolReply {
        machine_id: machine,
        group,
        checkin_seconds,
        server_time: now(),
    })
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Checks a signed request: the clock, the machine (known, not revoked), the
/// signature, then the nonce (seen once only). Returns the machine.
pub async fn authenticate(
    store: &Store,
    method: &str,
    path: &str,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Res<MachineRow> {
    use protocol::header;
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| {
                Refused::new(
                    "signature",
                    format!("the request is not signed (no {name})"),
                )
            })
    };
    let machine = get(header::MACHINE)?;
    let time: i64 = get(header::TIME)?
        .parse()
        .map_err(|_| Refused::new("signature", "the request's time is not a number"))?;
    let nonce = get(header::NONCE)?;
    let signature = get(header::SIGNATURE)?;
    let skew = time - now();
    if skew.abs() > protocol::MAX_SKEW_SECONDS {
        return Err(Refused::new(
            "clock-skew",
            format!(
                "the machine's clock is {} s {} the server's (at most {} s are allowed): set its time (NTP) and try again",
                skew.abs(),
                if skew > 0 { "ahead of" } else { "behind" },
                protocol::MAX_SKEW_SECONDS
            ),
        ));
    }
    if nonce.len() < 16 || nonce.len() > 64 {
        return Err(Refused::new(
            "signature",
            "the request's nonce is malformed",
        ));
    }
    let m = machine_by_id(store, &machine)
        .await
        .map_err(|e| match e.kind {
            "unknown-machine" => Refused::new(
                "unknown-machine",
                format!("this server does not know the machine {machine}: enrol it again"),
            ),
            _ => e,
        })?;
    if m.revoked_at.is_some() {
        return Err(Refused::new(
            "revoked",
            format!("the machine {machine} was revoked by the administrator"),
        ));
    }
    let signed = protocol::canonical(method, path, &machine, time, &nonce, body);
    protocol::verify(&m.sign_key, &signature, &signed).map_err(|e| Refused::new("signature", e))?;
    let fresh = sqlx::query(
        "INSERT INTO nonces (machine, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT (machine, nonce) DO NOTHING",
    )
    .bind(&machine)
    .bind(&nonce)
    .bind(now())
    .execute(&store.pool)
    .await
    .map_err(db("recording the nonce"))?;
    if fresh.rows_affected() == 0 {
        return Err(Refused::new(
            "replay",
            "this request was sent before (a replay): refused",
        ));
    }
    Ok(m)
}

/// Forgets nonces too old to be replayed (their time would be refused anyway).
pub async fn prune_nonces(store: &Store) -> Res<u64> {
    let done = sqlx::query("DELETE FROM nonces WHERE seen_at < $1")
        .bind(now() - 2 * protocol::MAX_SKEW_SECONDS - 60)
        .execute(&store.pool)
        .await
        .map_err(db("forgetting old nonces"))?;
    Ok(done.rows_affected())
}

/// The configuration a machine runs: its group's template with its overrides.
pub async fn provision(store: &Store, m: &MachineRow) -> Res<Provision> {
    let row = sqlx::query("SELECT config, config_version FROM groups WHERE name = $1")
        .bind(&m.group)
        .fetch_optional(&store.pool)
        .await
        .map_err(db("reading the template"))?;
    let Some(row) = row else {
        return Ok(Provision::default());
    };
    let base: String = row.try_get("config").map_err(db("reading the template"))?;
    let group_version: i64 = row
        .try_get("config_version")
        .map_err(db("reading the template"))?;
    let config = match &m.override_config {
        Some(o) => merge(&base, o, "the machine's overrides")?,
        None => base,
    };
    let names = template::secret_names(&config, "the template").map_err(Refused::internal)?;
    let mut secrets = Vec::new();
    for name in names {
        if let Some(value) = secret_for(store, m, &name).await? {
            secrets.push(SealedSecret {
                sealed: protocol::seal(&m.box_key, value.as_bytes()).map_err(Refused::internal)?,
                name,
            });
        }
    }
    Ok(Provision {
        version: effective_version(group_version, m),
        config,
        secrets,
    })
}

fn effective_version(group_version: i64, m: &MachineRow) -> i64 {
    if group_version == 0 {
        0
    } else {
        group_version.max(m.override_version)
    }
}

/// Stores a check-in: the machine's facts, its reports (each once), the results
/// of its commands; answers with the commands waiting for it.
pub async fn checkin(
    store: &Store,
    m: &MachineRow,
    c: &CheckIn,
    checkin_seconds: u64,
) -> Res<CheckInReply> {
    let at = now();
    let mut tx = store.write().await.map_err(db("a transaction"))?;
    let mut acknowledged = Vec::with_capacity(c.reports.len());
    let mut last_backup = m.last_backup;
    let mut latest: Option<&protocol::JobReport> = None;
    for r in &c.reports {
        let body = serde_json::to_string(r).map_err(|e| Refused::internal(e.to_string()))?;
        sqlx::query(
            "INSERT INTO reports (id, machine, repo, action, ok, state, finished_at, received_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (machine, id) DO NOTHING",
        )
        .bind(clip(&r.id, 64))
        .bind(&m.id)
        .bind(clip(&r.repo, 255))
        .bind(clip(&r.action, 32))
        .bind(i64::from(r.ok))
        .bind(i64::from(r.state))
        .bind(r.finished_at)
        .bind(at)
        .bind(body)
        .execute(&mut *tx)
        .await
        .map_err(db("storing a report"))?;
        acknowledged.push(r.id.clone());
        if r.action == "backup" {
            if r.ok {
                let success = r.last_success.unwrap_or(r.finished_at);
                last_backup = Some(last_backup.map_or(success, |b| b.max(success)));
            }
            if latest.is_none_or(|l| r.finished_at >= l.finished_at) {
                latest = Some(r);
            }
        }
    }
    let (last_state, last_report_at, last_size) = match latest {
        Some(r) if m.last_report_at.is_none_or(|t| r.finished_at >= t) => (
            Some(i64::from(r.state)),
            Some(r.finished_at),
            r.backup
                .as_ref()
                .map(|b| b.total_bytes_processed as i64)
                .or(m.last_size),
        ),
        _ => (m.last_state, m.last_report_at, m.last_size),
    };
    let config_error = c
        .config_failure
        .as_ref()
        .map(|f| format!("version {}: {}", f.version, clip(&f.error, 4000)));
    sqlx::query(
        // a check-in that does not say its host, OS or version keeps the known ones
        "UPDATE machines SET hostname = COALESCE(NULLIF($1, ''), hostname), \
         os = COALESCE(NULLIF($2, ''), os), version = COALESCE(NULLIF($3, ''), version), free_bytes = $4, config_version = $5, \
         config_error = $6, last_checkin = $7, last_backup = $8, last_state = $9, last_report_at = $10, \
         last_size = $11, minimum_backup_age = $12 WHERE id = $13",
    )
    .bind(clip(&c.hostname, 255))
    .bind(clip(&c.os, 255))
    .bind(clip(&c.version, 64))
    .bind(c.free_bytes.map(|b| b.min(i64::MAX as u64) as i64))
    .bind(c.config_version)
    .bind(config_error)
    .bind(at)
    .bind(last_backup)
    .bind(last_state)
    .bind(last_report_at)
    .bind(last_size)
    .bind(c.minimum_backup_age.map(|s| s.min(i64::MAX as u64) as i64))
    .bind(&m.id)
    .execute(&mut *tx)
    .await
    .map_err(db("storing the check-in"))?;
    for r in &c.results {
        sqlx::query(
            "UPDATE commands SET finished_at = $1, ok = $2, message = $3 WHERE id = $4 AND machine = $5",
        )
        .bind(r.finished_at)
        .bind(i64::from(r.ok))
        .bind(clip(&r.message, 4000))
        .bind(&r.id)
        .bind(&m.id)
        .execute(&mut *tx)
        .await
        .map_err(db("storing a command's result"))?;
    }
    let waiting = sqlx::query(
        "SELECT id, action, repo FROM commands WHERE machine = $1 AND delivered_at IS NULL ORDER BY created_at, id",
    )
    .bind(&m.id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db("reading the commands"))?;
    let mut commands = Vec::new();
    for r in &waiting {
        let id: String = r.try_get("id").map_err(db("reading a command"))?;
        let action: String = r.try_get("action").map_err(db("reading a command"))?;
        let repo: Option<String> = r.try_get("repo").map_err(db("reading a command"))?;
        if let Some(action) = Action::parse(&action) {
            commands.push(Command { id, action, repo });
        }
    }
    if !commands.is_empty() {
        sqlx::query(
            "UPDATE commands SET delivered_at = $1 WHERE machine = $2 AND delivered_at IS NULL",
        )
        .bind(at)
        .bind(&m.id)
        .execute(&mut *tx)
        .await
        .map_err(db("marking the commands delivered"))?;
    }
    let group_version: Option<i64> =
        sqlx::query("SELECT config_version FROM groups WHERE name = $1")
            .bind(&m.group)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db("reading the template"))?
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(db("reading the template"))?;
    tx.commit().await.map_err(db("committing the check-in"))?;
    Ok(CheckInReply {
        acknowledged,
        config_version: effective_version(group_version.unwrap_or(0), m),
        commands,
        checkin_seconds,
        server_time: at,
    })
}
