#include "ops/add_sub.hpp"

#include <algorithm>

#include "core/fixed_point.hpp"
#include "kernels/reference/add_sub.hpp"
#include "ops/elementwise_binary.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
Result<OperatorPtr> create_add_sub(const OpContext& ctx, AddSubKind kind) {
  MNW_RETURN_IF_ERROR(validate_quantized_binary_op(ctx));
  const TensorInfo& in1 = ctx.input(0);
  const TensorInfo& in2 = ctx.input(1);
  const TensorInfo& out = ctx.output(0);

  // Scales as TFLite derives them (double arithmetic on the float scales).
  const double twice_max_input_scale = 2.0 * std::max(in1.quantization.scale(), in2.quantization.scale());
  AddSubParams p;
  p.dtype = in1.dtype;
  p.a_offset = -in1.quantization.zero_point();
  p.b_offset = -in2.quantization.zero_point();
  p.output_offset = out.quantization.zero_point();
  p.a_multiplier = quantize_multiplier(in1.quantization.scale() / twice_max_input_scale);
  p.b_multiplier = quantize_multiplier(in2.quantization.scale() / twice_max_input_scale);
  p.output_multiplier = quantize_multiplier(twice_max_input_scale /
                                            static_cast<double>(static_cast<float>(1 << AddSubParams::kLeftShift) *
                                                                out.quantization.scale()));
  p.subtract = kind == AddSubKind::kSub;
  const ClampRange clamp = activation_range(ctx.options().activation, out);
  p.activation_min = clamp.min;
  p.activation_max = clamp.max;

  const BroadcastPlan plan = plan_broadcast(in1.shape, in2.shape, out.shape);
  switch (plan.kind) {
    case BroadcastKind::kScalarA:
      return OperatorPtr(std::make_unique<ScalarOperandOp>(ctx, 0, [p](int32_t x, int32_t s) { return reference::add_sub(p, s, x); }));
    case BroadcastKind::kScalarB:
      return OperatorPtr(std::make_unique<ScalarOperandOp>(ctx, 1, [p](int32_t x, int32_t s) { return reference::add_sub(p, x, s); }));
    case BroadcastKind::kRepeatB:
      return OperatorPtr(std::make_unique<BinaryKernelOp>(ctx, make_add_sub_kernel(ctx.kernel_path(), p, plan.shape),
                                                          ctx.input_index(0), ctx.input_index(1)));
    case BroadcastKind::kRepeatA:
      if (p.subtract) break;
      {
        // The sum of the rescaled inputs is symmetric: swap them with their parameters.
        AddSubParams swapped = p;
        std::swap(swapped.a_offset, swapped.b_offset);
        std::swap(swapped.a_multiplier, swapped.b_multiplier);
        return OperatorPtr(std::make_unique<BinaryKernelOp>(ctx, make_add_sub_kernel(ctx.kernel_path(), swapped, plan.shape),
                                                            ctx.input_index(1), ctx.input_index(0)));
      }
    case BroadcastKind::kGeneral: break;
  }
  if (p.dtype == DType::kUInt8) return make_broadcast_binary_op<uint8_t>(ctx, reference::AddSubTables<uint8_t>(p));
  return make_broadcast_binary_op<int8_t>(ctx, reference::AddSubTables<int8_t>(p));
}

}  // namespace mnw
