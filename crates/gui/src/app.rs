//! The desktop app: an iced daemon (it lives on in the tray when its window is
//! closed) with one main window. It owns the configuration, the jobs in flight,
//! the tray icon and the notifier; the dashboard owns what is shown.
//!
//! `apply` turns a message into state changes and a list of `Effect`s (start a
//! job, cancel one, notify, open a window…); `update` turns those into iced
//! tasks. Tests drive `apply` and perform the effects themselves, with real jobs
//! on real repositories, since iced's simulator runs no tasks.

use crate::t;
use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
    time::Duration,
};

use iced::{Element, Size, Subscription, Task, Theme, window};
use jiff::Timestamp;

use super::{
    browser::{self, Browser},
    config_watch::ConfigWatch,
    dashboard::{self, Action, Dashboard, Event, JobRecord, Outcome, RepoPanel},
    external::{self, External},
    icon::{self, Sign},
    managed,
    notify::{Level, Notice, Notifier},
    runner::{Runner, Ticket},
    scheduler::{self, DaemonMessage, SchedulerLink},
    screen::Screen,
    settings::{self, Settings},
    theme,
    tray::{self, Tray},
    viewer::{self, Viewer},
    welcome::{self, Setup, Welcome},
    wizard::{self, Wizard},
};
use crate::{
    config::{self, Compression, Config},
    customization::PRODUCT_NAME,
    engine::{RestoreSummary, SnapshotInfo},
    error::Error,
    jobs::{
        BrowseRequest, ErrorInfo, Finished, JobEvent, JobKind, JobSpec, plan,
        result::DumpReport,
        status::{Problem, RepoState},
    },
    schedule::ipc::{DaemonEvent, Request},
};

/// How the app was started.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// `-c PATH`: the configuration file (default: the usual places).
    pub config: Option<PathBuf>,
    /// The program that runs jobs (`__job`); default: this executable.
    pub job_program: Option<PathBuf>,
    /// Put an icon in the tray.
    pub tray: bool,
    /// Send desktop notifications.
    pub notifications: bool,
    /// Start in the tray, without opening the window.
    pub hidden: bool,
    /// Offer the desktop's folder dialog (`None`: when the desktop has one).
    pub folder_dialog: Option<bool>,
    /// The scheduler's socket (`None`: this user's, else the system's).
    pub daemon_socket: Option<PathBuf>,
    /// The schedule's state file, when the app runs the schedule itself (`None`: the
    /// daemon's, so the two never double a run).
    pub schedule_state: Option<PathBuf>,
    /// Start in viewer mode: open a repository by location and password, read-only.
    pub viewer: bool,
    /// The language, whatever the configuration and the system say (tests).
    pub language: Option<crate::i18n::Lang>,
    /// The command-line program the scheduler service runs (`daemon`); default: the
    /// one installed beside this executable.
    pub cli_program: Option<PathBuf>,
}

/// What a job of the app is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Reading the snapshot list (in the background, no progress panel).
    List,
    /// An action the user asked for (progress panel, result, notification).
    Foreground(Action),
    /// The browser's session.
    Session,
    /// The browser's review of a restore (a dry run).
    Review,
    /// A file written for a preview, opened when it is complete.
    Preview,
    /// A job of the scheduler (the daemon), shown here as it runs.
    Daemon(Action),
    /// The setup wizard's look at a destination.
    Wizard,
    /// The viewer's try of a location and password.
    Viewer,
    /// The repository mounted for the browser's "Open in file manager" (until the
    /// browser closes).
    Mount,
}

/// The mount behind the browser's "Open in file manager".
#[derive(Debug, Clone)]
struct Mounted {
    ticket: Ticket,
    repo: String,
    at: PathBuf,
    ready: bool,
    /// What to open once it is ready.
    open: Option<PathBuf>,
}

/// What a folder dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderFor {
    Restore,
    Wizard(wizard::FolderFor),
    Viewer,
}

#[derive(Debug, Clone)]
pub enum Message {
    Welcome(welcome::Message),
    Dashboard(dashboard::Message),
    Browser(browser::Message),
    Wizard(wizard::Message),
    Viewer(viewer::Message),
    Managed(managed::Message),
    Settings(settings::Message),
    /// Time to look whether the configuration file changed on disk.
    WatchConfig,
    Job(Ticket, JobEvent),
    /// Job `ticket` was worked out (`Effect::Plan`): it starts, or it could not.
    Planned(Ticket, Result<Box<JobSpec>, ErrorInfo>),
    External(External),
    Daemon(scheduler::DaemonMessage),
    WindowOpened(window::Id),
    WindowCloseRequested(window::Id),
    /// The per-user scheduler service was changed (or looked at): how it went, and
    /// its state now.
    ServiceChanged(Result<(), String>, crate::schedule::service::UserService),
    WindowClosed(window::Id),
    /// The desktop's light or dark preference (at start and when it changes).
    Appearance(iced::theme::Mode),
    Tick,
}

/// Something the app needs done outside its state.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Work out job `ticket` (its password from the keyring or a command, which may
    /// take a while or ask the user) off the window's thread; `Message::Planned`
    /// answers.
    Plan(Ticket, Box<Planning>),
    Run(Ticket, Box<JobSpec>),
    Cancel(Ticket),
    /// Start a browsing session; `Request` asks it, `CloseSession` ends it.
    OpenSession(Ticket, Box<JobSpec>),
    Request(Ticket, BrowseRequest),
    CloseSession(Ticket),
    /// Open a file with the desktop's default application.
    OpenPath(PathBuf),
    /// Ask for a folder (the desktop's dialog), starting at this one; the answer
    /// comes back as `App::folder_chosen`.
    PickFolder(FolderFor, PathBuf),
    /// Count the files and bytes the setup wizard's choice holds (`Wizard(Estimated)` answers).
    Estimate(Vec<PathBuf>, Vec<config::setup::ExcludePreset>),
    /// Ask the scheduler (the daemon) something; its answer comes back as a message.
    AskDaemon(Request),
    /// Enrol with a fleet server (`Managed(Enrolled)` answers).
    Enrol {
        servers: Vec<String>,
        token: String,
    },
    Copy(String),
    Notify(Notice),
    OpenWindow,
    CloseWindow(window::Id),
    Quit,
    /// Ask whether the OS keyring can keep a password (a test entry written, read and
    /// removed); `Wizard(KeyringChecked)` answers.
    CheckKeyring,
    /// Install (`Some(true)`) or remove the per-user scheduler service for this
    /// configuration, or only look at it (`None`); `ServiceChanged` answers.
    Service(ServiceChange),
}

/// A job to work out: `kind` on repository `repo` of `config`.
#[derive(Debug, Clone)]
pub struct Planning {
    pub config: Config,
    pub repo: String,
    pub kind: JobKind,
}

impl Planning {
    /// The job, or why it cannot start (blocking: keyring, password command).
    pub fn plan(self) -> Result<JobSpec, ErrorInfo> {
        plan::job(&self.config, &self.repo, self.kind).map_err(|e| ErrorInfo::from(&e))
    }
}

/// What `Effect::Service` asks.
#[derive(Debug, Clone)]
pub struct ServiceChange {
    /// Install (`Some(true)`), remove (`Some(false)`), or only look (`None`).
    pub on: Option<bool>,
    /// The configuration the service runs.
    pub config: PathBuf,
    /// The command-line program it runs (`None`: the one beside this executable).
    pub cli: Option<PathBuf>,
}

/// Does what `Effect::Service` asks (it runs systemctl: off the window's thread).
pub fn change_service(change: &ServiceChange) -> Message {
    use crate::schedule::service::{self, Scope};
    let cli = change.cli.clone().or_else(|| {
        std::env::current_exe()
            .ok()
            .map(|exe| exe.with_file_name(crate::customization::CLI_NAME))
    });
    let done = match change.on {
        None => Ok(()),
        Some(true) => match cli.filter(|c| c.exists()) {
            Some(cli) => {
                let was = service::user_service() != service::UserService::Off;
                service::install(Scope::User, &cli, &change.config, true)
                    .map(|_| ())
                    .map_err(|e| {
                        // a switch that could not turn on stays off: no unit left behind
                        if !was {
                            let _ = service::uninstall(Scope::User);
                        }
                        e.to_string()
                    })
            }
            None => Err(crate::t!(
                "service-no-cli",
                program = crate::customization::CLI_NAME
            )),
        },
        Some(false) => service::uninstall(Scope::User)
            .map(|_| ())
            .map_err(|e| e.to_string()),
    };
    Message::ServiceChanged(done, service::user_service())
}

/// Re-read every snapshot list this often (backups made elsewhere, by the
/// scheduler or the CLI, show up without a click).
const RELIST_EVERY: Duration = Duration::from_secs(15 * 60);
const TICK: Duration = Duration::from_secs(30);
/// How often the configuration file is looked at for changes made elsewhere.
const WATCH_CONFIG: Duration = Duration::from_secs(2);

pub struct App {
    launch: Launch,
    /// The repositories, their jobs and results (shown by `Screen::Dashboard`; the
    /// tray and the notifications read it whatever is shown).
    dashboard: Dashboard,
    /// What the window shows.
    screen: Screen,
    /// The repository whose first backup starts once its creation succeeds.
    first_backup: Option<String>,
    /// The repository the viewer opened: an in-memory configuration, read-only.
    viewer_config: Option<Config>,
    /// The configuration file shown (not the viewer's): the scheduler service's.
    config_file: Option<PathBuf>,
    /// The configuration file as last read (path, modification time, size).
    config_watch: ConfigWatch,
    config: Option<Config>,
    jobs: HashMap<Ticket, (String, Purpose)>,
    next_ticket: Ticket,
    window: Option<window::Id>,
    tray: Option<Tray>,
    notifier: Notifier,
    runner: Runner,
    too_old_notified: HashSet<String>,
    last_listed: Timestamp,
    quitting: bool,
    /// The browser's mount, while there is one.
    mount: Option<Mounted>,
    /// Jobs being worked out (their passwords read) before they start.
    planning: HashSet<Ticket>,
    /// The browser's questions asked while its session was being worked out, asked
    /// once it is open.
    held_requests: HashMap<Ticket, Vec<BrowseRequest>>,
    /// The scheduler: the daemon, or the schedule the app runs itself.
    scheduler: SchedulerLink,
    /// What the desktop prefers, light or dark.
    desktop_appearance: theme::Appearance,
}

impl App {
    /// The app and what it must do first (read the snapshot lists).
    pub fn new(launch: Launch) -> (App, Vec<Effect>) {
        let scheduler =
            SchedulerLink::new(launch.daemon_socket.clone(), launch.schedule_state.clone());
        let mut app = App {
            notifier: Notifier::new(launch.notifications),
            runner: Runner::new(launch.job_program.clone()),
            launch,
            dashboard: Dashboard::new(Vec::new(), Timestamp::now()),
            screen: Screen::Dashboard,
            first_backup: None,
            viewer_config: None,
            config_file: None,
            config_watch: ConfigWatch::default(),
            config: None,
            jobs: HashMap::new(),
            next_ticket: 1,
            window: None,
            tray: None,
            too_old_notified: HashSet::new(),
            last_listed: Timestamp::now(),
            quitting: false,
            mount: None,
            planning: HashSet::new(),
            held_requests: HashMap::new(),
            scheduler,
            desktop_appearance: theme::Appearance::Light,
        };
        let effects = if app.launch.viewer {
            app.screen = Screen::Viewer(Box::new(Viewer::new(app.folder_dialog())));
            Vec::new()
        } else {
            app.load_config()
        };
        if app.launch.tray {
            let names: Vec<String> = app.dashboard.repos.iter().map(|r| r.name.clone()).collect();
            app.tray = Tray::start(&names);
        }
        app.refresh_tray();
        (app, effects)
    }

    /// iced's boot: the app, its first jobs, and its window (unless started hidden in a tray).
    pub fn boot(launch: Launch) -> (App, Task<Message>) {
        let (mut app, mut effects) = App::new(launch);
        if !app.launch.hidden || app.tray.is_none() {
            effects.push(Effect::OpenWindow);
        }
        let task = Task::batch([
            app.perform(effects),
            iced::system::theme().map(Message::Appearance),
        ]);
        (app, task)
    }

    /// (Re)reads the configuration and lists every repository's snapshots.
    fn load_config(&mut self) -> Vec<Effect> {
        self.config_file = None;
        self.read_config();
        self.scheduler.forget_schedule();
        let names = self.dashboard.repo_names();
        let mut effects: Vec<Effect> = names.iter().flat_map(|n| self.list(n)).collect();
        // the switch for the per-user scheduler service (systemd's), once looked at
        match &self.config_file {
            Some(path) if cfg!(target_os = "linux") && self.viewer_config.is_none() => {
                if self.dashboard.service.is_none() {
                    self.dashboard.service = Some(dashboard::ServiceSwitch {
                        state: crate::schedule::service::UserService::Off,
                        busy: true,
                        failed: None,
                    });
                    effects.push(Effect::Service(ServiceChange {
                        on: None,
                        config: path.clone(),
                        cli: self.launch.cli_program.clone(),
                    }));
                }
            }
            _ => self.dashboard.service = None,
        }
        effects
    }

    /// Whether to offer the desktop's folder dialog.
    fn folder_dialog(&self) -> bool {
        self.launch
            .folder_dialog
            .unwrap_or_else(external::folder_dialog_available)
    }

    /// Reads the configuration: the repositories, or why there are none to show.
    fn read_config(&mut self) {
        if matches!(self.screen, Screen::Welcome(_)) {
            self.screen = Screen::Dashboard;
        }
        if let Some(config) = self.viewer_config.clone() {
            self.show_config(config);
            return;
        }
        let path = config::find_config(self.launch.config.as_deref())
            .or_else(config::user_config_path)
            .filter(|p| p.exists());
        let Some(path) = path else {
            let config = self
                .launch
                .config
                .clone()
                .or_else(config::user_config_path)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let repository = if crate::customization::DEFAULT_REPOSITORY_URI.is_empty() {
                config::default_repository_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            } else {
                crate::customization::DEFAULT_REPOSITORY_URI.to_string()
            };
            self.welcome(Setup::NoConfig {
                config,
                repository,
                paths: config::default_paths()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect(),
            });
            return;
        };
        self.config_watch.read(&path);
        let config = match Config::load(&path) {
            Ok(c) => c,
            Err(e) => {
                self.welcome(Setup::Invalid {
                    errors: e.to_string(),
                });
                return;
            }
        };
        self.show_config(config);
        self.config_file = Some(path);
    }

    /// Nothing to show yet, and why: the welcome screen (unless a screen of its own
    /// is open over it, a wizard or a viewer), in the system's language.
    fn welcome(&mut self, setup: Setup) {
        self.choose_language(None);
        self.config = None;
        self.dashboard.clear();
        if matches!(self.screen, Screen::Dashboard | Screen::Welcome(_)) {
            self.screen = Screen::Welcome(Welcome(setup));
        }
    }

    /// Chooses the language: the launch's, else `$NPBACKUP_LOCALE`, the configuration's,
    /// the system's.
    fn choose_language(&self, config: Option<&Config>) {
        let lang = self.launch.language.unwrap_or_else(|| {
            crate::i18n::choose(
                config
                    .and_then(|c| c.desktop().language)
                    .map(config::schema::Language::code),
            )
        });
        crate::i18n::set(lang);
    }

    /// Shows the repositories of `config`.
    fn show_config(&mut self, config: Config) {
        self.choose_language(Some(&config));
        let previous = self.dashboard.current().map(|r| r.name.clone());
        let panels = config
            .repo_names()
            .into_iter()
            .filter_map(|name| Some(RepoPanel::of(&config.repo(&name).ok()?)))
            .collect();
        let can_configure = config.manager_password_hash().is_none()
            && config.repo_names().iter().all(|n| {
                config
                    .repo(n)
                    .is_ok_and(|rc| rc.permissions == config::permissions::Permission::Full)
            });
        // the one shown before, else the one a user would pick first: "default", else the first
        self.dashboard.show_repositories(
            panels,
            &[previous, config.default_repo_name().ok()],
            self.viewer_config.is_none(),
            can_configure,
        );
        self.config = Some(config);
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        let effects = self.apply(message);
        self.perform(effects)
    }

    /// Applies `message`; returns what must be done outside the app's state.
    pub fn apply(&mut self, message: Message) -> Vec<Effect> {
        // the schedule lines change with the daemon, the clock, a pause from the tray, a
        // job's end or a reload; not with each progress event or key press
        let schedule_may_change = matches!(
            message,
            Message::Welcome(_)
                | Message::Daemon(_)
                | Message::Tick
                | Message::Settings(_)
                | Message::WatchConfig
                | Message::Wizard(_)
                | Message::Viewer(_)
                | Message::Managed(_)
                | Message::External(_)
                | Message::Job(_, JobEvent::Finished(_))
                | Message::Dashboard(dashboard::Message::Refresh)
        );
        let effects = match message {
            Message::Welcome(m) => match m {
                welcome::Message::SetUp => self.set_up_default(),
                welcome::Message::Wizard => self.open_wizard(),
                welcome::Message::Viewer => {
                    let viewer = Viewer::new(self.folder_dialog());
                    self.show(Screen::Viewer(Box::new(viewer)))
                }
                welcome::Message::Managed => self.show(Screen::Managed(Box::default())),
                welcome::Message::Reload => self.load_config(),
                welcome::Message::Quit => self.quit(),
            },
            Message::Dashboard(m) => match self.dashboard.update(m) {
                None => Vec::new(),
                Some(event) => self.on_event(event),
            },
            Message::Browser(m) => {
                let events = match self.screen.browser_mut() {
                    Some(b) => b.update(m),
                    None => Vec::new(),
                };
                events
                    .into_iter()
                    .flat_map(|e| self.on_browser_event(e))
                    .collect()
            }
            Message::Wizard(m) => {
                let events = match self.screen.wizard_mut() {
                    Some(w) => w.update(m),
                    None => Vec::new(),
                };
                events
                    .into_iter()
                    .flat_map(|e| self.on_wizard_event(e))
                    .collect()
            }
            Message::Viewer(m) => {
                let events = match self.screen.viewer_mut() {
                    Some(v) => v.update(m),
                    None => Vec::new(),
                };
                events
                    .into_iter()
                    .flat_map(|e| self.on_viewer_event(e))
                    .collect()
            }
            Message::Managed(m) => {
                let events = match &mut self.screen {
                    Screen::Managed(m_) => m_.update(m),
                    _ => Vec::new(),
                };
                events
                    .into_iter()
                    .flat_map(|e| match e {
                        managed::Event::Enrol { servers, token } => {
                            vec![Effect::Enrol { servers, token }]
                        }
                        // the organisation's configuration is in place: show it
                        managed::Event::Configured => {
                            self.screen = Screen::Dashboard;
                            self.load_config()
                        }
                        managed::Event::Cancel => self.load_config(),
                    })
                    .collect()
            }
            Message::Settings(m) => {
                let events = match self.screen.settings_mut() {
                    Some(s) => s.update(m),
                    None => Vec::new(),
                };
                let mut effects = Vec::new();
                for e in events {
                    match e {
                        settings::Event::Saved => effects.extend(self.load_config()),
                        settings::Event::Close => effects.extend(self.leave_screen()),
                    }
                }
                effects
            }
            Message::WatchConfig => self.watch_config(),
            Message::Job(ticket, event) => self.on_job_event(ticket, event),
            Message::Planned(ticket, planned) => self.on_planned(ticket, planned),
            Message::External(e) => self.on_external(e),
            Message::Daemon(m) => self.on_daemon(m),
            Message::WindowOpened(id) => {
                self.window = Some(id);
                Vec::new()
            }
            Message::WindowCloseRequested(id) => {
                if self.tray.is_some() {
                    // the app lives on in the tray
                    vec![Effect::CloseWindow(id)]
                } else {
                    // without a tray nothing could bring the window back
                    self.quit()
                }
            }
            Message::ServiceChanged(done, state) => {
                self.dashboard.service = Some(dashboard::ServiceSwitch {
                    state,
                    busy: false,
                    failed: done
                        .err()
                        .map(|why| crate::t!("service-failed", why = why.as_str())),
                });
                Vec::new()
            }
            Message::WindowClosed(id) => {
                if self.window == Some(id) {
                    self.window = None;
                }
                Vec::new()
            }
            Message::Tick => self.tick(Timestamp::now()),
            Message::Appearance(mode) => {
                self.desktop_appearance = theme::Appearance::from_mode(mode);
                Vec::new()
            }
        };
        if schedule_may_change {
            self.refresh_schedule_lines();
        }
        self.refresh_tray();
        effects
    }

    fn on_event(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::KeepBackingUp(on) => match &self.config_file {
                Some(path) => vec![Effect::Service(ServiceChange {
                    on: Some(on),
                    config: path.clone(),
                    cli: self.launch.cli_program.clone(),
                })],
                None => Vec::new(),
            },
            Event::Start { repo, action, ids } => self.start(&repo, action, ids),
            Event::Cancel(ticket) => match self.jobs.get(&ticket) {
                // the daemon's job is cancelled by the daemon
                Some((repo, Purpose::Daemon(_))) => {
                    vec![Effect::AskDaemon(Request::Cancel { repo: repo.clone() })]
                }
                _ => self.cancel(ticket),
            },
            Event::Refresh(repo) => self.list(&repo),
            Event::Copy(text) => vec![Effect::Copy(text)],
            Event::Wizard => self.open_wizard(),
            Event::Settings => {
                if let Some(config) = &self.config {
                    match Settings::open(config, self.dashboard.current().map(|r| r.name.clone())) {
                        Ok(s) => return self.show(Screen::Settings(Box::new(s))),
                        Err(e) => {
                            return vec![Effect::Notify(Notice {
                                level: Level::Error,
                                summary: t!("notice-settings-unavailable"),
                                body: e,
                            })];
                        }
                    }
                }
                Vec::new()
            }
            Event::Browse { repo, snapshot } => self.browse(&repo, snapshot),
        }
    }

    /// Opens the browser on `snapshot` of `repo`, with a session of its own.
    fn browse(&mut self, repo: &str, snapshot: String) -> Vec<Effect> {
        if self.config.is_none() {
            return Vec::new();
        }
        let snapshots: Vec<SnapshotInfo> = self
            .dashboard
            .repo(repo)
            .map(|r| {
                let mut v: Vec<SnapshotInfo> = r.table.rows().cloned().collect();
                v.sort_by(|a, b| a.time.cmp(&b.time));
                v
            })
            .unwrap_or_default();
        let ticket = self.ticket();
        let (b, first) = Browser::new(
            repo.to_string(),
            &snapshots,
            snapshot,
            restore_folder(),
            self.folder_dialog(),
        );
        let mut effects = self.show(Screen::Browser {
            browser: Box::new(b),
            session: ticket,
        });
        effects.extend(self.start_planned(ticket, repo, Purpose::Session, JobKind::Browse));
        for e in first {
            effects.extend(self.on_browser_event(e));
        }
        effects
    }

    /// Shows `screen` instead of the one showing; a browser left closes its session
    /// and unmounts what it mounted.
    fn show(&mut self, screen: Screen) -> Vec<Effect> {
        match std::mem::replace(&mut self.screen, screen) {
            Screen::Browser { session, .. } => {
                // a session still being worked out never opens
                let mut effects = if self.planning.contains(&session) {
                    self.held_requests.remove(&session);
                    self.cancel(session)
                } else {
                    vec![Effect::CloseSession(session)]
                };
                if let Some(m) = self.mount.take() {
                    effects.extend(self.cancel(m.ticket));
                }
                effects
            }
            _ => Vec::new(),
        }
    }

    /// Opens folder `path` of `snapshot` in the file manager, mounting `repo` first
    /// unless it is mounted already.
    fn open_in_file_manager(&mut self, repo: &str, snapshot: &str, path: &str) -> Vec<Effect> {
        let short: String = snapshot.chars().take(8).collect();
        let inside = |at: &std::path::Path| {
            at.join("ids")
                .join(&short)
                .join(path.trim_start_matches('/'))
        };
        let mut effects = Vec::new();
        match &mut self.mount {
            Some(m) if m.repo == repo => {
                let target = inside(&m.at);
                if m.ready {
                    return vec![Effect::OpenPath(target)];
                }
                m.open = Some(target);
                return Vec::new();
            }
            Some(_) => {
                if let Some(m) = self.mount.take() {
                    effects.extend(self.cancel(m.ticket));
                }
            }
            None => {}
        }
        let failed = |app: &mut App, why: String| {
            if let Some(b) = app.screen.browser_mut() {
                b.on_mount(Err(why));
            }
        };
        if let Err(why) = crate::engine::mount::available() {
            failed(self, why);
            return effects;
        }
        let ticket = self.ticket();
        let at = mount_dir(repo, ticket);
        if let Err(e) = npbackup_common::fsutil::create_private_dir(&at) {
            failed(self, format!("{}: {e}", at.display()));
            return effects;
        }
        let kind = JobKind::Mount(crate::engine::mount::MountRequest {
            mountpoint: at.clone(),
            filter: Default::default(),
        });
        let planned = self.start_planned(ticket, repo, Purpose::Mount, kind);
        if !planned.is_empty() {
            self.mount = Some(Mounted {
                ticket,
                repo: repo.to_string(),
                open: Some(inside(&at)),
                at,
                ready: false,
            });
        }
        effects.extend(planned);
        effects
    }

    /// The mount job `ticket` of `repo` told something.
    fn on_mount_event(&mut self, ticket: Ticket, repo: &str, event: JobEvent) -> Vec<Effect> {
        let current = self.mount.as_ref().is_some_and(|m| m.ticket == ticket);
        match event {
            JobEvent::Progress(p) if p.phase == crate::engine::mount::MOUNTED_PHASE && current => {
                if let Some(b) = self.screen.browser_mut() {
                    b.on_mount(Ok(()));
                }
                self.mount.as_mut().and_then(|m| {
                    m.ready = true;
                    m.open.take().map(Effect::OpenPath)
                })
            }
            .into_iter()
            .collect(),
            JobEvent::Finished(f) => {
                // the folder it was mounted on goes with it (empty again by now)
                let _ = std::fs::remove_dir(mount_dir(repo, ticket));
                if current {
                    self.mount = None;
                    if let Some(b) = self.screen.browser_mut() {
                        b.on_mount(match f.error {
                            Some(e) if !f.cancelled => Err(e.message),
                            _ => Ok(()),
                        });
                        if b.mounting == browser::Mounting::Ready {
                            b.mounting = browser::Mounting::Off;
                        }
                    }
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Leaves a screen of its own (settings, the browser, a wizard, a viewer): back
    /// to the dashboard or, with no configuration to show, to what the file says
    /// now (the welcome screen, or its errors, or its repositories if it appeared
    /// meanwhile).
    fn leave_screen(&mut self) -> Vec<Effect> {
        let mut effects = self.show(Screen::Dashboard);
        if self.config.is_none() {
            effects.extend(self.load_config());
        }
        effects
    }

    fn on_browser_event(&mut self, event: browser::Event) -> Vec<Effect> {
        let Screen::Browser { browser, session } = &self.screen else {
            return Vec::new();
        };
        let (repo, session) = (browser.repo.clone(), *session);
        match event {
            browser::Event::Request(r) if self.planning.contains(&session) => {
                self.held_requests.entry(session).or_default().push(r);
                Vec::new()
            }
            browser::Event::Request(r) => vec![Effect::Request(session, r)],
            browser::Event::ChooseFolder { start } => {
                vec![Effect::PickFolder(FolderFor::Restore, start)]
            }
            browser::Event::Close => self.leave_screen(),
            browser::Event::OpenInFileManager { snapshot, path } => {
                self.open_in_file_manager(&repo, &snapshot, &path)
            }
            browser::Event::Restore { snapshot, request } => {
                let review = request.dry_run;
                let kind = JobKind::Restore { snapshot, request };
                if review {
                    self.start_background(&repo, Purpose::Review, kind)
                } else {
                    self.start_kind(&repo, Action::Restore, Ok(kind))
                }
            }
            browser::Event::Preview { snapshot, path } => {
                let name = std::path::Path::new(&path)
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_else(|| "file".into());
                let to = preview_dir()
                    .join(snapshot.chars().take(8).collect::<String>())
                    .join(name);
                self.start_background(
                    &repo,
                    Purpose::Preview,
                    JobKind::Dump {
                        snapshot,
                        path,
                        to: Some(to),
                    },
                )
            }
        }
    }

    /// Starts a job of the window with no progress panel (its answer goes to the browser).
    fn start_background(&mut self, repo: &str, purpose: Purpose, kind: JobKind) -> Vec<Effect> {
        let ticket = self.ticket();
        self.start_planned(ticket, repo, purpose, kind)
    }

    /// Registers job `ticket` for `purpose` and has it worked out off the window's
    /// thread (`on_planned` starts it, or ends it as a job that could not start).
    fn start_planned(
        &mut self,
        ticket: Ticket,
        repo: &str,
        purpose: Purpose,
        kind: JobKind,
    ) -> Vec<Effect> {
        let Some(config) = &self.config else {
            return Vec::new();
        };
        let planning = Planning {
            config: config.clone(),
            repo: repo.to_string(),
            kind,
        };
        self.jobs.insert(ticket, (repo.to_string(), purpose));
        self.planning.insert(ticket);
        vec![Effect::Plan(ticket, Box::new(planning))]
    }

    /// Job `ticket` was worked out: it starts, or it ends as one that could not start
    /// (each purpose shows that as it shows a failed job).
    fn on_planned(
        &mut self,
        ticket: Ticket,
        planned: Result<Box<JobSpec>, ErrorInfo>,
    ) -> Vec<Effect> {
        // cancelled (or the app quit) meanwhile
        if !self.planning.remove(&ticket) {
            return Vec::new();
        }
        // the browser's questions wait for its session only
        let held = self.held_requests.remove(&ticket).unwrap_or_default();
        match (planned, self.jobs.get(&ticket)) {
            (Ok(spec), Some((_, Purpose::Session))) => {
                let mut effects = vec![Effect::OpenSession(ticket, spec)];
                effects.extend(held.into_iter().map(|r| Effect::Request(ticket, r)));
                effects
            }
            (Ok(spec), Some(_)) => vec![Effect::Run(ticket, spec)],
            (Ok(_), None) => Vec::new(),
            (Err(info), _) => {
                self.on_job_event(ticket, JobEvent::Finished(not_started_because(info)))
            }
        }
    }

    /// Cancels job `ticket`: one still being worked out ends at once, as cancelled.
    fn cancel(&mut self, ticket: Ticket) -> Vec<Effect> {
        if !self.planning.remove(&ticket) {
            return vec![Effect::Cancel(ticket)];
        }
        let mut finished = not_started_because(ErrorInfo {
            kind: "cancelled".into(),
            message: t!("job-not-started-cancelled"),
            exit_code: 130,
        });
        finished.cancelled = true;
        self.on_job_event(ticket, JobEvent::Finished(finished))
    }

    fn on_external(&mut self, e: External) -> Vec<Effect> {
        match e {
            External::Open => vec![Effect::OpenWindow],
            External::Quit => self.quit(),
            External::BackUpNow(Some(repo)) => self.start(&repo, Action::Backup, Vec::new()),
            External::Pause(until) => self.pause(until),
            External::BackUpNow(None) => {
                let idle: Vec<String> = self
                    .dashboard
                    .repos
                    .iter()
                    .filter(|r| r.job.is_none())
                    .map(|r| r.name.clone())
                    .collect();
                idle.iter()
                    .flat_map(|r| self.start(r, Action::Backup, Vec::new()))
                    .collect()
            }
        }
    }

    /// Cancels what runs (cleanly: the jobs remove their locks), then ends.
    fn quit(&mut self) -> Vec<Effect> {
        // the scheduler's jobs are the scheduler's: they go on without the window
        self.jobs
            .retain(|_, (_, purpose)| !matches!(purpose, Purpose::Daemon(_)));
        self.scheduler.forget_daemon_jobs();
        if self.jobs.is_empty() {
            return vec![Effect::Quit];
        }
        self.quitting = true;
        // a job still being worked out never started: it is dropped, not waited for
        for t in std::mem::take(&mut self.planning) {
            self.jobs.remove(&t);
        }
        if self.jobs.is_empty() {
            return vec![Effect::Quit];
        }
        self.jobs.keys().map(|t| Effect::Cancel(*t)).collect()
    }

    /// Moves "now" on, judges the ages again, and re-reads the lists now and then.
    pub fn tick(&mut self, now: Timestamp) -> Vec<Effect> {
        // quitting: nothing new starts (the app waits for what runs)
        if self.quitting {
            return Vec::new();
        }
        self.dashboard.tick(now);
        let mut effects = Vec::new();
        let names = self.dashboard.repo_names();
        for name in &names {
            effects.extend(self.notify_if_too_old(name));
        }
        if crate::humanize::age(self.last_listed, now) >= RELIST_EVERY {
            self.last_listed = now;
            for name in &names {
                effects.extend(self.list(name));
            }
        }
        if self.scheduler.connected() {
            effects.push(Effect::AskDaemon(Request::Status));
        }
        if self.scheduler.runs_here(self.config.as_ref()) {
            effects.extend(self.run_schedule(now));
        }
        effects
    }

    /// Without a scheduler: starts the tasks due at `now` as the app's own jobs.
    pub fn run_schedule(&mut self, now: Timestamp) -> Vec<Effect> {
        let dashboard = &self.dashboard;
        let due = self.scheduler.due(self.config.as_ref(), now, |repo| {
            dashboard.repo(repo).is_some_and(|r| r.job.is_none())
        });
        let mut effects = Vec::new();
        for task in due {
            let action = scheduler::action_of(task.kind);
            effects.extend(self.start(&task.repo, action, Vec::new()));
            let ticket = self
                .dashboard
                .repo(&task.repo)
                .and_then(|r| r.job.as_ref())
                .map(|job| job.ticket);
            self.scheduler.started(&task, ticket, now);
        }
        effects
    }

    /// Holds scheduled runs until `until` (`None`: resumes them): the daemon's, or
    /// the app's own when no daemon runs.
    fn pause(&mut self, until: Option<Timestamp>) -> Vec<Effect> {
        self.scheduler
            .pause(self.config.as_ref(), until)
            .map(Effect::AskDaemon)
            .into_iter()
            .collect()
    }

    fn on_daemon(&mut self, m: DaemonMessage) -> Vec<Effect> {
        match m {
            DaemonMessage::Connected => {
                self.scheduler.on_connected();
                vec![Effect::AskDaemon(Request::Status)]
            }
            DaemonMessage::Absent => {
                self.scheduler.on_absent();
                self.run_schedule(Timestamp::now())
            }
            DaemonMessage::Disconnected => {
                let gone = self.scheduler.on_disconnected(self.config.as_ref());
                gone.into_iter()
                    .flat_map(|ticket| {
                        let f = not_started(&Error::Unreachable(
                            "the scheduler stopped while this ran".into(),
                        ));
                        self.on_job_event(ticket, JobEvent::Finished(f))
                    })
                    .collect()
            }
            DaemonMessage::Status(status) => {
                self.scheduler.on_status(status.map(|s| *s));
                Vec::new()
            }
            DaemonMessage::Reply(Ok(_)) => Vec::new(),
            DaemonMessage::Reply(Err(e)) => vec![Effect::Notify(Notice {
                level: Level::Error,
                summary: t!("notice-scheduler-refused"),
                body: e,
            })],
            DaemonMessage::Event(event) => self.on_daemon_event(*event),
        }
    }

    fn on_daemon_event(&mut self, event: DaemonEvent) -> Vec<Effect> {
        // a scheduler of another configuration file: its jobs are not this window's
        if !self.scheduler.shows_daemon_events(self.config.as_ref()) {
            return Vec::new();
        }
        match event {
            DaemonEvent::Started { repo, task, .. } => {
                let action = scheduler::action_of(task);
                let ticket = self.ticket();
                self.jobs
                    .insert(ticket, (repo.clone(), Purpose::Daemon(action)));
                self.scheduler.daemon_job_started(&repo, ticket);
                if self.dashboard.repo(&repo).is_some_and(|r| r.job.is_none()) {
                    self.dashboard.job_started(&repo, ticket, action);
                }
                Vec::new()
            }
            DaemonEvent::Job { repo, event, .. } => {
                let ended = matches!(*event, JobEvent::Finished(_));
                let Some(ticket) = self.scheduler.daemon_job(&repo, ended) else {
                    return Vec::new();
                };
                self.on_job_event(ticket, *event)
            }
            DaemonEvent::Ended {
                repo, ok, result, ..
            } => {
                // a run that ended without a job (skipped, or it could not start)
                let mut effects = Vec::new();
                if let Some(ticket) = self.scheduler.daemon_job(&repo, true) {
                    let f = Finished {
                        ok,
                        cancelled: false,
                        schema: crate::jobs::SCHEMA,
                        result: None,
                        error: (!ok).then(|| ErrorInfo {
                            kind: "failed".into(),
                            message: result.clone(),
                            exit_code: 8,
                        }),
                        warnings: if ok { vec![result] } else { Vec::new() },
                        duration_seconds: 0.0,
                    };
                    effects = self.on_job_event(ticket, JobEvent::Finished(f));
                }
                effects.push(Effect::AskDaemon(Request::Status));
                effects
            }
            DaemonEvent::Waiting { .. }
            | DaemonEvent::Paused { .. }
            | DaemonEvent::Reloaded { .. } => vec![Effect::AskDaemon(Request::Status)],
        }
    }

    /// Each repository's line about its schedule, from the daemon or the app's own.
    fn refresh_schedule_lines(&mut self) {
        for name in self.dashboard.repo_names() {
            let line = self.scheduler.line(self.config.as_ref(), &name);
            self.dashboard.set_schedule(&name, line);
        }
    }

    fn ticket(&mut self) -> Ticket {
        let t = self.next_ticket;
        self.next_ticket += 1;
        t
    }

    /// Starts reading `repo`'s snapshot list (unless it is being read).
    fn list(&mut self, repo: &str) -> Vec<Effect> {
        if self.config.is_none() || !self.dashboard.listing(repo) {
            return Vec::new();
        }
        let ticket = self.ticket();
        self.start_planned(
            ticket,
            repo,
            Purpose::List,
            JobKind::Snapshots {
                filter: Default::default(),
                summaries: false,
            },
        )
    }

    /// Starts `action` on `repo`, unless a job of the window runs there already.
    fn start(&mut self, repo: &str, action: Action, ids: Vec<String>) -> Vec<Effect> {
        // what is not offered cannot be asked for another way (the tray, a stale click)
        if let Some(panel) = self.dashboard.repo(repo)
            && !panel.permissions.allows(action.op())
        {
            let why = panel
                .permissions
                .check(repo, action.op())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            return vec![Effect::Notify(Notice {
                level: Level::Error,
                summary: t!("notice-not-allowed", noun = action.noun()),
                body: why,
            })];
        }
        // with a scheduler running this file, what it can run, it runs (and the window shows it)
        if self.scheduler.serves(self.config.as_ref())
            && let Some(task) = scheduler::task_of(action)
        {
            if self.dashboard.repo(repo).is_some_and(|r| r.job.is_some()) {
                return Vec::new();
            }
            return vec![Effect::AskDaemon(Request::RunNow {
                repo: repo.to_string(),
                task,
            })];
        }
        let Some(config) = &self.config else {
            return Vec::new();
        };
        let kind = config.repo(repo).and_then(|rc| {
            Ok(match action {
                Action::Backup => plan::backup_job(config, &rc)?,
                Action::Forget => plan::forget_ids(ids),
                Action::Check => plan::Maintenance::Check.job(&rc)?,
                Action::Housekeeping => plan::Maintenance::Housekeeping.job(&rc)?,
                Action::Prune => plan::Maintenance::Prune.job(&rc)?,
                Action::Unlock => plan::Maintenance::Unlock.job(&rc)?,
                Action::Init => JobKind::Init {
                    compression: rc.repo.compression.unwrap_or(Compression::Auto),
                    chunker_from: None,
                },
                Action::TestEmail => JobKind::TestEmail { to: Vec::new() },
                Action::Restore => {
                    return Err(Error::Usage("a restore starts from the browser".into()));
                }
            })
        });
        self.start_kind(repo, action, kind)
    }

    /// Starts job `kind` as `action` on `repo` (progress panel, result, notification).
    fn start_kind(
        &mut self,
        repo: &str,
        action: Action,
        kind: crate::error::Result<JobKind>,
    ) -> Vec<Effect> {
        let Some(config) = &self.config else {
            return Vec::new();
        };
        if self.dashboard.repo(repo).is_some_and(|r| r.job.is_some()) {
            return Vec::new();
        }
        let waits_for = config.repo(repo).ok().and_then(|rc| match rc.password {
            config::PasswordSource::Keyring(_) => Some(t!("job-waiting-for-keyring")),
            config::PasswordSource::Command(_) => Some(t!("job-waiting-for-password-command")),
            _ => None,
        });
        let ticket = self.ticket();
        self.dashboard.job_started(repo, ticket, action);
        match kind {
            Ok(kind) => {
                // what the panel shows until the job's own progress comes
                if let Some(phase) = waits_for {
                    self.dashboard.job_event(
                        repo,
                        JobEvent::Progress(crate::jobs::Progress {
                            phase,
                            ..Default::default()
                        }),
                    );
                }
                self.start_planned(ticket, repo, Purpose::Foreground(action), kind)
            }
            // it could not even start: the same result panel as a failed job
            Err(e) => {
                let finished = not_started(&e);
                let record = self.dashboard.job_event(repo, JobEvent::Finished(finished));
                record
                    .map(|r| self.notify_finished(repo, &r))
                    .unwrap_or_default()
            }
        }
    }

    fn on_job_event(&mut self, ticket: Ticket, event: JobEvent) -> Vec<Effect> {
        let Some((repo, purpose)) = self.jobs.get(&ticket).cloned() else {
            return Vec::new();
        };
        let finished = matches!(event, JobEvent::Finished(_));
        if finished {
            self.jobs.remove(&ticket);
            if let JobEvent::Finished(f) = &event {
                self.scheduler.finished(ticket, f);
            }
        }
        let mut effects = match purpose {
            Purpose::List => match event {
                JobEvent::Finished(f) => {
                    self.listed(&repo, &f);
                    self.notify_if_too_old(&repo)
                }
                _ => Vec::new(),
            },
            Purpose::Session => {
                if let Some(b) = self.screen.browser_of(ticket) {
                    match event {
                        JobEvent::Reply {
                            id,
                            done,
                            result,
                            error,
                        } => b.on_reply(id, done, result, error),
                        JobEvent::Finished(f) => {
                            b.on_session_end(f.error.map(|e| e.message));
                        }
                        _ => {}
                    }
                }
                Vec::new()
            }
            Purpose::Mount => self.on_mount_event(ticket, &repo, event),
            Purpose::Review => {
                if let JobEvent::Finished(f) = event
                    && let Some(b) = self.screen.browser_mut()
                {
                    b.on_review(review_of(&f));
                }
                Vec::new()
            }
            Purpose::Preview => match event {
                JobEvent::Finished(f) if f.ok => f
                    .into_summary::<DumpReport>()
                    .and_then(|d| d.path)
                    .map(|p| vec![Effect::OpenPath(p)])
                    .unwrap_or_default(),
                JobEvent::Finished(f) => vec![Effect::Notify(Notice {
                    level: Level::Error,
                    summary: t!("notice-file-cannot-open"),
                    body: f.error.map(|e| e.message).unwrap_or_default(),
                })],
                _ => Vec::new(),
            },
            Purpose::Viewer => match event {
                JobEvent::Finished(f) => {
                    let events = match self.screen.viewer_mut() {
                        Some(v) => v.on_probe(probe_of(&f)),
                        None => Vec::new(),
                    };
                    events
                        .into_iter()
                        .flat_map(|e| self.on_viewer_event(e))
                        .collect()
                }
                _ => Vec::new(),
            },
            Purpose::Wizard => {
                if let JobEvent::Finished(f) = event
                    && let Some(w) = self.screen.wizard_mut()
                {
                    w.on_probe(probe_of(&f));
                }
                Vec::new()
            }
            Purpose::Foreground(action) | Purpose::Daemon(action) => {
                match self.dashboard.job_event(&repo, event) {
                    Some(record) => {
                        let mut e = self.notify_finished(&repo, &record);
                        let ok = matches!(record.outcome, Outcome::Succeeded | Outcome::Warned);
                        if ok && action.changes_snapshots() {
                            e.extend(self.list(&repo));
                        }
                        if action == Action::Init && self.first_backup.as_deref() == Some(&repo) {
                            self.first_backup = None;
                            if ok {
                                e.extend(self.start(&repo, Action::Backup, Vec::new()));
                            }
                        }
                        e
                    }
                    None => Vec::new(),
                }
            }
        };
        if finished && self.quitting && self.jobs.is_empty() {
            effects.push(Effect::Quit);
        }
        effects
    }

    /// A snapshot list arrived (or could not be read).
    fn listed(&mut self, repo: &str, f: &Finished) {
        let unreadable = |message: &str| {
            Problem::from_error(&ErrorInfo {
                kind: "failed".into(),
                message: message.into(),
                exit_code: 8,
            })
        };
        let list = match (&f.error, f.ok) {
            (Some(e), false) => Err(Problem::from_error(e)),
            (None, false) => Err(unreadable("the snapshot list could not be read")),
            _ => f.summary::<Vec<SnapshotInfo>>().cloned().ok_or_else(|| {
                unreadable("the job returned a snapshot list this version cannot read")
            }),
        };
        self.dashboard.listed(repo, list);
    }

    fn notify_finished(&self, repo: &str, record: &JobRecord) -> Vec<Effect> {
        if !matches!(record.action, Action::Backup | Action::Restore) {
            return Vec::new();
        }
        let desktop = self
            .config
            .as_ref()
            .map(Config::desktop)
            .unwrap_or_default();
        let body = record.details.join("\n");
        let notice = match record.outcome {
            Outcome::Succeeded | Outcome::Warned if desktop.notify_on_success.unwrap_or(true) => {
                Notice {
                    level: if record.outcome == Outcome::Warned {
                        Level::Warning
                    } else {
                        Level::Info
                    },
                    summary: format!("{}: {}", repo, record.headline),
                    body,
                }
            }
            Outcome::Failed => Notice {
                level: Level::Error,
                summary: format!("{}: {}", repo, record.headline),
                body,
            },
            _ => return Vec::new(),
        };
        vec![Effect::Notify(notice)]
    }

    /// One notice when a repository turns too old (again after it was fine).
    fn notify_if_too_old(&mut self, repo: &str) -> Vec<Effect> {
        let Some(panel) = self.dashboard.repo(repo) else {
            return Vec::new();
        };
        let RepoState::TooOld { last, .. } = panel.state else {
            if matches!(panel.state, RepoState::UpToDate { .. }) {
                self.too_old_notified.remove(repo);
            }
            return Vec::new();
        };
        let wanted = self
            .config
            .as_ref()
            .map(Config::desktop)
            .unwrap_or_default()
            .notify_when_too_old
            .unwrap_or(true);
        if !wanted || !self.too_old_notified.insert(repo.to_string()) {
            return Vec::new();
        }
        vec![Effect::Notify(Notice {
            level: Level::Warning,
            summary: t!("notice-too-old", repo = repo),
            body: t!(
                "notice-too-old-body",
                ago = crate::humanize::ago(last, self.dashboard.now)
            ),
        })]
    }

    /// Writes the embedded default configuration, then creates its repository.
    fn set_up_default(&mut self) -> Vec<Effect> {
        let path = self.launch.config.clone().or_else(config::user_config_path);
        let written = match (path, config::default_repository_path()) {
            (Some(path), Some(local)) => {
                config::write_default_config(&path, None, &local, &[]).map(|_| path)
            }
            _ => Err(Error::Usage(
                "cannot tell where your configuration and data folders are (is $HOME set?)".into(),
            )),
        };
        match written {
            Ok(path) => {
                self.launch.config = Some(path);
                // no lists yet: they would fail until the repository exists
                self.read_config();
                let names = self.dashboard.repo_names();
                names
                    .iter()
                    .flat_map(|name| self.start(name, Action::Init, Vec::new()))
                    .collect()
            }
            Err(e) => {
                self.welcome(Setup::Invalid {
                    errors: e.to_string(),
                });
                Vec::new()
            }
        }
    }

    /// Reads the configuration again when its file changed on disk (an editor, the
    /// CLI, an administrator); the settings screen keeps unsaved changes and says so.
    pub fn watch_config(&mut self) -> Vec<Effect> {
        let Some(path) = self.config_watch.changed() else {
            return Vec::new();
        };
        if let Some(s) = self.screen.settings_mut()
            && s.dirty()
        {
            s.file_changed(None);
            return Vec::new();
        }
        tracing::info!("{} changed on disk: reading it again", path.display());
        let effects = self.load_config();
        if let (Screen::Settings(s), Some(c)) = (&mut self.screen, self.config.as_ref()) {
            s.file_changed(Some(c));
        }
        effects
    }

    /// The answer of a folder dialog, as the message for whoever asked.
    pub fn folder_chosen(purpose: FolderFor, folder: Option<PathBuf>) -> Message {
        match purpose {
            FolderFor::Restore => Message::Browser(browser::Message::FolderChosen(folder)),
            FolderFor::Wizard(w) => Message::Wizard(wizard::Message::FolderChosen(w, folder)),
            FolderFor::Viewer => Message::Viewer(viewer::Message::Chosen(folder)),
        }
    }

    /// Opens the setup wizard: a first configuration, or one more repository.
    fn open_wizard(&mut self) -> Vec<Effect> {
        if self.config.is_some() && !self.dashboard.can_configure {
            return Vec::new();
        }
        let existing = self
            .config
            .as_ref()
            .map(Config::repo_names)
            .unwrap_or_default();
        let default_destination = config::setup::brand_destination().or_else(|| {
            // a first repository starts in the user's data folder, as the default does
            existing
                .is_empty()
                .then(config::default_repository_path)
                .flatten()
                .map(|p| {
                    let mut d =
                        config::setup::Destination::new(config::setup::DestinationKind::Local);
                    d.values.insert("path", p.display().to_string());
                    d
                })
        });
        let (w, events) = Wizard::new(
            existing,
            None,
            self.folder_dialog(),
            default_destination,
            crate::customization::DEFAULT_RETENTION_PRESET,
            config::setup::brand_defaults_fixed(),
        );
        // the keyring is asked off the window's thread (a locked one may ask its user)
        let mut effects = self.show(Screen::Wizard(Box::new(w)));
        effects.push(Effect::CheckKeyring);
        for e in events {
            effects.extend(self.on_wizard_event(e));
        }
        effects
    }

    fn on_viewer_event(&mut self, event: viewer::Event) -> Vec<Effect> {
        match event {
            viewer::Event::PickFolder(start) => vec![Effect::PickFolder(FolderFor::Viewer, start)],
            viewer::Event::Probe(target) => {
                let ticket = self.ticket();
                self.jobs
                    .insert(ticket, (target.name.clone(), Purpose::Viewer));
                vec![Effect::Run(
                    ticket,
                    Box::new(JobSpec::new(*target, JobKind::Probe)),
                )]
            }
            viewer::Event::Opened(config) => {
                self.screen = Screen::Dashboard;
                self.viewer_config = Some(*config);
                self.load_config()
            }
            // started as a viewer, or from the welcome screen: the usual window, for
            // the usual configuration (or the welcome again)
            viewer::Event::Cancel => self.leave_screen(),
        }
    }

    fn on_wizard_event(&mut self, event: wizard::Event) -> Vec<Effect> {
        match event {
            wizard::Event::PickFolder(purpose, start) => {
                vec![Effect::PickFolder(FolderFor::Wizard(purpose), start)]
            }
            wizard::Event::Estimate(paths, presets) => vec![Effect::Estimate(paths, presets)],
            wizard::Event::Probe(target) => {
                let ticket = self.ticket();
                self.jobs
                    .insert(ticket, (target.name.clone(), Purpose::Wizard));
                vec![Effect::Run(
                    ticket,
                    Box::new(JobSpec::new(*target, JobKind::Probe)),
                )]
            }
            wizard::Event::Copy(text) => vec![Effect::Copy(text)],
            wizard::Event::SaveSheet(sheet) => {
                let saved = save_recovery_sheet(&sheet);
                let open = saved.as_ref().ok().cloned();
                if let Some(w) = self.screen.wizard_mut() {
                    w.on_sheet(saved.map_err(|e| e.to_string()));
                }
                open.map(Effect::OpenPath).into_iter().collect()
            }
            // opened from the welcome screen: back to it (or to the configuration
            // that appeared meanwhile)
            wizard::Event::Cancel => self.leave_screen(),
            wizard::Event::Finish {
                repo,
                exists,
                first_backup,
            } => {
                let path = config::find_config(self.launch.config.as_deref())
                    .or_else(|| self.launch.config.clone())
                    .or_else(config::user_config_path);
                let Some(path) = path else {
                    if let Some(w) = self.screen.wizard_mut() {
                        w.on_failed(
                            "cannot tell where your configuration folder is (is $HOME set?)".into(),
                        );
                    }
                    return Vec::new();
                };
                match repo.write(&path) {
                    Ok(written) => {
                        self.screen = Screen::Dashboard;
                        self.launch.config = Some(path);
                        self.read_config();
                        self.dashboard.select(&written.repo);
                        let name = written.repo;
                        let mut effects = Vec::new();
                        for other in self.dashboard.repo_names() {
                            if other != name {
                                effects.extend(self.list(&other));
                            }
                        }
                        if exists {
                            effects.extend(self.list(&name));
                            if first_backup {
                                effects.extend(self.start(&name, Action::Backup, Vec::new()));
                            }
                        } else {
                            if first_backup {
                                self.first_backup = Some(name.clone());
                            }
                            effects.extend(self.start(&name, Action::Init, Vec::new()));
                        }
                        effects
                    }
                    Err(e) => {
                        if let Some(w) = self.screen.wizard_mut() {
                            w.on_failed(e.to_string());
                        }
                        Vec::new()
                    }
                }
            }
        }
    }

    /// The tray's icon, tooltip and last result, from the repositories' states.
    fn refresh_tray(&mut self) {
        let Some(tray) = self.tray.as_mut() else {
            return;
        };
        let (sign, tooltip, last) = tray::summary(&self.dashboard);
        tray.show(sign, &tooltip, &last);
    }

    fn perform(&mut self, effects: Vec<Effect>) -> Task<Message> {
        Task::batch(effects.into_iter().map(|e| self.perform_one(e)))
    }

    fn perform_one(&mut self, effect: Effect) -> Task<Message> {
        match effect {
            Effect::CheckKeyring => Task::perform(
                async {
                    tokio::task::spawn_blocking(config::keyring::works)
                        .await
                        .unwrap_or_else(|e| Err(e.to_string()))
                },
                |answer| Message::Wizard(wizard::Message::KeyringChecked(answer)),
            ),
            Effect::Plan(ticket, planning) => Task::perform(
                async move {
                    tokio::task::spawn_blocking(move || planning.plan())
                        .await
                        .unwrap_or_else(|e| {
                            Err(ErrorInfo {
                                kind: "failed".into(),
                                message: e.to_string(),
                                exit_code: 8,
                            })
                        })
                },
                move |planned| Message::Planned(ticket, planned.map(Box::new)),
            ),
            Effect::Run(ticket, spec) => self
                .runner
                .run(ticket, *spec)
                .map(|(ticket, event)| Message::Job(ticket, event)),
            Effect::Cancel(ticket) => {
                self.runner.cancel(ticket);
                Task::none()
            }
            Effect::OpenSession(ticket, spec) => self
                .runner
                .open_session(ticket, *spec)
                .map(|(ticket, event)| Message::Job(ticket, event)),
            Effect::Request(ticket, request) => {
                self.runner.request(ticket, request);
                Task::none()
            }
            Effect::CloseSession(ticket) => {
                self.runner.close(ticket);
                Task::none()
            }
            Effect::OpenPath(path) => {
                super::external::open_path(&path);
                Task::none()
            }
            Effect::AskDaemon(request) => Task::perform(
                scheduler::ask(self.scheduler.sockets().to_vec(), request),
                Message::Daemon,
            ),
            Effect::PickFolder(purpose, start) => {
                let title = match purpose {
                    FolderFor::Restore => t!("dialog-restore-into"),
                    FolderFor::Wizard(wizard::FolderFor::Source) => t!("dialog-back-up-folder"),
                    FolderFor::Wizard(wizard::FolderFor::Destination) => t!("dialog-keep-in"),
                    FolderFor::Viewer => t!("dialog-repository-folder"),
                };
                Task::perform(external::pick_folder(title, start), move |folder| {
                    App::folder_chosen(purpose, folder)
                })
            }
            Effect::Enrol { servers, token } => {
                let config = self.launch.config.clone();
                Task::perform(
                    async move {
                        tokio::task::spawn_blocking(move || {
                            managed::enrol(&servers, &token, config)
                        })
                        .await
                        .unwrap_or_else(|e| Err(e.to_string()))
                    },
                    |outcome| Message::Managed(managed::Message::Enrolled(outcome)),
                )
            }
            Effect::Estimate(paths, presets) => Task::perform(
                async move {
                    tokio::task::spawn_blocking(move || config::setup::estimate(&paths, &presets))
                        .await
                        .unwrap_or((0, 0))
                },
                |(files, bytes)| Message::Wizard(wizard::Message::Estimated(files, bytes)),
            ),
            Effect::Copy(text) => iced::clipboard::write(text),
            Effect::Notify(notice) => {
                self.notifier.show(notice);
                Task::none()
            }
            Effect::OpenWindow => match self.window {
                Some(id) => window::gain_focus(id),
                None => {
                    let (id, opened) = window::open(window_settings());
                    self.window = Some(id);
                    opened.map(Message::WindowOpened)
                }
            },
            Effect::CloseWindow(id) => window::close(id),
            Effect::Quit => iced::exit(),
            Effect::Service(change) => Task::perform(
                async move {
                    tokio::task::spawn_blocking(move || change_service(&change))
                        .await
                        .unwrap_or_else(|e| {
                            Message::ServiceChanged(
                                Err(e.to_string()),
                                crate::schedule::service::UserService::Off,
                            )
                        })
                },
                |m| m,
            ),
        }
    }

    pub fn view(&self, _window: window::Id) -> Element<'_, Message> {
        self.view_main()
    }

    /// The main window's contents (also what the UI tests look at): the screen shown.
    pub fn view_main(&self) -> Element<'_, Message> {
        match &self.screen {
            Screen::Welcome(w) => w.view().map(Message::Welcome),
            Screen::Wizard(w) => w.view().map(Message::Wizard),
            Screen::Viewer(v) => v.view().map(Message::Viewer),
            Screen::Managed(m) => m.view().map(Message::Managed),
            Screen::Settings(s) => s.view().map(Message::Settings),
            // a dialog of the dashboard (the log of the restore) shows over it
            Screen::Browser { browser, .. } if self.dashboard.modal.is_none() => {
                let page = browser.view().map(Message::Browser);
                match self.dashboard.job_strip(&browser.repo) {
                    Some(strip) => iced::widget::column![
                        page,
                        iced::widget::container(strip.map(Message::Dashboard)).padding([0, 16])
                    ]
                    .padding([0, 0])
                    .into(),
                    None => page,
                }
            }
            Screen::Browser { .. } | Screen::Dashboard => {
                self.dashboard.view().map(Message::Dashboard)
            }
        }
    }

    /// The browser, when it is shown.
    pub fn browser(&self) -> Option<&Browser> {
        self.screen.browser()
    }

    /// The setup wizard, when it is shown.
    pub fn wizard(&self) -> Option<&Wizard> {
        self.screen.wizard()
    }

    /// The settings screen, when it is shown.
    pub fn settings(&self) -> Option<&Settings> {
        self.screen.settings()
    }

    pub fn title(&self, _window: window::Id) -> String {
        if matches!(self.screen, Screen::Viewer(_)) || self.viewer_config.is_some() {
            return t!("title-viewer");
        }
        match self.dashboard.current() {
            Some(r) if self.dashboard.repos.len() > 1 => format!("{PRODUCT_NAME} — {}", r.name),
            _ => PRODUCT_NAME.to_string(),
        }
    }

    pub fn theme(&self, _window: window::Id) -> Theme {
        theme::theme_for(self.appearance())
    }

    /// Light or dark: the config's choice, else the desktop's.
    pub fn appearance(&self) -> theme::Appearance {
        let choice = self
            .config
            .as_ref()
            .and_then(|c| c.desktop().theme)
            .unwrap_or_default();
        match choice {
            config::schema::ThemeChoice::Light => theme::Appearance::Light,
            config::schema::ThemeChoice::Dark => theme::Appearance::Dark,
            config::schema::ThemeChoice::Auto => self.desktop_appearance,
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        Subscription::batch([
            window::close_requests().map(Message::WindowCloseRequested),
            window::close_events().map(Message::WindowClosed),
            Subscription::run(external::events).map(Message::External),
            Subscription::run_with(self.scheduler.sockets().to_vec(), scheduler::watch)
                .map(Message::Daemon),
            iced::time::every(TICK).map(|_| Message::Tick),
            iced::time::every(WATCH_CONFIG).map(|_| Message::WatchConfig),
            iced::system::theme_changes().map(Message::Appearance),
            if matches!(self.screen, Screen::Browser { .. }) {
                iced::keyboard::listen().filter_map(|e| match e {
                    iced::keyboard::Event::KeyPressed { key, .. } => {
                        Some(Message::Browser(browser::Message::Key(key)))
                    }
                    _ => None,
                })
            } else {
                Subscription::none()
            },
        ])
    }

    /// The tickets of the jobs in flight (for tests and diagnostics).
    pub fn jobs_in_flight(&self) -> usize {
        self.jobs.len()
    }
}

/// The dry run's summary, or why it failed.
fn review_of(f: &Finished) -> Result<RestoreSummary, String> {
    if !f.ok {
        return Err(f
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "the review failed".into()));
    }
    f.summary::<RestoreSummary>()
        .cloned()
        .ok_or_else(|| "the review returned nothing this version can read".into())
}

/// Where "Into a folder" points first: a "Restored" folder in the user's home.
fn restore_folder() -> String {
    directories::UserDirs::new()
        .map(|d| d.home_dir().join("Restored").display().to_string())
        .unwrap_or_default()
}

/// Where the browser mounts `repo` (job `ticket`): a folder of this user's runtime
/// folder, private, of this process.
fn mount_dir(repo: &str, ticket: Ticket) -> PathBuf {
    let name: String = repo
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    npbackup_common::dirs::runtime_dir()
        .join(format!("mount-{name}-{}-{ticket}", std::process::id()))
}

/// Where previews are written (the user's cache; replaced on each preview).
fn preview_dir() -> PathBuf {
    use crate::customization::{COMPANY, QUALIFIER, SHORT_NAME};
    directories::ProjectDirs::from(QUALIFIER, COMPANY, SHORT_NAME)
        .map(|d| d.cache_dir().join("preview"))
        .unwrap_or_else(|| std::env::temp_dir().join(format!("{SHORT_NAME}-preview")))
}

/// A job that could not start, as the `finished` event it would have sent.
fn not_started(e: &Error) -> Finished {
    not_started_because(ErrorInfo::from(e))
}

fn not_started_because(info: ErrorInfo) -> Finished {
    Finished {
        ok: false,
        cancelled: false,
        schema: crate::jobs::SCHEMA,
        result: None,
        error: Some(info),
        warnings: Vec::new(),
        duration_seconds: 0.0,
    }
}

fn window_settings() -> window::Settings {
    let img = icon::image(Sign::App);
    window::Settings {
        size: Size::new(1040.0, 720.0),
        min_size: Some(Size::new(720.0, 480.0)),
        icon: window::icon::from_rgba(img.rgba, img.size, img.size).ok(),
        exit_on_close_request: false,
        #[cfg(target_os = "linux")]
        platform_specific: window::settings::PlatformSpecific {
            application_id: crate::customization::SHORT_NAME.to_string(),
            ..Default::default()
        },
        ..window::Settings::default()
    }
}

/// What a probe job found, or why it could not look.
fn probe_of(f: &Finished) -> Result<crate::engine::Probe, String> {
    if !f.ok {
        return Err(f
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "the connection test failed".into()));
    }
    f.summary::<crate::engine::Probe>()
        .cloned()
        .ok_or_else(|| "the connection test gave no answer this version can read".into())
}

/// Writes the recovery sheet into the home folder (readable by the user alone),
/// never over an existing file.
fn save_recovery_sheet(sheet: &str) -> std::io::Result<PathBuf> {
    let home = directories::UserDirs::new()
        .map(|d| d.home_dir().to_path_buf())
        .ok_or_else(|| std::io::Error::other("no home folder"))?;
    let base = format!("{PRODUCT_NAME} recovery sheet");
    let path = (1..100)
        .map(|i| {
            if i == 1 {
                home.join(format!("{base}.txt"))
            } else {
                home.join(format!("{base} ({i}).txt"))
            }
        })
        .find(|p| !p.exists())
        .ok_or_else(|| std::io::Error::other("too many recovery sheets in the home folder"))?;
    crate::fsutil::write_atomic(&path, sheet.as_bytes(), Some(0o600))?;
    Ok(path)
}
