// The one place that decides which kernel implementation runs.
//
// kSimd uses the xsimd kernels compiled for the build's target (SSE/AVX2
// natively, simd128 in wasm); kReference uses the plain scalar kernels that
// define the arithmetic. Both give identical bytes; tests force each in turn.
#pragma once

#include <memory>

#include "kernels/conv2d.hpp"

namespace mnw {

enum class KernelPath { kReference, kSimd };

const char* kernel_path_name(KernelPath path);
// kSimd when this build has SIMD kernels, kReference otherwise.
KernelPath default_kernel_path();

std::unique_ptr<ConvKernel> make_conv2d_kernel(KernelPath path, ConvDesc desc);
std::unique_ptr<ConvKernel> make_depthwise_conv2d_kernel(KernelPath path, ConvDesc desc);

}  // namespace mnw
