// An 8-bit to 8-bit elementwise op is a function of 256 possible inputs, so
// HARD_SWISH, LOGISTIC, RELU and 8-bit QUANTIZE evaluate their exact
// arithmetic once per input value at load time and then only look it up.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "graph/operator.hpp"
#include "kernels/byte_pair_map.hpp"
#include "kernels/dispatch.hpp"

namespace mnw {

class LookupTableOp final : public Operator {
 public:
  // f maps an input value (as int32, in the input's type range) to the output
  // value (in the output's type range).
  LookupTableOp(const OpContext& ctx, const std::function<int32_t(int32_t)>& f);
  void run(const TensorData& t) override;
  ByteMap byte_map() const override { return {&table_, input_, output_}; }
  bool absorb_byte_map(const ByteTable& next, int32_t output) override;

 private:
  ByteTable table_{};  // indexed by the input byte
  ByteMapKernel map_;
  BytePairTable pairs_;  // table_'s pairs, where they pay (else empty)
  int32_t input_, output_;
  size_t count_;
};

// Checks a one-input, one-output elementwise 8-bit node with per-tensor
// quantization and equal shapes.
Status validate_quantized_unary_op(const OpContext& ctx);

}  // namespace mnw
