// MUL of two quantized tensors: the product of the zero-point-free values,
// rescaled by s1*s2/s_out (squeeze-and-excitation gating in MobileNet V3).
#include <algorithm>

#include "core/fixed_point.hpp"
#include "ops/broadcast.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

template <typename T>
class MulOp final : public Operator {
 public:
  MulOp(const OpContext& ctx, QuantizedMultiplier multiplier, ClampRange clamp)
      : multiplier_(multiplier),
        clamp_(clamp),
        offset1_(-ctx.input(0).quantization.zero_point()),
        offset2_(-ctx.input(1).quantization.zero_point()),
        output_offset_(ctx.output(0).quantization.zero_point()),
        broadcast_(ctx.input(0).shape, ctx.input(1).shape, ctx.output(0).shape),
        a_(ctx.input_index(0)),
        b_(ctx.input_index(1)),
        out_(ctx.output_index(0)) {}

  void run(const TensorData& t) override {
    const T* a = t.get<T>(a_);
    const T* b = t.get<T>(b_);
    T* out = t.get<T>(out_);
    broadcast_.for_each_run([&](int64_t ai, int64_t bi, int64_t oi, int64_t count, int64_t a_step, int64_t b_step) {
      for (int64_t i = 0; i < count; ++i) {
        const int32_t product = (a[ai + i * a_step] + offset1_) * (b[bi + i * b_step] + offset2_);
        const int32_t scaled = multiply_by_quantized_multiplier(product, multiplier_);
        out[oi + i] = static_cast<T>(add_and_clamp(scaled, output_offset_, clamp_));
      }
    });
  }

 private:
  QuantizedMultiplier multiplier_;
  ClampRange clamp_;
  int32_t offset1_, offset2_, output_offset_;
  Broadcast broadcast_;
  int32_t a_, b_, out_;
};

}  // namespace

Result<OperatorPtr> create_mul(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(validate_quantized_binary_op(ctx));
  const TensorInfo& in1 = ctx.input(0);
  const TensorInfo& in2 = ctx.input(1);
  const TensorInfo& out = ctx.output(0);
  // TFLite forms this multiplier in float arithmetic before widening to double.
  const float real = in1.quantization.scale() * in2.quantization.scale() / out.quantization.scale();
  const QuantizedMultiplier m = quantize_multiplier(static_cast<double>(real));
  const ClampRange clamp = activation_range(ctx.options().activation, out);
  if (in1.dtype == DType::kUInt8) return OperatorPtr(std::make_unique<MulOp<uint8_t>>(ctx, m, clamp));
  return OperatorPtr(std::make_unique<MulOp<int8_t>>(ctx, m, clamp));
}

}  // namespace mnw
