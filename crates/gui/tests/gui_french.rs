//! The window in French: the welcome screen, ages and sizes as French readers
//! write them. Its own test binary, because the language is the process's.

// the end-to-end helpers of the command line's tests (worlds, trees, peers)
#[path = "../../cli/tests/common/mod.rs"]
mod common;
mod gui_harness;

use common::*;
use gui_harness::Harness;
use npbackup_common::i18n::Lang;

#[test]
fn the_window_speaks_french() {
    let w = World::new();
    make_tree(&w.home().join("Documents"), false);
    let tools = tools_dir();
    // SAFETY: this binary's only test sets the variables before any thread of its
    // own starts; nothing else in the process reads the environment meanwhile.
    unsafe {
        // the wizard suggests (and counts) the folders of this home, not the real one
        std::env::set_var("HOME", w.home());
        for (k, _) in std::env::vars() {
            if k.starts_with("XDG_") || k.starts_with("NPBACKUP_") {
                std::env::remove_var(k);
            }
        }
        std::env::set_var("NPBACKUP_TEST_TOOLS", &tools);
    }
    let mut h = Harness::in_language(&w, &w.path("none-yet.toml"), Lang::Fr);
    let product = npbackup_common::customization::PRODUCT_NAME;
    h.assert_shows(&format!("Bienvenue dans {product}"));
    h.assert_shows("Configurer avec ces réglages");
    h.assert_shows("Configurer pas à pas…");
    h.assert_shows("Ouvrir un dépôt…");
    assert!(
        !h.shows_part("Welcome"),
        "English is left on the French welcome screen:\n{}",
        h.texts()
    );
    // numbers and times as French readers write them
    assert_eq!(npbackup_common::humanize::size(1_500_000), "1,5\u{a0}Mo");
    let now = jiff::Timestamp::now();
    let three_hours = now - jiff::SignedDuration::from_hours(3);
    assert_eq!(
        npbackup_common::humanize::ago(three_hours, now),
        "il y a 3 heures"
    );
    assert_eq!(
        npbackup_common::humanize::period(std::time::Duration::from_secs(86_400)),
        "1 jour"
    );
    let date = npbackup_common::humanize::local(now);
    assert_eq!(date.as_bytes()[2], b'/', "a French date: {date}");

    // the setup wizard, in French from its first step
    h.click("Configurer pas à pas…");
    h.settle();
    h.assert_shows(&format!("Bienvenue dans {product} — Que sauvegarder"));
    h.assert_shows("Laisser de côté :");
    assert!(
        h.shows_part("à sauvegarder (la première sauvegarde lit tout"),
        "{}",
        h.texts()
    );
    h.click("Suivant");
    h.assert_shows("Où mettre les sauvegardes ?");
    h.assert_shows("Testez d'abord la connexion.");
    h.click("Annuler");

    // the default set up in one click, then the main window and a backup, in French
    h.click("Configurer avec ces réglages");
    h.settle();
    h.assert_shows("Jamais sauvegardé");
    h.assert_shows("Création du dépôt terminée (à l'instant)");
    h.assert_shows("0 instantané");
    h.click("Sauvegarder maintenant");
    h.settle();
    h.assert_shows("Sauvegarde terminée (à l'instant)");
    h.assert_shows("1 instantané");
    h.assert_shows("Hôte");
    assert!(h.shows_part("Dernière sauvegarde de"), "{}", h.texts());

    // the browser and the settings
    h.click("Parcourir et restaurer");
    h.settle();
    h.assert_shows("Restaurer tout l'instantané…");
    h.click("← Retour");
    h.settle();
    h.click("Réglages");
    h.assert_shows("Sources et exclusions");
    h.assert_shows("Dossiers et fichiers à sauvegarder");
    assert!(
        h.shows_part("hérité du groupe") || h.shows_part("hérité de"),
        "{}",
        h.texts()
    );
}
