// PAD of a tensor of rank <= 4 with constant paddings: the new border holds
// the output zero point (real 0) for quantized tensors, 0 otherwise.
#include <cstring>

#include "ops/ops.hpp"

namespace mnw {
namespace {

constexpr int kRank = 4;

class PadOp final : public Operator {
 public:
  PadOp(const OpContext& ctx, const int32_t (&before)[kRank], uint8_t fill)
      : fill_(fill),
        element_size_(dtype_size(ctx.input(0).dtype)),
        input_(ctx.input_index(0)),
        output_(ctx.output_index(0)) {
    const Shape& in = ctx.input(0).shape;
    const int lead = kRank - in.rank();
    for (int d = 0; d < kRank; ++d) {
      in_dims_[d] = d < lead ? 1 : in[d - lead];
      out_dims_[d] = d < lead ? 1 : ctx.output(0).shape[d - lead];
      before_[d] = before[d];
    }
    in_bytes_ = static_cast<size_t>(ctx.input(0).shape.element_count()) * element_size_;
    out_bytes_ = static_cast<size_t>(ctx.output(0).shape.element_count()) * element_size_;
  }

  void run(const TensorData& t) override {
    // An empty tensor has no memory: its pointer is null, which even a
    // zero-length memset or memcpy must not be given.
    if (out_bytes_ == 0) return;
    const uint8_t* in = t.get(input_);
    uint8_t* out = t.get(output_);
    std::memset(out, fill_, out_bytes_);
    if (in_bytes_ == 0) return;
    const size_t row = static_cast<size_t>(in_dims_[3]) * element_size_;
    for (int a = 0; a < in_dims_[0]; ++a) {
      for (int b = 0; b < in_dims_[1]; ++b) {
        for (int c = 0; c < in_dims_[2]; ++c) {
          const size_t src = ((static_cast<size_t>(a) * in_dims_[1] + b) * in_dims_[2] + c) * row;
          const size_t dst =
              (((static_cast<size_t>(a + before_[0]) * out_dims_[1] + (b + before_[1])) * out_dims_[2] + (c + before_[2])) *
                   out_dims_[3] + before_[3]) * element_size_;
          std::memcpy(out + dst, in + src, row);
        }
      }
    }
  }

 private:
  int32_t in_dims_[kRank], out_dims_[kRank], before_[kRank];
  uint8_t fill_;
  size_t element_size_, in_bytes_ = 0, out_bytes_ = 0;
  int32_t input_, output_;
};

}  // namespace

Result<OperatorPtr> create_pad(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& paddings = ctx.input(1);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(input, {DType::kUInt8, DType::kInt8, DType::kFloat32}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(ctx.output(0), {input.dtype}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(paddings, {DType::kInt32}));
  MNW_RETURN_IF_ERROR(ctx.expect_constant(paddings, "paddings"));
  const int rank = input.shape.rank();
  if (rank < 1 || rank > kRank) return ctx.unsupported("rank " + std::to_string(rank) + " (supported: 1 to 4)");
  if (paddings.shape != Shape{rank, 2}) {
    return ctx.invalid("paddings must be " + std::to_string(rank) + "x2, got " + paddings.shape.to_string());
  }
  int32_t values[2 * kRank];
  std::memcpy(values, paddings.data, static_cast<size_t>(2 * rank) * sizeof(int32_t));
  int32_t before[kRank] = {0, 0, 0, 0};
  Shape out;
  for (int d = 0; d < rank; ++d) {
    const int32_t lo = values[2 * d], hi = values[2 * d + 1];
    if (lo < 0 || hi < 0 || lo > (1 << 16) || hi > (1 << 16)) return ctx.invalid("paddings must be in [0, 65536]");
    before[kRank - rank + d] = lo;
    out.push_back(input.shape[d] + lo + hi);
  }
  MNW_RETURN_IF_ERROR(ctx.expect_output_shape(0, out));
  MNW_RETURN_IF_ERROR(ctx.expect_zero_points_in_range(ctx.output(0), "output"));
  const uint8_t fill = input.dtype == DType::kFloat32 ? 0 : static_cast<uint8_t>(ctx.output(0).quantization.zero_point());
  return OperatorPtr(std::make_unique<PadOp>(ctx, before, fill));
}

}  // namespace mnw
