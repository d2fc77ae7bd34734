#!/usr/bin/env bash
# Runs every test, the way CI does: `make test` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true
# The release build bakes this in (leptos reads it at compile time); setting it for the test
# build too lets `cargo test --release` reuse the artifacts of `cargo leptos build --release`.
export LEPTOS_OUTPUT_NAME=orderpane

step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }
started=$SECONDS

# A full run writes about 6 GB under target/ (release, debug and wasm builds, three test
# clusters); say so plainly rather than fail halfway with "No space left on device".
free_kib=$(df -Pk . | awk 'NR == 2 { print $4 }')
if [ "${free_kib:-0}" -lt $((6 * 1024 * 1024)) ]; then
  echo "make test needs about 6 GB free on $(df -P . | awk 'NR == 2 { print $6 }');" \
    "only $((free_kib / 1024)) MB are. Free some (for example: cargo clean) and run it again." >&2
  exit 1
fi

step "formatting"
cargo fmt --all --check

step "release build (server + wasm, precompressed assets)"
cargo leptos build --release --precompress

step "test database (embedded Postgres in target/test-db)"
DATABASE_URL=$(./target/release/server db up --dir target/test-db)
export DATABASE_URL
trap './target/release/server db down --dir target/test-db' EXIT

step "sqlx offline data is current"
SQLX_OFFLINE=false cargo sqlx prepare --workspace --check -- --workspace --exclude frontend --all-targets

step "clippy (server build and browser build)"
cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit, database and HTTP tests"
cargo test --release --workspace --exclude frontend

step "browser tests (Playwright + Debian Chromium)"
rm -rf target/e2e-db
(cd end2end && env -u DATABASE_URL npx playwright test)

step "all tests passed in $((SECONDS - started)) s"
