// QUANTIZE: float32 -> uint8/int8 (q = round(x / scale) + zero_point, in
// float as TFLite's optimized kernel; kernels/reference/quantize.hpp), or
// 8-bit -> 8-bit requantization (a rescale by input_scale / output_scale,
// tabulated per input value).
#include "core/fixed_point.hpp"
#include "ops/lookup_table.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

// float32 -> 8-bit through the kernel dispatch picks, and through the byte
// maps that follow it (a float model's input normalization).
class QuantizeFloatOp final : public Operator {
 public:
  QuantizeFloatOp(const OpContext& ctx)
      : params_{ctx.output(0).dtype, ctx.output(0).quantization.scale(), ctx.output(0).quantization.zero_point(),
                nullptr, {}},
        kernel_(quantize_kernel(ctx.kernel_path())),
        input_(ctx.input_index(0)),
        output_(ctx.output_index(0)),
        count_(static_cast<size_t>(ctx.output(0).shape.element_count())) {}

  void run(const TensorData& t) override { kernel_(params_, t.get<float>(input_), t.get(output_), count_); }

  // The bytes it writes go through the table (a byte map's input is never
  // read in between: the Interpreter checks).
  bool absorb_byte_map(const ByteTable& next, int32_t output) override {
    if (params_.table == nullptr) {
      for (size_t byte = 0; byte < table_.size(); ++byte) table_[byte] = static_cast<uint8_t>(byte);
      params_.table = table_.data();
    }
    compose_byte_tables(table_, next);
    params_.steps = byte_steps(table_.data(), params_.dtype == DType::kInt8);
    output_ = output;
    return true;
  }

 private:
  ByteTable table_;
  QuantizeParams params_;
  QuantizeKernel kernel_;
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
  if (input.dtype == DType::kFloat32) return OperatorPtr(std::make_unique<QuantizeFloatOp>(ctx));
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
