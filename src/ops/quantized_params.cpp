#include "ops/quantized_params.hpp"

#include <algorithm>
#include <cmath>

namespace mnw {

ClampRange dtype_range(DType dtype) {
  switch (dtype) {
    case DType::kUInt8: return {0, 255};
    case DType::kInt8: return {-128, 127};
    case DType::kInt16: return {-32768, 32767};
    default: return {INT32_MIN, INT32_MAX};
  }
}

ClampRange activation_range(Activation activation, const TensorInfo& output) {
  const ClampRange type = dtype_range(output.dtype);
  const float scale = output.quantization.scale();
  const int32_t zero_point = output.quantization.zero_point();
  // TFLite rounds f / scale in float (TfLiteRound = std::round on float).
  auto quantize = [&](float f) {
    return zero_point + truncate_and_clamp(std::round(f / scale), type.min - zero_point, type.max - zero_point);
  };
  switch (activation) {
    case Activation::kNone: return type;
    case Activation::kRelu: return {std::max(type.min, quantize(0.0f)), type.max};
    case Activation::kRelu6: return {std::max(type.min, quantize(0.0f)), std::min(type.max, quantize(6.0f))};
    case Activation::kReluN1To1: return {std::max(type.min, quantize(-1.0f)), std::min(type.max, quantize(1.0f))};
  }
  return type;
}

Status check_spatial_extent(const OpContext& ctx, int filter_size, int stride, int dilation) {
  const int64_t extent = (static_cast<int64_t>(filter_size) - 1) * dilation + 1;
  if (stride > kMaxSpatialExtent || extent > kMaxSpatialExtent) {
    return ctx.unsupported("stride " + std::to_string(stride) + " or dilated filter size " + std::to_string(extent) +
                           " is over " + std::to_string(kMaxSpatialExtent));
  }
  return Status::ok();
}

SpatialPadding compute_padding(Padding padding, int in_size, int filter_size, int stride, int dilation) {
  const int effective_filter = (filter_size - 1) * dilation + 1;
  const int out_size = padding == Padding::kSame ? (in_size + stride - 1) / stride
                                                 : (in_size - effective_filter + stride) / stride;
  const int total = std::max((out_size - 1) * stride + effective_filter - in_size, 0);
  return {out_size, total / 2};
}

}  // namespace mnw
