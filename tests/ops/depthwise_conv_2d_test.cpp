// DEPTHWISE_CONV_2D on single-op models, on both kernel paths: hand-computed
// answers, padding as real zero, TFLite's two roundings for every type,
// fused activations, random geometries against the float definition with
// identical bytes on both paths, and validation (depth multiplier 2 above all).
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"
#include "support/prng.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

struct DepthwiseCase {
  bool int8 = false;
  int batch = 1, in_h = 1, in_w = 1, channels = 1, kernel_h = 1, kernel_w = 1;
  DepthwiseConv2DOptions options;
  float in_scale = 1.0f, out_scale = 1.0f;
  int32_t in_zp = 0, out_zp = 0;
  std::vector<float> filter_scales = {1.0f};  // one: per tensor; channels: per channel (int8)
  int32_t filter_zp = 0;
  std::vector<int32_t> filter;  // 1HWC values
  std::vector<int32_t> bias;    // empty: no bias input
};

std::pair<int, int> out_size_and_pad(int8_t padding, int in, int kernel, int stride, int dilation) {
  const int effective = (kernel - 1) * dilation + 1;
  const int out = padding == tfl::kSame ? (in + stride - 1) / stride : (in - effective + stride) / stride;
  return {out, std::max((out - 1) * stride + effective - in, 0) / 2};
}

std::vector<int32_t> output_shape(const DepthwiseCase& c) {
  const int out_h = out_size_and_pad(c.options.padding, c.in_h, c.kernel_h, c.options.stride_h, c.options.dilation_h).first;
  const int out_w = out_size_and_pad(c.options.padding, c.in_w, c.kernel_w, c.options.stride_w, c.options.dilation_w).first;
  return {c.batch, out_h, out_w, c.channels};
}

ModelBuilder depthwise_model(const DepthwiseCase& c) {
  const int8_t type = c.int8 ? tfl::kInt8 : tfl::kUInt8;
  ModelBuilder m;
  const int x = m.tensor("input", type, {c.batch, c.in_h, c.in_w, c.channels}, per_tensor(c.in_scale, c.in_zp));
  // Per-channel scales run along dimension 3 of the 1HWC filter.
  QuantSpec filter_q{c.filter_scales, std::vector<int64_t>(c.filter_scales.size(), c.filter_zp),
                     c.filter_scales.size() > 1 ? 3 : 0};
  std::vector<uint8_t> filter_bytes;
  for (int32_t v : c.filter) filter_bytes.push_back(static_cast<uint8_t>(v));
  const int w = m.constant("filter", type, {1, c.kernel_h, c.kernel_w, c.channels}, filter_bytes, filter_q);
  std::vector<int32_t> inputs = {x, w};
  if (!c.bias.empty()) inputs.push_back(m.constant_of<int32_t>("bias", tfl::kInt32, {c.channels}, c.bias));
  const int y = m.tensor("output", type, output_shape(c), per_tensor(c.out_scale, c.out_zp));
  add_single_op(m, tfl::op::kDepthwiseConv2D, inputs, y, c.options);
  return m;
}

std::vector<int32_t> run_depthwise(const DepthwiseCase& c, const std::vector<uint8_t>& input, KernelPath path) {
  const std::vector<uint8_t> out = run(*require_model(depthwise_model(c), path), {input});
  std::vector<int32_t> values;
  for (uint8_t b : out) values.push_back(c.int8 ? static_cast<int8_t>(b) : b);
  return values;
}

// The definition: per channel, acc = bias + sum over taps inside the input
// of (x - in_zp) * (w - filter_zp); out = round(acc * real multiplier) + out_zp.
std::vector<int32_t> ideal_depthwise(const DepthwiseCase& c, const std::vector<uint8_t>& input, int32_t lo, int32_t hi) {
  const auto [out_h, pad_h] = out_size_and_pad(c.options.padding, c.in_h, c.kernel_h, c.options.stride_h, c.options.dilation_h);
  const auto [out_w, pad_w] = out_size_and_pad(c.options.padding, c.in_w, c.kernel_w, c.options.stride_w, c.options.dilation_w);
  std::vector<int32_t> out;
  for (int b = 0; b < c.batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int ch = 0; ch < c.channels; ++ch) {
          int64_t acc = c.bias.empty() ? 0 : c.bias[static_cast<size_t>(ch)];
          for (int ky = 0; ky < c.kernel_h; ++ky) {
            for (int kx = 0; kx < c.kernel_w; ++kx) {
              const int iy = oy * c.options.stride_h - pad_h + ky * c.options.dilation_h;
              const int ix = ox * c.options.stride_w - pad_w + kx * c.options.dilation_w;
              if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
              const uint8_t raw = input[static_cast<size_t>(((b * c.in_h + iy) * c.in_w + ix) * c.channels + ch)];
              const int32_t x = (c.int8 ? static_cast<int8_t>(raw) : raw) - c.in_zp;
              const int32_t w = c.filter[static_cast<size_t>((ky * c.kernel_w + kx) * c.channels + ch)] - c.filter_zp;
              acc += static_cast<int64_t>(x) * w;
            }
          }
          const float filter_scale = c.filter_scales.size() > 1 ? c.filter_scales[static_cast<size_t>(ch)] : c.filter_scales[0];
          out.push_back(quantize_ideal(static_cast<double>(acc) * c.in_scale * filter_scale, c.out_scale, c.out_zp, lo, hi));
        }
      }
    }
  }
  return out;
}

DepthwiseCase random_case(Prng& prng) {
  DepthwiseCase c;
  c.int8 = prng.below(2) == 1;
  c.batch = static_cast<int>(prng.between(1, 2));
  c.in_h = static_cast<int>(prng.between(1, 12));
  c.in_w = static_cast<int>(prng.between(1, 12));
  c.channels = std::array{1, 3, 4, 8, 13, 16, 24, 31, 32, 33, 64}[prng.below(11)];
  c.options.padding = prng.below(2) == 0 ? tfl::kSame : tfl::kValid;
  c.options.stride_h = static_cast<int32_t>(prng.between(1, 2));
  c.options.stride_w = static_cast<int32_t>(prng.between(1, 2));
  c.options.dilation_h = static_cast<int32_t>(prng.between(1, 2));
  c.options.dilation_w = static_cast<int32_t>(prng.between(1, 2));
  // Mostly 3x3, as in MobileNets, sometimes 5x5 or smaller; fitting the input.
  const int kernel = std::array{1, 2, 3, 3, 3, 5}[prng.below(6)];
  c.kernel_h = std::min(kernel, (c.in_h - 1) / c.options.dilation_h + 1);
  c.kernel_w = std::min(kernel, (c.in_w - 1) / c.options.dilation_w + 1);
  c.in_scale = 0.02f + 0.01f * static_cast<float>(prng.below(10));
  c.in_zp = c.int8 ? static_cast<int32_t>(prng.between(-128, 127)) : static_cast<int32_t>(prng.between(0, 255));
  c.out_zp = c.int8 ? static_cast<int32_t>(prng.between(-20, 20)) : static_cast<int32_t>(prng.between(100, 150));
  const bool per_channel = c.int8 && prng.below(2) == 1;
  c.filter_scales.clear();
  for (int ch = 0; ch < (per_channel ? c.channels : 1); ++ch) c.filter_scales.push_back(0.001f * static_cast<float>(prng.between(1, 20)));
  c.filter_zp = c.int8 ? 0 : static_cast<int32_t>(prng.between(100, 150));
  for (int i = 0; i < c.kernel_h * c.kernel_w * c.channels; ++i) {
    c.filter.push_back(c.int8 ? static_cast<int32_t>(prng.between(-127, 127)) : static_cast<int32_t>(prng.between(0, 255)));
  }
  if (prng.below(4) != 0) {
    for (int ch = 0; ch < c.channels; ++ch) c.bias.push_back(static_cast<int32_t>(prng.between(-3000, 3000)));
  }
  c.out_scale = static_cast<float>(c.in_scale * c.filter_scales[0] * 40.0 * std::sqrt(c.kernel_h * c.kernel_w));
  return c;
}

}  // namespace

TEST_CASE("DEPTHWISE_CONV_2D convolves each channel with its own filter", "[ops][depthwise_conv_2d]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  // 1x2x2x2 input, 2x2 filter VALID: channel 0 sums with weights 1, 2, 3, 4;
  // channel 1 takes the difference of its first and last tap.
  DepthwiseCase c;
  c.int8 = true;
  c.in_h = c.in_w = 2;
  c.channels = 2;
  c.kernel_h = c.kernel_w = 2;
  c.in_zp = 1;
  c.out_zp = -3;
  c.filter = {1, 1, 2, 0, 3, 0, 4, -1};
  c.bias = {100, -7};
  const std::vector<int8_t> input = {2, 11, 3, 21, 4, 31, 5, 41};  // real channel 0: 1..4; channel 1: 10..40
  // channel 0: -3 + 100 + 1 + 4 + 9 + 16 = 127; channel 1: -3 - 7 + 10 - 40 = -40
  CHECK(run_depthwise(c, to_bytes(input), path) == std::vector<int32_t>{127, -40});
}

TEST_CASE("DEPTHWISE_CONV_2D padding reads as the input zero point", "[ops][depthwise_conv_2d]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  // 3x3 ones over a 3x3 single channel, SAME, stride 2: outputs at the
  // corners sum their 2x2 neighbourhoods.
  DepthwiseCase c;
  c.in_h = c.in_w = 3;
  c.kernel_h = c.kernel_w = 3;
  c.options.padding = tfl::kSame;
  c.options.stride_h = c.options.stride_w = 2;
  c.in_zp = 200;
  c.out_zp = 10;
  c.filter.assign(9, 1);
  const std::vector<uint8_t> input = {201, 202, 203,  //
                                      204, 205, 206,  //
                                      207, 208, 209};  // real 1..9
  CHECK(run_depthwise(c, input, path) == std::vector<int32_t>{10 + 12, 10 + 16, 10 + 24, 10 + 28});
}

TEST_CASE("DEPTHWISE_CONV_2D rounds twice (TFLite's own kernel) for int8 and uint8", "[ops][depthwise_conv_2d]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  // Multiplier 1/4 on accumulators -6 and 6: -1.5 becomes -2 (CONV_2D's
  // int8 single rounding would give -1), 1.5 becomes 2.
  DepthwiseCase c;
  c.in_w = 2;
  c.filter = {1};
  c.filter_scales = {0.25f};
  SECTION("int8") {
    c.int8 = true;
    CHECK(run_depthwise(c, {static_cast<uint8_t>(-6), 6}, path) == std::vector<int32_t>{-2, 2});
  }
  SECTION("uint8") {
    c.in_zp = c.out_zp = 10;
    CHECK(run_depthwise(c, {4, 16}, path) == std::vector<int32_t>{8, 12});
  }
}

TEST_CASE("DEPTHWISE_CONV_2D clamps to its fused activation's range", "[ops][depthwise_conv_2d]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  // Identity filter, scale 0.1 and zero point 50 (uint8): real 0 is 50, 6 is
  // 110, -1 is 40 and 1 is 60.
  const auto [activation, lo, hi] = GENERATE(table<int8_t, int32_t, int32_t>({
      {tfl::act::kNone, 0, 255},
      {tfl::act::kRelu, 50, 255},
      {tfl::act::kRelu6, 50, 110},
      {tfl::act::kReluN1To1, 40, 60},
  }));
  CAPTURE(int{activation});
  DepthwiseCase c;
  c.in_h = 16;
  c.in_w = 4;
  c.channels = 4;
  c.in_scale = c.out_scale = 0.1f;
  c.in_zp = c.out_zp = 50;
  c.filter = {1, 1, 1, 1};
  c.options.activation = activation;
  const std::vector<uint8_t> input = all_values<uint8_t>();
  const std::vector<int32_t> out = run_depthwise(c, input, path);
  for (int q = 0; q < 256; ++q) {
    INFO("q = " << q);
    CHECK(out[static_cast<size_t>(q)] == std::clamp(q, lo, hi));
  }
}

TEST_CASE("DEPTHWISE_CONV_2D random geometries: within a quantum of the definition, identical on both paths",
          "[ops][depthwise_conv_2d]") {
  const uint64_t seed = GENERATE(range(1, 41));
  CAPTURE(seed);
  Prng prng(seed);
  const DepthwiseCase c = random_case(prng);
  CAPTURE(c.int8, c.batch, c.in_h, c.in_w, c.channels, c.kernel_h, c.kernel_w, int{c.options.padding},
          c.options.stride_h, c.options.stride_w, c.options.dilation_h, c.options.dilation_w, c.filter_scales.size());
  std::vector<uint8_t> input(static_cast<size_t>(c.batch * c.in_h * c.in_w * c.channels));
  for (auto& v : input) v = prng.byte();
  const std::vector<int32_t> reference = run_depthwise(c, input, KernelPath::kReference);
  const std::vector<int32_t> simd = run_depthwise(c, input, KernelPath::kSimd);
  CHECK(simd == reference);
  const std::vector<int32_t> ideal = ideal_depthwise(c, input, c.int8 ? -128 : 0, c.int8 ? 127 : 255);
  REQUIRE(ideal.size() == reference.size());
  int max_error = 0;
  for (size_t i = 0; i < ideal.size(); ++i) max_error = std::max(max_error, std::abs(reference[i] - ideal[i]));
  CHECK(max_error <= 1);
}

TEST_CASE("DEPTHWISE_CONV_2D rejects nodes it cannot run", "[ops][depthwise_conv_2d]") {
  DepthwiseCase c;
  c.in_h = c.in_w = 5;
  c.channels = 2;
  c.kernel_h = c.kernel_w = 3;
  c.filter.assign(18, 1);
  SECTION("depth multiplier 2") {
    ModelBuilder m;
    const int x = m.tensor("input", tfl::kUInt8, {1, 5, 5, 2}, per_tensor(1.0f, 0));
    const int w = m.constant("filter", tfl::kUInt8, {1, 3, 3, 4}, std::vector<uint8_t>(36, 1), per_tensor(1.0f, 0));
    const int y = m.tensor("output", tfl::kUInt8, {1, 3, 3, 4}, per_tensor(1.0f, 0));
    DepthwiseConv2DOptions options;
    options.depth_multiplier = 2;
    add_single_op(m, tfl::op::kDepthwiseConv2D, {x, w}, y, options);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("DEPTHWISE_CONV_2D") && ContainsSubstring("depth_multiplier 2"));
  }
  SECTION("a filter computed at run time") {
    ModelBuilder m = depthwise_model(c);
    m.tensors()[1].buffer = 0;
    m.set_inputs({0, 1});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("DEPTHWISE_CONV_2D") && ContainsSubstring("'filter'") &&
                                ContainsSubstring("constant"));
  }
  SECTION("a filter that is not 1xHxWxC") {
    ModelBuilder m = depthwise_model(c);
    m.tensors()[1].shape = {2, 3, 3, 1};
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("DEPTHWISE_CONV_2D") && ContainsSubstring("2x3x3x1"));
  }
  SECTION("a declared output shape that is not the computed one") {
    ModelBuilder m = depthwise_model(c);
    m.tensors().back().shape = {1, 5, 5, 2};
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("DEPTHWISE_CONV_2D") && ContainsSubstring("1x3x3x2"));
  }
  SECTION("a dilation whose filter extent would overflow int") {
    // A single flipped bit in a real file: the kernels' tap offsets wrapped around.
    ModelBuilder m = depthwise_model(c);
    std::get<DepthwiseConv2DOptions>(m.operators().back().options).dilation_h = (1 << 30) + 1;
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("DEPTHWISE_CONV_2D") && ContainsSubstring("dilated filter size"));
  }
  SECTION("per-channel scales along the wrong dimension") {
    c.int8 = true;
    c.filter_scales = {1.0f, 0.5f};
    ModelBuilder m = depthwise_model(c);
    m.tensors()[1].quant.quantized_dimension = 0;
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("DEPTHWISE_CONV_2D") && ContainsSubstring("dimension 0"));
  }
  SECTION("different input and output types") {
    ModelBuilder m = depthwise_model(c);
    m.tensors().back().type = tfl::kInt8;
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("DEPTHWISE_CONV_2D") && ContainsSubstring("'output'"));
  }
}
