//! `npbackup-cli`: a thin main; everything lives in `npbackup::cli`.

fn main() {
    std::process::exit(npbackup::cli::main());
}
