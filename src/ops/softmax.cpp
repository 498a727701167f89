// SOFTMAX on 8-bit tensors over the last dimension, as TFLite's optimized
// kernel computes it: a float table of exp(-input_scale * beta * d) for every
// distance d = max - x in [0, 255], a float sum, and
//   out = round(table[max - x] / (sum * output_scale)) + output_zero_point.
#include <algorithm>
#include <array>
#include <cmath>

#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

template <typename T>
class SoftmaxOp final : public Operator {
 public:
  SoftmaxOp(const OpContext& ctx, int rows, int depth)
      : rows_(rows),
        depth_(depth),
        output_scale_(ctx.output(0).quantization.scale()),
        output_zero_point_(ctx.output(0).quantization.zero_point()),
        input_(ctx.input_index(0)),
        output_(ctx.output_index(0)) {
    const float scale = -ctx.input(0).quantization.scale() * ctx.options().beta;
    for (int d = 0; d < 256; ++d) exp_of_distance_[static_cast<size_t>(d)] = std::exp(scale * static_cast<float>(d));
  }

  void run(const TensorData& t) override {
    const T* in = t.get<T>(input_);
    T* out = t.get<T>(output_);
    const ClampRange range = dtype_range(std::is_same_v<T, uint8_t> ? DType::kUInt8 : DType::kInt8);
    for (int r = 0; r < rows_; ++r, in += depth_, out += depth_) {
      const int32_t max_value = *std::max_element(in, in + depth_);
      float sum = 0.0f;
      for (int i = 0; i < depth_; ++i) sum += exp_of_distance_[static_cast<size_t>(max_value - in[i])];
      const float inverse = 1.0f / (sum * output_scale_);
      for (int i = 0; i < depth_; ++i) {
        const float scaled = exp_of_distance_[static_cast<size_t>(max_value - in[i])] * inverse;
        // TFLite rounds uint8 outputs by truncating scaled + 0.5 (non-negative)
        // and int8 outputs with round().
        const float rounded = std::is_same_v<T, uint8_t> ? scaled + 0.5f : std::round(scaled);
        out[i] = static_cast<T>(
            truncate_and_clamp(rounded, range.min - output_zero_point_, range.max - output_zero_point_) +
            output_zero_point_);
      }
    }
  }

 private:
  std::array<float, 256> exp_of_distance_{};
  int rows_, depth_;
  float output_scale_;
  int32_t output_zero_point_;
  int32_t input_, output_;
};

}  // namespace

Result<OperatorPtr> create_softmax(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(input, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {input.dtype}));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(input, "input"));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(output, "output"));
  MNW_RETURN_IF_ERROR(ctx.expect_output_shape(0, input.shape));
  if (input.shape.rank() < 1 || input.shape[input.shape.rank() - 1] < 1) {
    return ctx.invalid("input " + input.shape.to_string() + " has no last dimension");
  }
  if (!std::isfinite(ctx.options().beta)) return ctx.invalid("beta is not finite");
  const int depth = input.shape[input.shape.rank() - 1];
  const int rows = static_cast<int>(input.shape.element_count() / depth);
  if (input.dtype == DType::kUInt8) return OperatorPtr(std::make_unique<SoftmaxOp<uint8_t>>(ctx, rows, depth));
  return OperatorPtr(std::make_unique<SoftmaxOp<int8_t>>(ctx, rows, depth));
}

}  // namespace mnw
