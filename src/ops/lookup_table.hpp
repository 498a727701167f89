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

// A 256-entry table applied to a tensor's `count` bytes: by the kernel
// dispatch picks or, where byte pair tables pay (wasm, large tensors), two
// bytes per lookup. What every op that runs a byte table (and absorbs byte
// maps) shares. The pairs are built last (build_pairs, from
// Operator::build_tables), once fusion has settled which ops run and with
// which table.
class TensorByteMap {
 public:
  // pairs_allowed: false for a table rebuilt while running (refilling 64K
  // pairs would cost more than it saves).
  TensorByteMap(const OpContext& ctx, size_t count, bool pairs_allowed);
  // Written before build_pairs, never after.
  ByteTable& table() { return table_; }
  const ByteTable& table() const { return table_; }
  void build_pairs(size_t& table_bytes_left);
  void run(const uint8_t* in, uint8_t* out) const;

 private:
  ByteTable table_{};  // indexed by the input byte
  ByteMapKernel map_;
  bool pairs_pay_;
  BytePairTable pairs_;  // table_'s pairs, once built (else empty)
  size_t count_;
};

class LookupTableOp final : public Operator {
 public:
  // f maps an input value (as int32, in the input's type range) to the output
  // value (in the output's type range).
  LookupTableOp(const OpContext& ctx, const std::function<int32_t(int32_t)>& f);
  void run(const TensorData& t) override;
  ByteMap byte_map() const override { return {&map_.table(), input_, output_}; }
  bool absorb_byte_map(const ByteTable& next, int32_t output) override;
  void build_tables(size_t& table_bytes_left) override { map_.build_pairs(table_bytes_left); }

 private:
  TensorByteMap map_;
  int32_t input_, output_;
};

// Checks a one-input, one-output elementwise 8-bit node with per-tensor
// quantization and equal shapes.
Status validate_quantized_unary_op(const OpContext& ctx);

}  // namespace mnw
