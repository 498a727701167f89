#include "ops/add_sub.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/fixed_point.hpp"
#include "kernels/byte_pair_map.hpp"
#include "kernels/reference/add_sub.hpp"
#include "ops/elementwise_binary.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

struct AddSubOp {
  using Params = AddSubParams;
  static int32_t value(const Params& p, int32_t x, int32_t y) { return reference::add_sub(p, x, y); }
  static std::unique_ptr<BinaryKernel> kernel(KernelPath path, const Params& p, BinaryShape shape) {
    return make_add_sub_kernel(path, p, shape, false);
  }
  static BinaryKernelOp::KernelMaker table_kernel(KernelPath path, const Params& p, BinaryShape shape) {
    if (!binary_byte_table_pays(path, shape.rows * shape.inner)) return {};
    return [path, p, shape] { return make_add_sub_kernel(path, p, shape, true); };
  }
  // The sum of the rescaled inputs is symmetric: they swap with their
  // parameters. A difference is not.
  static std::optional<Params> swapped(Params p) {
    if (p.subtract) return std::nullopt;
    std::swap(p.a_offset, p.b_offset);
    std::swap(p.a_multiplier, p.b_multiplier);
    return p;
  }
  template <typename T>
  static reference::AddSubTables<T> elementwise(const Params& p) {
    return reference::AddSubTables<T>(p);
  }
};

}  // namespace

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

  return make_binary_op<AddSubOp>(ctx, p);
}

}  // namespace mnw
