#include "ops/add_sub.hpp"

#include <algorithm>
#include <array>
#include <type_traits>

#include "core/fixed_point.hpp"
#include "ops/broadcast.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

struct AddSubParams {
  int32_t input1_offset, input2_offset, output_offset;
  QuantizedMultiplier input1_multiplier, input2_multiplier, output_multiplier;
  int32_t sign;  // +1 for ADD, -1 for SUB
  ClampRange clamp;
};

constexpr int kLeftShift = 20;

// Each input's rescaled value depends only on its byte, so both rescalings
// are tabulated at load time (exactly TFLite's arithmetic, evaluated once per
// possible value); a run then costs two lookups and the output rescale.
template <typename T>
class AddSubOp final : public Operator {
 public:
  AddSubOp(const OpContext& ctx, const AddSubParams& p)
      : p_(p),
        same_shape_(ctx.input(0).shape == ctx.input(1).shape),
        count_(static_cast<size_t>(ctx.output(0).shape.element_count())),
        broadcast_(ctx.input(0).shape, ctx.input(1).shape, ctx.output(0).shape),
        a_(ctx.input_index(0)),
        b_(ctx.input_index(1)),
        out_(ctx.output_index(0)) {
    for (int byte = 0; byte < 256; ++byte) {
      const int32_t value = std::is_signed_v<T> ? static_cast<int8_t>(byte) : byte;
      scaled1_[static_cast<size_t>(byte)] =
          multiply_by_quantized_multiplier((value + p.input1_offset) * (1 << kLeftShift), p.input1_multiplier);
      scaled2_[static_cast<size_t>(byte)] =
          p.sign * multiply_by_quantized_multiplier((value + p.input2_offset) * (1 << kLeftShift), p.input2_multiplier);
    }
  }

  void run(const TensorData& t) override {
    const T* a = t.get<T>(a_);
    const T* b = t.get<T>(b_);
    T* out = t.get<T>(out_);
    if (same_shape_) {
      for (size_t i = 0; i < count_; ++i) out[i] = compute(a[i], b[i]);
      return;
    }
    broadcast_.for_each_run([&](int64_t ai, int64_t bi, int64_t oi, int64_t count, int64_t a_step, int64_t b_step) {
      for (int64_t i = 0; i < count; ++i) out[oi + i] = compute(a[ai + i * a_step], b[bi + i * b_step]);
    });
  }

 private:
  T compute(T x, T y) const {
    const int32_t raw = scaled1_[static_cast<uint8_t>(x)] + scaled2_[static_cast<uint8_t>(y)];
    return static_cast<T>(add_and_clamp(multiply_by_quantized_multiplier(raw, p_.output_multiplier), p_.output_offset, p_.clamp));
  }

  AddSubParams p_;
  std::array<int32_t, 256> scaled1_{}, scaled2_{};
  bool same_shape_;
  size_t count_;
  Broadcast broadcast_;
  int32_t a_, b_, out_;
};

}  // namespace

Result<OperatorPtr> create_add_sub(const OpContext& ctx, AddSubKind kind) {
  MNW_RETURN_IF_ERROR(validate_quantized_binary_op(ctx));
  const TensorInfo& in1 = ctx.input(0);
  const TensorInfo& in2 = ctx.input(1);
  const TensorInfo& out = ctx.output(0);

  // Scales as TFLite derives them (double arithmetic on the float scales).
  const double twice_max_input_scale = 2.0 * std::max(in1.quantization.scale(), in2.quantization.scale());
  AddSubParams p{};
  p.input1_offset = -in1.quantization.zero_point();
  p.input2_offset = -in2.quantization.zero_point();
  p.output_offset = out.quantization.zero_point();
  p.input1_multiplier = quantize_multiplier(in1.quantization.scale() / twice_max_input_scale);
  p.input2_multiplier = quantize_multiplier(in2.quantization.scale() / twice_max_input_scale);
  p.output_multiplier = quantize_multiplier(
      twice_max_input_scale / static_cast<double>(static_cast<float>(1 << kLeftShift) * out.quantization.scale()));
  p.sign = kind == AddSubKind::kAdd ? 1 : -1;
  p.clamp = activation_range(ctx.options().activation, out);
  if (in1.dtype == DType::kUInt8) return OperatorPtr(std::make_unique<AddSubOp<uint8_t>>(ctx, p));
  return OperatorPtr(std::make_unique<AddSubOp<int8_t>>(ctx, p));
}

}  // namespace mnw
