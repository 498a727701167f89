#!/usr/bin/env bash
# npm start: builds the WebAssembly engine if it is missing or older than its
# sources, then serves the demo page on http://127.0.0.1:8080/ (PORT=... to
# change the port). See scripts/serve.mjs for what is served.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The engine's sources: a change to any of them means wasm/dist is stale.
engine_sources=(src wasm/bindings.cpp wasm/CMakeLists.txt CMakeLists.txt cmake)
built=wasm/dist/mobilenet-core-simd.wasm

missing=""
for variant in simd scalar; do
  for ext in mjs wasm; do
    [ -f "wasm/dist/mobilenet-core-$variant.$ext" ] || missing=yes
  done
done

if [ -n "$missing" ]; then
  echo "start: building the WebAssembly engine (wasm/dist is missing; this takes a few minutes the first time)"
  bash scripts/build.sh wasm
elif [ -n "$(find "${engine_sources[@]}" -newer "$built" -type f -print -quit 2>/dev/null)" ]; then
  echo "start: the engine's sources changed since wasm/dist was built; rebuilding"
  if ! bash scripts/build.sh wasm; then
    echo "start: the rebuild failed; serving the wasm/dist built before" >&2
  fi
fi

exec node scripts/serve.mjs
