// The operator of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED once they
// are validated: one ConvKernel, its work units split over the interpreter's
// threads when the layer is large enough.
#pragma once

#include <cstdint>
#include <memory>

#include "graph/operator.hpp"
#include "kernels/conv2d.hpp"
#include "kernels/dispatch.hpp"

namespace mnw {

enum class ConvKind { kFull, kDepthwise };

// Makes the kernel for `desc` on the context's kernel path and thread count,
// and the operator that runs it on input 0 into output 0.
OperatorPtr make_conv_kernel_op(const OpContext& ctx, ConvDesc desc, ConvKind kind);

}  // namespace mnw
