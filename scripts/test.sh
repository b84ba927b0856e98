#!/usr/bin/env bash
# The whole test suite: installs the test peers (restic, sshd, a REST server, an
# S3 server, Xvfb and a tray host) if missing, checks formatting and lints, runs
# every test, a short robustness run, then the desktop app for real under Xvfb, the packages (installed and removed
# with dpkg, the install script, the Windows installer script), then the OEM brand build.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
# a clean clone's build and tests leave about 5.3 GB (measured after a whole run); a
# full disk shows up as a linker's "Bus error" (a CI run failed so): say how much
# room there is before starting
free_kib=$(df -Pk . | awk 'NR == 2 { print $4 }')
echo "free disk space here: $((free_kib / 1024 / 1024)) GiB"
if [ "${free_kib:-0}" -lt $((10 * 1024 * 1024)) ]; then
    echo "warning: less than 10 GiB free where the build goes; it may fail with a full disk" >&2
fi
if [ -n "${CI:-}" ]; then
    # a clean machine builds everything once: no incremental state, and no debug
    # information (every test binary links every dependency: with it they weigh
    # 200-250 MB each, 40 of them, which filled a CI machine's disk; panics still
    # name their file and line)
    export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_DEV_STRIP=debuginfo
fi
cargo fmt --check
cargo clippy --workspace --all-targets --locked -- -D warnings
ICED_TEST_BACKEND=tiny-skia cargo test --locked --workspace --all-targets
# a short run of the robustness loop (docs/robustness.md has the long one)
scripts/robustness --rounds 16 --seed 1
scripts/gui-check.sh
scripts/check-packages.sh
scripts/check-brand.sh
