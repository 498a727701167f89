// CONV_2D on single-op models, on both kernel paths: hand-computed answers,
// padding that reads as real zero, the rounding TFLite uses per type, fused
// activation clamps, random geometries against the float definition (within
// a quantum) with identical bytes on both paths, and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"
#include "support/prng.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

struct ConvCase {
  bool int8 = false;
  int batch = 1, in_h = 1, in_w = 1, in_c = 1, out_c = 1, kernel_h = 1, kernel_w = 1;
  Conv2DOptions options;
  float in_scale = 1.0f, out_scale = 1.0f;
  int32_t in_zp = 0, out_zp = 0;
  std::vector<float> filter_scales = {1.0f};  // one: per tensor; out_c: per channel (int8)
  int32_t filter_zp = 0;                      // uint8 only; int8 filters are symmetric
  std::vector<int32_t> filter;                // OHWI values
  std::vector<int32_t> bias;                  // empty: no bias input
};

// TFLite's output size and leading padding of one spatial dimension.
std::pair<int, int> out_size_and_pad(int8_t padding, int in, int kernel, int stride, int dilation) {
  const int effective = (kernel - 1) * dilation + 1;
  const int out = padding == tfl::kSame ? (in + stride - 1) / stride : (in - effective + stride) / stride;
  return {out, std::max((out - 1) * stride + effective - in, 0) / 2};
}

std::vector<int32_t> output_shape(const ConvCase& c) {
  const auto [out_h, pad_h] = out_size_and_pad(c.options.padding, c.in_h, c.kernel_h, c.options.stride_h, c.options.dilation_h);
  const auto [out_w, pad_w] = out_size_and_pad(c.options.padding, c.in_w, c.kernel_w, c.options.stride_w, c.options.dilation_w);
  return {c.batch, out_h, out_w, c.out_c};
}

ModelBuilder conv_model(const ConvCase& c) {
  const int8_t type = c.int8 ? tfl::kInt8 : tfl::kUInt8;
  ModelBuilder m;
  const int x = m.tensor("input", type, {c.batch, c.in_h, c.in_w, c.in_c}, per_tensor(c.in_scale, c.in_zp));
  QuantSpec filter_q{c.filter_scales, std::vector<int64_t>(c.filter_scales.size(), c.filter_zp), 0};
  std::vector<uint8_t> filter_bytes;
  for (int32_t v : c.filter) filter_bytes.push_back(static_cast<uint8_t>(v));
  const int w = m.constant("filter", type, {c.out_c, c.kernel_h, c.kernel_w, c.in_c}, filter_bytes, filter_q);
  std::vector<int32_t> inputs = {x, w};
  if (!c.bias.empty()) inputs.push_back(m.constant_of<int32_t>("bias", tfl::kInt32, {c.out_c}, c.bias));
  const int y = m.tensor("output", type, output_shape(c), per_tensor(c.out_scale, c.out_zp));
  add_single_op(m, tfl::op::kConv2D, inputs, y, c.options);
  return m;
}

// Runs the case on one kernel path; the input holds raw bytes of its type.
std::vector<int32_t> run_conv(const ConvCase& c, const std::vector<uint8_t>& input, KernelPath path) {
  const std::vector<uint8_t> out = from_bytes<uint8_t>(run(*require_model(conv_model(c), path), {input}));
  std::vector<int32_t> values;
  for (uint8_t b : out) values.push_back(c.int8 ? static_cast<int8_t>(b) : b);
  return values;
}

// The definition, in exact integers and doubles: out = round(acc * in_scale
// * filter_scale / out_scale) + out_zp, clamped; taps in the padding are
// real zeros and contribute nothing.
std::vector<int32_t> ideal_conv(const ConvCase& c, const std::vector<uint8_t>& input, int32_t lo, int32_t hi) {
  const auto shape = output_shape(c);
  const auto [out_h, pad_h] = out_size_and_pad(c.options.padding, c.in_h, c.kernel_h, c.options.stride_h, c.options.dilation_h);
  const auto [out_w, pad_w] = out_size_and_pad(c.options.padding, c.in_w, c.kernel_w, c.options.stride_w, c.options.dilation_w);
  auto in_at = [&](int b, int y, int x, int ch) {
    const uint8_t v = input[static_cast<size_t>(((b * c.in_h + y) * c.in_w + x) * c.in_c + ch)];
    return (c.int8 ? static_cast<int8_t>(v) : v) - c.in_zp;
  };
  std::vector<int32_t> out;
  for (int b = 0; b < c.batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int oc = 0; oc < c.out_c; ++oc) {
          int64_t acc = c.bias.empty() ? 0 : c.bias[static_cast<size_t>(oc)];
          for (int ky = 0; ky < c.kernel_h; ++ky) {
            for (int kx = 0; kx < c.kernel_w; ++kx) {
              const int iy = oy * c.options.stride_h - pad_h + ky * c.options.dilation_h;
              const int ix = ox * c.options.stride_w - pad_w + kx * c.options.dilation_w;
              if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
              for (int ic = 0; ic < c.in_c; ++ic) {
                const int32_t w = c.filter[static_cast<size_t>(((oc * c.kernel_h + ky) * c.kernel_w + kx) * c.in_c + ic)];
                acc += static_cast<int64_t>(in_at(b, iy, ix, ic)) * (w - c.filter_zp);
              }
            }
          }
          const float filter_scale = c.filter_scales.size() > 1 ? c.filter_scales[static_cast<size_t>(oc)] : c.filter_scales[0];
          const double real = static_cast<double>(acc) * c.in_scale * filter_scale;
          out.push_back(quantize_ideal(real, c.out_scale, c.out_zp, lo, hi));
        }
      }
    }
  }
  return out;
}

ConvCase random_case(Prng& prng) {
  ConvCase c;
  c.int8 = prng.below(2) == 1;
  c.batch = static_cast<int>(prng.between(1, 2));
  c.in_h = static_cast<int>(prng.between(1, 9));
  c.in_w = static_cast<int>(prng.between(1, 9));
  c.in_c = std::array{1, 2, 3, 8, 13, 16, 17, 32}[prng.below(8)];
  c.out_c = std::array{1, 3, 4, 8, 13, 16, 33}[prng.below(7)];
  c.options.padding = prng.below(2) == 0 ? tfl::kSame : tfl::kValid;
  c.options.stride_h = static_cast<int32_t>(prng.between(1, 2));
  c.options.stride_w = static_cast<int32_t>(prng.between(1, 2));
  c.options.dilation_h = static_cast<int32_t>(prng.between(1, 2));
  c.options.dilation_w = static_cast<int32_t>(prng.between(1, 2));
  c.options.activation = std::array{tfl::act::kNone, tfl::act::kRelu, tfl::act::kRelu6}[prng.below(3)];
  // A kernel that fits the (dilated) input even with VALID padding.
  c.kernel_h = static_cast<int>(prng.between(1, std::min(3, (c.in_h - 1) / c.options.dilation_h + 1)));
  c.kernel_w = static_cast<int>(prng.between(1, std::min(3, (c.in_w - 1) / c.options.dilation_w + 1)));
  c.in_scale = 0.02f + 0.01f * static_cast<float>(prng.below(10));
  c.in_zp = c.int8 ? static_cast<int32_t>(prng.between(-128, 127)) : static_cast<int32_t>(prng.between(0, 255));
  c.out_zp = c.int8 ? static_cast<int32_t>(prng.between(-20, 20)) : static_cast<int32_t>(prng.between(100, 150));
  const bool per_channel = c.int8 && prng.below(2) == 1;
  c.filter_scales.clear();
  for (int oc = 0; oc < (per_channel ? c.out_c : 1); ++oc) c.filter_scales.push_back(0.001f * static_cast<float>(prng.between(1, 20)));
  c.filter_zp = c.int8 ? 0 : static_cast<int32_t>(prng.between(100, 150));
  for (int i = 0; i < c.out_c * c.kernel_h * c.kernel_w * c.in_c; ++i) {
    c.filter.push_back(c.int8 ? static_cast<int32_t>(prng.between(-127, 127)) : static_cast<int32_t>(prng.between(0, 255)));
  }
  if (prng.below(4) != 0) {
    for (int oc = 0; oc < c.out_c; ++oc) c.bias.push_back(static_cast<int32_t>(prng.between(-5000, 5000)));
  }
  // An output scale that spreads accumulators over the range, saturating some.
  const double taps = c.kernel_h * c.kernel_w * c.in_c;
  c.out_scale = static_cast<float>(c.in_scale * c.filter_scales[0] * 40.0 * std::sqrt(taps));
  return c;
}

}  // namespace

TEST_CASE("CONV_2D computes hand-checked sums", "[ops][conv_2d]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  SECTION("uint8, 2x2 filter, VALID, stride 1, with bias and zero points") {
    // Input 3x3 (zero point 1), filter [[1, 0], [0, -1]] stored with zero
    // point 128, bias 10, output zero point 5, all scales 1.
    ConvCase c;
    c.in_h = c.in_w = 3;
    c.kernel_h = c.kernel_w = 2;
    c.in_zp = 1;
    c.out_zp = 5;
    c.filter_zp = 128;
    c.filter = {129, 128, 128, 127};
    c.bias = {10};
    const std::vector<uint8_t> input = {2, 3, 4, 5, 6, 7, 8, 9, 10};  // real 1..9
    // out = 5 + 10 + x[y][x] - x[y+1][x+1] = 15 - 4
    CHECK(run_conv(c, input, path) == std::vector<int32_t>{11, 11, 11, 11});
  }
  SECTION("int8, two output channels, 1x1 filter over three input channels") {
    ConvCase c;
    c.int8 = true;
    c.in_h = 1;
    c.in_w = 2;
    c.in_c = 3;
    c.out_c = 2;
    c.in_zp = -1;
    c.filter = {1, 2, 3, -1, 0, 1};
    const std::vector<uint8_t> input = {0, 1, 2, 255, 4, 9};  // int8 {0, 1, 2, -1, 4, 9}, real {1, 2, 3, 0, 5, 10}
    CHECK(run_conv(c, input, path) == std::vector<int32_t>{14, 2, 40, 10});
  }
}

TEST_CASE("CONV_2D padding reads as the input zero point", "[ops][conv_2d]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  // 3x3 all-ones filter, SAME: each output sums its neighbourhood's real
  // values; taps outside the input add nothing, whatever the zero point.
  ConvCase c;
  c.in_h = 2;
  c.in_w = 3;
  c.kernel_h = c.kernel_w = 3;
  c.options.padding = tfl::kSame;
  c.in_zp = 100;
  c.out_zp = 50;
  c.filter.assign(9, 1);
  const std::vector<uint8_t> input = {101, 100, 102,  //
                                      100, 103, 100};  // real {1, 0, 2, 0, 3, 0}
  CHECK(run_conv(c, input, path) == std::vector<int32_t>{54, 56, 55,  //
                                                         54, 56, 55});
}

TEST_CASE("CONV_2D rounds int8 results once (ruy) and uint8 results twice (gemmlowp)", "[ops][conv_2d]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  // A 1x1 convolution with multiplier 1/4 on accumulators -6 and 6: -1.5 and
  // 1.5. One rounding (half up) gives -1 and 2; two roundings (to -3 by the
  // doubling high multiply, then -3/2 half away from zero) give -2 and 2.
  ConvCase c;
  c.in_w = 2;
  c.filter = {1};
  c.filter_scales = {0.25f};
  SECTION("int8") {
    c.int8 = true;
    CHECK(run_conv(c, {static_cast<uint8_t>(-6), 6}, path) == std::vector<int32_t>{-1, 2});
  }
  SECTION("uint8") {
    c.in_zp = 10;
    c.out_zp = 10;
    CHECK(run_conv(c, {4, 16}, path) == std::vector<int32_t>{8, 12});
  }
}

TEST_CASE("CONV_2D clamps to its fused activation's range", "[ops][conv_2d]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  // Identity 1x1 filter, output scale 0.05 and zero point -28: real 0 is -28,
  // 6 is 92, -1 is -48, 1 is -8.
  const auto [activation, lo, hi] = GENERATE(table<int8_t, int32_t, int32_t>({
      {tfl::act::kNone, -128, 127},
      {tfl::act::kRelu, -28, 127},
      {tfl::act::kRelu6, -28, 92},
      {tfl::act::kReluN1To1, -48, -8},
  }));
  CAPTURE(int{activation});
  ConvCase c;
  c.int8 = true;
  c.in_w = 256;
  c.in_zp = -28;
  c.out_zp = -28;
  c.in_scale = c.out_scale = 0.05f;
  c.filter = {1};
  c.options.activation = activation;
  const std::vector<uint8_t> input = to_bytes(all_values<int8_t>());
  const std::vector<int32_t> out = run_conv(c, input, path);
  for (int q = -128; q < 128; ++q) {
    INFO("q = " << q);
    CHECK(out[static_cast<size_t>(q + 128)] == std::clamp(q, lo, hi));
  }
}

TEST_CASE("CONV_2D random geometries: within a quantum of the definition, identical on both paths", "[ops][conv_2d]") {
  const uint64_t seed = GENERATE(range(1, 41));
  CAPTURE(seed);
  Prng prng(seed);
  const ConvCase c = random_case(prng);
  CAPTURE(c.int8, c.batch, c.in_h, c.in_w, c.in_c, c.out_c, c.kernel_h, c.kernel_w, int{c.options.padding},
          c.options.stride_h, c.options.stride_w, c.options.dilation_h, c.options.dilation_w, c.filter_scales.size());
  std::vector<uint8_t> input(static_cast<size_t>(c.batch * c.in_h * c.in_w * c.in_c));
  for (auto& v : input) v = prng.byte();
  const std::vector<int32_t> reference = run_conv(c, input, KernelPath::kReference);
  const std::vector<int32_t> simd = run_conv(c, input, KernelPath::kSimd);
  CHECK(simd == reference);
  const int32_t lo = c.int8 ? -128 : 0, hi = c.int8 ? 127 : 255;
  const std::vector<int32_t> ideal = ideal_conv(c, input, lo, hi);
  REQUIRE(ideal.size() == reference.size());
  int max_error = 0;
  for (size_t i = 0; i < ideal.size(); ++i) {
    // The fused activation only narrows the range: clamp the ideal value too.
    const int32_t relu_lo = c.options.activation == tfl::act::kNone ? lo : std::max(lo, c.out_zp);
    int32_t expected = std::max(ideal[i], relu_lo);
    if (c.options.activation == tfl::act::kRelu6) {
      expected = std::min(expected, std::min(hi, c.out_zp + static_cast<int32_t>(std::round(6.0f / c.out_scale))));
    }
    max_error = std::max(max_error, std::abs(reference[i] - expected));
  }
  CHECK(max_error <= 1);
}

TEST_CASE("CONV_2D rejects nodes it cannot run", "[ops][conv_2d]") {
  ConvCase c;
  c.in_h = c.in_w = 4;
  c.in_c = 2;
  c.out_c = 3;
  c.kernel_h = c.kernel_w = 2;
  c.filter.assign(3 * 2 * 2 * 2, 1);
  SECTION("a filter whose depth is not the input's (grouped convolution)") {
    ModelBuilder m;
    const int x = m.tensor("input", tfl::kUInt8, {1, 4, 4, 4}, per_tensor(1.0f, 0));
    const int w = m.constant("filter", tfl::kUInt8, {3, 2, 2, 2}, std::vector<uint8_t>(24, 1), per_tensor(1.0f, 0));
    const int y = m.tensor("output", tfl::kUInt8, {1, 3, 3, 3}, per_tensor(1.0f, 0));
    add_single_op(m, tfl::op::kConv2D, {x, w}, y, c.options);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("grouped"));
  }
  SECTION("a filter computed at run time") {
    ModelBuilder m;
    const int x = m.tensor("input", tfl::kUInt8, {1, 4, 4, 2}, per_tensor(1.0f, 0));
    const int w = m.tensor("filter", tfl::kUInt8, {3, 2, 2, 2}, per_tensor(1.0f, 0));
    const int y = m.tensor("output", tfl::kUInt8, {1, 3, 3, 3}, per_tensor(1.0f, 0));
    add_single_op(m, tfl::op::kConv2D, {x, w}, y, c.options);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("'filter'") && ContainsSubstring("constant"));
  }
  SECTION("a declared output shape that is not the computed one") {
    ModelBuilder m = conv_model(c);
    m.tensors().back().shape = {1, 4, 4, 3};
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("1x4x4x3") && ContainsSubstring("1x3x3x3"));
  }
  SECTION("a zero stride") {
    ModelBuilder m = conv_model(c);
    std::get<Conv2DOptions>(m.operators().back().options).stride_w = 0;
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("strides"));
  }
  SECTION("a dilation whose filter extent would overflow int") {
    ModelBuilder m = conv_model(c);
    std::get<Conv2DOptions>(m.operators().back().options).dilation_h = (1 << 30) + 1;
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("dilated filter size 1073741826"));
  }
  SECTION("a stride near INT_MAX") {
    ModelBuilder m = conv_model(c);
    std::get<Conv2DOptions>(m.operators().back().options).stride_w = 0x7FFFFFFF;
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("stride 2147483647"));
  }
  SECTION("a VALID filter larger than the input") {
    c.options.dilation_h = 4;
    ModelBuilder m = conv_model(c);
    m.tensors().back().shape = {1, 1, 3, 3};
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("larger than"));
  }
  SECTION("a filter zero point outside the element type's range") {
    c.filter_zp = 256;
    const Status s = load_error(conv_model(c));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("'filter'") && ContainsSubstring("zero point 256"));
  }
  SECTION("per-channel scales on uint8") {
    c.filter_scales = {1.0f, 0.5f, 0.25f};
    const Status s = load_error(conv_model(c));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("per-channel"));
  }
  SECTION("per-channel scales that do not match the output channels") {
    c.int8 = true;
    c.filter_scales = {1.0f, 0.5f};
    const Status s = load_error(conv_model(c));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("2 scales"));
  }
  SECTION("a bias of the wrong length") {
    ModelBuilder m = conv_model(c);
    const int bias = m.constant_of<int32_t>("bias", tfl::kInt32, {2}, {1, 2});
    m.operators().back().inputs.push_back(bias);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("'bias'") && ContainsSubstring("2 values"));
  }
  SECTION("a bias that overflows the 32-bit accumulator") {
    // A mutated file: 2147480694 plus a few products wrapped around int32.
    c.bias = {1, 2147480694, 3};
    const Status s = load_error(conv_model(c));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("output channel 1") &&
                                ContainsSubstring("overflow the 32-bit accumulator"));
  }
  SECTION("a multiplier so large the shifted accumulator leaves int32") {
    c.filter_scales = {1e12f};
    c.bias = {100000, 0, 0};
    const Status s = load_error(conv_model(c));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("output channel 0"));
  }
  SECTION("an int8 bias") {
    ModelBuilder m = conv_model(c);
    const int bias = m.constant_of<int8_t>("bias", tfl::kInt8, {3}, {1, 2, 3}, per_tensor(1.0f, 0));
    m.operators().back().inputs.push_back(bias);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("'bias'") && ContainsSubstring("int8"));
  }
  SECTION("a filter of another element type") {
    ModelBuilder m = conv_model(c);
    m.tensors()[1].type = tfl::kInt8;
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("CONV_2D") && ContainsSubstring("'filter'") && ContainsSubstring("int8"));
  }
}
