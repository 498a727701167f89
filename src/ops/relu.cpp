// RELU and RELU6 as standalone ops on 8-bit tensors: requantize from the input
// to the output scale, then clamp to the activation's range.
#include <algorithm>

#include "core/fixed_point.hpp"
#include "ops/lookup_table.hpp"
#include "ops/ops.hpp"
#include "model/op_type.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {

Result<OperatorPtr> create_relu(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(validate_quantized_unary_op(ctx));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {input.dtype}));
  const Activation activation =
      ctx.op().builtin_code == static_cast<int32_t>(OpType::kRelu6) ? Activation::kRelu6 : Activation::kRelu;
  const ClampRange clamp = activation_range(activation, output);
  const QuantizedMultiplier m = quantize_multiplier(static_cast<double>(input.quantization.scale()) /
                                                    static_cast<double>(output.quantization.scale()));
  const int32_t input_zero_point = input.quantization.zero_point();
  const int32_t output_zero_point = output.quantization.zero_point();
  return OperatorPtr(std::make_unique<LookupTableOp>(ctx, [&](int32_t x) {
    return add_and_clamp(multiply_by_quantized_multiplier(x - input_zero_point, m), output_zero_point, clamp);
  }));
}

}  // namespace mnw
