// QUANTIZE: float32 -> uint8/int8 (q = round(x / scale) + zero_point, in float
// as TFLite's optimized kernel), or 8-bit -> 8-bit requantization (a rescale
// by input_scale / output_scale, tabulated per input value).
#include <algorithm>
#include <cmath>

#include "core/fixed_point.hpp"
#include "ops/lookup_table.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

template <typename T>
class QuantizeFloatOp final : public Operator {
 public:
  QuantizeFloatOp(const OpContext& ctx)
      : scale_(ctx.output(0).quantization.scale()),
        zero_point_(ctx.output(0).quantization.zero_point()),
        input_(ctx.input_index(0)),
        output_(ctx.output_index(0)),
        count_(static_cast<size_t>(ctx.output(0).shape.element_count())) {}

  void run(const TensorData& t) override {
    const float* in = t.get<float>(input_);
    T* out = t.get<T>(output_);
    const ClampRange range = dtype_range(std::is_same_v<T, uint8_t> ? DType::kUInt8 : DType::kInt8);
    for (size_t i = 0; i < count_; ++i) {
      // Compare as float first so NaN and huge values clamp instead of overflowing the cast.
      const float scaled = std::round(in[i] / scale_);
      const float clamped = std::clamp(scaled, static_cast<float>(range.min - zero_point_),
                                       static_cast<float>(range.max - zero_point_));
      const int32_t q = (std::isnan(scaled) ? 0 : static_cast<int32_t>(clamped)) + zero_point_;
      out[i] = static_cast<T>(q);
    }
  }

 private:
  float scale_;
  int32_t zero_point_;
  int32_t input_, output_;
  size_t count_;
};

}  // namespace

Result<OperatorPtr> create_quantize(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(output, "output"));
  MNW_RETURN_IF_ERROR(ctx.expect_output_shape(0, input.shape));
  if (input.dtype == DType::kFloat32) {
    if (output.dtype == DType::kUInt8) return OperatorPtr(std::make_unique<QuantizeFloatOp<uint8_t>>(ctx));
    return OperatorPtr(std::make_unique<QuantizeFloatOp<int8_t>>(ctx));
  }
  MNW_RETURN_IF_ERROR(validate_quantized_unary_op(ctx));
  const QuantizedMultiplier m = quantize_multiplier(static_cast<double>(input.quantization.scale()) /
                                                    static_cast<double>(output.quantization.scale()));
  const int32_t input_zero_point = input.quantization.zero_point();
  const int32_t output_zero_point = output.quantization.zero_point();
  const ClampRange range = dtype_range(output.dtype);
  return OperatorPtr(std::make_unique<LookupTableOp>(ctx, [&](int32_t x) {
    return add_and_clamp(multiply_by_quantized_multiplier(x - input_zero_point, m), output_zero_point, range);
  }));
}

}  // namespace mnw
