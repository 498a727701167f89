#include "kernels/dispatch.hpp"

#include "kernels/reference/conv_2d.hpp"
#include "kernels/reference/depthwise_conv_2d.hpp"
#include "kernels/simd/simd_kernels.hpp"

namespace mnw {
namespace {

// Adapts a reference kernel template to the ConvKernel interface. The
// reference defines the arithmetic and runs whole: one work unit.
template <void (*U8)(const ConvDesc&, const uint8_t*, uint8_t*), void (*I8)(const ConvDesc&, const int8_t*, int8_t*)>
class ReferenceConv final : public ConvKernel {
 public:
  ReferenceConv(ConvDesc desc, const char* name) : desc_(std::move(desc)), name_(name) {}
  size_t work_units() const override { return 1; }
  void run_units(const void* input, void* output, size_t, size_t, int) const override {
    if (desc_.dtype == DType::kUInt8) {
      U8(desc_, static_cast<const uint8_t*>(input), static_cast<uint8_t*>(output));
    } else {
      I8(desc_, static_cast<const int8_t*>(input), static_cast<int8_t*>(output));
    }
  }
  const char* name() const override { return name_; }

 private:
  ConvDesc desc_;
  const char* name_;
};

using ReferenceConv2D = ReferenceConv<reference::conv_2d<uint8_t>, reference::conv_2d<int8_t>>;
using ReferenceDepthwise =
    ReferenceConv<reference::depthwise_conv_2d<uint8_t>, reference::depthwise_conv_2d<int8_t>>;

}  // namespace

const char* kernel_path_name(KernelPath path) {
  return path == KernelPath::kSimd ? simd::kSimdArchName : "reference";
}

KernelPath default_kernel_path() { return simd::kHasSimd ? KernelPath::kSimd : KernelPath::kReference; }

std::unique_ptr<ConvKernel> make_conv2d_kernel(KernelPath path, ConvDesc desc) {
  if (path == KernelPath::kSimd) {
    if (auto k = simd::make_conv2d_kernel(desc)) return k;
  }
  return std::make_unique<ReferenceConv2D>(std::move(desc), "reference conv_2d");
}

std::unique_ptr<ConvKernel> make_depthwise_conv2d_kernel(KernelPath path, ConvDesc desc) {
  if (path == KernelPath::kSimd) {
    if (auto k = simd::make_depthwise_conv2d_kernel(desc)) return k;
  }
  return std::make_unique<ReferenceDepthwise>(std::move(desc), "reference depthwise_conv_2d");
}

}  // namespace mnw
