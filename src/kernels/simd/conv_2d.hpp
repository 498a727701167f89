// CONV_2D (any kernel size, stride, dilation, padding) and FULLY_CONNECTED
// (a 1x1 convolution over `batch` rows) as one GEMM:
//   out[pixel][oc] = requantize(bias'[oc] + sum_k A[pixel][k] * W[oc][k])
//
// Packing, at construction: W as int16 in tiles of 2*kLanes output channels
// (8 on wasm), each k-pair of the tile in two vectors
//   [w(oc0,k) w(oc0,k+1) w(oc1,k) w(oc1,k+1) ...]
// so that one pairwise dot (i32x4.dot_i16x8_s / pmaddwd) against the
// broadcast pair (x_k, x_k+1) yields kLanes partial sums. The input zero point
// is folded into the bias: bias' = bias - zp * sum_k W[oc][k].
//
// Per run, a pointwise convolution packs A in blocks of ~16 KB: each group
// of 4 output pixels as int16 k-pairs side by side, [pair][pixel], widened
// straight from the input and transposed in registers. Any other
// convolution reads its windows in place from a widened copy of the input
// surrounded by the padding (input zero points, which the folded bias
// cancels). For each weight tile, a 4-pixel x 2-vector register tile (8
// accumulators, 2 weight vectors, 1 broadcast per pixel and k-pair) walks
// the k-pairs in a function of its own (V8 allocates registers per
// function); then the bias-added accumulators are requantized two pixels at
// a time, narrowed, clamped as bytes and stored. Pixel remainders use a 1-3 pixel variant, channel
// remainders a partial store.
#pragma once

#include <memory>

#include "kernels/conv2d.hpp"

namespace mnw::simd {

std::unique_ptr<ConvKernel> make_conv_2d(const ConvDesc& desc);

}  // namespace mnw::simd
