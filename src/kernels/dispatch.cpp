#include "kernels/dispatch.hpp"

#include "kernels/byte_pair_map.hpp"
#include "kernels/reference/add_sub.hpp"
#include "kernels/reference/byte_map.hpp"
#include "kernels/reference/channel_sums.hpp"
#include "kernels/reference/conv_2d.hpp"
#include "kernels/reference/depthwise_conv_2d.hpp"
#include "kernels/reference/mul.hpp"
#include "kernels/reference/quantize.hpp"
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

// The reference MUL and ADD/SUB on the BinaryKernel interface.
class ReferenceMul final : public BinaryKernel {
 public:
  ReferenceMul(const MulParams& p, BinaryShape shape) : p_(p), shape_(shape) {}
  void run(const void* a, const void* b, void* out) override {
    if (p_.dtype == DType::kUInt8) {
      reference::mul(p_, shape_, static_cast<const uint8_t*>(a), static_cast<const uint8_t*>(b), static_cast<uint8_t*>(out));
    } else {
      reference::mul(p_, shape_, static_cast<const int8_t*>(a), static_cast<const int8_t*>(b), static_cast<int8_t*>(out));
    }
  }
  const char* name() const override { return "reference mul"; }

 private:
  MulParams p_;
  BinaryShape shape_;
};

template <typename T>
class ReferenceAddSub final : public BinaryKernel {
 public:
  ReferenceAddSub(const AddSubParams& p, BinaryShape shape) : tables_(p), shape_(shape) {}
  void run(const void* a, const void* b, void* out) override {
    reference::add_sub(tables_, shape_, static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out));
  }
  const char* name() const override { return "reference add_sub"; }

 private:
  reference::AddSubTables<T> tables_;
  BinaryShape shape_;
};

// Byte pair tables pay on the SIMD path of a target whose byte map is not a
// vector kernel (wasm), from a count measured in Chromium on MobileNet V3
// Small: 16K values for a table op's 128 KB table; 4K for ADD and SUB,
// whose vector kernel costs more per value than a table op's lookups.
bool vector_byte_map_missing(KernelPath path) { return path == KernelPath::kSimd && simd::byte_map_kernel() == nullptr; }
constexpr size_t kBytePairTableMinimum = size_t{1} << 14;
constexpr size_t kBinaryByteTableMinimum = size_t{1} << 12;

void reference_quantize(const QuantizeParams& p, const float* in, void* out, size_t count) {
  if (p.dtype == DType::kUInt8) return reference::quantize(p, in, static_cast<uint8_t*>(out), count);
  reference::quantize(p, in, static_cast<int8_t*>(out), count);
}

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

// MUL keeps its vector kernel: a table measured no faster (both about 0.5 ns
// per value in Chromium on V3 Small's squeeze-and-excitation MULs).
std::unique_ptr<BinaryKernel> make_mul_kernel(KernelPath path, const MulParams& params, BinaryShape shape) {
  if (path == KernelPath::kSimd) {
    if (auto k = simd::make_mul_kernel(params, shape)) return k;
  }
  return std::make_unique<ReferenceMul>(params, shape);
}

std::unique_ptr<BinaryKernel> make_add_sub_kernel(KernelPath path, const AddSubParams& params, BinaryShape shape,
                                                  bool byte_table) {
  const auto make = [&](BinaryShape s) -> std::unique_ptr<BinaryKernel> {
    if (path == KernelPath::kSimd) {
      if (auto k = simd::make_add_sub_kernel(params, s)) return k;
    }
    if (params.dtype == DType::kUInt8) return std::make_unique<ReferenceAddSub<uint8_t>>(params, s);
    return std::make_unique<ReferenceAddSub<int8_t>>(params, s);
  };
  // The kernel fills the table over every pair of bytes.
  if (byte_table) {
    return std::make_unique<BinaryByteTable>(*make(BinaryShape{1, size_t{1} << 16}), shape);
  }
  return make(shape);
}

QuantizeKernel quantize_kernel(KernelPath path) {
  if (path == KernelPath::kSimd) {
    if (QuantizeKernel k = simd::quantize_kernel()) return k;
  }
  return reference_quantize;
}

ByteMapKernel byte_map_kernel(KernelPath path) {
  if (path == KernelPath::kSimd) {
    if (ByteMapKernel k = simd::byte_map_kernel()) return k;
  }
  return reference::byte_map;
}

bool byte_pair_table_pays(KernelPath path, size_t count) {
  return vector_byte_map_missing(path) && count >= kBytePairTableMinimum;
}

bool binary_byte_table_pays(KernelPath path, size_t count) {
  return vector_byte_map_missing(path) && count >= kBinaryByteTableMinimum;
}

ChannelSumsKernel channel_sums_kernel(KernelPath path) {
  if (path == KernelPath::kSimd) {
    if (ChannelSumsKernel k = simd::channel_sums_kernel()) return k;
  }
  return reference::channel_sums;
}

}  // namespace mnw
