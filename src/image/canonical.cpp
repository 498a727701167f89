// Must not contract a + b * c into a fused multiply-add (see canonical.hpp).
// GCC ignores the standard pragma and contracts by default (-ffp-contract=fast)
// on targets with FMA (e.g. -march=haswell); clang honours it.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "image/canonical.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "image/resize.hpp"

namespace mnw {
namespace {

// Neighbours and weight of one output coordinate along an axis of `side` pixels.
struct Sample {
  int lower = 0;
  int upper = 0;
  double fraction = 0.0;
};

std::vector<Sample> axis_samples(int side, int out_size) {
  std::vector<Sample> samples(static_cast<size_t>(out_size));
  for (int o = 0; o < out_size; ++o) {
    double s = ((o + 0.5) * side) / out_size - 0.5;
    if (s < 0) s = 0;
    const double lower = std::floor(s);
    Sample& sample = samples[static_cast<size_t>(o)];
    sample.lower = static_cast<int>(lower);
    sample.upper = std::min(sample.lower + 1, side - 1);
    sample.fraction = s - lower;
  }
  return samples;
}

}  // namespace

Result<Image> canonical_crop_resize(const Image& src, int out_width, int out_height) {
  if (!src.is_consistent()) {
    return invalid_argument("canonical resize: image is " + std::to_string(src.width) + " x " +
                            std::to_string(src.height) + " with " + std::to_string(src.rgb.size()) +
                            " bytes of RGB");
  }
  if (out_width < 1 || out_height < 1 ||
      static_cast<int64_t>(out_width) * out_height > kMaxResizeOutputPixels) {
    return invalid_argument("canonical resize: output size " + std::to_string(out_width) + " x " +
                            std::to_string(out_height) + " is not between 1 x 1 and " +
                            std::to_string(kMaxResizeOutputPixels) + " pixels");
  }
  const int side = std::min(src.width, src.height);
  const int x0 = (src.width - side) / 2;
  const int y0 = (src.height - side) / 2;
  const std::vector<Sample> columns = axis_samples(side, out_width);
  const std::vector<Sample> rows = axis_samples(side, out_height);

  Image out;
  out.width = out_width;
  out.height = out_height;
  out.rgb.resize(static_cast<size_t>(out_width) * static_cast<size_t>(out_height) * 3);
  uint8_t* dst = out.rgb.data();
  for (const Sample& row : rows) {
    const uint8_t* top_row = src.rgb.data() + static_cast<size_t>(y0 + row.lower) * src.stride();
    const uint8_t* bottom_row = src.rgb.data() + static_cast<size_t>(y0 + row.upper) * src.stride();
    for (const Sample& column : columns) {
      const size_t left = static_cast<size_t>(x0 + column.lower) * 3;
      const size_t right = static_cast<size_t>(x0 + column.upper) * 3;
      for (size_t c = 0; c < 3; ++c, ++dst) {
        const double top_left = top_row[left + c], top_right = top_row[right + c];
        const double bottom_left = bottom_row[left + c], bottom_right = bottom_row[right + c];
        const double top = top_left + (top_right - top_left) * column.fraction;
        const double bottom = bottom_left + (bottom_right - bottom_left) * column.fraction;
        const double v = std::floor(top + (bottom - top) * row.fraction + 0.5);
        *dst = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
      }
    }
  }
  return out;
}

}  // namespace mnw
