#!/usr/bin/env bash
# OEM builds: builds the second brand of crates/cli/tests/fixtures/brand-acme and checks that
# the CLI shows only that brand (name, version, help, config paths and texts,
# preset defaults); then checks that a broken brand fails the build naming the
# file and the key. The default brand is rebuilt at the end, whatever happens.
# (The brand lives in npbackup-common's constants: changing it rebuilds that crate
# and everything above it, not the dependencies.)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "brand check FAILED: $*" >&2; exit 1; }
# the default brand again for every binary (the GUI test of the brand rebuilt npbackup-gui too)
restore() { cargo build --quiet --locked --workspace --bins; }
trap restore EXIT

brand="$PWD/crates/cli/tests/fixtures/brand-acme"
NPBACKUP_RESOURCES="$brand" cargo build --quiet --locked --bin npbackup-cli
cli="$PWD/target/debug/npbackup-cli"

version="$("$cli" --version)"
[[ "$version" == "acme-safekeep-cli "*"(Acme SafeKeep)" ]] || fail "--version says: $version"
help="$("$cli" --help)"
grep -q "Acme SafeKeep" <<<"$help" || fail "--help does not name the brand"
# environment variables keep their NPBACKUP_ names (an interface, like restic's RESTIC_)
sed 's/NPBACKUP_[A-Z_]*//g' <<<"$help" | grep -qi "npbackup" && fail "--help still names NPBackup"
# every subcommand's help too, in both languages; "NPBackup 3" and its npbackup.conf name the
# other product, whose configurations `config import` reads, not this brand
for sub in $(NPBACKUP_LOCALE=en "$cli" --help | sed -n '/^Commands:/,/^$/p' | grep -E '^  [a-z]' | awk '$1 != "help" {print $1}'); do
  for lang in en fr; do
    NPBACKUP_LOCALE=$lang "$cli" "$sub" --help | sed 's/NPBACKUP_[A-Z_]*//g; s/NPBackup 3//g; s/npbackup\.conf//g' |
      grep -qi "npbackup" && fail "$sub --help ($lang) still names NPBackup"
  done
done

# its packages carry its names (the CLI's: the one built here)
pkgs="$(mktemp -d)"
NPBACKUP_RESOURCES="$brand" scripts/package --profile dev --no-build --fast --only cli --out "$pkgs" >/dev/null ||
    fail "scripts/package for the brand"
deb="$pkgs/acme-safekeep_0.1.0_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "no $deb: $(ls "$pkgs")"
listing="$(dpkg -c "$deb")"
for f in usr/bin/acme-safekeep-cli usr/lib/systemd/system/acme-safekeep.service usr/share/man/man1/acme-safekeep-cli.1.gz; do
    grep -q "\./$f\$" <<<"$listing" || fail "$deb has no /$f"
done
grep -qi npbackup <<<"$listing" && fail "$deb still names npbackup: $(grep -i npbackup <<<"$listing" | head -3)"
dpkg-deb -f "$deb" Description | grep -q "Acme SafeKeep" || fail "the package's description does not name the brand"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/acme-safekeep.service | grep -qi npbackup &&
    fail "the brand's unit still names NPBackup"
tar -tzf "$pkgs"/acme-safekeep-0.1.0-linux-*.tar.gz >"$pkgs/tarball.list"
grep -q "^acme-safekeep-0.1.0/install.sh$" "$pkgs/tarball.list" || fail "the brand's tarball: $(head -3 "$pkgs/tarball.list")"
lintian --fail-on error --suppress-tags no-manual-page "$deb" >/dev/null 2>&1 || fail "lintian on $deb"
rm -rf "$pkgs"

home="$(mktemp -d)"
HOME="$home" "$cli" config init "$home" >/dev/null
conf="$home/.config/acme-safekeep/acme-safekeep.toml"
[[ -f "$conf" ]] || fail "config init did not write $conf"
grep -q "Acme SafeKeep configuration" "$conf" || fail "the config does not name the brand"
grep -q 'uri = "rest:http://backup.acme.example:8000/${MACHINE_ID}"' "$conf" || fail "the brand's repository default is not used"
grep -q 'preset = "30d"' "$conf" || fail "the brand's retention preset is not used"
grep -qi "npbackup" "$conf" && fail "the config still names NPBackup"
HOME="$home" "$cli" config check >/dev/null || fail "the brand's default config does not validate"
rm -rf "$home"

# the window: the brand's name, colours, icons and licence, and no other name (iced_test)
NPBACKUP_RESOURCES="$brand" ICED_TEST_BACKEND=tiny-skia cargo test --quiet --locked -p npbackup-gui --test gui_brand >/dev/null \
    || fail "the window does not show only the brand (run: NPBACKUP_RESOURCES=$brand cargo test -p npbackup-gui --test gui_brand)"

# the desktop app's and the fleet server's packages carry its names, icons and texts too
# (the window's library was just built for the brand: only the two programs are linked)
NPBACKUP_RESOURCES="$brand" cargo build --quiet --locked --bin npbackup-gui --bin npbackup-server
pkgs="$(mktemp -d)"
NPBACKUP_RESOURCES="$brand" scripts/package --profile dev --no-build --fast --only gui --only server --out "$pkgs" >/dev/null ||
    fail "scripts/package --only gui --only server for the brand"
arch="$(dpkg --print-architecture)"
for deb in "$pkgs/acme-safekeep-gui_0.1.0_$arch.deb" "$pkgs/acme-safekeep-server_0.1.0_$arch.deb"; do
    [ -f "$deb" ] || fail "no $deb: $(ls "$pkgs")"
    listing="$(dpkg -c "$deb")"
    grep -qi npbackup <<<"$listing" && fail "$deb still names npbackup: $(grep -i npbackup <<<"$listing" | head -3)"
    dpkg-deb -f "$deb" Description | grep -q "Acme SafeKeep" || fail "$deb's description does not name the brand"
    lintian --fail-on error --suppress-tags no-manual-page "$deb" >/dev/null 2>&1 || fail "lintian on $deb"
done
x="$pkgs/x"
mkdir -p "$x"
dpkg -x "$pkgs/acme-safekeep-gui_0.1.0_$arch.deb" "$x/gui"
dpkg -x "$pkgs/acme-safekeep-server_0.1.0_$arch.deb" "$x/server"
for f in usr/bin/acme-safekeep-gui etc/xdg/autostart/acme-safekeep-gui.desktop \
    usr/share/icons/hicolor/48x48/apps/acme-safekeep.png; do
    [ -f "$x/gui/$f" ] || fail "the desktop package has no /$f"
done
desktop="$(ls "$x"/gui/usr/share/applications/*.desktop)"
grep -qx "Name=Acme SafeKeep" "$desktop" || fail "$desktop does not name the brand"
grep -qx "Icon=acme-safekeep" "$desktop" || fail "$desktop does not use the brand's icon"
desktop-file-validate "$desktop" "$x"/gui/etc/xdg/autostart/*.desktop || fail "desktop-file-validate on the brand's entries"
appstreamcli validate --no-net "$x"/gui/usr/share/metainfo/*.metainfo.xml >/dev/null ||
    fail "appstreamcli validate on the brand's metainfo"
grep -q "<name>Acme SafeKeep</name>" "$x"/gui/usr/share/metainfo/*.metainfo.xml || fail "the metainfo does not name the brand"
# the icon is the brand's, drawn from its app.png (not the default brand's)
convert "$brand/icons/app.png" -resize 48x48 -strip PNG32:"$x/brand-48.png"
cmp -s "$x/brand-48.png" "$x/gui/usr/share/icons/hicolor/48x48/apps/acme-safekeep.png" ||
    fail "the 48x48 icon is not the brand's"
convert resources/icons/app.png -resize 48x48 -strip PNG32:"$x/default-48.png"
cmp -s "$x/default-48.png" "$x/brand-48.png" && fail "the brand's test icon is the default one"
[ -f "$x/server/usr/lib/systemd/system/acme-safekeep-server.service" ] || fail "the server package has no acme-safekeep-server.service"
sed 's/NPBACKUP_[A-Z_]*//g' "$x/server/usr/lib/systemd/system/acme-safekeep-server.service" | grep -qi npbackup &&
    fail "the brand's server unit still names NPBackup"
"$x/server/usr/bin/acme-safekeep-server" --version | grep -q "Acme SafeKeep\|acme-safekeep" ||
    fail "acme-safekeep-server --version says: $("$x/server/usr/bin/acme-safekeep-server" --version)"
rm -rf "$pkgs"

# a broken brand fails the build, naming the file and the key
broken="$(mktemp -d)"
grep -v '^company' "$brand/branding.toml" >"$broken/branding.toml"
if out="$(NPBACKUP_RESOURCES="$broken" cargo build --locked --bin npbackup-cli 2>&1)"; then
    fail "a brand without 'company' built"
fi
grep -q "$broken/branding.toml: missing key \`company\`" <<<"$out" || fail "the build error does not name file and key: $out"
cp "$brand/branding.toml" "$broken/branding.toml"
cp -r "$brand/icons" "$brand/logo.png" "$brand/licence.txt" "$broken/"
echo "RWQnot-a-key" >"$broken/release-keys.pub"
if out="$(NPBACKUP_RESOURCES="$broken" cargo build --locked --bin npbackup-cli 2>&1)"; then
    fail "a brand with a malformed release key built"
fi
grep -q "$broken/release-keys.pub: line 1: not a minisign public key" <<<"$out" || fail "the release key error is unclear: $out"
rm -f "$broken/release-keys.pub"
sed 's/^primary = .*/primary = "blue"/' "$brand/branding.toml" >"$broken/branding.toml"
if out="$(NPBACKUP_RESOURCES="$broken" cargo build --locked --bin npbackup-cli 2>&1)"; then
    fail "a brand with a malformed colour built"
fi
grep -q "key \`colours.primary\` \`blue\` is not a colour" <<<"$out" || fail "the colour error is unclear: $out"
cp "$brand/branding.toml" "$broken/branding.toml"
cp -r "$brand/icons" "$brand/logo.png" "$brand/licence.txt" "$broken/"
rm "$broken/icons/tray-error.png"
if out="$(NPBACKUP_RESOURCES="$broken" cargo build --locked --bin npbackup-cli 2>&1)"; then
    fail "a brand without its error tray icon built"
fi
grep -q "$broken/icons/tray-error.png: cannot read the tray icon when a backup failed" <<<"$out" || fail "the missing icon is not named: $out"
echo "not a png" >"$broken/icons/tray-error.png"
if out="$(NPBACKUP_RESOURCES="$broken" cargo build --locked --bin npbackup-cli 2>&1)"; then
    fail "a brand with a broken icon built"
fi
grep -q "$broken/icons/tray-error.png: is not a PNG image" <<<"$out" || fail "the broken icon is not named: $out"
rm -rf "$broken"
echo "branding: 1 passed, 0 failed"
