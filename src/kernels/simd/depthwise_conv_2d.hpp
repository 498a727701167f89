// DEPTHWISE_CONV_2D, depth multiplier 1, any kernel size (3x3 and 5x5 in
// MobileNets), stride, dilation and padding.
//
// Taps go in pairs: the two taps' channels, loaded widened to int16 and
// interleaved (zip), meet the pair's weights, packed interleaved the same way
// at construction, in one pairwise dot (2 multiply-adds per int32 lane per
// instruction); an odd last tap pairs with a zero weight. The input zero point
// is folded into the bias (bias' = bias - zp * sum of the channel's taps), so
// a tap in the padding simply reads a row of zero-point values.
//
// Along each output row, chunks of pixels (up to 16 KB of accumulators) are
// first accumulated, 16 channels (two groups of 8 on wasm, four accumulators)
// per step, then requantized in a second pass, 16 values per step: one flat
// loop for a per-tensor multiplier. Where every tap is inside the input the
// tap addresses are the pixel's plus fixed offsets; at the edges, a list of
// pointers per pixel with the zero-point row for the padding.
//
// 3x3 and 5x5 at stride 1 or 2 (every MobileNet depthwise layer) take
// another loop order: one channel group at a time along the output row, two
// pixels per step, with the taps paired vertically (rows 0-1, 2-3) so that
// a zipped input column serves every pixel that covers it: per step only
// the new columns are loaded and zipped. The accumulators go from registers
// to the requantization. Rows above and below the input read a row of zero
// points, columns left and right a zero-point pixel (loads that check their
// column only where the window meets the padding).
//
// A channel count that is not a multiple of 8 makes the last group read past
// a pixel's channels: harmless inside the tensor (zero weights), but past its
// end the last few input pixels are read from a padded copy.
#pragma once

#include <memory>

#include "kernels/conv2d.hpp"

namespace mnw::simd {

std::unique_ptr<ConvKernel> make_depthwise_conv_2d(const ConvDesc& desc);

}  // namespace mnw::simd
