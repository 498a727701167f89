// The operators MUL, ADD and SUB share once their broadcast is planned
// (plan_broadcast in ops/broadcast.hpp): a kernel from kernels/dispatch over
// rows of a repeated operand, a byte table when one operand has a single
// element, or element by element for any other broadcast.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "graph/operator.hpp"
#include "kernels/byte_pair_map.hpp"
#include "kernels/dispatch.hpp"
#include "ops/broadcast.hpp"
#include "ops/lookup_table.hpp"

namespace mnw {

// Runs a BinaryKernel on inputs `a` and `b` (the kernel's operands, which
// the op may have swapped) into output 0. table_kernel, if set, makes the
// op's BinaryByteTable, which replaces the kernel when build_tables has room.
class BinaryKernelOp final : public Operator {
 public:
  using KernelMaker = std::function<std::unique_ptr<BinaryKernel>()>;
  BinaryKernelOp(const OpContext& ctx, std::unique_ptr<BinaryKernel> kernel, int32_t a, int32_t b,
                 KernelMaker table_kernel)
      : kernel_(std::move(kernel)), table_kernel_(std::move(table_kernel)), a_(a), b_(b), out_(ctx.output_index(0)) {}
  void run(const TensorData& t) override { kernel_->run(t.get(a_), t.get(b_), t.get(out_)); }
  void build_tables(size_t& table_bytes_left) override {
    if (!table_kernel_ || table_bytes_left < BinaryByteTable::kBytes) return;
    table_bytes_left -= BinaryByteTable::kBytes;
    kernel_ = table_kernel_();
  }

 private:
  std::unique_ptr<BinaryKernel> kernel_;
  KernelMaker table_kernel_;
  int32_t a_, b_, out_;
};

// With one operand of a single element the output is a function of the
// other operand's byte: a 256-entry table, exact by construction. It is
// built at load when that element is a constant, otherwise at the first run
// and again only when the element changes (256 evaluations).
class ScalarOperandOp final : public Operator {
 public:
  // f(x, s): the output value for the other operand's value x and the single
  // element's value s (both as int32 in their type's range).
  using Function = std::function<int32_t(int32_t x, int32_t s)>;
  // scalar_input: 0 or 1, which input has the single element.
  ScalarOperandOp(const OpContext& ctx, size_t scalar_input, Function f);
  void run(const TensorData& t) override;
  // A byte map when the single element is a constant.
  ByteMap byte_map() const override;
  bool absorb_byte_map(const ByteTable& next, int32_t output) override;
  void build_tables(size_t& table_bytes_left) override { map_.build_pairs(table_bytes_left); }

 private:
  void build_table(uint8_t scalar_byte);

  Function f_;
  bool signed_;
  bool constant_;           // the single element is a constant: the table is built once
  int tabulated_for_ = -1;  // the single element's byte the table is for, or -1
  TensorByteMap map_;
  int32_t input_, scalar_, output_;
};

// Broadcasts the kernels do not cover, element by element: out = f(a, b)
// with f(T, T) -> T.
template <typename T, typename F>
class BroadcastBinaryOp final : public Operator {
 public:
  BroadcastBinaryOp(const OpContext& ctx, F f)
      : f_(std::move(f)),
        broadcast_(ctx.input(0).shape, ctx.input(1).shape, ctx.output(0).shape),
        a_(ctx.input_index(0)),
        b_(ctx.input_index(1)),
        out_(ctx.output_index(0)) {}

  void run(const TensorData& t) override {
    const T* a = t.get<T>(a_);
    const T* b = t.get<T>(b_);
    T* out = t.get<T>(out_);
    broadcast_.for_each_run([&](int64_t ai, int64_t bi, int64_t oi, int64_t count, int64_t a_step, int64_t b_step) {
      for (int64_t i = 0; i < count; ++i) out[oi + i] = f_(a[ai + i * a_step], b[bi + i * b_step]);
    });
  }

 private:
  F f_;
  Broadcast broadcast_;
  int32_t a_, b_, out_;
};

// The operator of a binary op whose parameters are set, for its broadcast
// plan. Op describes the op:
//   Op::Params                                   the kernels' parameters
//   Op::value(p, x, y) -> int32_t                the output for values x of a, y of b
//   Op::kernel(path, p, shape)                   its BinaryKernel
//   Op::table_kernel(path, p, shape)             a maker of its BinaryByteTable, where one pays, or {}
//   Op::swapped(p) -> std::optional<Params>      parameters for b op a, if it has them
//   Op::elementwise<T>(p)                        f(T, T) -> T for any other broadcast
template <class Op>
OperatorPtr make_binary_op(const OpContext& ctx, const typename Op::Params& p) {
  const BroadcastPlan plan = plan_broadcast(ctx.input(0).shape, ctx.input(1).shape, ctx.output(0).shape);
  switch (plan.kind) {
    case BroadcastKind::kScalarA:
      return std::make_unique<ScalarOperandOp>(ctx, 0, [p](int32_t x, int32_t s) { return Op::value(p, s, x); });
    case BroadcastKind::kScalarB:
      return std::make_unique<ScalarOperandOp>(ctx, 1, [p](int32_t x, int32_t s) { return Op::value(p, x, s); });
    case BroadcastKind::kRepeatB:
      return std::make_unique<BinaryKernelOp>(ctx, Op::kernel(ctx.kernel_path(), p, plan.shape), ctx.input_index(0),
                                              ctx.input_index(1), Op::table_kernel(ctx.kernel_path(), p, plan.shape));
    case BroadcastKind::kRepeatA:
      if (const auto swapped = Op::swapped(p)) {
        return std::make_unique<BinaryKernelOp>(ctx, Op::kernel(ctx.kernel_path(), *swapped, plan.shape),
                                                ctx.input_index(1), ctx.input_index(0),
                                                Op::table_kernel(ctx.kernel_path(), *swapped, plan.shape));
      }
      break;
    case BroadcastKind::kGeneral:
      break;
  }
  if (ctx.input(0).dtype == DType::kUInt8) {
    return std::make_unique<BroadcastBinaryOp<uint8_t, decltype(Op::template elementwise<uint8_t>(p))>>(
        ctx, Op::template elementwise<uint8_t>(p));
  }
  return std::make_unique<BroadcastBinaryOp<int8_t, decltype(Op::template elementwise<int8_t>(p))>>(
      ctx, Op::template elementwise<int8_t>(p));
}

}  // namespace mnw
