#include "graph/memory_planner.hpp"

#include <algorithm>
#include <numeric>

namespace mnw {
namespace {

size_t align_up(size_t n) { return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

bool lifetimes_overlap(const TensorLifetime& a, const TensorLifetime& b) {
  return a.first_op <= b.last_op && b.first_op <= a.last_op;
}

}  // namespace

MemoryPlan plan_memory(const std::vector<TensorLifetime>& tensors) {
  MemoryPlan plan;
  plan.offsets.assign(tensors.size(), 0);
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return tensors[a].bytes > tensors[b].bytes; });
  std::vector<size_t> placed;
  for (size_t t : order) {
    const size_t size = align_up(tensors[t].bytes);
    // Candidate offsets: 0 and the end of every overlapping placed tensor;
    // take the lowest that fits between them.
    std::vector<std::pair<size_t, size_t>> busy;  // [begin, end) of overlapping tensors
    for (size_t p : placed) {
      if (lifetimes_overlap(tensors[t], tensors[p])) {
        busy.emplace_back(plan.offsets[p], plan.offsets[p] + align_up(tensors[p].bytes));
      }
    }
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (offset + size <= begin) break;
      offset = std::max(offset, end);
    }
    plan.offsets[t] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + size);
    placed.push_back(t);
  }
  return plan;
}

}  // namespace mnw
