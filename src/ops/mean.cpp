// MEAN over the spatial axes (1 and 2) of a 4-D 8-bit tensor, keep_dims or
// not, as TFLite's optimized integer kernel: sum each channel, rescale the sum
// by input_scale / (count * output_scale) with the fixed-point multiplier,
// then add the zero-point correction (rounded in float, as TFLite does).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/fixed_point.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

template <typename T>
class SpatialMeanOp final : public Operator {
  static constexpr DType kDType = std::is_same_v<T, uint8_t> ? DType::kUInt8 : DType::kInt8;

 public:
  SpatialMeanOp(const OpContext& ctx, QuantizedMultiplier m, int32_t bias)
      : multiplier_(m),
        bias_(bias),
        batch_(ctx.input(0).shape[0]),
        pixels_(ctx.input(0).shape[1] * ctx.input(0).shape[2]),
        channels_(ctx.input(0).shape[3]),
        channel_sums_(channel_sums_kernel(ctx.kernel_path())),
        input_(ctx.input_index(0)),
        output_(ctx.output_index(0)),
        sums_(static_cast<size_t>(channels_)) {}

  void run(const TensorData& t) override {
    const T* in = t.get<T>(input_);
    T* out = t.get<T>(output_);
    const ClampRange range = dtype_range(kDType);
    for (int b = 0; b < batch_; ++b) {
      std::fill(sums_.begin(), sums_.end(), 0);
      channel_sums_(kDType, in, static_cast<size_t>(pixels_), static_cast<size_t>(channels_), sums_.data());
      in += static_cast<size_t>(pixels_) * channels_;
      for (int c = 0; c < channels_; ++c) {
        const int32_t scaled = multiply_by_quantized_multiplier(sums_[static_cast<size_t>(c)], multiplier_);
        out[c] = static_cast<T>(add_and_clamp(scaled, bias_, range));
      }
      out += channels_;
    }
  }

 private:
  QuantizedMultiplier multiplier_;
  int32_t bias_;
  int batch_, pixels_, channels_;
  ChannelSumsKernel channel_sums_;
  int32_t input_, output_;
  std::vector<int32_t> sums_;
};

}  // namespace

Result<OperatorPtr> create_mean(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& axes = ctx.input(1);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(input, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {input.dtype}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(axes, {DType::kInt32}));
  MNW_RETURN_IF_ERROR(ctx.expect_constant(axes, "axis"));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(input, "input"));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(output, "output"));
  if (input.shape.rank() != 4) return ctx.unsupported("only 4-D inputs are supported, got " + input.shape.to_string());
  std::vector<int32_t> axis_list(static_cast<size_t>(axes.shape.element_count()));
  std::memcpy(axis_list.data(), axes.data, axis_list.size() * sizeof(int32_t));
  for (int32_t& a : axis_list) a = a < 0 ? a + 4 : a;
  std::sort(axis_list.begin(), axis_list.end());
  if (axis_list != std::vector<int32_t>{1, 2}) {
    return ctx.unsupported("only the mean over axes 1 and 2 (height and width) is supported");
  }
  const Shape expected = ctx.options().keep_dims ? Shape{input.shape[0], 1, 1, input.shape[3]}
                                                 : Shape{input.shape[0], input.shape[3]};
  MNW_RETURN_IF_ERROR(ctx.expect_output_shape(0, expected));
  const int64_t count = static_cast<int64_t>(input.shape[1]) * input.shape[2];
  if (count < 1 || count > (1 << 23)) return ctx.unsupported("spatial size " + std::to_string(count) + " is out of range");

  const float input_scale = input.quantization.scale();
  const float output_scale = output.quantization.scale();
  const int32_t input_zero_point = input.quantization.zero_point();
  float shifted_zero_point = static_cast<float>(input_zero_point) * input_scale / output_scale;
  shifted_zero_point = shifted_zero_point > 0 ? shifted_zero_point + 0.5f : shifted_zero_point - 0.5f;
  const int32_t bias = output.quantization.zero_point() - truncate_and_clamp(shifted_zero_point, -(1 << 30), 1 << 30);
  const float real = input_scale / (static_cast<float>(count) * output_scale);
  const QuantizedMultiplier m = quantize_multiplier(static_cast<double>(real));
  if (input.dtype == DType::kUInt8) return OperatorPtr(std::make_unique<SpatialMeanOp<uint8_t>>(ctx, m, bias));
  return OperatorPtr(std::make_unique<SpatialMeanOp<int8_t>>(ctx, m, bias));
}

}  // namespace mnw
