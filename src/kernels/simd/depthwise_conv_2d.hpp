// DEPTHWISE_CONV_2D, depth multiplier 1, any kernel size (3x3 and 5x5 in
// MobileNets), stride, dilation and padding.
//
// Per output pixel the kernel first collects one input pointer per tap;
// a tap in the padding points at a row of input-zero-point values, whose
// contribution the bias cancels (bias' = bias - zp * sum of the channel's
// taps), so the channel loop has no bounds checks. Taps go in pairs: the
// two taps' channels, loaded widened to int16 and interleaved (zip), meet the
// pair's weights, packed interleaved the same way at construction, in one
// pairwise dot: 2 multiply-adds per int32 lane per instruction. An odd last
// tap pairs with a zero weight. A block of 2*kLanes channels (8 on wasm) keeps
// two accumulators, then requantizes and stores in registers.
//
// A channel count that is not a multiple of the block makes the last block
// read past a pixel's channels: harmless inside the tensor (zero weights),
// but past its end the last few input pixels are read from a padded copy.
#pragma once

#include <memory>

#include "kernels/conv2d.hpp"

namespace mnw::simd {

std::unique_ptr<ConvKernel> make_depthwise_conv_2d(const ConvDesc& desc);

}  // namespace mnw::simd
