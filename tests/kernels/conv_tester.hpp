// Chainable tester for the convolution kernels: builds a random ConvDesc and
// input from a seed, runs the SIMD kernel from kernels/dispatch and the
// reference, and requires identical bytes. One line per case, e.g.
//   ConvTester().in(7, 9, 13).out_c(5).kernel(3, 3).stride(2).pad(1, 1).dtype(DType::kInt8).test();
// Unset zero points are random; geometry is SAME unless valid() or pad().
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kernels/conv2d.hpp"
#include "support/prng.hpp"

namespace mnw::test {

enum class ConvOp { kConv2D, kDepthwise };

class ConvTester {
 public:
  explicit ConvTester(ConvOp op = ConvOp::kConv2D) : op_(op) {}

  ConvTester& batch(int n) { batch_ = n; return *this; }
  ConvTester& in(int h, int w, int c) { in_h_ = h; in_w_ = w; in_c_ = c; return *this; }
  ConvTester& out_c(int c) { out_c_ = c; return *this; }
  ConvTester& kernel(int h, int w) { kernel_h_ = h; kernel_w_ = w; return *this; }
  ConvTester& stride(int s) { return stride(s, s); }
  ConvTester& stride(int h, int w) { stride_h_ = h; stride_w_ = w; return *this; }
  ConvTester& dilation(int d) { dilation_ = d; return *this; }
  // TFLite's VALID padding: no padding, the output shrinks.
  ConvTester& valid() { padding_ = Padding::kValid; return *this; }
  // Explicit leading padding, as much again trailing.
  ConvTester& pad(int top, int left) { padding_ = Padding::kExplicit; pad_top_ = top; pad_left_ = left; return *this; }
  ConvTester& dtype(DType t) { dtype_ = t; return *this; }
  ConvTester& input_zero_point(int32_t zp) { input_zero_point_ = zp; return *this; }
  ConvTester& output_zero_point(int32_t zp) { output_zero_point_ = zp; return *this; }
  ConvTester& clamp(int32_t min, int32_t max) { min_ = min; max_ = max; return *this; }
  // Exponents drawn per channel from [lo, hi]; mantissas always random Q31.
  ConvTester& exponents(int lo, int hi) { exponent_lo_ = lo; exponent_hi_ = hi; return *this; }
  ConvTester& per_channel(bool on) { per_channel_ = on; return *this; }
  ConvTester& rounding(Rounding r) { rounding_ = r; return *this; }
  // Every filter value at one end of its range, for the largest accumulators.
  ConvTester& extreme_filter() { extreme_filter_ = true; return *this; }
  ConvTester& seed(uint64_t s) { seed_ = s; return *this; }

  void test() const;
  // The name of the kernel dispatch picks on the SIMD path, without running it.
  std::string simd_kernel_name() const;

 private:
  ConvDesc make_desc(Prng& rng) const;

  enum class Padding { kSame, kValid, kExplicit };

  ConvOp op_;
  int batch_ = 1, in_h_ = 5, in_w_ = 5, in_c_ = 8, out_c_ = 8;
  int kernel_h_ = 1, kernel_w_ = 1, stride_h_ = 1, stride_w_ = 1, dilation_ = 1;
  Padding padding_ = Padding::kSame;
  int pad_top_ = 0, pad_left_ = 0;
  DType dtype_ = DType::kUInt8;
  std::optional<int32_t> input_zero_point_, output_zero_point_, min_, max_;
  int exponent_lo_ = -12, exponent_hi_ = -6;
  bool per_channel_ = true;
  std::optional<Rounding> rounding_;
  bool extreme_filter_ = false;
  uint64_t seed_ = 1;
};

}  // namespace mnw::test
