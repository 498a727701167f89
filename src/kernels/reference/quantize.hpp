// Reference QUANTIZE from float32, as TFLite's optimized kernel computes it:
// the division and the rounding (std::round, half away from zero) in float.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "kernels/elementwise.hpp"

namespace mnw::reference {

template <typename T>
T quantize(const QuantizeParams& p, float x) {
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  const float scaled = std::round(x / p.scale);
  // Clamp as float first so that huge values and infinities never reach the
  // integer conversion; NaN (which compares false) becomes 0.
  if (std::isnan(scaled)) return static_cast<T>(p.zero_point);
  const float clamped = std::clamp(scaled, static_cast<float>(kMin - p.zero_point), static_cast<float>(kMax - p.zero_point));
  return static_cast<T>(static_cast<int32_t>(clamped) + p.zero_point);
}

// quantize(), then the params' table if any.
template <typename T>
T quantize_mapped(const QuantizeParams& p, float x) {
  const T q = quantize<T>(p, x);
  return p.table == nullptr ? q : static_cast<T>(p.table[static_cast<uint8_t>(q)]);
}

template <typename T>
void quantize(const QuantizeParams& p, const float* in, T* out, size_t count) {
  for (size_t i = 0; i < count; ++i) out[i] = quantize_mapped<T>(p, in[i]);
}

}  // namespace mnw::reference
