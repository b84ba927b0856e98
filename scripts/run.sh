#!/usr/bin/env bash
# Runs NPBackup on its embedded default: a local repository in your data folder,
# no server needed. Creates the config (backing up the folders given, default:
# your Documents folder) and the repository on first use, then starts the desktop
# app. Without a graphical session it backs up with the CLI and lists the
# snapshots instead.
#
# With the Debian packages installed (npbackup, npbackup-gui), it runs those and builds
# nothing; otherwise it builds the CLI and the app with the `quick` profile (release
# optimisation without LTO: see docs/benchmarks.md for the first build's time).
# NPBACKUP_RUN_FROM_SOURCE=1 builds even when the packages are installed.
#
#   scripts/run.sh [FOLDER...]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${NPBACKUP_RUN_FROM_SOURCE:-}" ] && [ -x /usr/bin/npbackup-cli ] && [ -x /usr/bin/npbackup-gui ] &&
    dpkg -s npbackup-gui >/dev/null 2>&1; then
    echo "using the installed packages (NPBACKUP_RUN_FROM_SOURCE=1 builds this checkout instead)"
    cli=/usr/bin/npbackup-cli
    gui=/usr/bin/npbackup-gui
else
    scripts/install-deps.sh build
    cargo build --profile quick --locked -p npbackup-cli -p npbackup-gui --bins
    cli=target/quick/npbackup-cli
    gui=target/quick/npbackup-gui
fi

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
