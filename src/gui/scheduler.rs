//! The app's link to the scheduler. When the daemon (`npbackup-cli daemon`, the
//! service) runs, the app is its client: it shows the daemon's jobs live, asks it
//! to back up now, to pause or to cancel. When no daemon answers, the app runs the
//! schedule itself while it is open (the same rules and the same state file as
//! the daemon, so the two never double a run) and says so.

use std::path::PathBuf;

use iced::futures::{SinkExt, Stream};
use jiff::Timestamp;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use crate::{
    config::Config,
    humanize,
    schedule::{
        self, State, Task, TaskKind,
        ipc::{DaemonEvent, Request, Status},
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
    let served = serde_json::from_str::<serde_json::Value>(&first)
        .is_ok_and(|v| v["ok"] == serde_json::Value::Bool(true));
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
