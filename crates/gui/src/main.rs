//! `npbackup-gui`: a thin main; everything lives in the `npbackup_gui` library.

fn main() {
    std::process::exit(npbackup_gui::main());
}
