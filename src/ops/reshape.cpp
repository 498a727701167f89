// RESHAPE and SQUEEZE: the bytes stay as they are; only the declared shape
// changes, so the op copies (its tensors are small in MobileNets: the logits).
#include "core/copy.hpp"
#include "ops/ops.hpp"

namespace mnw {
namespace {

class CopyOp final : public Operator {
 public:
  CopyOp(int32_t input, int32_t output, size_t bytes) : input_(input), output_(output), bytes_(bytes) {}
  void run(const TensorData& t) override {
    // Both are live during the op, so they never overlap, unless the same.
    if (t.get(input_) != t.get(output_)) copy_bytes(t.get(output_), t.get(input_), bytes_);
  }

 private:
  int32_t input_, output_;
  size_t bytes_;
};

}  // namespace

// Used for RESHAPE and SQUEEZE: the output shape is the model's declaration,
// which must hold the same elements of the same type.
Result<OperatorPtr> create_reshape(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(1, 2, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {input.dtype}));
  if (input.shape.element_count() != output.shape.element_count()) {
    return ctx.invalid("cannot reshape " + input.shape.to_string() + " into " + output.shape.to_string());
  }
  if (input.quantization.scale() != output.quantization.scale() ||
      input.quantization.zero_point() != output.quantization.zero_point()) {
    return ctx.unsupported("input and output quantization differ");
  }
  return OperatorPtr(std::make_unique<CopyOp>(ctx.input_index(0), ctx.output_index(0), input.byte_size()));
}

}  // namespace mnw
