// Tables indexed by a pair of bytes, for targets without a fast vector
// table lookup (wasm: V8 adds a fix-up to every i8x16.swizzle, and the
// 32-bit lanes of the requantizing kernels hold only four values). They pay
// from a few thousand values per run (see kernels/dispatch.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/elementwise.hpp"

namespace mnw {

// An 8-bit table applied two bytes per lookup: pairs[a | b << 8] = table[a] |
// table[b] << 8, 65536 entries (128 KB) filled once, then two lookups per
// 4-byte load and store, where a lookup per byte costs two loads and a store
// per byte. Measured in Chromium on MobileNet V3 Small's HARD_SWISH layers:
// 1.7x faster than reference::byte_map.
class BytePairTable {
 public:
  static constexpr size_t kBytes = (size_t{1} << 16) * sizeof(uint16_t);
  // From a 256-entry table, indexed by the byte.
  void fill(const uint8_t* table);
  bool empty() const { return pairs_.empty(); }
  // out[i] = table[in[i]]; in == out works.
  void map(const uint8_t* in, uint8_t* out, size_t count) const;

 private:
  std::vector<uint16_t> pairs_;
};

// A binary 8-bit op with fixed quantization (ADD, SUB, MUL) is a function of
// the two input bytes: out = table[a | b << 8], 65536 entries (64 KB) that
// the op's own kernel fills once by running over every pair, then four
// values per 4-byte load and store. Measured in Chromium against the vector
// kernel on MobileNet V3 Small's residual ADDs: 2x faster (three 64-bit
// rescales per value, where MUL's one makes its vector kernel as fast).
class BinaryByteTable final : public BinaryKernel {
 public:
  static constexpr size_t kBytes = size_t{1} << 16;
  // `fill` computes the op for shape {1, 65536}: a and b as given, into out.
  BinaryByteTable(BinaryKernel& fill, BinaryShape shape);
  void run(const void* a, const void* b, void* out) override;
  // "byte pair table of " and the name of the kernel that filled it.
  const char* name() const override { return name_.c_str(); }

 private:
  std::string name_;
  std::vector<uint8_t> table_;
  BinaryShape shape_;
  std::vector<const uint8_t*> rows_;  // per element of b: its 256 outputs (a broadcast b)
};

}  // namespace mnw
