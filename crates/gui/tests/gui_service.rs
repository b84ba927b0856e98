//! The switch "Keep backing up when this window is closed": it installs the per-user
//! scheduler service (systemd's unit, `systemctl --user enable --now`) and removes it
//! again, showing its state and, when systemd refuses, why. systemctl runs for real;
//! where no user manager runs (this machine's containers) it fails, and the window
//! must say why and stay off, with no unit left behind. Its own test binary,
//! because the unit's folder comes from $HOME, which it sets for the whole process.

// the end-to-end helpers of the command line's tests (worlds, trees, peers)
#[path = "../../cli/tests/common/mod.rs"]
mod common;
mod gui_harness;

use common::*;
use gui_harness::Harness;
use npbackup_gui::{Message, dashboard::Message as D};

#[test]
fn the_switch_installs_and_removes_the_user_service() {
    let w = World::new();
    let home = w.home();
    // SAFETY: this binary's only test sets the variables before any thread of its
    // own starts; nothing else in the process reads the environment meanwhile.
    unsafe {
        std::env::set_var("HOME", &home);
        for (k, _) in std::env::vars() {
            if k.starts_with("XDG_CONFIG") {
                std::env::remove_var(k);
            }
        }
    }
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);
    let config = w.config(&format!(
        "[repos.default]\nuri = \"{}\"\npassword-file = \"{}\"\n\
         [repos.default.backup]\npaths = [\"{}\"]\n",
        repo.display(),
        w.password_file().display(),
        src.display()
    ));
    let unit = home.join(".config/systemd/user/npbackup.service");

    let mut h = Harness::new(&w, &config);
    h.settle();
    h.assert_shows("Keep backing up when this window is closed");
    assert!(
        h.shows_part("off: scheduled backups run while this window is open"),
        "{}",
        h.texts()
    );
    assert!(!unit.exists());

    // on: the unit is written for this configuration and started; where systemd
    // refuses, the switch says why and stays off, no unit left behind
    h.send(Message::Dashboard(D::KeepBackingUp(true)));
    h.assert_shows("changing…");
    h.settle();
    let shown = h.texts();
    if shown.contains("on: the scheduler service runs them") {
        // a user manager runs here: the service is up, for this configuration
        let text = std::fs::read_to_string(&unit).expect("the unit is written");
        assert!(
            text.contains("daemon") && text.contains(&config.display().to_string()),
            "{text}"
        );
        assert!(!shown.contains("could not be changed"), "{shown}");
    } else {
        assert!(
            shown.contains("The scheduler service could not be changed: ")
                && shown.contains("systemctl --user")
                && shown.contains("off: scheduled backups run while this window is open"),
            "{shown}"
        );
        assert!(
            !unit.exists(),
            "a switch that did not turn on leaves no unit"
        );
    }

    // off: removed (or nothing to remove), and said so
    h.send(Message::Dashboard(D::KeepBackingUp(false)));
    h.settle();
    assert!(!unit.exists(), "the unit is removed");
    assert!(
        h.shows_part("off: scheduled backups run while this window is open"),
        "{}",
        h.texts()
    );
    assert!(!h.shows_part("could not be changed"), "{}", h.texts());
}
