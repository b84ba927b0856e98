#!/usr/bin/env bash
# The Debian packages, checked as a user's machine takes them: built from the test
# build's binaries (scripts/package --profile dev --no-build --fast), lintian with no
# error, desktop-file-validate and appstreamcli on the desktop app's files, then
# installed with dpkg -i on this machine: the CLI runs from /usr/bin, systemd-analyze
# verifies the installed units, `upgrade` leaves packaged programs to apt; dpkg -r
# leaves nothing but the configuration, dpkg -P not even that. Needs root (CI is).
# Then the Linux install script in a temporary prefix, and the Windows installer
# script compiled with makensis.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "package check FAILED: $*" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

out="$PWD/target/packages"
rm -rf "$out"
scripts/package --profile dev --no-build --fast --out "$out" >/dev/null
debs=("$out"/npbackup_*.deb "$out"/npbackup-gui_*.deb "$out"/npbackup-server_*.deb)
for d in "${debs[@]}"; do [ -f "$d" ] || fail "$d was not built"; done

lintian --fail-on error --suppress-tags no-manual-page "${debs[@]}" 2>/dev/null ||
    fail "lintian reports errors: lintian ${debs[*]}"

x="$(mktemp -d)"
trap 'rm -rf "$x"' EXIT
dpkg -x "$out"/npbackup-gui_*.deb "$x/gui"
desktop-file-validate "$x"/gui/usr/share/applications/*.desktop "$x"/gui/etc/xdg/autostart/*.desktop ||
    fail "desktop-file-validate"
appstreamcli validate --no-net "$x"/gui/usr/share/metainfo/*.metainfo.xml >/dev/null ||
    fail "appstreamcli validate: $(appstreamcli validate --no-net "$x"/gui/usr/share/metainfo/*.metainfo.xml)"

# installed for real, then removed
for p in npbackup-gui npbackup-server npbackup; do $SUDO dpkg -P "$p" >/dev/null 2>&1 || true; done
$SUDO dpkg -i "${debs[@]}" >/dev/null || fail "dpkg -i"
files="$(dpkg -L npbackup npbackup-gui npbackup-server)"
/usr/bin/npbackup-cli --version | grep -q "^npbackup-cli " || fail "/usr/bin/npbackup-cli --version"
/usr/bin/npbackup-server --version | grep -q "^npbackup-server " || fail "/usr/bin/npbackup-server --version"
[ -f /usr/share/man/man1/npbackup-cli.1.gz ] || fail "no man page"
[ -f /usr/share/bash-completion/completions/npbackup-cli ] || fail "no bash completion"
systemd-analyze verify /usr/lib/systemd/system/npbackup.service /usr/lib/systemd/system/npbackup-server.service ||
    fail "systemd-analyze verify of the system units"
mkdir -m 0700 "$x/run"
XDG_RUNTIME_DIR="$x/run" systemd-analyze --user verify /usr/lib/systemd/user/npbackup.service ||
    fail "systemd-analyze --user verify of the user unit"
# packaged programs are upgraded with apt, not behind its back
conf="$x/npbackup.toml"
printf '[upgrade]\nservers = ["http://127.0.0.1:9"]\n\n[repos.default]\nuri = "%s/repo"\npassword-command = "echo x"\n' "$x" >"$conf"
if said="$(/usr/bin/npbackup-cli -c "$conf" upgrade 2>&1)"; then fail "upgrade of a packaged CLI went ahead"; fi
grep -q "belong to the package npbackup" <<<"$said" || fail "upgrade said: $said"

$SUDO dpkg -r npbackup-gui npbackup-server npbackup >/dev/null || fail "dpkg -r"
left=()
while read -r f; do
    [ -f "$f" ] || continue
    [ "$f" = /etc/xdg/autostart/npbackup-gui.desktop ] && continue
    left+=("$f")
done <<<"$files"
[ "${#left[@]}" -eq 0 ] || fail "dpkg -r left: ${left[*]}"
[ -f /etc/xdg/autostart/npbackup-gui.desktop ] || fail "dpkg -r removed the configuration (conffile)"
dpkg -s npbackup-gui 2>/dev/null | grep -q "deinstall ok config-files" || fail "npbackup-gui is not left as config-files"
$SUDO dpkg -P npbackup-gui >/dev/null || fail "dpkg -P"
[ ! -e /etc/xdg/autostart/npbackup-gui.desktop ] || fail "dpkg -P left the autostart entry"

echo "packages: built, lintian-clean, installed, verified and removed"

# ---- the install script, from the release tarball ----
tarball="$(ls "$out"/npbackup-*-linux-*.tar.gz)"
mkdir "$x/rel" "$x/home"
tar -C "$x/rel" -xzf "$tarball"
inst="$(ls -d "$x"/rel/npbackup-*)/install.sh"
[ -x "$inst" ] || fail "the tarball has no install.sh"
# for one user
HOME="$x/home" XDG_CONFIG_HOME= "$inst" --user >/dev/null || fail "install.sh --user"
"$x/home/.local/bin/npbackup-cli" --version | grep -q "^npbackup-cli " || fail "the user's npbackup-cli does not run"
grep -q "^ExecStart=$x/home/.local/bin/npbackup-cli daemon run" "$x/home/.config/systemd/user/npbackup.service" ||
    fail "the user unit does not start the installed CLI"
grep -q "^Exec=$x/home/.local/bin/npbackup-gui" "$x"/home/.local/share/applications/*.desktop || fail "the menu entry"
[ -f "$x/home/.config/autostart/npbackup-gui.desktop" ] || fail "no autostart entry"
mkdir -m 0700 -p "$x/run"
XDG_RUNTIME_DIR="$x/run" systemd-analyze --user --man=no verify "$x/home/.config/systemd/user/npbackup.service" ||
    fail "systemd-analyze --user verify of the installed user unit"
before="$(cd "$x/home" && find . -type f -exec md5sum {} + | sort)"
HOME="$x/home" XDG_CONFIG_HOME= "$inst" --user >/dev/null || fail "install.sh --user, again"
[ "$before" = "$(cd "$x/home" && find . -type f -exec md5sum {} + | sort)" ] || fail "a second install.sh --user changed what the first installed"
HOME="$x/home" XDG_CONFIG_HOME= "$inst" --user --uninstall >/dev/null || fail "install.sh --uninstall"
left="$(cd "$x/home" && find . -type f)"
[ -z "$left" ] || fail "install.sh --uninstall left: $left"
# system-wide, into a scratch root
NPBACKUP_INSTALL_ROOT="$x/root" "$inst" --system --prefix "$x/root/usr/local" >/dev/null || fail "install.sh --system"
grep -q "^ExecStart=$x/root/usr/local/bin/npbackup-cli -c /etc/npbackup/npbackup.toml daemon run" "$x/root/etc/systemd/system/npbackup.service" ||
    fail "the system unit does not start the installed CLI"
grep -q "^ReadWritePaths=$x/root/usr/local/bin$" "$x/root/etc/systemd/system/npbackup.service" ||
    fail "the system unit does not let the scheduler upgrade its programs"
systemd-analyze --man=no verify "$x/root/etc/systemd/system/npbackup.service" || fail "systemd-analyze verify of the installed system unit"
NPBACKUP_INSTALL_ROOT="$x/root" "$inst" --system --prefix "$x/root/usr/local" --uninstall >/dev/null || fail "install.sh --system --uninstall"
left="$(find "$x/root" -type f)"
[ -z "$left" ] || fail "install.sh --system --uninstall left: $left"
# without the rights it needs
if [ "$(id -u)" = 0 ]; then
    chmod 0755 "$x" "$x/rel" "$(dirname "$inst")"
    if said="$(runuser -u nobody -- "$inst" --system 2>&1)"; then fail "install.sh --system ran as nobody"; fi
    grep -q "needs root" <<<"$said" || fail "install.sh as nobody said: $said"
    if said="$(HOME=/nonexistent runuser -u nobody -- "$inst" --user --prefix /usr/local 2>&1)"; then fail "install.sh into /usr/local ran as nobody"; fi
    grep -q "cannot write to /usr/local/bin" <<<"$said" || fail "install.sh as nobody said: $said"
fi
echo "install.sh: per user and system-wide, idempotent, uninstalled, refuses without rights"

# ---- the Windows installer script, compiled against stand-in programs ----
for brand in "" "$PWD/crates/cli/tests/fixtures/brand-acme"; do
    exe="$(NPBACKUP_RESOURCES="${brand:-resources}" scripts/package-windows --stand-in | tail -1)" || fail "makensis${brand:+ for $brand}"
    file "$exe" | grep -q "Nullsoft Installer" || fail "$exe is not an NSIS installer: $(file "$exe")"
done
[ -f "$out/acme-safekeep-0.1.0-setup.exe" ] || fail "the OEM installer is not named after its brand"
echo "Windows installer: compiled with makensis (default and OEM brand)"
