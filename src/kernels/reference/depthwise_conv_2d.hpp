// Reference DEPTHWISE_CONV_2D with depth multiplier 1: each channel is
// convolved with its own kernel_h x kernel_w filter.
#pragma once

#include <cstdint>

#include "kernels/conv2d.hpp"
#include "kernels/reference/requantize.hpp"

namespace mnw::reference {

template <typename T>
void depthwise_conv_2d(const ConvDesc& d, const T* input, T* output) {
  const ConvGeometry& g = d.geometry;
  for (int b = 0; b < g.batch; ++b) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        for (int c = 0; c < g.out_c; ++c) {
          int32_t acc = d.bias[static_cast<size_t>(c)];
          for (int ky = 0; ky < g.kernel_h; ++ky) {
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const int32_t x = input[((static_cast<size_t>(b) * g.in_h + iy) * g.in_w + ix) * g.in_c + c];
              const int32_t w = d.filter[(static_cast<size_t>(ky) * g.kernel_w + kx) * g.out_c + c];
              acc += (x - d.input_zero_point) * w;
            }
          }
          const int32_t out = requantize(d, acc, c);
          output[((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * g.out_c + c] = static_cast<T>(out);
        }
      }
    }
  }
}

}  // namespace mnw::reference
