// RELU and RELU6 as standalone ops on single-op models: exact clamps when
// input and output share a quantization, the real value within a quantum
// when they do not, and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

template <typename T>
ModelBuilder relu_model(int32_t op, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                        int8_t out_type = tflite_type<T>()) {
  ModelBuilder m;
  const int x = m.tensor("x", tflite_type<T>(), {2, 128}, per_tensor(in_scale, in_zp));
  const int y = m.tensor("y", out_type, {2, 128}, per_tensor(out_scale, out_zp));
  add_single_op(m, op, {x}, y);
  return m;
}

}  // namespace

TEMPLATE_TEST_CASE("RELU and RELU6 with one quantization clamp exactly", "[ops][relu]", uint8_t, int8_t) {
  // Scale 1/32: real 6 is 192 quanta above the zero point.
  const int32_t zp = std::is_same_v<TestType, uint8_t> ? 40 : -100;
  const auto in = all_values<TestType>();
  const auto relu = run_model<TestType, TestType>(relu_model<TestType>(tfl::op::kRelu, 1.0f / 32, zp, 1.0f / 32, zp), {in});
  const auto relu6 = run_model<TestType, TestType>(relu_model<TestType>(tfl::op::kRelu6, 1.0f / 32, zp, 1.0f / 32, zp), {in});
  for (size_t i = 0; i < in.size(); ++i) {
    INFO("q = " << int{in[i]});
    CHECK(int{relu[i]} == std::max<int32_t>(in[i], zp));
    CHECK(int{relu6[i]} == std::clamp<int32_t>(in[i], zp, zp + 192));
  }
}

TEMPLATE_TEST_CASE("RELU and RELU6 between quantizations are within one quantum of the real value", "[ops][relu]",
                   uint8_t, int8_t) {
  const bool is_uint8 = std::is_same_v<TestType, uint8_t>;
  const float in_scale = 0.1f, out_scale = 0.0235f;
  const int32_t in_zp = is_uint8 ? 120 : -8, out_zp = is_uint8 ? 0 : -128;
  constexpr int32_t lo = std::numeric_limits<TestType>::min(), hi = std::numeric_limits<TestType>::max();
  const auto in = all_values<TestType>();
  const auto relu = run_model<TestType, TestType>(relu_model<TestType>(tfl::op::kRelu, in_scale, in_zp, out_scale, out_zp), {in});
  const auto relu6 = run_model<TestType, TestType>(relu_model<TestType>(tfl::op::kRelu6, in_scale, in_zp, out_scale, out_zp), {in});
  for (size_t i = 0; i < in.size(); ++i) {
    const double x = dequantize(in[i], in_scale, in_zp);
    INFO("x = " << x);
    CHECK(std::abs(relu[i] - quantize_ideal(std::max(x, 0.0), out_scale, out_zp, lo, hi)) <= 1);
    CHECK(std::abs(relu6[i] - quantize_ideal(std::clamp(x, 0.0, 6.0), out_scale, out_zp, lo, hi)) <= 1);
    if (x <= 0) CHECK(int{relu6[i]} == out_zp);
  }
}

TEST_CASE("RELU with an absurd rescale stays defined", "[ops][relu]") {
  // Input scale / output scale = 1e30: the multiplier is clamped to about
  // 2^30, and the fixed-point left shift wraps for |q| >= 2 as in TFLite.
  // Every input runs (sanitizer builds check no overflow is undefined);
  // -1, 0 and 1 still have meaningful results.
  const auto in = all_values<int8_t>();
  const auto out = run_model<int8_t, int8_t>(relu_model<int8_t>(tfl::op::kRelu, 1e10f, 0, 1e-20f, -128), {in});
  CHECK(int{out[128 - 1]} == -128);
  CHECK(int{out[128 + 0]} == -128);
  CHECK(int{out[128 + 1]} == 127);
}

TEST_CASE("RELU rejects malformed nodes", "[ops][relu]") {
  SECTION("different input and output types") {
    const Status s = load_error(relu_model<int8_t>(tfl::op::kRelu, 0.1f, 0, 0.1f, 0, tfl::kUInt8));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("RELU") && ContainsSubstring("'y'"));
  }
  SECTION("a float tensor") {
    const Status s = load_error(relu_model<float>(tfl::op::kRelu6, 0.1f, 0, 0.1f, 0));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("RELU6") && ContainsSubstring("float32"));
  }
  SECTION("RELU_N1_TO_1 as a standalone op") {
    const Status s = load_error(relu_model<int8_t>(20, 0.1f, 0, 0.1f, 0));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("RELU_N1_TO_1") && ContainsSubstring("not supported"));
  }
}
