# Orderpane: the two commands a fresh machine needs are `make run` and `make test`.
SHELL := /bin/bash
# npm's wasm-opt (binaryen 132) must come before any Debian one; cargo's tools after a fresh rustup.
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# The committed .sqlx query data lets everything build without a database.
export SQLX_OFFLINE := true
# cargo-leptos bakes this into the release build; the same value lets `cargo run --release` reuse it.
export LEPTOS_OUTPUT_NAME := orderpane
# cargo-leptos builds the server with its development extras (bin-features in Cargo.toml); the
# `cargo run`s below ask for the same, so that they reuse that build instead of redoing it.
DEV := --features dev

.PHONY: run test watch tools db-up db-down sqlx-prepare audit bench-live bench bench-navigation bench-import bench-mapped dist soak

## Build the release site and serve it: embedded database, demo store, host simulator.
run: tools
	cargo leptos serve --release --precompress

## Every test: formatting, lints, sqlx data, unit, database, HTTP and browser tests.
test: tools
	scripts/test.sh

## Day-to-day development with live reload (same embedded database and simulator).
watch: tools
	cargo leptos watch

## Install whatever the build and the tests need (idempotent).
tools:
	scripts/install-tools.sh

## Start a detached development database in target/dev-db and print its DATABASE_URL.
db-up:
	cargo run --quiet -p server $(DEV) -- db up --dir target/dev-db

## Stop that database.
db-down:
	cargo run --quiet -p server $(DEV) -- db down --dir target/dev-db

## Regenerate .sqlx after changing a query (needs `make db-up` first, or any DATABASE_URL).
sqlx-prepare:
	DATABASE_URL=$${DATABASE_URL:-$$(cargo run --quiet -p server $(DEV) -- db up --dir target/dev-db)} SQLX_OFFLINE=false cargo sqlx prepare --workspace -- --workspace --exclude frontend --all-targets --features server/dev

## Print the newest audit events of the development database (or of DATABASE_URL).
audit:
	cargo run --quiet --release -p server $(DEV) -- audit

## Measure what 1000 idle push connections cost the server (prints figures; not a test).
bench-live: tools
	scripts/bench-live.sh

## Measure the panel lookup on a large store (seeded once): HTTP and SQL load, browser timing, asset sizes (prints figures; not a test).
bench: tools
	scripts/bench.sh

## Time the first order row, cold and warm, for Orderpane and a plain server-rendered reference page, with the bytes each transfers (prints figures; not a test).
bench-navigation: tools
	scripts/bench-navigation.sh

## Measure `server import` of 2,000,000 orders with items against COPY of the same rows (prints figures; not a test).
bench-import: tools
	scripts/bench-import.sh

## Measure the panel lookup on the mapped example (views over a shop's tables) against the managed store with the same rows (needs DATABASE_URL; prints figures; not a test).
bench-mapped: tools
	scripts/bench-mapped.sh

## Build the production archive dist/orderpane-<version>-<target>.tar.gz: the server without the development extras, its site with precompressed assets, example settings and a systemd unit.
dist: tools
	scripts/dist.sh

## 256 panels for 10 minutes with the database stopped for 10 s in the middle: req/s, p50/p99, answers by status, server memory and connections (prints figures; not a test).
soak: tools
	scripts/soak.sh
