//! "Managed by my organisation" for real: a new user with no configuration
//! enrols from the welcome screen with a real `npbackup-server` on loopback (a
//! wrong token said plainly first), receives the group's configuration with its
//! repository password sealed to this machine, sees the repository and backs up.
//! Its own test binary, because the fleet folder comes from $HOME, which it sets
//! for the whole process.

// the end-to-end helpers of the command line's tests (worlds, trees, peers, the fleet server)
#[path = "../../cli/tests/common/mod.rs"]
mod common;
mod gui_harness;

use common::{fleet_server::*, *};
use gui_harness::Harness;

#[test]
fn a_new_user_enrols_with_the_organisation_and_backs_up() {
    let w = World::new();
    let home = w.home();
    // SAFETY: this binary's only test sets the variables before any thread of its
    // own starts; nothing else in the process reads the environment meanwhile.
    unsafe {
        std::env::set_var("HOME", &home);
        // no session bus: the machine's keys and secrets go to owner-only files
        std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
        for (k, _) in std::env::vars() {
            if k.starts_with("XDG_") || k.starts_with("NPBACKUP_") {
                std::env::remove_var(k);
            }
        }
    }
    // the organisation: a server, a repository, the group's template and password
    let data = w.path("server");
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);
    init(&data);
    admin(
        &data,
        &["secret", "set", "office", "repo-password"],
        &format!("{PASSWORD}\n"),
        0,
    );
    let template = w.path("office.toml");
    std::fs::write(
        &template,
        format!(
            "[groups.office.backup]\npaths = [\"{}\"]\n\n[repos.office]\ngroup = \"office\"\nuri = \"{}\"\npassword-fleet = \"repo-password\"\n",
            src.display(),
            repo.display()
        ),
    )
    .unwrap();
    admin(
        &data,
        &["group", "set-config", "office", template.to_str().unwrap()],
        "",
        0,
    );
    let token = admin_json(
        &data,
        &["token", "create", "--group", "office", "--uses", "1"],
    );
    let token = token["token"].as_str().unwrap().to_string();
    let (_server, port) = serve(&data);

    let config = home.join(".config/npbackup/npbackup.toml");
    let mut h = Harness::new(&w, &config);
    h.click("Managed by my organisation…");
    h.settle();
    h.assert_shows("Managed by my organisation");
    h.type_into("managed-server", &format!("http://127.0.0.1:{port}"));
    h.type_into("managed-token", "abcd.not-a-token");
    h.click("Enrol this computer");
    h.settle();
    assert!(
        h.shows_part("token"),
        "a wrong token is said: {}",
        h.texts()
    );
    assert!(!config.exists());

    h.send(npbackup_gui::Message::Managed(
        npbackup_gui::managed::Message::Token(token.clone()),
    ));
    h.click("Enrol this computer");
    h.settle();
    assert!(
        config.exists(),
        "the organisation's configuration: {}",
        h.texts()
    );
    h.assert_shows("office");
    h.click("Back up now");
    h.settle();
    h.assert_shows("Backup finished (just now)");
    // the machine is enrolled, its secret owner-only, and the server saw its backup
    run(w.cli().arg("-c").arg(&config).args(["fleet", "checkin"]), 0);
    let list = admin_json(&data, &["clients"]);
    let m = &list.as_array().unwrap()[0];
    assert_eq!(m["group"], "office");
    assert!(m["last_backup"].as_i64().is_some(), "{list}");
    assert!(
        !std::fs::read_to_string(&config).unwrap().contains(PASSWORD),
        "the password is not in the configuration"
    );
}
