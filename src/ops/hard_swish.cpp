// HARD_SWISH, x * relu6(x + 3) / 6, in TFLite's 16-bit fixed point: the input
// is moved to a "high resolution" scale (x 2^7), multiplied by a "relu-ish"
// factor in [0, 1] derived from x / 3, and rescaled to the output. The exact
// sequence of roundings below is TFLite's; the result is tabulated per input.
#include <algorithm>

#include "core/fixed_point.hpp"
#include "ops/lookup_table.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

struct HardSwishParams {
  int32_t input_zero_point, output_zero_point;
  int16_t output_multiplier;  // Q15
  int output_exponent;        // <= 0
  int16_t reluish_multiplier;  // Q15
  int reluish_exponent;
};

int32_t hard_swish(const HardSwishParams& p, int32_t x) {
  const int16_t input = static_cast<int16_t>(x - p.input_zero_point);
  const int16_t hires_input = static_cast<int16_t>(input * (1 << 7));
  const int16_t preshift_output = saturating_rounding_doubling_high_mul16(hires_input, p.output_multiplier);
  // Rescale x so that 3.0 maps to 2^15 (saturating), i.e. to [-1, 1] in Q15.
  // A left shift is split around the multiply so saturation is exact.
  int16_t reluish = hires_input;
  if (p.reluish_exponent > 0) reluish = saturating_left_shift16(reluish, p.reluish_exponent - 1);
  reluish = saturating_rounding_doubling_high_mul16(reluish, p.reluish_multiplier);
  if (p.reluish_exponent > 0) reluish = saturating_left_shift16(reluish, 1);
  if (p.reluish_exponent < 0) reluish = rounding_divide_by_pot16(reluish, -p.reluish_exponent);
  // [-1, 1] -> [0, 1].
  reluish = static_cast<int16_t>((static_cast<int32_t>(reluish) + (1 << 15)) >> 1);
  // Truncating multiply here: TFLite chose it to cancel the bias of the rounding one above.
  const int16_t preshift_result = saturating_doubling_high_mul16(reluish, preshift_output);
  // TFLite adds the zero point in int16 before clamping; keep its wrap-around.
  return static_cast<int16_t>(rounding_divide_by_pot16(preshift_result, -p.output_exponent) + p.output_zero_point);
}

}  // namespace

Result<OperatorPtr> create_hard_swish(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(validate_quantized_unary_op(ctx));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {input.dtype}));
  const float hires_input_scale = (1.0f / 128.0f) * input.quantization.scale();
  const float reluish_scale = 3.0f / 32768.0f;
  const QuantizedMultiplier out_m = quantize_multiplier(hires_input_scale / output.quantization.scale());
  const QuantizedMultiplier reluish_m = quantize_multiplier(hires_input_scale / reluish_scale);
  if (out_m.exponent > 0) return ctx.unsupported("output scale is too small relative to the input scale");
  if (reluish_m.exponent > 15 || reluish_m.exponent < -15) {
    return ctx.unsupported("input scale " + std::to_string(input.quantization.scale()) + " is out of range");
  }
  HardSwishParams p{input.quantization.zero_point(), output.quantization.zero_point(),
                    downscale_multiplier_to_int16(out_m.mantissa), out_m.exponent,
                    downscale_multiplier_to_int16(reluish_m.mantissa), reluish_m.exponent};
  const ClampRange range = dtype_range(output.dtype);
  return OperatorPtr(std::make_unique<LookupTableOp>(
      ctx, [&](int32_t x) { return std::clamp(hard_swish(p, x), range.min, range.max); }));
}

}  // namespace mnw
