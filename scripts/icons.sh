#!/usr/bin/env bash
# Renders the home-screen icons (public/icons/icon-192.png, icon-512.png, maskable-512.png) from
# public/favicon.svg and public/icons/maskable.svg with resvg (crates.io:
# `cargo install resvg --locked`). The PNGs are committed: run this again after changing an SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v resvg >/dev/null || { echo "resvg is missing: cargo install resvg --locked" >&2; exit 1; }
mkdir -p public/icons
for size in 192 512; do
  resvg --width "$size" --height "$size" public/favicon.svg "public/icons/icon-$size.png"
done
# Full-bleed, the bolt inside the safe zone: Android crops it to its own shape.
resvg --width 512 --height 512 public/icons/maskable.svg public/icons/maskable-512.png
