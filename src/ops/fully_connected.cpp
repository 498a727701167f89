// FULLY_CONNECTED: [rows, in] x [out, in]^T + bias, run as a 1x1 convolution
// over `rows` pixels.
#include "ops/conv_common.hpp"
#include "ops/conv_kernel_op.hpp"
#include "ops/ops.hpp"

namespace mnw {

Result<OperatorPtr> create_fully_connected(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(2, 3, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& weights = ctx.input(1);
  if (ctx.options().weights_format != 0) return ctx.unsupported("shuffled weights format is not supported");
  if (weights.shape.rank() != 2) return ctx.invalid("weights must be 2-D, got " + weights.shape.to_string());
  const int32_t in_features = weights.shape[1];
  const int64_t elements = input.shape.element_count();
  if (in_features <= 0 || elements % in_features != 0) {
    return ctx.invalid("input " + input.shape.to_string() + " does not divide into rows of " + std::to_string(in_features));
  }
  ConvDesc desc;
  MNW_RETURN_IF_ERROR(fill_conv_quantization(ctx, 0, &desc));
  desc.rounding = gemm_rounding(desc.dtype);
  ConvGeometry& g = desc.geometry;
  g.batch = static_cast<int>(elements / in_features);
  g.in_h = g.in_w = g.out_h = g.out_w = 1;
  g.in_c = in_features;
  g.out_c = weights.shape[0];
  if (ctx.output(0).shape.element_count() != static_cast<int64_t>(g.batch) * g.out_c) {
    return ctx.invalid("output '" + ctx.output(0).name + "' is declared " + ctx.output(0).shape.to_string() +
                       " but the op computes " + std::to_string(g.batch) + "x" + std::to_string(g.out_c));
  }
  return make_conv_kernel_op(ctx, std::move(desc), ConvKind::kFull);
}

}  // namespace mnw
