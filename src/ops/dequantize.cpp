// DEQUANTIZE: uint8/int8 -> float32, real = scale * (q - zero_point).
#include "ops/ops.hpp"

namespace mnw {
namespace {

template <typename T>
class DequantizeOp final : public Operator {
 public:
  explicit DequantizeOp(const OpContext& ctx)
      : scale_(ctx.input(0).quantization.scale()),
        zero_point_(ctx.input(0).quantization.zero_point()),
        input_(ctx.input_index(0)),
        output_(ctx.output_index(0)),
        count_(static_cast<size_t>(ctx.input(0).shape.element_count())) {}

  void run(const TensorData& t) override {
    const T* in = t.get<T>(input_);
    float* out = t.get<float>(output_);
    // The product of a float and a 9-bit integer is exact in double: one rounding, as TFLite.
    for (size_t i = 0; i < count_; ++i) {
      out[i] = static_cast<float>(static_cast<double>(scale_) * (static_cast<int32_t>(in[i]) - zero_point_));
    }
  }

 private:
  float scale_;
  int32_t zero_point_;
  int32_t input_, output_;
  size_t count_;
};

}  // namespace

Result<OperatorPtr> create_dequantize(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const TensorInfo& input = ctx.input(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(input, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(ctx.output(0), {DType::kFloat32}));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(input, "input"));
  MNW_RETURN_IF_ERROR(ctx.expect_output_shape(0, input.shape));
  if (input.dtype == DType::kUInt8) return OperatorPtr(std::make_unique<DequantizeOp<uint8_t>>(ctx));
  return OperatorPtr(std::make_unique<DequantizeOp<int8_t>>(ctx));
}

}  // namespace mnw
