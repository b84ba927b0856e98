//! The desktop app under test: `Harness` drives `App` through its real view
//! (iced_test's simulator: find the texts a person reads, click what they click)
//! and performs the app's effects itself, since the simulator runs no tasks: it
//! runs each job with the job worker and feeds the events back, as the app's
//! runner does.
#![allow(dead_code)]

use std::{
    collections::{HashMap, VecDeque},
    path::{Path, PathBuf},
};

use iced_test::simulator;
use npbackup_core::{
    jobs::{self, JobEvent, JobOptions, RunningJob, SessionInput},
    schedule::ipc::DaemonEvent,
};
use npbackup_gui::{
    App, Effect, Launch, Message,
    notify::Notice,
    scheduler::{self, DaemonMessage},
};

use crate::common::World;

/// The app with its effects performed for real.
pub struct Harness {
    pub app: App,
    pub pending: VecDeque<Effect>,
    program: PathBuf,
    runtime: tokio::runtime::Runtime,
    pub notices: Vec<Notice>,
    pub copied: Vec<String>,
    /// Files the app asked the desktop to open.
    pub opened: Vec<PathBuf>,
    /// Where each folder dialog the app asked for started.
    pub folder_dialogs: Vec<PathBuf>,
    /// What the next folder dialog answers (`None`: the user cancels it).
    pub folder_answer: Option<PathBuf>,
    sessions: HashMap<u64, (RunningJob, Option<SessionInput>)>,
    /// Where the app looks for the scheduler (the test's own, if it starts one).
    pub daemon_socket: PathBuf,
    /// The configuration file the app was started with.
    pub config: PathBuf,
    /// The scheduler's events, once `connect_daemon` watches them.
    daemon_events: Option<std::sync::mpsc::Receiver<DaemonEvent>>,
}

impl Harness {
    pub fn new(w: &World, config: &Path) -> Harness {
        Harness::start(w, config, false, npbackup_common::i18n::Lang::En)
    }

    /// The app in another language (in a test binary of its own: the language is
    /// the process's).
    pub fn in_language(w: &World, config: &Path, lang: npbackup_common::i18n::Lang) -> Harness {
        Harness::start(w, config, false, lang)
    }

    /// The app started as `npbackup-gui --viewer`.
    pub fn viewer(w: &World) -> Harness {
        Harness::start(
            w,
            &w.path("no-config.toml"),
            true,
            npbackup_common::i18n::Lang::En,
        )
    }

    fn start(w: &World, config: &Path, viewer: bool, lang: npbackup_common::i18n::Lang) -> Harness {
        // jobs run the CLI in the test's own HOME (cache, locks, history)
        let program = w.path("job.sh");
        std::fs::write(
            &program,
            format!(
                "#!/bin/sh\nHOME='{}' exec '{}' \"$@\"\n",
                w.home().display(),
                assert_cmd::cargo::cargo_bin("npbackup-cli").display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let (app, effects) = App::new(Launch {
            config: Some(config.to_path_buf()),
            job_program: Some(program.clone()),
            tray: false,
            notifications: false,
            hidden: false,
            folder_dialog: Some(true),
            daemon_socket: Some(daemon_socket(w)),
            schedule_state: Some(w.path("scheduler.json")),
            viewer,
            language: Some(lang),
            cli_program: Some(assert_cmd::cargo::cargo_bin("npbackup-cli")),
        });
        Harness {
            app,
            pending: effects.into(),
            program,
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            notices: Vec::new(),
            copied: Vec::new(),
            opened: Vec::new(),
            folder_dialogs: Vec::new(),
            folder_answer: None,
            daemon_socket: daemon_socket(w),
            config: config.to_path_buf(),
            daemon_events: None,
            sessions: HashMap::new(),
        }
    }

    /// Feeds session `ticket`'s events to the app until `until` says so (or it ends).
    fn pump(&mut self, ticket: u64, mut until: impl FnMut(&JobEvent) -> bool) {
        loop {
            let Some((job, _)) = self.sessions.get_mut(&ticket) else {
                return;
            };
            let event = match self.runtime.block_on(job.events.recv()) {
                Ok(e) => e,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return,
            };
            let stop = until(&event) || matches!(event, JobEvent::Finished(_));
            let effects = self.app.apply(Message::Job(ticket, event));
            self.pending.extend(effects);
            if stop {
                return;
            }
        }
    }

    pub fn send(&mut self, message: Message) {
        let effects = self.app.apply(message);
        self.pending.extend(effects);
    }

    /// Performs every pending effect, running jobs to their end.
    pub fn settle(&mut self) {
        self.settle_with(|_, _| Vec::new());
    }

    /// Like `settle`; `during` may answer each job event with messages (a click
    /// while a job runs).
    pub fn settle_with(&mut self, mut during: impl FnMut(&App, &JobEvent) -> Vec<Message>) {
        while let Some(effect) = self.pending.pop_front() {
            match effect {
                Effect::CheckKeyring => self.send(Message::Wizard(
                    npbackup_gui::wizard::Message::KeyringChecked(
                        npbackup_core::config::keyring::works(),
                    ),
                )),
                // the app works a job out off its thread; here, in turn
                Effect::Plan(ticket, planning) => {
                    let planned = planning.plan();
                    self.send(Message::Planned(ticket, planned.map(Box::new)));
                }
                // a mount runs until it is cancelled: kept as a session is, once mounted
                Effect::Run(ticket, spec) if matches!(spec.kind, jobs::JobKind::Mount(_)) => {
                    let opts = JobOptions {
                        program: Some(self.program.clone()),
                        ..JobOptions::default()
                    };
                    let job = self
                        .runtime
                        .block_on(jobs::start(&spec, &opts))
                        .expect("the mount starts");
                    self.sessions.insert(ticket, (job, None));
                    self.pump(
                        ticket,
                        |e| matches!(e, JobEvent::Progress(p) if p.phase == "mounted"),
                    );
                }
                Effect::Cancel(ticket) if self.sessions.contains_key(&ticket) => {
                    if let Some((job, _)) = self.sessions.get(&ticket) {
                        job.canceller().cancel();
                    }
                    self.pump(ticket, |_| false);
                    if let Some((job, _)) = self.sessions.remove(&ticket) {
                        let _ = self.runtime.block_on(job.wait());
                    }
                }
                Effect::Run(ticket, spec) => {
                    let opts = JobOptions {
                        program: Some(self.program.clone()),
                        ..JobOptions::default()
                    };
                    let mut job = self
                        .runtime
                        .block_on(jobs::start(&spec, &opts))
                        .expect("the job starts");
                    let canceller = job.canceller();
                    loop {
                        let event = match self.runtime.block_on(job.events.recv()) {
                            Ok(e) => e,
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(_) => break,
                        };
                        let last = matches!(event, JobEvent::Finished(_));
                        let replies = during(&self.app, &event);
                        let mut effects = self.app.apply(Message::Job(ticket, event));
                        for m in replies {
                            effects.extend(self.app.apply(m));
                        }
                        for e in effects {
                            match e {
                                Effect::Cancel(t) if t == ticket => canceller.cancel(),
                                other => self.pending.push_back(other),
                            }
                        }
                        if last {
                            break;
                        }
                    }
                    let _ = self.runtime.block_on(job.wait());
                }
                Effect::OpenSession(ticket, spec) => {
                    let opts = JobOptions {
                        program: Some(self.program.clone()),
                        ..JobOptions::default()
                    };
                    let session = self
                        .runtime
                        .block_on(jobs::start_session(&spec, &opts))
                        .expect("the session starts");
                    self.sessions.insert(ticket, (session.0, Some(session.1)));
                    self.pump(ticket, |e| matches!(e, JobEvent::Reply { id: 0, .. }));
                }
                Effect::Request(ticket, request) => {
                    let Some((_, Some(input))) = self.sessions.get_mut(&ticket) else {
                        continue;
                    };
                    self.runtime
                        .block_on(input.send(&request))
                        .expect("the session takes the request");
                    let id = request.id;
                    self.pump(
                        ticket,
                        |e| matches!(e, JobEvent::Reply { id: r, done: true, .. } if *r == id),
                    );
                }
                Effect::CloseSession(ticket) => {
                    // its input closes: it finishes, and the app hears of it
                    if let Some((_, input)) = self.sessions.get_mut(&ticket) {
                        input.take();
                        self.pump(ticket, |_| false);
                    }
                    if let Some((job, _)) = self.sessions.remove(&ticket) {
                        let f = self.runtime.block_on(job.wait());
                        assert!(f.ok, "the session ended badly: {f:?}");
                    }
                }
                Effect::OpenPath(p) => self.opened.push(p),
                Effect::AskDaemon(request) => {
                    let answer = self
                        .runtime
                        .block_on(scheduler::ask(vec![self.daemon_socket.clone()], request));
                    self.send(Message::Daemon(answer));
                }
                Effect::PickFolder(purpose, start) => {
                    self.folder_dialogs.push(start);
                    let answer = self.folder_answer.take();
                    self.send(App::folder_chosen(purpose, answer));
                }
                Effect::Enrol { servers, token } => {
                    let config = self.config.clone();
                    let outcome = npbackup_gui::managed::enrol(&servers, &token, Some(config));
                    self.send(Message::Managed(npbackup_gui::managed::Message::Enrolled(
                        outcome,
                    )));
                }
                Effect::Estimate(paths, presets) => {
                    let (files, bytes) = npbackup_core::config::setup::estimate(&paths, &presets);
                    self.send(Message::Wizard(npbackup_gui::wizard::Message::Estimated(
                        files, bytes,
                    )));
                }
                // systemctl, for real (a test that uses it has a HOME of its own)
                Effect::Service(change) => self.send(npbackup_gui::app::change_service(&change)),
                Effect::Notify(n) => self.notices.push(n),
                Effect::Copy(text) => self.copied.push(text),
                Effect::Cancel(_) | Effect::OpenWindow | Effect::CloseWindow(_) | Effect::Quit => {}
            }
        }
    }

    /// The app's timer going off now.
    pub fn tick(&mut self) {
        let effects = self.app.tick(jiff::Timestamp::now());
        self.pending.extend(effects);
    }

    /// Watches the test's scheduler, as the app's subscription does, and tells the app.
    pub fn connect_daemon(&mut self) {
        let (tx, rx) = std::sync::mpsc::channel();
        let paths = vec![self.daemon_socket.clone()];
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = npbackup_core::schedule::ipc::watch_at_ready(
                &paths,
                move || {
                    let _ = ready_tx.send(());
                },
                |e| tx.send(e).is_ok(),
            );
        });
        // the scheduler must be watched before anything is asked of it, or its
        // first events (a job's start) could go by unseen
        ready_rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the scheduler answers the watch");
        self.daemon_events = Some(rx);
        self.send(Message::Daemon(DaemonMessage::Connected));
        self.settle();
    }

    /// Feeds the scheduler's events to the app (performing what they ask) until
    /// `until` says so.
    pub fn daemon_until(&mut self, mut until: impl FnMut(&DaemonEvent) -> bool) {
        let rx = self.daemon_events.take().expect("connect_daemon first");
        loop {
            let event = rx
                .recv_timeout(std::time::Duration::from_secs(120))
                .expect("an event from the scheduler");
            let stop = until(&event);
            self.send(Message::Daemon(DaemonMessage::Event(Box::new(event))));
            self.settle();
            if stop {
                break;
            }
        }
        self.daemon_events = Some(rx);
    }

    /// Clicks the button (or row) showing `label`, as a user would.
    pub fn click(&mut self, label: &str) {
        let messages: Vec<Message> = {
            let mut ui = simulator(self.app.view_main());
            ui.click(label)
                .unwrap_or_else(|e| panic!("cannot click {label:?}: {e:?}\n{}", self.texts()));
            ui.into_messages().collect()
        };
        assert!(!messages.is_empty(), "clicking {label:?} did nothing");
        for m in messages {
            self.send(m);
        }
    }

    /// Clicks into the text field `id` and types `text`, as a user would.
    pub fn type_into(&mut self, id: &'static str, text: &str) {
        let messages: Vec<Message> = {
            let mut ui = simulator(self.app.view_main());
            ui.click(iced_test::selector::id(id))
                .unwrap_or_else(|e| panic!("no text field {id:?}: {e:?}\n{}", self.texts()));
            ui.typewrite(text);
            ui.into_messages().collect()
        };
        assert!(!messages.is_empty(), "typing into {id:?} did nothing");
        for m in messages {
            self.send(m);
        }
    }

    /// Whether the window shows exactly `label` somewhere.
    pub fn shows(&self, label: &str) -> bool {
        let mut ui = simulator(self.app.view_main());
        ui.find(label).is_ok()
    }

    /// Whether some text in the window contains `part`.
    pub fn shows_part(&self, part: &str) -> bool {
        self.texts().contains(part)
    }

    /// Every text the window shows, one per line (for assertions and failure messages).
    pub fn texts(&self) -> String {
        let mut ui = simulator(self.app.view_main());
        let mut found = Vec::new();
        let _ = ui.find(|c: iced_test::selector::Candidate<'_>| {
            if let iced_test::selector::Candidate::Text { content, .. } = c {
                found.push(content.to_string());
            }
            None::<()>
        });
        found.join("\n")
    }

    pub fn assert_shows(&self, label: &str) {
        assert!(
            self.shows(label),
            "the window does not show {label:?}; it shows:\n{}",
            self.texts()
        );
    }
}

/// Where a scheduler started in this test world answers.
pub fn daemon_socket(w: &World) -> PathBuf {
    w.home().join(".local/share/npbackup/run/daemon.sock")
}
