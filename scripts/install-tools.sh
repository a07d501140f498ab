#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already present.
# Everything comes from the package registries (crates.io, Debian, npm): nothing else is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."

want_leptos=0.3.10
# The wasm-bindgen CLI must match the crate in Cargo.lock to the patch version.
want_bindgen=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if ! cargo leptos --version 2>/dev/null | grep -q "$want_leptos"; then
  echo "installing cargo-leptos $want_leptos (about 15 minutes on 2 cores)"
  cargo install cargo-leptos --locked --version "$want_leptos"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $want_bindgen\$"; then
  echo "installing wasm-bindgen-cli $want_bindgen"
  # --locked fails for this version: one of its locked dependencies is gone from the registry.
  cargo install wasm-bindgen-cli --version "$want_bindgen" --force
fi

missing=()
command -v initdb >/dev/null || [ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)/initdb" ] || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
command -v node >/dev/null || missing+=(nodejs npm)
# nginx for `make cluster`, which runs an instance of its own under .cluster/ (the package's
# own service, on port 80, is not used).
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

# wasm-opt comes from binaryen's npm package (pinned in tools/package-lock.json), not Debian:
# Debian's binaryen 108 turns the release WASM into a module the browser refuses
# (WebAssembly.Table.set on the wrong table), although it reports no error.
if ! tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -d tests/e2e/node_modules/axe-core ] || [ ! -d tests/e2e/node_modules/lighthouse ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
