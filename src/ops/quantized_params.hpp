// Load-time quantization helpers shared by the operators: activation clamps
// and the real multipliers TFLite derives from tensor scales.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/fixed_point.hpp"
#include "graph/operator.hpp"

namespace mnw {

struct ClampRange {
  int32_t min;
  int32_t max;
};

// Full range of a uint8/int8 tensor type.
ClampRange dtype_range(DType dtype);

// clamp(value + offset, range) without the int32 overflow that extreme
// rescales (a multiplier clamped to 2^30, say) can bring to value + offset.
inline int32_t add_and_clamp(int32_t value, int32_t offset, ClampRange range) {
  return static_cast<int32_t>(std::clamp<int64_t>(int64_t{value} + offset, range.min, range.max));
}

// clamp(truncate(v), lo, hi) for any float. Converting a float outside
// int32's range (or NaN) to an integer is undefined, and extreme scales make
// such floats, so the clamp starts in float; NaN gives lo.
inline int32_t truncate_and_clamp(float v, int32_t lo, int32_t hi) {
  if (!(v > -2147483648.0f)) return lo;
  if (!(v < 2147483648.0f)) return hi;
  return std::clamp(static_cast<int32_t>(v), lo, hi);
}

// The clamp a fused activation adds on a quantized output (TFLite's
// CalculateActivationRangeQuantized): the activation's bounds quantized with
// the output's scale and zero point, intersected with the type's range.
ClampRange activation_range(Activation activation, const TensorInfo& output);

// Output size and leading padding of one spatial dimension (TFLite's
// ComputeOutSize / ComputePaddingHeightWidth).
struct SpatialPadding {
  int out_size;
  int pad_before;
};
SpatialPadding compute_padding(Padding padding, int in_size, int filter_size, int stride, int dilation);

// Strides and dilated filter sizes ((filter - 1) * dilation + 1) above this
// are refused: real models use single digits, and with this bound every
// index that padding and the kernels compute from them fits an int.
constexpr int64_t kMaxSpatialExtent = int64_t{1} << 16;
// Checks one spatial dimension's stride and dilated filter size against it.
Status check_spatial_extent(const OpContext& ctx, int filter_size, int stride, int dilation);

}  // namespace mnw
