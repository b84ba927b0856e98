#!/usr/bin/env bash
# Runs NPBackup on its embedded default: a local repository in your data folder,
# no server needed. Creates the config and the repository on first use, backs up
# the folders given (default: your Documents folder) and lists the snapshots.
#
#   scripts/run.sh [FOLDER...]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
cargo build --release --locked --bin npbackup-cli
cli=target/release/npbackup-cli

if ! "$cli" config path >/dev/null 2>&1; then
    "$cli" config init "$@"
fi
if ! "$cli" snapshots >/dev/null 2>&1; then
    "$cli" init
fi
if [ "$#" -gt 0 ]; then
    "$cli" backup "$@"
else
    "$cli" backup
fi
"$cli" snapshots
