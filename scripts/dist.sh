#!/usr/bin/env bash
# Builds the production artifact, `make dist`:
#   dist/orderpane-<version>-<target>.tar.gz
# holding the server built WITHOUT the development extras (cargo feature `dev`), `hash.txt`
# beside it (the hashed asset names), the site with precompressed assets, and deploy/'s
# example settings and systemd unit. Unpacked into /opt/orderpane it runs as the unit says.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export SQLX_OFFLINE=true
export LEPTOS_OUTPUT_NAME=orderpane

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' server/Cargo.toml | head -n 1)
target=$(rustc -vV | sed -n 's/^host: //p')
name="orderpane-$version-$target"
target_dir=$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')

# The workspace metadata turns on `dev` for the server (bin-features, for `make run` and the
# browser tests); an explicitly empty list builds it without. Only the server crate is
# compiled again; the wasm and everything else is reused.
cargo leptos build --release --precompress --bin-features ''

# Belt and braces: a binary with the extras would offer the demo store.
refusal=$("$target_dir/release/server" --demo-data true \
  --database-url postgres://nowhere.invalid/x serve 2>&1 || true)
if ! grep -q 'lacks the development extras' <<<"$refusal"; then
  echo "dist: the server binary has the development extras; refusing to package it" >&2
  exit 1
fi

stage="$target_dir/dist/$name"
rm -rf "$stage"
mkdir -p "$stage/deploy"
cp "$target_dir/release/server" "$target_dir/release/hash.txt" "$stage/"
# site-root = "target/site" in Cargo.toml, relative to the workspace.
cp -r target/site "$stage/site"
cp deploy/orderpane.service deploy/orderpane.env.example deploy/installs.toml.example \
  deploy/Caddyfile.example deploy/nginx.conf.example "$stage/deploy/"
cp README.md "$stage/"

mkdir -p dist
tar -C "$target_dir/dist" -czf "dist/$name.tar.gz" "$name"
echo "dist/$name.tar.gz"
