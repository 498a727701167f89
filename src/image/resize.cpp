// Separable resampling with per-axis weight tables computed once per call.
//
// The vertical pass runs first: each output row is a weighted sum of a few
// whole source rows, accumulated into one float row. Source rows are then read
// once, in memory order, and the accumulation loop is a plain multiply-add over
// a contiguous array that compilers vectorise (SSE2, wasm SIMD128). The
// horizontal pass then only touches out_height accumulated rows. For a
// 4000x3000 photo to 224x224 nearly all the work is the single streaming read.
#include "image/resize.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace mnw {
namespace {

// For each output index along one axis: the source indices first..first+count-1
// (relative to the region) and their weights, which sum to 1.
struct AxisWeights {
  int max_taps = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<float> weights;  // max_taps slots per output index

  const float* weights_of(int output_index) const {
    return weights.data() + static_cast<size_t>(output_index) * static_cast<size_t>(max_taps);
  }
};

AxisWeights area_weights(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  AxisWeights axis;
  axis.max_taps = static_cast<int>(std::ceil(scale)) + 1;
  axis.first.resize(static_cast<size_t>(out_size));
  axis.count.resize(static_cast<size_t>(out_size));
  axis.weights.assign(static_cast<size_t>(out_size) * static_cast<size_t>(axis.max_taps), 0.0f);
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
    float* w = axis.weights.data() + static_cast<size_t>(o) * static_cast<size_t>(axis.max_taps);
    for (int k = 0; k < count; ++k) w[k] = static_cast<float>(overlaps[static_cast<size_t>(k)] / total);
  }
  return axis;
}

AxisWeights bilinear_weights(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  AxisWeights axis;
  axis.max_taps = 2;
  axis.first.resize(static_cast<size_t>(out_size));
  axis.count.resize(static_cast<size_t>(out_size));
  axis.weights.assign(static_cast<size_t>(out_size) * 2, 0.0f);
  for (int o = 0; o < out_size; ++o) {
    const double centre = std::clamp((o + 0.5) * scale - 0.5, 0.0, in_size - 1.0);
    const int first = static_cast<int>(centre);
    const double fraction = centre - first;
    float* w = axis.weights.data() + static_cast<size_t>(o) * 2;
    axis.first[static_cast<size_t>(o)] = first;
    if (fraction > 0.0 && first + 1 < in_size) {
      axis.count[static_cast<size_t>(o)] = 2;
      w[0] = static_cast<float>(1.0 - fraction);
      w[1] = static_cast<float>(fraction);
    } else {
      axis.count[static_cast<size_t>(o)] = 1;
      w[0] = 1.0f;
    }
  }
  return axis;
}

AxisWeights axis_weights(int in_size, int out_size) {
  return out_size < in_size ? area_weights(in_size, out_size) : bilinear_weights(in_size, out_size);
}

uint8_t round_to_u8(float value) {
  return static_cast<uint8_t>(std::clamp(value + 0.5f, 0.0f, 255.0f));
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
  const uint8_t* region_origin = src.rgb.data() + static_cast<size_t>(region.y) * src.stride() +
                                 static_cast<size_t>(region.x) * 3;
  std::vector<float> accumulated(row_values);
  float* acc = accumulated.data();
  uint8_t* dst = out.rgb.data();

  for (int oy = 0; oy < out_height; ++oy) {
    // Vertical pass: weighted sum of this output row's source rows.
    const float* row_weights = rows.weights_of(oy);
    const uint8_t* source_row = region_origin + static_cast<size_t>(rows.first[static_cast<size_t>(oy)]) * src.stride();
    const float first_weight = row_weights[0];
    for (size_t j = 0; j < row_values; ++j) acc[j] = first_weight * source_row[j];
    for (int k = 1; k < rows.count[static_cast<size_t>(oy)]; ++k) {
      source_row += src.stride();
      const float weight = row_weights[k];
      for (size_t j = 0; j < row_values; ++j) acc[j] += weight * source_row[j];
    }
    // Horizontal pass over the accumulated row.
    for (int ox = 0; ox < out_width; ++ox, dst += 3) {
      const float* column_weights = columns.weights_of(ox);
      const float* pixel = acc + static_cast<size_t>(columns.first[static_cast<size_t>(ox)]) * 3;
      float r = 0.0f, g = 0.0f, b = 0.0f;
      for (int k = 0; k < columns.count[static_cast<size_t>(ox)]; ++k, pixel += 3) {
        r += column_weights[k] * pixel[0];
        g += column_weights[k] * pixel[1];
        b += column_weights[k] * pixel[2];
      }
      dst[0] = round_to_u8(r);
      dst[1] = round_to_u8(g);
      dst[2] = round_to_u8(b);
    }
  }
  return out;
}

Result<Image> resize(const Image& src, int out_width, int out_height) {
  return resize_region(src, PixelRect{0, 0, src.width, src.height}, out_width, out_height);
}

}  // namespace mnw
