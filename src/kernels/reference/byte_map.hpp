// Reference byte table lookup: the 8-bit elementwise functions (HARD_SWISH,
// LOGISTIC, an operand with a single element, ...) tabulated per input byte.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mnw::reference {

inline void byte_map(const uint8_t* table, const uint8_t* in, uint8_t* out, size_t count) {
  for (size_t i = 0; i < count; ++i) out[i] = table[in[i]];
}

}  // namespace mnw::reference
