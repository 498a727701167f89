// The SIMD requantization against the reference arithmetic of
// core/fixed_point.hpp and reference::requantize: every exponent, edge and
// random accumulators over the whole int32 range, every epilogue.
#include <catch_amalgamated.hpp>

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

// scale() with epilogue `e` against the fixed-point multiply, lane by lane.
void check_scale(const ConvDesc& d, Epilogue e, mnw::test::Prng& rng) {
  const mnw::simd::Requantizer rq(d, d.multiplier.size());
  const mnw::simd::RequantView q = rq.view();
  alignas(64) int32_t out[kLanes];
  for_each_vector(d, accumulators(rng), [&](const int32_t* lanes, size_t c) {
    scale(e, q, I32::load_aligned(lanes), c).store_aligned(out);
    for (size_t i = 0; i < kLanes; ++i) {
      const int32_t m = d.multiplier[c + i], x = d.exponent[c + i];
      const int32_t want = d.rounding == Rounding::kSingle ? mnw::multiply_by_quantized_multiplier_single_round(lanes[i], m, x)
                                                           : mnw::multiply_by_quantized_multiplier(lanes[i], m, x);
      if (out[i] != want) {
        FAIL("accumulator " << lanes[i] << ", multiplier " << m << ", exponent " << x << ", epilogue "
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
        if (e > 0 || e < -30) {
          CHECK(chosen == Epilogue::kScalar);
        } else {
          // Per tensor, the scaling is only defined up to the clamp: the
          // output test below covers it.
          CHECK(chosen == (e < 0 && mantissa >= 0 ? per_tensor(rounding, -e) : per_channel(rounding)));
          check_scale(d, per_channel(rounding), rng);
        }
        check_scale(d, Epilogue::kScalar, rng);
      }
    }
  }
}

TEST_CASE("simd requantize: per-channel exponents mixed in one vector", "[kernels]") {
  mnw::test::Prng rng(11);
  for (const Rounding rounding : {Rounding::kDouble, Rounding::kSingle}) {
    ConvDesc d = desc_with(rounding, 4 * kLanes);
    for (size_t c = 0; c < d.multiplier.size(); ++c) {
      d.multiplier[c] = static_cast<int32_t>(rng.between(1 << 30, kMax));
      d.exponent[c] = static_cast<int32_t>(rng.between(-30, 0));
    }
    d.exponent[0] = 0;
    d.exponent[1] = -1;
    CHECK(mnw::simd::Requantizer(d, d.multiplier.size()).epilogue() == per_channel(rounding));
    check_scale(d, per_channel(rounding), rng);
  }
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
        const std::vector<Epilogue> epilogues{rq.epilogue(), per_channel(rounding), Epilogue::kScalar};
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
