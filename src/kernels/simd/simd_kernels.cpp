#include "kernels/simd/simd_kernels.hpp"

#include "kernels/simd/add_sub.hpp"
#include "kernels/simd/byte_map.hpp"
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
ByteMapKernel byte_map_kernel() { return nullptr; }
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
// Not in wasm: V8 adds a fix-up to every i8x16.swizzle on x86, and 16 of
// them per vector came out slower than the scalar table (0.86x, Node 20);
// x86's pshufb is 1.7x faster than it.
ByteMapKernel byte_map_kernel() { return arch::kWasm<Arch> ? nullptr : byte_map; }
ChannelSumsKernel channel_sums_kernel() { return channel_sums; }
#endif

}  // namespace mnw::simd
