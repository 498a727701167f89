// The integer arithmetic of TFLite's builtin quantized kernels, in one place.
//
// TFLite represents a real multiplier M (e.g. input_scale * filter_scale /
// output_scale) as a Q31 fixed-point mantissa m in [2^30, 2^31) and a power-of-
// two exponent e, M = m * 2^(e - 31). Applying it to an int32 accumulator x is
//   RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^max(e,0), m), max(-e,0))
// i.e. two roundings: one when taking the high 32 bits of the 64-bit product
// (the nudge below), one in the final right shift (half away from zero). Every kernel, reference and SIMD, must
// reproduce these bit for bit: the golden outputs depend on each rounding.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace mnw {

struct QuantizedMultiplier {
  int32_t mantissa = 0;  // Q31, in [2^30, 2^31) or 0
  int32_t exponent = 0;  // power of two applied after the mantissa
};

// Splits a non-negative real multiplier into Q31 mantissa and exponent, as
// TFLite's QuantizeMultiplier: frexp, then round the mantissa to 31 bits.
inline QuantizedMultiplier quantize_multiplier(double real_multiplier) {
  if (!(real_multiplier > 0.0) || !std::isfinite(real_multiplier)) return {};
  int exponent = 0;
  const double q = std::frexp(real_multiplier, &exponent);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++exponent;
  }
  // Multipliers below 2^-31 flush to zero (TFLite does the same).
  if (exponent < -31) return {};
  // Larger than 2^30 cannot be represented by a left shift of an int32 without
  // overflow; callers validate ranges, clamp here to stay defined.
  if (exponent > 30) {
    exponent = 30;
    q_fixed = (1LL << 31) - 1;
  }
  return {static_cast<int32_t>(q_fixed), exponent};
}

// High 32 bits of 2*a*b, rounded to nearest through the nudge (gemmlowp's:
// positive ties round up, negative ties toward zero), saturating the single overflow case a == b == INT32_MIN.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) {
    return std::numeric_limits<int32_t>::max();
  }
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));
}

// x / 2^exponent rounded to nearest, ties away from zero.
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * M with M given as mantissa/exponent (TFLite's MultiplyByQuantizedMultiplier).
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t mantissa, int32_t exponent) {
  const int left_shift = exponent > 0 ? exponent : 0;
  const int right_shift = exponent > 0 ? 0 : -exponent;
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift),
                                            mantissa),
      right_shift);
}

inline int32_t multiply_by_quantized_multiplier(int32_t x, QuantizedMultiplier m) {
  return multiply_by_quantized_multiplier(x, m.mantissa, m.exponent);
}

// x * M with one rounding: the 64-bit product shifted right with round-half-up.
// This is how ruy requantizes, and TFLite's int8 CONV_2D and FULLY_CONNECTED
// go through ruy, so their outputs follow this rounding instead of the two above.
inline int32_t multiply_by_quantized_multiplier_single_round(int32_t x, int32_t mantissa, int32_t exponent) {
  const int total_shift = 31 - exponent;
  const int64_t rounding = int64_t{1} << (total_shift - 1);
  return static_cast<int32_t>((static_cast<int64_t>(x) * mantissa + rounding) >> total_shift);
}

// 16-bit variants used by HARD_SWISH (gemmlowp's int16 fixed point).
inline int16_t saturating_rounding_doubling_high_mul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) {
    return std::numeric_limits<int16_t>::max();
  }
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// Like the above without the rounding nudge: truncates toward zero.
inline int16_t saturating_doubling_high_mul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) {
    return std::numeric_limits<int16_t>::max();
  }
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  return static_cast<int16_t>(ab / (1 << 15));
}

inline int16_t rounding_divide_by_pot16(int16_t x, int exponent) {
  const int16_t mask = static_cast<int16_t>((1 << exponent) - 1);
  const int16_t remainder = static_cast<int16_t>(x & mask);
  const int16_t threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

inline int16_t saturating_left_shift16(int16_t x, int shift) {
  const int32_t wide = static_cast<int32_t>(x) * (1 << shift);
  return static_cast<int16_t>(std::clamp<int32_t>(wide, std::numeric_limits<int16_t>::min(),
                                                  std::numeric_limits<int16_t>::max()));
}

// Rounds a Q31 multiplier to Q15 (TFLite's DownScaleInt32ToInt16Multiplier).
inline int16_t downscale_multiplier_to_int16(int32_t mantissa) {
  constexpr int32_t kRoundingOffset = 1 << 15;
  if (mantissa >= std::numeric_limits<int32_t>::max() - kRoundingOffset) {
    return std::numeric_limits<int16_t>::max();
  }
  return static_cast<int16_t>((mantissa + kRoundingOffset) >> 16);
}

// Range [min, max] of a quantized type, and the clamp a fused activation adds.
template <typename T>
constexpr int32_t quantized_min() { return std::numeric_limits<T>::min(); }
template <typename T>
constexpr int32_t quantized_max() { return std::numeric_limits<T>::max(); }

}  // namespace mnw
