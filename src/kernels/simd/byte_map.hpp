// The 8-bit table lookup (HARD_SWISH, LOGISTIC, ...) in vectors: the 256-byte
// table as 16 sub-tables of 16 bytes. lookup16 gives 0 for indices >= 16, so
// of the 16 lookups of x - 16 * j (mod 256), j = 0..15, only sub-table
// j = x / 16 contributes, and OR-ing them all gives table[x]: 16 shuffles per
// vector, of four vectors at a time so that their chains overlap. A count
// that is not a multiple of the vector ends with one vector overlapping the
// previous one (loaded before anything is stored, so in == out works); a
// count below one vector goes through a buffer.
#pragma once

#include "kernels/elementwise.hpp"

namespace mnw::simd {

void byte_map(const uint8_t* table, const uint8_t* in, uint8_t* out, size_t count);

}  // namespace mnw::simd
