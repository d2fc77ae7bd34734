#!/usr/bin/env bash
# How fast `server import` is: imports ORDERS orders with items (default 2,000,000, of
# CUSTOMERS = 200,000 customers) from JSON Lines into a fresh database and COPYs the same rows
# into another, then prints both rates and their ratio. Uses the Postgres of DATABASE_URL
# (databases bench_import_*, dropped at the end), or starts the embedded development cluster
# (`server db up`) when it is unset. A measurement, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" LEPTOS_OUTPUT_NAME=orderpane
export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"

# With the development extras, as `make run` builds it: the same binary, not a second build.
cargo build --release -p server --features dev --bin server
cargo build --release -p bench --bin import_bench
target="${CARGO_TARGET_DIR:-target}"
if [[ -z "${DATABASE_URL:-}" ]]; then
  DATABASE_URL="$("$target/release/server" db up --dir target/dev-db)"
  export DATABASE_URL
fi
"$target/release/import_bench" --server "$target/release/server" \
  --orders "${ORDERS:-2000000}" --customers "${CUSTOMERS:-200000}" --dir target/bench-import
