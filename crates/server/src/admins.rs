//! The administrators' accounts (argon2id hashes, as the web interface's users).

use npbackup_common::secret::Secret;
use sqlx::Row;

use crate::{
    fleet::{Refused, now},
    store::{Store, db_error},
};

/// Adds administrator `name`, or sets a new password for it.
pub async fn set(store: &Store, name: &str, password: &Secret) -> Result<(), Refused> {
    if name.is_empty() || name.contains(':') || name.chars().any(char::is_control) {
        return Err(Refused::new(
            "input",
            format!("'{name}' cannot name an administrator (no ':', no control characters)"),
        ));
    }
    let hash = npbackup_web::accounts::hash_password(password)
        .map_err(|e| Refused::new("input", e.to_string()))?;
    sqlx::query(
        "INSERT INTO admins (name, password_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET password_hash = $2",
    )
    .bind(name)
    .bind(hash)
    .bind(now())
    .execute(&store.pool)
    .await
    .map_err(|e| Refused::new("internal", db_error("storing the administrator", e)))?;
    Ok(())
}

/// Whether `password` is administrator `name`'s.
pub async fn verify(store: &Store, name: &str, password: &str) -> Result<bool, Refused> {
    let row = sqlx::query("SELECT password_hash FROM admins WHERE name = $1")
        .bind(name)
        .fetch_optional(&store.pool)
        .await
        .map_err(|e| Refused::new("internal", db_error("reading the administrators", e)))?;
    let Some(row) = row else {
        return Ok(false);
    };
    let hash: String = row
        .try_get(0)
        .map_err(|e| Refused::new("internal", db_error("reading the administrators", e)))?;
    // argon2 is slow on purpose: off the async threads
    let password = password.to_string();
    tokio::task::spawn_blocking(move || npbackup_web::accounts::verify_password(&hash, &password))
        .await
        .map_err(|e| Refused::new("internal", e.to_string()))
}
