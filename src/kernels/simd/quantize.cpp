#include "kernels/simd/quantize.hpp"

#include "kernels/reference/quantize.hpp"
#include "kernels/simd/elementwise.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {
namespace {

// How the bytes leave: as quantized, through the table's steps (compares
// and adds), or through the table itself (a lookup per byte).
enum class Mapping { kNone, kSteps, kTable };

template <Mapping M, class T>
void quantize_typed(const QuantizeParams& p, const float* in, T* out, size_t count) {
  using F = xsimd::batch<float, Arch>;
  using Bytes = xsimd::batch<T, Arch>;
  const F scale(p.scale);
  const F lo(static_cast<float>(std::numeric_limits<T>::min() - p.zero_point));
  const F hi(static_cast<float>(std::numeric_limits<T>::max() - p.zero_point));
  const I16 zero_point(static_cast<int16_t>(p.zero_point));
  // Clamped first (to integers, so rounding commutes with it), then rounded
  // half away from zero as t + trunc(2 * (v - t)) with t = trunc(v), both
  // steps exact in float: 5 instructions where xsimd's round takes 12 on
  // wasm. NaN becomes 0, the zero point, selected after the clamp (which
  // leaves it unspecified) and before the conversion of the whole number
  // (clamped to at most 255 in magnitude). In Chromium on the float-I/O V3
  // Small the pseudo-min/max and the magic-number conversion made QUANTIZE
  // 1.14x faster.
  const auto convert = [&](const float* x) {
    const F scaled = F::load_unaligned(x) / scale;
    const F clamped = clamp_float(scaled, lo, hi);
    const F whole = xsimd::trunc(clamped);
    const F fraction = clamped - whole;
    const F rounded = whole + xsimd::trunc(fraction + fraction);
    return whole_to_int32(xsimd::select(scaled == scaled, rounded, F(0.0f)));
  };
  // The steps as vectors, wrapping modulo 256 like ByteSteps.
  Bytes step_at[ByteSteps::kMaxSteps], step_delta[ByteSteps::kMaxSteps];
  const int steps = M == Mapping::kSteps ? p.steps.count : 0;
  for (int s = 0; s < steps; ++s) {
    step_at[s] = Bytes(static_cast<T>(p.steps.at[s]));
    step_delta[s] = Bytes(static_cast<T>(p.steps.delta[s]));
  }
  const Bytes offset(static_cast<T>(p.steps.offset)), zero(T{0});
  const size_t full = count - count % kBlock;
  for (size_t i = 0; i < full; i += kBlock) {
    const float* x = in + i;
    const I16 first = xsimd::sadd(narrow(convert(x), convert(x + kLanes)), zero_point);
    const I16 second = xsimd::sadd(narrow(convert(x + 2 * kLanes), convert(x + 3 * kLanes)), zero_point);
    const Bytes bytes = narrow<T>(first, second);
    if constexpr (M == Mapping::kSteps) {
      Bytes mapped = bytes + offset;
      for (int s = 0; s < steps; ++s) mapped += xsimd::select(bytes >= step_at[s], step_delta[s], zero);
      mapped.store_unaligned(out + i);
    } else {
      bytes.store_unaligned(out + i);
      if constexpr (M == Mapping::kTable) {
        for (size_t j = i; j < i + kBlock; ++j) out[j] = static_cast<T>(p.table[static_cast<uint8_t>(out[j])]);
      }
    }
  }
  for (size_t i = full; i < count; ++i) out[i] = reference::quantize_mapped<T>(p, in[i]);
}

template <class T>
void quantize_mapped(const QuantizeParams& p, const float* in, T* out, size_t count) {
  if (p.table == nullptr) return quantize_typed<Mapping::kNone>(p, in, out, count);
  if (p.steps.count >= 0) return quantize_typed<Mapping::kSteps>(p, in, out, count);
  quantize_typed<Mapping::kTable>(p, in, out, count);
}

}  // namespace

void quantize(const QuantizeParams& params, const float* in, void* out, size_t count) {
  if (params.dtype == DType::kUInt8) return quantize_mapped(params, in, static_cast<uint8_t*>(out), count);
  quantize_mapped(params, in, static_cast<int8_t*>(out), count);
}

}  // namespace mnw::simd

#endif
