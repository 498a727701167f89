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

// Rows r of `a` (stride kp int16) times one weight tile, requantized and
// stored to out + r * out_stride, `channels` (<= kTileChannels) of them.
template <size_t kRows, Epilogue E, class T>
void gemm_tile(const int16_t* a, size_t kp, const int16_t* w, const int32_t* bias, const RequantView& q,
               size_t oc, T* out, size_t out_stride, size_t channels) {
  I32 acc[kRows][2];
  const I32 bias_lo = I32::load_aligned(bias), bias_hi = I32::load_aligned(bias + kLanes);
  for (size_t r = 0; r < kRows; ++r) {
    acc[r][0] = bias_lo;
    acc[r][1] = bias_hi;
  }
  for (size_t k = 0; k < kp; k += 2, w += 2 * kLanes16) {
    const I16 w_lo = I16::load_aligned(w), w_hi = I16::load_aligned(w + kLanes16);
    for (size_t r = 0; r < kRows; ++r) {
      int32_t pair;
      std::memcpy(&pair, a + r * kp + k, sizeof pair);
      const I16 x = xsimd::bitwise_cast<int16_t>(I32(pair));
      acc[r][0] += dot_i16(x, w_lo);
      acc[r][1] += dot_i16(x, w_hi);
    }
  }
  for (size_t r = 0; r < kRows; ++r) {
    const I32 lo = requantize<E>(q, acc[r][0], oc), hi = requantize<E>(q, acc[r][1], oc + kLanes);
    T* dst = out + r * out_stride;
    if (channels == kTileChannels) {
      store_narrowed(dst, lo, hi);
    } else {
      T tail[kTileChannels];
      store_narrowed(tail, lo, hi);
      std::memcpy(dst, tail, channels * sizeof(T));
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
  void pack_rows(const T* input, size_t first_row, size_t rows) const;
  template <class T, Epilogue E>
  void run_typed(const T* input, T* output) const;

  ConvGeometry g_;
  DType dtype_;
  int32_t input_zero_point_;
  size_t k_;            // kernel_h * kernel_w * in_c
  size_t kp_;           // k_ rounded up to a pair
  size_t tiles_;        // weight tiles of kTileChannels
  size_t block_rows_;   // A rows packed at once
  bool pointwise_;      // each A row is one input pixel as is
  AlignedVector<int16_t> weights_;  // [tile][k pair][2 vectors]
  AlignedVector<int32_t> bias_;     // [tiles * kTileChannels], zero point folded in
  Requantizer requantizer_;
  // Packed A rows of the current block. Scratch: a kernel object runs one
  // convolution at a time.
  mutable AlignedVector<int16_t> a_;
};

Conv2D::Conv2D(const ConvDesc& d)
    : g_(d.geometry),
      dtype_(d.dtype),
      input_zero_point_(d.input_zero_point),
      k_(static_cast<size_t>(g_.kernel_h) * g_.kernel_w * g_.in_c),
      kp_(round_up(k_, 2)),
      tiles_(round_up(static_cast<size_t>(g_.out_c), kTileChannels) / kTileChannels),
      pointwise_(g_.kernel_h == 1 && g_.kernel_w == 1 && g_.stride_h == 1 && g_.stride_w == 1 &&
                 g_.pad_top == 0 && g_.pad_left == 0),
      weights_(tiles_ * kp_ * kTileChannels, 0),
      bias_(tiles_ * kTileChannels, 0),
      requantizer_(d, tiles_ * kTileChannels) {
  const size_t rows = static_cast<size_t>(g_.batch) * g_.out_h * g_.out_w;
  block_rows_ = std::min(rows, std::max(kTileRows, kBlockBytes / (kp_ * sizeof(int16_t)) / kTileRows * kTileRows));
  a_.assign(block_rows_ * kp_, 0);
  for (size_t oc = 0; oc < static_cast<size_t>(g_.out_c); ++oc) {
    const int16_t* src = d.filter.data() + oc * k_;
    // Tile, then k pair, then which of the two vectors, then lane pair.
    int16_t* dst = weights_.data() + (oc / kTileChannels) * kp_ * kTileChannels +
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

// Rows [first_row, first_row + rows) of A into a_: the taps of each output
// pixel as int16, padding taps as the input zero point, a zero pair filler.
template <class T>
void Conv2D::pack_rows(const T* input, size_t first_row, size_t rows) const {
  const size_t in_c = static_cast<size_t>(g_.in_c);
  for (size_t r = 0; r < rows; ++r) {
    int16_t* dst = a_.data() + r * kp_;
    const size_t m = first_row + r;
    if (pointwise_) {
      const T* src = input + m * in_c;
      size_t c = 0;
      for (; c + kLanes16 <= in_c; c += kLanes16) load_widened(src + c).store_unaligned(dst + c);
      for (; c < in_c; ++c) dst[c] = src[c];
    } else {
      const size_t pixels = static_cast<size_t>(g_.out_h) * g_.out_w;
      const int b = static_cast<int>(m / pixels);
      const int oy = static_cast<int>(m % pixels) / g_.out_w;
      const int ox = static_cast<int>(m % pixels) % g_.out_w;
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
    if (kp_ != k_) dst[k_] = 0;
  }
}

template <class T, Epilogue E>
void Conv2D::run_typed(const T* input, T* output) const {
  const RequantView q = requantizer_.view();
  const size_t out_c = static_cast<size_t>(g_.out_c);
  const size_t rows = static_cast<size_t>(g_.batch) * g_.out_h * g_.out_w;
  for (size_t first = 0; first < rows; first += block_rows_) {
    const size_t block = std::min(block_rows_, rows - first);
    pack_rows(input, first, block);
    for (size_t t = 0; t < tiles_; ++t) {
      const size_t oc = t * kTileChannels;
      const size_t channels = std::min(kTileChannels, out_c - oc);
      const int16_t* w = weights_.data() + t * kp_ * kTileChannels;
      const int32_t* bias = bias_.data() + oc;
      T* out = output + first * out_c + oc;
      size_t r = 0;
      for (; r + kTileRows <= block; r += kTileRows) {
        gemm_tile<kTileRows, E>(a_.data() + r * kp_, kp_, w, bias, q, oc, out + r * out_c, out_c, channels);
      }
      const int16_t* a = a_.data() + r * kp_;
      switch (block - r) {
        case 3: gemm_tile<3, E>(a, kp_, w, bias, q, oc, out + r * out_c, out_c, channels); break;
        case 2: gemm_tile<2, E>(a, kp_, w, bias, q, oc, out + r * out_c, out_c, channels); break;
        case 1: gemm_tile<1, E>(a, kp_, w, bias, q, oc, out + r * out_c, out_c, channels); break;
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
