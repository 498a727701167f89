#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [seconds] [extra libFuzzer options...]   (default: 60 s)
# Builds the model-reader fuzzer with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer in build/fuzz, then fuzzes for a bounded time,
# starting from a copy of fuzz/corpus (the committed seeds stay as they are;
# the grown corpus is kept in build/fuzz/corpus for the next run). Crashing
# inputs are written to build/fuzz/artifacts/; replay one with
#   build/fuzz/fuzz/model_reader_fuzzer build/fuzz/artifacts/crash-...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-60}"
shift || true
case "$seconds" in
  ''|*[!0-9]*) echo "usage: $0 [seconds] [libFuzzer options...]" >&2; exit 2 ;;
esac

bash scripts/setup-deps.sh

dir=build/fuzz
generator=()
[ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMNW_BUILD_FUZZERS=ON
cmake --build "$dir" -j2 --target model_reader_fuzzer

mkdir -p "$dir/corpus" "$dir/artifacts"
cp -n fuzz/corpus/* "$dir/corpus/"
# One process (the machine is shared); an input slower than 20 s is reported.
"$dir/fuzz/model_reader_fuzzer" "$dir/corpus" \
  -max_total_time="$seconds" -max_len=8192 -timeout=20 -rss_limit_mb=2048 \
  -artifact_prefix="$dir/artifacts/" -print_final_stats=1 "$@"
