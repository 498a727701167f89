#include "kernels/simd/conv_2d.hpp"

#include "kernels/simd/xsimd_extensions.hpp"
#if !defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)  // see simd_kernels.cpp

#include <algorithm>
#include <cstring>

#include "kernels/simd/requantize.hpp"

namespace mnw::simd {
namespace {

constexpr size_t kTileRows = 4;
constexpr size_t kTileChannels = 2 * kLanes;
// Bytes of packed A per block: with a weight tile, stays in L1.
constexpr size_t kBlockBytes = 16 * 1024;

size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

// Half kHalf of `bytes` (one row of a tile) to dst, `channels` of it.
template <int kHalf, class T>
void store_row(T* dst, xsimd::batch<T, Arch> bytes, size_t channels) {
  if (channels == kTileChannels) return store_half<kHalf>(dst, bytes);
  T row[kTileChannels];
  store_half<kHalf>(row, bytes);
  std::memcpy(dst, row, channels * sizeof(T));
}

// acc[r] = bias + row r of a group of A times one weight tile; the group
// holds each k-pair of its kRows rows side by side, [pair][row], so that the
// broadcasts of one k-pair read one address plus constants. A function of
// its own: V8 allocates registers per function, and spills the accumulators
// inside the loop when the requantization shares it (measured: 1.5x slower
// on large K).
template <size_t kRows>
__attribute__((noinline)) void accumulate(const int32_t* a, size_t pairs, const int16_t* w, const int32_t* bias,
                                          I32 (&acc)[kRows][2]) {
  const I32 bias_lo = I32::load_aligned(bias), bias_hi = I32::load_aligned(bias + kLanes);
  I32 sum[kRows][2];
  for (size_t r = 0; r < kRows; ++r) {
    sum[r][0] = bias_lo;
    sum[r][1] = bias_hi;
  }
  // Pointers advanced by hand: Emscripten runs LLVM without loop strength
  // reduction, and V8 then recomputes every address from the index. Not
  // unrolled: V8 hoists the second step's loads and runs out of registers.
  for (const int32_t* end = a + pairs * kRows; a != end; a += kRows, w += 2 * kLanes16) {
    const I16 w_lo = I16::load_aligned(w), w_hi = I16::load_aligned(w + kLanes16);
    for (size_t r = 0; r < kRows; ++r) {
      const I16 x = xsimd::bitwise_cast<int16_t>(I32(a[r]));
      sum[r][0] += dot_i16(x, w_lo);
      sum[r][1] += dot_i16(x, w_hi);
    }
  }
  for (size_t r = 0; r < kRows; ++r) {
    acc[r][0] = sum[r][0];
    acc[r][1] = sum[r][1];
  }
}

// A group of A times one weight tile, requantized and stored to
// out + r * out_stride, `channels` (<= kTileChannels) of each row.
template <size_t kRows, Epilogue E, class T>
void gemm_tile(const int32_t* a, size_t pairs, const int16_t* w, const int32_t* bias, const RequantView& q,
               const OutputClamp<T>& clamp, size_t oc, T* out, size_t out_stride, size_t channels) {
  I32 acc[kRows][2];
  accumulate<kRows>(a, pairs, w, bias, acc);
  I16 rows[kRows];
  for (size_t r = 0; r < kRows; ++r) {
    rows[r] = add_zero_point(q, scale<E>(q, acc[r][0], oc), scale<E>(q, acc[r][1], oc + kLanes));
  }
  // Two rows per byte vector.
  for (size_t r = 0; r < kRows; r += 2) {
    if (r + 1 < kRows) {
      const auto bytes = clamp(rows[r], rows[r + 1]);
      store_row<0>(out + r * out_stride, bytes, channels);
      store_row<1>(out + (r + 1) * out_stride, bytes, channels);
    } else {
      store_row<0>(out + r * out_stride, clamp(rows[r], rows[r]), channels);
    }
  }
}

class Conv2D final : public ConvKernel {
 public:
  explicit Conv2D(const ConvDesc& d);
  void run(const void* input, void* output) const override;
  const char* name() const override { return "simd conv_2d"; }

 private:
  template <class T>
  void pack_group(const T* input, size_t first_row, size_t rows, int32_t* group) const;
  template <class T>
  void pack_row(const T* input, size_t row, int16_t* dst) const;
  template <class T, Epilogue E>
  void run_typed(const T* input, T* output) const;

  ConvGeometry g_;
  DType dtype_;
  int32_t input_zero_point_;
  size_t k_;            // kernel_h * kernel_w * in_c
  size_t pairs_;        // k_ in pairs, the last one padded with a zero
  size_t tiles_;        // weight tiles of kTileChannels
  size_t block_rows_;   // A rows packed at once, a multiple of kTileRows
  bool pointwise_;      // each A row is one input pixel as is
  AlignedVector<int16_t> weights_;  // [tile][k pair][2 vectors]
  AlignedVector<int32_t> bias_;     // [tiles * kTileChannels], zero point folded in
  Requantizer requantizer_;
  // Scratch, so a kernel object runs one convolution at a time: the packed A
  // of the current block, in groups of kTileRows rows, and one A row.
  mutable AlignedVector<int32_t> a_;
  mutable AlignedVector<int16_t> row_;
};

Conv2D::Conv2D(const ConvDesc& d)
    : g_(d.geometry),
      dtype_(d.dtype),
      input_zero_point_(d.input_zero_point),
      k_(static_cast<size_t>(g_.kernel_h) * g_.kernel_w * g_.in_c),
      pairs_((k_ + 1) / 2),
      tiles_(round_up(static_cast<size_t>(g_.out_c), kTileChannels) / kTileChannels),
      pointwise_(g_.kernel_h == 1 && g_.kernel_w == 1 && g_.stride_h == 1 && g_.stride_w == 1 &&
                 g_.pad_top == 0 && g_.pad_left == 0),
      weights_(tiles_ * pairs_ * 2 * kTileChannels, 0),
      bias_(tiles_ * kTileChannels, 0),
      requantizer_(d, tiles_ * kTileChannels),
      row_(2 * pairs_ + kLanes16, 0) {
  const size_t rows = static_cast<size_t>(g_.batch) * g_.out_h * g_.out_w;
  const size_t fitting = kBlockBytes / (pairs_ * sizeof(int32_t)) / kTileRows * kTileRows;
  block_rows_ = std::min(round_up(rows, kTileRows), std::max(kTileRows, fitting));
  a_.assign(block_rows_ * pairs_, 0);
  for (size_t oc = 0; oc < static_cast<size_t>(g_.out_c); ++oc) {
    const int16_t* src = d.filter.data() + oc * k_;
    // Tile, then k pair, then which of the two vectors, then lane pair.
    int16_t* dst = weights_.data() + (oc / kTileChannels) * pairs_ * 2 * kTileChannels +
                   (oc % kTileChannels / kLanes) * kLanes16 + oc % kLanes * 2;
    uint32_t sum = 0;
    for (size_t k = 0; k < k_; ++k) {
      dst[k / 2 * 2 * kLanes16 + k % 2] = src[k];
      sum += static_cast<uint32_t>(src[k]);
    }
    bias_[oc] = static_cast<int32_t>(static_cast<uint32_t>(d.bias[oc]) -
                                     static_cast<uint32_t>(input_zero_point_) * sum);
  }
}

// Row `row` of A into dst (2 * pairs_ int16): the taps of the output pixel,
// padding taps as the input zero point, a zero filler for the last pair.
template <class T>
void Conv2D::pack_row(const T* input, size_t row, int16_t* dst) const {
  const size_t in_c = static_cast<size_t>(g_.in_c);
  if (pointwise_) {
    const T* src = input + row * in_c;
    size_t c = 0;
    for (; c + kLanes16 <= in_c; c += kLanes16) load_widened(src + c).store_unaligned(dst + c);
    for (; c < in_c; ++c) dst[c] = src[c];
  } else {
    const size_t pixels = static_cast<size_t>(g_.out_h) * g_.out_w;
    const int b = static_cast<int>(row / pixels);
    const int oy = static_cast<int>(row % pixels) / g_.out_w;
    const int ox = static_cast<int>(row % pixels) % g_.out_w;
    int16_t* tap = dst;
    for (int ky = 0; ky < g_.kernel_h; ++ky) {
      const int iy = oy * g_.stride_h - g_.pad_top + ky * g_.dilation_h;
      for (int kx = 0; kx < g_.kernel_w; ++kx, tap += in_c) {
        const int ix = ox * g_.stride_w - g_.pad_left + kx * g_.dilation_w;
        if (iy < 0 || iy >= g_.in_h || ix < 0 || ix >= g_.in_w) {
          std::fill(tap, tap + in_c, static_cast<int16_t>(input_zero_point_));
        } else {
          const T* src = input + ((static_cast<size_t>(b) * g_.in_h + iy) * g_.in_w + ix) * in_c;
          std::copy(src, src + in_c, tap);
        }
      }
    }
  }
  if (k_ % 2 != 0) dst[k_] = 0;
}

// Rows [first_row, first_row + rows) of A as one group, [pair][row].
template <class T>
void Conv2D::pack_group(const T* input, size_t first_row, size_t rows, int32_t* group) const {
  size_t j = 0;
  if (pointwise_ && rows == 4) {
    // Four pixels widened, their k-pairs transposed to [pair][row].
    static_assert(kTileRows == 4);
    const size_t in_c = static_cast<size_t>(g_.in_c);
    const T* src = input + first_row * in_c;
    for (; 2 * j + kLanes16 <= in_c; j += kLanes) {
      const size_t k = 2 * j;
      const I32 r0 = xsimd::bitwise_cast<int32_t>(load_widened(src + k));
      const I32 r1 = xsimd::bitwise_cast<int32_t>(load_widened(src + in_c + k));
      const I32 r2 = xsimd::bitwise_cast<int32_t>(load_widened(src + 2 * in_c + k));
      const I32 r3 = xsimd::bitwise_cast<int32_t>(load_widened(src + 3 * in_c + k));
      const I32 t0 = xsimd::zip_lo(r0, r2), t1 = xsimd::zip_hi(r0, r2);
      const I32 t2 = xsimd::zip_lo(r1, r3), t3 = xsimd::zip_hi(r1, r3);
      int32_t* dst = group + j * 4;
      xsimd::zip_lo(t0, t2).store_unaligned(dst);
      xsimd::zip_hi(t0, t2).store_unaligned(dst + kLanes);
      xsimd::zip_lo(t1, t3).store_unaligned(dst + 2 * kLanes);
      xsimd::zip_hi(t1, t3).store_unaligned(dst + 3 * kLanes);
    }
    if (j == pairs_) return;
  }
  // The rest row by row through row_.
  for (size_t r = 0; r < rows; ++r) {
    pack_row(input, first_row + r, row_.data());
    const int16_t* row = row_.data();
    for (size_t p = j; p < pairs_; ++p) std::memcpy(group + p * rows + r, row + 2 * p, sizeof(int32_t));
  }
}

template <class T, Epilogue E>
void Conv2D::run_typed(const T* input, T* output) const {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  const size_t out_c = static_cast<size_t>(g_.out_c);
  const size_t rows = static_cast<size_t>(g_.batch) * g_.out_h * g_.out_w;
  for (size_t first = 0; first < rows; first += block_rows_) {
    const size_t block = std::min(block_rows_, rows - first);
    const size_t full_groups = block / kTileRows, tail = block % kTileRows;
    for (size_t g = 0; g < full_groups; ++g) {
      pack_group(input, first + g * kTileRows, kTileRows, a_.data() + g * kTileRows * pairs_);
    }
    int32_t* tail_group = a_.data() + full_groups * kTileRows * pairs_;
    if (tail > 0) pack_group(input, first + full_groups * kTileRows, tail, tail_group);
    for (size_t t = 0; t < tiles_; ++t) {
      const size_t oc = t * kTileChannels;
      const size_t channels = std::min(kTileChannels, out_c - oc);
      const int16_t* w = weights_.data() + t * pairs_ * 2 * kTileChannels;
      const int32_t* bias = bias_.data() + oc;
      T* out = output + first * out_c + oc;
      for (size_t g = 0; g < full_groups; ++g) {
        gemm_tile<kTileRows, E>(a_.data() + g * kTileRows * pairs_, pairs_, w, bias, q, clamp, oc,
                                out + g * kTileRows * out_c, out_c, channels);
      }
      T* tail_out = out + full_groups * kTileRows * out_c;
      switch (tail) {
        case 3: gemm_tile<3, E>(tail_group, pairs_, w, bias, q, clamp, oc, tail_out, out_c, channels); break;
        case 2: gemm_tile<2, E>(tail_group, pairs_, w, bias, q, clamp, oc, tail_out, out_c, channels); break;
        case 1: gemm_tile<1, E>(tail_group, pairs_, w, bias, q, clamp, oc, tail_out, out_c, channels); break;
        default: break;
      }
    }
  }
}

void Conv2D::run(const void* input, void* output) const {
  const auto dispatch = [&](auto* in, auto* out) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(in)>>;
    switch (requantizer_.epilogue()) {
      case Epilogue::kDoubleRounding: return run_typed<T, Epilogue::kDoubleRounding>(in, out);
      case Epilogue::kSingleRounding: return run_typed<T, Epilogue::kSingleRounding>(in, out);
      case Epilogue::kDoubleRoundingPerTensor: return run_typed<T, Epilogue::kDoubleRoundingPerTensor>(in, out);
      case Epilogue::kSingleRoundingPerTensor: return run_typed<T, Epilogue::kSingleRoundingPerTensor>(in, out);
      case Epilogue::kScalar: return run_typed<T, Epilogue::kScalar>(in, out);
    }
  };
  if (dtype_ == DType::kUInt8) {
    dispatch(static_cast<const uint8_t*>(input), static_cast<uint8_t*>(output));
  } else {
    dispatch(static_cast<const int8_t*>(input), static_cast<int8_t*>(output));
  }
}

}  // namespace

std::unique_ptr<ConvKernel> make_conv_2d(const ConvDesc& desc) {
  if (desc.dtype != DType::kUInt8 && desc.dtype != DType::kInt8) return nullptr;
  return std::make_unique<Conv2D>(desc);
}

}  // namespace mnw::simd

#endif
