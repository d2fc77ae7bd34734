#!/usr/bin/env bash
# `make bench-navigation` (and the navigation step of `make bench`): how long until the agent
# sees the first order row, cold and warm, for Orderpane and for the reference page (a plain
# server-rendered page with a few lines of inline JavaScript, bench/src/bin/reference_panel.rs),
# framed by the same host simulator in headless Chromium, in one run. A measurement, not a test.
# Both read the demo store from the `orderpane` database of an embedded cluster in
# target/bench-nav-db. Knobs: BENCH_NAV_RUNS (runs of each kind, default 25); BENCH_NAV_BUILT=1
# skips the build (`make bench` has just built and copied the binaries into target/bench/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true LEPTOS_OUTPUT_NAME=orderpane

runs=${BENCH_NAV_RUNS:-25}
out=target/bench
bin=$out/bin
db=target/bench-nav-db
build=${CARGO_TARGET_DIR:-target}/release
demo_port=3420
simulator_port=3430
reference_port=3440

if [ "${BENCH_NAV_BUILT:-}" != 1 ]; then
  cargo leptos build --release --precompress
  cargo build --release -p bench --bin reference_panel
  mkdir -p "$bin"
  cp "$build/server" "$build/reference_panel" "$bin/"
  scripts/write-hash-file.sh "$bin/hash.txt"
fi
mkdir -p "$out"
: >"$out/navigation.log"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$bin/server" db down --dir "$db" 2>>"$out/navigation.log" || true
}
trap cleanup EXIT
url=$("$bin/server" db up --dir "$db" 2>>"$out/navigation.log")

# The release server as `make run` serves it (demo store, host simulator), warnings only.
DATABASE_URL=$url ORDERPANE_DEMO_DATA=true LEPTOS_SITE_ADDR="127.0.0.1:$demo_port" \
  LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD ORDERPANE_SIMULATOR_ADDR="127.0.0.1:$simulator_port" \
  RUST_LOG=warn "$bin/server" 2>>"$out/navigation.log" &
pids+=($!)
"$bin/reference_panel" --addr "127.0.0.1:$reference_port" --url "$url" 2>>"$out/navigation.log" &
pids+=($!)
for _ in $(seq 240); do
  curl -fs "http://127.0.0.1:$demo_port/readyz" >/dev/null && curl -fs "http://127.0.0.1:$reference_port/" >/dev/null && break
  sleep 0.5
done
node end2end/bench/navigation.mjs --simulator "http://localhost:$simulator_port/" \
  --reference "http://127.0.0.1:$reference_port/" --runs "$runs" --json "$out/navigation.json"
