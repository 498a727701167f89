// The SIMD requantization against the reference arithmetic of
// core/fixed_point.hpp and reference::requantize: every exponent, edge and
// random accumulators over the whole int32 range, every epilogue.
#include <catch_amalgamated.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/reference/requantize.hpp"
#include "kernels/simd/requantize.hpp"
#include "support/prng.hpp"

#if MNW_SIMD_KERNELS

namespace {

using mnw::ConvDesc;
using mnw::Rounding;
using mnw::simd::Epilogue;
using mnw::simd::I32;
using mnw::simd::kLanes;

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

// noexcept: under Emscripten a call that may throw goes through a JS
// trampoline, which cannot pass vectors.
I32 scale(Epilogue e, const mnw::simd::RequantView& q, I32 acc, size_t c) noexcept {
  switch (e) {
    case Epilogue::kDoubleRounding: return mnw::simd::scale<Epilogue::kDoubleRounding>(q, acc, c);
    case Epilogue::kSingleRounding: return mnw::simd::scale<Epilogue::kSingleRounding>(q, acc, c);
    case Epilogue::kScalar: return mnw::simd::scale<Epilogue::kScalar>(q, acc, c);
    default: break;  // the per-tensor epilogues have no separate scale step
  }
  return acc;
}

// Powers of two, their neighbours and midpoints, both signs, the extremes
// (where products and shifts round or overflow), random values and a sweep
// over the whole int32 range.
std::vector<int32_t> accumulators(mnw::test::Prng& rng) {
  std::vector<int32_t> v{0, 1, -1, kMin, kMin + 1, kMax, kMax - 1};
  for (int k = 1; k < 31; ++k) {
    const int64_t p = int64_t{1} << k;
    for (const int64_t x : {p, p - 1, p + 1, p + p / 2, p + p / 2 - 1, p + p / 2 + 1}) {
      v.push_back(static_cast<int32_t>(x));
      v.push_back(static_cast<int32_t>(-x));
    }
  }
  for (int i = 0; i < 4096; ++i) v.push_back(static_cast<int32_t>(rng.next()));
  for (int64_t x = kMin; x <= kMax; x += (int64_t{1} << 32) / 4096 + 7) v.push_back(static_cast<int32_t>(x));
  return v;
}

// Calls check(lanes, c, out) for every vector of accumulators and channel block.
template <class Check>
void for_each_vector(const ConvDesc& d, const std::vector<int32_t>& values, Check check) {
  alignas(64) int32_t lanes[kLanes];
  for (size_t c = 0; c < d.multiplier.size(); c += kLanes) {
    for (size_t first = 0; first < values.size(); first += kLanes) {
      for (size_t i = 0; i < kLanes; ++i) lanes[i] = values[(first + i) % values.size()];
      check(lanes, c);
    }
  }
}

// scale() with epilogue `e` against the fixed-point multiply, lane by lane,
// on accumulators within the channels' bounds (when given). The scalar
// epilogue is exact; the per-channel one where the reference lies in
// [-2^8, 2^8], and on the same side beyond (where 8-bit outputs saturate).
// With weight peaks, the accumulators arrive times the weights' scale.
void check_scale(const ConvDesc& d, Epilogue e, mnw::test::Prng& rng, const std::vector<int64_t>& bounds = {},
                 const std::vector<int32_t>& peaks = {}) {
  const mnw::simd::Requantizer rq(d, d.multiplier.size(), bounds, peaks);
  alignas(64) int32_t scaled[kLanes];
  const mnw::simd::RequantView q = rq.view();
  alignas(64) int32_t bounded[kLanes], out[kLanes];
  for_each_vector(d, accumulators(rng), [&](const int32_t* lanes, size_t c) {
    for (size_t i = 0; i < kLanes; ++i) {
      const int64_t b = c + i < bounds.size() ? bounds[c + i] : kMax;
      bounded[i] = static_cast<int32_t>(std::clamp<int64_t>(lanes[i], -b, b));
    }
    for (size_t i = 0; i < kLanes; ++i) scaled[i] = bounded[i] * rq.weight_scale(c + i);
    scale(e, q, I32::load_aligned(scaled), c).store_aligned(out);
    for (size_t i = 0; i < kLanes; ++i) {
      const int32_t m = d.multiplier[c + i], x = d.exponent[c + i];
      const int32_t want = d.rounding == Rounding::kSingle ? mnw::multiply_by_quantized_multiplier_single_round(bounded[i], m, x)
                                                           : mnw::multiply_by_quantized_multiplier(bounded[i], m, x);
      const bool exact = e == Epilogue::kScalar || (want >= -256 && want <= 256);
      const bool same = exact ? out[i] == want : (want > 0 ? out[i] >= 256 : out[i] <= -256);
      if (!same) {
        FAIL("accumulator " << bounded[i] << ", multiplier " << m << ", exponent " << x << ", epilogue "
                            << static_cast<int>(e) << ": reference " << want << ", simd " << out[i]);
      }
    }
  });
}

ConvDesc desc_with(Rounding rounding, size_t channels) {
  ConvDesc d;
  d.rounding = rounding;
  d.multiplier.resize(channels);
  d.exponent.resize(channels);
  return d;
}

Epilogue per_channel(Rounding r) {
  return r == Rounding::kSingle ? Epilogue::kSingleRounding : Epilogue::kDoubleRounding;
}
// The per-tensor epilogue for shift s = -exponent.
Epilogue per_tensor(Rounding r, int s) {
  if (s <= mnw::simd::Requantizer::kMaxNarrowShift) {
    return r == Rounding::kSingle ? Epilogue::kSingleRoundingPerTensor : Epilogue::kDoubleRoundingPerTensor;
  }
  return r == Rounding::kSingle ? Epilogue::kSingleRoundingPreShifted : Epilogue::kDoubleRoundingPreShifted;
}
// The largest right shift the per-channel epilogue takes without accumulator
// bounds: x clamped to 2^(9+s) times 2^(S-s) must fit in int32, S = s (+2
// for the double rounding).
int widest_unbounded_shift(Rounding r) { return r == Rounding::kSingle ? 21 : 19; }

}  // namespace

TEST_CASE("simd requantize: every exponent, every epilogue, whole int32 range", "[kernels]") {
  for (const Rounding rounding : {Rounding::kDouble, Rounding::kSingle}) {
    CAPTURE(rounding == Rounding::kSingle);
    mnw::test::Prng rng(7);
    for (int e = -31; e <= 4; ++e) {
      CAPTURE(e);
      // Mantissa extremes (2^30 makes every odd product a tie), zero, random;
      // one per tensor, then all of them across the channels.
      const int32_t random = static_cast<int32_t>(rng.between(1 << 30, kMax));
      for (const int32_t mantissa : {1 << 30, kMax, 0, random, -1}) {
        ConvDesc d = desc_with(rounding, 2 * kLanes);
        for (size_t c = 0; c < d.multiplier.size(); ++c) {
          d.multiplier[c] = mantissa >= 0 ? mantissa : std::array<int32_t, 4>{1 << 30, kMax, 0, random}[c % 4];
          d.exponent[c] = e;
        }
        CAPTURE(mantissa);
        const Epilogue chosen = mnw::simd::Requantizer(d, d.multiplier.size()).epilogue();
        // Without accumulator bounds a left shift may wrap: scalar.
        const bool vector = e <= 0 && -e <= widest_unbounded_shift(rounding);
        if (e < 0 && e >= -30 && mantissa >= 0) {
          // Per tensor, the scaling is only defined up to the clamp: the
          // output test below covers it.
          CHECK(chosen == per_tensor(rounding, -e));
        } else {
          CHECK(chosen == (vector ? per_channel(rounding) : Epilogue::kScalar));
        }
        if (vector) check_scale(d, per_channel(rounding), rng);
        check_scale(d, Epilogue::kScalar, rng);
      }
    }
  }
}

TEST_CASE("simd requantize: per-channel exponents mixed in one vector", "[kernels]") {
  mnw::test::Prng rng(11);
  for (const Rounding rounding : {Rounding::kDouble, Rounding::kSingle}) {
    CAPTURE(rounding == Rounding::kSingle);
    ConvDesc d = desc_with(rounding, 4 * kLanes);
    for (size_t c = 0; c < d.multiplier.size(); ++c) {
      d.multiplier[c] = static_cast<int32_t>(rng.between(1 << 30, kMax));
      d.exponent[c] = static_cast<int32_t>(rng.between(-widest_unbounded_shift(rounding), 0));
    }
    d.exponent[0] = 0;
    d.exponent[1] = -1;
    d.exponent[2] = -widest_unbounded_shift(rounding);
    CHECK(mnw::simd::Requantizer(d, d.multiplier.size()).epilogue() == per_channel(rounding));
    check_scale(d, per_channel(rounding), rng);

    // Exponents spread wider than that need the accumulators' bounds: with
    // |x| < 2^9, x * 2^(S-s) fits for a spread of 20 (+2).
    for (size_t c = 0; c < d.multiplier.size(); ++c) d.exponent[c] = static_cast<int32_t>(rng.between(-24, -4));
    d.exponent[0] = -24;
    d.exponent[1] = -4;
    CHECK(mnw::simd::Requantizer(d, d.multiplier.size()).epilogue() == Epilogue::kScalar);
    const std::vector<int64_t> bounds(d.multiplier.size(), (1 << 9) - 1);
    CHECK(mnw::simd::Requantizer(d, d.multiplier.size(), bounds).epilogue() == per_channel(rounding));
    check_scale(d, per_channel(rounding), rng, bounds);
  }
}

TEST_CASE("simd requantize: left shifts per channel, within the accumulator bounds", "[kernels]") {
  mnw::test::Prng rng(17);
  for (const Rounding rounding : {Rounding::kDouble, Rounding::kSingle}) {
    for (int e = 1; e <= 10; ++e) {
      CAPTURE(rounding == Rounding::kSingle, e);
      ConvDesc d = desc_with(rounding, 2 * kLanes);
      for (size_t c = 0; c < d.multiplier.size(); ++c) {
        d.multiplier[c] = c == 0 ? 1 << 30 : static_cast<int32_t>(rng.between(1 << 30, kMax));
        d.exponent[c] = c % 2 == 0 ? e : static_cast<int32_t>(rng.between(-8, e));
      }
      // The reference shifts the accumulator left in int32: bounds where it
      // cannot wrap take the vector epilogue, one more bit does not.
      const std::vector<int64_t> fitting(d.multiplier.size(), (int64_t{1} << (31 - e)) - 1);
      const std::vector<int64_t> wrapping(d.multiplier.size(), int64_t{1} << (31 - e));
      CHECK(mnw::simd::Requantizer(d, d.multiplier.size(), wrapping).epilogue() == Epilogue::kScalar);
      REQUIRE(mnw::simd::Requantizer(d, d.multiplier.size(), fitting).epilogue() == per_channel(rounding));
      check_scale(d, per_channel(rounding), rng, fitting);
    }
  }
}

TEST_CASE("simd requantize: the weights take what they can of each channel's scale", "[kernels]") {
  mnw::test::Prng rng(23);
  for (const Rounding rounding : {Rounding::kDouble, Rounding::kSingle}) {
    CAPTURE(rounding == Rounding::kSingle);
    ConvDesc d = desc_with(rounding, 4 * kLanes);
    std::vector<int64_t> bounds(d.multiplier.size());
    std::vector<int32_t> peaks(d.multiplier.size());
    for (size_t c = 0; c < d.multiplier.size(); ++c) {
      d.multiplier[c] = static_cast<int32_t>(rng.between(1 << 30, kMax));
      d.exponent[c] = static_cast<int32_t>(rng.between(-14, -2));
      bounds[c] = static_cast<int64_t>(rng.between(1, 1 << 21));
      peaks[c] = static_cast<int32_t>(rng.between(1, 255));
    }
    // The widest shift sets S; a channel 12 bits below it needs k = 2^12
    // (2^14): at most 2^7 of it fits weights up to 255, the rest stays in
    // the epilogue. A huge bound keeps a channel's weights as they are (and
    // clamps its accumulators).
    d.exponent[0] = -14;
    d.exponent[1] = -2;
    peaks[1] = 255;
    bounds[2] = int64_t{1} << 40;
    const mnw::simd::Requantizer rq(d, d.multiplier.size(), bounds, peaks);
    REQUIRE(rq.epilogue() == per_channel(rounding));
    CHECK(rq.weight_scale(1) == 128);
    CHECK(rq.weight_scale(2) == 1);
    CHECK(rq.view().multiply);
    CHECK(rq.view().clamp);
    for (size_t c = 0; c < d.multiplier.size(); ++c) {
      CHECK(int64_t{peaks[c]} * rq.weight_scale(c) <= 32767);
      CHECK(std::min<int64_t>(bounds[c], 1 << 30) * rq.weight_scale(c) <= kMax);
    }
    check_scale(d, per_channel(rounding), rng, bounds, peaks);
    // The same channels with small bounds and weights take all of it.
    const std::vector<int64_t> small_bounds(d.multiplier.size(), 1000);
    const std::vector<int32_t> small_peaks(d.multiplier.size(), 1);
    const mnw::simd::Requantizer folded(d, d.multiplier.size(), small_bounds, small_peaks);
    CHECK_FALSE(folded.view().multiply);
    CHECK_FALSE(folded.view().clamp);
    check_scale(d, per_channel(rounding), rng, small_bounds, small_peaks);
  }
  // Per-tensor epilogues and the scalar one take unscaled accumulators.
  ConvDesc d = desc_with(Rounding::kDouble, kLanes);
  for (size_t c = 0; c < d.multiplier.size(); ++c) {
    d.multiplier[c] = 1 << 30;
    d.exponent[c] = -5;
  }
  const std::vector<int64_t> bounds(d.multiplier.size(), 1000);
  const std::vector<int32_t> peaks(d.multiplier.size(), 3);
  CHECK(mnw::simd::Requantizer(d, d.multiplier.size(), bounds, peaks).weight_scale(0) == 1);
}

TEST_CASE("simd requantize: accumulator bounds of both filter layouts", "[kernels]") {
  ConvDesc d;
  d.dtype = mnw::DType::kUInt8;
  d.input_zero_point = 100;
  d.bias = {1000, -7};
  // Two channels of three taps: x - 100 spans [-100, 155].
  d.filter = {2, -3, 0, -1, -1, 5};
  const int64_t want0 = std::max(-(1000 + 2 * -100 + -3 * 155), 1000 + 2 * 155 + -3 * -100);
  const int64_t want1 = std::max(-(-7 + -1 * 155 * 2 + 5 * -100), -7 + -1 * -100 * 2 + 5 * 155);
  CHECK(mnw::simd::accumulator_bounds(d, mnw::simd::FilterLayout::kChannelMajor) == std::vector<int64_t>{want0, want1});
  d.filter = {2, -1, -3, -1, 0, 5};  // [tap][channel]
  CHECK(mnw::simd::accumulator_bounds(d, mnw::simd::FilterLayout::kDepthwise) == std::vector<int64_t>{want0, want1});
  d.dtype = mnw::DType::kInt8;
  d.input_zero_point = -128;  // x - (-128) spans [0, 255]
  const int64_t int8_want0 = std::max(-(1000 + -3 * 255), 1000 + 2 * 255);
  CHECK(mnw::simd::accumulator_bounds(d, mnw::simd::FilterLayout::kDepthwise)[0] == int8_want0);
}

TEST_CASE("simd requantize: accumulator bounds and weight peaks of deep channels", "[kernels]") {
  // More taps than one int32 chunk of channel_weights holds, two in three
  // at the int16 limits: the magnitudes sum past 2^31, so the sums must
  // carry across chunks.
  mnw::test::Prng rng(77);
  ConvDesc d;
  d.dtype = mnw::DType::kInt8;
  d.input_zero_point = 3;
  d.bias = {-12345, 678};
  const size_t taps = 4 * (size_t{1} << 15) + 5;
  for (size_t i = 0; i < 2 * taps; ++i) {
    d.filter.push_back(static_cast<int16_t>(i % 3 != 0 ? (i % 2 ? 32767 : -32768) : rng.between(-300, 300)));
  }
  const int64_t lowest = -128 - 3, highest = 127 - 3;
  std::vector<int64_t> want;
  std::vector<int32_t> want_peaks;
  for (size_t c = 0; c < 2; ++c) {
    int64_t low = d.bias[c], high = d.bias[c];
    int32_t peak = 0;
    for (size_t t = 0; t < taps; ++t) {
      const int64_t w = d.filter[c * taps + t];
      low += w * (w > 0 ? lowest : highest);
      high += w * (w > 0 ? highest : lowest);
      peak = std::max<int32_t>(peak, static_cast<int32_t>(w < 0 ? -w : w));
    }
    want.push_back(std::max(-low, high));
    want_peaks.push_back(peak);
  }
  const auto weights = mnw::simd::channel_weights(d, mnw::simd::FilterLayout::kChannelMajor);
  CHECK(mnw::simd::accumulator_bounds(d, weights) == want);
  CHECK(mnw::simd::weight_peaks(weights) == want_peaks);
  CHECK(want_peaks[0] == 32768);  // the extremes are there
}

// requantize_pair with epilogue e (the same vector twice), then the clamp.
template <class T>
xsimd::batch<T, mnw::simd::Arch> requantize_bytes(Epilogue e, const mnw::simd::RequantView& q,
                                                  const mnw::simd::OutputClamp<T>& clamp, I32 acc, size_t c) noexcept {
  using mnw::simd::requantize_pair;
  mnw::simd::I16 v;
  switch (e) {
    case Epilogue::kDoubleRounding: v = requantize_pair<Epilogue::kDoubleRounding>(q, acc, acc, c); break;
    case Epilogue::kSingleRounding: v = requantize_pair<Epilogue::kSingleRounding>(q, acc, acc, c); break;
    case Epilogue::kDoubleRoundingPerTensor: v = requantize_pair<Epilogue::kDoubleRoundingPerTensor>(q, acc, acc, c); break;
    case Epilogue::kSingleRoundingPerTensor: v = requantize_pair<Epilogue::kSingleRoundingPerTensor>(q, acc, acc, c); break;
    case Epilogue::kDoubleRoundingPreShifted: v = requantize_pair<Epilogue::kDoubleRoundingPreShifted>(q, acc, acc, c); break;
    case Epilogue::kSingleRoundingPreShifted: v = requantize_pair<Epilogue::kSingleRoundingPreShifted>(q, acc, acc, c); break;
    case Epilogue::kScalar: v = requantize_pair<Epilogue::kScalar>(q, acc, acc, c); break;
  }
  return clamp(v, v);
}

TEMPLATE_TEST_CASE("simd requantize: zero point, clamp and narrowing, every epilogue", "[kernels]", uint8_t, int8_t) {
  using T = TestType;
  constexpr int32_t lowest = std::numeric_limits<T>::min(), highest = std::numeric_limits<T>::max();
  mnw::test::Prng rng(13);
  const std::vector<int32_t> values = accumulators(rng);
  for (const Rounding rounding : {Rounding::kDouble, Rounding::kSingle}) {
    for (const auto& [zp, lo, hi] : std::vector<std::array<int32_t, 3>>{
             {lowest, lowest, highest}, {highest, lowest, highest}, {0, 0, 6}, {3, lowest + 1, highest - 1},
             {lowest + 7, lowest + 7, lowest + 100}, {-1, -3, 3}, {lowest / 2 + highest / 2, lowest, highest}}) {
      if (zp < lowest || lo < lowest) continue;
      for (int e = -30; e <= 0; ++e) {
        CAPTURE(rounding == Rounding::kSingle, zp, lo, hi, e);
        // One multiplier per tensor, so that every epilogue applies.
        ConvDesc d = desc_with(rounding, 2 * kLanes);
        const auto mantissa = static_cast<int32_t>(rng.between(1 << 30, kMax));
        for (size_t c = 0; c < d.multiplier.size(); ++c) {
          d.multiplier[c] = mantissa;
          d.exponent[c] = e;
        }
        d.output_zero_point = zp;
        d.activation_min = lo;
        d.activation_max = hi;
        // requantize_pair reads the channels of a second vector: padding.
        const mnw::simd::Requantizer rq(d, d.multiplier.size() + kLanes);
        const mnw::simd::RequantView q = rq.view();
        const mnw::simd::OutputClamp<T> clamp(rq);
        REQUIRE(rq.epilogue() == (e < 0 ? per_tensor(rounding, -e) : per_channel(rounding)));
        std::vector<Epilogue> epilogues{rq.epilogue(), Epilogue::kScalar};
        if (-e <= widest_unbounded_shift(rounding)) epilogues.push_back(per_channel(rounding));
        alignas(64) T out[4 * kLanes];
        for (const Epilogue epilogue : epilogues) {
          for_each_vector(d, values, [&](const int32_t* lanes, size_t c) {
            requantize_bytes(epilogue, q, clamp, I32::load_aligned(lanes), c).store_aligned(out);
            for (size_t i = 0; i < kLanes; ++i) {
              const int32_t want = mnw::reference::requantize(d, lanes[i], static_cast<int>(c + i));
              if (out[i] != want) {
                FAIL("epilogue " << static_cast<int>(epilogue) << ", accumulator " << lanes[i] << ": reference "
                                 << want << ", simd " << int{out[i]});
              }
            }
          });
        }
      }
    }
  }
}

#else

TEST_CASE("simd requantize", "[kernels]") { SKIP("this build has no SIMD kernels"); }

#endif
