#!/usr/bin/env bash
# `make bench-mapped`: the panel lookup on a mapped store (docs/examples: the contract as views
# over a shop's own tables) against the managed store with the same rows (20,000 customers,
# 100,000 orders with two lines and a payment each), in one test database of DATABASE_URL.
# A measurement, not a test: prints the median and 99th percentile of each. Needs a Postgres
# whose DATABASE_URL user may create databases (as for the database tests).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" LEPTOS_OUTPUT_NAME=orderpane
: "${DATABASE_URL:?set DATABASE_URL to a Postgres where the tests may create databases}"
export DATABASE_URL
cargo test --release -p server --features dev --test mapped_store -- \
  --ignored --exact measure_mapped_against_managed_lookup_latency --nocapture
