#!/usr/bin/env bash
# The whole test suite: installs the test peers (restic, sshd, a REST server, an
# S3 server, Xvfb and a tray host) if missing, checks formatting and lints, runs
# every test, then the desktop app for real under Xvfb, the packages (installed and removed
# with dpkg, the install script, the Windows installer script), then the OEM brand build.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
cargo fmt --check
cargo clippy --workspace --all-targets --locked -- -D warnings
ICED_TEST_BACKEND=tiny-skia cargo test --locked --workspace --all-targets
scripts/gui-check.sh
scripts/check-packages.sh
scripts/check-brand.sh
