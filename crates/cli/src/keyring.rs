//! `keyring`: moves a repository's password, or a backend secret, into the OS
//! keyring and points the configuration at it; and back out into a file.

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::{Context, output, prompt::ask};
use crate::{
    config::{
        self, Config, PasswordSource, Secret,
        edit::ConfigEdit,
        keyring::{self, OPTION_PREFIX},
    },
    engine,
    error::{Error, Result, exit},
};

#[derive(Debug, Subcommand)]
pub enum KeyringCommand {
    /// Whether the OS keyring can be used here, and which secrets of the
    /// configuration live in it.
    Status,
    /// Put the repository's password in the OS keyring and point the configuration
    /// at it. The password comes from --password-file, --password-command or
    /// $NPBACKUP_PASSWORD, else from the repository's present source, else it is
    /// asked for. It is tried on the repository first: a wrong one is not stored.
    Set {
        /// The entry's name in the keyring (default: REPO-password-XXXXXXXX).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Put a backend secret (e.g. `secret_access_key`) in the OS keyring: the
    /// configuration keeps `keyring:NAME` in its place. The value comes from the
    /// configuration, else it is asked for (or read from standard input).
    SetOption {
        /// The backend option, as in `backend-options`.
        option: String,
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Take the repository's password out of the keyring: it is written to FILE
    /// (readable by you alone), the configuration points there, and the keyring
    /// entry is removed.
    Unset {
        #[arg(long, value_name = "FILE")]
        to_file: PathBuf,
    },
}

pub fn keyring_cmd(ctx: &Context, cmd: KeyringCommand) -> Result<i32> {
    match cmd {
        KeyringCommand::Status => status(ctx),
        KeyringCommand::Set { name } => set(ctx, name),
        KeyringCommand::SetOption { option, name } => set_option(ctx, &option, name),
        KeyringCommand::Unset { to_file } => unset(ctx, &to_file),
    }
}

/// Refuses early, before anything is read or changed, when no keyring can be used.
fn keyring_usable() -> Result<()> {
    keyring::available()
        .map_err(|why| Error::Credentials(crate::t!("cli-keyring-unusable", why = why)))
}

/// The configuration and the repository the command is about.
fn config_and_repo(ctx: &Context) -> Result<(Config, String)> {
    if ctx.global.repository.is_some() {
        return Err(Error::Usage(crate::t!("cli-keyring-needs-repo")));
    }
    let config = ctx.config()?;
    let name = ctx.repo_name(&config)?;
    config
        .repo(&name)?
        .permissions
        .check(&name, crate::config::permissions::Op::Configure)?;
    Ok((config, name))
}

#[derive(Serialize)]
struct StatusDoc {
    available: bool,
    store: Option<String>,
    problem: Option<String>,
    service: String,
    repositories: Vec<RepoDoc>,
}

#[derive(Serialize)]
struct RepoDoc {
    name: String,
    password: String,
    /// The password source in words, for the text output.
    #[serde(skip)]
    label: String,
    keyring_entries: Vec<String>,
}

fn status(ctx: &Context) -> Result<i32> {
    let store = keyring::describe_store();
    let mut repositories = Vec::new();
    if let Some(path) = ctx.config_path() {
        let config = Config::load(&path)?;
        for name in config.repo_names() {
            let rc = config.repo(&name)?;
            let mut entries: Vec<String> = rc
                .backend_options
                .values()
                .filter_map(|v| v.strip_prefix(OPTION_PREFIX).map(str::to_string))
                .collect();
            if let PasswordSource::Keyring(k) = &rc.password {
                entries.insert(0, k.clone());
            }
            repositories.push(RepoDoc {
                name,
                password: rc.password.describe(),
                label: rc.password.label(),
                keyring_entries: entries,
            });
        }
    }
    let doc = StatusDoc {
        available: store.is_ok(),
        store: store.as_ref().ok().cloned(),
        problem: store.as_ref().err().cloned(),
        service: keyring::service(),
        repositories,
    };
    if ctx.global.json {
        output::print_json("keyring", None, &doc);
    } else {
        match &store {
            Ok(s) => println!(
                "{}",
                crate::t!(
                    "cli-keyring-status",
                    store = s.as_str(),
                    service = doc.service.as_str()
                )
            ),
            Err(why) => println!(
                "{}",
                crate::t!("cli-keyring-status-unavailable", why = why.as_str())
            ),
        }
        for r in &doc.repositories {
            println!(
                "  {}",
                crate::t!(
                    "cli-keyring-status-repo",
                    name = r.name.as_str(),
                    source = r.label.as_str()
                )
            );
        }
    }
    Ok(if store.is_ok() {
        exit::OK
    } else {
        exit::NEGATIVE
    })
}

/// The keyring entry the chosen configured repository reads its password from,
/// unless the command line or environment gives another password.
pub fn entry_in_use(ctx: &Context) -> Option<String> {
    if ctx.global.repository.is_some() || ctx.password_override(false).is_some() {
        return None;
    }
    let config = ctx.config().ok()?;
    let name = ctx.repo_name(&config).ok()?;
    match config.repo(&name).ok()?.password {
        PasswordSource::Keyring(k) => Some(k),
        _ => None,
    }
}

#[derive(Serialize)]
struct SetDoc {
    repository: String,
    entry: String,
    config: PathBuf,
    verified: bool,
    note: Option<String>,
}

fn set(ctx: &Context, name: Option<String>) -> Result<i32> {
    let (config, repo) = config_and_repo(ctx)?;
    let rc = config.repo(&repo)?;
    keyring_usable()?;
    let password = match ctx.password_override(false) {
        Some(source) => source.resolve()?,
        None => match &rc.password {
            PasswordSource::Missing | PasswordSource::Keyring(_) => {
                ask(&crate::t!("cli-ask-repo-password", repo = repo.as_str()))?
            }
            source => {
                if matches!(source, PasswordSource::Command(_)) {
                    config::secrets::check_safe_for_commands(&config.path)?;
                }
                source.resolve()?
            }
        },
    };
    crate::redact::register(password.expose());

    // a wrong password must not replace a right one
    let (target, _) = crate::jobs::plan::target(
        &config,
        &repo,
        Some(PasswordSource::Inline(password.clone())),
    )?;
    // opening the repository (its primary location, else a fallback) tries it
    let open = crate::jobs::JobSpec::new(target, crate::jobs::JobKind::Keys);
    let (verified, note) = match super::jobrun::run_aside::<Vec<engine::ops::KeyInfo>>(ctx, open) {
        Ok(_) => (true, None),
        Err(e) if e.kind() == "credentials" => {
            let m = e.to_string();
            return Err(Error::Credentials(crate::t!(
                "cli-keyring-nothing-stored",
                cause = m.trim_end_matches('.').to_string() + "."
            )));
        }
        Err(e) => (
            false,
            Some(crate::t!("cli-keyring-not-tried", cause = e.to_string())),
        ),
    };

    let entry = name.unwrap_or_else(|| match &rc.password {
        PasswordSource::Keyring(k) => k.clone(),
        _ => keyring::new_key(&repo, "password"),
    });
    keyring::set(
        &entry,
        &password,
        &crate::t!("config-keyring-what-password", repo = repo.as_str()),
    )?;
    // read back: a keyring that accepts and forgets (a locked or read-only collection) is caught here
    if keyring::get(&entry)?.expose() != password.expose() {
        return Err(Error::Credentials(crate::t!(
            "cli-keyring-not-kept",
            entry = entry.as_str()
        )));
    }

    let mut edit = ConfigEdit::open(&config.path)?;
    let table = ["repos", repo.as_str()];
    edit.replace(
        &table,
        config::PASSWORD_KEYS,
        "password-keyring",
        entry.as_str(),
    );
    edit.save()?;

    let doc = SetDoc {
        repository: repo.clone(),
        entry: entry.clone(),
        config: config.path.clone(),
        verified,
        note,
    };
    if ctx.global.json {
        output::print_json("keyring", None, &doc);
    } else {
        println!(
            "{}",
            if verified {
                crate::t!(
                    "cli-keyring-set-verified",
                    repo = repo.as_str(),
                    entry = entry.as_str()
                )
            } else {
                crate::t!(
                    "cli-keyring-set",
                    repo = repo.as_str(),
                    entry = entry.as_str()
                )
            }
        );
        println!(
            "{}",
            crate::t!(
                "cli-keyring-config-now",
                file = config.path.display().to_string(),
                entry = entry.as_str(),
                backup = config::edit::backup_path(&config.path)
                    .display()
                    .to_string()
            )
        );
        if let Some(note) = &doc.note {
            println!("{}", crate::t!("cli-note", message = note.as_str()));
        }
        if let PasswordSource::File(f) = &rc.password {
            println!(
                "{}",
                crate::t!("cli-keyring-file-unused", path = f.display().to_string())
            );
        }
    }
    Ok(exit::OK)
}

fn set_option(ctx: &Context, option: &str, name: Option<String>) -> Result<i32> {
    let (config, repo) = config_and_repo(ctx)?;
    keyring_usable()?;
    let mut edit = ConfigEdit::open(&config.path)?;
    let table = ["repos", repo.as_str(), "backend-options"];
    let present = edit.get_str(&table, option);
    let value = match present.as_deref() {
        Some(v) if !v.starts_with(OPTION_PREFIX) && !v.is_empty() => Secret::new(v),
        _ => ask(&crate::t!(
            "cli-ask-option",
            option = option,
            repo = repo.as_str()
        ))?,
    };
    crate::redact::register(value.expose());
    let entry = name.unwrap_or_else(|| {
        let what = option.replace(['_', ' '], "-");
        keyring::new_key(&repo, &what)
    });
    keyring::set(
        &entry,
        &value,
        &crate::t!(
            "config-keyring-what-option",
            option = option,
            repo = repo.as_str()
        ),
    )?;
    edit.set(&table, option, format!("{OPTION_PREFIX}{entry}"));
    edit.save()?;
    if ctx.global.json {
        output::print_json(
            "keyring",
            None,
            &serde_json::json!({"repository": repo, "option": option, "entry": entry}),
        );
    } else {
        println!(
            "{}",
            crate::t!(
                "cli-keyring-option-set",
                option = option,
                repo = repo.as_str(),
                entry = entry.as_str(),
                file = config.path.display().to_string(),
                value = format!("{OPTION_PREFIX}{entry}")
            )
        );
    }
    Ok(exit::OK)
}

fn unset(ctx: &Context, to_file: &std::path::Path) -> Result<i32> {
    let (config, repo) = config_and_repo(ctx)?;
    let rc = config.repo(&repo)?;
    let PasswordSource::Keyring(entry) = &rc.password else {
        return Err(Error::Usage(crate::t!(
            "cli-keyring-not-in-keyring",
            repo = repo.as_str(),
            source = rc.password.label()
        )));
    };
    // the password leaves the keyring: the manager may keep it in
    super::permissions::require_manager(&config)?;
    let password = keyring::get(entry)?;
    if to_file.exists() {
        return Err(Error::Input(crate::t!(
            "cli-file-exists",
            path = to_file.display().to_string()
        )));
    }
    let to_file = std::path::absolute(to_file)
        .map_err(|e| Error::io(crate::t!("io-resolving"), to_file, e))?;
    crate::fsutil::write_atomic(
        &to_file,
        format!("{}\n", password.expose()).as_bytes(),
        Some(0o600),
    )
    .map_err(|e| Error::io(crate::t!("io-writing-password-file"), &to_file, e))?;
    let mut edit = ConfigEdit::open(&config.path)?;
    let table = ["repos", repo.as_str()];
    edit.replace(
        &table,
        config::PASSWORD_KEYS,
        "password-file",
        to_file.display().to_string(),
    );
    if let Err(e) = edit.save() {
        let _ = std::fs::remove_file(&to_file);
        return Err(e);
    }
    let removed = keyring::delete(entry)?;
    if ctx.global.json {
        output::print_json(
            "keyring",
            None,
            &serde_json::json!({"repository": repo, "password_file": to_file, "entry_removed": removed}),
        );
    } else {
        println!(
            "{}",
            crate::t!(
                "cli-keyring-unset",
                repo = repo.as_str(),
                path = to_file.display().to_string(),
                entry = entry.as_str()
            )
        );
    }
    Ok(exit::OK)
}
