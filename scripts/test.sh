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
# With the server's `dev` feature (bin-features in Cargo.toml): the browser tests need the host
# simulator and the demo store. The cargo commands below name the same feature, so that the
# test build reuses this build's server artifacts.
cargo leptos build --release --precompress

step "production archive (make dist: the server without development extras)"
# Compiles the server crate once more, without `dev`, and packs it with the site just built;
# the `dist` test below unpacks and runs it. The test build's `--features server/dev` then
# puts the development server back in target/release for the browser tests.
rm -rf dist
scripts/dist.sh
export ORDERPANE_DIST_REQUIRED=1

step "test database (embedded Postgres in target/test-db)"
DATABASE_URL=$(./target/release/server db up --dir target/test-db)
export DATABASE_URL
trap './target/release/server db down --dir target/test-db' EXIT

step "sqlx offline data is current"
SQLX_OFFLINE=false cargo sqlx prepare --workspace --check -- --workspace --exclude frontend --all-targets --features server/dev

step "clippy (server build and browser build)"
cargo clippy --workspace --exclude frontend --all-targets --features server/dev -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "the production build leaves the development extras out"
# Without the `dev` feature the server, and every test that does not need the extras, must
# compile lint-clean: nothing outside the feature may use the simulator, the demo store or the
# fake helpdesk socket.
cargo clippy -p server --all-targets -- -D warnings
# And nothing may turn them back on: no default feature, no dependency asking for cable/fake.
production=$(cargo tree -p server -e normal,build,features -i server -i cable --prefix none)
if grep -E 'server feature "dev"|cable feature "fake"' <<<"$production"; then
  echo "a production build of the server (no --features) gets the development extras:" \
    "the lines above show which feature turns them on (cargo tree -p server -e features -i cable)" >&2
  exit 1
fi

step "unit, database and HTTP tests"
# The tests that read the demo store need the `dev` feature (required-features in
# server/Cargo.toml): without it cargo would skip them.
cargo test --release --workspace --exclude frontend --features server/dev

step "browser tests (Playwright + Debian Chromium)"
rm -rf target/e2e-db
(cd end2end && env -u DATABASE_URL npx playwright test)

step "all tests passed in $((SECONDS - started)) s"
