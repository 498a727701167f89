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
// Per run: blocks of up to ~16 KB of A rows are packed as int16 (a widening
// copy for 1x1, im2col otherwise; taps in the padding read the input zero
// point, which the folded bias cancels). For each weight tile, a 4-row x
// 2-vector register tile (8 accumulators, 2 weight vectors, 1 broadcast)
// walks the k-pairs, then adds nothing more: bias is the accumulators'
// initial value and the requantization, clamp and narrowing store follow in
// registers. Row remainders use a 1-3 row variant, channel remainders a
// partial store.
#pragma once

#include <memory>

#include "kernels/conv2d.hpp"

namespace mnw::simd {

std::unique_ptr<ConvKernel> make_conv_2d(const ConvDesc& desc);

}  // namespace mnw::simd
