#!/usr/bin/env bash
# Usage: scripts/bench.sh [bench options] [MODEL|DIR...]
# Latency of every model on the reference and SIMD kernels, and of the SIMD
# kernels on 2 threads, natively and in WebAssembly under Node (the SIMD
# build, and the SIMD+threads build), in three tables (`mobilenet --help`).
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

[ -x build/native/mobilenet ] && [ -f build/wasm/mobilenet.js ] && [ -f build/wasm-threads/mobilenet.js ] ||
  bash scripts/build.sh all
echo "== native ($(uname -m)) =="
build/native/mobilenet bench "${args[@]}"
echo
echo "== wasm under Node $(node --version) =="
node --no-experimental-fetch build/wasm/mobilenet.js bench "${args[@]}"
echo
echo "== wasm with threads (Emscripten pthreads) under Node $(node --version) =="
node --no-experimental-fetch build/wasm-threads/mobilenet.js bench "${args[@]}"
