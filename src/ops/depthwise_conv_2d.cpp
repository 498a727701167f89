// DEPTHWISE_CONV_2D with depth multiplier 1: NHWC input, 1HWO filter.
#include "ops/conv_common.hpp"
#include "ops/conv_kernel_op.hpp"
#include "ops/ops.hpp"

namespace mnw {

Result<OperatorPtr> create_depthwise_conv_2d(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(2, 3, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& filter = ctx.input(1);
  const OpOptions& o = ctx.options();
  if (input.shape.rank() != 4 || filter.shape.rank() != 4 || filter.shape[0] != 1) {
    return ctx.invalid("input must be 4-D and filter 1xHxWxC, got " + input.shape.to_string() + " and " +
                       filter.shape.to_string());
  }
  if (filter.shape[3] != input.shape[3]) {
    return ctx.unsupported("depth_multiplier " + std::to_string(o.depth_multiplier) + " (filter depth " +
                           std::to_string(filter.shape[3]) + ", input depth " + std::to_string(input.shape[3]) +
                           ") is not supported; only 1");
  }
  ConvDesc desc;
  MNW_RETURN_IF_ERROR(fill_conv_quantization(ctx, 3, &desc));
  MNW_RETURN_IF_ERROR(fill_conv_geometry(ctx, filter.shape[1], filter.shape[2], filter.shape[3], &desc.geometry));
  return make_conv_kernel_op(ctx, std::move(desc), ConvKind::kDepthwise);
}

}  // namespace mnw
