#include <catch_amalgamated.hpp>

#include <algorithm>
#include <atomic>
#include <vector>

#include "parallel/thread_pool.hpp"

namespace mnw {
namespace {

// Runs one loop and checks that every unit ran exactly once, in non-empty
// ranges, each on a valid thread index that no other range used at the same
// time. Catch2's assertions are not thread-safe: workers only count.
void check_loop(ThreadPool& pool, size_t units) {
  std::vector<std::atomic<int>> hits(units);
  std::vector<std::atomic<bool>> busy(static_cast<size_t>(pool.threads()));
  std::atomic<int> bad_ranges{0}, overlapping{0};
  pool.parallel_for(units, [&](size_t begin, size_t end, int thread) {
    if (begin >= end || end > units || thread < 0 || thread >= pool.threads()) {
      bad_ranges.fetch_add(1);
      return;
    }
    if (busy[static_cast<size_t>(thread)].exchange(true)) overlapping.fetch_add(1);
    for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
    busy[static_cast<size_t>(thread)].store(false);
  });
  REQUIRE(bad_ranges.load() == 0);
  REQUIRE(overlapping.load() == 0);
  for (size_t i = 0; i < units; ++i) REQUIRE(hits[i].load() == 1);
}

}  // namespace

TEST_CASE("a thread pool covers every unit exactly once, one range per thread at a time", "[parallel]") {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    CAPTURE(threads, pool.threads());
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    REQUIRE(pool.threads() == 1);
#elif defined(__EMSCRIPTEN__)
    // The program starts with three workers; a pool asking for more gets
    // fewer threads instead of waiting for workers that cannot start.
    REQUIRE(pool.threads() == std::min(threads, 4));
#else
    REQUIRE(pool.threads() == threads);
#endif
    for (size_t units : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{1000}}) {
      CAPTURE(units);
      check_loop(pool, units);
    }
  }
}

TEST_CASE("a thread pool runs thousands of loops back to back", "[parallel]") {
  ThreadPool pool(2);
  std::vector<int> out(256);
  for (int round = 0; round < 5000; ++round) {
    pool.parallel_for(out.size(), [&](size_t begin, size_t end, int) {
      for (size_t i = begin; i < end; ++i) out[i] = round;
    });
    // Every write of this round is visible once parallel_for returns.
    for (int v : out) REQUIRE(v == round);
  }
}

}  // namespace mnw
