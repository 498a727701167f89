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
  const F sign(-0.0f), below_half(0.49999997f);
  // NaN lanes are cleared to 0 first, so they come out as the zero point.
  // Then the clamp (to whole numbers, so rounding commutes with it) and the
  // rounding half away from zero as trunc(v + copysign(0.5 - 2^-25, v)),
  // exact for every float: a fraction just below one half stays below it,
  // one half itself reaches the next whole number. The zero point goes in
  // with the conversion. 12 instructions for 4 values where an explicit tie
  // fix-up, a NaN select and an int16 zero point add took 16; xsimd's round
  // takes 12 alone.
  const auto convert = [&](const float* x) {
    const F scaled = nan_to_zero(F::load_unaligned(x)) / scale;
    const F clamped = clamp_float(scaled, lo, hi);
    const F rounded = xsimd::trunc(clamped + ((clamped & sign) | below_half));
    return whole_to_int32(rounded, p.zero_point);
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
    const I16 first = narrow(convert(x), convert(x + kLanes));
    const I16 second = narrow(convert(x + 2 * kLanes), convert(x + 3 * kLanes));
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
