// The activation memory planner: tensors whose lifetimes overlap never share
// bytes; tensors whose lifetimes do not overlap may, and in a chain of ops do.
#include <catch_amalgamated.hpp>

#include "graph/memory_planner.hpp"
#include "support/prng.hpp"

using namespace mnw;

namespace {

bool lifetimes_overlap(const TensorLifetime& a, const TensorLifetime& b) {
  return a.first_op <= b.last_op && b.first_op <= a.last_op;
}

// Checks the plan's invariants and returns the smallest arena any plan
// could use: the largest total of simultaneously live bytes.
size_t check_plan(const std::vector<TensorLifetime>& tensors, const MemoryPlan& plan) {
  REQUIRE(plan.offsets.size() == tensors.size());
  std::string violations;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const std::string tensor = "tensor " + std::to_string(i);
    if (plan.offsets[i] % kArenaAlignment != 0) violations += tensor + " is misaligned; ";
    if (plan.offsets[i] + tensors[i].bytes > plan.arena_bytes) violations += tensor + " ends past the arena; ";
    for (size_t j = 0; j < i; ++j) {
      if (tensors[i].bytes == 0 || tensors[j].bytes == 0 || !lifetimes_overlap(tensors[i], tensors[j])) continue;
      const bool disjoint = plan.offsets[i] + tensors[i].bytes <= plan.offsets[j] ||
                            plan.offsets[j] + tensors[j].bytes <= plan.offsets[i];
      if (!disjoint) violations += tensor + " overlaps live tensor " + std::to_string(j) + "; ";
    }
  }
  CHECK(violations.empty());
  size_t peak = 0;
  for (const TensorLifetime& at : tensors) {
    size_t live = 0;
    for (const TensorLifetime& t : tensors) {
      if (t.first_op <= at.first_op && at.first_op <= t.last_op) live += t.bytes;
    }
    peak = std::max(peak, live);
  }
  return peak;
}

}  // namespace

TEST_CASE("Tensors with disjoint lifetimes share memory", "[graph][memory_planner]") {
  // A chain: input -> op 0 -> a -> op 1 -> b -> op 2 -> output. Each op
  // reads one tensor and writes the next, so only neighbours overlap.
  const std::vector<TensorLifetime> chain = {
      {1000, -1, 0}, {1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3},
  };
  const MemoryPlan plan = plan_memory(chain);
  check_plan(chain, plan);
  CHECK(plan.arena_bytes == 2 * 1024);  // two slots of 1000 bytes rounded to 64
  CHECK(plan.offsets[0] == plan.offsets[2]);
  CHECK(plan.offsets[1] == plan.offsets[3]);
  CHECK(plan.offsets[0] != plan.offsets[1]);
}

TEST_CASE("An op's input and output never share memory", "[graph][memory_planner]") {
  // Lifetimes that touch at one op overlap: the op reads one while writing the other.
  const std::vector<TensorLifetime> touching = {{64, 0, 3}, {64, 3, 5}};
  const MemoryPlan plan = plan_memory(touching);
  check_plan(touching, plan);
  CHECK(plan.offsets[0] != plan.offsets[1]);
  CHECK(plan.arena_bytes == 128);
}

TEST_CASE("A long-lived tensor keeps its bytes while short ones reuse theirs", "[graph][memory_planner]") {
  // A residual connection: the skip tensor lives across three ops.
  const std::vector<TensorLifetime> residual = {
      {4096, -1, 3},  // skip
      {4096, 0, 1},
      {4096, 1, 2},
      {4096, 2, 3},
      {4096, 3, 4},  // the sum
  };
  const MemoryPlan plan = plan_memory(residual);
  CHECK(plan.arena_bytes == check_plan(residual, plan));
  CHECK(plan.arena_bytes == 3 * 4096);
}

TEST_CASE("No plan ever overlaps live tensors (random graphs)", "[graph][memory_planner]") {
  const uint64_t seed = GENERATE(range(1, 201));
  CAPTURE(seed);
  test::Prng prng(seed);
  const int ops = static_cast<int>(prng.between(1, 40));
  std::vector<TensorLifetime> tensors(static_cast<size_t>(prng.between(1, 60)));
  for (TensorLifetime& t : tensors) {
    // Sizes from empty to a few KB, sometimes equal, sometimes not aligned.
    t.bytes = prng.below(8) == 0 ? 0 : static_cast<size_t>(prng.below(4) == 0 ? 1024 : prng.between(1, 5000));
    t.first_op = static_cast<int>(prng.between(-1, ops - 1));
    t.last_op = static_cast<int>(prng.between(t.first_op, ops));
  }
  const MemoryPlan plan = plan_memory(tensors);
  const size_t peak = check_plan(tensors, plan);
  size_t total = 0;
  for (const TensorLifetime& t : tensors) total += (t.bytes + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
  CHECK(plan.arena_bytes >= peak);
  CHECK(plan.arena_bytes <= total);  // never worse than giving each tensor its own bytes
}

TEST_CASE("An empty graph needs no arena", "[graph][memory_planner]") {
  const MemoryPlan plan = plan_memory({});
  CHECK(plan.offsets.empty());
  CHECK(plan.arena_bytes == 0);
}
