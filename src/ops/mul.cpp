// MUL of two quantized tensors: the product of the zero-point-free values,
// rescaled by s1*s2/s_out (squeeze-and-excitation gating in MobileNet V3,
// input scaling by a single element in TF2 models).
#include <optional>
#include <utility>

#include "core/fixed_point.hpp"
#include "kernels/reference/mul.hpp"
#include "ops/elementwise_binary.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

struct MulOp {
  using Params = MulParams;
  static int32_t value(const Params& p, int32_t x, int32_t y) { return reference::mul(p, x, y); }
  static std::unique_ptr<BinaryKernel> kernel(KernelPath path, const Params& p, BinaryShape shape) {
    return make_mul_kernel(path, p, shape);
  }
  // MUL keeps its vector kernel (see make_mul_kernel).
  static BinaryKernelOp::KernelMaker table_kernel(KernelPath, const Params&, BinaryShape) { return {}; }
  // The product is symmetric: the operands swap with their offsets.
  static std::optional<Params> swapped(Params p) {
    std::swap(p.a_offset, p.b_offset);
    return p;
  }
  template <typename T>
  static auto elementwise(const Params& p) {
    return [p](T x, T y) { return static_cast<T>(reference::mul(p, x, y)); };
  }
};

}  // namespace

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

  return make_binary_op<MulOp>(ctx, p);
}

}  // namespace mnw
