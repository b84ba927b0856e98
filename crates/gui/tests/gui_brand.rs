//! The brand the binaries were built with shows in the window: its name on the
//! welcome screen, in the title and the About box with its company and licence,
//! its colours in the theme and its icons in the tray, and no other product's
//! name. It reads the brand folder the build used (`$NPBACKUP_RESOURCES`, else
//! `resources/`), so `scripts/check-brand.sh` runs it on a second brand.

// the end-to-end helpers of the command line's tests (worlds, trees, peers)
#[path = "../../cli/tests/common/mod.rs"]
mod common;
mod gui_harness;

use std::path::PathBuf;

use common::*;
use gui_harness::Harness;
use npbackup_gui::icon::{self, Sign};

fn brand_dir() -> PathBuf {
    std::env::var_os("NPBACKUP_RESOURCES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../resources"))
}

fn hex(c: iced::Color) -> String {
    format!(
        "#{:02X}{:02X}{:02X}",
        (c.r * 255.0).round() as u8,
        (c.g * 255.0).round() as u8,
        (c.b * 255.0).round() as u8
    )
}

#[test]
fn the_window_shows_the_brand_it_was_built_with_and_no_other() {
    let dir = brand_dir();
    let brand: toml::Table = std::fs::read_to_string(dir.join("branding.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let product = brand["product-name"].as_str().unwrap();
    let company = brand["company"].as_str().unwrap();
    let colours = brand["colours"].as_table().unwrap();
    let licence = std::fs::read_to_string(dir.join("licence.txt")).unwrap();

    let w = World::new();
    let mut h = Harness::new(&w, &w.path("no-config-yet.toml"));
    h.assert_shows(&format!("Welcome to {product}"));
    assert_eq!(h.app.title(iced::window::Id::unique()), product);
    let palette = h.app.theme(iced::window::Id::unique()).palette();
    for (key, colour) in [
        ("primary", palette.primary),
        ("ok", palette.success),
        ("warning", palette.warning),
        ("error", palette.danger),
    ] {
        assert_eq!(
            hex(colour),
            colours[key].as_str().unwrap().to_uppercase(),
            "colours.{key}"
        );
    }
    // the tray's icons are the brand's files, decoded
    let ok = icon::image(Sign::Ok);
    let n = ok.size as usize;
    let centre_left = ((n / 2) * n + n / 6) * 4;
    let px = &ok.rgba[centre_left..centre_left + 3];
    let want = colours["ok"].as_str().unwrap();
    let want: Vec<u8> = (0..3)
        .map(|i| u8::from_str_radix(&want[1 + 2 * i..3 + 2 * i], 16).unwrap())
        .collect();
    assert!(
        px.iter().zip(&want).all(|(a, b)| a.abs_diff(*b) < 12),
        "the ok icon's disc is {px:?}, the brand's ok colour {want:?}"
    );

    h.click("Set up step by step…");
    h.click("Cancel");
    let mut seen = h.texts();
    h.click("Open a repository…");
    seen.push_str(&h.texts());
    h.click("Cancel");

    // a configuration, then the About box
    let src = w.path("src");
    make_tree(&src, false);
    let cfg = w.config(&format!(
        "[repos.default]\nuri = \"{}\"\npassword-file = \"{}\"\nbackup.paths = [\"{}\"]\n",
        w.path("repo").display(),
        w.password_file().display(),
        src.display()
    ));
    let mut h = Harness::new(&w, &cfg);
    h.click("About");
    h.assert_shows(product);
    assert!(h.shows_part(company), "{}", h.texts());
    let first_line = licence.lines().next().unwrap();
    assert!(h.shows_part(first_line), "{}", h.texts());
    seen.push_str(&h.texts());
    if product != "NPBackup" {
        assert!(
            !seen.contains("NPBackup"),
            "another brand's name shows:\n{seen}"
        );
    }
}
