//! Coming from NPBackup 3: `config import` (the original's YAML into our TOML, with
//! a report of every key).

use std::path::{Path, PathBuf};

use npbackup_migrate::{self as migrate, ImportError, Outcome};

use crate::{
    Context, config,
    error::{ConfigError, Error, Result, exit},
    output,
};

/// Where secrets go (`--secrets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SecretsIn {
    /// The OS keyring when one answers, else owner-only files (the default).
    Auto,
    /// The OS keyring (refused when none answers).
    Keyring,
    /// Owner-only files in `secrets/` beside the new configuration.
    Files,
}

/// The file a new configuration goes to: `-c`, else `$NPBACKUP_CONFIG`, else the
/// per-user file.
pub fn new_config_path(ctx: &Context) -> Result<PathBuf> {
    match ctx.global.config.clone() {
        Some(p) => Ok(p),
        None => std::env::var_os(config::CONFIG_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(config::user_config_path)
            .ok_or_else(|| Error::Usage(crate::t!("cli-no-config-folder"))),
    }
}

fn to_error(file: &Path, e: ImportError) -> Error {
    match e {
        ImportError::Yaml {
            line,
            column,
            message,
        } => Error::Config(vec![ConfigError {
            file: file.to_path_buf(),
            line: Some(line),
            key: String::new(),
            message: format!("column {column}: {message}"),
        }]),
        ImportError::Undecryptable(_) => Error::Credentials(format!("{}: {e}", file.display())),
        ImportError::Version(_) | ImportError::Audience(_) | ImportError::Invalid(_) => {
            Error::Input(format!("{}: {e}", file.display()))
        }
    }
}

/// `config import FILE [--output PATH] [--dry-run] [--secrets …]`.
pub fn import(
    ctx: &Context,
    file: &Path,
    output: Option<PathBuf>,
    dry_run: bool,
    secrets: SecretsIn,
) -> Result<i32> {
    let text =
        std::fs::read_to_string(file).map_err(|e| Error::io(crate::t!("io-reading"), file, e))?;
    let output = match output {
        Some(o) => o,
        None => new_config_path(ctx)?,
    };
    let output = std::path::absolute(&output)
        .map_err(|e| Error::io(crate::t!("io-resolving"), &output, e))?;
    if !dry_run && output.exists() {
        return Err(Error::Input(crate::t!(
            "cli-import-exists",
            path = output.display().to_string()
        )));
    }
    let use_keyring = match secrets {
        SecretsIn::Files => false,
        SecretsIn::Keyring => {
            config::keyring::works()
                .map_err(|why| Error::Credentials(crate::t!("cli-import-no-keyring", why = why)))?;
            true
        }
        SecretsIn::Auto => config::keyring::works().is_ok(),
    };
    let keys = migrate::crypt::Keys::from_env().map_err(Error::Credentials)?;
    let mut opts = migrate::Options::for_output(&output, keys, use_keyring);
    // the machine id the original's command line on this file chooses too
    opts.random_seed = Some(migrate::machine_seed(file));
    let imported = migrate::import(&text, file, &opts).map_err(|e| to_error(file, e))?;
    if !dry_run {
        imported.write(&output).map_err(Error::Input)?;
    }
    if ctx.global.json {
        #[derive(serde::Serialize)]
        struct Done<'a> {
            file: &'a Path,
            output: &'a Path,
            written: bool,
            conf_version: &'a str,
            repositories: &'a [String],
            secrets: Vec<String>,
            exclude_files: Vec<&'a Path>,
            report: &'a [migrate::Entry],
        }
        output::print_json(
            "config",
            None,
            &Done {
                file,
                output: &output,
                written: !dry_run,
                conf_version: &imported.conf_version,
                repositories: &imported.repos,
                secrets: imported
                    .secrets
                    .iter()
                    .map(|s| s.place.describe())
                    .collect(),
                exclude_files: imported.excludes.iter().map(|(p, _)| p.as_path()).collect(),
                report: &imported.report,
            },
        );
        return Ok(exit::OK);
    }
    let width = imported
        .report
        .iter()
        .map(|e| e.key.chars().count())
        .max()
        .unwrap_or(0)
        .min(64);
    for e in &imported.report {
        let what = match &e.outcome {
            Outcome::Mapped { to, note: None } => format!("→ {to}"),
            Outcome::Mapped { to, note: Some(n) } => format!("→ {to} ({n})"),
            Outcome::Secret { to } => crate::t!("cli-import-secret", to = to.as_str()),
            Outcome::Dropped { why } => crate::t!("cli-import-dropped", why = why.as_str()),
            Outcome::Checked { note } => format!("✓ {note}"),
        };
        println!("{:<width$}  {what}", e.key);
    }
    let dropped = imported
        .report
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Dropped { .. }))
        .count();
    println!();
    println!(
        "{}",
        if dry_run {
            crate::t!(
                "cli-import-dry-run",
                version = imported.conf_version.as_str(),
                n = imported.repos.len(),
                dropped = dropped,
                path = output.display().to_string()
            )
        } else {
            crate::t!(
                "cli-import-done",
                version = imported.conf_version.as_str(),
                n = imported.repos.len(),
                dropped = dropped,
                path = output.display().to_string()
            )
        }
    );
    Ok(exit::OK)
}
