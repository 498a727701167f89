// An 8-bit table applied two bytes per lookup, for targets without a fast
// vector table lookup (wasm: V8 adds a fix-up to every i8x16.swizzle, and a
// lookup per byte costs two loads and a store per byte): pairs[a | b << 8] =
// table[a] | table[b] << 8, 65536 entries (128 KB) filled once, then two
// lookups per 4-byte load and store. Measured in Chromium on MobileNet V3
// Small's HARD_SWISH layers: 1.7x faster than reference::byte_map; it pays
// from about 16K bytes per run (see byte_pair_table_pays in dispatch.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mnw {

class BytePairTable {
 public:
  // From a 256-entry table, indexed by the byte.
  void fill(const uint8_t* table);
  bool empty() const { return pairs_.empty(); }
  // out[i] = table[in[i]]; in == out works.
  void map(const uint8_t* in, uint8_t* out, size_t count) const;

 private:
  std::vector<uint16_t> pairs_;
};

}  // namespace mnw
