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
        service: false,
        web: None,
        insecure_http: false,
    }) {
        DaemonCommand::Run {
            grace,
            service,
            web,
            insecure_http,
        } => run(ctx, &grace, service, web, insecure_http),
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

/// Runs the scheduler in the foreground (`service`: under Windows' service manager),
/// and the web interface beside it when asked (`--web`, or `[web] listen`).
fn run(
    ctx: &Context,
    grace: &str,
    service: bool,
    web: Option<String>,
    insecure_http: bool,
) -> Result<i32> {
    let grace: HumanDuration = grace.parse().map_err(Error::Usage)?;
    let config_path = config::find_config(ctx.global.config.as_deref())
        .ok_or_else(|| Error::Usage(crate::t!("cli-daemon-no-config")))?;
    let state_path = config::state_dir()
        .ok_or_else(|| Error::Usage(crate::t!("cli-daemon-no-state-folder")))?
        .join("scheduler.json");
    let opts = daemon::Options {
        config_path,
        state_path,
        socket: if service {
            ipc::system_socket_path()
        } else {
            ipc::socket_path()
        },
        grace: grace.0,
        job_program: None,
    };
    if service {
        #[cfg(windows)]
        {
            crate::schedule::windows::run_service(opts)?;
            return Ok(exit::OK);
        }
        #[cfg(not(windows))]
        return Err(Error::Usage(crate::t!("cli-daemon-service-windows-only")));
    }
    // an enrolled machine checks in beside the scheduler
    let _fleet = crate::fleet::background();
    // and upgrades itself when [upgrade] auto asks
    let _upgrade = crate::upgrade::background(opts.socket.clone(), opts.config_path.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io(crate::t!("io-starting"), crate::t!("cli-daemon-runtime"), e))?;
    // the web interface's address: the command line's, else the configuration's
    let web = web.or_else(|| {
        config::Config::load(&opts.config_path)
            .ok()
            .and_then(|c| c.web().listen)
    });
    match web {
        None => runtime.block_on(daemon::run(opts))?,
        Some(text) => {
            let web_opts = npbackup_web::Options {
                config_path: opts.config_path.clone(),
                listen: crate::web::listen_address(&text)?,
                insecure_http,
                scheduler: Some(opts.socket.clone()),
            };
            runtime.block_on(async {
                tokio::try_join!(
                    daemon::run(opts),
                    npbackup_web::serve(web_opts, |bound| {
                        tracing::info!("{}", crate::t!("cli-web-serving", url = bound.url()));
                    })
                )
            })?;
        }
    }
    Ok(exit::OK)
}

fn said(ctx: &Context, reply: Reply) -> Result<i32> {
    if !reply.ok {
        return Err(Error::Usage(
            reply
                .error
                .unwrap_or_else(|| crate::t!("cli-daemon-refused")),
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
                .unwrap_or_else(|| crate::t!("cli-daemon-said-nothing")),
        ));
    };
    if ctx.global.json {
        output::print_json("daemon", None, &status);
        return Ok(exit::OK);
    }
    let now = Timestamp::now();
    println!(
        "{}",
        crate::t!(
            "cli-daemon-running",
            pid = status.pid,
            file = status.config.display().to_string()
        )
    );
    if let Some(until) = status.paused_until {
        println!(
            "{}",
            crate::t!("cli-daemon-paused", when = humanize::upcoming(until, now))
        );
    }
    for p in &status.problems {
        println!("{}", crate::t!("cli-daemon-problem", problem = p.as_str()));
    }
    if status.tasks.is_empty() {
        println!("{}", crate::t!("cli-daemon-nothing-scheduled"));
    }
    for t in &status.tasks {
        let next = match (t.running, &t.waiting, t.next_run) {
            (true, _, _) => crate::t!("cli-daemon-running-now"),
            (_, Some(w), _) => w.clone(),
            (_, _, Some(at)) if at <= now => crate::t!("cli-daemon-due-now"),
            (_, _, Some(at)) => crate::t!("cli-daemon-next", when = humanize::upcoming(at, now)),
            (_, _, None) => crate::t!("cli-daemon-not-scheduled"),
        };
        let last = match (t.last_run, &t.last_result) {
            (Some(at), Some(r)) => crate::t!(
                "cli-daemon-last",
                when = humanize::local(at),
                result = r.as_str()
            ),
            _ => crate::t!("cli-daemon-never-ran"),
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
            "{repo}/{}: {}",
            task.name(),
            if *scheduled {
                crate::t!("cli-daemon-started-scheduled")
            } else {
                crate::t!("cli-daemon-started-asked")
            }
        ),
        DaemonEvent::Ended {
            repo, task, result, ..
        } => format!("{repo}/{}: {result}", task.name()),
        DaemonEvent::Waiting { repo, task, reason } => {
            format!("{repo}/{}: {reason}", task.name())
        }
        DaemonEvent::Paused { until: Some(u) } => {
            crate::t!("cli-daemon-event-paused", when = humanize::local(*u))
        }
        DaemonEvent::Paused { until: None } => crate::t!("cli-daemon-event-resumed"),
        DaemonEvent::Reloaded { tasks, problems } => {
            let mut s = crate::t!("cli-daemon-event-reloaded", n = *tasks);
            for p in problems {
                s.push_str("\n  ");
                s.push_str(&crate::t!("cli-daemon-event-problem", problem = p.as_str()));
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
            .map_err(|e| Error::io(crate::t!("io-finding-program"), "current_exe", e))?;
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
            print!("{}", service::unit_text(scope, &exe, &config));
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
