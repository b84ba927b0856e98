//! `permissions`: what users may do with each repository, set by an
//! administrator and guarded by the manager password.

use clap::Subcommand;
use serde::Serialize;

use super::{Context, output, prompt::ask};
use crate::{
    config::{
        Config, Secret,
        edit::ConfigEdit,
        permissions::{self, Permission},
    },
    error::{Error, Result, exit},
};

#[derive(Debug, Subcommand)]
pub enum PermissionsCommand {
    /// Each repository's permissions, and whether a manager password is set.
    Show,
    /// Set what users may do with a repository (--repo, default: the only or
    /// "default" one) or with every repository of a group (--group): backup,
    /// restore, restore-only or full. Asks for the manager password when one is
    /// set ($NPBACKUP_MANAGER_PASSWORD in scripts).
    Set {
        #[arg(value_parser = parse_level, value_name = "backup|restore|restore-only|full")]
        level: Permission,
        /// Set it on this group instead of one repository.
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
    },
    /// Set or change the manager password (asks for the current one first; the new
    /// one from $NPBACKUP_NEW_MANAGER_PASSWORD, else asked twice).
    ManagerPassword {
        /// Remove the manager password instead.
        #[arg(long)]
        remove: bool,
    },
}

fn parse_level(s: &str) -> std::result::Result<Permission, String> {
    s.parse()
}

pub fn permissions_cmd(ctx: &Context, cmd: PermissionsCommand) -> Result<i32> {
    let config = ctx.config()?;
    match cmd {
        PermissionsCommand::Show => show(ctx, &config),
        PermissionsCommand::Set { level, group } => set(ctx, &config, level, group),
        PermissionsCommand::ManagerPassword { remove } => manager_password(ctx, &config, remove),
    }
}

/// Asks for the manager password and checks it, when the configuration has one.
pub fn require_manager(config: &Config) -> Result<()> {
    let Some(hash) = config.manager_password_hash() else {
        return Ok(());
    };
    let given = match std::env::var("NPBACKUP_MANAGER_PASSWORD") {
        Ok(v) if !v.is_empty() => Secret::new(v),
        _ => ask(&crate::t!("cli-ask-manager-password"))?,
    };
    if permissions::verify_manager_password(&hash, &given)? {
        Ok(())
    } else {
        Err(Error::Denied(crate::t!("cli-wrong-manager-password")))
    }
}

#[derive(Serialize)]
struct Row {
    repository: String,
    permissions: Permission,
    allows: String,
}

fn show(ctx: &Context, config: &Config) -> Result<i32> {
    let mut rows = Vec::new();
    for name in config.repo_names() {
        let p = config.repo(&name)?.permissions;
        rows.push(Row {
            repository: name,
            permissions: p,
            allows: p.summary(),
        });
    }
    let manager = config.manager_password_hash().is_some();
    if ctx.global.json {
        output::print_json(
            "permissions",
            None,
            &serde_json::json!({ "manager_password": manager, "repositories": rows }),
        );
    } else {
        let table: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.repository.clone(),
                    r.permissions.name().to_string(),
                    r.allows.to_string(),
                ]
            })
            .collect();
        output::table(
            &[
                crate::t!("cli-column-repository"),
                crate::t!("cli-column-permissions"),
                crate::t!("cli-column-allows"),
            ],
            &table,
        );
        println!(
            "{}",
            if manager {
                crate::t!("cli-manager-password-set")
            } else {
                crate::t!("cli-manager-password-not-set")
            }
        );
    }
    Ok(exit::OK)
}

fn set(ctx: &Context, config: &Config, level: Permission, group: Option<String>) -> Result<i32> {
    let table: Vec<String> = match &group {
        Some(g) => {
            if !config.group_names().contains(g) {
                return Err(Error::Usage(crate::t!(
                    "cli-unknown-group",
                    group = g.as_str(),
                    file = config.path.display().to_string(),
                    known = config.group_names().join(", ")
                )));
            }
            vec!["groups".into(), g.clone()]
        }
        None => {
            let name = ctx.repo_name(config)?;
            config.repo(&name)?;
            vec!["repos".into(), name]
        }
    };
    require_manager(config)?;
    let mut edit = ConfigEdit::open(&config.path)?;
    let at: Vec<&str> = table.iter().map(String::as_str).collect();
    edit.set(&at, "permissions", level.name());
    let saved = edit.save()?;
    if config.manager_password_hash().is_none() && level != Permission::Full {
        eprintln!(
            "{}",
            crate::t!(
                "cli-note",
                message = crate::t!(
                    "cli-no-manager-password",
                    file = config.path.display().to_string()
                )
            )
        );
    }
    let changed: Vec<String> = saved
        .repo_names()
        .into_iter()
        .filter(|n| {
            saved
                .repo(n)
                .map(|r| r.permissions == level)
                .unwrap_or(false)
        })
        .collect();
    if ctx.global.json {
        output::print_json(
            "permissions",
            None,
            &serde_json::json!({ "set": level, "on": table.join("."), "repositories_with_it": changed }),
        );
    } else {
        println!(
            "{}",
            crate::t!(
                "cli-permissions-set",
                table = table.join("."),
                level = level.name(),
                allows = level.summary(),
                repos = changed.join(", ")
            )
        );
    }
    Ok(exit::OK)
}

fn manager_password(ctx: &Context, config: &Config, remove: bool) -> Result<i32> {
    require_manager(config)?;
    let mut edit = ConfigEdit::open(&config.path)?;
    if remove {
        edit.remove(&["security"], "manager-password-hash");
    } else {
        let new = match std::env::var("NPBACKUP_NEW_MANAGER_PASSWORD") {
            Ok(v) if !v.is_empty() => Secret::new(v),
            _ => {
                let a = ask(&crate::t!("cli-ask-new-manager-password"))?;
                let b = ask(&crate::t!("cli-ask-same-again"))?;
                if a.expose() != b.expose() {
                    return Err(Error::Input(crate::t!("cli-passwords-differ")));
                }
                a
            }
        };
        let hash = permissions::hash_manager_password(&new)?;
        edit.set(&["security"], "manager-password-hash", hash);
    }
    edit.save()?;
    if ctx.global.json {
        output::print_json(
            "permissions",
            None,
            &serde_json::json!({ "manager_password": !remove }),
        );
    } else if remove {
        println!("{}", crate::t!("cli-manager-password-removed"));
    } else {
        println!(
            "{}",
            crate::t!(
                "cli-manager-password-stored",
                file = config.path.display().to_string()
            )
        );
    }
    Ok(exit::OK)
}
