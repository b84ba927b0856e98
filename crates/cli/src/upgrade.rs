//! `upgrade [--check]`: a newer signed release from the upgrade servers of
//! `[upgrade]`, installed over the running programs (see `npbackup_fleet::upgrade`).

use std::path::PathBuf;

use npbackup_fleet::upgrade::{Found, Upgrader};

use super::{Context, output};
use crate::error::{Error, Result, exit};

/// The folder of the running program, whose executables an upgrade replaces.
pub fn program_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| Error::Usage(format!("cannot tell where this program is: {e}")))?;
    exe.parent()
        .map(std::path::Path::to_path_buf)
        .ok_or_else(|| Error::Usage(format!("{} has no folder", exe.display())))
}

pub fn upgrader(ctx: &Context) -> Result<Upgrader> {
    if std::env::var_os("NPBACKUP_NO_UPGRADE").is_some() {
        return Err(Error::Usage(crate::t!("upgrade-disabled")));
    }
    let config = ctx.config()?;
    let state =
        crate::config::state_dir().ok_or_else(|| Error::Usage(crate::t!("fleet-no-state-dir")))?;
    Upgrader::new(&config, &program_dir()?, &state)
}

pub fn upgrade_cmd(ctx: &Context, check: bool) -> Result<i32> {
    let u = upgrader(ctx)?;
    let found = u.check();
    let found = match found {
        Ok(f) => f,
        Err(e) => {
            let _ = u.remember(&e.to_string());
            return Err(e);
        }
    };
    let (server, offer) = match found {
        Found::UpToDate { server } => {
            u.remember("up to date")?;
            if ctx.global.json {
                output::print_json(
                    "upgrade",
                    None,
                    &serde_json::json!({
                        "current": env!("CARGO_PKG_VERSION"),
                        "available": null,
                        "server": server,
                        "installed": false,
                    }),
                );
            } else {
                println!(
                    "{}",
                    crate::t!(
                        "upgrade-up-to-date",
                        version = env!("CARGO_PKG_VERSION"),
                        server = server.as_str()
                    )
                );
            }
            return Ok(exit::OK);
        }
        Found::Newer { server, offer } => (server, offer),
    };
    if check {
        u.remember(&format!("{} available", offer.version))?;
        if ctx.global.json {
            output::print_json(
                "upgrade",
                None,
                &serde_json::json!({
                    "current": env!("CARGO_PKG_VERSION"),
                    "available": offer.version,
                    "server": server,
                    "installed": false,
                }),
            );
        } else {
            println!(
                "{}",
                crate::t!(
                    "upgrade-available",
                    version = offer.version.as_str(),
                    server = server.as_str(),
                    size = crate::humanize::size(offer.size)
                )
            );
        }
        // "something to do", as `has-recent-snapshot` says "no" with 1
        return Ok(exit::NEGATIVE);
    }
    let done = u.fetch(&server, &offer).and_then(|v| u.install(&v));
    let installed = match done {
        Ok(i) => i,
        Err(e) => {
            let _ = u.remember(&e.to_string());
            return Err(e);
        }
    };
    tracing::info!(version = installed.version, "upgraded");
    if ctx.global.json {
        output::print_json(
            "upgrade",
            None,
            &serde_json::json!({
                "current": env!("CARGO_PKG_VERSION"),
                "available": offer.version,
                "server": server,
                "installed": true,
                "replaced": installed.replaced,
            }),
        );
    } else {
        println!(
            "{}",
            crate::t!(
                "upgrade-installed",
                version = installed.version.as_str(),
                files = installed
                    .replaced
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
    }
    Ok(exit::OK)
}
