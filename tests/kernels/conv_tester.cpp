#include "kernels/conv_tester.hpp"

#include <catch_amalgamated.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include "kernels/dispatch.hpp"
#include "kernels/reference/conv_2d.hpp"
#include "kernels/reference/depthwise_conv_2d.hpp"

namespace mnw::test {
namespace {

struct Extent {
  int out = 0, pad_before = 0;
};

Extent extent(int in, int kernel, int stride, int dilation, int explicit_pad, bool same, bool valid) {
  const int effective = (kernel - 1) * dilation + 1;
  if (valid) return {(in - effective) / stride + 1, 0};
  if (!same) return {(in + 2 * explicit_pad - effective) / stride + 1, explicit_pad};
  const int out = (in + stride - 1) / stride;
  return {out, std::max((out - 1) * stride + effective - in, 0) / 2};
}

template <class T>
void run_and_compare(const ConvDesc& d, ConvOp op, Prng& rng) {
  const ConvGeometry& g = d.geometry;
  std::vector<T> input(static_cast<size_t>(g.batch) * g.in_h * g.in_w * g.in_c);
  for (T& x : input) x = static_cast<T>(rng.byte());
  const size_t out_size = static_cast<size_t>(g.batch) * g.out_h * g.out_w * g.out_c;
  std::vector<T> expected(out_size), actual(out_size);

  const auto kernel = op == ConvOp::kConv2D ? make_conv2d_kernel(KernelPath::kSimd, d)
                                            : make_depthwise_conv2d_kernel(KernelPath::kSimd, d);
  if (op == ConvOp::kConv2D) {
    reference::conv_2d(d, input.data(), expected.data());
  } else {
    reference::depthwise_conv_2d(d, input.data(), expected.data());
  }
  kernel->run(input.data(), actual.data());

  INFO("kernel: " << kernel->name());
  REQUIRE(std::string(kernel->name()).rfind("simd", 0) == 0);
  const auto compare = [&] {
    const auto mismatch = std::mismatch(expected.begin(), expected.end(), actual.begin());
    if (mismatch.first != expected.end()) {
      const size_t i = static_cast<size_t>(mismatch.first - expected.begin());
      const size_t c = i % g.out_c, x = i / g.out_c % g.out_w, y = i / g.out_c / g.out_w % g.out_h;
      FAIL("first difference at (y " << y << ", x " << x << ", c " << c << "): reference "
                                     << int{*mismatch.first} << ", simd " << int{*mismatch.second});
    }
  };
  compare();

  // The same output computed in three ranges of work units, as three threads
  // would: each with its own scratch, last range first.
  ConvDesc split_desc = d;
  split_desc.threads = 3;
  const auto split = op == ConvOp::kConv2D ? make_conv2d_kernel(KernelPath::kSimd, split_desc)
                                           : make_depthwise_conv2d_kernel(KernelPath::kSimd, split_desc);
  const size_t units = split->work_units();
  REQUIRE(units == kernel->work_units());
  size_t cut1 = static_cast<size_t>(rng.between(0, static_cast<int64_t>(units)));
  size_t cut2 = static_cast<size_t>(rng.between(0, static_cast<int64_t>(units)));
  if (cut1 > cut2) std::swap(cut1, cut2);
  std::fill(actual.begin(), actual.end(), T{});
  split->run_units(input.data(), actual.data(), cut2, units, 2);
  split->run_units(input.data(), actual.data(), cut1, cut2, 1);
  split->run_units(input.data(), actual.data(), 0, cut1, 0);
  INFO("work units " << units << " split at " << cut1 << " and " << cut2);
  compare();
}

}  // namespace

ConvDesc ConvTester::make_desc(Prng& rng) const {
  const bool u8 = dtype_ == DType::kUInt8;
  const int32_t lowest = u8 ? 0 : -128, highest = u8 ? 255 : 127;
  const auto draw = [&](int64_t lo, int64_t hi) { return static_cast<int32_t>(rng.between(lo, hi)); };

  ConvDesc d;
  d.dtype = dtype_;
  ConvGeometry& g = d.geometry;
  g.batch = batch_;
  g.in_h = in_h_;
  g.in_w = in_w_;
  g.in_c = in_c_;
  g.out_c = op_ == ConvOp::kDepthwise ? in_c_ : out_c_;
  g.kernel_h = kernel_h_;
  g.kernel_w = kernel_w_;
  g.stride_h = stride_h_;
  g.stride_w = stride_w_;
  g.dilation_h = g.dilation_w = dilation_;
  const bool same = padding_ == Padding::kSame, valid = padding_ == Padding::kValid;
  const Extent h = extent(in_h_, kernel_h_, stride_h_, dilation_, pad_top_, same, valid);
  const Extent w = extent(in_w_, kernel_w_, stride_w_, dilation_, pad_left_, same, valid);
  g.out_h = h.out;
  g.out_w = w.out;
  g.pad_top = h.pad_before;
  g.pad_left = w.pad_before;
  REQUIRE(g.out_h >= 1);
  REQUIRE(g.out_w >= 1);

  d.input_zero_point = input_zero_point_ ? *input_zero_point_ : draw(lowest, highest);
  d.output_zero_point = output_zero_point_ ? *output_zero_point_ : draw(lowest, highest);
  d.activation_min = min_ ? *min_ : lowest;
  d.activation_max = max_ ? *max_ : highest;
  d.rounding = rounding_                  ? *rounding_
               : op_ == ConvOp::kDepthwise || u8 ? Rounding::kDouble
                                                 : Rounding::kSingle;

  const size_t taps = static_cast<size_t>(kernel_h_) * kernel_w_;
  const size_t channels = static_cast<size_t>(g.out_c);
  d.filter.resize(op_ == ConvOp::kDepthwise ? taps * channels : channels * taps * static_cast<size_t>(in_c_));
  // uint8 filters have a zero point in [0, 255], int8 ones are symmetric.
  const int32_t filter_zero_point = u8 ? draw(0, 255) : 0;
  const int32_t filter_lo = u8 ? -filter_zero_point : -127, filter_hi = u8 ? 255 - filter_zero_point : 127;
  for (size_t i = 0; i < d.filter.size(); ++i) {
    const size_t c = op_ == ConvOp::kDepthwise ? i % channels : i / (d.filter.size() / channels);
    const int32_t v = extreme_filter_ ? (c % 2 == 0 ? (u8 ? 255 : 127) : (u8 ? -255 : -127)) : draw(filter_lo, filter_hi);
    d.filter[i] = static_cast<int16_t>(v);
  }
  const int32_t shared_mantissa = draw(int64_t{1} << 30, (int64_t{1} << 31) - 1);
  const int32_t shared_exponent = draw(exponent_lo_, exponent_hi_);
  for (size_t c = 0; c < channels; ++c) {
    d.bias.push_back(draw(-50000, 50000));
    d.multiplier.push_back(per_channel_ ? draw(int64_t{1} << 30, (int64_t{1} << 31) - 1) : shared_mantissa);
    d.exponent.push_back(per_channel_ ? draw(exponent_lo_, exponent_hi_) : shared_exponent);
  }

  return d;
}

std::string ConvTester::simd_kernel_name() const {
  Prng rng(seed_);
  ConvDesc d = make_desc(rng);
  return (op_ == ConvOp::kConv2D ? make_conv2d_kernel(KernelPath::kSimd, std::move(d))
                                 : make_depthwise_conv2d_kernel(KernelPath::kSimd, std::move(d)))
      ->name();
}

void ConvTester::test() const {
  if (default_kernel_path() != KernelPath::kSimd) SKIP("this build has no SIMD kernels");
  Prng rng(seed_);
  const ConvDesc d = make_desc(rng);
  const ConvGeometry& g = d.geometry;
  const bool u8 = dtype_ == DType::kUInt8;
  CAPTURE(seed_, g.batch, g.in_h, g.in_w, g.in_c, g.out_h, g.out_w, g.out_c, g.kernel_h, g.kernel_w, g.stride_h,
          g.stride_w, g.dilation_h, g.pad_top, g.pad_left, d.input_zero_point, d.output_zero_point,
          d.activation_min, d.activation_max, exponent_lo_, exponent_hi_, u8,
          d.rounding == Rounding::kSingle);
  if (u8) {
    run_and_compare<uint8_t>(d, op_, rng);
  } else {
    run_and_compare<int8_t>(d, op_, rng);
  }
}

}  // namespace mnw::test
