// Resampling of RGB images, antialiased when shrinking.
#pragma once

#include <cstdint>

#include "core/status.hpp"
#include "image/image.hpp"

namespace mnw {

// A rectangle of whole pixels: columns [x, x + width), rows [y, y + height).
struct PixelRect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// Outputs larger than this many pixels are refused (a model input is ~50k).
constexpr int64_t kMaxResizeOutputPixels = int64_t{1} << 26;

// Resamples `region` of `src` to out_width x out_height, each axis on its own:
// - shrinking averages the source area each output pixel covers (a box filter
//   as wide as the output pixel's footprint, partial pixels weighted by their
//   overlap), so detail finer than the output grid averages out instead of
//   aliasing: a 1-pixel checkerboard becomes flat grey, where nearest-neighbour
//   or plain bilinear sampling would pick out stripes;
// - enlarging (or keeping the size) interpolates bilinearly between pixel
//   centres, half-pixel convention, edges clamped; equal sizes copy exactly.
// Arithmetic is fixed point (weights in steps of 2^-14), so every build gives
// the same bytes: rounded half up, within 1 of the exact real result, and a
// constant image stays exactly constant.
// Fails with kInvalidArgument when the image is inconsistent, the region empty
// or outside it, or the output size is not in 1..kMaxResizeOutputPixels.
Result<Image> resize_region(const Image& src, const PixelRect& region, int out_width, int out_height);

// resize_region over the whole image.
Result<Image> resize(const Image& src, int out_width, int out_height);

}  // namespace mnw
