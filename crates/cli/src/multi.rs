//! Several repositories in one command (`--repo a,b`, `--group G`, `--all`): each
//! runs as its own invocation of this program, one after another; the results are
//! reported per repository and, with `--json`, gathered into one document.

use std::process::{Command, Stdio};

use super::{Context, output};
use crate::error::{Error, Result, exit};

/// The repositories selected, when more than one invocation is needed.
pub fn selection(ctx: &Context) -> Result<Option<Vec<String>>> {
    let g = &ctx.global;
    let several = g.repo_name.as_deref().is_some_and(|r| r.contains(','));
    if !several && g.group.is_none() && !g.all {
        return Ok(None);
    }
    let config = ctx.config()?;
    let names: Vec<String> = if let Some(list) = &g.repo_name {
        let names: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        for n in &names {
            config.repo(n)?;
        }
        names
    } else if let Some(group) = &g.group {
        let names: Vec<String> = config
            .repo_names()
            .into_iter()
            .filter(|n| {
                config.repo(n).ok().and_then(|r| r.group).as_deref() == Some(group.as_str())
            })
            .collect();
        if names.is_empty() {
            return Err(Error::Usage(crate::t!(
                "cli-empty-group",
                group = group.as_str()
            )));
        }
        names
    } else {
        config.repo_names()
    };
    Ok(Some(names))
}

/// The command line without the repository selection.
fn base_args() -> Vec<std::ffi::OsString> {
    let mut out = Vec::new();
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        let s = a.to_string_lossy();
        if s == "--repo" || s == "--group" {
            args.next();
        } else if s == "--all" || s.starts_with("--repo=") || s.starts_with("--group=") {
        } else {
            out.push(a);
        }
    }
    out
}

/// Runs the command once per repository; the exit code is the first failure's.
pub fn run_each(ctx: &Context, command: &str, names: &[String]) -> i32 {
    let program = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "{}",
                crate::t!(
                    "cli-error",
                    message = crate::t!("cli-program-not-found", cause = e.to_string())
                )
            );
            return exit::FAILED;
        }
    };
    let base = base_args();
    let mut code = exit::OK;
    let mut docs = Vec::new();
    for name in names {
        let mut cmd = Command::new(&program);
        // each run speaks this one's language
        cmd.arg("--repo")
            .arg(name)
            .args(&base)
            .env(crate::i18n::LOCALE_ENV, crate::i18n::current().code());
        // with --json, each run's document is gathered; otherwise each run speaks
        // for itself, on this terminal
        let result = if ctx.global.json {
            cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
            cmd.output().map(|out| {
                docs.push(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_else(|_| {
                    serde_json::json!({ "command": command, "ok": false, "repository": { "name": name }, "error": { "message": crate::t!("cli-multi-no-result") } })
                }));
                out.status
            })
        } else {
            if !ctx.global.json_events {
                println!("{}", crate::t!("cli-multi-heading", name = name.as_str()));
            }
            cmd.status()
        };
        let this = match result {
            Ok(status) => status.code().unwrap_or(exit::FAILED),
            Err(e) => {
                eprintln!(
                    "{}",
                    crate::t!(
                        "cli-error",
                        message = crate::t!(
                            "cli-multi-cannot-run",
                            name = name.as_str(),
                            cause = e.to_string()
                        )
                    )
                );
                exit::FAILED
            }
        };
        if code == exit::OK && this != exit::OK {
            code = this;
        }
    }
    if ctx.global.json {
        let ok = docs.iter().all(|d| d["ok"] == true);
        output::print_json_runs(command, ok, &serde_json::json!({ "ok": ok, "runs": docs }));
    }
    code
}
