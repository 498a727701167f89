// Reference MUL: the arithmetic of TFLite's quantized MUL, one element at a time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/fixed_point.hpp"
#include "kernels/elementwise.hpp"

namespace mnw::reference {

// The output value of elements a and b (as int32, in their type's range).
// The product of two offset 8-bit values fits in 17 bits.
inline int32_t mul(const MulParams& p, int32_t a, int32_t b) {
  const int32_t scaled = multiply_by_quantized_multiplier((a + p.a_offset) * (b + p.b_offset), p.multiplier);
  // In 64 bits: a multiplier clamped to 2^30 can take `scaled` near INT32_MAX.
  return static_cast<int32_t>(std::clamp<int64_t>(int64_t{scaled} + p.output_offset, p.activation_min, p.activation_max));
}

template <typename T>
void mul(const MulParams& p, BinaryShape shape, const T* a, const T* b, T* out) {
  for (size_t r = 0; r < shape.rows; ++r, a += shape.inner, out += shape.inner) {
    for (size_t i = 0; i < shape.inner; ++i) out[i] = static_cast<T>(mul(p, a[i], b[i]));
  }
}

}  // namespace mnw::reference
