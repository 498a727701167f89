// SIMD DEPTHWISE_CONV_2D kernel against the reference, byte for byte.
#include <catch_amalgamated.hpp>

#include <algorithm>
#include <array>

#include "kernels/conv_tester.hpp"
#include "kernels/dispatch.hpp"
#include "support/prng.hpp"

using mnw::DType;
using mnw::Rounding;
using mnw::test::ConvOp;
using mnw::test::ConvTester;

namespace {
constexpr DType kU8 = DType::kUInt8;
constexpr DType kI8 = DType::kInt8;
ConvTester dw() { return ConvTester(ConvOp::kDepthwise); }
}  // namespace

TEST_CASE("simd depthwise_conv_2d: channel counts, 3x3 and 5x5, stride 1 and 2", "[kernels]") {
  uint64_t seed = 0;
  for (const DType t : {kU8, kI8}) {
    for (const int c : {1, 3, 8, 13, 16, 24, 32, 96, 127, 144}) {
      for (const int k : {3, 5}) {
        for (const int s : {1, 2}) {
          dw().in(7, 6, c).kernel(k, k).stride(s).dtype(t).seed(++seed).test();
        }
      }
    }
  }
}

TEST_CASE("simd depthwise_conv_2d: every padding edge, odd and even sizes", "[kernels]") {
  uint64_t seed = 100;
  for (const int size : {1, 2, 5, 6, 7, 8}) {
    for (const int s : {1, 2}) {
      dw().in(size, size + 1, 13).kernel(3, 3).stride(s).seed(++seed).test();
      dw().in(size + 1, size, 20).kernel(5, 5).stride(s).dtype(kI8).seed(++seed).test();
      if (size >= 5) dw().in(size, size, 16).kernel(3, 3).stride(s).valid().seed(++seed).test();
      for (const int top : {0, 1, 2}) {
        for (const int left : {0, 1, 2}) {
          if (size + 2 * top >= 3 && size + 2 * left >= 3) {
            dw().in(size, size, 11).kernel(3, 3).stride(s).pad(top, left).seed(++seed).test();
          }
        }
      }
    }
  }
}

// 3x3 and 5x5 at stride 1 and 2 run a row's inner pixels as windows: rows
// long and short, channels that do not fill the last vector, both epilogues.
TEST_CASE("simd depthwise_conv_2d: windows along rows of every length", "[kernels]") {
  uint64_t seed = 300;
  for (const DType t : {kU8, kI8}) {
    for (const int k : {3, 5}) {
      for (const int s : {1, 2}) {
        for (const int w : {1, 2, 6, 7, 19, 20}) {
          for (const int c : {5, 8, 24, 40}) {
            dw().in(k + 1, w, c).kernel(k, k).stride(s).dtype(t).per_channel(c != 8).seed(++seed).test();
          }
          dw().batch(2).in(w, w, 16).kernel(k, k).stride(s).dtype(t).seed(++seed).test();
          if (w >= k) dw().in(k + 2, w, 12).kernel(k, k).stride(s).dtype(t).pad(k - 1, k - 1).seed(++seed).test();
          if (w >= k) dw().in(k, w, 33).kernel(k, k).stride(s).dtype(t).valid().seed(++seed).test();
        }
      }
    }
  }
}

TEST_CASE("simd depthwise_conv_2d: other kernels, dilation, batch", "[kernels]") {
  dw().in(6, 7, 9).kernel(1, 1).seed(1).test();
  dw().in(6, 7, 9).kernel(2, 2).stride(2).valid().seed(2).test();
  dw().in(9, 9, 9).kernel(7, 7).seed(3).test();
  dw().in(6, 7, 9).kernel(1, 3).stride(2, 1).seed(4).test();
  dw().in(9, 10, 17).kernel(3, 3).dilation(2).seed(5).test();
  dw().batch(3).in(5, 4, 7).kernel(3, 3).seed(6).test();
  dw().batch(2).in(4, 4, 1).kernel(3, 3).stride(2).dtype(kI8).seed(7).test();
}

TEST_CASE("simd depthwise_conv_2d: extreme zero points and clamps", "[kernels]") {
  for (const int zp : {0, 255}) {
    dw().in(6, 6, 19).kernel(3, 3).input_zero_point(zp).output_zero_point(255 - zp).seed(1).test();
    dw().in(6, 6, 19).kernel(5, 5).stride(2).input_zero_point(zp).output_zero_point(zp).seed(2).test();
  }
  for (const int zp : {-128, 127}) {
    dw().in(6, 6, 19).kernel(3, 3).dtype(kI8).input_zero_point(zp).output_zero_point(-1 - zp).seed(3).test();
    dw().in(6, 6, 19).kernel(5, 5).stride(2).dtype(kI8).input_zero_point(zp).seed(4).test();
  }
  dw().in(6, 6, 24).kernel(3, 3).output_zero_point(0).clamp(0, 170).seed(5).test();
  dw().in(6, 6, 24).kernel(3, 3).output_zero_point(100).clamp(98, 103).seed(6).test();
  dw().in(6, 6, 24).kernel(3, 3).dtype(kI8).output_zero_point(-128).clamp(-128, 0).seed(7).test();
}

TEST_CASE("simd depthwise_conv_2d: multiplier exponents, roundings, large accumulators", "[kernels]") {
  uint64_t seed = 0;
  for (const Rounding r : {Rounding::kDouble, Rounding::kSingle}) {
    for (const DType t : {kU8, kI8}) {
      for (int e = -20; e <= 4; ++e) {
        dw().in(4, 5, 21).kernel(3, 3).dtype(t).rounding(r).exponents(e - 2, e).seed(++seed).test();
      }
      dw().in(4, 5, 21).kernel(3, 3).dtype(t).rounding(r).exponents(-30, 0).seed(++seed).test();
      dw().in(4, 5, 21).kernel(3, 3).dtype(t).rounding(r).exponents(-31, 4).seed(++seed).test();
      dw().in(4, 5, 21).kernel(3, 3).dtype(t).rounding(r).per_channel(false).seed(++seed).test();
      dw().in(4, 5, 21).kernel(5, 5).dtype(t).rounding(r).extreme_filter().exponents(-12, -6).seed(++seed).test();
    }
  }
}

TEST_CASE("simd depthwise_conv_2d: random shapes", "[kernels]") {
  mnw::test::Prng shapes(20261124);
  for (int i = 0; i < 150; ++i) {
    const auto pick = [&](int lo, int hi) { return static_cast<int>(shapes.between(lo, hi)); };
    const int kernel = std::array{1, 2, 3, 3, 5, 5}[static_cast<size_t>(pick(0, 5))];
    const int h = pick(1, 12), w = pick(1, 12);
    const bool dilated = pick(1, 4) == 1;
    ConvTester tester = dw();
    tester.batch(pick(1, 2)).in(h, w, pick(1, 70)).kernel(kernel, kernel).dilation(dilated ? 2 : 1);
    tester.stride(pick(1, 2), pick(1, 2)).dtype(pick(0, 1) ? kU8 : kI8).exponents(pick(-16, -8), pick(-7, 0));
    if (pick(0, 3) == 0 && !dilated && kernel <= std::min(h, w)) tester.pad(pick(0, kernel - 1), pick(0, kernel - 1));
    tester.seed(static_cast<uint64_t>(i)).test();
  }
}

TEST_CASE("simd depthwise_conv_2d: dispatch picks the SIMD kernel for MobileNet shapes", "[kernels]") {
  if (mnw::default_kernel_path() != mnw::KernelPath::kSimd) SKIP("this build has no SIMD kernels");
  const auto is_simd = [](const ConvTester& t) { return t.simd_kernel_name().rfind("simd", 0) == 0; };
  CHECK(is_simd(dw().in(112, 112, 32).kernel(3, 3)));
  CHECK(is_simd(dw().in(112, 112, 96).kernel(3, 3).stride(2)));
  CHECK(is_simd(dw().in(56, 56, 144).kernel(3, 3).dtype(kI8)));
  CHECK(is_simd(dw().in(7, 7, 960).kernel(3, 3)));
  CHECK(is_simd(dw().in(28, 28, 72).kernel(5, 5).stride(2)));  // V3
  CHECK(is_simd(dw().in(14, 14, 576).kernel(5, 5)));
  CHECK(is_simd(dw().in(64, 64, 8).kernel(3, 3)));               // V1 0.25
}
