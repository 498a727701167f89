// Reference CONV_2D: the definition of the arithmetic, one output at a time.
// Out-of-bounds taps (padding) contribute nothing, i.e. they read as the
// input zero point, exactly as TFLite's reference kernel.
#pragma once

#include <cstdint>

#include "kernels/conv2d.hpp"
#include "kernels/reference/requantize.hpp"

namespace mnw::reference {

template <typename T>
void conv_2d(const ConvDesc& d, const T* input, T* output) {
  const ConvGeometry& g = d.geometry;
  for (int b = 0; b < g.batch; ++b) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        for (int oc = 0; oc < g.out_c; ++oc) {
          int32_t acc = d.bias[static_cast<size_t>(oc)];
          for (int ky = 0; ky < g.kernel_h; ++ky) {
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const T* in = input + ((static_cast<size_t>(b) * g.in_h + iy) * g.in_w + ix) * g.in_c;
              const int16_t* w =
                  d.filter.data() + ((static_cast<size_t>(oc) * g.kernel_h + ky) * g.kernel_w + kx) * g.in_c;
              for (int ic = 0; ic < g.in_c; ++ic) {
                acc += (static_cast<int32_t>(in[ic]) - d.input_zero_point) * w[ic];
              }
            }
          }
          const int32_t out = requantize(d, acc, oc);
          output[((static_cast<size_t>(b) * g.out_h + oy) * g.out_w + ox) * g.out_c + oc] = static_cast<T>(out);
        }
      }
    }
  }
}

}  // namespace mnw::reference
