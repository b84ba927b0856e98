//! `npbackup-cli`: a thin main; everything lives in the `npbackup_cli` library.

fn main() {
    std::process::exit(npbackup_cli::main());
}
