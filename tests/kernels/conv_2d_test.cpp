// SIMD CONV_2D / FULLY_CONNECTED kernel against the reference, byte for byte.
#include <catch_amalgamated.hpp>

#include <algorithm>
#include <array>

#include "kernels/conv_tester.hpp"
#include "kernels/dispatch.hpp"
#include "support/prng.hpp"

using mnw::DType;
using mnw::Rounding;
using mnw::test::ConvTester;

namespace {
constexpr DType kU8 = DType::kUInt8;
constexpr DType kI8 = DType::kInt8;
}  // namespace

TEST_CASE("simd conv_2d: pointwise, odd and typical channel counts", "[kernels]") {
  for (const DType t : {kU8, kI8}) {
    for (const int in_c : {1, 2, 3, 7, 13, 16, 24, 32, 96, 127, 144}) {
      for (const int out_c : {1, 3, 5, 13, 16, 24, 127}) {
        ConvTester().in(3, 5, in_c).out_c(out_c).dtype(t).seed(static_cast<uint64_t>(in_c * 1000 + out_c)).test();
      }
    }
  }
}

TEST_CASE("simd conv_2d: row counts around the 4-row tile", "[kernels]") {
  for (const int w : {1, 2, 3, 4, 5, 6, 7, 8, 9}) {
    ConvTester().in(1, w, 24).out_c(40).seed(static_cast<uint64_t>(w)).test();
    ConvTester().in(1, w, 17).out_c(9).dtype(kI8).seed(static_cast<uint64_t>(w)).test();
  }
}

TEST_CASE("simd conv_2d: several packed blocks of rows", "[kernels]") {
  ConvTester().in(5, 5, 1000).out_c(20).seed(1).test();
  ConvTester().in(21, 19, 64).out_c(24).seed(2).test();
  ConvTester().in(20, 20, 27).out_c(8).dtype(kI8).seed(3).test();
}

TEST_CASE("simd conv_2d: fully connected, batch rows", "[kernels]") {
  for (const int rows : {1, 2, 3, 5}) {
    ConvTester().batch(rows).in(1, 1, 1280).out_c(1001).per_channel(false).seed(static_cast<uint64_t>(rows)).test();
    ConvTester().batch(rows).in(1, 1, 37).out_c(11).dtype(kI8).seed(static_cast<uint64_t>(rows)).test();
  }
  ConvTester().batch(3).in(4, 3, 16).out_c(24).seed(9).test();
}

TEST_CASE("simd conv_2d: one output pixel (byte weights), depths and channel tails", "[kernels]") {
  uint64_t seed = 100;
  for (const DType t : {kU8, kI8}) {
    for (const int in_c : {1, 2, 7, 16, 33, 240, 1024}) {
      for (const int out_c : {1, 5, 8, 9, 16, 17, 120, 1001}) {
        ConvTester().in(1, 1, in_c).out_c(out_c).dtype(t).seed(++seed).test();
        ConvTester().in(1, 1, in_c).out_c(out_c).dtype(t).per_channel(false).seed(++seed).test();
      }
    }
  }
}

TEST_CASE("simd conv_2d: stem 3x3 stride 2, every padding edge", "[kernels]") {
  uint64_t seed = 0;
  for (const DType t : {kU8, kI8}) {
    for (const int size : {7, 8, 9, 10}) {
      ConvTester().in(size, size + 1, 3).out_c(32).kernel(3, 3).stride(2).dtype(t).seed(++seed).test();
      ConvTester().in(size, size, 3).out_c(16).kernel(3, 3).stride(2).valid().dtype(t).seed(++seed).test();
      for (const int top : {0, 1, 2}) {
        for (const int left : {0, 1, 2}) {
          ConvTester().in(size, size, 3).out_c(8).kernel(3, 3).stride(2).pad(top, left).dtype(t).seed(++seed).test();
        }
      }
    }
  }
}

TEST_CASE("simd conv_2d: other kernels, strides and dilations", "[kernels]") {
  ConvTester().in(9, 8, 5).out_c(7).kernel(3, 3).seed(1).test();
  ConvTester().in(9, 8, 5).out_c(7).kernel(5, 5).seed(2).test();
  ConvTester().in(9, 8, 5).out_c(7).kernel(5, 5).stride(2).dtype(kI8).seed(3).test();
  ConvTester().in(9, 8, 6).out_c(9).kernel(2, 2).stride(2).valid().seed(4).test();
  ConvTester().in(9, 8, 4).out_c(9).kernel(1, 3).stride(1, 2).seed(5).test();
  ConvTester().in(9, 11, 4).out_c(9).kernel(3, 3).dilation(2).seed(6).test();
  ConvTester().in(9, 11, 5).out_c(9).kernel(3, 3).dilation(2).dtype(kI8).seed(10).test();  // odd runs of taps
  ConvTester().in(6, 6, 16).out_c(3).stride(2).seed(7).test();  // 1x1 stride 2: read in place, not packed
  ConvTester().in(6, 6, 16).out_c(3).pad(1, 1).dtype(kI8).seed(8).test();
  ConvTester().in(7, 9, 13).out_c(5).kernel(3, 3).stride(2).pad(1, 1).dtype(kI8).seed(9).test();
}

TEST_CASE("simd conv_2d: extreme zero points and clamps", "[kernels]") {
  for (const int zp : {0, 255}) {
    ConvTester().in(4, 5, 19).out_c(13).input_zero_point(zp).output_zero_point(255 - zp).seed(1).test();
    ConvTester().in(7, 7, 3).out_c(13).kernel(3, 3).stride(2).input_zero_point(zp).output_zero_point(zp).seed(2).test();
  }
  for (const int zp : {-128, 127}) {
    ConvTester().in(4, 5, 19).out_c(13).dtype(kI8).input_zero_point(zp).output_zero_point(-1 - zp).seed(3).test();
    ConvTester().in(7, 7, 3).out_c(13).kernel(3, 3).stride(2).dtype(kI8).input_zero_point(zp).seed(4).test();
  }
  ConvTester().in(5, 5, 24).out_c(16).output_zero_point(0).clamp(0, 170).seed(5).test();     // relu6-like
  ConvTester().in(5, 5, 24).out_c(16).output_zero_point(100).clamp(98, 103).seed(6).test();  // narrow
  ConvTester().in(5, 5, 24).out_c(16).dtype(kI8).output_zero_point(-128).clamp(-128, 0).seed(7).test();
  ConvTester().in(5, 5, 24).out_c(16).dtype(kI8).clamp(-3, -2).seed(8).test();
}

TEST_CASE("simd conv_2d: multiplier exponents, roundings, large accumulators", "[kernels]") {
  uint64_t seed = 0;
  for (const Rounding r : {Rounding::kDouble, Rounding::kSingle}) {
    for (const DType t : {kU8, kI8}) {
      for (int e = -20; e <= 4; ++e) {
        ConvTester().in(3, 4, 21).out_c(11).dtype(t).rounding(r).exponents(e, e).seed(++seed).test();
      }
      ConvTester().in(3, 4, 21).out_c(11).dtype(t).rounding(r).exponents(-30, 0).seed(++seed).test();
      ConvTester().in(3, 4, 21).out_c(11).dtype(t).rounding(r).exponents(-31, 4).seed(++seed).test();
      ConvTester().in(3, 4, 21).out_c(11).dtype(t).rounding(r).exponents(-14, -2).per_channel(false).seed(++seed).test();
      // Every filter value at the end of its range: accumulators near +-2^27.
      ConvTester().in(4, 4, 1500).out_c(6).dtype(t).rounding(r).extreme_filter().exponents(-25, -18).seed(++seed).test();
    }
  }
}

TEST_CASE("simd conv_2d: random shapes", "[kernels]") {
  mnw::test::Prng shapes(20261123);
  for (int i = 0; i < 150; ++i) {
    const auto pick = [&](int lo, int hi) { return static_cast<int>(shapes.between(lo, hi)); };
    const int kernel = std::array{1, 1, 2, 3, 3, 5}[static_cast<size_t>(pick(0, 5))];
    const int h = pick(1, 11), w = pick(1, 11);
    ConvTester tester;
    tester.batch(pick(1, 2)).in(h, w, pick(1, 40)).out_c(pick(1, 40)).kernel(kernel, kernel);
    tester.stride(pick(1, 3), pick(1, 3)).dtype(pick(0, 1) ? kU8 : kI8).exponents(pick(-24, -8), pick(-7, 0));
    if (pick(0, 3) == 0 && kernel <= std::min(h, w)) {
      tester.pad(pick(0, kernel - 1), pick(0, kernel - 1));
    } else if (pick(0, 4) == 0) {
      tester.dilation(2);
    }
    tester.seed(static_cast<uint64_t>(i)).test();
  }
}

TEST_CASE("simd conv_2d: dispatch picks the SIMD kernel for MobileNet shapes", "[kernels]") {
  if (mnw::default_kernel_path() != mnw::KernelPath::kSimd) SKIP("this build has no SIMD kernels");
  const auto is_simd = [](const ConvTester& t) { return t.simd_kernel_name().rfind("simd", 0) == 0; };
  CHECK(is_simd(ConvTester().in(224, 224, 3).out_c(32).kernel(3, 3).stride(2)));            // V2 stem
  CHECK(is_simd(ConvTester().in(128, 128, 3).out_c(8).kernel(3, 3).stride(2)));             // V1 0.25 stem
  CHECK(is_simd(ConvTester().in(224, 224, 3).out_c(16).kernel(3, 3).stride(2).dtype(kI8)));  // V3 stem
  CHECK(is_simd(ConvTester().in(112, 112, 32).out_c(16)));                                  // V2 project
  CHECK(is_simd(ConvTester().in(56, 56, 24).out_c(144)));                                   // V2 expand
  CHECK(is_simd(ConvTester().in(28, 28, 192).out_c(32).dtype(kI8)));
  CHECK(is_simd(ConvTester().in(7, 7, 960).out_c(320)));
  CHECK(is_simd(ConvTester().in(7, 7, 320).out_c(1280)));
  CHECK(is_simd(ConvTester().in(1, 1, 1280).out_c(1001)));                                   // logits / FC
}
