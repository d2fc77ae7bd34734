#!/usr/bin/env bash
# Installs every tool the build and the tests need, from the package registries only.
# Idempotent: each step is skipped when the tool is already there at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
# Must equal the wasm-bindgen crate version pinned in Cargo.toml (cargo-leptos runs the CLI).
WASM_BINDGEN_VERSION=0.2.130
# The sqlx version in Cargo.lock.
SQLX_CLI_VERSION=0.8.6

log() { printf '\033[1;34m[install-tools]\033[0m %s\n' "$*" >&2; }

apt_missing=()
for pkg in libssl-dev pkg-config chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || apt_missing+=("$pkg")
done
if [ "${#apt_missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_missing[@]}"
fi

if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "no Postgres server binaries found: installing postgresql (needed for the embedded database)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (no_downloads, system OpenSSL; about 15 minutes once)"
  OPENSSL_NO_VENDOR=1 cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes once)"
  # Not --locked: its lock file names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! sqlx --version 2>/dev/null | grep -q "$SQLX_CLI_VERSION"; then
  log "building sqlx-cli $SQLX_CLI_VERSION (checks the committed .sqlx query data; a few minutes once)"
  cargo install "sqlx-cli@$SQLX_CLI_VERSION" --locked --no-default-features --features postgres,rustls
fi

# npm tools: wasm-opt from the npm `binaryen` package (Debian's breaks hydration), Playwright.
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  log "installing npm build tools (binaryen)"
  (cd tools && npm ci --no-audit --no-fund)
fi
if [ ! -d end2end/node_modules/@playwright/test ]; then
  log "installing npm test tools (Playwright, using Debian's Chromium)"
  (cd end2end && npm ci --no-audit --no-fund)
fi
log "all tools present"
