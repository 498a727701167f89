#include "ops/conv_common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/fixed_point.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {

Status fill_conv_quantization(const OpContext& ctx, int channel_axis, ConvDesc* desc) {
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& filter = ctx.input(1);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(input, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(filter, {input.dtype}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {input.dtype}));
  MNW_RETURN_IF_ERROR(ctx.expect_constant(filter, "filter"));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(input, "input"));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(output, "output"));

  const Shape& fshape = filter.shape;
  const int out_c = fshape[channel_axis];
  const Quantization& fq = filter.quantization;
  const bool per_channel = fq.per_channel();
  if (fq.empty()) return ctx.invalid("filter '" + filter.name + "' has no quantization scale");
  MNW_RETURN_IF_ERROR(ctx.expect_zero_points_in_range(filter, "filter"));
  if (per_channel) {
    if (input.dtype != DType::kInt8) return ctx.unsupported("per-channel quantized filters need int8 activations");
    if (fq.quantized_dimension != channel_axis || static_cast<int>(fq.scales.size()) != out_c) {
      return ctx.invalid("filter '" + filter.name + "' has " + std::to_string(fq.scales.size()) +
                         " scales along dimension " + std::to_string(fq.quantized_dimension) + " for " +
                         std::to_string(out_c) + " output channels");
    }
  }

  // Filter minus its zero point, widened to int16. Per-channel zero points sit
  // on the channel axis, which is outermost (runs of `inner` weights per
  // channel) or innermost (runs of one). Loops in memory order with the sums
  // in registers: a division per weight, and a sum kept in memory, took most
  // of the time a model needed to load.
  const size_t count = static_cast<size_t>(fshape.element_count());
  const size_t channels = static_cast<size_t>(out_c);
  const size_t runs = channels == 0 ? 0 : count / channels;
  const size_t inner = channel_axis == 0 ? runs : 1;
  const size_t outer = channel_axis == 0 ? 1 : runs;
  desc->filter.resize(count);
  std::vector<int64_t> weight_magnitude(channels, 0);  // sum of |w - zp| per channel
  const auto widen = [&](const auto* weights) {
    int16_t* dst = desc->filter.data();
    for (size_t o = 0; o < outer; ++o) {
      for (size_t c = 0; c < channels; ++c) {
        const int32_t zp = fq.zero_points.size() > 1 ? fq.zero_points[c] : fq.zero_point();
        // int32 sums of chunks that cannot overflow (|w - zp| <= 510).
        for (size_t first = 0; first < inner; first += size_t{1} << 20) {
          int32_t magnitude = 0;
          for (size_t i = first, end = std::min(inner, first + (size_t{1} << 20)); i < end; ++i) {
            const int32_t w = static_cast<int32_t>(weights[i]) - zp;
            dst[i] = static_cast<int16_t>(w);
            magnitude += std::abs(w);
          }
          weight_magnitude[c] += magnitude;
        }
        weights += inner;
        dst += inner;
      }
    }
  };
  if (filter.dtype == DType::kUInt8) {
    widen(filter.data);
  } else {
    widen(reinterpret_cast<const int8_t*>(filter.data));
  }

  desc->bias.assign(static_cast<size_t>(out_c), 0);
  if (ctx.has_input(2)) {
    const TensorInfo& bias = ctx.input(2);
    MNW_RETURN_IF_ERROR(ctx.expect_dtype(bias, {DType::kInt32}));
    MNW_RETURN_IF_ERROR(ctx.expect_constant(bias, "bias"));
    if (bias.shape.element_count() != out_c) {
      return ctx.invalid("bias '" + bias.name + "' has " + std::to_string(bias.shape.element_count()) +
                         " values for " + std::to_string(out_c) + " output channels");
    }
    std::memcpy(desc->bias.data(), bias.data, static_cast<size_t>(out_c) * sizeof(int32_t));
  }

  // TFLite computes the uint8 per-tensor multiplier from the float product of
  // the scales and the int8 per-channel ones from their double product; the
  // last bit of the multiplier depends on which.
  const float input_scale = input.quantization.scale();
  const float output_scale = output.quantization.scale();
  desc->multiplier.resize(static_cast<size_t>(out_c));
  desc->exponent.resize(static_cast<size_t>(out_c));
  for (int c = 0; c < out_c; ++c) {
    const float filter_scale = per_channel ? fq.scales[static_cast<size_t>(c)] : fq.scale();
    const double real = input.dtype == DType::kUInt8
                            ? static_cast<double>(input_scale * filter_scale) / static_cast<double>(output_scale)
                            : static_cast<double>(input_scale) * static_cast<double>(filter_scale) /
                                  static_cast<double>(output_scale);
    const QuantizedMultiplier m = quantize_multiplier(real);
    desc->multiplier[static_cast<size_t>(c)] = m.mantissa;
    desc->exponent[static_cast<size_t>(c)] = m.exponent;
    // Every kernel accumulates in int32: the reference ones bias + sum (x -
    // x_zp) * w, the SIMD ones fold x_zp * sum w into the bias and add x * w
    // (|x|, |x_zp| <= 255 with zero points in range). Then a multiplier
    // above 1 shifts left before rounding down. Refuse channels whose
    // partial sums or shifted value could leave int32 (with room for the
    // output zero point); real models stay far below.
    const double bound = (std::abs(static_cast<double>(desc->bias[static_cast<size_t>(c)])) +
                          510.0 * static_cast<double>(weight_magnitude[static_cast<size_t>(c)])) *
                         std::ldexp(1.0, std::max(m.exponent, 0));
    if (bound >= 2147483648.0 - 256.0) {
      return ctx.unsupported("output channel " + std::to_string(c) + ": bias " +
                             std::to_string(desc->bias[static_cast<size_t>(c)]) +
                             " and weights could overflow the 32-bit accumulator");
    }
  }

  desc->dtype = input.dtype;
  desc->input_zero_point = input.quantization.zero_point();
  desc->output_zero_point = output.quantization.zero_point();
  const ClampRange clamp = activation_range(ctx.options().activation, output);
  desc->activation_min = clamp.min;
  desc->activation_max = clamp.max;
  return Status::ok();
}

Status fill_conv_geometry(const OpContext& ctx, int kernel_h, int kernel_w, int out_c, ConvGeometry* g) {
  const Shape& in = ctx.input(0).shape;
  const OpOptions& o = ctx.options();
  if (o.stride_w < 1 || o.stride_h < 1 || o.dilation_w < 1 || o.dilation_h < 1) {
    return ctx.invalid("strides and dilations must be positive");
  }
  MNW_RETURN_IF_ERROR(check_spatial_extent(ctx, kernel_h, o.stride_h, o.dilation_h));
  MNW_RETURN_IF_ERROR(check_spatial_extent(ctx, kernel_w, o.stride_w, o.dilation_w));
  g->batch = in[0];
  g->in_h = in[1];
  g->in_w = in[2];
  g->in_c = in[3];
  g->out_c = out_c;
  g->kernel_h = kernel_h;
  g->kernel_w = kernel_w;
  g->stride_h = o.stride_h;
  g->stride_w = o.stride_w;
  g->dilation_h = o.dilation_h;
  g->dilation_w = o.dilation_w;
  const SpatialPadding ph = compute_padding(o.padding, g->in_h, kernel_h, o.stride_h, o.dilation_h);
  const SpatialPadding pw = compute_padding(o.padding, g->in_w, kernel_w, o.stride_w, o.dilation_w);
  g->out_h = ph.out_size;
  g->out_w = pw.out_size;
  g->pad_top = ph.pad_before;
  g->pad_left = pw.pad_before;
  if (g->out_h < 1 || g->out_w < 1) return ctx.invalid("the filter is larger than the padded input");
  return ctx.expect_output_shape(0, Shape{g->batch, g->out_h, g->out_w, g->out_c});
}

}  // namespace mnw
