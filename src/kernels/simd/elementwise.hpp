// What the SIMD elementwise kernels (mul.cpp, add_sub.cpp, quantize.cpp)
// share: their step of one vector of bytes, and the convolutions' vector
// requantization (requantize.hpp) set up for one multiplier per tensor.
#pragma once

#include "kernels/simd/requantize.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {

// Outputs per step: one vector of bytes, four of int32.
inline constexpr size_t kBlock = 4 * kLanes;

// A Requantizer for one multiplier, repeated across the two vectors
// requantize_pair reads at channel 0 (which only the per-channel and scalar
// epilogues look at).
inline Requantizer per_tensor_requantizer(QuantizedMultiplier m, int32_t zero_point, int32_t min, int32_t max) {
  ConvDesc d;
  d.multiplier.assign(2 * kLanes, m.mantissa);
  d.exponent.assign(2 * kLanes, m.exponent);
  d.rounding = Rounding::kDouble;
  d.output_zero_point = zero_point;
  d.activation_min = min;
  d.activation_max = max;
  return Requantizer(d, 2 * kLanes);
}

// Calls f.template operator()<T, E>() for the element type of `dtype`
// (uint8_t or int8_t) and the requantizer's epilogue E (one of the
// double-rounding ones: the elementwise ops never round once).
template <class F>
void with_double_rounding_epilogue(DType dtype, const Requantizer& r, F&& f) {
  const auto typed = [&]<class T>() {
    switch (r.epilogue()) {
      case Epilogue::kDoubleRoundingPerTensor: return f.template operator()<T, Epilogue::kDoubleRoundingPerTensor>();
      case Epilogue::kDoubleRoundingPreShifted: return f.template operator()<T, Epilogue::kDoubleRoundingPreShifted>();
      case Epilogue::kDoubleRounding: return f.template operator()<T, Epilogue::kDoubleRounding>();
      default: return f.template operator()<T, Epilogue::kScalar>();
    }
  };
  if (dtype == DType::kUInt8) return typed.template operator()<uint8_t>();
  typed.template operator()<int8_t>();
}

}  // namespace mnw::simd

#endif
