#!/usr/bin/env bash
# Usage: scripts/bench.sh [bench options] [MODEL|DIR...]
# Latency of every model on the reference and SIMD kernels, natively and in
# WebAssembly under Node, in two tables (see `mobilenet bench --help`).
# Models default to $MNW_MODELS_DIR, else ../shared/models.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

args=("$@")
has_model=0
for a in "${args[@]}"; do [[ "$a" == *.tflite || -d "$a" ]] && has_model=1; done
if [ "$has_model" = 0 ]; then
  models="${MNW_MODELS_DIR:-../shared/models}"
  [ -d "$models" ] || { echo "no models: pass model files or set MNW_MODELS_DIR" >&2; exit 2; }
  args+=("$models")
fi

[ -x build/native/mobilenet ] && [ -f build/wasm/mobilenet.js ] || bash scripts/build.sh all
echo "== native ($(uname -m)) =="
build/native/mobilenet bench "${args[@]}"
echo
echo "== wasm under Node $(node --version) =="
node --no-experimental-fetch build/wasm/mobilenet.js bench "${args[@]}"
