// Plans where every activation tensor lives in one arena, once per model:
// tensors whose lifetimes (first write .. last read, in operator order) do
// not overlap may share bytes. Greedy by size, largest first, each placed at
// the lowest offset that collides with no already-placed, overlapping tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mnw {

struct TensorLifetime {
  size_t bytes = 0;
  int first_op = 0;  // -1: written before the first op (a graph input)
  int last_op = 0;   // the last op that reads it; graph outputs live to the end
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // per lifetime entry, aligned to kAlignment
  size_t arena_bytes = 0;
};

constexpr size_t kArenaAlignment = 64;

MemoryPlan plan_memory(const std::vector<TensorLifetime>& tensors);

}  // namespace mnw
