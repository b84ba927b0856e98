//! The window in French: the welcome screen, ages and sizes as French readers
//! write them. Its own test binary, because the language is the process's.
#![cfg(feature = "gui")]

mod common;
mod gui_harness;

use common::*;
use gui_harness::Harness;
use npbackup::i18n::Lang;

#[test]
fn the_window_speaks_french() {
    let w = World::new();
    let h = Harness::in_language(&w, &w.path("none-yet.toml"), Lang::Fr);
    let product = npbackup::customization::PRODUCT_NAME;
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
    assert_eq!(npbackup::humanize::size(1_500_000), "1,5\u{a0}Mo");
    let now = jiff::Timestamp::now();
    let three_hours = now - jiff::SignedDuration::from_hours(3);
    assert_eq!(npbackup::humanize::ago(three_hours, now), "il y a 3 heures");
    assert_eq!(
        npbackup::humanize::period(std::time::Duration::from_secs(86_400)),
        "1 jour"
    );
}
