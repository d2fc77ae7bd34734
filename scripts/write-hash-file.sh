#!/usr/bin/env bash
# Writes FILE (hash.txt) naming the newest js, wasm and css of target/site/pkg, for a copy of
# the release server in another folder. The server links the assets named in the hash.txt
# beside it; cargo-leptos writes that file into the target folder, where another checkout's
# build may overwrite it, while this checkout's own site folder says the same.
# Usage: scripts/write-hash-file.sh FILE
set -euo pipefail
cd "$(dirname "$0")/.."
: >"$1"
for kind in js wasm css; do
  newest=$(ls -t target/site/pkg/orderpane.*."$kind" | head -n 1)
  hash=${newest#target/site/pkg/orderpane.}
  echo "$kind: ${hash%."$kind"}" >>"$1"
done
