#!/usr/bin/env bash
# `make bench`: what the panel lookup costs at scale. A measurement, not a test. It
#  1. seeds a large store (200,000 customers, 2,000,000 orders with items, shipments and
#     billing) and a small one (2,000 customers) into the benchmark's own embedded Postgres
#     in target/bench-db, or reuses them when they are already complete;
#  2. starts the release server on each and measures POST /api/panel at 1, 16 and 64
#     concurrent clients (16 only on the small store);
#  3. runs the same reads straight against Postgres with pgbench, as the reference;
#  4. times the panel's navigation in headless Chromium against the demo store, beside a
#     plain server-rendered reference page (bench/src/bin/reference_panel.rs);
#  5. prints it all with the site's asset sizes, and writes target/bench/bench.json.
# Knobs: BENCH_CUSTOMERS (large store, default 200000), BENCH_SECONDS (per level, default 10),
# BENCH_NAV_RUNS (browser runs of each kind, default 25).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true LEPTOS_OUTPUT_NAME=orderpane

large=${BENCH_CUSTOMERS:-200000}
small=2000
seconds=${BENCH_SECONDS:-10}
nav_runs=${BENCH_NAV_RUNS:-25}
out=target/bench
bin=$out/bin
db=target/bench-db
build=${CARGO_TARGET_DIR:-target}/release
app_port=3410

step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }
wait_ready() {
  for _ in $(seq 240); do
    curl -fs "http://127.0.0.1:$1/readyz" >/dev/null && return 0
    sleep 0.5
  done
  echo "the server on port $1 did not become ready (see $out/server.log)" >&2
  return 1
}

step "release build (server + wasm, precompressed assets) and the bench commands"
# cargo-leptos builds the server with its `dev` feature (bin-features in Cargo.toml): the
# navigation timing below needs the host simulator and the demo store.
cargo leptos build --release --precompress
mkdir -p "$bin"
# Copied at once: a target folder shared with other checkouts may be rebuilt meanwhile.
cp "$build/server" "$bin/"
cargo build --release -p bench --bin seed_store --bin panel_load --bin sql_reference --bin bench_report \
  --bin reference_panel
cp "$build"/{seed_store,panel_load,sql_reference,bench_report,reference_panel} "$bin/"
scripts/write-hash-file.sh "$bin/hash.txt"
rm -f "$out"/{seed_large,seed_small,panel_large,panel_small,sql_large,sql_small,navigation}.json
: >"$out/server.log"

server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap 'stop_server; "$bin/server" db down --dir "$db" 2>>"$out/server.log" || true' EXIT

step "benchmark stores (embedded Postgres in $db)"
url=$("$bin/server" db up --dir "$db" 2>>"$out/server.log")
"$bin/seed_store" --url "$url" --database bench_large --customers "$large" --json "$out/seed_large.json"
"$bin/seed_store" --url "$url" --database bench_small --customers "$small" --json "$out/seed_small.json"
# A restart applies the cluster settings seed_store made (shared_buffers).
"$bin/server" db down --dir "$db" 2>>"$out/server.log"
url=$("$bin/server" db up --dir "$db" 2>>"$out/server.log")
socket_dir=${url##*host=}
# A restarted cluster has nothing in memory: read both stores into its shared buffers, so that
# every level measures a warm server, as in production, and the large store is not measured
# against the disk while the small one is in memory (before this, the first level of the large
# store spent most of its time reading pages).
prewarm() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -U orderpane -d "$1" >/dev/null <<'SQL'
set client_min_messages = warning;
create extension if not exists pg_prewarm;
select pg_prewarm(c.oid)
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where n.nspname in ('orderpane_store', 'orderpane') and c.relkind in ('r', 'i', 't');
SQL
}
prewarm bench_small
prewarm bench_large
# The benchmark's own processes, so that other work on the machine can be told apart.
postmaster=$(head -n 1 "$db/pgdata/postmaster.pid")
database_url() { echo "${url/\/orderpane\?//$1?}"; }

# One install for the load clients; the key is made up for this run.
key="bench-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
cat >"$out/installs.toml" <<TOML
[[install]]
name = "bench"
kind = "chatwoot"
host_origin = "http://localhost:$((app_port + 1))"
secret = "$key"
TOML

# Serves the store in database $1 on $app_port, as in production: DATABASE_URL, an installs
# file, no simulator, warnings only in the log.
start_server() {
  DATABASE_URL=$(database_url "$1") ORDERPANE_INSTALLS="$out/installs.toml" \
    LEPTOS_SITE_ADDR="127.0.0.1:$app_port" LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD \
    ORDERPANE_SIMULATOR_ADDR=off RUST_LOG=warn "$bin/server" 2>>"$out/server.log" &
  server=$!
  wait_ready "$app_port"
}
panel_load() {
  "$bin/panel_load" --url "http://127.0.0.1:$app_port" --install bench --key "$key" \
    --seconds "$seconds" --watch-pid "$server,$postmaster" "$@"
}

step "panel lookups through HTTP, large store"
start_server bench_large
panel_load --customers "$large" --label large --concurrency 1,16,64 --json "$out/panel_large.json"
stop_server

step "panel lookups through HTTP, small store"
start_server bench_small
panel_load --customers "$small" --label small --concurrency 16 --json "$out/panel_small.json"
stop_server

step "SQL reference (pgbench)"
"$bin/sql_reference" --host "$socket_dir" --database bench_large --customers "$large" --label large \
  --concurrency 1,16,64 --seconds "$seconds" --watch-pid "$postmaster" --work-dir "$out/pgbench" \
  --json "$out/sql_large.json"
"$bin/sql_reference" --host "$socket_dir" --database bench_small --customers "$small" --label small \
  --concurrency 16 --seconds "$seconds" --watch-pid "$postmaster" --work-dir "$out/pgbench" \
  --json "$out/sql_small.json"

step "navigation timing in headless Chromium (demo store), beside the reference page"
BENCH_NAV_BUILT=1 BENCH_NAV_RUNS="$nav_runs" scripts/bench-navigation.sh

"$bin/bench_report" --dir "$out" --pkg target/site/pkg --commit "$(git rev-parse --short HEAD)" \
  --json "$out/bench.json"
