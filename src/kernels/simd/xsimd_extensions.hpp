// The integer operations the kernels need and xsimd 13 does not provide, and
// the only file with intrinsics. Each has one branch per instruction set we
// build for (wasm simd128, AVX-512BW, AVX2, SSE4.1) and a portable lane-by-lane
// fallback for any other xsimd arch (correct, slow).
//
//   dot_i16          pairwise int16 products summed into int32 lanes
//                    (i32x4.dot_i16x8_s, pmaddwd): 8 multiply-adds per wasm
//                    instruction.
//   dot_add_i16      acc + dot_i16, the inner loop of every kernel: one
//                    instruction with VNNI (vpdpwssd).
//   mul_round_shift  low 32 bits of (int64(a) * b + rounding) >> shift: the
//                    fixed-point requantization needs the 64-bit product.
//   mul_high         high 32 bits of int64(a) * b (the per-channel one).
//   load_widened     8-bit values to int16 lanes in one instruction
//                    (i16x8.load8x8, pmovzx/pmovsx); xsimd's converting load
//                    goes through a scalar copy.
//   mul_round_q15    rounding int16 multiply: a rounding shift by s bits.
//   shift_right      by a runtime count, without clang 14's wasm scalarization.
//   narrow           saturating narrowing of two vectors to one (packs).
//   zip              both halves of the interleaving of two vectors: xsimd's
//                    zip_lo and zip_hi fix up x86's in-lane unpacks each on
//                    their own (8 instructions each on AVX-512); together
//                    they share the unpacks and take one permute each.
//   store_half       stores half a vector (one output row of a register tile).
//   widen            half of the int16 lanes sign-extended to int32 (the
//                    elementwise kernels' products and rescales).
//   whole_to_int32   float lanes holding whole numbers below 2^22 in
//                    magnitude to int32 (plus a constant), in two
//                    instructions: xsimd's wasm conversion goes lane by lane
//                    through scalar code, and V8 expands the saturating one
//                    to about seven.
//   nan_to_zero      NaN lanes to 0 with one compare and one and.
//   clamp_float      min and max that leave NaN unspecified: on wasm the
//                    pseudo-min/max (one instruction each), where V8
//                    expands IEEE min/max to about seven.
//   for_each_narrower_arch  the x86 archs narrower than the build's, for
//                    loop tails (none in wasm).
//   load_table16     16 bytes into every 128-bit block of a vector, the
//   lookup16         table lookup16 indexes with one byte per lane, giving 0
//                    for indices >= 16 (i8x16.swizzle, pshufb). xsimd 13's
//                    dynamic byte swizzle is lane by lane scalar code in wasm
//                    and leaves indices >= 16 unspecified (pshufb takes them
//                    modulo 16 unless the top bit is set).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

// GCC 12 reports its own AVX-512 intrinsics as (maybe) uninitialized once
// inlined (GCC bug 105593); the warning is attributed to the headers below.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <xsimd/xsimd.hpp>
#pragma GCC diagnostic pop
#else
#include <xsimd/xsimd.hpp>
#endif

// 1 when the build targets a SIMD instruction set xsimd supports. xsimd 13
// claims wasm for any Emscripten build, even without -msimd128 (the scalar
// fallback module), so that case is excluded by hand.
#if defined(XSIMD_NO_SUPPORTED_ARCHITECTURE) || (defined(__EMSCRIPTEN__) && !defined(__wasm_simd128__))
#define MNW_SIMD_KERNELS 0
#else
#define MNW_SIMD_KERNELS 1
#endif

#if MNW_SIMD_KERNELS

namespace mnw::simd {

// For the small helpers of the inner loops: clang's heuristics otherwise
// left the requantization of a vector as a call in the wasm depthwise kernel.
#define MNW_SIMD_INLINE inline __attribute__((always_inline))
// For the kernels' outer functions: GCC left their lambdas and small
// templates as calls, and a call clobbers every vector register (SysV ABI),
// spilling the kernel's state around it. flatten inlines them all (noinline
// callees stay calls). Clang inlined them anyway: left alone there.
#if defined(__GNUC__) && !defined(__clang__)
#define MNW_SIMD_FLATTEN __attribute__((flatten))
#else
#define MNW_SIMD_FLATTEN
#endif

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

// Calls f.template operator()<A>() for each x86 arch narrower than Arch,
// widest first (AVX2, then SSE4.1 under AVX-512): for the tails of loops
// whose whole vectors of Arch do not fit. None in wasm.
template <class F>
void for_each_narrower_arch([[maybe_unused]] F&& f) {
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx512<Arch>) f.template operator()<xsimd::avx2>();
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kAvx512<Arch> || arch::kAvx2<Arch>) f.template operator()<xsimd::sse4_1>();
#endif
}

template <class A>
MNW_SIMD_INLINE xsimd::batch<int32_t, A> dot_i16(xsimd::batch<int16_t, A> a, xsimd::batch<int16_t, A> b) {
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

template <class T, class A>
struct Zipped {
  xsimd::batch<T, A> lo, hi;  // a0 b0 a1 b1 ... and the same from the middle
};
template <class T, class A>
MNW_SIMD_INLINE Zipped<T, A> zip(xsimd::batch<T, A> a, xsimd::batch<T, A> b) {
  static_assert(sizeof(T) == 2 || sizeof(T) == 4);
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) {
    const __m512i l = sizeof(T) == 2 ? _mm512_unpacklo_epi16(a, b) : _mm512_unpacklo_epi32(a, b);
    const __m512i h = sizeof(T) == 2 ? _mm512_unpackhi_epi16(a, b) : _mm512_unpackhi_epi32(a, b);
    // Lane i of l and h: the interleaving of 128-bit lane i's halves.
    return {_mm512_permutex2var_epi64(l, _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), h),
            _mm512_permutex2var_epi64(l, _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15), h)};
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) {
    const __m256i l = sizeof(T) == 2 ? _mm256_unpacklo_epi16(a, b) : _mm256_unpacklo_epi32(a, b);
    const __m256i h = sizeof(T) == 2 ? _mm256_unpackhi_epi16(a, b) : _mm256_unpackhi_epi32(a, b);
    return {_mm256_permute2x128_si256(l, h, 0x20), _mm256_permute2x128_si256(l, h, 0x31)};
  }
#endif
  return {xsimd::zip_lo(a, b), xsimd::zip_hi(a, b)};
}

// acc + dot_i16(a, b). With VNNI one instruction (vpdpwssd, which xsimd
// lacks; it wraps like the add) where pmaddwd and the add take two.
template <class A>
MNW_SIMD_INLINE xsimd::batch<int32_t, A> dot_add_i16(xsimd::batch<int32_t, A> acc, xsimd::batch<int16_t, A> a,
                                                     xsimd::batch<int16_t, A> b) {
#if XSIMD_WITH_AVX512BW && defined(__AVX512VNNI__)
  if constexpr (arch::kAvx512<A>) return _mm512_dpwssd_epi32(acc, a, b);
#endif
#if XSIMD_WITH_AVX2 && defined(__AVXVNNI__)
  if constexpr (arch::kAvx2<A>) return _mm256_dpwssd_avx_epi32(acc, a, b);
#endif
  return acc + dot_i16(a, b);
}

// Per lane: the low 32 bits of (int64(a) * b + uint32(rounding)) >> kShift.
template <int kShift, class A>
MNW_SIMD_INLINE xsimd::batch<int32_t, A> mul_round_shift(xsimd::batch<int32_t, A> a, xsimd::batch<int32_t, A> b,
                                                xsimd::batch<int32_t, A> rounding) {
  static_assert(kShift > 0 && kShift < 32);
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) {
    // Lanes 0-1 and 2-3 as 64-bit products; the low words of the shifted sums
    // are the results. Clang 14 only emits extmul when both sign extensions
    // sit next to the multiply; once it hoists the multiplier's out of a loop
    // it emits i64x2.mul, which V8 expands to ~10 instructions (measured: the
    // int8 1x1 kernel 1.6x slower). Opaque operands keep them together.
    v128_t x = a, y = b;
    __asm__ volatile("" : "+r"(x), "+r"(y));
    const v128_t lo = wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(x, y), wasm_u64x2_extend_low_u32x4(rounding));
    const v128_t hi = wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(x, y), wasm_u64x2_extend_high_u32x4(rounding));
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

// Per lane: the high 32 bits of int64(a) * b, i.e. floor(a * b / 2^32).
template <class A>
MNW_SIMD_INLINE xsimd::batch<int32_t, A> mul_high(xsimd::batch<int32_t, A> a, xsimd::batch<int32_t, A> b) {
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) {
    // Opaque operands: see mul_round_shift.
    v128_t x = a, y = b;
    __asm__ volatile("" : "+r"(x), "+r"(y));
    return wasm_i32x4_shuffle(wasm_i64x2_extmul_low_i32x4(x, y), wasm_i64x2_extmul_high_i32x4(x, y), 1, 3, 5, 7);
  }
#endif
  // x86: pmuldq on the even lanes and on the odd ones shifted down; the odd
  // products' high words are already in place.
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) {
    const __m512i even = _mm512_srli_epi64(_mm512_mul_epi32(a, b), 32);
    const __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
    return _mm512_mask_blend_epi32(0xAAAA, even, odd);
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) {
    const __m256i even = _mm256_srli_epi64(_mm256_mul_epi32(a, b), 32);
    const __m256i odd = _mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    return _mm256_blend_epi32(even, odd, 0xAA);
  }
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) {
    const __m128i even = _mm_srli_epi64(_mm_mul_epi32(a, b), 32);
    const __m128i odd = _mm_mul_epi32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
    return _mm_blend_epi16(even, odd, 0xCC);
  }
#endif
  constexpr size_t n = xsimd::batch<int32_t, A>::size;
  alignas(A::alignment()) int32_t x[n], y[n];
  a.store_aligned(x);
  b.store_aligned(y);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<int32_t>((int64_t{x[i]} * y[i]) >> 32);
  return xsimd::batch<int32_t, A>::load_aligned(x);
}

// One vector of int16 from as many values of T (uint8_t or int8_t) from unaligned memory, widened.
template <class T, class A = Arch>
MNW_SIMD_INLINE xsimd::batch<int16_t, A> load_widened(const T* p) {
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

// Per lane (a * b + 2^14) >> 15 (i16x8.q15mulr_sat_s, pmulhrsw); with
// b = 2^(15-s), a rounded half up by s bits. b must not be -2^15 (the one
// product where wasm saturates and x86 wraps).
template <class A>
MNW_SIMD_INLINE xsimd::batch<int16_t, A> mul_round_q15(xsimd::batch<int16_t, A> a, xsimd::batch<int16_t, A> b) {
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return wasm_i16x8_q15mulr_sat(a, b);
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) return _mm512_mulhrs_epi16(a, b);
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) return _mm256_mulhrs_epi16(a, b);
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) return _mm_mulhrs_epi16(a, b);
#endif
  constexpr size_t n = xsimd::batch<int16_t, A>::size;
  alignas(A::alignment()) int16_t x[n], y[n];
  a.store_aligned(x);
  b.store_aligned(y);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<int16_t>((x[i] * y[i] + (1 << 14)) >> 15);
  return xsimd::batch<int16_t, A>::load_aligned(x);
}

// Arithmetic right shift of every lane by one runtime count.
template <class T, class A>
MNW_SIMD_INLINE xsimd::batch<T, A> shift_right(xsimd::batch<T, A> v, int count) {
#if XSIMD_WITH_WASM
  // Clang 14 turns a shift whose count was splatted outside the loop into
  // lane-by-lane extracts, scalar shifts and inserts (measured: the whole
  // depthwise kernel 2x slower); an opaque count keeps the splat next to the
  // vector shift.
  if constexpr (arch::kWasm<A>) __asm__ volatile("" : "+r"(count));
#endif
  return v >> count;
}

// Saturating narrowing of a then b to one vector of half-width lanes, in
// lane order (x86 packs work per 128-bit block: a permute restores it).
template <class A>
MNW_SIMD_INLINE xsimd::batch<int16_t, A> narrow(xsimd::batch<int32_t, A> a, xsimd::batch<int32_t, A> b) {
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return wasm_i16x8_narrow_i32x4(a, b);
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) {
    return _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7), _mm512_packs_epi32(a, b));
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) return _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) return _mm_packs_epi32(a, b);
#endif
  constexpr size_t n = xsimd::batch<int32_t, A>::size;
  alignas(A::alignment()) int32_t x[2 * n];
  alignas(A::alignment()) int16_t r[2 * n];
  a.store_aligned(x);
  b.store_aligned(x + n);
  for (size_t i = 0; i < 2 * n; ++i) r[i] = static_cast<int16_t>(std::clamp<int32_t>(x[i], INT16_MIN, INT16_MAX));
  return xsimd::batch<int16_t, A>::load_aligned(r);
}

// The same from int16 to T (uint8_t or int8_t).
template <class T, class A>
MNW_SIMD_INLINE xsimd::batch<T, A> narrow(xsimd::batch<int16_t, A> a, xsimd::batch<int16_t, A> b) {
  static_assert(std::is_same_v<T, uint8_t> || std::is_same_v<T, int8_t>);
  constexpr bool kSigned = std::is_signed_v<T>;
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return kSigned ? wasm_i8x16_narrow_i16x8(a, b) : wasm_u8x16_narrow_i16x8(a, b);
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) {
    return _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7),
                                    kSigned ? _mm512_packs_epi16(a, b) : _mm512_packus_epi16(a, b));
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) {
    return _mm256_permute4x64_epi64(kSigned ? _mm256_packs_epi16(a, b) : _mm256_packus_epi16(a, b), 0xD8);
  }
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) return kSigned ? _mm_packs_epi16(a, b) : _mm_packus_epi16(a, b);
#endif
  constexpr size_t n = xsimd::batch<int16_t, A>::size;
  alignas(A::alignment()) int16_t x[2 * n];
  alignas(A::alignment()) T r[2 * n];
  a.store_aligned(x);
  b.store_aligned(x + n);
  for (size_t i = 0; i < 2 * n; ++i) {
    r[i] = static_cast<T>(std::clamp<int32_t>(x[i], std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
  }
  return xsimd::batch<T, A>::load_aligned(r);
}

// Stores half kHalf (0: the low lanes, 1: the high ones) of v.
template <int kHalf, class T, class A>
MNW_SIMD_INLINE void store_half(T* p, xsimd::batch<T, A> v) {
  static_assert(kHalf == 0 || kHalf == 1);
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return wasm_v128_store64_lane(p, v, kHalf);
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) {
    return _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_extracti64x4_epi64(v, kHalf));
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) {
    return _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm256_extracti128_si256(v, kHalf));
  }
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) {
    return _mm_storel_epi64(reinterpret_cast<__m128i*>(p), kHalf == 0 ? __m128i(v) : _mm_unpackhi_epi64(v, v));
  }
#endif
  constexpr size_t n = xsimd::batch<T, A>::size;
  alignas(A::alignment()) T r[n];
  v.store_aligned(r);
  std::copy(r + kHalf * n / 2, r + (kHalf + 1) * n / 2, p);
}

// The int16 lanes of half kHalf (0: the low lanes, 1: the high ones) of v,
// sign-extended to int32, in lane order.
template <int kHalf, class A>
MNW_SIMD_INLINE xsimd::batch<int32_t, A> widen(xsimd::batch<int16_t, A> v) {
  static_assert(kHalf == 0 || kHalf == 1);
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return kHalf == 0 ? wasm_i32x4_extend_low_i16x8(v) : wasm_i32x4_extend_high_i16x8(v);
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) return _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(v, kHalf));
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) return _mm256_cvtepi16_epi32(_mm256_extracti128_si256(v, kHalf));
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) return _mm_cvtepi16_epi32(kHalf == 0 ? __m128i(v) : _mm_unpackhi_epi64(v, v));
#endif
  constexpr size_t n = xsimd::batch<int32_t, A>::size;
  alignas(A::alignment()) int16_t x[2 * n];
  alignas(A::alignment()) int32_t r[n];
  v.store_aligned(x);
  for (size_t i = 0; i < n; ++i) r[i] = x[kHalf * n + i];
  return xsimd::batch<int32_t, A>::load_aligned(r);
}

// Adding 1.5 * 2^23 puts a whole number below 2^22 in magnitude into the low
// mantissa bits, where the magic number's own bits are subtracted again.
template <class A = Arch>
MNW_SIMD_INLINE xsimd::batch<int32_t, A> whole_to_int32(xsimd::batch<float, A> v, int32_t plus) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23, bits 0x4B400000
  return xsimd::bitwise_cast<int32_t>(v + xsimd::batch<float, A>(kMagic)) - xsimd::batch<int32_t, A>(0x4B400000 - plus);
}

template <class A = Arch>
MNW_SIMD_INLINE xsimd::batch<float, A> clamp_float(xsimd::batch<float, A> v, xsimd::batch<float, A> lo,
                                                   xsimd::batch<float, A> hi) {
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi);
#endif
  return xsimd::min(xsimd::max(v, lo), hi);
}

// NaN lanes to +0, the others as they are: the mask x == x applied with an
// and, where the backend turns xsimd's select into a bitselect (3
// instructions in V8).
template <class A = Arch>
MNW_SIMD_INLINE xsimd::batch<float, A> nan_to_zero(xsimd::batch<float, A> v) {
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return wasm_v128_and(v, wasm_f32x4_eq(v, v));
#endif
  return xsimd::select(v == v, v, xsimd::batch<float, A>(0.0f));
}

// 16 bytes from p (any alignment), repeated in every 128-bit block: the
// table of lookup16, which x86 shuffles within each block.
template <class A = Arch>
MNW_SIMD_INLINE xsimd::batch<uint8_t, A> load_table16(const uint8_t* p) {
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return wasm_v128_load(p);
#endif
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
#endif
  constexpr size_t n = xsimd::batch<uint8_t, A>::size;
  alignas(A::alignment()) uint8_t r[n];
  for (size_t i = 0; i < n; ++i) r[i] = p[i % 16];
  return xsimd::batch<uint8_t, A>::load_aligned(r);
}

// Per lane table[index] for index < 16, 0 otherwise; `table` from load_table16.
template <class A>
MNW_SIMD_INLINE xsimd::batch<uint8_t, A> lookup16(xsimd::batch<uint8_t, A> table, xsimd::batch<uint8_t, A> index) {
#if XSIMD_WITH_WASM
  if constexpr (arch::kWasm<A>) return wasm_i8x16_swizzle(table, index);
#endif
  // pshufb zeroes the lanes whose index has the top bit set and otherwise
  // takes index % 16: a saturating add of 0x70 sets the top bit exactly for
  // indices >= 16 and keeps the low four bits (V8's i8x16.swizzle on x86).
#if XSIMD_WITH_AVX512BW
  if constexpr (arch::kAvx512<A>) return _mm512_shuffle_epi8(table, _mm512_adds_epu8(index, _mm512_set1_epi8(0x70)));
#endif
#if XSIMD_WITH_AVX2
  if constexpr (arch::kAvx2<A>) return _mm256_shuffle_epi8(table, _mm256_adds_epu8(index, _mm256_set1_epi8(0x70)));
#endif
#if XSIMD_WITH_SSE4_1
  if constexpr (arch::kSse41<A>) return _mm_shuffle_epi8(table, _mm_adds_epu8(index, _mm_set1_epi8(0x70)));
#endif
  constexpr size_t n = xsimd::batch<uint8_t, A>::size;
  alignas(A::alignment()) uint8_t t[n], x[n];
  table.store_aligned(t);
  index.store_aligned(x);
  for (size_t i = 0; i < n; ++i) x[i] = x[i] < 16 ? t[i / 16 * 16 + x[i]] : 0;
  return xsimd::batch<uint8_t, A>::load_aligned(x);
}

}  // namespace mnw::simd

#endif
