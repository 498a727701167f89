#!/usr/bin/env bash
# Usage: scripts/bench-peers.sh [peers bench options, e.g. --only mobilenet_v2_1.0_224_quant --runs 50]
# Times this project's wasm build (bench/peer.mjs) and TFLite-web side by side
# in one headless Chromium run with ../shared/peers, and prints its table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
shared="${MNW_SHARED_DIR:-$root/../shared}"
[ -f "$shared/peers/bench.mjs" ] || { echo "needs ../shared/peers (or MNW_SHARED_DIR)" >&2; exit 2; }

[ -f wasm/dist/mobilenet-core-simd.wasm ] || bash scripts/build.sh wasm
# The peers folder is read-only in ../shared: run a copy with its own node_modules.
peers=build/peers
if [ ! -d "$peers/node_modules" ] || [ "$shared/peers/package-lock.json" -nt "$peers/package-lock.json" ]; then
  rm -rf "$peers"
  mkdir -p build
  cp -r "$shared/peers" "$peers"
  chmod -R u+w "$peers"
  (cd "$peers" && npm ci --no-audit --no-fund)
fi
cd "$peers"
PEERS_SHARED="$(cd "$shared" && pwd)" PEERS_BUILD="$root/build/peers-build" \
  node bench.mjs --candidate "$root/bench/peer.mjs" --candidate-root "$root" --no-mediapipe "$@"
