// The one place that decides which kernel implementation runs.
//
// kSimd uses the xsimd kernels compiled for the build's target (SSE/AVX2
// natively, simd128 in wasm); kReference uses the plain scalar kernels that
// define the arithmetic. Both give identical bytes; tests force each in turn.
#pragma once

#include <memory>

#include "kernels/channel_sums.hpp"
#include "kernels/conv2d.hpp"
#include "kernels/elementwise.hpp"

namespace mnw {

enum class KernelPath { kReference, kSimd };

const char* kernel_path_name(KernelPath path);
// kSimd when this build has SIMD kernels, kReference otherwise.
KernelPath default_kernel_path();

std::unique_ptr<ConvKernel> make_conv2d_kernel(KernelPath path, ConvDesc desc);
std::unique_ptr<ConvKernel> make_depthwise_conv2d_kernel(KernelPath path, ConvDesc desc);

std::unique_ptr<BinaryKernel> make_mul_kernel(KernelPath path, const MulParams& params, BinaryShape shape);
// byte_table: run as a BinaryByteTable (kernels/byte_pair_map.hpp) that the
// kernel fills, where binary_byte_table_pays says so and memory allows.
std::unique_ptr<BinaryKernel> make_add_sub_kernel(KernelPath path, const AddSubParams& params, BinaryShape shape,
                                                  bool byte_table);
QuantizeKernel quantize_kernel(KernelPath path);
ByteMapKernel byte_map_kernel(KernelPath path);
// Whether a table op over `count` bytes should run as a BytePairTable, and
// ADD or SUB over `count` values as a BinaryByteTable
// (kernels/byte_pair_map.hpp): on the SIMD path of a target without a vector
// byte map (wasm), for tensors large enough to repay the tables' cache misses.
bool byte_pair_table_pays(KernelPath path, size_t count);
bool binary_byte_table_pays(KernelPath path, size_t count);
ChannelSumsKernel channel_sums_kernel(KernelPath path);

}  // namespace mnw
