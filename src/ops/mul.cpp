// MUL of two quantized tensors: the product of the zero-point-free values,
// rescaled by s1*s2/s_out (squeeze-and-excitation gating in MobileNet V3,
// input scaling by a single element in TF2 models).
#include "core/fixed_point.hpp"
#include "kernels/reference/mul.hpp"
#include "ops/elementwise_binary.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
Result<OperatorPtr> create_mul(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(validate_quantized_binary_op(ctx));
  const TensorInfo& in1 = ctx.input(0);
  const TensorInfo& in2 = ctx.input(1);
  const TensorInfo& out = ctx.output(0);
  MulParams p;
  p.dtype = in1.dtype;
  p.a_offset = -in1.quantization.zero_point();
  p.b_offset = -in2.quantization.zero_point();
  p.output_offset = out.quantization.zero_point();
  // TFLite forms this multiplier in float arithmetic before widening to double.
  const float real = in1.quantization.scale() * in2.quantization.scale() / out.quantization.scale();
  p.multiplier = quantize_multiplier(static_cast<double>(real));
  const ClampRange clamp = activation_range(ctx.options().activation, out);
  p.activation_min = clamp.min;
  p.activation_max = clamp.max;

  const BroadcastPlan plan = plan_broadcast(in1.shape, in2.shape, out.shape);
  switch (plan.kind) {
    case BroadcastKind::kScalarA:
      return OperatorPtr(std::make_unique<ScalarOperandOp>(ctx, 0, [p](int32_t x, int32_t s) { return reference::mul(p, s, x); }));
    case BroadcastKind::kScalarB:
      return OperatorPtr(std::make_unique<ScalarOperandOp>(ctx, 1, [p](int32_t x, int32_t s) { return reference::mul(p, x, s); }));
    case BroadcastKind::kRepeatB:
      return OperatorPtr(std::make_unique<BinaryKernelOp>(ctx, make_mul_kernel(ctx.kernel_path(), p, plan.shape),
                                                          ctx.input_index(0), ctx.input_index(1)));
    case BroadcastKind::kRepeatA: {
      // The product is symmetric: swap the operands with their offsets.
      MulParams swapped = p;
      std::swap(swapped.a_offset, swapped.b_offset);
      return OperatorPtr(std::make_unique<BinaryKernelOp>(ctx, make_mul_kernel(ctx.kernel_path(), swapped, plan.shape),
                                                          ctx.input_index(1), ctx.input_index(0)));
    }
    case BroadcastKind::kGeneral: break;
  }
  const auto mul = [p](auto x, auto y) { return static_cast<decltype(x)>(reference::mul(p, x, y)); };
  if (p.dtype == DType::kUInt8) return make_broadcast_binary_op<uint8_t>(ctx, mul);
  return make_broadcast_binary_op<int8_t>(ctx, mul);
}

}  // namespace mnw
