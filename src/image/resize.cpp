// Separable resampling with per-axis weight tables computed once per call, in
// integer fixed point so every build (native, wasm) gives the same bytes.
//
// Numerics: each output's weights are multiples of 2^-14 summing to exactly 1.
// The vertical pass sums weight * byte into int32 (at most 255 * 2^14) and
// rounds to 8 fractional bits, stored as uint16 (at most 255 * 2^8). The
// horizontal pass sums weight * that into int32 (at most 255 * 2^22) and
// rounds half up to a byte. Weights are non-negative, so nothing overflows and
// a constant image stays exactly constant.
//
// Order: the vertical pass runs first. Each output row is a weighted sum of a
// few whole source rows, so source rows are read once, in memory order, by a
// multiply-add over contiguous arrays that compilers vectorise. The horizontal
// pass then only touches out_height rows. For a 4000x3000 photo to 224x224
// nearly all the time is that single streaming read of the source.
#include "image/resize.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace mnw {
namespace {

constexpr int kWeightBits = 14;
constexpr int32_t kWeightOne = 1 << kWeightBits;
constexpr int kIntermediateBits = 8;  // fractional bits kept between the passes
constexpr int kVerticalShift = kWeightBits - kIntermediateBits;
constexpr int kHorizontalShift = kWeightBits + kIntermediateBits;

// For each output index along one axis: the source indices first..first+count-1
// (relative to the region) and their fixed-point weights.
struct AxisWeights {
  int max_taps = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<int32_t> weights;  // max_taps slots per output index

  AxisWeights(int out_size, int taps)
      : max_taps(taps),
        first(static_cast<size_t>(out_size)),
        count(static_cast<size_t>(out_size)),
        weights(static_cast<size_t>(out_size) * static_cast<size_t>(taps)) {}

  int32_t* weights_of(int output_index) {
    return weights.data() + static_cast<size_t>(output_index) * static_cast<size_t>(max_taps);
  }
  const int32_t* weights_of(int output_index) const {
    return weights.data() + static_cast<size_t>(output_index) * static_cast<size_t>(max_taps);
  }
};

// Rounds real weights summing to `total` to fixed point summing to exactly
// kWeightOne; the rounding residue goes to the largest weight.
void quantize_weights(const double* real, int count, double total, int32_t* fixed) {
  int32_t sum = 0;
  int largest = 0;
  for (int k = 0; k < count; ++k) {
    fixed[k] = static_cast<int32_t>(std::lround(real[k] / total * kWeightOne));
    sum += fixed[k];
    if (fixed[k] > fixed[largest]) largest = k;
  }
  fixed[largest] += kWeightOne - sum;
}

// Shrinking: output o covers source interval [o * scale, (o + 1) * scale);
// each source pixel weighs the length it shares with that interval.
AxisWeights area_weights(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  AxisWeights axis(out_size, static_cast<int>(std::ceil(scale)) + 1);
  std::vector<double> overlaps(static_cast<size_t>(axis.max_taps));
  for (int o = 0; o < out_size; ++o) {
    const double start = o * scale;
    const double end = o + 1 == out_size ? in_size : (o + 1) * scale;
    const int first = std::min(static_cast<int>(start), in_size - 1);
    const int last = std::min(static_cast<int>(std::ceil(end)), in_size);  // exclusive
    int count = 0;
    double total = 0.0;
    for (int i = first; i < last && count < axis.max_taps; ++i) {
      const double overlap = std::min(end, i + 1.0) - std::max(start, static_cast<double>(i));
      if (overlap <= 0.0) continue;  // rounding can yield an empty edge pixel
      if (count == 0) axis.first[static_cast<size_t>(o)] = i;
      overlaps[static_cast<size_t>(count++)] = overlap;
      total += overlap;
    }
    axis.count[static_cast<size_t>(o)] = count;
    quantize_weights(overlaps.data(), count, total, axis.weights_of(o));
  }
  return axis;
}

// Enlarging: linear interpolation between the two source pixel centres around
// output o's centre, (o + 0.5) * scale - 0.5, clamped to the edge pixels.
AxisWeights bilinear_weights(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  AxisWeights axis(out_size, 2);
  for (int o = 0; o < out_size; ++o) {
    const double centre = std::clamp((o + 0.5) * scale - 0.5, 0.0, in_size - 1.0);
    const int first = static_cast<int>(centre);
    const double fraction = centre - first;
    axis.first[static_cast<size_t>(o)] = first;
    if (fraction > 0.0 && first + 1 < in_size) {
      const double real[2] = {1.0 - fraction, fraction};
      axis.count[static_cast<size_t>(o)] = 2;
      quantize_weights(real, 2, 1.0, axis.weights_of(o));
    } else {
      axis.count[static_cast<size_t>(o)] = 1;
      axis.weights_of(o)[0] = kWeightOne;
    }
  }
  return axis;
}

AxisWeights axis_weights(int in_size, int out_size) {
  return out_size < in_size ? area_weights(in_size, out_size) : bilinear_weights(in_size, out_size);
}

// The vertical pass's loops. GCC at -O2 vectorises only loops that need no
// scalar remainder, so the body works in blocks of a fixed 16 values, which
// it unrolls and vectorises whole, and a plain loop finishes the tail.
constexpr size_t kBlock = 16;

// Weight and byte both fit int16 (weights are at most 2^14): written as a
// 16 x 16 -> 32-bit product it vectorises to pmullw/pmulhw or pmaddwd on SSE2,
// which has no 32-bit multiply.
int32_t product(int16_t weight, uint8_t value) { return weight * static_cast<int16_t>(value); }

void multiply_row(int32_t* __restrict sums, const uint8_t* __restrict row, int16_t weight, size_t n) {
  size_t j = 0;
  for (; j + kBlock <= n; j += kBlock) {
    for (size_t k = 0; k < kBlock; ++k) sums[j + k] = product(weight, row[j + k]);
  }
  for (; j < n; ++j) sums[j] = product(weight, row[j]);
}

void add_row(int32_t* __restrict sums, const uint8_t* __restrict row, int16_t weight, size_t n) {
  size_t j = 0;
  for (; j + kBlock <= n; j += kBlock) {
    for (size_t k = 0; k < kBlock; ++k) sums[j + k] += product(weight, row[j + k]);
  }
  for (; j < n; ++j) sums[j] += product(weight, row[j]);
}

void round_to_intermediate(const int32_t* __restrict sums, uint16_t* __restrict out, size_t n) {
  constexpr int32_t kHalf = 1 << (kVerticalShift - 1);
  size_t j = 0;
  for (; j + kBlock <= n; j += kBlock) {
    for (size_t k = 0; k < kBlock; ++k) out[j + k] = static_cast<uint16_t>((sums[j + k] + kHalf) >> kVerticalShift);
  }
  for (; j < n; ++j) out[j] = static_cast<uint16_t>((sums[j] + kHalf) >> kVerticalShift);
}

uint8_t round_to_byte(int32_t sum) {
  constexpr int32_t kHalf = 1 << (kHorizontalShift - 1);
  return static_cast<uint8_t>(std::min((sum + kHalf) >> kHorizontalShift, 255));
}

Status check_arguments(const Image& src, const PixelRect& region, int out_width, int out_height) {
  if (!src.is_consistent()) {
    return invalid_argument("resize: image is " + std::to_string(src.width) + " x " +
                            std::to_string(src.height) + " with " + std::to_string(src.rgb.size()) +
                            " bytes of RGB");
  }
  const bool region_inside = region.x >= 0 && region.y >= 0 && region.width > 0 && region.height > 0 &&
                             region.width <= src.width - region.x && region.height <= src.height - region.y;
  if (!region_inside) {
    return invalid_argument("resize: region " + std::to_string(region.width) + " x " +
                            std::to_string(region.height) + " at (" + std::to_string(region.x) + ", " +
                            std::to_string(region.y) + ") is empty or outside the " +
                            std::to_string(src.width) + " x " + std::to_string(src.height) + " image");
  }
  if (out_width < 1 || out_height < 1 ||
      static_cast<int64_t>(out_width) * out_height > kMaxResizeOutputPixels) {
    return invalid_argument("resize: output size " + std::to_string(out_width) + " x " +
                            std::to_string(out_height) + " is not between 1 x 1 and " +
                            std::to_string(kMaxResizeOutputPixels) + " pixels");
  }
  return Status::ok();
}

}  // namespace

Result<Image> resize_region(const Image& src, const PixelRect& region, int out_width, int out_height) {
  MNW_RETURN_IF_ERROR(check_arguments(src, region, out_width, out_height));
  const AxisWeights columns = axis_weights(region.width, out_width);
  const AxisWeights rows = axis_weights(region.height, out_height);

  Image out;
  out.width = out_width;
  out.height = out_height;
  out.rgb.resize(static_cast<size_t>(out_width) * static_cast<size_t>(out_height) * 3);

  const size_t row_values = static_cast<size_t>(region.width) * 3;
  const size_t stride = src.stride();
  const uint8_t* region_origin =
      src.rgb.data() + static_cast<size_t>(region.y) * stride + static_cast<size_t>(region.x) * 3;
  std::vector<int32_t> sums(row_values);
  std::vector<uint16_t> blended_row(row_values);
  uint8_t* dst = out.rgb.data();

  for (int oy = 0; oy < out_height; ++oy) {
    // Vertical pass: this output row's weighted sum of source rows.
    const int32_t* row_weights = rows.weights_of(oy);
    const uint8_t* source_row = region_origin + static_cast<size_t>(rows.first[static_cast<size_t>(oy)]) * stride;
    multiply_row(sums.data(), source_row, static_cast<int16_t>(row_weights[0]), row_values);
    for (int k = 1; k < rows.count[static_cast<size_t>(oy)]; ++k) {
      source_row += stride;
      add_row(sums.data(), source_row, static_cast<int16_t>(row_weights[k]), row_values);
    }
    round_to_intermediate(sums.data(), blended_row.data(), row_values);

    // Horizontal pass over the blended row.
    for (int ox = 0; ox < out_width; ++ox, dst += 3) {
      const int32_t* column_weights = columns.weights_of(ox);
      const uint16_t* pixel = blended_row.data() + static_cast<size_t>(columns.first[static_cast<size_t>(ox)]) * 3;
      int32_t r = 0, g = 0, b = 0;
      for (int k = 0; k < columns.count[static_cast<size_t>(ox)]; ++k, pixel += 3) {
        r += column_weights[k] * pixel[0];
        g += column_weights[k] * pixel[1];
        b += column_weights[k] * pixel[2];
      }
      dst[0] = round_to_byte(r);
      dst[1] = round_to_byte(g);
      dst[2] = round_to_byte(b);
    }
  }
  return out;
}

Result<Image> resize(const Image& src, int out_width, int out_height) {
  return resize_region(src, PixelRect{0, 0, src.width, src.height}, out_width, out_height);
}

}  // namespace mnw
