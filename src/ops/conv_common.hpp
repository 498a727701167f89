// What CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share at load time:
// type checks, filter zero-point removal, bias, and per-channel multipliers.
#pragma once

#include "graph/operator.hpp"
#include "kernels/conv2d.hpp"

namespace mnw {

// Fills desc.dtype, input/output zero points, filter, bias, multiplier,
// exponent and activation clamps from the node's tensors. The filter holds
// out_c channels along `channel_axis` (0 for OHWI / [out][in], 3 for
// depthwise 1HWO); its bytes are copied in their stored order.
Status fill_conv_quantization(const OpContext& ctx, int channel_axis, ConvDesc* desc);

// TFLite runs int8 CONV_2D and FULLY_CONNECTED as a GEMM through ruy, which
// requantizes with one rounding; uint8 ones go through gemmlowp (two roundings).
// Depthwise convolutions always use TFLite's own two-rounding kernels.
inline Rounding gemm_rounding(DType dtype) { return dtype == DType::kInt8 ? Rounding::kSingle : Rounding::kDouble; }

// Fills the spatial geometry of a 2-D convolution from the NHWC input, the
// filter size and the op's stride, dilation and padding options, and checks
// the model's declared output shape against it.
Status fill_conv_geometry(const OpContext& ctx, int kernel_h, int kernel_w, int out_c, ConvGeometry* g);

}  // namespace mnw
