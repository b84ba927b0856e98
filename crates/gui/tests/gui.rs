//! The desktop app's main flows, through its real view (iced_test's simulator:
//! find texts, click buttons) and real jobs on real temporary repositories (see
//! `gui_harness::Harness`).

// the end-to-end helpers of the command line's tests (worlds, trees, peers)
#[path = "../../cli/tests/common/mod.rs"]
mod common;
mod gui_harness;

use std::path::{Path, PathBuf};

use common::*;
use gui_harness::Harness;
use iced_test::simulator;
use npbackup_core::jobs::JobEvent;

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

/// A backup by the CLI, as host "gui-test".
fn backup(w: &World, repo: &Path, src: &Path) {
    run(
        w.cli_repo(&repo.display().to_string())
            .args(["backup", "--host", "gui-test"])
            .arg(src),
        0,
    );
}

/// The snapshots' short ids, oldest first, as the CLI lists them.
fn short_ids(w: &World, repo: &Path) -> Vec<String> {
    let out = run(
        w.cli_repo(&repo.display().to_string())
            .args(["--json", "snapshots"]),
        0,
    );
    json(&out)["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["short_id"].as_str().unwrap().to_string())
        .collect()
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
    let short = short_ids(&w, &repo).remove(0);
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
    backup(&w, &repo, &src);
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
    assert_eq!(h.notices[0].level, npbackup_gui::notify::Level::Error);
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
    // the window can fix that one itself
    h.click("Create the repository");
    h.settle();
    h.assert_shows("Repository creation finished (just now)");
    h.assert_shows("Never backed up");
    restic_check(&w, &w.path("nowhere").display().to_string());
}

/// Runs the pending job, clicking the progress panel's "Cancel" once the job has
/// done `bytes` (in `phase`, when given); says whether it did.
fn settle_cancelling_past(h: &mut Harness, bytes: u64, phase: Option<&str>) -> bool {
    let mut clicked = false;
    h.settle_with(|app, event| {
        let JobEvent::Progress(p) = event else {
            return Vec::new();
        };
        if clicked || phase.is_some_and(|ph| p.phase != ph) || p.bytes_done < bytes {
            return Vec::new();
        }
        clicked = true;
        let mut ui = simulator(app.view_main());
        ui.click("Cancel")
            .expect("a Cancel button while the job runs");
        ui.into_messages().collect()
    });
    clicked
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
    assert!(
        settle_cancelling_past(&mut h, 10_000_000, Some("backing up")),
        "the backup ended before it could be cancelled"
    );
    h.assert_shows("Backup was cancelled (just now)");
    h.assert_shows("Never backed up");
    restic_check(&w, &repo.display().to_string());
    h.click("Back up now");
    h.settle();
    h.assert_shows("Backup finished (just now)");
    h.assert_shows("1 snapshot");
}

#[test]
fn a_password_command_runs_off_the_window_s_thread_and_the_wait_is_shown() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    // the command notes each time it is asked
    let asked = w.path("asked");
    let file = config(&w, &repo, &src, "");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        &format!("password-file = \"{}\"", w.password_file().display()),
        &format!(
            "password-command = \"sh -c 'echo asked >> {}; cat {}'\"",
            asked.display(),
            w.password_file().display()
        ),
    );
    let file = w.config(&text);
    let times = || {
        std::fs::read_to_string(&asked)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    let mut h = Harness::new(&w, &file);
    // the window is up before the list's password is asked for
    assert_eq!(times(), 0);
    h.assert_shows("Checking the repository…");
    h.settle();
    h.assert_shows("Never backed up");
    let before = times();
    assert!(before >= 1);

    // a click starts the job; the password comes after, off the window's thread
    h.click("Back up now");
    assert!(
        h.shows_part("waiting for the password command…"),
        "{}",
        h.texts()
    );
    assert_eq!(times(), before, "the click ran the password command");
    h.settle();
    h.assert_shows("Backup finished (just now)");
    assert!(times() > before);

    // cancelled while it waits for its password: it ends at once, nothing is written
    h.click("Back up now");
    h.click("Cancel");
    h.assert_shows("Backup was cancelled (just now)");
    h.settle();
    assert_eq!(short_ids(&w, &repo).len(), 1);
    assert_eq!(h.app.jobs_in_flight(), 0);
}

#[test]
fn forget_selected_asks_first_and_operations_report_their_result() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    for _ in 0..2 {
        backup(&w, &repo, &src);
    }
    let mut h = Harness::new(&w, &config(&w, &repo, &src, ""));
    h.settle();
    h.assert_shows("2 snapshots");
    let oldest = short_ids(&w, &repo).remove(0);
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
fn a_config_broken_while_the_settings_are_open_shows_its_errors_when_they_close() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    let cfg = config(&w, &repo, &src, "");
    let mut h = Harness::new(&w, &cfg);
    h.settle();
    h.click("Settings");
    h.assert_shows("Sources & exclusions");
    // broken by hand meanwhile: the settings stay, and closing them shows why
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("\n[repos.extra]\nfrobnicate = 1\n");
    std::fs::write(&cfg, text).unwrap();
    h.send(npbackup_gui::Message::WatchConfig);
    h.settle();
    h.assert_shows("Sources & exclusions");
    h.click("Close");
    h.assert_shows("The configuration could not be read");
    assert!(h.shows_part("frobnicate"), "{}", h.texts());
}

#[test]
fn the_about_box_names_the_brand_and_version() {
    let w = World::new();
    let cfg = config(&w, &w.path("nowhere"), &w.path("src"), "");
    let mut h = Harness::new(&w, &cfg);
    h.click("About");
    h.assert_shows(npbackup_common::customization::VERSION_LINE);
    h.click("Close");
    assert!(!h.shows(npbackup_common::customization::VERSION_LINE));
}

#[test]
fn a_test_mail_can_be_sent_from_the_operations() {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    let inbox = w.path("inbox");
    let (_smtp, port) = smtp_sink(&inbox, None);
    std::fs::write(w.path("smtp.password"), "m41l-pw\n").unwrap();
    let extra = format!(
        "\n[groups.default.monitoring.email]\nsmtp-server = \"127.0.0.1\"\nsmtp-port = {port}\nsecurity = \"none\"\nusername = \"mailer\"\npassword-file = \"{}\"\non-backup-failure = [\"admin@example.org\"]\n",
        w.path("smtp.password").display()
    );
    let mut h = Harness::new(&w, &config(&w, &repo, &src, &extra));
    h.settle();
    h.click("Operations");
    h.click("Send a test e-mail");
    h.settle();
    h.assert_shows("Test e-mail finished (just now)");
    h.assert_shows("Sent to admin@example.org.");
    let got = mails(&inbox);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("X-Envelope-To: admin@example.org"),
        "{}",
        got[0]
    );
    assert!(got[0].contains("test mail"), "{}", got[0]);
}

fn browse(m: npbackup_gui::browser::Message) -> npbackup_gui::Message {
    npbackup_gui::Message::Browser(m)
}

/// Two snapshots: in the second, hello.txt changed, new.txt appeared, run.sh went.
fn two_snapshots(w: &World) -> (PathBuf, PathBuf, Vec<String>) {
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(w, &repo);
    backup(w, &repo, &src);
    std::fs::write(src.join("docs/hello.txt"), "hello again, a longer text\n").unwrap();
    std::fs::write(src.join("docs/new.txt"), "new\n").unwrap();
    std::fs::remove_file(src.join("docs/run.sh")).unwrap();
    backup(w, &repo, &src);
    let out = run(
        w.cli_repo(&repo.display().to_string())
            .args(["--json", "snapshots"]),
        0,
    );
    let ids = json(&out)["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    (src, repo, ids)
}

/// The app on `two_snapshots`, its browser open on the newest.
fn browsing_two_snapshots(w: &World) -> (PathBuf, Vec<String>, Harness) {
    let (src, repo, ids) = two_snapshots(w);
    let mut h = Harness::new(w, &config(w, &repo, &src, ""));
    h.settle();
    h.click("Browse and restore");
    h.settle();
    (src, ids, h)
}

#[test]
fn find_a_file_pick_its_old_version_and_restore_it_into_a_folder() {
    use npbackup_gui::browser::Message as B;
    let w = World::new();
    let (src, ids, mut h) = browsing_two_snapshots(&w);
    // the newest snapshot opens where its backed-up folder is, not at `/` several
    // empty levels above; the whole tree is one click up
    let parent = src.parent().unwrap().display().to_string();
    assert!(h.shows_part(&format!("Showing {parent}")), "{}", h.texts());
    h.assert_shows("▸ src/");
    let top = src
        .components()
        .nth(1)
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .to_string();
    assert!(!h.shows_part(&format!("▸ {top}/")), "{}", h.texts());
    h.click("Show the whole snapshot");
    h.settle();
    assert!(h.shows_part(&format!("{top}/")), "{}", h.texts());
    assert!(!h.shows_part("Showing "), "{}", h.texts());
    h.assert_shows("▸ src/");

    // find it by a part of its name, in every snapshot
    h.send(browse(B::SearchInput("HELLO".into())));
    h.click("Find");
    h.settle();
    let hello = src.join("docs/hello.txt").display().to_string();
    h.assert_shows(&hello);
    // hello.txt and the link to it, each in both snapshots
    assert!(h.shows_part("2 paths found, 4 versions"), "{}", h.texts());

    // its history: two different versions
    h.send(browse(B::Reveal {
        snapshot: ids[1].clone(),
        path: hello.clone(),
    }));
    h.settle();
    h.assert_shows("hello.txt");
    h.click("Show history");
    h.settle();
    assert!(
        h.shows_part("In 2 snapshots, 2 different versions"),
        "{}",
        h.texts()
    );

    // restore the old one into a folder of our choice, reviewed first
    let target = w.path("got-it-back");
    h.send(browse(B::RestoreVersion {
        snapshot: ids[0].clone(),
        path: hello.clone(),
    }));
    h.send(browse(B::Folder(target.display().to_string())));
    h.click("Review");
    h.settle();
    assert!(
        h.shows_part("1 file (12 B) will be written"),
        "{}",
        h.texts()
    );
    assert!(!target.exists(), "a review writes nothing");
    h.click("Restore now");
    h.settle();
    assert_eq!(
        std::fs::read_to_string(target.join("hello.txt")).unwrap(),
        "hello world\n"
    );
    assert!(h.shows_part("Restore finished"), "{}", h.texts());
    assert!(
        h.notices
            .iter()
            .any(|n| n.summary.contains("Restore finished"))
    );

    // again with "keep them": the file there is left alone
    std::fs::write(target.join("hello.txt"), "mine\n").unwrap();
    let restored = target.join("hello.txt");
    for (overwrite, expect, before) in [
        (npbackup_engine::Overwrite::Never, "mine\n", None),
        (npbackup_engine::Overwrite::IfChanged, "hello world\n", None),
        // other bytes, same size and time: "when changed" cannot see it…
        (
            npbackup_engine::Overwrite::IfChanged,
            "HELLO WORLD\n",
            Some("HELLO WORLD\n"),
        ),
        // …"whenever the content differs" reads it and replaces it
        (
            npbackup_engine::Overwrite::Always,
            "hello world\n",
            Some("HELLO WORLD\n"),
        ),
    ] {
        if let Some(text) = before {
            let mtime = filetime::FileTime::from_last_modification_time(
                &std::fs::metadata(&restored).unwrap(),
            );
            std::fs::write(&restored, text).unwrap();
            filetime::set_file_mtime(&restored, mtime).unwrap();
        }
        h.send(browse(B::RestoreVersion {
            snapshot: ids[0].clone(),
            path: hello.clone(),
        }));
        h.send(browse(B::Folder(target.display().to_string())));
        h.send(browse(B::Overwrite(overwrite)));
        h.click("Review");
        h.settle();
        if overwrite == npbackup_engine::Overwrite::Never {
            assert!(
                h.shows_part("1 existing item will be left as it is"),
                "{}",
                h.texts()
            );
        }
        h.click("Restore now");
        h.settle();
        assert_eq!(
            std::fs::read_to_string(target.join("hello.txt")).unwrap(),
            expect
        );
    }
}

#[test]
fn browse_a_tree_compare_preview_and_restore_the_ticked_files() {
    use npbackup_gui::browser::Message as B;
    let w = World::new();
    let (src, ids, mut h) = browsing_two_snapshots(&w);
    // open the folders one by one, as a person clicks them
    let docs = src.join("docs");
    // the tree opens at the source's parent: src, then docs
    for part in docs
        .strip_prefix(src.parent().unwrap())
        .unwrap()
        .components()
    {
        let name = part.as_os_str().to_string_lossy().to_string();
        h.click(&format!("▸ {name}/"));
        h.settle();
    }
    h.assert_shows("hello.txt");
    h.assert_shows("new.txt");
    h.click("▸ private/");
    h.settle();
    h.assert_shows("secret-notes.md");

    // preview: the file is written out and handed to the desktop
    h.click("new.txt");
    h.click("Open");
    h.settle();
    assert_eq!(h.opened.len(), 1, "{:?}", h.opened);
    assert_eq!(std::fs::read_to_string(&h.opened[0]).unwrap(), "new\n");

    // tick two files in two folders and restore them into one folder
    h.click("secret-notes.md");
    h.click("Restore 2 items…");
    // the folder comes from the desktop's dialog; a cancelled dialog changes nothing
    let target = w.path("ticked");
    h.click("Choose…");
    h.settle();
    let before = h.app.browser().unwrap().dialog.clone().unwrap();
    assert_eq!(h.folder_dialogs, [PathBuf::from(&before.folder)]);
    h.folder_answer = Some(target.clone());
    h.click("Choose…");
    h.settle();
    let dialog = h.app.browser().unwrap().dialog.clone().unwrap();
    assert_eq!(dialog.folder, target.display().to_string());
    h.click("Review");
    h.settle();
    h.click("Restore now");
    h.settle();
    assert_eq!(
        std::fs::read(target.join("new.txt")).unwrap(),
        std::fs::read(docs.join("new.txt")).unwrap()
    );
    assert_eq!(
        std::fs::read(target.join("private/secret-notes.md")).unwrap(),
        std::fs::read(docs.join("private/secret-notes.md")).unwrap()
    );

    // what changed since the first snapshot
    h.click("Compare");
    h.settle();
    assert!(
        h.shows_part("1 added, 1 removed, 1 changed"),
        "{}",
        h.texts()
    );
    h.assert_shows(&docs.join("new.txt").display().to_string());
    h.assert_shows("− removed");

    // the first snapshot has nothing before it
    h.click("Files");
    // the oldest snapshot, as the picker names it
    let first = &ids[0][..8];
    h.send(browse(B::Pick(
        h.app
            .browser()
            .unwrap()
            .choices()
            .into_iter()
            .find(|c| c.to_string().contains(first))
            .unwrap(),
    )));
    h.settle();
    h.click("Compare");
    h.settle();
    assert!(h.shows_part("This is the first snapshot"), "{}", h.texts());

    // back to the dashboard; the session ends cleanly
    h.click("← Back");
    h.settle();
    h.assert_shows("Back up now");
    assert_eq!(h.app.jobs_in_flight(), 0);
}

#[test]
fn open_in_file_manager_mounts_the_snapshot_until_the_browser_closes() {
    let w = World::new();
    let (src, ids, mut h) = browsing_two_snapshots(&w);
    let src_name = src.file_name().unwrap().to_string_lossy().to_string();
    h.click(&format!("▸ {src_name}/"));
    h.settle();
    let browsing = h.app.jobs_in_flight();
    h.click("Open in file manager");
    h.settle();
    // the desktop is asked to open the focused folder, inside the mounted snapshot
    assert_eq!(h.opened.len(), 1, "{:?} {}", h.opened, h.texts());
    let shown = h.opened[0].clone();
    let tail = std::path::Path::new("ids")
        .join(&ids[1][..8])
        .join(src.strip_prefix("/").unwrap());
    assert!(shown.ends_with(&tail), "{}", shown.display());
    assert_eq!(
        std::fs::read_to_string(shown.join("docs/hello.txt")).unwrap(),
        "hello again, a longer text\n"
    );
    assert!(
        std::fs::write(shown.join("docs/x"), "x").is_err(),
        "read-only"
    );
    assert_eq!(
        h.app.jobs_in_flight(),
        browsing + 1,
        "the mount stays while browsing"
    );

    // a second folder opens at once, through the same mount
    h.click("▸ docs/");
    h.settle();
    h.click("Open in file manager");
    h.settle();
    assert_eq!(h.opened.len(), 2);
    assert_eq!(h.opened[1], shown.join("docs"));
    assert_eq!(h.app.jobs_in_flight(), browsing + 1);

    // leaving the browser unmounts, and the folder it used goes
    h.click("← Back");
    h.settle();
    assert_eq!(h.app.jobs_in_flight(), 0);
    let mountpoint = shown.ancestors().nth(tail.components().count()).unwrap();
    assert!(!mountpoint.exists(), "{} is left", mountpoint.display());
}

#[test]
fn cancel_stops_a_restore_and_leaves_no_half_written_file() {
    use npbackup_gui::browser::Message as B;
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_data(&src, 2, 100);
    init(&w, &repo);
    backup(&w, &repo, &src);
    let mut h = Harness::new(&w, &config(&w, &repo, &src, ""));
    h.settle();
    h.click("Browse and restore");
    h.settle();
    let target = w.path("restored");
    let restore_all = |h: &mut Harness| {
        h.click("Restore the whole snapshot…");
        h.send(browse(B::Folder(target.display().to_string())));
        h.click("Review");
        h.settle();
        h.click("Restore now");
    };
    restore_all(&mut h);
    // the progress panel under the browser has the Cancel button
    assert!(
        settle_cancelling_past(&mut h, 10_000_000, None),
        "the restore ended before it could be cancelled"
    );
    assert!(h.shows_part("Restore was cancelled"), "{}", h.texts());
    // whatever is under a real name is whole; nothing temporary is left
    let restored = target.join(src.strip_prefix("/").unwrap());
    let mut complete = 0;
    for p in walk(&target) {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.ends_with("-partial"), "left behind: {}", p.display());
        if p.is_file() {
            assert_eq!(
                std::fs::read(&p).unwrap(),
                std::fs::read(src.join(&name)).unwrap(),
                "{} is whole",
                p.display()
            );
            complete += 1;
        }
    }
    assert!(complete < 2, "the cancel came after the restore was done");

    // the next restore completes
    restore_all(&mut h);
    h.settle();
    assert!(h.shows_part("Restore finished"), "{}", h.texts());
    assert_same_tree(&src, &restored);
}

#[test]
fn with_the_scheduler_running_the_window_shows_its_jobs_and_pauses_it() {
    use npbackup_core::schedule::ipc::DaemonEvent;
    let (w, _src, repo, config) = one_repository(r#"backup = "daily at 03:00""#);
    let _daemon = start_daemon(&w, &config);
    let mut h = Harness::new(&w, &config);
    h.settle();
    h.connect_daemon();
    assert!(
        h.shows_part("Scheduled backups: daily at 03:00 · next"),
        "{}",
        h.texts()
    );
    assert!(h.shows_part("by the scheduler service"), "{}", h.texts());

    // "Back up now" is the scheduler's job, shown here while it runs
    h.click("Back up now");
    h.settle();
    let mut progress = false;
    h.daemon_until(|e| {
        progress |=
            matches!(e, DaemonEvent::Job { event, .. } if matches!(**event, JobEvent::Progress(_)));
        matches!(e, DaemonEvent::Ended { .. })
    });
    assert!(progress, "the scheduler's progress reached the window");
    h.assert_shows("Backup finished (just now)");
    assert_eq!(short_ids(&w, &repo).len(), 1);
    assert_eq!(h.app.jobs_in_flight(), 0);

    // the tray's "Pause backups for 1 hour" pauses the scheduler
    let until = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap();
    h.send(npbackup_gui::Message::External(
        npbackup_gui::external::External::Pause(Some(until)),
    ));
    h.settle();
    h.daemon_until(|e| matches!(e, DaemonEvent::Paused { .. }));
    assert!(h.shows_part("paused until"), "{}", h.texts());
    let status = daemon_status(&w).expect("the scheduler answers");
    assert!(status["paused_until"].is_string(), "{status}");
    h.send(npbackup_gui::Message::External(
        npbackup_gui::external::External::Pause(None),
    ));
    h.settle();
    h.daemon_until(|e| matches!(e, DaemonEvent::Paused { until: None }));
    assert!(daemon_status(&w).is_some_and(|s| s["paused_until"].is_null()));
}

#[test]
fn without_a_scheduler_the_window_runs_the_schedule_itself() {
    let (w, _src, repo, config) = one_repository(r#"backup = "every 1h""#);
    let mut h = Harness::new(&w, &config);
    h.settle();
    // no scheduler answers: the window runs the schedule, and a task never run is due
    h.send(npbackup_gui::Message::Daemon(
        npbackup_gui::scheduler::DaemonMessage::Absent,
    ));
    h.settle();
    h.assert_shows("Backup finished (just now)");
    assert_eq!(short_ids(&w, &repo).len(), 1);
    assert!(
        h.shows_part("run while this window is open"),
        "{}",
        h.texts()
    );
    assert!(h.shows_part("every 1h · next"), "{}", h.texts());
    // the run is recorded where the scheduler would look: the next tick starts nothing
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("scheduler.json")).unwrap()).unwrap();
    assert_eq!(state["tasks"]["default/backup"]["last_ok"], true, "{state}");
    h.tick();
    assert!(
        !h.pending.iter().any(|e| matches!(
            e,
            npbackup_gui::Effect::Run(..) | npbackup_gui::Effect::Plan(..)
        )),
        "no second run within the hour"
    );
}

/// The window offers nothing that writes to the repository or the configuration.
fn assert_nothing_that_writes(h: &Harness) {
    for hidden in [
        "Back up now",
        "Forget selected",
        "Operations",
        "Add repository…",
    ] {
        assert!(!h.shows(hidden), "{hidden} is offered:\n{}", h.texts());
    }
}

#[test]
fn a_locked_down_repository_offers_only_what_it_allows() {
    let (w, src, repo, _) = one_repository("backup = \"manual\"");
    backup(&w, &repo, &src);
    let with = |permissions: &str| {
        config_text(&w, &[("default", &repo, &src, "backup = \"manual\"")]).replace(
            "[repos.default]\n",
            &format!("[repos.default]\npermissions = \"{permissions}\"\n"),
        )
    };

    // restore-only: browse and restore, nothing that writes
    let config = w.config(&with("restore-only"));
    let mut h = Harness::new(&w, &config);
    h.settle();
    h.assert_shows("1 snapshot");
    h.assert_shows("Browse and restore");
    h.assert_shows("This repository allows: list, browse and restore");
    assert_nothing_that_writes(&h);
    // the tray's Back up now (or any other way in) is refused with a notice, and runs nothing
    h.send(npbackup_gui::Message::External(
        npbackup_gui::external::External::BackUpNow(None),
    ));
    h.settle();
    assert_eq!(h.app.jobs_in_flight(), 0);
    let notice = h.notices.last().expect("a notice");
    assert!(
        notice.body.contains("does not allow backing up"),
        "{notice:?}"
    );
    h.assert_shows("1 snapshot");

    // backup: back up, but neither browse nor forget
    let config = w.config(&with("backup"));
    let mut h = Harness::new(&w, &config);
    h.settle();
    h.assert_shows("Back up now");
    assert!(!h.shows("Browse and restore"), "{}", h.texts());
    assert!(!h.shows("Forget selected"), "{}", h.texts());
    // its operations are the ones it allows: removing stale locks, not pruning
    h.click("Operations");
    h.assert_shows("Remove stale locks");
    assert!(!h.shows("Prune"), "{}", h.texts());
    h.click("Close");
    h.click("Back up now");
    h.settle();
    h.assert_shows("2 snapshots");
}

#[test]
fn the_viewer_opens_a_repository_by_location_and_password_read_only() {
    use npbackup_gui::viewer::Message as V;
    let w = World::new();
    let (_src, repo, _) = two_snapshots(&w);
    let mut h = Harness::viewer(&w);
    h.settle();
    h.assert_shows("Open a repository");

    // a folder with no repository, then a wrong password: each said plainly
    h.type_into("path", &w.path("nothing-here").display().to_string());
    h.type_into("viewer-password", PASSWORD);
    h.click("Open");
    h.settle();
    assert!(h.shows_part("There is no repository at"), "{}", h.texts());
    h.send(npbackup_gui::Message::Viewer(V::Field(
        "path",
        repo.display().to_string(),
    )));
    h.send(npbackup_gui::Message::Viewer(V::Password("not-it".into())));
    h.click("Open");
    h.settle();
    assert!(
        h.shows_part("This password does not open the repository"),
        "{}",
        h.texts()
    );

    // the right one: the snapshots, browsing, and nothing that writes
    h.send(npbackup_gui::Message::Viewer(V::Password(PASSWORD.into())));
    h.click("Open");
    h.settle();
    h.assert_shows("2 snapshots");
    assert!(h.app.title(iced::window::Id::unique()).contains("viewer"));
    assert_nothing_that_writes(&h);
    h.click("Browse and restore");
    h.settle();
    h.assert_shows("Restore the whole snapshot…");
    let root = w.dir.path().components().nth(1).unwrap();
    assert!(
        h.shows_part(&format!("{}/", root.as_os_str().to_string_lossy())),
        "{}",
        h.texts()
    );
    // no configuration was written anywhere
    assert!(!w.path("no-config.toml").exists());
    assert!(!w.home().join(".config").exists());
}

#[test]
fn the_settings_edit_every_value_keep_comments_and_check_each_change() {
    use npbackup_gui::{Message, settings::Message as S};
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    init(&w, &repo);
    let config = w.config(&format!(
        r#"# My backups: keep this comment.

[groups.default.retention]
# how long to keep
preset = "gfs"

[repos.docs]
group = "default"
uri = "{repo}"   # the USB disk
password-file = "{pw}"
backup.paths = ["{src}"]
retention.preset = "14d"
"#,
        repo = repo.display(),
        pw = w.password_file().display(),
        src = src.display()
    ));
    let mut h = Harness::new(&w, &config);
    h.settle();
    h.click("Settings");
    h.assert_shows("Sources & exclusions");
    h.assert_shows("inherited from the defaults");
    h.click("Schedule & retention");
    h.assert_shows("Keep (preset)");

    // a value that is not a number, then a schedule config check refuses: inline, no Save
    h.type_into("retention.keep-last", "three");
    assert!(h.shows_part("is not a whole number"), "{}", h.texts());
    h.click("Discard changes");
    h.type_into("schedule.backup", "every blue moon");
    assert!(h.shows_part("blue moon"), "{}", h.texts());
    let settings = h.app.settings().unwrap();
    assert!(settings.dirty());
    h.click("Discard changes");

    // a schedule of its own, and the preset back to the group's
    h.click("Reset to inherited");
    h.type_into("schedule.backup", "every 3h");
    h.click("Save");
    h.settle();
    assert!(
        h.shows_part("Saved. The previous version is kept"),
        "{}",
        h.texts()
    );
    let text = std::fs::read_to_string(&config).unwrap();
    for kept in [
        "# My backups: keep this comment.",
        "# how long to keep",
        "# the USB disk",
    ] {
        assert!(text.contains(kept), "{kept} lost:\n{text}");
    }
    assert!(!text.contains("14d"), "{text}");
    let c = npbackup_core::config::Config::load(&config).unwrap();
    let rc = c.repo("docs").unwrap();
    assert_eq!(rc.schedule.backup.unwrap().to_string(), "every 3h");
    assert_eq!(rc.retention.preset.unwrap().0, "gfs");
    assert!(w.path("npbackup.toml.bak").exists());
    h.assert_shows("inherited from group default");
    h.click("Close");
    h.assert_shows("Back up now");

    // changed on disk by someone else: read again, and the settings say so
    h.click("Settings");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[identity]\nmachine-id = \"edited-elsewhere\"\n");
    std::fs::write(&config, &text).unwrap();
    h.send(Message::WatchConfig);
    h.settle();
    assert!(h.shows_part("The file changed on disk"), "{}", h.texts());
    h.send(Message::Settings(S::Scope(
        npbackup_gui::settings::Scope::Machine,
    )));
    h.click("Advanced");
    let texts = h.texts();
    assert!(h.shows_part("Machine ID"), "{texts}");
    h.click("Close");

    // with a manager password, the settings open only with it
    let hash = npbackup_core::config::permissions::hash_manager_password(
        &npbackup_common::secret::Secret::new("manager-pw-1"),
    )
    .unwrap();
    text.push_str(&format!(
        "\n[security]\nmanager-password-hash = \"{hash}\"\n"
    ));
    std::fs::write(&config, &text).unwrap();
    h.send(Message::WatchConfig);
    h.settle();
    h.click("Settings");
    h.assert_shows("A manager password protects these settings.");
    h.type_into("manager-password", "guess-guess");
    h.click("Unlock");
    h.assert_shows("Wrong manager password.");
    h.type_into("manager-password", "manager-pw-1");
    h.click("Unlock");
    h.assert_shows("Sources & exclusions");
}
