#include "kernels/simd/byte_map.hpp"

#include <algorithm>

#include "kernels/simd/xsimd_extensions.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {
namespace {

using U8 = xsimd::batch<uint8_t, Arch>;
constexpr size_t kSubTables = 256 / 16;
constexpr size_t kVectorsPerStep = 4;

// Replaces every byte of the kVectors vectors by its table entry.
template <size_t kVectors>
MNW_SIMD_INLINE void map_vectors(const U8 (&tables)[kSubTables], U8 (&bytes)[kVectors]) {
  const U8 sub_table_size(uint8_t{16});
  U8 index[kVectors];
  // Unrolled, so that the vectors stay in registers (GCC otherwise keeps the
  // arrays on the stack).
#pragma GCC unroll 16
  for (size_t v = 0; v < kVectors; ++v) {
    index[v] = bytes[v];
    bytes[v] = lookup16(tables[0], index[v]);
  }
#pragma GCC unroll 16
  for (size_t j = 1; j < kSubTables; ++j) {
#pragma GCC unroll 16
    for (size_t v = 0; v < kVectors; ++v) {
      index[v] -= sub_table_size;
      bytes[v] |= lookup16(tables[j], index[v]);
    }
  }
}

template <size_t kVectors>
MNW_SIMD_INLINE void map_step(const U8 (&tables)[kSubTables], const uint8_t* in, uint8_t* out) {
  U8 bytes[kVectors];
#pragma GCC unroll 16
  for (size_t v = 0; v < kVectors; ++v) bytes[v] = U8::load_unaligned(in + v * U8::size);
  map_vectors(tables, bytes);
#pragma GCC unroll 16
  for (size_t v = 0; v < kVectors; ++v) bytes[v].store_unaligned(out + v * U8::size);
}

}  // namespace

void byte_map(const uint8_t* table, const uint8_t* in, uint8_t* out, size_t count) {
  constexpr size_t n = U8::size;
  U8 tables[kSubTables];
  for (size_t j = 0; j < kSubTables; ++j) tables[j] = load_table16(table + 16 * j);
  if (count < n) {
    alignas(Arch::alignment()) uint8_t buffer[n] = {};
    std::copy_n(in, count, buffer);
    map_step<1>(tables, buffer, buffer);
    std::copy_n(buffer, count, out);
    return;
  }
  U8 last[1] = {U8::load_unaligned(in + count - n)};
  size_t i = 0;
  for (; i + kVectorsPerStep * n <= count; i += kVectorsPerStep * n) map_step<kVectorsPerStep>(tables, in + i, out + i);
  for (; i + n <= count; i += n) map_step<1>(tables, in + i, out + i);
  if (i == count) return;
  map_vectors(tables, last);
  last[0].store_unaligned(out + count - n);
}

}  // namespace mnw::simd

#endif
