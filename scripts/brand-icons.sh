#!/usr/bin/env bash
# Draws a brand's icons from the colours of its branding.toml, for an OEM who
# has none of its own yet (ImageMagick): icons/app.png, the tray's state icons
# icons/tray-{ok,running,warning,error}.png (64x64) and logo.png (256x256).
#
#   scripts/brand-icons.sh [BRAND_DIR]     # default: resources/
set -euo pipefail
dir="${1:-$(dirname "$0")/../resources}"
toml="$dir/branding.toml"
[ -f "$toml" ] || { echo "no $toml" >&2; exit 1; }
colour() { sed -n "s/^$1 *= *\"\(#[0-9A-Fa-f]\{6\}\)\".*/\1/p" "$toml" | head -1; }
primary="$(colour primary)"; ok="$(colour ok)"; running="$(colour running)"
warning="$(colour warning)"; error="$(colour error)"
mkdir -p "$dir/icons"
draw() { # OUT SIZE COLOUR SIGN-ARGS...
    local out="$1" size="$2" fill="$3"; shift 3
    convert -size 256x256 xc:none -fill "$fill" -draw 'circle 128,128 128,8' "$@" \
        -resize "${size}x${size}" -depth 8 -strip "PNG32:$out"
}
app=(-fill none -stroke white -strokewidth 16 -draw 'circle 128,128 128,60'
     -fill white -stroke none -draw 'circle 128,128 128,106')
draw "$dir/icons/app.png" 64 "$primary" "${app[@]}"
draw "$dir/logo.png" 256 "$primary" "${app[@]}"
draw "$dir/icons/tray-ok.png" 64 "$ok" -fill none -stroke white -strokewidth 26 \
    -draw 'stroke-linejoin round stroke-linecap round polyline 72,132 112,172 186,94'
draw "$dir/icons/tray-running.png" 64 "$running" -fill white -stroke white -strokewidth 10 \
    -draw 'stroke-linejoin round polygon 102,74 102,182 190,128'
draw "$dir/icons/tray-warning.png" 64 "$warning" -fill white -stroke none \
    -draw 'roundrectangle 114,56 142,150 8,8' -draw 'circle 128,190 128,206'
draw "$dir/icons/tray-error.png" 64 "$error" -fill none -stroke white -strokewidth 28 \
    -draw 'stroke-linecap round line 84,84 172,172' -draw 'stroke-linecap round line 172,84 84,172'
echo "icons written into $dir"
