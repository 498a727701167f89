// Vector requantization of int32 accumulators: the per-channel multiplier of
// core/fixed_point.hpp, output zero point and clamp, bit-exact with
// reference::requantize.
//
// Per channel, the multiplier is two 64-bit multiply-shifts per vector, with
// no per-lane variable shift (wasm has none). With s = -exponent:
//   double rounding (gemmlowp): SaturatingRoundingDoublingHighMul(x, m) is
//     exactly u = (x*m + 2^30) >> 31 for m >= 0 (the nudge of negative
//     products cancels the truncation toward zero). RoundingDivideByPOT(u, s),
//     ties away from zero, is round-half-up of w = u - (u < 0) for s > 0.
//   single rounding (ruy): (x*m + 2^(30+s)) >> (31+s) equals floor(x*m / 2^31)
//     rounded half up by s bits (floors nest); for s = 0 the rounding moves
//     into the first step.
// Round-half-up of w by s bits is then (w * 2^(30-s) + 2^29) >> 30.
//
// Then the zero point is added after a saturating narrowing to int16, and the
// clamp applies to bytes, covering two or four vectors per instruction.
// Saturation makes this exact wherever the reference's int32 sum of scaled
// value and zero point does not overflow (undefined there).
//
// With one multiplier per tensor (uint8 models) the narrowing comes before the
// shift, which becomes one rounding multiply on 8 int16 lanes (q15mulr /
// pmulhrsw by 2^(15-s) is round-half-up by s bits). Exact where it matters:
// for s <= 7 a product saturated to +-2^15 still lands at +-256 or beyond,
// outside every 8-bit clamp range whatever the zero point, like the true
// value. Larger shifts first floor-shift by s - 7 in int32 (floors nest).
// Positive exponents and s > 30 (absent from real models) take a scalar
// epilogue that calls the reference arithmetic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/fixed_point.hpp"
#include "kernels/conv2d.hpp"
#include "kernels/simd/xsimd_extensions.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {

enum class Epilogue : uint8_t {
  kDoubleRounding,           // per-channel exponents in [-30, 0]
  kSingleRounding,           // per-channel exponents in [-30, 0]
  kDoubleRoundingPerTensor,   // one multiplier, one exponent in [-7, -1]
  kSingleRoundingPerTensor,   // one multiplier, one exponent in [-7, -1]
  kDoubleRoundingPreShifted,  // one multiplier, one exponent in [-30, -8]
  kSingleRoundingPreShifted,  // one multiplier, one exponent in [-30, -8]
  kScalar,                    // anything else
};

// What the kernels read: per-channel arrays, one vector per kLanes channels.
struct RequantView {
  const int32_t* multiplier;
  const int32_t* rounding;         // per-lane single rounding: 2^30 where s == 0
  const int32_t* negative_adjust;  // per-lane double rounding: -1 where s > 0
  const int32_t* post_multiplier;  // per-lane: 2^(30-s)
  const int32_t* exponent;         // scalar epilogue
  I32 tensor_multiplier;           // per tensor: the multiplier
  int pre_shift;                   // per tensor: s - 7 when s > 7
  I16 round_multiplier;            // per tensor: 2^(15 - min(s, 7))
  Rounding rounding_mode;
  I16 zero_point;
};

// Owns the per-channel constants, padded with zeros to `padded_channels`
// (a multiple of kLanes).
class Requantizer {
 public:
  Requantizer(const ConvDesc& desc, size_t padded_channels);

  Epilogue epilogue() const { return epilogue_; }
  RequantView view() const {
    return {multiplier_.data(),
            rounding_.data(),
            negative_adjust_.data(),
            post_multiplier_.data(),
            exponent_.data(),
            I32(multiplier_[0]),
            std::max(shift_ - kMaxNarrowShift, 0),
            I16(static_cast<int16_t>(shift_ > 0 ? 1 << (15 - std::min(shift_, kMaxNarrowShift)) : 0)),
            rounding_mode_,
            I16(static_cast<int16_t>(zero_point_))};
  }
  int32_t activation_min() const { return min_; }
  int32_t activation_max() const { return max_; }

  // The largest shift the int16 rounding takes directly (see above).
  static constexpr int kMaxNarrowShift = 7;

 private:
  AlignedVector<int32_t> multiplier_, rounding_, negative_adjust_, post_multiplier_, exponent_;
  int shift_ = 0;
  Rounding rounding_mode_;
  Epilogue epilogue_;
  int32_t zero_point_, min_, max_;
};

inline Requantizer::Requantizer(const ConvDesc& d, size_t padded_channels)
    : multiplier_(padded_channels, 0),
      rounding_(padded_channels, 0),
      negative_adjust_(padded_channels, 0),
      post_multiplier_(padded_channels, 1 << 30),
      exponent_(padded_channels, 0),
      rounding_mode_(d.rounding),
      zero_point_(d.output_zero_point),
      min_(d.activation_min),
      max_(d.activation_max) {
  bool vector = true, per_tensor = true;
  for (size_t c = 0; c < d.multiplier.size(); ++c) {
    const int32_t e = d.exponent[c];
    multiplier_[c] = d.multiplier[c];
    exponent_[c] = e;
    vector = vector && e <= 0 && e >= -30 && d.multiplier[c] >= 0;
    per_tensor = per_tensor && e == d.exponent[0] && d.multiplier[c] == d.multiplier[0];
    if (e > 0 || e < -30) continue;
    const int s = -e;
    rounding_[c] = s == 0 ? 1 << 30 : 0;
    negative_adjust_[c] = s > 0 ? -1 : 0;
    post_multiplier_[c] = 1 << (30 - s);
  }
  const bool single = d.rounding == Rounding::kSingle;
  if (!vector) {
    epilogue_ = Epilogue::kScalar;
  } else if (per_tensor && !d.exponent.empty() && d.exponent[0] < 0) {
    shift_ = -d.exponent[0];
    epilogue_ = shift_ <= kMaxNarrowShift
                    ? (single ? Epilogue::kSingleRoundingPerTensor : Epilogue::kDoubleRoundingPerTensor)
                    : (single ? Epilogue::kSingleRoundingPreShifted : Epilogue::kDoubleRoundingPreShifted);
  } else {
    epilogue_ = single ? Epilogue::kSingleRounding : Epilogue::kDoubleRounding;
  }
}

// Accumulators of channels [c, c + kLanes) (c a multiple of kLanes) times
// their multipliers, before the zero point: the per-channel and scalar
// epilogues.
template <Epilogue E>
MNW_SIMD_INLINE I32 scale(const RequantView& q, I32 acc, size_t c) {
  if constexpr (E == Epilogue::kDoubleRounding || E == Epilogue::kSingleRounding) {
    const bool single = E == Epilogue::kSingleRounding;
    I32 u = mul_round_shift<31>(acc, I32::load_aligned(q.multiplier + c),
                                single ? I32::load_aligned(q.rounding + c) : I32(1 << 30));
    if (!single) u += (u >> 31) & I32::load_aligned(q.negative_adjust + c);
    return mul_round_shift<30>(u, I32::load_aligned(q.post_multiplier + c), I32(1 << 29));
  } else {
    alignas(Arch::alignment()) int32_t lanes[kLanes];
    acc.store_aligned(lanes);
    for (size_t i = 0; i < kLanes; ++i) {
      const int32_t m = q.multiplier[c + i], e = q.exponent[c + i];
      lanes[i] = q.rounding_mode == Rounding::kSingle ? multiply_by_quantized_multiplier_single_round(lanes[i], m, e)
                                                      : multiply_by_quantized_multiplier(lanes[i], m, e);
    }
    return I32::load_aligned(lanes);
  }
}

// The accumulators of channels [c, c + 2 * kLanes) requantized up to the
// clamp: scaled, plus the output zero point, as int16.
template <Epilogue E>
MNW_SIMD_INLINE I16 requantize_pair(const RequantView& q, I32 a, I32 b, size_t c) {
  constexpr bool kPerTensor = E == Epilogue::kDoubleRoundingPerTensor || E == Epilogue::kSingleRoundingPerTensor;
  constexpr bool kPreShifted = E == Epilogue::kDoubleRoundingPreShifted || E == Epilogue::kSingleRoundingPreShifted;
  if constexpr (kPerTensor || kPreShifted) {
    constexpr bool kSingle = E == Epilogue::kSingleRoundingPerTensor || E == Epilogue::kSingleRoundingPreShifted;
    const I32 rounding(kSingle ? 0 : 1 << 30);
    I32 ua = mul_round_shift<31>(a, q.tensor_multiplier, rounding);
    I32 ub = mul_round_shift<31>(b, q.tensor_multiplier, rounding);
    if constexpr (kPreShifted) {
      if constexpr (!kSingle) {
        ua += ua >> 31;
        ub += ub >> 31;
      }
      ua = shift_right(ua, q.pre_shift);
      ub = shift_right(ub, q.pre_shift);
    }
    I16 u = narrow(ua, ub);
    // Saturating: -2^15 stays put, which rounds the same by any shift.
    if constexpr (!kSingle && kPerTensor) u = xsimd::sadd(u, u >> 15);
    return xsimd::sadd(mul_round_q15(u, q.round_multiplier), q.zero_point);
  } else {
    return xsimd::sadd(narrow(scale<E>(q, a, c), scale<E>(q, b, c + kLanes)), q.zero_point);
  }
}

// Narrows two int16 vectors to T and applies the activation clamp.
template <class T>
class OutputClamp {
 public:
  using Bytes = xsimd::batch<T, Arch>;
  explicit OutputClamp(const Requantizer& r)
      : min_(static_cast<T>(std::max<int32_t>(r.activation_min(), std::numeric_limits<T>::min()))),
        max_(static_cast<T>(std::min<int32_t>(r.activation_max(), std::numeric_limits<T>::max()))),
        // Narrowing saturates to T's range: a full-range clamp is free.
        active_(r.activation_min() > std::numeric_limits<T>::min() ||
                r.activation_max() < std::numeric_limits<T>::max()) {}

  MNW_SIMD_INLINE Bytes operator()(I16 a, I16 b) const {
    const Bytes v = narrow<T>(a, b);
    return active_ ? xsimd::min(xsimd::max(v, min_), max_) : v;
  }

 private:
  Bytes min_, max_;
  bool active_;
};

// Calls f(in, out, epilogue) with the tensors cast to uint8_t or int8_t per
// `dtype` and the epilogue as a std::integral_constant: the one switch from a
// kernel's runtime configuration to its compiled variants.
template <class F>
void with_epilogue(DType dtype, Epilogue epilogue, const void* input, void* output, F&& f) {
  const auto typed = [&](auto* in, auto* out) {
    using E = Epilogue;
    switch (epilogue) {
      case E::kDoubleRounding: return f(in, out, std::integral_constant<E, E::kDoubleRounding>{});
      case E::kSingleRounding: return f(in, out, std::integral_constant<E, E::kSingleRounding>{});
      case E::kDoubleRoundingPerTensor: return f(in, out, std::integral_constant<E, E::kDoubleRoundingPerTensor>{});
      case E::kSingleRoundingPerTensor: return f(in, out, std::integral_constant<E, E::kSingleRoundingPerTensor>{});
      case E::kDoubleRoundingPreShifted: return f(in, out, std::integral_constant<E, E::kDoubleRoundingPreShifted>{});
      case E::kSingleRoundingPreShifted: return f(in, out, std::integral_constant<E, E::kSingleRoundingPreShifted>{});
      case E::kScalar: return f(in, out, std::integral_constant<E, E::kScalar>{});
    }
  };
  if (dtype == DType::kUInt8) return typed(static_cast<const uint8_t*>(input), static_cast<uint8_t*>(output));
  typed(static_cast<const int8_t*>(input), static_cast<int8_t*>(output));
}

}  // namespace mnw::simd

#endif
