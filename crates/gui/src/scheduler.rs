//! The app's link to the scheduler. When the daemon (`npbackup-cli daemon`, the
//! service) runs, the app is its client: it shows the daemon's jobs live, asks it
//! to back up now, to pause or to cancel. When no daemon answers, the app runs the
//! schedule itself while it is open (the same rules and the same state file as
//! the daemon, so the two never double a run) and says so.

use std::{collections::HashMap, path::PathBuf};

use iced::futures::{SinkExt, Stream};
use jiff::Timestamp;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use super::runner::Ticket;
use crate::{
    config::Config,
    humanize,
    jobs::Finished,
    schedule::{
        self, State, Task, TaskKind,
        ipc::{DaemonEvent, Reply, Request, Status},
    },
};

/// What the link to the daemon tells the app.
#[derive(Debug, Clone)]
pub enum DaemonMessage {
    Connected,
    /// No daemon answers (said once, until one has come and gone).
    Absent,
    Disconnected,
    Event(Box<DaemonEvent>),
    /// The answer to a status question (`None`: no daemon answered).
    Status(Option<Box<Status>>),
    /// The answer to another question: what it did, or why not.
    Reply(Result<String, String>),
}

/// How long the link waits before looking for a daemon again.
const RETRY: std::time::Duration = std::time::Duration::from_secs(10);

/// The daemon's events, for the app's subscription: connects to the first socket
/// that answers, watches it, and says when it comes and goes.
// `Subscription::run_with` hands its key (the socket list) by reference
#[allow(clippy::ptr_arg)]
pub fn watch(sockets: &Vec<PathBuf>) -> impl Stream<Item = DaemonMessage> + use<> {
    let sockets = sockets.clone();
    iced::stream::channel(100, async move |mut out| {
        let mut connected = false;
        let mut said_absent = false;
        loop {
            // a read error ends the watch like a hang-up does
            let _ = watch_once(&sockets, &mut out, &mut connected).await;
            if connected {
                connected = false;
                said_absent = false;
                let _ = out.send(DaemonMessage::Disconnected).await;
            } else if !said_absent {
                said_absent = true;
                let _ = out.send(DaemonMessage::Absent).await;
            }
            tokio::time::sleep(RETRY).await;
        }
    })
}

async fn watch_once(
    sockets: &[PathBuf],
    out: &mut iced::futures::channel::mpsc::Sender<DaemonMessage>,
    connected: &mut bool,
) -> std::io::Result<()> {
    let mut stream = None;
    for s in sockets {
        if let Ok(c) = schedule::ipc::connect_async(s).await {
            stream = Some(c);
            break;
        }
    }
    let Some(stream) = stream else {
        return Ok(());
    };
    let (read, mut write) = tokio::io::split(stream);
    let mut line = serde_json::to_vec(&Request::Watch).unwrap_or_default();
    line.push(b'\n');
    write.write_all(&line).await?;
    let mut lines = tokio::io::BufReader::new(read).lines();
    // the first line says whether we are served
    let Some(first) = lines.next_line().await? else {
        return Ok(());
    };
    let served = serde_json::from_str::<Reply>(&first).is_ok_and(|r| r.ok);
    if !served {
        return Ok(());
    }
    *connected = true;
    let _ = out.send(DaemonMessage::Connected).await;
    while let Some(l) = lines.next_line().await? {
        if let Ok(event) = serde_json::from_str::<DaemonEvent>(&l) {
            let _ = out.send(DaemonMessage::Event(Box::new(event))).await;
        }
    }
    Ok(())
}

/// Asks the daemon (off the UI thread) and turns the answer into a message.
pub async fn ask(sockets: Vec<PathBuf>, request: Request) -> DaemonMessage {
    let status = request == Request::Status;
    let answer =
        tokio::task::spawn_blocking(move || schedule::ipc::ask_at(&sockets, &request)).await;
    match (status, answer) {
        (true, Ok(Ok(reply))) => DaemonMessage::Status(reply.status.map(Box::new)),
        (true, _) => DaemonMessage::Status(None),
        (false, Ok(Ok(reply))) if reply.ok => {
            DaemonMessage::Reply(Ok(reply.message.unwrap_or_default()))
        }
        (false, Ok(Ok(reply))) => DaemonMessage::Reply(Err(reply
            .error
            .unwrap_or_else(|| "the scheduler refused".into()))),
        (false, Ok(Err(e))) => DaemonMessage::Reply(Err(e.to_string())),
        (false, Err(e)) => DaemonMessage::Reply(Err(e.to_string())),
    }
}

/// The app's side of the scheduler: whether the daemon answers (and its last
/// status), the daemon's jobs the window shows, and the schedule the app runs
/// itself while no daemon answers (or one answers for another configuration file).
pub struct SchedulerLink {
    /// The daemon's sockets, tried in order.
    sockets: Vec<PathBuf>,
    /// The daemon answers (its last status, once read).
    daemon: Option<Option<Status>>,
    /// No daemon answered the last time the app looked.
    absent: bool,
    /// The ticket under which each repository's daemon job is shown.
    daemon_jobs: HashMap<String, Ticket>,
    /// Where the app's own schedule keeps its state (`None`: the daemon's file, so
    /// that the two never double a run).
    state_file: Option<PathBuf>,
    /// The schedule the app runs itself, once needed.
    local: Option<LocalSchedule>,
    /// The app's own scheduled runs: their task and start.
    runs: HashMap<Ticket, (String, Timestamp)>,
}

impl SchedulerLink {
    /// The link to the daemon at `socket` (`None`: this user's, else the system's).
    pub fn new(socket: Option<PathBuf>, state_file: Option<PathBuf>) -> SchedulerLink {
        SchedulerLink {
            sockets: match socket {
                Some(p) => vec![p],
                None => schedule::ipc::client_socket_paths(),
            },
            daemon: None,
            absent: false,
            daemon_jobs: HashMap::new(),
            state_file,
            local: None,
            runs: HashMap::new(),
        }
    }

    /// The sockets the watch and the questions go to.
    pub fn sockets(&self) -> &[PathBuf] {
        &self.sockets
    }

    /// A daemon answers (its status may not have come yet).
    pub fn connected(&self) -> bool {
        self.daemon.is_some()
    }

    /// The daemon that answers runs `config`'s file (a window started with `-c` on
    /// another file runs that file's schedule itself).
    pub fn serves(&self, config: Option<&Config>) -> bool {
        let (Some(Some(status)), Some(config)) = (&self.daemon, config) else {
            return false;
        };
        status.config == config.path
            || status
                .config
                .canonicalize()
                .is_ok_and(|a| config.path.canonicalize().is_ok_and(|b| a == b))
    }

    /// The app runs the schedule itself: no daemon answered, or the one that did
    /// runs another file (the two never run the same task).
    pub fn runs_here(&self, config: Option<&Config>) -> bool {
        let other_file = matches!(self.daemon, Some(Some(_))) && !self.serves(config);
        self.absent || other_file
    }

    /// The daemon's events concern this window (not those of another file's daemon).
    pub fn shows_daemon_events(&self, config: Option<&Config>) -> bool {
        !matches!(self.daemon, Some(Some(_))) || self.serves(config)
    }

    /// The configuration changed: the app's own schedule is read again when needed.
    pub fn forget_schedule(&mut self) {
        self.local = None;
    }

    /// The app's own schedule (read when first needed), when there is a configuration.
    pub fn local(&mut self, config: Option<&Config>, now: Timestamp) -> Option<&mut LocalSchedule> {
        let config = config?;
        if self.local.is_none() {
            let path = self.state_file.clone().unwrap_or_else(|| {
                crate::config::state_dir()
                    .unwrap_or_else(std::env::temp_dir)
                    .join("scheduler.json")
            });
            self.local = Some(LocalSchedule::load(path, config, now));
        }
        self.local.as_mut()
    }

    /// The app's own tasks due at `now`, for repositories for which `idle` says
    /// nothing runs.
    pub fn due(
        &mut self,
        config: Option<&Config>,
        now: Timestamp,
        idle: impl Fn(&str) -> bool,
    ) -> Vec<Task> {
        self.local(config, now)
            .map(|l| l.due(now, idle))
            .unwrap_or_default()
    }

    /// A task of the app's own schedule started as job `ticket` (`None`: it could
    /// not start, which is this slot's run).
    pub fn started(&mut self, task: &Task, ticket: Option<Ticket>, now: Timestamp) {
        match ticket {
            Some(ticket) => {
                self.runs.insert(ticket, (task.key(), now));
            }
            None => {
                if let Some(l) = self.local.as_mut() {
                    l.ran(&task.key(), now, false, "could not start".into());
                }
            }
        }
    }

    /// A job ended: when it was a run of the app's own schedule, record it.
    pub fn finished(&mut self, ticket: Ticket, f: &Finished) {
        if let (Some((key, started)), Some(local)) =
            (self.runs.remove(&ticket), self.local.as_mut())
        {
            local.ran(&key, started, f.ok, schedule::run_result(f));
        }
    }

    /// Holds scheduled runs until `until` (`None`: resumes them): the daemon's (the
    /// question to ask it), or the app's own.
    pub fn pause(&mut self, config: Option<&Config>, until: Option<Timestamp>) -> Option<Request> {
        if self.serves(config) {
            return Some(match until {
                Some(until) => Request::Pause { until },
                None => Request::Resume,
            });
        }
        if let Some(local) = self.local(config, Timestamp::now()) {
            local.state.paused_until = until;
            local.save();
        }
        None
    }

    /// The line about `repo`'s schedule: the daemon's, or the app's own.
    pub fn line(&self, config: Option<&Config>, repo: &str) -> Option<String> {
        match (&self.daemon, &self.local) {
            (Some(Some(status)), _) if self.serves(config) => daemon_line(status, repo),
            (_, Some(local)) => local.line(repo),
            _ => None,
        }
    }

    /// A daemon answers: it runs the schedule from now on.
    pub fn on_connected(&mut self) {
        tracing::info!("connected to the scheduler: it runs the scheduled tasks");
        self.daemon = Some(None);
        self.absent = false;
        self.local = None;
    }

    /// No daemon answers.
    pub fn on_absent(&mut self) {
        self.absent = true;
    }

    /// The daemon went away: the app runs the schedule while open. Returns the
    /// tickets of the daemon's jobs it was showing (they will not end now).
    pub fn on_disconnected(&mut self, config: Option<&Config>) -> Vec<Ticket> {
        tracing::info!("the scheduler went away: this window runs the schedule while open");
        self.daemon = None;
        self.absent = true;
        let _ = self.local(config, Timestamp::now());
        self.daemon_jobs.drain().map(|(_, t)| t).collect()
    }

    /// The daemon's status arrived (`None`: it did not answer).
    pub fn on_status(&mut self, status: Option<Status>) {
        if self.daemon.is_some() {
            self.daemon = Some(status);
        }
    }

    /// The daemon started a job on `repo`, shown here as `ticket`.
    pub fn daemon_job_started(&mut self, repo: &str, ticket: Ticket) {
        self.daemon_jobs.insert(repo.to_string(), ticket);
    }

    /// The ticket of the daemon's job on `repo`; with `ended`, it is forgotten.
    pub fn daemon_job(&mut self, repo: &str, ended: bool) -> Option<Ticket> {
        if ended {
            self.daemon_jobs.remove(repo)
        } else {
            self.daemon_jobs.get(repo).copied()
        }
    }

    /// The window quits: the daemon's jobs go on without it.
    pub fn forget_daemon_jobs(&mut self) {
        self.daemon_jobs.clear();
    }
}

/// The schedule the app runs itself while no daemon answers.
pub struct LocalSchedule {
    pub path: PathBuf,
    pub state: State,
    pub tasks: Vec<Task>,
}

impl LocalSchedule {
    /// The schedule of `config`, with its state from `path`, as it stands at `now`.
    pub fn load(path: PathBuf, config: &Config, now: Timestamp) -> LocalSchedule {
        let state = State::load(&path);
        let (tasks, _) = schedule::tasks(config);
        let mut s = LocalSchedule { path, state, tasks };
        if s.state.reconcile(&s.tasks, now) {
            s.save();
        }
        s
    }

    pub fn save(&self) {
        if let Err(e) = self.state.save(&self.path) {
            tracing::warn!("{e}");
        }
    }

    /// The tasks to start at `now` (due, not held back by a condition), for
    /// repositories for which `idle` says nothing runs.
    pub fn due(&self, now: Timestamp, idle: impl Fn(&str) -> bool) -> Vec<Task> {
        let tz = jiff::tz::TimeZone::system();
        schedule::due_now(&self.tasks, &self.state, now, &tz, idle)
            .into_iter()
            .filter(|d| d.blocked.is_none())
            .map(|d| d.task)
            .collect()
    }

    /// Records the end of a run the app started.
    pub fn ran(&mut self, key: &str, started: Timestamp, ok: bool, result: String) {
        if let Some(st) = self.state.tasks.get_mut(key) {
            st.ran(started, ok, result);
            self.save();
        }
    }

    /// "daily at 02:30 · next Tue 02:30" for a repository's backup task.
    pub fn line(&self, repo: &str) -> Option<String> {
        let tz = jiff::tz::TimeZone::system();
        let t = self
            .tasks
            .iter()
            .find(|t| t.repo == repo && t.kind == TaskKind::Backup)?;
        let next = self
            .state
            .tasks
            .get(&t.key())
            .and_then(|st| schedule::next_due(t, st, self.state.seed, &tz));
        Some(schedule_line(
            &t.when.to_string(),
            next,
            self.state.paused_until,
            &crate::t!("schedule-by-window"),
        ))
    }
}

/// The banner's line about a repository's backup schedule, from the daemon's status.
pub fn daemon_line(status: &Status, repo: &str) -> Option<String> {
    let t = status
        .tasks
        .iter()
        .find(|t| t.repo == repo && t.task == TaskKind::Backup)?;
    let mut line = schedule_line(
        &t.when,
        t.next_run,
        status.paused_until,
        &crate::t!("schedule-by-service"),
    );
    if let Some(w) = &t.waiting {
        line.push_str(&format!(" · {w}"));
    }
    Some(line)
}

fn schedule_line(
    when: &str,
    next: Option<Timestamp>,
    paused_until: Option<Timestamp>,
    by: &str,
) -> String {
    let now = Timestamp::now();
    let next = match (paused_until.filter(|p| *p > now), next) {
        (Some(p), _) => crate::t!("schedule-paused-until", when = humanize::upcoming(p, now)),
        (None, Some(n)) if n <= now => crate::t!("schedule-due-now"),
        (None, Some(n)) => crate::t!("schedule-next", when = humanize::upcoming(n, now)),
        (None, None) => crate::t!("schedule-not-scheduled"),
    };
    crate::t!("schedule-line", when = when, next = next, by = by)
}

/// The dashboard's action for a scheduled task.
pub fn action_of(kind: TaskKind) -> super::dashboard::Action {
    use super::dashboard::Action;
    match kind {
        TaskKind::Backup => Action::Backup,
        TaskKind::Housekeeping => Action::Housekeeping,
        TaskKind::Check => Action::Check,
    }
}

/// The scheduled task an action is, if any (what the daemon can run).
pub fn task_of(action: super::dashboard::Action) -> Option<TaskKind> {
    use super::dashboard::Action;
    match action {
        Action::Backup => Some(TaskKind::Backup),
        Action::Housekeeping => Some(TaskKind::Housekeeping),
        Action::Check => Some(TaskKind::Check),
        _ => None,
    }
}
