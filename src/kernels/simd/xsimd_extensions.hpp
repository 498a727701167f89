// The integer operations the kernels need and xsimd 13 does not provide, and
// the only file with intrinsics. Each has one branch per instruction set we
// build for (wasm simd128, AVX-512BW, AVX2, SSE4.1) and a portable lane-by-lane
// fallback for any other xsimd arch (correct, slow).
//
//   dot_i16          pairwise int16 products summed into int32 lanes
//                    (i32x4.dot_i16x8_s, pmaddwd): 8 multiply-adds per wasm
//                    instruction, the inner loop of every kernel.
//   mul_round_shift  low 32 bits of (int64(a) * b + rounding) >> shift: the
//                    fixed-point requantization needs the 64-bit product.
//   load_widened     8-bit values to int16 lanes in one instruction
//                    (i16x8.load8x8, pmovzx/pmovsx); xsimd's converting load
//                    goes through a scalar copy.
//   store_narrowed   two int32 vectors, already clamped to the 8-bit range,
//                    stored as bytes (two narrowing packs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

// GCC 12 reports its own AVX-512 intrinsics as maybe-uninitialized once
// inlined (GCC bug 105593); the warning is attributed to the headers below.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop
#else
#include <xsimd/xsimd.hpp>
#endif
#if !defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)  // see simd_kernels.cpp

namespace mnw::simd {

using Arch = xsimd::default_arch;
using I16 = xsimd::batch<int16_t, Arch>;
using I32 = xsimd::batch<int32_t, Arch>;
// int32 lanes per vector, and int16 lanes (twice as many).
inline constexpr size_t kLanes = I32::size;
inline constexpr size_t kLanes16 = I16::size;

// Storage the kernels read with aligned vector loads.
template <class T>
using AlignedVector = std::vector<T, xsimd::aligned_allocator<T, Arch::alignment()>>;

// Which branch below an arch takes. The functions are templates on the arch
// so that the branches of the others are never instantiated.
namespace arch {
template <class A>
inline constexpr bool kWasm = std::is_same_v<A, xsimd::wasm>;
template <class A>
inline constexpr bool kAvx512 = std::is_base_of_v<xsimd::avx512bw, A>;
template <class A>
inline constexpr bool kAvx2 = !kAvx512<A> && std::is_base_of_v<xsimd::avx2, A>;
template <class A>
inline constexpr bool kSse41 = std::is_base_of_v<xsimd::sse4_1, A> && !std::is_base_of_v<xsimd::avx, A>;
}  // namespace arch

template <class A>
inline xsimd::batch<int32_t, A> dot_i16(xsimd::batch<int16_t, A> a, xsimd::batch<int16_t, A> b) {
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return wasm_i32x4_dot_i16x8(a, b);
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) return _mm512_madd_epi16(a, b);
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) return _mm256_madd_epi16(a, b);
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) return _mm_madd_epi16(a, b);
#endif
  constexpr size_t n = xsimd::batch<int32_t, A>::size;
  alignas(A::alignment()) int16_t x[2 * n], y[2 * n];
  alignas(A::alignment()) int32_t r[n];
  a.store_aligned(x);
  b.store_aligned(y);
  for (size_t i = 0; i < n; ++i) r[i] = x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1];
  return xsimd::batch<int32_t, A>::load_aligned(r);
}

// Per lane: the low 32 bits of (int64(a) * b + uint32(rounding)) >> kShift.
template <int kShift, class A>
inline xsimd::batch<int32_t, A> mul_round_shift(xsimd::batch<int32_t, A> a, xsimd::batch<int32_t, A> b,
                                                xsimd::batch<int32_t, A> rounding) {
  static_assert(kShift > 0 && kShift < 32);
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) {
    // Lanes 0-1 and 2-3 as 64-bit products; the low words of the shifted sums
    // are the results.
    v128_t lo = wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(a, b), wasm_u64x2_extend_low_u32x4(rounding));
    v128_t hi = wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(a, b), wasm_u64x2_extend_high_u32x4(rounding));
    return wasm_i32x4_shuffle(wasm_u64x2_shr(lo, kShift), wasm_u64x2_shr(hi, kShift), 0, 2, 4, 6);
  }
#endif
  // x86: pmuldq multiplies the even lanes; the odd ones are shifted down
  // first. The even results are shifted into the low words, the odd ones into
  // the high words, and one blend merges them.
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) {
    const __m512i low_words = _mm512_set1_epi64(0xFFFFFFFF);
    const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(a, b), _mm512_and_si512(rounding, low_words));
    const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32)),
                                         _mm512_srli_epi64(rounding, 32));
    return _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, kShift), _mm512_slli_epi64(odd, 32 - kShift));
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) {
    const __m256i low_words = _mm256_set1_epi64x(0xFFFFFFFF);
    const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(a, b), _mm256_and_si256(rounding, low_words));
    const __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32)),
                                         _mm256_srli_epi64(rounding, 32));
    return _mm256_blend_epi32(_mm256_srli_epi64(even, kShift), _mm256_slli_epi64(odd, 32 - kShift), 0xAA);
  }
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) {
    const __m128i low_words = _mm_set1_epi64x(0xFFFFFFFF);
    const __m128i even = _mm_add_epi64(_mm_mul_epi32(a, b), _mm_and_si128(rounding, low_words));
    const __m128i odd =
        _mm_add_epi64(_mm_mul_epi32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32)), _mm_srli_epi64(rounding, 32));
    return _mm_blend_epi16(_mm_srli_epi64(even, kShift), _mm_slli_epi64(odd, 32 - kShift), 0xCC);
  }
#endif
  constexpr size_t n = xsimd::batch<int32_t, A>::size;
  alignas(A::alignment()) int32_t x[n], y[n], r[n];
  a.store_aligned(x);
  b.store_aligned(y);
  rounding.store_aligned(r);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t sum = static_cast<uint64_t>(int64_t{x[i]} * y[i]) + static_cast<uint32_t>(r[i]);
    r[i] = static_cast<int32_t>(static_cast<uint32_t>(sum >> kShift));
  }
  return xsimd::batch<int32_t, A>::load_aligned(r);
}

// One vector of int16 from as many values of T (uint8_t or int8_t) from unaligned memory, widened.
template <class T, class A = Arch>
inline xsimd::batch<int16_t, A> load_widened(const T* p) {
  static_assert(std::is_same_v<T, uint8_t> || std::is_same_v<T, int8_t>);
  constexpr bool kSigned = std::is_signed_v<T>;
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return kSigned ? wasm_i16x8_load8x8(p) : wasm_u16x8_load8x8(p);
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return kSigned ? _mm512_cvtepi8_epi16(v) : _mm512_cvtepu8_epi16(v);
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return kSigned ? _mm256_cvtepi8_epi16(v) : _mm256_cvtepu8_epi16(v);
  }
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) {
    const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return kSigned ? _mm_cvtepi8_epi16(v) : _mm_cvtepu8_epi16(v);
  }
#endif
  constexpr size_t n = xsimd::batch<int16_t, A>::size;
  alignas(A::alignment()) int16_t r[n];
  for (size_t i = 0; i < n; ++i) r[i] = p[i];
  return xsimd::batch<int16_t, A>::load_aligned(r);
}

// Stores the lanes of a then b as T. Every value must already lie
// in T's range (the kernels clamp first), so saturation never changes one.
template <class T, class A>
inline void store_narrowed(T* p, xsimd::batch<int32_t, A> a, xsimd::batch<int32_t, A> b) {
  static_assert(std::is_same_v<T, uint8_t> || std::is_same_v<T, int8_t>);
  constexpr bool kSigned = std::is_signed_v<T>;
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) {
    const v128_t halves = wasm_i16x8_narrow_i32x4(a, b);
    const v128_t bytes = kSigned ? wasm_i8x16_narrow_i16x8(halves, halves) : wasm_u8x16_narrow_i16x8(halves, halves);
    wasm_v128_store64_lane(p, bytes, 0);
    return;
  }
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) {
    // vpmovdb truncates, exact for in-range values.
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtepi32_epi8(a));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 16), _mm512_cvtepi32_epi8(b));
    return;
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) {
    // The packs work per 128-bit half: put a's and b's words back in order.
    const __m256i halves = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
    const __m128i lo = _mm256_castsi256_si128(halves), hi = _mm256_extracti128_si256(halves, 1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), kSigned ? _mm_packs_epi16(lo, hi) : _mm_packus_epi16(lo, hi));
    return;
  }
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) {
    const __m128i halves = _mm_packs_epi32(a, b);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p),
                     kSigned ? _mm_packs_epi16(halves, halves) : _mm_packus_epi16(halves, halves));
    return;
  }
#endif
  constexpr size_t n = xsimd::batch<int32_t, A>::size;
  alignas(A::alignment()) int32_t r[2 * n];
  a.store_aligned(r);
  b.store_aligned(r + n);
  for (size_t i = 0; i < 2 * n; ++i) p[i] = static_cast<T>(r[i]);
}

}  // namespace mnw::simd

#endif
