#!/usr/bin/env bash
# The whole test suite: installs the test peers (restic, sshd, a REST server, an
# S3 server) if missing, checks formatting and lints, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked --all-targets
scripts/check-brand.sh
