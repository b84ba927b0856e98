#!/usr/bin/env bash
# Installs what building and testing NPBackup needs on Debian/Ubuntu, and
# nothing else. Safe to run again: it skips what is already there.
#
#   scripts/install-deps.sh build   # what building and running needs (a C compiler; the libraries
#                                   # the desktop app loads: X11/Wayland, xkbcommon, fonts)
#   scripts/install-deps.sh test    # + the peers the tests use: restic, sshd, a REST server, an S3
#                                   # server, Xvfb, a D-Bus session, a real tray host, and
#                                   # Chromium with chromedriver
set -euo pipefail

what="${1:-test}"
here="$(cd "$(dirname "$0")/.." && pwd)"
tools="${NPBACKUP_TEST_TOOLS:-$HOME/.cache/npbackup-test-tools}"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

apt_install() {
    local missing=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing Debian packages: ${missing[*]}"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Build needs: a C compiler and pkg-config for -sys crates. The desktop app loads
# the windowing libraries at run time (winit opens them with dlopen), and needs a font.
apt_install gcc pkg-config ca-certificates \
    libx11-6 libx11-xcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon0 libxkbcommon-x11-0 \
    libwayland-client0 fonts-dejavu-core
# `mount` and the browser's "Open in file manager": fusermount3 lets a user (not root)
# mount FUSE folders; xdg-open hands a folder to the desktop's file manager.
apt_install fuse3 xdg-utils

if [ "$what" = "build" ]; then exit 0; fi

# Test peers from Debian: the real restic binary (interop), OpenSSH (SFTP on loopback), the
# Prometheus push gateway (monitoring),
# Python's venv (for the S3 server below).
apt_install restic rclone openssh-server openssh-client python3 python3-venv prometheus-pushgateway openssl
# The scheduler's tests: time zones with daylight saving (tzdata) and systemd-analyze to verify
# the service units (systemd is not started).
apt_install tzdata systemd
# Secrets in the OS keyring: a real Secret Service (GNOME Keyring, started inside a private
# D-Bus session by the tests) and secret-tool to look at what was stored.
apt_install gnome-keyring libsecret-tools
# The desktop app under test: a virtual X server, screenshots and window lookup, a
# private D-Bus session with gdbus, a real StatusNotifierItem host (watcher + tray) and a
# real notification daemon (dunst).
apt_install xvfb xauth imagemagick xdotool dbus libglib2.0-bin \
    haskell-status-notifier-item-utils haskell-gtk-sni-tray-utils dunst
# The web interface under test: Debian's Chromium, driven through its chromedriver.
apt_install chromium chromium-driver
# Packaging under test: lintian, desktop-file-validate, appstreamcli and makensis (the Windows
# installer script), strip (binutils) and man (systemd-analyze follows Documentation=).
apt_install lintian desktop-file-utils appstream nsis binutils man-db
# The fleet server's PostgreSQL store under test: Debian's server, started by the tests on a
# temporary data folder (as the postgres user when they run as root: runuser is util-linux's).
apt_install postgresql util-linux
# Database backups under test: PostgreSQL's pg_dump/pg_restore/psql (above), sqlite3, and
# MariaDB (the tests start their own mariadbd on a temporary folder).
apt_install sqlite3 mariadb-server mariadb-client
# vzdump's lzo compression is the real lzop: the tests compress with it.
apt_install lzop
# KVM guests under test: libvirt's daemon (the tests start their own instance on a socket of
# theirs) and client, QEMU and qemu-img. Guests run as libvirt-qemu, in the kvm group: where
# no udev gave /dev/kvm to that group (containers, CI), give it as Debian's udev rule does.
apt_install libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils
if [ -c /dev/kvm ] && [ "$(stat -c %G /dev/kvm)" != kvm ] && getent group kvm >/dev/null; then
    $SUDO chgrp kvm /dev/kvm && $SUDO chmod 0660 /dev/kvm
fi

mkdir -p "$tools"

# A real REST server (rustic_server, from crates.io), built once per machine.
RUSTIC_SERVER_VERSION=0.4.4
if [ ! -x "$tools/bin/rustic-server" ] || [ "$(cat "$tools/rustic-server.version" 2>/dev/null)" != "$RUSTIC_SERVER_VERSION" ]; then
    echo "building rustic_server $RUSTIC_SERVER_VERSION (once per machine)"
    cargo install --quiet --locked --root "$tools" --version "$RUSTIC_SERVER_VERSION" rustic_server
    echo "$RUSTIC_SERVER_VERSION" > "$tools/rustic-server.version"
fi

# A real S3-compatible server (moto) and a real SMTP server (aiosmtpd), from PyPI,
# in their own virtualenv.
MOTO_VERSION=5.2.5
AIOSMTPD_VERSION=1.4.6
if [ ! -x "$tools/venv/bin/moto_server" ] || [ "$(cat "$tools/moto.version" 2>/dev/null)" != "$MOTO_VERSION" ]; then
    echo "installing moto[server] $MOTO_VERSION"
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
    echo "$MOTO_VERSION" > "$tools/moto.version"
fi
if [ "$(cat "$tools/aiosmtpd.version" 2>/dev/null)" != "$AIOSMTPD_VERSION" ]; then
    echo "installing aiosmtpd $AIOSMTPD_VERSION"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
    echo "$AIOSMTPD_VERSION" > "$tools/aiosmtpd.version"
fi

echo "test tools ready in $tools"
