// CONV_2D: NHWC input, OHWI filter, optional int32 bias.
#include "ops/conv_common.hpp"
#include "ops/conv_kernel_op.hpp"
#include "ops/ops.hpp"

namespace mnw {

Result<OperatorPtr> create_conv_2d(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(2, 3, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& filter = ctx.input(1);
  if (input.shape.rank() != 4 || filter.shape.rank() != 4) {
    return ctx.invalid("input and filter must be 4-D, got " + input.shape.to_string() + " and " + filter.shape.to_string());
  }
  if (filter.shape[3] != input.shape[3]) {
    return ctx.unsupported("filter depth " + std::to_string(filter.shape[3]) + " differs from input depth " +
                           std::to_string(input.shape[3]) + " (grouped convolution is not supported)");
  }
  ConvDesc desc;
  MNW_RETURN_IF_ERROR(fill_conv_quantization(ctx, 0, &desc));
  desc.rounding = gemm_rounding(desc.dtype);
  MNW_RETURN_IF_ERROR(fill_conv_geometry(ctx, filter.shape[1], filter.shape[2], filter.shape[0], &desc.geometry));
  return make_conv_kernel_op(ctx, std::move(desc), ConvKind::kFull);
}

}  // namespace mnw
