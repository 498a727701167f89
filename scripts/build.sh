#!/usr/bin/env bash
# Usage: scripts/build.sh [native|wasm|all]   (default: all)
# Installs dependencies if needed, then configures and builds
#   native -> build/native  (the CLI build/native/mobilenet and the tests)
#   wasm   -> build/wasm    (the tests as build/wasm/mnw_tests.js for Node, the
#             CLI as build/wasm/mobilenet.js), build/wasm-threads (the same
#             with pthreads) and wasm/dist (the npm package's SIMD module and,
#             from build/wasm-scalar and build/wasm-threads, its scalar and
#             SIMD+threads variants)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what="${1:-all}"
case "$what" in
  native|wasm|all) ;;
  *) echo "usage: $0 [native|wasm|all]" >&2; exit 2 ;;
esac

bash scripts/setup-deps.sh

# configure DIR WRAPPER [CMAKE-ARGS...]: WRAPPER is emcmake or empty. The
# generator can only be chosen on the first configure of a build directory.
configure() {
  local dir=$1 wrapper=$2; shift 2
  local generator=()
  [ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
  $wrapper cmake -S . -B "$dir" "${generator[@]}" "$@"
}

if [ "$what" = native ] || [ "$what" = all ]; then
  configure build/native ""
  cmake --build build/native -j2
fi
if [ "$what" = wasm ] || [ "$what" = all ]; then
  configure build/wasm emcmake
  cmake --build build/wasm -j2
  # The package's other variants: the scalar fallback (only the browser
  # module), and SIMD with threads for cross-origin-isolated pages (with its
  # tests and CLI: the thread pool runs as Emscripten pthreads under Node).
  configure build/wasm-scalar emcmake -DMNW_WASM_SIMD=OFF
  cmake --build build/wasm-scalar -j2 --target mobilenet_module
  configure build/wasm-threads emcmake -DMNW_WASM_THREADS=ON
  cmake --build build/wasm-threads -j2
  mkdir -p wasm/dist
  cp build/wasm/wasm/mobilenet-core-simd.{mjs,wasm} wasm/dist/
  cp build/wasm-scalar/wasm/mobilenet-core-scalar.{mjs,wasm} wasm/dist/
  cp build/wasm-threads/wasm/mobilenet-core-simd-threads.{mjs,wasm,worker.js} wasm/dist/
fi
