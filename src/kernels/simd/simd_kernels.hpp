// Entry points of the xsimd kernels, for kernels/dispatch.cpp only. Each
// factory returns nullptr for a shape it does not handle; the reference
// kernel then runs.
#pragma once

#include <memory>

#include "kernels/channel_sums.hpp"
#include "kernels/conv2d.hpp"
#include "kernels/elementwise.hpp"

namespace mnw::simd {

extern const bool kHasSimd;
extern const char* const kSimdArchName;  // e.g. "avx2", "sse4.1", "wasm-simd128"

std::unique_ptr<ConvKernel> make_conv2d_kernel(const ConvDesc& desc);
std::unique_ptr<ConvKernel> make_depthwise_conv2d_kernel(const ConvDesc& desc);
std::unique_ptr<BinaryKernel> make_mul_kernel(const MulParams& params, BinaryShape shape);
std::unique_ptr<BinaryKernel> make_add_sub_kernel(const AddSubParams& params, BinaryShape shape);
// nullptr without SIMD kernels.
QuantizeKernel quantize_kernel();
ByteMapKernel byte_map_kernel();
ChannelSumsKernel channel_sums_kernel();

}  // namespace mnw::simd
