//! The brand's constants (`$OUT_DIR/customization.rs`), from `resources/` or
//! `$NPBACKUP_RESOURCES`: see the `npbackup-branding` crate.

fn main() {
    npbackup_branding::constants();
}
