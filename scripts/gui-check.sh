#!/usr/bin/env bash
# Runs npbackup-gui for real under Xvfb, the way a person would meet it, and
# fails if it does not hold up:
#   1. a prepared config (one backup made): the window opens and stays up;
#      screenshot target/gui-check/window.png
#   2. with a real tray host (status-notifier-watcher + gtk-sni-tray-standalone,
#      in a private D-Bus session) and a real notification daemon (dunst): the
#      tray item is registered, its menu is read over D-Bus (dbusmenu), "Back up
#      now" is clicked there, a second snapshot appears and exactly one
#      notification says the backup finished; screenshot target/gui-check/tray.png;
#      "Quit" from the menu ends the app with exit code 0; started hidden (no
#      window), a click on the tray icon (Activate) opens the window, and a click on
#      the notification of a backup run from the tray opens it (dunstctl action);
#      screenshots target/gui-check/from-tray.png, from-notification.png
#   3. without a tray host, and without a session bus: the window still opens and
#      the log says once that there is no tray
#
#   scripts/gui-check.sh            # uses target/debug (build first: cargo build)
#   NPBACKUP_BIN_DIR=target/release scripts/gui-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bin_dir="${NPBACKUP_BIN_DIR:-target/debug}"
gui="$PWD/$bin_dir/npbackup-gui"
cli="$PWD/$bin_dir/npbackup-cli"
out="$PWD/target/gui-check"
for b in "$gui" "$cli"; do
    [ -x "$b" ] || { echo "gui-check: $b is missing: build first (cargo build)" >&2; exit 1; }
done
for t in Xvfb dbus-run-session import xdotool gdbus status-notifier-watcher gtk-sni-tray-standalone dunst dunstctl; do
    command -v "$t" >/dev/null || { echo "gui-check: $t is missing: run scripts/install-deps.sh test" >&2; exit 1; }
done

work="$(mktemp -d -t npb-gui-check-XXXXXX)"
rm -rf "$out" && mkdir -p "$out"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "gui-check: FAILED: $*" >&2
    echo "--- log files:" >&2
    cat "$work"/home/.local/state/*/logs/* 2>/dev/null | tail -n 40 >&2 || true
    for f in "$work"/*.out; do echo "--- $f" >&2; grep -v "^ " "$f" | tail -n 12 >&2; done
    exit 1
}

# an X server of our own
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
# -noreset: Xvfb would otherwise restart when its last client leaves, refusing the next one meanwhile
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp -noreset >"$work/xvfb.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$display" ] || fail "Xvfb did not start"
export DISPLAY=":$display" ICED_BACKEND=tiny-skia
# the menu items and texts this script looks for are the English ones
export NPBACKUP_LOCALE=en

# a user with a config, a repository and one backup
export HOME="$work/home"
mkdir -p "$HOME" "$work/src/docs"
for i in $(seq 20); do echo "document $i" >"$work/src/docs/file-$i.txt"; done
env -u NPBACKUP_CONFIG "$cli" config init "$work/src" >/dev/null
"$cli" init >/dev/null
"$cli" backup >/dev/null
count_snapshots() { "$cli" --json snapshots | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["result"]))'; }
[ "$(count_snapshots)" = 1 ] || fail "the prepared repository should hold one snapshot"

wait_window() { # the process id; fails unless a window named like the product shows up
    for _ in $(seq 100); do
        kill -0 "$1" 2>/dev/null || fail "npbackup-gui died (see its output below)"
        xdotool search --name "NPBackup" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    fail "no NPBackup window appeared within 20 s"
}

# --- 2: with a tray host, in a D-Bus session of our own ---
cat >"$work/tray.sh" <<'EOF'
set -euo pipefail
fail() { echo "FAILED: $*" >&2; exit 1; }
status-notifier-watcher >"$WORK/watcher.out" 2>&1 &
watcher=$!
for _ in $(seq 50); do
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner org.kde.StatusNotifierWatcher 2>/dev/null | grep -q true && break
    sleep 0.1
done
gtk-sni-tray-standalone --bottom >"$WORK/tray-host.out" 2>&1 &
host=$!
dunst >"$WORK/dunst.out" 2>&1 &
notifier=$!
"$GUI" >"$WORK/gui-tray.out" 2>&1 &
gui=$!
trap 'kill $gui $host $watcher $notifier 2>/dev/null || true' EXIT

# the tray item, as the watcher knows it ("service/path" or a bus name)
item=""
for _ in $(seq 100); do
    kill -0 $gui 2>/dev/null || fail "npbackup-gui died"
    item=$(gdbus call --session --dest org.kde.StatusNotifierWatcher --object-path /StatusNotifierWatcher \
        --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierWatcher RegisteredStatusNotifierItems \
        2>/dev/null | grep -o "'[^']*'" | head -n1 | tr -d "'") || true
    [ -n "$item" ] && break
    sleep 0.2
done
[ -n "$item" ] || fail "the tray item never registered with the StatusNotifierWatcher"
case "$item" in
    */*) dest="${item%%/*}"; path="/${item#*/}" ;;
    *) dest="$item"; path=/StatusNotifierItem ;;
esac
menu=$(gdbus call --session --dest "$dest" --object-path "$path" \
    --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierItem Menu | grep -o "'/[^']*'" | tr -d "'")
[ -n "$menu" ] || fail "the tray item has no menu"
layout=$(gdbus call --session --dest "$dest" --object-path "$menu" --method com.canonical.dbusmenu.GetLayout -- 0 -1 '[]')
echo "$layout" >"$WORK/menu.txt"
menu_id() { # the id of the item labelled $1
    echo "$layout" | grep -oP "\((\d+), \{[^}]*'label': <'$1'>" | grep -oP '^\(\d+' | tr -d '('
}
backup_id=$(menu_id "Back up now")
quit_id=$(menu_id "Quit")
[ -n "$backup_id" ] || fail "no \"Back up now\" in the tray menu: $layout"
[ -n "$quit_id" ] || fail "no \"Quit\" in the tray menu: $layout"
echo "$layout" | grep -q "'label': <'Open NPBackup'>" || fail "no \"Open NPBackup\" in the tray menu"

# wait for the window, then click "Back up now" in the tray menu
for _ in $(seq 100); do xdotool search --name NPBackup >/dev/null 2>&1 && break; sleep 0.2; done
gdbus call --session --dest "$dest" --object-path "$menu" --method com.canonical.dbusmenu.Event \
    "$backup_id" clicked '<0>' 0 >/dev/null
for _ in $(seq 150); do
    [ "$("$COUNT")" = 2 ] && break
    kill -0 $gui 2>/dev/null || fail "npbackup-gui died during the backup"
    sleep 0.2
done
[ "$("$COUNT")" = 2 ] || fail "\"Back up now\" in the tray made no snapshot"
# one notification, saying the backup finished
for _ in $(seq 50); do
    [ "$(dunstctl count displayed)" -ge 1 ] && break
    sleep 0.2
done
sleep 1 # the list refreshes and the tray shows the result
import -window root "$OUT/tray.png"
kill -0 $gui 2>/dev/null || fail "npbackup-gui died after the backup"
[ "$(dunstctl count displayed)" = 1 ] || fail "expected one notification, dunst shows $(dunstctl count displayed)"
dunstctl close-all
sleep 0.5
dunstctl history >"$WORK/notifications.json"
grep -q "default: Backup finished" "$WORK/notifications.json" || fail "no \"Backup finished\" notification: $(cat "$WORK/notifications.json")"

# "Pause backups for 1 hour": no scheduler service runs here, so the window holds
# its own schedule, in the state file the service would read
pause_id=$(menu_id "Pause backups for 1 hour")
[ -n "$pause_id" ] || fail "no \"Pause backups for 1 hour\" in the tray menu: $layout"
gdbus call --session --dest "$dest" --object-path "$menu" --method com.canonical.dbusmenu.Event \
    "$pause_id" clicked '<0>' 0 >/dev/null
for _ in $(seq 50); do grep -q '"paused_until": "' "$STATE" 2>/dev/null && break; sleep 0.2; done
grep -q '"paused_until": "' "$STATE" || fail "\"Pause backups for 1 hour\" paused nothing ($STATE)"

# "Quit" in the menu ends the app cleanly
gdbus call --session --dest "$dest" --object-path "$menu" --method com.canonical.dbusmenu.Event \
    "$quit_id" clicked '<0>' 0 >/dev/null
for _ in $(seq 50); do kill -0 $gui 2>/dev/null || break; sleep 0.2; done
if kill -0 $gui 2>/dev/null; then fail "Quit in the tray menu did not end the app"; fi
wait $gui || fail "npbackup-gui exited with $? after Quit"

# the window opened from the tray icon, and from a notification: the app started
# hidden (as at login), with no window; each run quit from its menu
# a window of this app's process, mapped (shown)
has_window() { xdotool search --onlyvisible --pid $gui --name NPBackup >/dev/null 2>&1; }
wait_for() { # $1: what it waits for (a command), $2: what failed
    for _ in $(seq 100); do
        kill -0 $gui 2>/dev/null || fail "npbackup-gui died ($2)"
        eval "$1" && return 0
        sleep 0.2
    done
    fail "$2"
}
registered() { # the tray item the watcher knows, if any
    gdbus call --session --dest org.kde.StatusNotifierWatcher --object-path /StatusNotifierWatcher \
        --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierWatcher RegisteredStatusNotifierItems \
        2>/dev/null | grep -o "'[^']*'" | head -n1 | tr -d "'"
}
start_hidden() { # $1: a name for its output; sets gui, dest, path, menu
    for _ in $(seq 50); do [ -z "$(registered)" ] && break; sleep 0.2; done
    "$GUI" --hidden >"$WORK/gui-$1.out" 2>&1 &
    gui=$!
    trap 'kill $gui $host $watcher $notifier 2>/dev/null || true' EXIT
    wait_for '[ -n "$(registered)" ]' "the tray item of the hidden app never registered"
    item=$(registered)
    case "$item" in
        */*) dest="${item%%/*}"; path="/${item#*/}" ;;
        *) dest="$item"; path=/StatusNotifierItem ;;
    esac
    menu=$(gdbus call --session --dest "$dest" --object-path "$path" \
        --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierItem Menu | grep -o "'/[^']*'" | tr -d "'")
    sleep 2
    if has_window; then fail "--hidden showed a window"; fi
}
quit_it() {
    layout=$(gdbus call --session --dest "$dest" --object-path "$menu" --method com.canonical.dbusmenu.GetLayout -- 0 -1 '[]')
    gdbus call --session --dest "$dest" --object-path "$menu" --method com.canonical.dbusmenu.Event \
        "$(menu_id "Quit")" clicked '<0>' 0 >/dev/null
    for _ in $(seq 50); do kill -0 $gui 2>/dev/null || break; sleep 0.2; done
    wait $gui || fail "npbackup-gui exited with $? after Quit"
}

# a click on the tray icon (the host's Activate) opens the window
start_hidden icon
gdbus call --session --dest "$dest" --object-path "$path" \
    --method org.kde.StatusNotifierItem.Activate 10 10 >/dev/null
wait_for has_window "a click on the tray icon opened no window"
sleep 2 # painted
import -window root "$OUT/from-tray.png"
quit_it

# a click on a notification (its default action) opens the window
start_hidden notice
layout=$(gdbus call --session --dest "$dest" --object-path "$menu" --method com.canonical.dbusmenu.GetLayout -- 0 -1 '[]')
dunstctl close-all
gdbus call --session --dest "$dest" --object-path "$menu" --method com.canonical.dbusmenu.Event \
    "$(menu_id "Back up now")" clicked '<0>' 0 >/dev/null
wait_for '[ "$(dunstctl count displayed)" -ge 1 ]' "the hidden app's backup showed no notification"
if has_window; then fail "a backup from the tray opened the window by itself"; fi
dunstctl action 0
wait_for has_window "a click on the notification opened no window"
sleep 2 # painted
import -window root "$OUT/from-notification.png"
quit_it
EOF
printf '#!/bin/sh\n"%s" --json snapshots | python3 -c '"'"'import json,sys; print(len(json.load(sys.stdin)["result"]))'"'"'\n' "$cli" >"$work/count.sh"
chmod +x "$work/count.sh"
WORK="$work" GUI="$gui" OUT="$out" COUNT="$work/count.sh" STATE="$HOME/.local/state/npbackup/scheduler.json" \
    dbus-run-session -- bash "$work/tray.sh" || fail "the tray run failed"
echo "gui-check: tray: item registered, menu read over D-Bus, \"Back up now\" made a snapshot and one notification, \"Pause backups for 1 hour\" paused the schedule, \"Quit\" ended the app; started hidden, a click on the tray icon and a click on a notification each opened the window"

# --- 1: the window, for a look (no tray host; a session bus) ---
logs="$HOME/.local/state/npbackup/logs"
rm -rf "$logs"
dbus-run-session -- sh -c "'$gui' >'$work/gui-window.out' 2>&1 & echo \$! >'$work/gui.pid'; sleep 8; kill \$(cat '$work/gui.pid') 2>/dev/null || true" &
session=$!
sleep 1
gui_pid=$(cat "$work/gui.pid")
wait_window "$gui_pid"
sleep 3 # the snapshot list loads
kill -0 "$gui_pid" 2>/dev/null || fail "npbackup-gui died"
import -window root "$out/window.png"
wait "$session" || true
grep -q "no tray host" "$logs"/* || fail "without a tray host the log should say so"
[ "$(grep -c "no tray host" "$logs"/*)" = 1 ] || fail "the log should say it once"
echo "gui-check: window: opened and stayed up without a tray host (said once in the log)"

# --- 3: no session bus at all ---
rm -rf "$logs"
env -u DBUS_SESSION_BUS_ADDRESS "$gui" >"$work/gui-nobus.out" 2>&1 &
gui_pid=$!
pids+=("$gui_pid")
wait_window "$gui_pid"
sleep 2
kill -0 "$gui_pid" 2>/dev/null || fail "npbackup-gui died without a session bus"
import -window root "$out/no-bus.png"
kill "$gui_pid"
grep -q "no tray is available" "$logs"/* || fail "without a session bus the log should say there is no tray"
echo "gui-check: no session bus: the window runs alone (said in the log)"
echo "gui-check: passed; screenshots in $out"
