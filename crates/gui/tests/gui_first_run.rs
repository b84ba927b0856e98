//! A new user with no configuration: the window offers the embedded default,
//! "Set up with these defaults" writes the config (password in a private file)
//! and creates the local repository, and the first backup works. Its own test
//! binary, because the default locations come from $HOME, which it sets for the
//! whole process.

// the end-to-end helpers of the command line's tests (worlds, trees, peers)
#[path = "../../cli/tests/common/mod.rs"]
mod common;
mod gui_harness;

use std::os::unix::fs::PermissionsExt;

use common::*;
use gui_harness::Harness;

#[test]
fn the_window_sets_up_the_embedded_default_and_backs_up() {
    let w = World::new();
    let home = w.home();
    let docs = home.join("Documents");
    make_tree(&docs, false);
    // SAFETY: this binary's only test sets the variables before any thread of its
    // own starts; nothing else in the process reads the environment meanwhile.
    unsafe {
        std::env::set_var("HOME", &home);
        for (k, _) in std::env::vars() {
            if k.starts_with("XDG_") || k.starts_with("NPBACKUP_") {
                std::env::remove_var(k);
            }
        }
    }
    let config = home.join(".config/npbackup/npbackup.toml");
    let mut h = Harness::new(&w, &config);
    h.assert_shows(&format!(
        "Welcome to {}",
        npbackup_common::customization::PRODUCT_NAME
    ));
    assert!(h.shows_part(&docs.display().to_string()), "{}", h.texts());
    assert!(!config.exists());

    h.click("Set up with these defaults");
    h.settle();
    assert!(config.exists(), "the config was written");
    let password = home.join(".config/npbackup/npbackup-default.password");
    let mode = std::fs::metadata(&password).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "the password file is private: {mode:o}");
    h.assert_shows("Repository creation finished (just now)");
    h.assert_shows("Never backed up");

    h.click("Back up now");
    h.settle();
    h.assert_shows("Backup finished (just now)");
    h.assert_shows("1 snapshot");
    // the repository is where the default says, and restic reads it
    let repo = home.join(".local/share/npbackup/repos/default");
    assert!(repo.join("config").exists(), "{}", repo.display());
    let mut restic = restic(&w, &repo.display().to_string());
    restic.env("RESTIC_PASSWORD_FILE", &password).arg("check");
    restic_ok(&mut restic);
}
