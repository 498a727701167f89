#!/usr/bin/env bash
# Usage: scripts/test.sh [native|wasm|all]   (default: all)
# Builds, then runs the same test suite natively and under Node (wasm, and
# wasm with threads).
# Runs both even if the first fails; exits non-zero if either failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

what="${1:-all}"
bash scripts/build.sh "$what"

failed=()
for target in native wasm wasm-threads; do
  if [ "$what" = "${target%-threads}" ] || [ "$what" = all ]; then
    echo "== tests: $target =="
    ctest --test-dir "build/$target" --output-on-failure -j2 || failed+=("$target")
  fi
done

# The npm package (tests/js): the packed tarball in Node, compared with the
# native CLI, and in Chromium. It needs both builds, hence only with `all`.
if [ "$what" = all ]; then
  [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
  echo "== tests: js package =="
  node --test tests/js/ || failed+=("js")
fi

# The demo page in Debian's Chromium, driven by playwright-core (an npm devDependency).
if [ "$what" = wasm ] || [ "$what" = all ]; then
  [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
  echo "== tests: web page =="
  node --test tests/web/ || failed+=("web")
fi

if [ ${#failed[@]} -ne 0 ]; then
  echo "tests failed: ${failed[*]}" >&2
  exit 1
fi
