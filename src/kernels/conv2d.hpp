// What a convolution kernel is given, and the interface every implementation
// (reference or SIMD) provides. The operator (ops/conv_2d.cpp,
// ops/depthwise_conv_2d.cpp) validates the model and fills a ConvDesc once at
// load time; kernels pack it as they like and then only compute.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/tensor.hpp"

namespace mnw {

struct ConvGeometry {
  int batch = 1;
  int in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;  // leading padding; trailing padding is implied
};

// A quantized convolution, per output channel c:
//   acc = bias[c] + sum (input - input_zero_point) * filter
//   out = clamp(output_zero_point + acc * M[c], activation_min, activation_max)
// with M[c] = multiplier[c] * 2^(exponent[c] - 31) applied as in fixed_point.hpp:
// with two roundings (gemmlowp's, TFLite's uint8 kernels and depthwise) or one
// (ruy's, TFLite's int8 CONV_2D and FULLY_CONNECTED), per `rounding`.
// Activations are `dtype` (uint8 or int8) for input and output alike.
enum class Rounding : uint8_t { kDouble, kSingle };

struct ConvDesc {
  DType dtype = DType::kUInt8;
  ConvGeometry geometry;
  int32_t input_zero_point = 0;
  // Filter with its zero point already subtracted. CONV_2D / FULLY_CONNECTED:
  // [out_c][kernel_h][kernel_w][in_c]; DEPTHWISE_CONV_2D: [kernel_h][kernel_w][out_c].
  std::vector<int16_t> filter;
  std::vector<int32_t> bias;        // [out_c]
  std::vector<int32_t> multiplier;  // [out_c]
  std::vector<int32_t> exponent;    // [out_c]
  Rounding rounding = Rounding::kDouble;
  int32_t output_zero_point = 0;
  int32_t activation_min = 0;
  int32_t activation_max = 255;
  // How many threads may run parts of the kernel at once (its scratch copies).
  int threads = 1;
};

class ConvKernel {
 public:
  virtual ~ConvKernel() = default;
  // The output divides into this many work units (rows or groups of output
  // pixels, the kernel's choice) that can be computed independently.
  virtual size_t work_units() const = 0;
  // Computes units [begin, end) with the scratch memory of `thread` (below
  // desc.threads); ranges of different threads may run at once.
  // input: batch x in_h x in_w x in_c, output: batch x out_h x out_w x out_c
  // (NHWC, elements of desc.dtype). Never allocates.
  virtual void run_units(const void* input, void* output, size_t begin, size_t end, int thread) const = 0;
  virtual const char* name() const = 0;

  // The whole output on the calling thread.
  void run(const void* input, void* output) const { run_units(input, output, 0, work_units(), 0); }
};

}  // namespace mnw
