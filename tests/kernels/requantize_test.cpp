// The SIMD requantization against the reference arithmetic of
// core/fixed_point.hpp, on edge and random accumulators, every exponent.
#include <catch_amalgamated.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/reference/requantize.hpp"
#include "kernels/simd/requantize.hpp"
#include "support/prng.hpp"

#if !defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)

namespace {

using mnw::ConvDesc;
using mnw::Rounding;
using mnw::simd::Epilogue;
using mnw::simd::I32;
using mnw::simd::kLanes;

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

I32 requantize(const mnw::simd::Requantizer& rq, I32 acc, size_t c) {
  const mnw::simd::RequantView view = rq.view();
  switch (rq.epilogue()) {
    case Epilogue::kDoubleRounding: return mnw::simd::requantize<Epilogue::kDoubleRounding>(view, acc, c);
    case Epilogue::kSingleRounding: return mnw::simd::requantize<Epilogue::kSingleRounding>(view, acc, c);
    case Epilogue::kScalar: return mnw::simd::requantize<Epilogue::kScalar>(view, acc, c);
  }
  return acc;
}

// Powers of two, their neighbours and midpoints, both signs, the extremes:
// where the products and shifts round or overflow.
std::vector<int32_t> edge_accumulators() {
  std::vector<int32_t> v{0, 1, -1, kMin, kMin + 1, kMax, kMax - 1};
  for (int k = 1; k < 31; ++k) {
    const int64_t p = int64_t{1} << k;
    for (const int64_t x : {p, p - 1, p + 1, p + p / 2, p + p / 2 - 1, p + p / 2 + 1}) {
      v.push_back(static_cast<int32_t>(x));
      v.push_back(static_cast<int32_t>(-x));
    }
  }
  return v;
}

// Requires the SIMD result for every accumulator and channel of `d` to equal
// reference::requantize; `expected` is the epilogue the constants must select.
void check(const ConvDesc& d, Epilogue expected, mnw::test::Prng& rng) {
  const mnw::simd::Requantizer rq(d, d.multiplier.size());
  REQUIRE(rq.epilogue() == expected);
  std::vector<int32_t> accumulators = edge_accumulators();
  for (int i = 0; i < 4096; ++i) accumulators.push_back(static_cast<int32_t>(rng.next()));
  // A sweep over the whole int32 range.
  for (int64_t x = kMin; x <= kMax; x += (int64_t{1} << 32) / 4096 + 7) accumulators.push_back(static_cast<int32_t>(x));

  alignas(64) int32_t lanes[kLanes], out[kLanes];
  for (size_t c = 0; c < d.multiplier.size(); c += kLanes) {
    for (size_t first = 0; first < accumulators.size(); first += kLanes) {
      for (size_t i = 0; i < kLanes; ++i) lanes[i] = accumulators[(first + i) % accumulators.size()];
      requantize(rq, I32::load_aligned(lanes), c).store_aligned(out);
      for (size_t i = 0; i < kLanes; ++i) {
        const int32_t want = mnw::reference::requantize(d, lanes[i], static_cast<int>(c + i));
        if (out[i] != want) {
          FAIL("accumulator " << lanes[i] << ", multiplier " << d.multiplier[c + i] << ", exponent "
                              << d.exponent[c + i] << ": reference " << want << ", simd " << out[i]);
        }
      }
    }
  }
}

ConvDesc unclamped_desc(Rounding rounding, size_t channels) {
  ConvDesc d;
  d.rounding = rounding;
  d.output_zero_point = 0;
  d.activation_min = kMin;
  d.activation_max = kMax;
  d.multiplier.resize(channels);
  d.exponent.resize(channels);
  return d;
}

}  // namespace

TEST_CASE("simd requantize: every exponent, edge and random accumulators", "[kernels]") {
  for (const Rounding rounding : {Rounding::kDouble, Rounding::kSingle}) {
    CAPTURE(rounding == Rounding::kSingle);
    mnw::test::Prng rng(7);
    for (int e = -31; e <= 4; ++e) {
      CAPTURE(e);
      // Mantissa extremes (2^30 makes every odd product a tie), zero, random.
      ConvDesc d = unclamped_desc(rounding, 2 * kLanes);
      for (size_t c = 0; c < d.multiplier.size(); ++c) {
        d.multiplier[c] = std::array<int32_t, 4>{1 << 30, kMax, 0, static_cast<int32_t>(rng.between(1 << 30, kMax))}[c % 4];
        d.exponent[c] = e;
      }
      const bool vector = e <= 0 && e >= -30;
      check(d, !vector                          ? Epilogue::kScalar
               : rounding == Rounding::kDouble ? Epilogue::kDoubleRounding
                                               : Epilogue::kSingleRounding,
            rng);
    }
  }
}

TEST_CASE("simd requantize: per-channel exponents mixed in one vector", "[kernels]") {
  mnw::test::Prng rng(11);
  for (const Rounding rounding : {Rounding::kDouble, Rounding::kSingle}) {
    ConvDesc d = unclamped_desc(rounding, 4 * kLanes);
    for (size_t c = 0; c < d.multiplier.size(); ++c) {
      d.multiplier[c] = static_cast<int32_t>(rng.between(1 << 30, kMax));
      d.exponent[c] = static_cast<int32_t>(rng.between(-30, 0));
    }
    d.exponent[0] = 0;
    d.exponent[1] = -1;
    check(d, rounding == Rounding::kDouble ? Epilogue::kDoubleRounding : Epilogue::kSingleRounding, rng);
  }
}

TEST_CASE("simd requantize: output zero point and clamp", "[kernels]") {
  mnw::test::Prng rng(13);
  ConvDesc d = unclamped_desc(Rounding::kDouble, 2 * kLanes);
  for (size_t c = 0; c < d.multiplier.size(); ++c) {
    d.multiplier[c] = static_cast<int32_t>(rng.between(1 << 30, kMax));
    d.exponent[c] = static_cast<int32_t>(rng.between(-20, -8));
  }
  d.output_zero_point = 3;
  d.activation_min = 0;
  d.activation_max = 170;
  check(d, Epilogue::kDoubleRounding, rng);
}

#endif
