#!/bin/sh
# Installs NPBackup from its release tarball on any Linux distribution (run it from
# the unpacked folder):
#
#   sudo ./install.sh            system-wide: /usr/local, the scheduler as a system service
#                                (configuration in /etc/npbackup/), the tray's autostart for everyone
#   ./install.sh --user          for you alone: ~/.local, a user service, your menu and autostart
#   ./install.sh --uninstall     removes what the same kind of install put there (the
#                                configuration and the backups' state stay)
#
# Options: --system | --user (default: --system as root, else --user), --prefix DIR,
# --uninstall, --no-autostart. Running it again updates the installed files. The
# services are installed, not started: `systemctl enable --now npbackup` (or
# `systemctl --user enable --now npbackup`) once a configuration exists.
# NPBACKUP_INSTALL_ROOT=DIR puts the system units and autostart entry under DIR
# (image builders, tests).
set -eu

short="npbackup"
product="NPBackup"

here="$(cd "$(dirname "$0")" && pwd)"
mode=""
prefix=""
uninstall=0
autostart=1
while [ $# -gt 0 ]; do
    case "$1" in
        --system) mode=system ;;
        --user) mode=user ;;
        --prefix) prefix="${2:?--prefix needs a folder}"; shift ;;
        --uninstall) uninstall=1 ;;
        --no-autostart) autostart=0 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
uid="$(id -u)"
if [ -z "$mode" ]; then
    if [ "$uid" = 0 ]; then mode=system; else mode=user; fi
fi

if [ "$mode" = system ]; then
    if [ "$uid" != 0 ]; then
        echo "install.sh: a system-wide install needs root: run it with sudo, or install for yourself with --user" >&2
        exit 1
    fi
    prefix="${prefix:-/usr/local}"
    units="${NPBACKUP_INSTALL_ROOT:-}/etc/systemd/system"
    autostart_dir="${NPBACKUP_INSTALL_ROOT:-}/etc/xdg/autostart"
    manifest="$prefix/share/$short/installed-files"
else
    [ -n "${HOME:-}" ] || { echo "install.sh: HOME is not set" >&2; exit 1; }
    prefix="${prefix:-$HOME/.local}"
    units="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
    autostart_dir="${XDG_CONFIG_HOME:-$HOME/.config}/autostart"
    manifest="$prefix/share/$short/installed-files"
fi

if [ "$uninstall" = 1 ]; then
    if [ ! -f "$manifest" ]; then
        echo "install.sh: nothing to remove: $manifest does not exist (was it installed with --$mode${prefix:+ --prefix $prefix}?)" >&2
        exit 1
    fi
    if command -v systemctl >/dev/null 2>&1; then
        if [ "$mode" = system ]; then
            systemctl disable --now "$short.service" >/dev/null 2>&1 || true
        else
            systemctl --user disable --now "$short.service" >/dev/null 2>&1 || true
        fi
    fi
    while IFS= read -r f; do
        [ -n "$f" ] && rm -f "$f"
    done <"$manifest"
    rm -f "$manifest"
    # the folders this install made, when empty
    for d in "$prefix/share/$short" "$prefix/bin" "$units" "$autostart_dir"; do
        rmdir "$d" 2>/dev/null || true
    done
    echo "$product removed from $prefix (your configuration and backups are untouched)."
    exit 0
fi

[ -x "$here/bin/$short-cli" ] || {
    echo "install.sh: $here/bin/$short-cli is missing: run install.sh from the unpacked release" >&2
    exit 1
}
if ! mkdir -p "$prefix/bin" 2>/dev/null || [ ! -w "$prefix/bin" ]; then
    echo "install.sh: cannot write to $prefix/bin: choose another --prefix, or run as its owner" >&2
    exit 1
fi

new_manifest="$(mktemp)"
trap 'rm -f "$new_manifest"' EXIT
# put MODE SOURCE DEST: copied whole, then renamed over (a running program keeps its file)
put() {
    mkdir -p "$(dirname "$3")"
    cp "$2" "$3.new.$$"
    chmod "$1" "$3.new.$$"
    mv -f "$3.new.$$" "$3"
    echo "$3" >>"$new_manifest"
}

for b in "$here"/bin/*; do
    put 0755 "$b" "$prefix/bin/$(basename "$b")"
done
if [ -d "$here/share" ]; then
    (cd "$here/share" && find . -type f) | while IFS= read -r f; do
        f="${f#./}"
        case "$f" in
            applications/*|metainfo/*|icons/*|man/*|bash-completion/*|zsh/*|fish/*) ;;
            *) continue ;;
        esac
        dest="$prefix/share/$f"
        # a desktop entry names the program where it is
        if [ "${f%.desktop}" != "$f" ]; then
            mkdir -p "$(dirname "$dest")"
            sed "s#^Exec=$short-gui#Exec=$prefix/bin/$short-gui#" "$here/share/$f" >"$dest.new.$$"
            chmod 0644 "$dest.new.$$"
            mv -f "$dest.new.$$" "$dest"
            echo "$dest" >>"$new_manifest"
        else
            put 0644 "$here/share/$f" "$dest"
        fi
    done
fi

# the scheduler's unit, naming the programs where they are
unit_src="$here/lib/systemd/$mode/$short.service"
if [ -f "$unit_src" ] && [ "$prefix" != "" ]; then
    mkdir -p "$units"
    if [ "$mode" = system ]; then
        # the scheduler upgrades itself in place: the unit's ProtectSystem must let it write there
        sed -e "s#/usr/bin/#$prefix/bin/#g" -e "/^\[Service\]\$/a\\
ReadWritePaths=$prefix/bin" "$unit_src" >"$units/$short.service.new.$$"
    else
        sed "s#/usr/bin/#$prefix/bin/#g" "$unit_src" >"$units/$short.service.new.$$"
    fi
    chmod 0644 "$units/$short.service.new.$$"
    mv -f "$units/$short.service.new.$$" "$units/$short.service"
    echo "$units/$short.service" >>"$new_manifest"
fi
if [ "$autostart" = 1 ] && [ -f "$here/etc/xdg/autostart/$short-gui.desktop" ]; then
    mkdir -p "$autostart_dir"
    sed "s#^Exec=$short-gui#Exec=$prefix/bin/$short-gui#" "$here/etc/xdg/autostart/$short-gui.desktop" \
        >"$autostart_dir/$short-gui.desktop.new.$$"
    chmod 0644 "$autostart_dir/$short-gui.desktop.new.$$"
    mv -f "$autostart_dir/$short-gui.desktop.new.$$" "$autostart_dir/$short-gui.desktop"
    echo "$autostart_dir/$short-gui.desktop" >>"$new_manifest"
fi

# what an earlier install put there and this one did not: removed
mkdir -p "$(dirname "$manifest")"
if [ -f "$manifest" ]; then
    sort -u "$new_manifest" >"$new_manifest.sorted"
    sort -u "$manifest" | comm -23 - "$new_manifest.sorted" | while IFS= read -r old; do
        rm -f "$old"
    done
    rm -f "$new_manifest.sorted"
fi
sort -u "$new_manifest" >"$manifest"
chmod 0644 "$manifest"

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    if [ "$mode" = system ]; then systemctl daemon-reload || true; else systemctl --user daemon-reload 2>/dev/null || true; fi
fi
echo "$product installed in $prefix ($(wc -l <"$manifest") files)."
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "Add $prefix/bin to your PATH to run $short-cli by name." ;;
esac
if [ "$mode" = system ]; then
    echo "Next: $short-cli -c /etc/$short/$short.toml config init, then: systemctl enable --now $short"
else
    echo "Next: $short-cli config init (or open $product from your menu), then: systemctl --user enable --now $short"
fi
