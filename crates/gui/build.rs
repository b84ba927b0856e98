//! The Windows executable's version resource and icon, from the brand.

fn main() {
    npbackup_branding::windows_resources();
}
