#include "kernels/simd/simd_kernels.hpp"

#include "kernels/simd/add_sub.hpp"
#include "kernels/simd/channel_sums.hpp"
#include "kernels/simd/conv_2d.hpp"
#include "kernels/simd/depthwise_conv_2d.hpp"
#include "kernels/simd/mul.hpp"
#include "kernels/simd/quantize.hpp"
#include "kernels/simd/xsimd_extensions.hpp"

namespace mnw::simd {

// A target without SIMD (wasm built without -msimd128) has no xsimd batches:
// the kernels compile to nothing and every factory falls back.
#if !MNW_SIMD_KERNELS
const bool kHasSimd = false;
const char* const kSimdArchName = "none";
std::unique_ptr<ConvKernel> make_conv2d_kernel(const ConvDesc&) { return nullptr; }
std::unique_ptr<ConvKernel> make_depthwise_conv2d_kernel(const ConvDesc&) { return nullptr; }
std::unique_ptr<BinaryKernel> make_mul_kernel(const MulParams&, BinaryShape) { return nullptr; }
std::unique_ptr<BinaryKernel> make_add_sub_kernel(const AddSubParams&, BinaryShape) { return nullptr; }
QuantizeKernel quantize_kernel() { return nullptr; }
ChannelSumsKernel channel_sums_kernel() { return nullptr; }
#else
const bool kHasSimd = true;
const char* const kSimdArchName = Arch::name();
std::unique_ptr<ConvKernel> make_conv2d_kernel(const ConvDesc& desc) { return make_conv_2d(desc); }
std::unique_ptr<ConvKernel> make_depthwise_conv2d_kernel(const ConvDesc& desc) { return make_depthwise_conv_2d(desc); }
std::unique_ptr<BinaryKernel> make_mul_kernel(const MulParams& params, BinaryShape shape) {
  return make_mul(params, shape);
}
std::unique_ptr<BinaryKernel> make_add_sub_kernel(const AddSubParams& params, BinaryShape shape) {
  return make_add_sub(params, shape);
}
QuantizeKernel quantize_kernel() { return quantize; }
ChannelSumsKernel channel_sums_kernel() { return channel_sums; }
#endif

}  // namespace mnw::simd
