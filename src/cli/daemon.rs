//! `daemon …` and `service …`: run the scheduler, ask the running one over its
//! socket, and install it as a service of the OS.

use jiff::{Timestamp, Zoned};

use super::{Context, DaemonCommand, ServiceArgs, ServiceCommand, output};
use crate::{
    config::{self, HumanDuration},
    error::{Error, Result, exit},
    humanize,
    schedule::{
        TaskKind, daemon,
        ipc::{self, DaemonEvent, Reply, Request},
        service::{self, Scope},
    },
};

pub fn daemon(ctx: &Context, action: Option<DaemonCommand>) -> Result<i32> {
    match action.unwrap_or(DaemonCommand::Run {
        grace: "30s".into(),
    }) {
        DaemonCommand::Run { grace } => run(ctx, &grace),
        DaemonCommand::Status => status(ctx),
        DaemonCommand::RunNow { repo, task } => {
            let task: TaskKind = task.parse().map_err(Error::Usage)?;
            said(ctx, ipc::ask(&Request::RunNow { repo, task })?)
        }
        DaemonCommand::Pause { duration } => {
            let until = crate::schedule::pause_until(&duration, &Zoned::now())?;
            said(ctx, ipc::ask(&Request::Pause { until })?)
        }
        DaemonCommand::Resume => said(ctx, ipc::ask(&Request::Resume)?),
        DaemonCommand::Cancel { repo } => said(ctx, ipc::ask(&Request::Cancel { repo })?),
        DaemonCommand::Watch => {
            ipc::watch(|event| {
                if ctx.global.json {
                    println!("{}", serde_json::to_string(&event).unwrap_or_default());
                } else if let Some(line) = describe(&event) {
                    println!("{line}");
                }
                true
            })?;
            Ok(exit::OK)
        }
    }
}

/// Runs the scheduler in the foreground.
fn run(ctx: &Context, grace: &str) -> Result<i32> {
    let grace: HumanDuration = grace.parse().map_err(Error::Usage)?;
    let config_path = config::find_config(ctx.global.config.as_deref()).ok_or_else(|| {
        Error::Usage(format!(
            "no configuration file found: create one with `{} config init`, or name one with -c",
            crate::customization::CLI_NAME
        ))
    })?;
    let state_path = config::state_dir()
        .ok_or_else(|| Error::Usage("cannot find a folder for the scheduler's state".into()))?
        .join("scheduler.json");
    let opts = daemon::Options {
        config_path,
        state_path,
        socket: ipc::socket_path(),
        grace: grace.0,
        job_program: None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting", "the scheduler's runtime", e))?;
    runtime.block_on(daemon::run(opts))?;
    Ok(exit::OK)
}

fn said(ctx: &Context, reply: Reply) -> Result<i32> {
    if !reply.ok {
        return Err(Error::Usage(
            reply
                .error
                .unwrap_or_else(|| "the scheduler refused".into()),
        ));
    }
    let message = reply.message.unwrap_or_default();
    if ctx.global.json {
        output::print_json("daemon", None, &serde_json::json!({ "message": message }));
    } else {
        println!("{message}");
    }
    Ok(exit::OK)
}

fn status(ctx: &Context) -> Result<i32> {
    let reply = ipc::ask(&Request::Status)?;
    let Some(status) = reply.status else {
        return Err(Error::Usage(
            reply
                .error
                .unwrap_or_else(|| "the scheduler said nothing".into()),
        ));
    };
    if ctx.global.json {
        output::print_json("daemon", None, &status);
        return Ok(exit::OK);
    }
    let now = Timestamp::now();
    println!(
        "Scheduler running (pid {}), configuration {}",
        status.pid,
        status.config.display()
    );
    if let Some(until) = status.paused_until {
        println!(
            "Paused until {} (runs asked for by hand still go)",
            humanize::upcoming(until, now)
        );
    }
    for p in &status.problems {
        println!("Problem: {p}");
    }
    if status.tasks.is_empty() {
        println!(
            "Nothing is scheduled: set schedule.backup (e.g. \"daily at 02:30\") in the configuration."
        );
    }
    for t in &status.tasks {
        let next = match (t.running, &t.waiting, t.next_run) {
            (true, _, _) => "running now".to_string(),
            (_, Some(w), _) => w.clone(),
            (_, _, Some(at)) if at <= now => "due now".to_string(),
            (_, _, Some(at)) => format!("next {}", humanize::upcoming(at, now)),
            (_, _, None) => "not scheduled".to_string(),
        };
        let last = match (t.last_run, &t.last_result) {
            (Some(at), Some(r)) => format!("; last {}: {r}", humanize::local(at)),
            _ => "; never ran".to_string(),
        };
        println!("{}/{}: {} — {next}{last}", t.repo, t.task.name(), t.when);
    }
    Ok(exit::OK)
}

/// One line for `daemon watch` (progress and log lines of jobs are left out).
fn describe(event: &DaemonEvent) -> Option<String> {
    Some(match event {
        DaemonEvent::Started {
            repo,
            task,
            scheduled,
        } => format!(
            "{repo}/{}: started ({})",
            task.name(),
            if *scheduled { "scheduled" } else { "asked for" }
        ),
        DaemonEvent::Ended {
            repo, task, result, ..
        } => format!("{repo}/{}: {result}", task.name()),
        DaemonEvent::Waiting { repo, task, reason } => {
            format!("{repo}/{}: {reason}", task.name())
        }
        DaemonEvent::Paused { until: Some(u) } => {
            format!("paused until {}", humanize::local(*u))
        }
        DaemonEvent::Paused { until: None } => "resumed".into(),
        DaemonEvent::Reloaded { tasks, problems } => {
            let mut s = format!("configuration read: {tasks} scheduled task(s)");
            for p in problems {
                s.push_str(&format!("\n  problem: {p}"));
            }
            s
        }
        DaemonEvent::Job { .. } => return None,
    })
}

pub fn service(ctx: &Context, cmd: ServiceCommand) -> Result<i32> {
    let (args, what) = match &cmd {
        ServiceCommand::Install(a) => (a, "install"),
        ServiceCommand::Uninstall(a) => (a, "uninstall"),
        ServiceCommand::Status(a) => (a, "status"),
        ServiceCommand::Print(a) => (a, "print"),
    };
    let scope = scope(args);
    let exe_and_config = || -> Result<_> {
        let exe = std::env::current_exe()
            .and_then(|p| p.canonicalize())
            .map_err(|e| Error::io("finding this program", "current_exe", e))?;
        let config = ctx.config()?.path;
        let config = config.canonicalize().unwrap_or(config);
        Ok((exe, config))
    };
    let lines = match cmd {
        ServiceCommand::Install(a) => {
            let (exe, config) = exe_and_config()?;
            service::install(scope, &exe, &config, !a.no_start)?
        }
        ServiceCommand::Print(_) => {
            let (exe, config) = exe_and_config()?;
            print!("{}", service::systemd_unit(scope, &exe, &config));
            return Ok(exit::OK);
        }
        ServiceCommand::Uninstall(_) => service::uninstall(scope)?,
        ServiceCommand::Status(_) => service::status(scope)?,
    };
    if ctx.global.json {
        output::print_json(
            "service",
            None,
            &serde_json::json!({ "action": what, "scope": scope.name(), "said": lines }),
        );
    } else {
        for l in lines {
            println!("{l}");
        }
    }
    Ok(exit::OK)
}

fn scope(args: &ServiceArgs) -> Scope {
    if args.system {
        Scope::System
    } else {
        Scope::User
    }
}
