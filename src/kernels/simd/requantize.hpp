// Vector requantization of int32 accumulators: the per-channel multiplier of
// core/fixed_point.hpp, output zero point and clamp, bit-exact with
// reference::requantize.
//
// Per channel (m the mantissa, s = -exponent the right shift, negative for a
// left shift), both roundings are one floor of the 64-bit product (floors
// nest; m >= 0):
//   single (ruy):      r = floor((x*m + 2^(30+s)) / 2^(31+s))
//   double (gemmlowp): the same for s <= 0; for s > 0 the first rounding ties
//                      up and the second away from zero, which makes
//                      r = floor((x*m + 2^(30+s) + 2^30) / 2^(31+s)) for x >= 0,
//                      r = floor((x*m + 2^(30+s) - 2^30) / 2^(31+s)) for x < 0.
// wasm has no per-lane variable shift, so every lane is brought to one shift
// 31 + S: x is multiplied by k = 2^(S-s) and the rounding term R by the same.
// S is chosen so that every R*k is a multiple of 2^32: then
//   r = (high 32 bits of x*k*m + R*k / 2^32) >> (S - 1),
// one 32x32->64 multiply, one add and one shift per lane. x*k must fit in
// int32: the kernels' accumulator bounds (see accumulator_bounds) prove it
// for most layers; otherwise x is first clamped to +-2^(9+s), beyond which
// |r| >= 2^8 and every 8-bit output saturates the same way (a branch per
// vector; measured in Chromium against always clamping: tf2 MobileNet V2
// 2-3% and the float-I/O V3 Small 5% faster). For s < 0 the reference
// shifts x left in int32 first, wrapping; the vector epilogue takes those
// channels only when the bound rules wrapping out.
//
// Kernels whose weights are int16 may take the factor k (or the largest part
// of it that keeps the weights in int16 and the accumulators in int32) into
// a channel's weights and bias at load: their accumulators are then x * k
// and the multiply drops out of the epilogue where every channel's does
// (measured in Chromium: tf2 MobileNet V2 1.03x, the int8 CONV_2D layers of
// the float-I/O V3 Small 1.02x; most int8 depthwise layers keep the
// multiply: their shifts spread wider than int16 weights leave room for).
//
// Then the zero point is added after a saturating narrowing to int16, and the
// clamp applies to bytes, covering two or four vectors per instruction.
// Saturation makes this exact wherever the reference's int32 sum of scaled
// value and zero point does not overflow (undefined there).
//
// With one multiplier per tensor and a right shift (uint8 models) the
// narrowing comes before the shift, which becomes one rounding multiply on 8
// int16 lanes (q15mulr / pmulhrsw by 2^(15-s) is round-half-up by s bits).
// Exact where it matters: for s <= 7 a product saturated to +-2^15 still lands
// at +-256 or beyond, outside every 8-bit clamp range whatever the zero point,
// like the true value. Larger shifts first floor-shift by s - 7 in int32
// (floors nest). Whatever neither way takes (shifts beyond what int32 holds)
// goes through a scalar epilogue that calls the reference arithmetic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/fixed_point.hpp"
#include "kernels/conv2d.hpp"
#include "kernels/simd/xsimd_extensions.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {

enum class Epilogue : uint8_t {
  kDoubleRounding,           // per channel, one shift for all lanes
  kSingleRounding,           // per channel, one shift for all lanes
  kDoubleRoundingPerTensor,   // one multiplier, one exponent in [-7, -1]
  kSingleRoundingPerTensor,   // one multiplier, one exponent in [-7, -1]
  kDoubleRoundingPreShifted,  // one multiplier, one exponent in [-30, -8]
  kSingleRoundingPreShifted,  // one multiplier, one exponent in [-30, -8]
  kScalar,                    // anything else
};

// How a ConvDesc's filter holds a channel's taps: together (CONV_2D,
// FULLY_CONNECTED: [out_c][taps]) or interleaved (DEPTHWISE: [taps][out_c]).
enum class FilterLayout : uint8_t { kChannelMajor, kDepthwise };

// Per output channel of d: the sum of its weights, of their magnitudes, and
// the largest magnitude.
struct ChannelWeights {
  int64_t sum = 0, magnitude = 0;
  int32_t peak = 0;
};

// One channel's taps, `stride` apart. In chunks whose int32 sums cannot
// overflow (|w| <= 2^15), in loops without branches that compilers
// vectorize: branches and 64-bit sums per weight took most of a model's load
// time.
inline ChannelWeights weigh_channel(const int16_t* w, size_t taps, size_t stride) {
  constexpr size_t kChunk = size_t{1} << 15;
  ChannelWeights r;
  for (size_t first = 0; first < taps; first += kChunk) {
    const size_t end = std::min(taps, first + kChunk);
    int32_t sum = 0, magnitude = 0, peak = r.peak;
    for (size_t t = first; t < end; ++t) {
      const int32_t v = w[t * stride];
      sum += v;
      magnitude += std::abs(v);
      peak = std::max(peak, std::abs(v));
    }
    r.sum += sum;
    r.magnitude += magnitude;
    r.peak = peak;
  }
  return r;
}

inline std::vector<ChannelWeights> channel_weights(const ConvDesc& d, FilterLayout layout) {
  const size_t channels = d.bias.size(), taps = channels == 0 ? 0 : d.filter.size() / channels;
  std::vector<ChannelWeights> result(channels);
  for (size_t c = 0; c < channels; ++c) {
    result[c] = layout == FilterLayout::kChannelMajor ? weigh_channel(d.filter.data() + c * taps, taps, 1)
                                                      : weigh_channel(d.filter.data() + c, taps, channels);
  }
  return result;
}

// Per output channel, the largest |bias + sum_t w_t * (x_t - input_zero_point)|
// over inputs x_t in the activation type's range: no accumulator of the
// kernel (padding reads the zero point) goes beyond it.
inline std::vector<int64_t> accumulator_bounds(const ConvDesc& d, const std::vector<ChannelWeights>& weights) {
  const bool is_signed = d.dtype == DType::kInt8;
  // x - zero_point spans [lowest, highest], lowest <= 0 <= highest.
  const int64_t lowest = (is_signed ? -128 : 0) - int64_t{d.input_zero_point};
  const int64_t highest = (is_signed ? 127 : 255) - int64_t{d.input_zero_point};
  std::vector<int64_t> bounds(weights.size());
  for (size_t c = 0; c < bounds.size(); ++c) {
    // The sums of the positive and of the negative weights: the extremes take
    // the one at highest and the other at lowest.
    const int64_t positive = (weights[c].magnitude + weights[c].sum) / 2;
    const int64_t negative = (weights[c].sum - weights[c].magnitude) / 2;
    const int64_t low = d.bias[c] + positive * lowest + negative * highest;
    const int64_t high = d.bias[c] + positive * highest + negative * lowest;
    bounds[c] = std::max(-low, high);
  }
  return bounds;
}
inline std::vector<int64_t> accumulator_bounds(const ConvDesc& d, FilterLayout layout) {
  return accumulator_bounds(d, channel_weights(d, layout));
}

// Per output channel, the largest |weight|: how far a kernel may scale the
// channel's int16 weights (see Requantizer).
inline std::vector<int32_t> weight_peaks(const std::vector<ChannelWeights>& weights) {
  std::vector<int32_t> peaks;
  for (const ChannelWeights& w : weights) peaks.push_back(w.peak);
  return peaks;
}

// What the kernels read: per-channel arrays, one vector per kLanes channels.
struct RequantView {
  const int32_t* multiplier;
  const int32_t* scale;           // per channel: k = 2^(S - s), over what the weights took
  const int32_t* lower;           // per channel: the clamp of x, -bound (times the
  const int32_t* upper;           //   weights' scale), and +bound
  const int32_t* round_positive;  // per channel: R * k / 2^32 for x >= 0
  const int32_t* round_negative;  //   and for x < 0
  const int32_t* exponent;        // scalar epilogue
  int shift;                      // per channel: S - 1
  bool clamp;                     // per channel: whether x needs the clamp
  bool multiply;                  // per channel: whether some scale is not 1
  I32 tensor_multiplier;          // per tensor: the multiplier
  int pre_shift;                  // per tensor: s - 7 when s > 7
  I16 round_multiplier;           // per tensor: 2^(15 - min(s, 7))
  Rounding rounding_mode;
  I16 zero_point;
};

// Owns the per-channel constants, padded with zeros to `padded_channels`
// (a multiple of kLanes). accumulator_bounds, when given, holds for each
// channel the largest |accumulator| the kernel can produce (see
// accumulator_bounds()). weight_peaks, when given (with the bounds), holds
// each channel's largest |weight| and says that the kernel multiplies
// channel c's int16 weights and zero-point-folded bias by weight_scale(c).
class Requantizer {
 public:
  Requantizer(const ConvDesc& desc, size_t padded_channels, const std::vector<int64_t>& accumulator_bounds = {},
              const std::vector<int32_t>& weight_peaks = {});

  Epilogue epilogue() const { return epilogue_; }
  RequantView view() const {
    return {multiplier_.data(),
            scale_.data(),
            lower_.data(),
            upper_.data(),
            round_positive_.data(),
            round_negative_.data(),
            exponent_.data(),
            channel_shift_,
            clamp_,
            multiply_,
            I32(multiplier_[0]),
            std::max(shift_ - kMaxNarrowShift, 0),
            I16(static_cast<int16_t>(shift_ > 0 ? 1 << (15 - std::min(shift_, kMaxNarrowShift)) : 0)),
            rounding_mode_,
            I16(static_cast<int16_t>(zero_point_))};
  }
  // The factor channel c's weights and bias take, a power of two: 1 unless
  // weight_peaks were given and the per-channel epilogue runs.
  int32_t weight_scale(size_t c) const { return c < weight_scale_.size() ? weight_scale_[c] : 1; }
  int32_t activation_min() const { return min_; }
  int32_t activation_max() const { return max_; }

  // The largest shift the int16 rounding takes directly (see above).
  static constexpr int kMaxNarrowShift = 7;

 private:
  // Fills the per-channel constants for one shift; false if some channel
  // does not fit it.
  bool plan_per_channel(const ConvDesc& d, const std::vector<int64_t>& bounds, const std::vector<int32_t>& peaks);

  AlignedVector<int32_t> multiplier_, scale_, lower_, upper_, round_positive_, round_negative_, exponent_;
  std::vector<int32_t> weight_scale_;
  int channel_shift_ = 0;
  bool clamp_ = false;
  bool multiply_ = false;
  int shift_ = 0;
  Rounding rounding_mode_;
  Epilogue epilogue_;
  int32_t zero_point_, min_, max_;
};

inline Requantizer::Requantizer(const ConvDesc& d, size_t padded_channels, const std::vector<int64_t>& bounds,
                                const std::vector<int32_t>& peaks)
    : multiplier_(padded_channels, 0),
      scale_(padded_channels, 1),
      lower_(padded_channels, 0),
      upper_(padded_channels, 0),
      round_positive_(padded_channels, 0),
      round_negative_(padded_channels, 0),
      exponent_(padded_channels, 0),
      rounding_mode_(d.rounding),
      zero_point_(d.output_zero_point),
      min_(d.activation_min),
      max_(d.activation_max) {
  bool per_tensor = true;
  for (size_t c = 0; c < d.multiplier.size(); ++c) {
    multiplier_[c] = d.multiplier[c];
    exponent_[c] = d.exponent[c];
    per_tensor = per_tensor && d.exponent[c] == d.exponent[0] && d.multiplier[c] == d.multiplier[0];
  }
  const bool single = d.rounding == Rounding::kSingle;
  // Planned even when a per-tensor epilogue wins: tests compare them all.
  const bool per_channel_fits = plan_per_channel(d, bounds, peaks);
  if (per_tensor && !d.exponent.empty() && d.exponent[0] < 0 && d.exponent[0] >= -30 && d.multiplier[0] >= 0) {
    shift_ = -d.exponent[0];
    epilogue_ = shift_ <= kMaxNarrowShift
                    ? (single ? Epilogue::kSingleRoundingPerTensor : Epilogue::kDoubleRoundingPerTensor)
                    : (single ? Epilogue::kSingleRoundingPreShifted : Epilogue::kDoubleRoundingPreShifted);
  } else if (per_channel_fits) {
    epilogue_ = single ? Epilogue::kSingleRounding : Epilogue::kDoubleRounding;
  } else {
    epilogue_ = Epilogue::kScalar;
  }
  // Only the per-channel epilogue expects scaled accumulators.
  if (epilogue_ != Epilogue::kSingleRounding && epilogue_ != Epilogue::kDoubleRounding) weight_scale_.clear();
}

inline bool Requantizer::plan_per_channel(const ConvDesc& d, const std::vector<int64_t>& bounds,
                                          const std::vector<int32_t>& peaks) {
  const bool single = d.rounding == Rounding::kSingle;
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  // S: at least 2 (R = 2^(30+S) a multiple of 2^32), and for the double
  // rounding's +-2^30 * k, k >= 4 wherever s > 0.
  int shift = 2;
  for (size_t c = 0; c < d.multiplier.size(); ++c) {
    const int s = -d.exponent[c];
    if (d.multiplier[c] < 0 || s > 31) return false;
    shift = std::max(shift, single || s <= 0 ? s : s + 2);
  }
  if (shift > 32) return false;
  for (size_t c = 0; c < d.multiplier.size(); ++c) {
    const int s = -d.exponent[c];
    const int64_t known = c < bounds.size() ? bounds[c] : int64_t{1} << 62;
    // The reference's int32 left shift must not wrap for any accumulator.
    if (s < 0 && known >= (int64_t{1} << (31 + s))) return false;
    if (shift - s > 31) return false;
    const int64_t fitting = kInt32Max >> (shift - s);
    // Clamped only where the accumulators may not fit x * k.
    const int64_t bound = known <= fitting ? known : int64_t{1} << std::max(0, 9 + s);
    if (bound > fitting) return false;
    if (bound < known) clamp_ = true;
    const int64_t k = int64_t{1} << (shift - s);
    // The part of k the weights take: they stay int16, and the accumulators
    // (each within +-known) int32.
    int64_t weights_take = 1;
    if (c < peaks.size()) {
      while (weights_take * 2 <= k && peaks[c] * weights_take * 2 <= std::numeric_limits<int16_t>::max() &&
             known <= kInt32Max / (weights_take * 2)) {
        weights_take *= 2;
      }
    }
    weight_scale_.push_back(static_cast<int32_t>(weights_take));
    scale_[c] = static_cast<int32_t>(k / weights_take);
    if (k > weights_take) multiply_ = true;
    // bound * k fits (above), so bound * weights_take does.
    lower_[c] = static_cast<int32_t>(-bound * weights_take);
    upper_[c] = static_cast<int32_t>(bound * weights_take);
    const int64_t round = int64_t{1} << (shift - 2);
    const int64_t away = !single && s > 0 ? k / 4 : 0;
    round_positive_[c] = static_cast<int32_t>(round + away);
    round_negative_[c] = static_cast<int32_t>(round - away);
  }
  channel_shift_ = shift - 1;
  return true;
}

// The Requantizer of a kernel whose int16 weights and bias take each
// channel's weight_scale(c), from one pass over the weights.
inline Requantizer scaled_weights_requantizer(const ConvDesc& d, size_t padded_channels, FilterLayout layout) {
  const std::vector<ChannelWeights> weights = channel_weights(d, layout);
  return Requantizer(d, padded_channels, accumulator_bounds(d, weights), weight_peaks(weights));
}

// Accumulators of channels [c, c + kLanes) (c a multiple of kLanes) times
// their multipliers, before the zero point: the per-channel and scalar
// epilogues. Per channel the result is exact where the reference's lies in
// [-2^8, 2^8], and beyond it on the same side (see above).
template <Epilogue E>
MNW_SIMD_INLINE I32 scale(const RequantView& q, I32 acc, size_t c) {
  if constexpr (E == Epilogue::kDoubleRounding || E == Epilogue::kSingleRounding) {
    I32 x = q.clamp ? xsimd::min(xsimd::max(acc, I32::load_aligned(q.lower + c)), I32::load_aligned(q.upper + c)) : acc;
    if (q.multiply) x *= I32::load_aligned(q.scale + c);
    const I32 round = E == Epilogue::kSingleRounding
                          ? I32::load_aligned(q.round_positive + c)
                          : xsimd::select(acc < I32(0), I32::load_aligned(q.round_negative + c),
                                          I32::load_aligned(q.round_positive + c));
    return shift_right(mul_high(x, I32::load_aligned(q.multiplier + c)) + round, q.shift);
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

template <Epilogue E>
constexpr bool kPerTensorEpilogue = E == Epilogue::kDoubleRoundingPerTensor || E == Epilogue::kSingleRoundingPerTensor ||
                                    E == Epilogue::kDoubleRoundingPreShifted || E == Epilogue::kSingleRoundingPreShifted;
template <Epilogue E>
constexpr bool kSingleRoundingEpilogue = E == Epilogue::kSingleRoundingPerTensor ||
                                         E == Epilogue::kSingleRoundingPreShifted || E == Epilogue::kSingleRounding;

// A per-tensor epilogue's values of two vectors after the multiply,
// floor((x * m + R) / 2^31) with R = 2^30 (double rounding) or 0 (single),
// the rest of the way: the shift, plus the output zero point, as int16.
template <Epilogue E>
MNW_SIMD_INLINE I16 finish_per_tensor(const RequantView& q, I32 ua, I32 ub) {
  static_assert(kPerTensorEpilogue<E>);
  constexpr bool kPreShifted = E == Epilogue::kDoubleRoundingPreShifted || E == Epilogue::kSingleRoundingPreShifted;
  constexpr bool kSingle = kSingleRoundingEpilogue<E>;
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
  if constexpr (!kSingle && !kPreShifted) u = xsimd::sadd(u, u >> 15);
  return xsimd::sadd(mul_round_q15(u, q.round_multiplier), q.zero_point);
}

// The accumulators of channels [c, c + 2 * kLanes) requantized up to the
// clamp: scaled, plus the output zero point, as int16.
template <Epilogue E>
MNW_SIMD_INLINE I16 requantize_pair(const RequantView& q, I32 a, I32 b, size_t c) {
  if constexpr (kPerTensorEpilogue<E>) {
    const I32 rounding(kSingleRoundingEpilogue<E> ? 0 : 1 << 30);
    return finish_per_tensor<E>(q, mul_round_shift<31>(a, q.tensor_multiplier, rounding),
                                mul_round_shift<31>(b, q.tensor_multiplier, rounding));
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
