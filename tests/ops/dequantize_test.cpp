// DEQUANTIZE on single-op models: real = scale * (q - zero_point), exactly
// (one correctly rounded product), for every 8-bit value; and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

ModelBuilder dequantize_model(int8_t in_type, QuantSpec in_q, std::vector<int32_t> shape, int8_t out_type = tfl::kFloat32,
                              std::vector<int32_t> out_shape = {}) {
  ModelBuilder m;
  const int x = m.tensor("quantized", in_type, shape, std::move(in_q));
  const int y = m.tensor("real", out_type, out_shape.empty() ? shape : out_shape);
  add_single_op(m, tfl::op::kDequantize, {x}, y);
  return m;
}

}  // namespace

TEMPLATE_TEST_CASE("DEQUANTIZE is exact for every value", "[ops][dequantize]", uint8_t, int8_t) {
  const auto [scale, zero_point] = GENERATE(table<float, int32_t>({
      {0.1f, 3},
      {0.0078125f, 0},
      {1.7e-5f, 100},
      {3.0e4f, 127},
  }));
  CAPTURE(scale, zero_point);
  const auto in = all_values<TestType>();
  const auto out = run_model<float, TestType>(
      dequantize_model(tflite_type<TestType>(), per_tensor(scale, zero_point), {1, 4, 4, 16}), {in});
  REQUIRE(out.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    // A float times an integer below 2^24 in float: one rounding of the exact product.
    const float expected = scale * static_cast<float>(in[i] - zero_point);
    INFO("q = " << int{in[i]});
    CHECK(out[i] == expected);
  }
}

TEST_CASE("DEQUANTIZE rejects malformed nodes", "[ops][dequantize]") {
  SECTION("an 8-bit output") {
    const Status s = load_error(dequantize_model(tfl::kUInt8, per_tensor(0.1f, 0), {4}, tfl::kUInt8));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("DEQUANTIZE") && ContainsSubstring("'real'") && ContainsSubstring("uint8"));
  }
  SECTION("a float input") {
    const Status s = load_error(dequantize_model(tfl::kFloat32, {}, {4}));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("DEQUANTIZE") && ContainsSubstring("'quantized'"));
  }
  SECTION("per-channel quantization") {
    const Status s = load_error(dequantize_model(tfl::kInt8, {{0.1f, 0.2f}, {0, 0}, 1}, {3, 2}));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("DEQUANTIZE") && ContainsSubstring("per channel"));
  }
  SECTION("a declared output shape that differs from the input's") {
    const Status s = load_error(dequantize_model(tfl::kInt8, per_tensor(0.1f, 0), {1, 4}, tfl::kFloat32, {4, 1}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("DEQUANTIZE") && ContainsSubstring("4x1"));
  }
}
