#include "ops/broadcast.hpp"

namespace mnw {
namespace {

// The shape right-aligned into kMaxRank dimensions, leading ones added.
std::array<int64_t, Shape::kMaxRank> padded(const Shape& s) {
  std::array<int64_t, Shape::kMaxRank> dims;
  dims.fill(1);
  const int offset = Shape::kMaxRank - s.rank();
  for (int i = 0; i < s.rank(); ++i) dims[static_cast<size_t>(offset + i)] = s[i];
  return dims;
}

// Row-major strides of `dims`, zero where the dimension broadcasts.
std::array<int64_t, Shape::kMaxRank> strides(const std::array<int64_t, Shape::kMaxRank>& dims) {
  std::array<int64_t, Shape::kMaxRank> st{};
  int64_t step = 1;
  for (int d = Shape::kMaxRank - 1; d >= 0; --d) {
    st[static_cast<size_t>(d)] = dims[static_cast<size_t>(d)] == 1 ? 0 : step;
    step *= dims[static_cast<size_t>(d)];
  }
  return st;
}

}  // namespace

bool Broadcast::compute_output_shape(const Shape& a, const Shape& b, Shape* out) {
  const int rank = a.rank() > b.rank() ? a.rank() : b.rank();
  Shape result;
  for (int i = 0; i < rank; ++i) {
    const int ai = a.rank() - rank + i;
    const int bi = b.rank() - rank + i;
    const int32_t da = ai >= 0 ? a[ai] : 1;
    const int32_t db = bi >= 0 ? b[bi] : 1;
    if (da != db && da != 1 && db != 1) return false;
    result.push_back(da == 1 ? db : da);
  }
  *out = result;
  return true;
}

Broadcast::Broadcast(const Shape& a, const Shape& b, const Shape& out) {
  out_dims_ = padded(out);
  a_strides_ = strides(padded(a));
  b_strides_ = strides(padded(b));
  out_strides_ = strides(out_dims_);
  for (int d = 0; d < kLast; ++d) outer_count_ *= out_dims_[static_cast<size_t>(d)];
  // An output dimension of 1 has stride 0 above; it never advances, so that is harmless.
}

namespace {

// Whether `repeated`, without its leading ones, is the trailing dimensions
// of `out` (so that it repeats along out's leading dimensions), and
// `full` has out's element count (no broadcasting of its own).
bool repeats_along_leading(const Shape& repeated, const Shape& full, const Shape& out) {
  if (full.element_count() != out.element_count()) return false;
  int first = 0;
  while (first < repeated.rank() && repeated[first] == 1) ++first;
  const int kept = repeated.rank() - first;
  if (kept > out.rank()) return false;
  for (int i = 0; i < kept; ++i) {
    if (repeated[first + i] != out[out.rank() - kept + i]) return false;
  }
  return true;
}

}  // namespace

BroadcastPlan plan_broadcast(const Shape& a, const Shape& b, const Shape& out) {
  const auto count = static_cast<size_t>(out.element_count());
  if (count == 0) return {BroadcastKind::kGeneral, {}};
  const auto repeat = [&](BroadcastKind kind, const Shape& repeated) {
    const auto inner = static_cast<size_t>(repeated.element_count());
    return BroadcastPlan{kind, {count / inner, inner}};
  };
  if (a.element_count() == b.element_count() && repeats_along_leading(b, a, out)) return repeat(BroadcastKind::kRepeatB, b);
  if (a.element_count() == 1) return {BroadcastKind::kScalarA, {}};
  if (b.element_count() == 1) return {BroadcastKind::kScalarB, {}};
  if (repeats_along_leading(b, a, out)) return repeat(BroadcastKind::kRepeatB, b);
  if (repeats_along_leading(a, b, out)) return repeat(BroadcastKind::kRepeatA, a);
  return {BroadcastKind::kGeneral, {}};
}

Status validate_quantized_binary_op(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const TensorInfo& in1 = ctx.input(0);
  const TensorInfo& in2 = ctx.input(1);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(in1, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(in2, {in1.dtype}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(ctx.output(0), {in1.dtype}));
  for (const TensorInfo* t : {&in1, &in2, &ctx.output(0)}) {
    MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(*t, "tensor"));
  }
  Shape shape;
  if (!Broadcast::compute_output_shape(in1.shape, in2.shape, &shape)) {
    return ctx.invalid("shapes " + in1.shape.to_string() + " and " + in2.shape.to_string() + " do not broadcast");
  }
  return ctx.expect_output_shape(0, shape);
}

}  // namespace mnw
