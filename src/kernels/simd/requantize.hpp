// Vector requantization of int32 accumulators: the per-channel multiplier of
// core/fixed_point.hpp, output zero point and clamp, bit-exact with
// reference::requantize for every int32 accumulator.
//
// Both roundings become two 64-bit multiply-shifts per vector, with no
// per-lane variable shift (wasm has none). With s = -exponent in [0, 30]:
//   double (gemmlowp): SaturatingRoundingDoublingHighMul(x, m) is exactly
//     u = (x*m + 2^30) >> 31 for m >= 0 (the nudge of negative products
//     cancels the truncation toward zero). RoundingDivideByPOT(u, s), ties
//     away from zero, is round-half-up of w = u - (u < 0 && s > 0), and
//     round-half-up of w / 2^s is (w * 2^(30-s) + 2^29) >> 30.
//   single (ruy): (x*m + 2^(30+s)) >> (31+s) equals floor(x*m / 2^31)
//     rounded half up by s bits (floors nest), the same second step; for s = 0
//     the rounding moves into the first step.
// Positive exponents and s > 30 (absent from real models) take a scalar
// epilogue that calls the reference arithmetic lane by lane.
#pragma once

#include <cstdint>
#include "core/fixed_point.hpp"
#include "kernels/conv2d.hpp"
#include "kernels/simd/xsimd_extensions.hpp"

namespace mnw::simd {

enum class Epilogue : uint8_t { kDoubleRounding, kSingleRounding, kScalar };

// What the kernels read per vector of kLanes channels, in registers or L1.
struct RequantView {
  const int32_t* multiplier;
  const int32_t* rounding;         // single rounding: 2^30 where s == 0
  const int32_t* negative_adjust;  // double rounding: -1 where s > 0
  const int32_t* post_multiplier;  // 2^(30-s)
  const int32_t* exponent;         // scalar epilogue
  Rounding rounding_mode;
  I32 zero_point, min, max;
};

// Owns the per-channel constants, padded with zeros to `padded_channels`
// (a multiple of kLanes).
class Requantizer {
 public:
  Requantizer(const ConvDesc& desc, size_t padded_channels);

  Epilogue epilogue() const { return epilogue_; }
  RequantView view() const {
    return {multiplier_.data(),      rounding_.data(),  negative_adjust_.data(),
            post_multiplier_.data(), exponent_.data(),  rounding_mode_,
            I32(zero_point_),        I32(min_),         I32(max_)};
  }

 private:
  AlignedVector<int32_t> multiplier_, rounding_, negative_adjust_, post_multiplier_, exponent_;
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
  bool vector = true;
  for (size_t c = 0; c < d.multiplier.size(); ++c) {
    const int32_t e = d.exponent[c];
    vector = vector && e <= 0 && e >= -30 && d.multiplier[c] >= 0;
    if (e > 0 || e < -30) continue;
    const int s = -e;
    multiplier_[c] = d.multiplier[c];
    exponent_[c] = e;
    rounding_[c] = s == 0 ? 1 << 30 : 0;
    negative_adjust_[c] = s > 0 ? -1 : 0;
    post_multiplier_[c] = 1 << (30 - s);
  }
  if (!vector) {
    for (size_t c = 0; c < d.multiplier.size(); ++c) {
      multiplier_[c] = d.multiplier[c];
      exponent_[c] = d.exponent[c];
    }
  }
  epilogue_ = !vector ? Epilogue::kScalar
              : d.rounding == Rounding::kSingle ? Epilogue::kSingleRounding
                                                : Epilogue::kDoubleRounding;
}

// Requantizes the accumulators of channels [c, c + kLanes), c a multiple of kLanes.
template <Epilogue E>
inline I32 requantize(const RequantView& q, I32 acc, size_t c) {
  I32 scaled;
  if constexpr (E == Epilogue::kScalar) {
    alignas(Arch::alignment()) int32_t lanes[kLanes];
    acc.store_aligned(lanes);
    for (size_t i = 0; i < kLanes; ++i) {
      const int32_t m = q.multiplier[c + i], e = q.exponent[c + i];
      lanes[i] = q.rounding_mode == Rounding::kSingle ? multiply_by_quantized_multiplier_single_round(lanes[i], m, e)
                                                      : multiply_by_quantized_multiplier(lanes[i], m, e);
    }
    scaled = I32::load_aligned(lanes);
  } else {
    const I32 rounding = E == Epilogue::kDoubleRounding ? I32(1 << 30) : I32::load_aligned(q.rounding + c);
    I32 u = mul_round_shift<31>(acc, I32::load_aligned(q.multiplier + c), rounding);
    if constexpr (E == Epilogue::kDoubleRounding) u += (u >> 31) & I32::load_aligned(q.negative_adjust + c);
    scaled = mul_round_shift<30>(u, I32::load_aligned(q.post_multiplier + c), I32(1 << 29));
  }
  return xsimd::min(xsimd::max(scaled + q.zero_point, q.min), q.max);
}

}  // namespace mnw::simd
