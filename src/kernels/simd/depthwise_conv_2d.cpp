#include "kernels/simd/depthwise_conv_2d.hpp"

#include "kernels/simd/xsimd_extensions.hpp"
#if !defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)  // see simd_kernels.cpp

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/simd/requantize.hpp"

namespace mnw::simd {
namespace {

constexpr size_t kBlock = kLanes16;  // channels per block: one widened load
constexpr int kMaxTaps = 64;         // tap pointers live on the stack

size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

class DepthwiseConv2D final : public ConvKernel {
 public:
  explicit DepthwiseConv2D(const ConvDesc& d);
  void run(const void* input, void* output) const override;
  const char* name() const override { return "simd depthwise_conv_2d"; }

 private:
  template <class T, Epilogue E>
  void run_typed(const T* input, T* output) const;

  ConvGeometry g_;
  DType dtype_;
  size_t channels_, padded_channels_, pairs_;
  std::vector<unsigned char> zero_point_row_;  // padded_channels_ input zero points
  AlignedVector<int16_t> weights_;             // [block][tap pair][2 vectors]
  AlignedVector<int32_t> bias_;                // zero point folded in
  Requantizer requantizer_;
  // Input pixels near the end of the tensor, copied with slack for the last
  // block's over-read. Scratch: a kernel object runs one convolution at a time.
  size_t bounce_pixels_;
  mutable std::vector<unsigned char> bounce_;
};

DepthwiseConv2D::DepthwiseConv2D(const ConvDesc& d)
    : g_(d.geometry),
      dtype_(d.dtype),
      channels_(static_cast<size_t>(g_.out_c)),
      padded_channels_(round_up(channels_, kBlock)),
      pairs_(static_cast<size_t>(g_.kernel_h * g_.kernel_w + 1) / 2),
      zero_point_row_(padded_channels_, static_cast<unsigned char>(d.input_zero_point)),
      weights_(padded_channels_ * pairs_ * 2, 0),
      bias_(padded_channels_, 0),
      requantizer_(d, padded_channels_) {
  const size_t taps = static_cast<size_t>(g_.kernel_h) * g_.kernel_w;
  for (size_t c = 0; c < channels_; ++c) {
    // Block, then tap pair, then which of the two vectors, then lane pair.
    int16_t* dst = weights_.data() + c / kBlock * pairs_ * 2 * kLanes16 + c % kBlock / kLanes * kLanes16 +
                   c % kLanes * 2;
    uint32_t sum = 0;
    for (size_t t = 0; t < taps; ++t) {
      const int16_t w = d.filter[t * channels_ + c];
      dst[t / 2 * 2 * kLanes16 + t % 2] = w;
      sum += static_cast<uint32_t>(w);
    }
    bias_[c] = static_cast<int32_t>(static_cast<uint32_t>(d.bias[c]) -
                                    static_cast<uint32_t>(d.input_zero_point) * sum);
  }
  const size_t input_pixels = static_cast<size_t>(g_.batch) * g_.in_h * g_.in_w;
  bounce_pixels_ = padded_channels_ == channels_ ? 0 : std::min(input_pixels, padded_channels_ / channels_ + 1);
  bounce_.assign(bounce_pixels_ * channels_ + padded_channels_, 0);
}

template <class T, Epilogue E>
void DepthwiseConv2D::run_typed(const T* input, T* output) const {
  const RequantView q = requantizer_.view();
  const ConvGeometry& g = g_;
  const size_t c_count = channels_;
  const size_t in_row = static_cast<size_t>(g.in_w) * c_count;
  const T* zero_point_row = reinterpret_cast<const T*>(zero_point_row_.data());
  // Input pointers at or past bounce_from move into the padded copy.
  const T* input_end = input + static_cast<size_t>(g.batch) * g.in_h * in_row;
  const T* bounce_from = input_end - bounce_pixels_ * c_count;
  const T* bounce = reinterpret_cast<const T*>(bounce_.data());
  if (bounce_pixels_ > 0) std::memcpy(bounce_.data(), bounce_from, bounce_pixels_ * c_count * sizeof(T));

  // Offsets of the taps from the top-left one, for pixels away from the edges.
  const int taps = g.kernel_h * g.kernel_w;
  ptrdiff_t offsets[kMaxTaps];
  for (int ky = 0, t = 0; ky < g.kernel_h; ++ky) {
    for (int kx = 0; kx < g.kernel_w; ++kx, ++t) {
      offsets[t] = (static_cast<ptrdiff_t>(ky) * g.dilation_h * g.in_w + kx * g.dilation_w) * c_count;
    }
  }
  const int span_h = (g.kernel_h - 1) * g.dilation_h, span_w = (g.kernel_w - 1) * g.dilation_w;

  const T* tap[kMaxTaps];
  for (int b = 0; b < g.batch; ++b) {
    const T* image = input + static_cast<size_t>(b) * g.in_h * in_row;
    for (int oy = 0; oy < g.out_h; ++oy) {
      const int iy0 = oy * g.stride_h - g.pad_top;
      const bool rows_inside = iy0 >= 0 && iy0 + span_h < g.in_h;
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_left;
        if (rows_inside && ix0 >= 0 && ix0 + span_w < g.in_w) {
          const T* top_left = image + static_cast<size_t>(iy0) * in_row + static_cast<size_t>(ix0) * c_count;
          for (int t = 0; t < taps; ++t) tap[t] = top_left + offsets[t];
        } else {
          for (int ky = 0, t = 0; ky < g.kernel_h; ++ky) {
            const int iy = iy0 + ky * g.dilation_h;
            for (int kx = 0; kx < g.kernel_w; ++kx, ++t) {
              const int ix = ix0 + kx * g.dilation_w;
              tap[t] = iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w
                           ? zero_point_row
                           : image + static_cast<size_t>(iy) * in_row + static_cast<size_t>(ix) * c_count;
            }
          }
        }
        if (bounce_pixels_ > 0) {
          for (int t = 0; t < taps; ++t) {
            if (tap[t] != zero_point_row && tap[t] >= bounce_from) tap[t] = bounce + (tap[t] - bounce_from);
          }
        }
        if (taps % 2 != 0) tap[taps] = tap[taps - 1];

        T* out = output + ((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * c_count;
        const int16_t* w = weights_.data();
        for (size_t c = 0; c < c_count; c += kBlock) {
          I32 acc_lo = I32::load_aligned(bias_.data() + c), acc_hi = I32::load_aligned(bias_.data() + c + kLanes);
          for (size_t p = 0; p < pairs_; ++p, w += 2 * kLanes16) {
            const I16 x0 = load_widened(tap[2 * p] + c), x1 = load_widened(tap[2 * p + 1] + c);
            acc_lo += dot_i16(xsimd::zip_lo(x0, x1), I16::load_aligned(w));
            acc_hi += dot_i16(xsimd::zip_hi(x0, x1), I16::load_aligned(w + kLanes16));
          }
          const I32 lo = requantize<E>(q, acc_lo, c), hi = requantize<E>(q, acc_hi, c + kLanes);
          if (c + kBlock <= c_count) {
            store_narrowed(out + c, lo, hi);
          } else {
            T tail[kBlock];
            store_narrowed(tail, lo, hi);
            std::memcpy(out + c, tail, (c_count - c) * sizeof(T));
          }
        }
      }
    }
  }
}

void DepthwiseConv2D::run(const void* input, void* output) const {
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

std::unique_ptr<ConvKernel> make_depthwise_conv_2d(const ConvDesc& desc) {
  if (desc.dtype != DType::kUInt8 && desc.dtype != DType::kInt8) return nullptr;
  const ConvGeometry& g = desc.geometry;
  // Depth multiplier 1 only; tap pointers (one spare for an odd count) on the stack.
  if (g.in_c != g.out_c || g.kernel_h * g.kernel_w + 1 > kMaxTaps) return nullptr;
  return std::make_unique<DepthwiseConv2D>(desc);
}

}  // namespace mnw::simd

#endif
