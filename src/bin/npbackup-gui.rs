//! `npbackup-gui`: a thin main; everything lives in `npbackup::gui`.

fn main() {
    std::process::exit(npbackup::gui::main());
}
