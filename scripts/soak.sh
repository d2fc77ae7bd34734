#!/usr/bin/env bash
# `make soak`: a measurement, not a test. Starts the release server (with the demo store) on a
# database of its own in target/soak, runs CLIENTS (256) panels against it for SECONDS (600)
# with the database stopped for OUTAGE (10) seconds in the middle, and prints requests per
# second, latencies, answers by status, the server's memory and its database and push
# connections (figures also in target/soak/figures.json).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" SQLX_OFFLINE=true LEPTOS_OUTPUT_NAME=orderpane

cargo leptos build --release --precompress
cargo build --release -p soak

dir=target/soak
server_bin=./target/release/server
if [ -d "$dir/db" ]; then "$server_bin" db down --dir "$dir/db" 2>/dev/null || true; fi
rm -rf "$dir" && mkdir -p "$dir"
database_url=$("$server_bin" db up --dir "$dir/db")
key="soak-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
cat > "$dir/installs.toml" <<TOML
[[install]]
name = "soak"
kind = "chatwoot"
host_origin = "http://localhost:3422"
secret = "$key"
TOML

# Thousands of open connections: the push connections and the clients' own.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
DATABASE_URL="$database_url" ORDERPANE_DEMO_DATA=true ORDERPANE_SIMULATOR_ADDR=off \
  ORDERPANE_INSTALLS="$dir/installs.toml" ORDERPANE_METRICS_ADDR=127.0.0.1:3421 \
  LEPTOS_SITE_ADDR=127.0.0.1:3420 LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  "$server_bin" 2>"$dir/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; "$server_bin" db down --dir "$dir/db" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 120); do
  curl -fs http://127.0.0.1:3420/readyz >/dev/null && break
  sleep 0.5
done

./target/release/soak --url http://127.0.0.1:3420 --metrics-url http://127.0.0.1:3421/metrics \
  --install soak --key "$key" --pid "$server" \
  --clients "${CLIENTS:-256}" --seconds "${SECONDS_TOTAL:-600}" --outage-seconds "${OUTAGE:-10}" \
  --stop-db "$server_bin db down --dir $dir/db" --start-db "$server_bin db up --dir $dir/db" \
  --json "$dir/figures.json"
echo "server log (warnings and errors): $dir/server.log ($(wc -l <"$dir/server.log") lines)"
