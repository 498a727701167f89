// AVERAGE_POOL_2D on quantized NHWC tensors. Each output averages the taps of
// its window that fall inside the input (padding is not counted), rounding
// half away from zero; input and output share the quantization, as TFLite
// assumes.
#include <algorithm>
#include <vector>

#include "ops/lookup_table.hpp"
#include "ops/ops.hpp"
#include "ops/quantized_params.hpp"

namespace mnw {
namespace {

struct PoolGeometry {
  int batch, in_h, in_w, channels, out_h, out_w;
  int filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
};

// The input rows (or columns) [begin, end) of output row (column) o's window.
struct WindowSpan {
  int begin, end;
};
WindowSpan window_span(int o, int stride, int pad_before, int filter, int in_size) {
  const int start = o * stride - pad_before;
  return {std::max(start, 0), std::min(start + filter, in_size)};
}

// Whether, along one axis of size `size` (input and output alike), window o
// spans just input index o.
bool windows_span_own_index(int size, int stride, int pad_before, int filter) {
  for (int o = 0; o < size; ++o) {
    const WindowSpan span = window_span(o, stride, pad_before, filter, size);
    if (span.begin != o || span.end != o + 1) return false;
  }
  return true;
}

// Whether every output pixel's window holds just the input pixel at its own
// position (a 1x1 window at stride 1, or any window over a 1x1 map, as in
// MobileNet V3's last pooling): then the op only clamps.
bool averages_own_pixel_only(const PoolGeometry& g) {
  return g.out_h == g.in_h && g.out_w == g.in_w && windows_span_own_index(g.in_h, g.stride_h, g.pad_top, g.filter_h) &&
         windows_span_own_index(g.in_w, g.stride_w, g.pad_left, g.filter_w);
}

template <typename T>
class AveragePoolOp final : public Operator {
 public:
  AveragePoolOp(const OpContext& ctx, const PoolGeometry& g, ClampRange clamp)
      : g_(g),
        clamp_(clamp),
        dtype_(ctx.input(0).dtype),
        channel_sums_(channel_sums_kernel(ctx.kernel_path())),
        input_(ctx.input_index(0)),
        output_(ctx.output_index(0)),
        sums_(static_cast<size_t>(g.channels)) {}

  void run(const TensorData& t) override {
    const T* in = t.get<T>(input_);
    T* out = t.get<T>(output_);
    for (int b = 0; b < g_.batch; ++b) {
      for (int oy = 0; oy < g_.out_h; ++oy) {
        const auto [y0, y1] = window_span(oy, g_.stride_h, g_.pad_top, g_.filter_h, g_.in_h);
        for (int ox = 0; ox < g_.out_w; ++ox) {
          const auto [x0, x1] = window_span(ox, g_.stride_w, g_.pad_left, g_.filter_w, g_.in_w);
          std::fill(sums_.begin(), sums_.end(), 0);
          // The window's part of each input row is contiguous.
          for (int y = y0; y < y1; ++y) {
            const T* row = in + ((static_cast<size_t>(b) * g_.in_h + y) * g_.in_w + x0) * g_.channels;
            channel_sums_(dtype_, row, static_cast<size_t>(x1 - x0), static_cast<size_t>(g_.channels), sums_.data());
          }
          const int32_t count = (y1 - y0) * (x1 - x0);
          T* o = out + ((static_cast<size_t>(b) * g_.out_h + oy) * g_.out_w + ox) * g_.channels;
          for (int c = 0; c < g_.channels; ++c) {
            const int32_t sum = sums_[static_cast<size_t>(c)];
            const int32_t avg = sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
            o[c] = static_cast<T>(std::clamp(avg, clamp_.min, clamp_.max));
          }
        }
      }
    }
  }

 private:
  PoolGeometry g_;
  ClampRange clamp_;
  DType dtype_;
  ChannelSumsKernel channel_sums_;
  int32_t input_, output_;
  std::vector<int32_t> sums_;  // per-channel window sums, sized once
};

}  // namespace

Result<OperatorPtr> create_average_pool_2d(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(input, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {input.dtype}));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(output, "output"));
  if (input.shape.rank() != 4) return ctx.invalid("input must be 4-D, got " + input.shape.to_string());
  const OpOptions& o = ctx.options();
  if (o.stride_w < 1 || o.stride_h < 1 || o.filter_w < 1 || o.filter_h < 1) {
    return ctx.invalid("filter size and strides must be positive");
  }
  MNW_RETURN_IF_ERROR(check_spatial_extent(ctx, o.filter_h, o.stride_h, 1));
  MNW_RETURN_IF_ERROR(check_spatial_extent(ctx, o.filter_w, o.stride_w, 1));
  if (static_cast<int64_t>(o.filter_w) * o.filter_h > (1 << 23)) return ctx.unsupported("pooling window is too large");
  PoolGeometry g{};
  g.batch = input.shape[0];
  g.in_h = input.shape[1];
  g.in_w = input.shape[2];
  g.channels = input.shape[3];
  g.filter_h = o.filter_h;
  g.filter_w = o.filter_w;
  g.stride_h = o.stride_h;
  g.stride_w = o.stride_w;
  const SpatialPadding ph = compute_padding(o.padding, g.in_h, g.filter_h, g.stride_h, 1);
  const SpatialPadding pw = compute_padding(o.padding, g.in_w, g.filter_w, g.stride_w, 1);
  g.out_h = ph.out_size;
  g.out_w = pw.out_size;
  g.pad_top = ph.pad_before;
  g.pad_left = pw.pad_before;
  if (g.out_h < 1 || g.out_w < 1) return ctx.invalid("the pooling window is larger than the input");
  MNW_RETURN_IF_ERROR(ctx.expect_output_shape(0, Shape{g.batch, g.out_h, g.out_w, g.channels}));
  const ClampRange clamp = activation_range(o.activation, output);
  // A clamp is a byte map: byte-map fusion can fold it into the op before.
  if (averages_own_pixel_only(g)) {
    return OperatorPtr(
        std::make_unique<LookupTableOp>(ctx, [&](int32_t x) { return std::clamp(x, clamp.min, clamp.max); }));
  }
  if (input.dtype == DType::kUInt8) {
    return OperatorPtr(std::make_unique<AveragePoolOp<uint8_t>>(ctx, g, clamp));
  }
  return OperatorPtr(std::make_unique<AveragePoolOp<int8_t>>(ctx, g, clamp));
}

}  // namespace mnw
