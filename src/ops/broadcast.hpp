// Iteration over two inputs broadcast against each other (numpy rules), as
// ADD, SUB and MUL need: MobileNet V3 multiplies [1,H,W,C] by [1,1,1,C]
// (squeeze-and-excitation) and adds scalars. Shapes are aligned on the right
// and padded to kMaxRank; a dimension of 1 repeats.
#pragma once

#include <array>
#include <cstdint>

#include "core/tensor.hpp"
#include "graph/operator.hpp"
#include "kernels/elementwise.hpp"

namespace mnw {

class Broadcast {
 public:
  // False when the shapes cannot be broadcast; `out` receives the result shape.
  static bool compute_output_shape(const Shape& a, const Shape& b, Shape* out);

  Broadcast(const Shape& a, const Shape& b, const Shape& out);

  // Calls f(a_offset, b_offset, out_offset, count, a_step, b_step) for runs of
  // `count` outputs along the innermost dimension; steps are 0 or 1.
  template <typename F>
  void for_each_run(F&& f) const {
    std::array<int64_t, Shape::kMaxRank> index{};
    const int64_t inner = out_dims_[kLast];
    const int64_t outer_count = outer_count_;
    for (int64_t n = 0; n < outer_count; ++n) {
      int64_t a = 0, b = 0, o = 0;
      for (int d = 0; d < kLast; ++d) {
        a += index[d] * a_strides_[d];
        b += index[d] * b_strides_[d];
        o += index[d] * out_strides_[d];
      }
      f(a, b, o, inner, a_strides_[kLast], b_strides_[kLast]);
      for (int d = kLast - 1; d >= 0; --d) {
        if (++index[d] < out_dims_[d]) break;
        index[d] = 0;
      }
    }
  }

 private:
  static constexpr int kLast = Shape::kMaxRank - 1;
  std::array<int64_t, Shape::kMaxRank> out_dims_{};
  std::array<int64_t, Shape::kMaxRank> a_strides_{};
  std::array<int64_t, Shape::kMaxRank> b_strides_{};
  std::array<int64_t, Shape::kMaxRank> out_strides_{};
  int64_t outer_count_ = 1;
};

// The broadcasts that have fast paths, told apart from the shapes at load time.
enum class BroadcastKind {
  kScalarA,  // a has one element: the output is a function of b's byte
  kScalarB,  // b has one element
  kRepeatB,  // b is the output's trailing dimensions, a is the output's
             // shape: the kernels' BinaryShape (equal shapes are one row)
  kRepeatA,  // the mirror: a repeats, b is the output's shape
  kGeneral,  // anything else (and empty outputs): Broadcast::for_each_run
};
struct BroadcastPlan {
  BroadcastKind kind;
  BinaryShape shape;  // kRepeatA / kRepeatB: rows of the repeated operand's size
};
BroadcastPlan plan_broadcast(const Shape& a, const Shape& b, const Shape& out);

// Checks a two-input quantized elementwise node (ADD, SUB, MUL): same uint8
// or int8 type everywhere, per-tensor quantization, broadcastable shapes and
// the declared output shape.
Status validate_quantized_binary_op(const OpContext& ctx);

}  // namespace mnw
