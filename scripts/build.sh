#!/usr/bin/env bash
# Usage: scripts/build.sh [native|wasm|all]   (default: all)
# Installs dependencies if needed, then configures and builds
#   native -> build/native  (the CLI build/native/mobilenet and the tests)
#   wasm   -> build/wasm    (the tests as build/wasm/mnw_tests.js for Node)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what="${1:-all}"
case "$what" in
  native|wasm|all) ;;
  *) echo "usage: $0 [native|wasm|all]" >&2; exit 2 ;;
esac

bash scripts/setup-deps.sh

# configure DIR [CMAKE-WRAPPER]: the generator can only be chosen on the first
# configure of a build directory.
configure() {
  local dir=$1; shift
  local generator=()
  [ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
  "$@" cmake -S . -B "$dir" "${generator[@]}"
}

if [ "$what" = native ] || [ "$what" = all ]; then
  configure build/native
  cmake --build build/native -j2
fi
if [ "$what" = wasm ] || [ "$what" = all ]; then
  configure build/wasm emcmake
  cmake --build build/wasm -j2
fi
