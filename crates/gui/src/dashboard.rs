//! The main window's screen: pick a repository, see at a glance whether it is
//! backed up (the status banner), its snapshots (the table), back up now, watch
//! a job's progress and cancel it, read the last result and its log, forget
//! snapshots, run the maintenance operations. It holds what is shown; it starts
//! nothing itself: `update` hands an `Event` to the app, which runs the jobs and
//! feeds their events back through `job_event`.

use crate::t;
use std::time::Duration;

use iced::{
    Alignment, Color, Element, Font, Length,
    widget::{
        Space, button, center, column, container, pick_list, progress_bar, row, scrollable, text,
        toggler,
    },
};
use jiff::Timestamp;

use super::{
    runner::Ticket,
    snapshot_table::{self, SnapshotTable},
    theme::{self, Colours, bold},
};
use crate::{
    config::{
        RepoConfig,
        permissions::{Op, Permission},
    },
    customization as brand,
    engine::SnapshotInfo,
    humanize,
    jobs::{
        Finished, JobEvent, Progress,
        status::{Problem, ProblemKind, RepoState},
    },
};

/// The most log lines kept per job (the oldest go first).
const LOG_LINES: usize = 5000;

/// What a job started from the window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Backup,
    Forget,
    Check,
    Housekeeping,
    Prune,
    Unlock,
    Init,
    TestEmail,
    Restore,
}

impl Action {
    /// What the action needs of the repository's permissions.
    pub fn op(self) -> Op {
        match self {
            Action::Backup => Op::Backup,
            Action::Forget | Action::Housekeeping | Action::Prune | Action::Init => Op::Modify,
            Action::Check => Op::Check,
            Action::Unlock => Op::Unlock,
            Action::TestEmail => Op::List,
            Action::Restore => Op::Restore,
        }
    }

    /// Its name in messages and translations ("backup", "test-email").
    pub fn code(self) -> &'static str {
        match self {
            Action::Backup => "backup",
            Action::Forget => "forget",
            Action::Check => "check",
            Action::Housekeeping => "housekeeping",
            Action::Prune => "prune",
            Action::Unlock => "unlock",
            Action::Init => "init",
            Action::TestEmail => "test-email",
            Action::Restore => "restore",
        }
    }

    /// "Backup", as in "Backup finished".
    pub fn noun(self) -> String {
        match self {
            Action::Backup => t!("action-backup"),
            Action::Forget => t!("action-forget"),
            Action::Check => t!("action-check"),
            Action::Housekeeping => t!("action-housekeeping"),
            Action::Prune => t!("action-prune"),
            Action::Unlock => t!("action-unlock"),
            Action::Init => t!("action-init"),
            Action::TestEmail => t!("action-test-email"),
            Action::Restore => t!("action-restore"),
        }
    }

    /// What its button says.
    pub fn label(self) -> String {
        match self {
            Action::Unlock => t!("action-unlock-button"),
            Action::TestEmail => t!("action-test-email-button"),
            other => other.noun(),
        }
    }

    /// "Backing up", while it runs.
    pub fn doing(self) -> String {
        match self {
            Action::Backup => t!("doing-backup"),
            Action::Forget => t!("doing-forget"),
            Action::Check => t!("doing-check"),
            Action::Housekeeping => t!("doing-housekeeping"),
            Action::Prune => t!("doing-prune"),
            Action::Unlock => t!("doing-unlock"),
            Action::Init => t!("doing-init"),
            Action::TestEmail => t!("doing-test-email"),
            Action::Restore => t!("doing-restore"),
        }
    }

    /// Whether the snapshot list changes when it succeeds.
    pub fn changes_snapshots(self) -> bool {
        matches!(
            self,
            Action::Backup | Action::Forget | Action::Housekeeping | Action::Init
        )
    }
}

/// The maintenance operations offered in the Operations dialog.
pub const OPERATIONS: [(Action, &str); 4] = [
    (Action::Check, "about-check"),
    (Action::Housekeeping, "about-housekeeping"),
    (Action::Prune, "about-prune"),
    (Action::Unlock, "about-unlock"),
];

/// A job that is running on a repository.
#[derive(Debug, Clone)]
pub struct ActiveJob {
    pub ticket: Ticket,
    pub action: Action,
    pub progress: Option<Progress>,
    pub log: Vec<String>,
    pub cancelling: bool,
}

/// How the last job went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// Succeeded, with warnings worth reading.
    Warned,
    Failed,
    Cancelled,
}

/// The last job's result, kept for the result panel and the log view.
#[derive(Debug, Clone)]
pub struct JobRecord {
    pub action: Action,
    pub outcome: Outcome,
    /// One sentence: what happened.
    pub headline: String,
    /// What it did, or what went wrong and what to do.
    pub details: Vec<String>,
    pub log: Vec<String>,
    pub at: Timestamp,
}

/// One repository as the window shows it.
#[derive(Debug, Clone)]
pub struct RepoPanel {
    pub name: String,
    /// Whose backups count for the status (this machine's snapshot host).
    pub host: String,
    pub max_age: Option<Duration>,
    pub state: RepoState,
    /// The snapshot list is being read.
    pub loading: bool,
    pub table: SnapshotTable,
    pub job: Option<ActiveJob>,
    pub last: Option<JobRecord>,
    /// Mail is configured (`monitoring.email`): offer a test mail.
    pub has_email: bool,
    /// The group it inherits from, shown in the selector.
    pub group: Option<String>,
    /// Its backup schedule, next run and who runs it (a line of the banner).
    pub schedule: Option<String>,
    /// What the user may do with it: actions it does not allow are not offered.
    pub permissions: Permission,
}

impl RepoPanel {
    pub fn new(name: String, host: String, max_age: Option<Duration>) -> RepoPanel {
        RepoPanel {
            name,
            host,
            max_age,
            state: RepoState::Unknown,
            loading: false,
            table: SnapshotTable::default(),
            job: None,
            last: None,
            has_email: false,
            permissions: Permission::Full,
            group: None,
            schedule: None,
        }
    }

    /// The panel of a configured repository.
    pub fn of(rc: &RepoConfig) -> RepoPanel {
        RepoPanel {
            has_email: rc
                .monitoring
                .email
                .as_ref()
                .is_some_and(|e| e.smtp_server.as_ref().is_some_and(|s| !s.is_empty())),
            group: rc.group.clone(),
            permissions: rc.permissions,
            ..RepoPanel::new(
                rc.name.clone(),
                rc.host(),
                rc.repo.minimum_backup_age.map(|d| d.0),
            )
        }
    }
}

/// A repository in the selector: its name, and its group when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RepoChoice {
    name: String,
    group: Option<String>,
}

impl RepoChoice {
    fn of(r: &RepoPanel) -> RepoChoice {
        RepoChoice {
            name: r.name.clone(),
            group: r.group.clone(),
        }
    }
}

impl std::fmt::Display for RepoChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.group {
            Some(g) => write!(f, "{} (group {g})", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A dialog over the window.
#[derive(Debug, Clone)]
pub enum Modal {
    ConfirmForget(Vec<SnapshotInfo>),
    Operations,
    Log,
    About,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The switch "Keep backing up when this window is closed".
    KeepBackingUp(bool),
    SelectRepo(String),
    BackUpNow,
    Refresh,
    Table(snapshot_table::Message),
    AskForget,
    ConfirmForget,
    ShowOperations,
    Run(Action),
    Cancel,
    ShowLog,
    CopyLog,
    ShowAbout,
    CloseModal,
    /// Open the setup wizard (one more repository).
    Wizard,
    /// Open the settings screen.
    Settings,
    /// Open the browser on the selected snapshot (or the newest).
    Browse,
}

/// What the app must do for the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Start `action` on repository `repo` (`ids`: the snapshots to forget).
    Start {
        repo: String,
        action: Action,
        ids: Vec<String>,
    },
    Cancel(Ticket),
    /// Read the snapshot list of `repo` again.
    Refresh(String),
    Copy(String),
    Wizard,
    Settings,
    /// Browse snapshot `snapshot` (a full id) of `repo`.
    Browse {
        repo: String,
        snapshot: String,
    },
    /// Install (`true`) or remove the per-user scheduler service.
    KeepBackingUp(bool),
}

/// The switch that installs the per-user scheduler service, and what it shows.
#[derive(Debug, Clone)]
pub struct ServiceSwitch {
    pub state: crate::schedule::service::UserService,
    /// Installing or removing it now.
    pub busy: bool,
    /// What the last change said when it failed.
    pub failed: Option<String>,
}

/// The main screen's state.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub repos: Vec<RepoPanel>,
    pub selected: usize,
    pub modal: Option<Modal>,
    /// "Now" for the ages shown (moved on by a timer, fixed in tests).
    pub now: Timestamp,
    /// The configuration may be changed from the window (no manager password, every
    /// repository with full permissions): "Add repository…" is offered.
    pub can_configure: bool,
    /// The configuration comes from a file (not the viewer's): "Settings" is offered.
    pub has_settings: bool,
    /// The switch for the per-user scheduler service (where there is one to install).
    pub service: Option<ServiceSwitch>,
}

impl Dashboard {
    pub fn new(repos: Vec<RepoPanel>, now: Timestamp) -> Dashboard {
        Dashboard {
            repos,
            selected: 0,
            modal: None,
            now,
            can_configure: true,
            has_settings: false,
            service: None,
        }
    }

    /// Shows these repositories, `prefer` selected when it is among them (the one
    /// shown before a reload, or the configuration's default).
    pub fn show_repositories(
        &mut self,
        repos: Vec<RepoPanel>,
        prefer: &[Option<String>],
        has_settings: bool,
        can_configure: bool,
    ) {
        self.repos = repos;
        self.has_settings = has_settings;
        self.can_configure = can_configure;
        self.selected = prefer
            .iter()
            .flatten()
            .find_map(|n| self.repos.iter().position(|r| &r.name == n))
            .unwrap_or(0);
    }

    /// Shows no repository (there is no configuration to read them from).
    pub fn clear(&mut self) {
        self.repos.clear();
        self.selected = 0;
        // a dialog about a repository no longer shown
        self.modal = None;
    }

    /// Selects the repository `name` (nothing when it is not shown).
    pub fn select(&mut self, name: &str) {
        if let Some(i) = self.repos.iter().position(|r| r.name == name) {
            self.selected = i;
        }
    }

    /// Moves "now" on and judges the ages of the backups again.
    pub fn tick(&mut self, now: Timestamp) {
        self.now = now;
        for r in &mut self.repos {
            if matches!(
                r.state,
                RepoState::UpToDate { .. } | RepoState::TooOld { .. } | RepoState::Never
            ) {
                let snaps: Vec<SnapshotInfo> = r.table.rows().cloned().collect();
                r.state = RepoState::judge(&snaps, &r.host, r.max_age, now);
            }
        }
    }

    /// The line about `repo`'s schedule (its next run and who runs it).
    pub fn set_schedule(&mut self, repo: &str, line: Option<String>) {
        if let Some(panel) = self.repo_mut(repo) {
            panel.schedule = line;
        }
    }

    /// `repo`'s snapshot list is being read; false when it already is (or there
    /// is no such repository).
    pub fn listing(&mut self, repo: &str) -> bool {
        match self.repo_mut(repo) {
            Some(panel) if !panel.loading => {
                panel.loading = true;
                true
            }
            _ => false,
        }
    }

    /// `repo`'s snapshot list arrived, or why it could not be read.
    pub fn listed(&mut self, repo: &str, list: Result<Vec<SnapshotInfo>, Problem>) {
        let now = self.now;
        let Some(panel) = self.repo_mut(repo) else {
            return;
        };
        panel.loading = false;
        match list {
            Ok(list) => {
                panel.state = RepoState::judge(&list, &panel.host, panel.max_age, now);
                panel.table.set(list);
            }
            Err(problem) => panel.state = RepoState::Unavailable(problem),
        }
    }

    /// The repositories' names, in the order shown.
    pub fn repo_names(&self) -> Vec<String> {
        self.repos.iter().map(|r| r.name.clone()).collect()
    }

    pub fn current(&self) -> Option<&RepoPanel> {
        self.repos.get(self.selected)
    }

    pub fn current_mut(&mut self) -> Option<&mut RepoPanel> {
        self.repos.get_mut(self.selected)
    }

    pub fn repo(&self, name: &str) -> Option<&RepoPanel> {
        self.repos.iter().find(|r| r.name == name)
    }

    pub fn repo_mut(&mut self, name: &str) -> Option<&mut RepoPanel> {
        self.repos.iter_mut().find(|r| r.name == name)
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::KeepBackingUp(on) => {
                let sw = self.service.as_mut()?;
                if sw.busy {
                    return None;
                }
                sw.busy = true;
                sw.failed = None;
                Some(Event::KeepBackingUp(on))
            }
            Message::SelectRepo(name) => {
                self.select(&name);
                None
            }
            Message::Table(m) => {
                self.current_mut()?.table.update(m);
                None
            }
            Message::BackUpNow => self.start(Action::Backup, Vec::new()),
            Message::Run(action) => {
                self.modal = None;
                self.start(action, Vec::new())
            }
            Message::Refresh => {
                let repo = self.current()?;
                (!repo.loading).then(|| Event::Refresh(repo.name.clone()))
            }
            Message::AskForget => {
                let chosen: Vec<SnapshotInfo> = self
                    .current()?
                    .table
                    .selected()
                    .into_iter()
                    .cloned()
                    .collect();
                if !chosen.is_empty() {
                    self.modal = Some(Modal::ConfirmForget(chosen));
                }
                None
            }
            Message::ConfirmForget => {
                let Some(Modal::ConfirmForget(chosen)) = self.modal.take() else {
                    return None;
                };
                let ids = chosen.into_iter().map(|s| s.id).collect();
                if let Some(repo) = self.current_mut() {
                    repo.table.clear_selection();
                }
                self.start(Action::Forget, ids)
            }
            Message::Cancel => {
                let job = self.current_mut()?.job.as_mut()?;
                job.cancelling = true;
                Some(Event::Cancel(job.ticket))
            }
            Message::CopyLog => {
                let repo = self.current()?;
                let log = match (&repo.job, &repo.last) {
                    (Some(job), _) => &job.log,
                    (None, Some(last)) => &last.log,
                    (None, None) => return None,
                };
                Some(Event::Copy(log.join("\n")))
            }
            Message::ShowOperations => {
                self.modal = Some(Modal::Operations);
                None
            }
            Message::ShowLog => {
                self.modal = Some(Modal::Log);
                None
            }
            Message::ShowAbout => {
                self.modal = Some(Modal::About);
                None
            }
            Message::CloseModal => {
                self.modal = None;
                None
            }
            Message::Wizard => Some(Event::Wizard),
            Message::Settings => Some(Event::Settings),
            Message::Browse => {
                let repo = self.current()?;
                let chosen = repo.table.selected();
                let snap = if chosen.len() == 1 {
                    chosen[0].clone()
                } else {
                    repo.table
                        .rows()
                        .max_by(|a, b| a.time.cmp(&b.time))?
                        .clone()
                };
                Some(Event::Browse {
                    repo: repo.name.clone(),
                    snapshot: snap.id,
                })
            }
        }
    }

    fn start(&self, action: Action, ids: Vec<String>) -> Option<Event> {
        let repo = self.current()?;
        repo.job.is_none().then(|| Event::Start {
            repo: repo.name.clone(),
            action,
            ids,
        })
    }

    /// Records that `action` started on `repo` as job `ticket`.
    pub fn job_started(&mut self, repo: &str, ticket: Ticket, action: Action) {
        if let Some(r) = self.repo_mut(repo) {
            r.job = Some(ActiveJob {
                ticket,
                action,
                progress: None,
                log: Vec::new(),
                cancelling: false,
            });
        }
    }

    /// Applies an event of the foreground job of `repo`; returns the record when
    /// the job has just finished.
    pub fn job_event(&mut self, repo: &str, event: JobEvent) -> Option<JobRecord> {
        let now = self.now;
        let r = self.repo_mut(repo)?;
        let job = r.job.as_mut()?;
        match event {
            JobEvent::Started { pid, .. } => {
                push_log(&mut job.log, format!("job started (process {pid})"))
            }
            JobEvent::Progress(p) => job.progress = Some(p),
            JobEvent::Log { level, message } => {
                push_log(&mut job.log, format!("[{level}] {message}"))
            }
            JobEvent::Warning { message } => push_log(&mut job.log, format!("[warning] {message}")),
            JobEvent::Reply { .. } => {}
            JobEvent::Finished(f) => {
                let job = r.job.take()?;
                let record = record(job, &f, now);
                r.last = Some(record.clone());
                return Some(record);
            }
        }
        None
    }

    // ----- view -----

    pub fn view(&self) -> Element<'_, Message> {
        let page: Element<'_, Message> = match self.current() {
            Some(repo) => self.repo_view(repo),
            None => center(text(t!("no-repository"))).into(),
        };
        match &self.modal {
            None => page,
            Some(modal) => theme::overlay(page, self.modal_view(modal)),
        }
    }

    fn top_bar(&self) -> Element<'_, Message> {
        let choices: Vec<RepoChoice> = self.repos.iter().map(RepoChoice::of).collect();
        let chooser: Element<'_, Message> = if choices.len() > 1 {
            pick_list(choices, self.current().map(RepoChoice::of), |c| {
                Message::SelectRepo(c.name)
            })
            .text_size(14)
            .into()
        } else {
            text(self.current().map(|r| r.name.clone()).unwrap_or_default())
                .size(15)
                .into()
        };
        let busy = self.current().is_none_or(|r| r.loading);
        let operations = self
            .current()
            .is_some_and(|r| OPERATIONS.iter().any(|(a, _)| r.permissions.allows(a.op())));
        row![
            text(brand::PRODUCT_NAME)
                .size(20)
                .font(bold())
                .style(theme::coloured(Colours::primary())),
            Space::new().width(16),
            text(t!("repository")).size(14),
            chooser,
            Space::new().width(Length::Fill),
            button(text(t!("refresh")).size(14))
                .on_press_maybe((!busy).then_some(Message::Refresh))
                .style(theme::secondary),
            operations.then(|| button(text(t!("operations-button")).size(14))
                .on_press(Message::ShowOperations)
                .style(theme::secondary)),
            self.has_settings
                .then(|| button(text(t!("settings-button")).size(14))
                    .on_press(Message::Settings)
                    .style(theme::secondary)),
            self.can_configure
                .then(|| button(text(t!("add-repository")).size(14))
                    .on_press(Message::Wizard)
                    .style(theme::secondary)),
            button(text(t!("about")).size(14))
                .on_press(Message::ShowAbout)
                .style(theme::secondary),
        ]
        .spacing(8)
        .align_y(Alignment::Center)
        .into()
    }

    fn repo_view<'a>(&'a self, repo: &'a RepoPanel) -> Element<'a, Message> {
        let selected = repo.table.selected().len();
        let running = repo.job.is_some();
        let may = |op| repo.permissions.allows(op);
        let mut actions = row![].spacing(10).align_y(Alignment::Center);
        if may(Op::Backup) {
            actions = actions.push(
                button(text(t!("back-up-now")).size(15).font(bold()))
                    .on_press_maybe((!running).then_some(Message::BackUpNow))
                    .padding([8, 18])
                    .style(button::primary),
            );
        }
        if may(Op::Modify) {
            actions = actions.push(
                button(
                    text(if selected == 0 {
                        t!("forget-selected")
                    } else {
                        t!("forget-selected-n", n = selected)
                    })
                    .size(14),
                )
                .on_press_maybe((selected > 0 && !running).then_some(Message::AskForget))
                .padding([8, 14])
                .style(button::danger),
            );
        }
        if may(Op::Restore) {
            actions = actions.push(
                button(
                    text(if selected == 1 {
                        t!("browse-this")
                    } else {
                        t!("browse-and-restore")
                    })
                    .size(14),
                )
                .on_press_maybe((!repo.table.is_empty()).then_some(Message::Browse))
                .padding([8, 14])
                .style(theme::secondary),
            );
        }
        if repo.permissions != Permission::Full {
            actions = actions
                .push(text(t!("repository-allows", what = repo.permissions.summary())).size(13));
        }
        let actions = actions
            .push(Space::new().width(Length::Fill))
            .push(text(self.count_text(repo)).size(13));

        let mut page = column![self.top_bar(), self.banner(repo), actions].spacing(14);
        if let Some(job) = &repo.job {
            page = page.push(progress_panel(job));
        } else if let Some(last) = &repo.last {
            page = page.push(self.result_panel(last));
        }
        let table: Element<'_, Message> = if repo.table.is_empty() {
            let note = if repo.loading {
                t!("reading-snapshots")
            } else {
                t!("no-snapshots")
            };
            center(text(note).size(14)).into()
        } else {
            repo.table.view().map(Message::Table)
        };
        page = page.push(
            container(table)
                .style(theme::card)
                .height(Length::Fill)
                .width(Length::Fill)
                .clip(true),
        );
        container(page).padding(16).into()
    }

    fn count_text(&self, repo: &RepoPanel) -> String {
        match (repo.loading, repo.table.len()) {
            (true, _) => t!("reading-snapshots"),
            (false, n) => t!("snapshot-count", n = crate::i18n::count(n as u64)),
        }
    }

    /// The status banner: what state the repository is in, in words.
    fn banner<'a>(&'a self, repo: &'a RepoPanel) -> Element<'a, Message> {
        let (colour, headline, lines): (Color, String, Vec<String>) = if let Some(job) = &repo.job {
            // while a job runs, the banner still says how things stood before it
            let before = match repo.state.last_backup() {
                Some(last) => t!(
                    "last-backup",
                    time = humanize::local(last),
                    ago = humanize::ago(last, self.now)
                ),
                None => t!("no-backup-yet"),
            };
            (
                Colours::running(),
                t!("doing-ellipsis", doing = job.action.doing()),
                vec![before],
            )
        } else {
            let words = repo.state.words(&repo.host, repo.max_age, self.now);
            let colour = match &repo.state {
                RepoState::Unknown => Colours::running(),
                RepoState::UpToDate { .. } => Colours::ok(),
                RepoState::TooOld { .. } | RepoState::Never => Colours::warning(),
                RepoState::Unavailable(_) => Colours::error(),
            };
            (colour, words.headline, words.lines)
        };
        let mut body = column![text(headline).size(18).font(bold())].spacing(4);
        for l in lines {
            body = body.push(text(l).size(14));
        }
        if let Some(s) = &repo.schedule {
            body = body.push(text(s).size(13));
        }
        if let Some(sw) = &self.service {
            body = body.push(service_view(sw));
        }
        // the one problem the window can fix by itself
        let fix: Option<Element<'_, Message>> = match &repo.state {
            RepoState::Unavailable(p)
                if p.kind == ProblemKind::NotInitialised && repo.job.is_none() =>
            {
                Some(
                    button(text(t!("create-repository")).size(14))
                        .on_press(Message::Run(Action::Init))
                        .style(button::primary)
                        .into(),
                )
            }
            _ => None,
        };
        container(
            row![status_dot(colour), body.width(Length::Fill)]
                .push(fix)
                .spacing(12)
                .align_y(Alignment::Center),
        )
        .padding(14)
        .width(Length::Fill)
        .style(theme::banner(colour))
        .into()
    }

    /// The running job of `repo` (progress and Cancel), else its last restore's
    /// result: what the browser shows under its page.
    pub fn job_strip(&self, repo: &str) -> Option<Element<'_, Message>> {
        let r = self.repo(repo)?;
        match (&r.job, &r.last) {
            (Some(job), _) => Some(progress_panel(job)),
            (None, Some(last)) if last.action == Action::Restore => Some(self.result_panel(last)),
            _ => None,
        }
    }

    fn result_panel<'a>(&'a self, last: &'a JobRecord) -> Element<'a, Message> {
        let colour = match last.outcome {
            Outcome::Succeeded => Colours::ok(),
            Outcome::Warned | Outcome::Cancelled => Colours::warning(),
            Outcome::Failed => Colours::error(),
        };
        let mut body = column![
            text(format!(
                "{} ({})",
                last.headline,
                humanize::ago(last.at, self.now)
            ))
            .size(15)
            .font(bold())
            .style(theme::coloured(colour))
        ]
        .spacing(3);
        for d in &last.details {
            body = body.push(text(d).size(13));
        }
        container(
            row![
                body.width(Length::Fill),
                button(text(t!("show-log")).size(13))
                    .on_press(Message::ShowLog)
                    .style(theme::secondary)
            ]
            .align_y(Alignment::Center)
            .spacing(10),
        )
        .padding(12)
        .width(Length::Fill)
        .style(theme::card)
        .into()
    }

    fn modal_view<'a>(&'a self, modal: &'a Modal) -> Element<'a, Message> {
        let close = || {
            button(text(t!("close")).size(14))
                .on_press(Message::CloseModal)
                .style(theme::secondary)
        };
        match modal {
            Modal::ConfirmForget(chosen) => {
                let repo = self.current().map(|r| r.name.as_str()).unwrap_or_default();
                let mut list = column![].spacing(2);
                for s in chosen {
                    list = list.push(
                        text(format!(
                            "{}  {}  {}",
                            s.short_id,
                            humanize::local_time(&s.time),
                            s.host
                        ))
                        .size(13)
                        .font(Font::MONOSPACE),
                    );
                }
                column![
                    text(t!("forget-question", n = chosen.len(), repo = repo))
                        .size(18)
                        .font(bold()),
                    text(t!("forget-explained", n = chosen.len())).size(14),
                    container(scrollable(list).height(Length::Shrink)).max_height(220),
                    row![
                        Space::new().width(Length::Fill),
                        button(text(t!("keep-them")).size(14))
                            .on_press(Message::CloseModal)
                            .style(theme::secondary),
                        button(text(t!("forget")).size(14))
                            .on_press(Message::ConfirmForget)
                            .style(button::danger),
                    ]
                    .spacing(10),
                ]
                .spacing(12)
                .into()
            }
            Modal::Operations => {
                let running = self.current().is_none_or(|r| r.job.is_some());
                let mut list = column![
                    text(t!("operations")).size(18).font(bold()),
                    text(t!(
                        "operations-on",
                        repo = self.current().map(|r| r.name.as_str()).unwrap_or_default()
                    ))
                    .size(14)
                ]
                .spacing(12);
                let mail = self
                    .current()
                    .is_some_and(|r| r.has_email)
                    .then_some((Action::TestEmail, "about-test-email"));
                let may = |a: &(Action, &str)| {
                    self.current()
                        .is_some_and(|r| r.permissions.allows(a.0.op()))
                };
                for (action, about) in OPERATIONS.into_iter().chain(mail).filter(may) {
                    list = list.push(
                        row![
                            button(text(action.label()).size(14))
                                .on_press_maybe((!running).then_some(Message::Run(action)))
                                .width(190),
                            text(crate::i18n::tr(about)).size(13).width(Length::Fill),
                        ]
                        .spacing(12)
                        .align_y(Alignment::Center),
                    );
                }
                list.push(row![Space::new().width(Length::Fill), close()])
                    .into()
            }
            Modal::Log => {
                let (title, log): (String, &[String]) = match self.current() {
                    Some(RepoPanel { job: Some(j), .. }) => {
                        (format!("{} (running)", j.action.noun()), &j.log)
                    }
                    Some(RepoPanel { last: Some(l), .. }) => (l.headline.clone(), &l.log),
                    _ => (t!("no-job-yet"), &[]),
                };
                let mut lines = column![].spacing(1);
                for l in log {
                    lines = lines.push(text(l).size(12).font(Font::MONOSPACE));
                }
                if log.is_empty() {
                    lines = lines.push(text("(the job wrote nothing to its log)").size(12));
                }
                column![
                    text(title).size(18).font(bold()),
                    container(scrollable(lines).height(320).width(Length::Fill))
                        .padding(8)
                        .style(theme::card),
                    row![
                        Space::new().width(Length::Fill),
                        button(text(t!("copy-to-clipboard")).size(14))
                            .on_press(Message::CopyLog)
                            .style(theme::secondary),
                        close(),
                    ]
                    .spacing(10),
                ]
                .spacing(12)
                .into()
            }
            Modal::About => column![
                text(brand::PRODUCT_NAME)
                    .size(22)
                    .font(bold())
                    .style(theme::coloured(Colours::primary())),
                text(brand::VERSION_LINE).size(14),
                text(brand::COPYRIGHT).size(14),
                text(t!(
                    "made-by",
                    company = brand::COMPANY,
                    support = brand::SUPPORT_URL
                ))
                .size(14),
                container(scrollable(text(brand::LICENCE_TEXT.trim()).size(12)))
                    .max_height(220)
                    .padding(8)
                    .style(theme::card),
                row![Space::new().width(Length::Fill), close()],
            ]
            .spacing(10)
            .into(),
        }
    }
}

/// The progress panel of a running job.
fn progress_panel(job: &ActiveJob) -> Element<'_, Message> {
    let p = job.progress.clone().unwrap_or_default();
    let fraction = match p.bytes_total {
        Some(total) if total > 0 => (p.bytes_done as f32 / total as f32).clamp(0.0, 1.0),
        _ => 0.0,
    };
    let mut facts = Vec::new();
    match p.bytes_total {
        Some(total) => facts.push(format!(
            "{} of {}",
            humanize::size(p.bytes_done),
            humanize::size(total)
        )),
        None if p.bytes_done > 0 => facts.push(humanize::size(p.bytes_done)),
        None => {}
    }
    match (p.files_done, p.files_total) {
        (Some(d), Some(t)) => facts.push(format!("{d} of {t} files")),
        (Some(d), None) => facts.push(format!("{d} files")),
        _ => {}
    }
    if p.rate > 0.0 {
        facts.push(format!("{}/s", humanize::size(p.rate as u64)));
    }
    if let Some(eta) = p.eta_seconds {
        facts.push(t!(
            "time-left",
            left = humanize::duration(Duration::from_secs(eta))
        ));
    }
    // "Backing up: reading the index"; just "Backing up" when the phase says the same
    let title = if p.phase.is_empty() {
        t!("doing-starting", doing = job.action.doing())
    } else if p.phase.eq_ignore_ascii_case(&job.action.doing()) {
        job.action.doing()
    } else {
        format!("{}: {}", job.action.doing(), p.phase)
    };
    let cancel = button(
        text(if job.cancelling {
            t!("cancelling")
        } else {
            t!("cancel")
        })
        .size(14),
    )
    .on_press_maybe((!job.cancelling).then_some(Message::Cancel))
    .style(button::danger);
    container(
        column![
            row![
                text(title).size(15).font(bold()).width(Length::Fill),
                button(text(t!("show-log")).size(13))
                    .on_press(Message::ShowLog)
                    .style(theme::secondary),
                cancel,
            ]
            .spacing(10)
            .align_y(Alignment::Center),
            progress_bar(0.0..=1.0, fraction).girth(10),
            text(facts.join(" · ")).size(13),
        ]
        .extend(
            p.current
                .map(|c| text(c).size(12).wrapping(text::Wrapping::None).into()),
        )
        .spacing(6),
    )
    .padding(12)
    .width(Length::Fill)
    .clip(true)
    .style(theme::card)
    .into()
}

/// The record of a finished job, in words.
fn record(job: ActiveJob, f: &Finished, now: Timestamp) -> JobRecord {
    let mut log = job.log;
    for w in &f.warnings {
        push_log(&mut log, format!("[warning] {w}"));
    }
    let action = job.action;
    let (outcome, headline, mut details) = if f.ok {
        let details = f
            .result
            .as_ref()
            .map(|o| crate::jobs::words::summary_lines(&o.result))
            .unwrap_or_default();
        if f.warnings.is_empty() {
            (
                Outcome::Succeeded,
                t!("job-finished", action = action.code(), noun = action.noun()),
                details,
            )
        } else {
            (
                Outcome::Warned,
                t!("job-warned", action = action.code(), noun = action.noun()),
                details,
            )
        }
    } else if f.cancelled {
        (
            Outcome::Cancelled,
            t!(
                "job-cancelled",
                action = action.code(),
                noun = action.noun()
            ),
            vec![t!("job-cancelled-detail")],
        )
    } else {
        let (headline, lines) = match &f.error {
            Some(e) => {
                let p = Problem::from_error(e);
                (
                    t!(
                        "job-failed-because",
                        action = action.code(),
                        noun = action.noun(),
                        why = lower_first(&p.headline())
                    ),
                    p.lines(),
                )
            }
            None => (
                t!("job-failed", action = action.code(), noun = action.noun()),
                vec![],
            ),
        };
        (Outcome::Failed, headline, lines)
    };
    details.extend(f.warnings.iter().take(3).map(|w| format!("Warning: {w}")));
    push_log(
        &mut log,
        format!("finished after {:.1}s: {headline}", f.duration_seconds),
    );
    JobRecord {
        action,
        outcome,
        headline,
        details,
        log,
        at: now,
    }
}

fn push_log(log: &mut Vec<String>, line: String) {
    if log.len() >= LOG_LINES {
        log.remove(0);
    }
    log.push(line);
}

fn status_dot<'a>(colour: Color) -> Element<'a, Message> {
    container(Space::new().width(14).height(14))
        .style(move |_| container::Style {
            background: Some(colour.into()),
            border: iced::Border {
                radius: 7.0.into(),
                ..Default::default()
            },
            ..Default::default()
        })
        .into()
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Keep backing up when this window is closed": the per-user scheduler service, on
/// or off, what it is doing, and why the last change failed.
fn service_view(sw: &ServiceSwitch) -> Element<'_, Message> {
    use crate::schedule::service::UserService;
    let on = sw.state != UserService::Off;
    let state = match (&sw.state, sw.busy) {
        (_, true) => t!("service-changing"),
        (UserService::Off, _) => t!("service-off"),
        (UserService::Running, _) => t!("service-running"),
        (UserService::Stopped(why), _) => t!("service-stopped", state = why.as_str()),
    };
    let mut col = column![
        row![
            toggler(on).on_toggle_maybe((!sw.busy).then_some(Message::KeepBackingUp)),
            text(t!("service-switch")).size(13),
            text(state).size(12),
        ]
        .spacing(12)
        .align_y(Alignment::Center)
    ]
    .spacing(2);
    if let Some(f) = &sw.failed {
        col = col.push(
            text(f.as_str())
                .size(12)
                .style(theme::coloured(Colours::error())),
        );
    }
    col.into()
}
