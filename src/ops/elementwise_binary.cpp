#include "ops/elementwise_binary.hpp"

namespace mnw {

ScalarOperandOp::ScalarOperandOp(const OpContext& ctx, size_t scalar_input, Function f)
    : f_(std::move(f)),
      signed_(ctx.output(0).dtype == DType::kInt8),
      constant_(ctx.input(scalar_input).is_constant()),
      map_(ctx, static_cast<size_t>(ctx.output(0).shape.element_count()), constant_),
      input_(ctx.input_index(1 - scalar_input)),
      scalar_(ctx.input_index(scalar_input)),
      output_(ctx.output_index(0)) {
  if (constant_) build_table(ctx.input(scalar_input).data[0]);
}

ByteMap ScalarOperandOp::byte_map() const {
  if (!constant_) return {};
  return {&map_.table(), input_, output_};
}

bool ScalarOperandOp::absorb_byte_map(const ByteTable& next, int32_t output) {
  if (!constant_) return false;
  compose_byte_tables(map_.table(), next);
  output_ = output;
  return true;
}

void ScalarOperandOp::build_table(uint8_t scalar_byte) {
  const auto value = [&](int byte) { return signed_ ? static_cast<int8_t>(byte) : byte; };
  for (int byte = 0; byte < 256; ++byte) {
    map_.table()[static_cast<size_t>(byte)] = static_cast<uint8_t>(f_(value(byte), value(scalar_byte)));
  }
  tabulated_for_ = scalar_byte;
}

void ScalarOperandOp::run(const TensorData& t) {
  const uint8_t scalar_byte = t.get(scalar_)[0];
  if (scalar_byte != tabulated_for_) build_table(scalar_byte);
  map_.run(t.get(input_), t.get(output_));
}

}  // namespace mnw
