// LOGISTIC on 8-bit tensors, as TFLite's optimized kernel: a table of
// round(sigmoid(dequantized x) / output_scale) + zero point, in float.
#include <algorithm>
#include <cmath>

#include "ops/lookup_table.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {

Result<OperatorPtr> create_logistic(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(validate_quantized_unary_op(ctx));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {input.dtype}));
  const float input_scale = input.quantization.scale();
  const int32_t input_zero_point = input.quantization.zero_point();
  const float inverse_output_scale = 1.0f / output.quantization.scale();
  const int32_t output_zero_point = output.quantization.zero_point();
  const ClampRange range = dtype_range(output.dtype);
  return OperatorPtr(std::make_unique<LookupTableOp>(ctx, [&](int32_t x) {
    const float real = input_scale * static_cast<float>(x - input_zero_point);
    const float sigmoid = 1.0f / (1.0f + std::exp(-real));
    return truncate_and_clamp(std::round(sigmoid * inverse_output_scale) + static_cast<float>(output_zero_point),
                              range.min, range.max);
  }));
}

}  // namespace mnw
