#!/usr/bin/env bash
# Runs NPBackup on its embedded default: a local repository in your data folder,
# no server needed. Creates the config (backing up the folders given, default:
# your Documents folder) and the repository on first use, then starts the desktop
# app. Without a graphical session it backs up with the CLI and lists the
# snapshots instead.
#
#   scripts/run.sh [FOLDER...]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
cargo build --release --locked --workspace --bins
cli=target/release/npbackup-cli
gui=target/release/npbackup-gui

if ! "$cli" config path >/dev/null 2>&1; then
    "$cli" config init "$@"
fi
if ! "$cli" snapshots >/dev/null 2>&1; then
    "$cli" init
fi
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "starting $gui (logs: ~/.local/state/npbackup/logs)"
    exec "$gui"
fi
echo "no graphical session (DISPLAY/WAYLAND_DISPLAY unset): backing up with the CLI instead"
if [ "$#" -gt 0 ]; then
    "$cli" backup "$@"
else
    "$cli" backup
fi
"$cli" snapshots
