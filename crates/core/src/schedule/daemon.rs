//! `npbackup-cli daemon`: runs each repository's scheduled tasks as jobs, whether
//! or not a window is open.
//!
//! - It wakes at the next due time, and at least every 30 s, and reads the wall
//!   clock each time: after a sleep, a shutdown or a clock change, a missed slot
//!   runs once (see `next_due`), never once per missed slot.
//! - One task per repository at a time; a job waits for another job's lock on its
//!   repository (a backup from the window) instead of failing.
//! - The config is read again when its file changes and on SIGHUP (a Windows
//!   service: the service manager's "parameters changed"); running jobs go on. A
//!   broken config keeps the last good one in force and says why.
//! - SIGTERM/SIGINT (Windows: Ctrl-C, the service manager's stop or shutdown):
//!   running jobs get `grace` to finish, then are cancelled safely; a run cut
//!   short this way runs again when the daemon comes back.
//! - Clients (CLI, window, tray) talk to it over `ipc`.

use std::{
    collections::HashMap,
    path::PathBuf,
    time::{Duration, SystemTime},
};

use jiff::{Timestamp, tz::TimeZone};
use tokio::sync::{broadcast, mpsc, watch};

use super::{
    Due, State, Task, TaskKind,
    ipc::{self, DaemonEvent, Reply, Request, Status, TaskStatus},
    next_due,
};
use crate::{
    config::Config,
    engine::{SnapshotFilter, SnapshotInfo, ops::CheckRequest},
    error::{Error, Result},
    jobs::{self, Finished, JobEvent, JobKind, JobOptions, JobSpec, plan},
};

/// The longest the daemon sleeps without looking at the clock.
const TICK: Duration = Duration::from_secs(30);
/// How long a scheduled job waits for another job's lock on its repository.
const LOCK_WAIT: Duration = Duration::from_secs(3600);

/// How the daemon runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub config_path: PathBuf,
    /// The scheduler's state file.
    pub state_path: PathBuf,
    pub socket: PathBuf,
    /// How long running jobs may go on after SIGTERM before they are cancelled.
    pub grace: Duration,
    /// The program that runs jobs (default: this one).
    pub job_program: Option<PathBuf>,
}

/// How a run ended, as the daemon records it.
enum RunEnd {
    Finished(Box<Finished>),
    /// Nothing to do (a recent backup exists).
    Skipped(String),
    /// The job could not be prepared or started.
    NotStarted(String),
}

struct Done {
    repo: String,
    kind: TaskKind,
    started: Timestamp,
    end: RunEnd,
}

struct Running {
    kind: TaskKind,
    cancel: watch::Sender<bool>,
}

struct Daemon {
    opts: Options,
    config: Option<Config>,
    config_stamp: Option<SystemTime>,
    tasks: Vec<Task>,
    problems: Vec<String>,
    state: State,
    running: HashMap<String, Running>,
    /// Due tasks held back by a condition, with the reason.
    waiting: HashMap<String, String>,
    events: broadcast::Sender<DaemonEvent>,
    done: mpsc::UnboundedSender<Done>,
    stopping: bool,
    tz: TimeZone,
}

/// What, besides its clients, tells the daemon to read its config again or to stop:
/// signals on Unix, Ctrl-C or the service manager on Windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Read the configuration again (why, for the log).
    Reload(&'static str),
    /// Stop: running jobs get the grace period.
    Stop,
}

/// Runs the scheduler until SIGTERM or SIGINT (Windows: Ctrl-C).
pub async fn run(opts: Options) -> Result<()> {
    let (tx, rx) = mpsc::unbounded_channel();
    forward_signals(tx)?;
    run_controlled(opts, rx).await
}

/// SIGHUP reloads, SIGTERM and SIGINT stop.
#[cfg(unix)]
fn forward_signals(tx: mpsc::UnboundedSender<Control>) -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let signal_err = |e| {
        Error::io(
            crate::t!("io-listening-signals"),
            crate::t!("daemon-the-daemon"),
            e,
        )
    };
    let mut hup = signal(SignalKind::hangup()).map_err(signal_err)?;
    let mut term = signal(SignalKind::terminate()).map_err(signal_err)?;
    let mut int = signal(SignalKind::interrupt()).map_err(signal_err)?;
    tokio::spawn(async move {
        loop {
            let control = tokio::select! {
                _ = hup.recv() => Control::Reload("SIGHUP"),
                _ = term.recv() => Control::Stop,
                _ = int.recv() => Control::Stop,
            };
            if tx.send(control).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Ctrl-C (or closing the console) stops.
#[cfg(not(unix))]
fn forward_signals(tx: mpsc::UnboundedSender<Control>) -> Result<()> {
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if tx.send(Control::Stop).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Runs the scheduler until `control` says stop (or all its senders are gone).
pub async fn run_controlled(
    opts: Options,
    mut control: mpsc::UnboundedReceiver<Control>,
) -> Result<()> {
    let listener = ipc::bind(&opts.socket)?;
    let (events, _) = broadcast::channel(1024);
    let (req_tx, mut req_rx) = mpsc::channel::<ipc::Incoming>(16);
    tokio::spawn(ipc::serve(listener, req_tx, events.clone()));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();

    let mut d = Daemon {
        state: State::load(&opts.state_path),
        opts,
        config: None,
        config_stamp: None,
        tasks: Vec::new(),
        problems: Vec::new(),
        running: HashMap::new(),
        waiting: HashMap::new(),
        events,
        done: done_tx,
        stopping: false,
        tz: TimeZone::system(),
    };
    d.reload("start");
    tracing::info!(
        "scheduler started (pid {}): {} scheduled task(s), socket {}",
        std::process::id(),
        d.tasks.len(),
        d.opts.socket.display()
    );
    loop {
        let now = Timestamp::now();
        if d.config_changed() {
            d.reload("the file changed");
        }
        d.start_due(now);
        let wake = d.next_wake(now);
        tokio::select! {
            _ = tokio::time::sleep(wake) => {}
            Some((request, reply)) = req_rx.recv() => {
                let answer = d.handle(request);
                let _ = reply.send(answer);
            }
            Some(done) = done_rx.recv() => d.finished(done),
            control = control.recv() => match control {
                Some(Control::Reload(why)) => d.reload(why),
                Some(Control::Stop) | None => break,
            },
        }
    }
    d.shutdown(&mut done_rx).await;
    ipc::unbind(&d.opts.socket);
    Ok(())
}

impl Daemon {
    fn config_changed(&self) -> bool {
        let stamp = std::fs::metadata(&self.opts.config_path)
            .and_then(|m| m.modified())
            .ok();
        stamp != self.config_stamp
    }

    /// Reads the config again; a broken one leaves the last good one in force.
    fn reload(&mut self, why: &str) {
        self.config_stamp = std::fs::metadata(&self.opts.config_path)
            .and_then(|m| m.modified())
            .ok();
        match Config::load(&self.opts.config_path) {
            Ok(config) => {
                // the scheduler speaks the configuration's language (its runs too)
                config.apply_language();
                let (tasks, broken) = super::tasks(&config);
                self.problems = broken
                    .into_iter()
                    .map(|(repo, e)| crate::t!("daemon-not-scheduled", repo = repo, cause = e))
                    .collect();
                self.tasks = tasks;
                self.config = Some(config);
            }
            Err(e) => {
                let file = self.opts.config_path.display().to_string();
                self.problems = vec![if self.config.is_some() {
                    crate::t!(
                        "daemon-config-unusable-kept",
                        file = file,
                        cause = e.to_string()
                    )
                } else {
                    crate::t!("daemon-config-unusable", file = file, cause = e.to_string())
                }];
            }
        }
        for p in &self.problems {
            tracing::error!("{p}");
        }
        if self.state.reconcile(&self.tasks, Timestamp::now()) {
            self.save();
        }
        if why != "start" {
            tracing::info!(
                "configuration read again ({why}): {} scheduled task(s)",
                self.tasks.len()
            );
        }
        let _ = self.events.send(DaemonEvent::Reloaded {
            tasks: self.tasks.len(),
            problems: self.problems.clone(),
        });
    }

    fn save(&self) {
        if let Err(e) = self.state.save(&self.opts.state_path) {
            tracing::error!("{e}");
        }
    }

    fn due(&self, task: &Task) -> Option<Timestamp> {
        let st = self.state.tasks.get(&task.key())?;
        next_due(task, st, self.state.seed, &self.tz)
    }

    /// Starts every due task whose repository is idle.
    fn start_due(&mut self, now: Timestamp) {
        if self.stopping {
            return;
        }
        let running = &self.running;
        let due = super::due_now(&self.tasks, &self.state, now, &self.tz, |repo| {
            !running.contains_key(repo)
        });
        for Due { task, blocked } in due {
            if let Some(reason) = blocked {
                if self.waiting.get(&task.key()) != Some(&reason) {
                    tracing::info!("{}: {reason}", task.key());
                    let _ = self.events.send(DaemonEvent::Waiting {
                        repo: task.repo.clone(),
                        task: task.kind,
                        reason: reason.clone(),
                    });
                    self.waiting.insert(task.key(), reason);
                }
                continue;
            }
            self.waiting.remove(&task.key());
            self.launch(&task, true);
        }
    }

    /// How long to sleep: until the next due time, at most a tick.
    fn next_wake(&self, now: Timestamp) -> Duration {
        let next = self
            .tasks
            .iter()
            .filter(|t| !self.running.contains_key(&t.repo))
            .filter_map(|t| self.due(t))
            .min();
        match next {
            Some(at) if at > now => {
                let secs = at.duration_since(now).as_secs_f64();
                Duration::from_secs_f64(secs.min(TICK.as_secs_f64()))
                    .max(Duration::from_millis(200))
            }
            // due but waiting (a condition, a pause, a busy repository): look again soon
            _ => TICK,
        }
    }

    /// Starts `task` in the background; its end arrives as a `Done`.
    fn launch(&mut self, task: &Task, scheduled: bool) {
        let started = Timestamp::now();
        let (cancel, cancelled) = watch::channel(false);
        self.running.insert(
            task.repo.clone(),
            Running {
                kind: task.kind,
                cancel,
            },
        );
        tracing::info!(
            "{}: starting ({})",
            task.key(),
            if scheduled { "scheduled" } else { "asked for" }
        );
        let _ = self.events.send(DaemonEvent::Started {
            repo: task.repo.clone(),
            task: task.kind,
            scheduled,
        });
        let prepared = self.prepare(task);
        let opts = JobOptions {
            program: self.opts.job_program.clone(),
            ..JobOptions::default()
        };
        let (events, done) = (self.events.clone(), self.done.clone());
        let (repo, kind) = (task.repo.clone(), task.kind);
        // a backup asked for by hand is made, recent or not
        let skip_if_recent = task
            .skip_if_recent
            .filter(|_| kind == TaskKind::Backup && scheduled);
        tokio::spawn(async move {
            let end = match prepared {
                Err(e) => RunEnd::NotStarted(e.to_string()),
                Ok((spec, host)) => match recent_backup(&spec, &opts, skip_if_recent, host).await {
                    Some(reason) => RunEnd::Skipped(reason),
                    None => run_job(&spec, &opts, &repo, kind, &events, cancelled).await,
                },
            };
            let _ = done.send(Done {
                repo,
                kind,
                started,
                end,
            });
        });
    }

    /// The job of `task` (and the host its snapshots are made under).
    fn prepare(&self, task: &Task) -> Result<(JobSpec, String)> {
        let config = self
            .config
            .as_ref()
            .ok_or_else(|| Error::Usage(crate::t!("daemon-no-config")))?;
        let rc = config.repo(&task.repo)?;
        let kind = match task.kind {
            TaskKind::Backup => plan::backup_job(config, &rc)?,
            TaskKind::Housekeeping => plan::housekeeping_job(&rc, CheckRequest::default())?,
            TaskKind::Check => JobKind::Check(CheckRequest {
                read_data: false,
                read_data_subset: task.read_data_subset.clone(),
            }),
        };
        let mut spec = plan::job(config, &task.repo, kind)?;
        spec.wait_for_lock = Some(LOCK_WAIT);
        Ok((spec, rc.host()))
    }

    /// Records a run's end.
    fn finished(&mut self, done: Done) {
        self.running.remove(&done.repo);
        let key = super::key(&done.repo, done.kind);
        let (ok, result, counts) = match &done.end {
            RunEnd::Finished(f) if f.cancelled && self.stopping => {
                (false, crate::t!("daemon-cut-short"), false)
            }
            RunEnd::Finished(f) => (f.ok, super::run_result(f), true),
            RunEnd::Skipped(why) => (true, why.clone(), true),
            RunEnd::NotStarted(why) => (
                false,
                crate::t!("daemon-not-started", why = why.as_str()),
                true,
            ),
        };
        if ok {
            tracing::info!("{key}: {result}");
        } else {
            tracing::error!("{key}: {result}");
        }
        if counts && let Some(st) = self.state.tasks.get_mut(&key) {
            st.ran(done.started, ok, result.clone());
            self.save();
        }
        let _ = self.events.send(DaemonEvent::Ended {
            repo: done.repo,
            task: done.kind,
            ok,
            result,
        });
    }

    fn handle(&mut self, request: Request) -> Reply {
        match request {
            Request::Status => Reply {
                ok: true,
                error: None,
                status: Some(self.status()),
                message: None,
            },
            Request::RunNow { repo, task } => {
                if let Some(r) = self.running.get(&repo) {
                    return Reply::refused(crate::t!(
                        "daemon-busy",
                        repo = repo,
                        task = r.kind.name()
                    ));
                }
                if self.stopping {
                    return Reply::refused(crate::t!("daemon-stopping"));
                }
                let t = self
                    .tasks
                    .iter()
                    .find(|t| t.repo == repo && t.kind == task)
                    .cloned()
                    .or_else(|| self.unscheduled(&repo, task));
                match t {
                    Some(t) => {
                        self.launch(&t, false);
                        Reply::done(crate::t!("daemon-task-started", task = t.key()))
                    }
                    None => Reply::refused(crate::t!(
                        "config-unknown-repository-short",
                        name = repo,
                        file = self.opts.config_path.display().to_string()
                    )),
                }
            }
            Request::Pause { until } => {
                self.state.paused_until = Some(until);
                self.save();
                let when = crate::humanize::upcoming(until, Timestamp::now());
                tracing::info!("scheduled runs paused until {when}");
                let _ = self.events.send(DaemonEvent::Paused { until: Some(until) });
                Reply::done(crate::t!("daemon-paused-until", when = when))
            }
            Request::Resume => {
                self.state.paused_until = None;
                self.save();
                tracing::info!("scheduled runs resumed");
                let _ = self.events.send(DaemonEvent::Paused { until: None });
                Reply::done(crate::t!("daemon-resumed"))
            }
            Request::Cancel { repo } => match self.running.get(&repo) {
                Some(r) => {
                    let _ = r.cancel.send(true);
                    Reply::done(crate::t!(
                        "daemon-cancelling",
                        task = r.kind.name(),
                        repo = repo
                    ))
                }
                None => Reply::refused(crate::t!("daemon-nothing-runs", repo = repo)),
            },
            // answered by the connection itself
            Request::Watch => Reply::done(crate::t!("daemon-watching")),
        }
    }

    /// A task of a configured repository that has no schedule (run by hand).
    fn unscheduled(&self, repo: &str, kind: TaskKind) -> Option<Task> {
        let rc = self.config.as_ref()?.repo(repo).ok()?;
        Some(Task {
            repo: repo.to_string(),
            kind,
            when: crate::config::When::Manual,
            random_delay: Duration::ZERO,
            skip_if_recent: None,
            on_ac_power_only: false,
            not_on_metered_network: false,
            read_data_subset: rc.schedule.check_read_data_subset.clone(),
        })
    }

    fn status(&self) -> Status {
        let tasks = self
            .tasks
            .iter()
            .map(|t| {
                let st = self.state.tasks.get(&t.key());
                TaskStatus {
                    repo: t.repo.clone(),
                    task: t.kind,
                    when: t.when.to_string(),
                    next_run: self.due(t),
                    last_run: st.and_then(|s| s.last_run),
                    last_result: st.and_then(|s| s.last_result.clone()),
                    last_ok: st.and_then(|s| s.last_ok),
                    running: self.running.get(&t.repo).is_some_and(|r| r.kind == t.kind),
                    waiting: self.waiting.get(&t.key()).cloned(),
                }
            })
            .collect();
        Status {
            pid: std::process::id(),
            config: self.opts.config_path.clone(),
            paused_until: self.state.paused_until.filter(|u| *u > Timestamp::now()),
            tasks,
            problems: self.problems.clone(),
        }
    }

    /// Lets running jobs finish within the grace period, then cancels them, and
    /// records how each ended.
    async fn shutdown(&mut self, done_rx: &mut mpsc::UnboundedReceiver<Done>) {
        self.stopping = true;
        if !self.running.is_empty() {
            tracing::info!(
                "stopping: {} job(s) running, {} to finish before they are cancelled",
                self.running.len(),
                humantime::format_duration(self.opts.grace)
            );
        }
        let deadline = tokio::time::Instant::now() + self.opts.grace;
        let mut cancelled = false;
        while !self.running.is_empty() {
            tokio::select! {
                Some(done) = done_rx.recv() => self.finished(done),
                _ = tokio::time::sleep_until(deadline), if !cancelled => {
                    cancelled = true;
                    for (repo, r) in &self.running {
                        tracing::info!("cancelling the {} of `{repo}`", r.kind.name());
                        let _ = r.cancel.send(true);
                    }
                }
            }
        }
        self.save();
        tracing::info!("scheduler stopped");
    }
}

/// Runs the job, forwarding its events, until it ends (or is cancelled).
async fn run_job(
    spec: &JobSpec,
    opts: &JobOptions,
    repo: &str,
    kind: TaskKind,
    events: &broadcast::Sender<DaemonEvent>,
    mut cancelled: watch::Receiver<bool>,
) -> RunEnd {
    let mut job = match jobs::start(spec, opts).await {
        Ok(j) => j,
        Err(e) => return RunEnd::NotStarted(e.to_string()),
    };
    let canceller = job.canceller();
    loop {
        tokio::select! {
            event = job.events.recv() => match event {
                Err(broadcast::error::RecvError::Closed) => break,
                Ok(event) => {
                    let last = matches!(event, JobEvent::Finished(_));
                    let _ = events.send(DaemonEvent::Job {
                        repo: repo.to_string(),
                        task: kind,
                        event: Box::new(event),
                    });
                    if last {
                        break;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
            },
            changed = cancelled.changed() => {
                if changed.is_err() || *cancelled.borrow() {
                    canceller.cancel();
                }
            }
        }
    }
    RunEnd::Finished(Box::new(job.wait().await))
}

/// With `skip_if_recent`: why the backup is not needed (this host's last snapshot
/// is younger than that), read with a snapshot-list job.
async fn recent_backup(
    spec: &JobSpec,
    opts: &JobOptions,
    skip_if_recent: Option<Duration>,
    host: String,
) -> Option<String> {
    let max_age = skip_if_recent?;
    let mut list = JobSpec::new(
        spec.repo.clone(),
        JobKind::Snapshots {
            filter: SnapshotFilter {
                hosts: vec![host],
                ..SnapshotFilter::default()
            },
            summaries: false,
        },
    );
    list.timeout = Some(Duration::from_secs(600));
    let finished = jobs::run_to_end(&list, opts, |_| {}, std::future::pending())
        .await
        .ok()?;
    let listed = finished.result?.typed::<Vec<SnapshotInfo>>().ok()?;
    let latest = listed
        .summary
        .iter()
        .filter_map(|s| s.time.parse::<Timestamp>().ok())
        .max()?;
    let age = crate::humanize::age(latest, Timestamp::now());
    (age < max_age).then(|| {
        crate::t!(
            "daemon-skipped-recent",
            age = crate::humanize::span(Duration::from_secs(age.as_secs())),
            limit = crate::humanize::span(max_age)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the Windows service does instead of signals: `Control::Reload` reads the
    /// config again (watchers see it) and `Control::Stop` ends the daemon, which
    /// removes its socket.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn control_messages_reload_and_stop_the_daemon() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let opts = Options {
            config_path: dir.path().join("absent.conf"),
            state_path: dir.path().join("scheduler.json"),
            socket: dir.path().join("daemon.sock"),
            grace: Duration::from_secs(1),
            job_program: None,
        };
        let socket = opts.socket.clone();
        let (control, controls) = mpsc::unbounded_channel();
        let daemon = tokio::spawn(run_controlled(opts, controls));
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !socket.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "the daemon never bound its socket"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        // a watcher sees the reload asked for after it was let in
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let paths = vec![socket.clone()];
        let watcher = std::thread::spawn(move || {
            let mut reloads = 0;
            let watched = ipc::watch_at_ready(
                &paths,
                || {
                    let _ = ready_tx.send(());
                },
                |event| {
                    if let DaemonEvent::Reloaded { problems, .. } = event {
                        reloads += 1;
                        // the absent file is a problem the daemon reports, not a stop
                        assert_eq!(problems.len(), 1, "{problems:?}");
                        return false;
                    }
                    true
                },
            );
            (watched.is_ok(), reloads)
        });
        ready_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the daemon let the watcher in");
        control
            .send(Control::Reload("a test"))
            .expect("the daemon listens");
        let (watched, reloads) = watcher.join().expect("the watcher ends");
        assert!(watched);
        assert_eq!(reloads, 1);

        control.send(Control::Stop).expect("the daemon listens");
        let stopped = tokio::time::timeout(Duration::from_secs(20), daemon)
            .await
            .expect("the daemon stops when told to")
            .expect("the daemon's task did not panic");
        assert!(stopped.is_ok(), "{stopped:?}");
        assert!(!socket.exists(), "the daemon left its socket behind");
    }
}
