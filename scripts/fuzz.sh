#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [model|image] [seconds] [extra libFuzzer options...]
#   (default: the model fuzzer, 60 s)
# Builds a fuzzer with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer in build/fuzz, then fuzzes for a bounded time,
# starting from a copy of its seed corpus (fuzz/corpus for models,
# fuzz/image_corpus for images; the committed seeds stay as they are, the
# grown corpus is kept in build/fuzz/ for the next run). Crashing inputs are
# written to build/fuzz/artifacts/; replay one with
#   build/fuzz/fuzz/model_reader_fuzzer build/fuzz/artifacts/crash-...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=model
case "${1:-}" in
  model|image) target=$1; shift ;;
esac
seconds="${1:-60}"
shift || true
case "$seconds" in
  ''|*[!0-9]*) echo "usage: $0 [model|image] [seconds] [libFuzzer options...]" >&2; exit 2 ;;
esac
if [ "$target" = model ]; then
  fuzzer=model_reader_fuzzer seeds=fuzz/corpus corpus=corpus max_len=8192
else
  fuzzer=image_decoder_fuzzer seeds=fuzz/image_corpus corpus=image_corpus max_len=16384
fi

bash scripts/setup-deps.sh

dir=build/fuzz
generator=()
[ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMNW_BUILD_FUZZERS=ON
cmake --build "$dir" -j2 --target "$fuzzer"

mkdir -p "$dir/$corpus" "$dir/artifacts"
cp -n "$seeds"/* "$dir/$corpus/"
# One process (the machine is shared); an input slower than 20 s is reported.
"$dir/fuzz/$fuzzer" "$dir/$corpus" \
  -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
  -artifact_prefix="$dir/artifacts/" -print_final_stats=1 "$@"
