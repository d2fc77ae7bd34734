#!/usr/bin/env bash
# What idle push connections cost: starts the release server on its own embedded database,
# holds 1000 idle push connections open the way panels do, and prints the server's memory
# growth (also written to target/bench-live/figures.json). A measurement, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true LEPTOS_OUTPUT_NAME=orderpane

cargo leptos build --release --precompress
cargo build --release -p bench --bin push_memory

dir=target/bench-live
rm -rf "$dir" && mkdir -p "$dir"
key="bench-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
cat > "$dir/installs.toml" <<TOML
[[install]]
name = "bench"
kind = "chatwoot"
host_origin = "http://localhost:3401"
secret = "$key"
TOML

LEPTOS_SITE_ADDR=127.0.0.1:3400 LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD \
  ORDERPANE_DATA_DIR="$dir/db" ORDERPANE_INSTALLS="$dir/installs.toml" \
  ORDERPANE_SIMULATOR_ADDR=off RUST_LOG=warn ./target/release/server &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -fs http://127.0.0.1:3400/readyz >/dev/null && break
  sleep 0.5
done

./target/release/push_memory --pid "$server" --install bench --key "$key" \
  --connections "${CONNECTIONS:-1000}" --json "$dir/figures.json"
