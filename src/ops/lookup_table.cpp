#include "ops/lookup_table.hpp"

namespace mnw {

TensorByteMap::TensorByteMap(const OpContext& ctx, size_t count, bool pairs_allowed)
    : map_(byte_map_kernel(ctx.kernel_path())),
      pairs_pay_(pairs_allowed && byte_pair_table_pays(ctx.kernel_path(), count)),
      count_(count) {}

void TensorByteMap::build_pairs(size_t& table_bytes_left) {
  if (!pairs_pay_ || table_bytes_left < BytePairTable::kBytes) return;
  table_bytes_left -= BytePairTable::kBytes;
  pairs_.fill(table_.data());
}

void TensorByteMap::run(const uint8_t* in, uint8_t* out) const {
  if (!pairs_.empty()) return pairs_.map(in, out, count_);
  map_(table_.data(), in, out, count_);
}

LookupTableOp::LookupTableOp(const OpContext& ctx, const std::function<int32_t(int32_t)>& f)
    : map_(ctx, static_cast<size_t>(ctx.output(0).shape.element_count()), true),
      input_(ctx.input_index(0)),
      output_(ctx.output_index(0)) {
  const bool signed_input = ctx.input(0).dtype == DType::kInt8;
  for (int byte = 0; byte < 256; ++byte) {
    const int32_t value = signed_input ? static_cast<int8_t>(byte) : byte;
    map_.table()[static_cast<size_t>(byte)] = static_cast<uint8_t>(f(value));
  }
}

bool LookupTableOp::absorb_byte_map(const ByteTable& next, int32_t output) {
  compose_byte_tables(map_.table(), next);
  output_ = output;
  return true;
}

void LookupTableOp::run(const TensorData& t) { map_.run(t.get(input_), t.get(output_)); }

Status validate_quantized_unary_op(const OpContext& ctx) {
  MNW_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const TensorInfo& input = ctx.input(0);
  const TensorInfo& output = ctx.output(0);
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(input, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_dtype(output, {DType::kUInt8, DType::kInt8}));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(input, "input"));
  MNW_RETURN_IF_ERROR(ctx.expect_per_tensor_quantization(output, "output"));
  return ctx.expect_output_shape(0, input.shape);
}

}  // namespace mnw
