// LOGISTIC on single-op models: every input value gives the sigmoid within
// one quantum, monotonically, with 0 mapped exactly to 1/2; and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

// TFLite's output quantization for 8-bit LOGISTIC: scale 1/256, zero point
// at the bottom of the type's range.
template <typename T>
ModelBuilder logistic_model(float in_scale, int32_t in_zero_point, std::vector<int32_t> out_shape = {256}) {
  ModelBuilder m;
  const int x = m.tensor("x", tflite_type<T>(), {256}, per_tensor(in_scale, in_zero_point));
  const int y = m.tensor("sigmoid", tflite_type<T>(), std::move(out_shape),
                         per_tensor(1.0f / 256, std::numeric_limits<T>::min()));
  add_single_op(m, tfl::op::kLogistic, {x}, y);
  return m;
}

}  // namespace

TEMPLATE_TEST_CASE("LOGISTIC is the sigmoid within one quantum for every input", "[ops][logistic]", uint8_t, int8_t) {
  const bool is_uint8 = std::is_same_v<TestType, uint8_t>;
  const auto [in_scale, in_zp] = GENERATE_COPY(table<float, int32_t>({
      {0.1f, is_uint8 ? 128 : 0},
      {0.0234f, is_uint8 ? 200 : 72},
      {0.25f, is_uint8 ? 3 : -125},
  }));
  CAPTURE(in_scale, in_zp);
  const auto in = all_values<TestType>();
  const auto out = run_model<TestType, TestType>(logistic_model<TestType>(in_scale, in_zp), {in});
  constexpr int32_t lo = std::numeric_limits<TestType>::min(), hi = std::numeric_limits<TestType>::max();
  int max_error = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const double x = dequantize(in[i], in_scale, in_zp);
    const int32_t ideal = quantize_ideal(1.0 / (1.0 + std::exp(-x)), 1.0f / 256, lo, lo, hi);
    max_error = std::max(max_error, std::abs(out[i] - ideal));
    if (i > 0) CHECK(out[i] >= out[i - 1]);  // inputs ascend, so must outputs
    if (in[i] == in_zp) CHECK(int{out[i]} == lo + 128);  // sigmoid(0) = 1/2 exactly
  }
  CHECK(max_error <= 1);
}

TEST_CASE("LOGISTIC with a degenerate output scale saturates instead of overflowing", "[ops][logistic]") {
  ModelBuilder m;
  const int x = m.tensor("x", tfl::kInt8, {256}, per_tensor(0.1f, 0));
  const int y = m.tensor("sigmoid", tfl::kInt8, {256}, per_tensor(1e-40f, -128));
  add_single_op(m, tfl::op::kLogistic, {x}, y);
  CHECK(run_model<int8_t, int8_t>(m, {all_values<int8_t>()}) == std::vector<int8_t>(256, 127));
}

TEST_CASE("LOGISTIC rejects malformed nodes", "[ops][logistic]") {
  SECTION("a declared output shape that differs from the input's") {
    const Status s = load_error(logistic_model<uint8_t>(0.1f, 128, {16, 16}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("LOGISTIC") && ContainsSubstring("16x16"));
  }
  SECTION("an input without quantization") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kInt8, {4});
    const int y = m.tensor("sigmoid", tfl::kInt8, {4}, per_tensor(1.0f / 256, -128));
    add_single_op(m, tfl::op::kLogistic, {x}, y);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("LOGISTIC") && ContainsSubstring("'x'"));
  }
  SECTION("different input and output types") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kInt8, {4}, per_tensor(0.1f, 0));
    const int y = m.tensor("sigmoid", tfl::kUInt8, {4}, per_tensor(1.0f / 256, 0));
    add_single_op(m, tfl::op::kLogistic, {x}, y);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("LOGISTIC") && ContainsSubstring("'sigmoid'"));
  }
}
