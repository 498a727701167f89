// Reference requantization of a convolution accumulator to an output value.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/fixed_point.hpp"
#include "kernels/conv2d.hpp"

namespace mnw::reference {

inline int32_t requantize(const ConvDesc& d, int32_t acc, int channel) {
  const int32_t m = d.multiplier[static_cast<size_t>(channel)];
  const int32_t e = d.exponent[static_cast<size_t>(channel)];
  const int32_t scaled = d.rounding == Rounding::kSingle ? multiply_by_quantized_multiplier_single_round(acc, m, e)
                                                         : multiply_by_quantized_multiplier(acc, m, e);
  return std::clamp(scaled + d.output_zero_point, d.activation_min, d.activation_max);
}

}  // namespace mnw::reference
