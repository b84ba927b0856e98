//! The setup wizard, walked as a new user would: a first repository on a local
//! folder (after a failed connection test and a weak password), then one more on
//! a real REST server, then the first one again, recognised as existing and
//! opened with its password. Its own test binary, because the wizard's suggested
//! folders and default locations come from $HOME, which it sets for the process.

// the end-to-end helpers of the command line's tests (worlds, trees, peers)
#[path = "../../cli/tests/common/mod.rs"]
mod common;
mod gui_harness;

use common::*;
use gui_harness::Harness;
use npbackup_core::config::setup::DestinationKind;
use npbackup_gui::{Message, wizard};

fn wizard(m: wizard::Message) -> Message {
    Message::Wizard(m)
}

/// The generated password the window shows (five groups of five).
fn shown_password(h: &Harness) -> String {
    h.texts()
        .lines()
        .find(|l| l.len() == 29 && l.split('-').count() == 5 && l.split('-').all(|g| g.len() == 5))
        .unwrap_or_else(|| panic!("no generated password shown:\n{}", h.texts()))
        .to_string()
}

#[test]
fn a_new_user_sets_up_a_local_and_a_rest_repository_and_reconnects_an_existing_one() {
    let w = World::new();
    let home = w.home();
    let docs = home.join("Documents");
    make_tree(&docs, false);
    std::fs::create_dir_all(home.join("Pictures")).unwrap();
    std::fs::create_dir_all(home.join("Projects/site")).unwrap();
    std::fs::write(home.join("Projects/site/index.html"), b"<p>hi</p>").unwrap();
    std::fs::write(home.join("Pictures/cat.jpg"), b"not really a cat").unwrap();
    let tools = tools_dir();
    // SAFETY: this binary's only test sets the variables before any thread of its
    // own starts; nothing else in the process reads the environment meanwhile.
    unsafe {
        std::env::set_var("HOME", &home);
        // no session bus: the password goes to a private file, the same on every machine
        std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
        for (k, _) in std::env::vars() {
            if k.starts_with("XDG_") || k.starts_with("NPBACKUP_") {
                std::env::remove_var(k);
            }
        }
        // the test peers stay where they were installed for the real HOME
        std::env::set_var("NPBACKUP_TEST_TOOLS", &tools);
    }
    let config = home.join(".config/npbackup/npbackup.toml");
    let mut h = Harness::new(&w, &config);
    h.settle();
    h.click("Set up step by step…");
    h.settle();

    // 1. what: Documents is suggested and chosen, Pictures offered; the estimate shows
    h.assert_shows(&docs.display().to_string());
    h.assert_shows(&home.join("Pictures").display().to_string());
    assert!(h.shows_part("files,"), "{}", h.texts());
    // another folder, typed with the path field's completion
    h.type_into("wizard-new-path", &format!("{}/Pro", home.display()));
    h.click(&format!("{}/", home.join("Projects").display()));
    h.click("Add");
    h.settle();
    h.assert_shows(&home.join("Projects").display().to_string());
    h.click("Next");

    // 2. where: a server that is not there fails the test, and Next stays shut
    h.send(wizard(wizard::Message::Kind(DestinationKind::Rest)));
    let closed = free_port();
    h.type_into("url", &format!("http://127.0.0.1:{closed}/nobody"));
    h.click("Test connection");
    h.settle();
    assert!(h.shows_part("Failed:"), "{}", h.texts());
    assert!(
        h.shows_part(&format!("127.0.0.1:{closed}")),
        "{}",
        h.texts()
    );
    assert!(
        h.app.wizard().unwrap().problem().is_some(),
        "Next must stay shut after a failed test"
    );
    // a local folder that does not exist yet is fine: it is created with the repository
    h.send(wizard(wizard::Message::Kind(DestinationKind::Local)));
    let repo = home.join("backups/laptop");
    h.type_into("path", &repo.display().to_string());
    h.click("Test connection");
    h.settle();
    assert!(h.shows_part("will be created"), "{}", h.texts());
    h.click("Next");

    // 3. the password: a weak one is refused with advice, the generated one is kept
    // (iced_test finds no radio by its label: the choice is sent as the radio sends it)
    h.send(wizard(wizard::Message::Generate(false)));
    h.type_into("wizard-password", "password1");
    assert!(h.shows_part("Strength: "), "{}", h.texts());
    assert!(h.shows_part("too easy to guess"), "{}", h.texts());
    h.send(wizard(wizard::Message::Generate(true)));
    let password = shown_password(&h);
    h.click("Save recovery sheet…");
    h.settle();
    let sheet = h
        .opened
        .last()
        .expect("the recovery sheet was opened")
        .clone();
    let text = std::fs::read_to_string(&sheet).unwrap();
    assert!(text.contains(&password) && text.contains(&repo.display().to_string()));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&sheet).unwrap().permissions().mode() & 0o077,
        0
    );
    assert!(h.shows_part("Confirm that you have kept the password"));
    h.click("I have kept the password somewhere safe");
    h.click("Next");

    // 4. when: the default, daily at 12:30
    h.assert_shows("Back up by itself:");
    h.click("Next");

    // 5. the summary, then the repository and its first backup
    h.assert_shows(&format!(
        "Back up: {}, {}",
        docs.display(),
        home.join("Projects").display()
    ));
    h.assert_shows("When: daily at 12:30");
    h.click("Create the repository");
    h.settle();
    h.assert_shows("Backup finished (just now)");
    h.assert_shows("1 snapshot");
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(saved.contains("backup = \"daily at 12:30\""), "{saved}");
    assert!(saved.contains("\"node_modules\""), "{saved}");
    assert!(
        !saved.contains(&password),
        "the password is not in the config"
    );
    let password_file = home.join(".config/npbackup/npbackup-default.password");
    assert_eq!(
        std::fs::read_to_string(&password_file).unwrap().trim(),
        password
    );
    let mut check = restic(&w, &repo.display().to_string());
    check
        .env("RESTIC_PASSWORD_FILE", &password_file)
        .arg("check");
    restic_ok(&mut check);

    // a second repository, on a real REST server
    let (_server, port) = rest_server(&w, "alice", "rest-pass-1", "alice");
    h.click("Add repository…");
    h.settle();
    h.click("Next");
    h.send(wizard(wizard::Message::Kind(DestinationKind::Rest)));
    h.type_into("url", &format!("http://127.0.0.1:{port}/alice"));
    h.type_into("username", "alice");
    h.type_into("password", "rest-pass-1");
    h.click("Test connection");
    h.settle();
    assert!(h.shows_part("is empty, a new repository"), "{}", h.texts());
    h.click("Next");
    h.click("I have kept the password somewhere safe");
    h.click("Next");
    h.send(wizard(wizard::Message::Often(wizard::Often::Manual)));
    h.click("Next");
    h.assert_shows("When: when you click Back up now");
    h.click("Create the repository");
    h.settle();
    h.assert_shows("Backup finished (just now)");
    let c = npbackup_core::config::Config::load(&config).unwrap();
    assert_eq!(c.repo_names(), ["backup2", "default"]);
    let rc = c.repo("backup2").unwrap();
    assert_eq!(rc.uri, format!("rest:http://127.0.0.1:{port}/alice"));
    assert_eq!(rc.backend_options["username"], "alice");

    // the first repository again: recognised, and opened only with its password
    h.click("Add repository…");
    h.settle();
    h.click("Next");
    h.type_into("path", &repo.display().to_string());
    h.click("Test connection");
    h.settle();
    assert!(h.shows_part("a repository already exists"), "{}", h.texts());
    h.click("Next");
    h.assert_shows("A repository already exists there: type its password.");
    h.type_into("wizard-password", &password[..password.len() - 1]);
    h.click("Check password");
    h.settle();
    h.assert_shows("This password does not open the repository.");
    h.type_into("wizard-password", &password[password.len() - 1..]);
    h.click("Check password");
    h.settle();
    h.assert_shows("The password opens the repository.");
    h.click("I have kept the password somewhere safe");
    h.click("Next");
    h.click("Next");
    h.type_into("wizard-name", "-again");
    h.click("Make the first backup now");
    h.click("Connect");
    h.settle();
    let c = npbackup_core::config::Config::load(&config).unwrap();
    assert!(c.repo_names().contains(&"backup3-again".to_string()));
    h.assert_shows("1 snapshot");
}
