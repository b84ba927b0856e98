//! The desktop app's main flows, through its real view (iced_test's simulator:
//! find texts, click buttons) and real jobs on real temporary repositories. The
//! simulator runs no tasks, so `Harness` performs the app's effects itself: it
//! runs each job with the job worker and feeds its events back, as the app's
//! runner does.
#![cfg(feature = "gui")]

mod common;

use std::{
    collections::VecDeque,
    path::{Path, PathBuf},
};

use common::*;
use iced_test::simulator;
use npbackup::{
    gui::{App, Effect, Launch, Message, notify::Notice},
    jobs::{self, JobEvent, JobOptions},
};

/// The app with its effects performed for real.
struct Harness {
    app: App,
    pending: VecDeque<Effect>,
    program: PathBuf,
    runtime: tokio::runtime::Runtime,
    notices: Vec<Notice>,
    copied: Vec<String>,
}

impl Harness {
    fn new(w: &World, config: &Path) -> Harness {
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
        }
    }

    fn send(&mut self, message: Message) {
        let effects = self.app.apply(message);
        self.pending.extend(effects);
    }

    /// Performs every pending effect, running jobs to their end.
    fn settle(&mut self) {
        self.settle_with(|_, _| Vec::new());
    }

    /// Like `settle`; `during` may answer each job event with messages (a click
    /// while a job runs).
    fn settle_with(&mut self, mut during: impl FnMut(&App, &JobEvent) -> Vec<Message>) {
        while let Some(effect) = self.pending.pop_front() {
            match effect {
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
                Effect::Notify(n) => self.notices.push(n),
                Effect::Copy(text) => self.copied.push(text),
                Effect::Cancel(_) | Effect::OpenWindow | Effect::CloseWindow(_) | Effect::Quit => {}
            }
        }
    }

    /// Clicks the button (or row) showing `label`, as a user would.
    fn click(&mut self, label: &str) {
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

    /// Whether the window shows exactly `label` somewhere.
    fn shows(&self, label: &str) -> bool {
        let mut ui = simulator(self.app.view_main());
        ui.find(label).is_ok()
    }

    /// Whether some text in the window contains `part`.
    fn shows_part(&self, part: &str) -> bool {
        self.texts().contains(part)
    }

    /// Every text the window shows, one per line (for assertions and failure messages).
    fn texts(&self) -> String {
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

    fn assert_shows(&self, label: &str) {
        assert!(
            self.shows(label),
            "the window does not show {label:?}; it shows:\n{}",
            self.texts()
        );
    }
}

fn config(w: &World, repo: &Path, src: &Path, extra: &str) -> PathBuf {
    w.config(&format!(
        r#"
[desktop]
notify-on-success = true

[groups.default.backup]
paths = ["{src}"]
host = "gui-test"

[groups.default.repo]
minimum-backup-age = "1day"
no-cache = true
{extra}

[groups.default.retention]
preset = "gfs"

[repos.default]
group = "default"
uri = "{repo}"
password-file = "{pw}"
"#,
        src = src.display(),
        repo = repo.display(),
        pw = w.password_file().display()
    ))
}

fn init(w: &World, repo: &Path) {
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);
}

#[test]
fn never_backed_up_then_back_up_now_then_up_to_date() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    let mut h = Harness::new(&w, &config(&w, &repo, &src, ""));
    h.assert_shows("Checking the repository…");
    h.settle();
    h.assert_shows("Never backed up");
    h.assert_shows("No snapshots yet.");

    h.click("Back up now");
    // the job has started: the banner says so and the button waits
    h.assert_shows("Backing up…");
    h.settle();
    h.assert_shows("Backed up just now");
    h.assert_shows("Backup finished (just now)");
    h.assert_shows("1 snapshot");
    assert!(h.shows_part("new, 0 changed"), "{}", h.texts());
    // the table shows the snapshot the CLI sees
    let out = run(
        w.cli_repo(&repo.display().to_string())
            .args(["--json", "snapshots"]),
        0,
    );
    let short = json(&out)["result"][0]["short_id"]
        .as_str()
        .unwrap()
        .to_string();
    h.assert_shows(&short);
    h.assert_shows("gui-test");
    // one notification, for the success
    assert_eq!(h.notices.len(), 1, "{:?}", h.notices);
    assert!(h.notices[0].summary.contains("Backup finished"));

    // the log is there, and copies
    h.click("Show log");
    assert!(h.shows_part("job started (process"), "{}", h.texts());
    h.click("Copy to clipboard");
    h.settle();
    assert!(h.copied[0].contains("finished after"), "{:?}", h.copied);
    h.click("Close");
}

#[test]
fn a_backup_gets_too_old_and_says_so_once() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    run(
        w.cli_repo(&repo.display().to_string())
            .args(["backup", "--host", "gui-test"])
            .arg(&src),
        0,
    );
    let mut h = Harness::new(&w, &config(&w, &repo, &src, ""));
    h.settle();
    assert!(h.shows_part("Backed up "), "{}", h.texts());
    assert!(h.notices.is_empty());
    // two days later, nothing new: too old, one notice however often we look
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48);
    let effects = h.app.tick(later);
    h.pending.extend(effects);
    h.settle();
    assert!(
        h.shows_part("The last backup is too old: 2 days ago"),
        "{}",
        h.texts()
    );
    h.pending.extend(h.app.tick(later));
    h.settle();
    assert_eq!(h.notices.len(), 1, "{:?}", h.notices);
    assert!(h.notices[0].summary.contains("too old"));
}

#[test]
fn a_wrong_password_is_explained_and_a_backup_fails_with_a_notice() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    let cfg = config(&w, &repo, &src, "");
    std::fs::write(w.password_file(), "not-the-password\n").unwrap();
    let mut h = Harness::new(&w, &cfg);
    h.settle();
    h.assert_shows("The repository did not accept the password");
    assert!(h.shows_part("Check the password"), "{}", h.texts());
    h.click("Back up now");
    h.settle();
    h.assert_shows("Backup failed: the repository did not accept the password (just now)");
    assert_eq!(h.notices.len(), 1);
    assert_eq!(h.notices[0].level, npbackup::gui::notify::Level::Error);
    // no raw debug text anywhere
    assert!(!h.texts().contains("Error {"), "{}", h.texts());
}

#[test]
fn a_missing_repository_says_what_to_do() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let mut h = Harness::new(&w, &config(&w, &w.path("nowhere"), &src, ""));
    h.settle();
    h.assert_shows("There is no repository at this location yet");
}

#[test]
fn cancel_stops_a_backup_and_the_next_one_succeeds() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_data(&src, 3, 100);
    init(&w, &repo);
    let mut h = Harness::new(&w, &config(&w, &repo, &src, ""));
    h.settle();
    h.click("Back up now");
    let mut clicked = false;
    h.settle_with(|app, event| {
        let JobEvent::Progress(p) = event else {
            return Vec::new();
        };
        if clicked || p.phase != "backing up" || p.bytes_done < 10_000_000 {
            return Vec::new();
        }
        clicked = true;
        // the progress panel is up, with its Cancel button: click it
        let mut ui = simulator(app.view_main());
        ui.click("Cancel")
            .expect("a Cancel button while the backup runs");
        ui.into_messages().collect()
    });
    assert!(clicked, "the backup ended before it could be cancelled");
    h.assert_shows("Backup was cancelled (just now)");
    h.assert_shows("Never backed up");
    restic_check(&w, &repo.display().to_string());
    h.click("Back up now");
    h.settle();
    h.assert_shows("Backup finished (just now)");
    h.assert_shows("1 snapshot");
}

#[test]
fn forget_selected_asks_first_and_operations_report_their_result() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    for _ in 0..2 {
        run(
            w.cli_repo(&repo.display().to_string())
                .args(["backup", "--host", "gui-test"])
                .arg(&src),
            0,
        );
    }
    let mut h = Harness::new(&w, &config(&w, &repo, &src, ""));
    h.settle();
    h.assert_shows("2 snapshots");
    let out = run(
        w.cli_repo(&repo.display().to_string())
            .args(["--json", "snapshots"]),
        0,
    );
    let oldest = json(&out)["result"][0]["short_id"]
        .as_str()
        .unwrap()
        .to_string();
    h.click(&oldest);
    h.assert_shows("Forget selected (1)");
    h.click("Forget selected (1)");
    h.assert_shows("Forget 1 snapshot from default?");
    // changing one's mind changes nothing
    h.click("Keep them");
    h.settle();
    h.assert_shows("2 snapshots");
    h.click("Forget selected (1)");
    h.click("Forget");
    h.settle();
    h.assert_shows("Forget finished (just now)");
    h.assert_shows("1 snapshot");
    assert!(!h.shows(&oldest), "{}", h.texts());

    h.click("Operations");
    h.click("Check");
    h.settle();
    h.assert_shows("Check finished (just now)");
    h.click("Operations");
    h.click("Remove stale locks");
    h.settle();
    assert!(h.shows_part("There was no stale lock."), "{}", h.texts());
    // a backup notice only: operations tell their result in the window
    assert!(h.notices.is_empty(), "{:?}", h.notices);
}

#[test]
fn a_broken_config_is_shown_with_its_errors_and_reloads() {
    let w = World::new();
    let cfg = w.config("[repos.default]\nuri = \"/tmp/x\"\nfrobnicate = 1\n");
    let mut h = Harness::new(&w, &cfg);
    h.assert_shows("The configuration could not be read");
    assert!(h.shows_part("frobnicate"), "{}", h.texts());
    // fixed by hand, then Reload
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    config(&w, &repo, &src, "");
    h.click("Reload");
    h.settle();
    h.assert_shows("Never backed up");
}

#[test]
fn the_about_box_names_the_brand_and_version() {
    let w = World::new();
    let cfg = config(&w, &w.path("nowhere"), &w.path("src"), "");
    let mut h = Harness::new(&w, &cfg);
    h.click("About");
    h.assert_shows(npbackup::customization::VERSION_LINE);
    h.click("Close");
    assert!(!h.shows(npbackup::customization::VERSION_LINE));
}
