// HARD_SWISH on single-op models: every input value gives x * relu6(x + 3) / 6
// within one quantum, exactly zero where the function is, and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

template <typename T>
ModelBuilder hard_swish_model(float in_scale, int32_t in_zero_point, float out_scale, int32_t out_zero_point,
                              int8_t out_type = tflite_type<T>()) {
  ModelBuilder m;
  const int x = m.tensor("x", tflite_type<T>(), {1, 16, 16, 1}, per_tensor(in_scale, in_zero_point));
  const int y = m.tensor("hard_swish", out_type, {1, 16, 16, 1}, per_tensor(out_scale, out_zero_point));
  add_single_op(m, tfl::op::kHardSwish, {x}, y);
  return m;
}

double hard_swish(double x) { return x * std::clamp(x + 3.0, 0.0, 6.0) / 6.0; }

}  // namespace

TEMPLATE_TEST_CASE("HARD_SWISH is x * relu6(x + 3) / 6 within one quantum for every input", "[ops][hard_swish]",
                   uint8_t, int8_t) {
  // Quantizations like MobileNet V3's: inputs spanning about [-10, 10] or
  // [-3, 5], outputs [-0.4, 10] or [-0.4, 5].
  const bool is_uint8 = std::is_same_v<TestType, uint8_t>;
  const auto [in_scale, in_zp, out_scale, out_zp] = GENERATE_COPY(table<float, int32_t, float, int32_t>({
      {0.08f, is_uint8 ? 128 : 0, 0.042f, is_uint8 ? 9 : -119},
      {0.03137f, is_uint8 ? 96 : -32, 0.0212f, is_uint8 ? 19 : -109},
      {0.0147f, is_uint8 ? 250 : 122, 0.0117f, is_uint8 ? 34 : -94},
  }));
  CAPTURE(in_scale, in_zp, out_scale, out_zp);
  const auto in = all_values<TestType>();
  const auto out = run_model<TestType, TestType>(hard_swish_model<TestType>(in_scale, in_zp, out_scale, out_zp), {in});
  constexpr int32_t lo = std::numeric_limits<TestType>::min(), hi = std::numeric_limits<TestType>::max();
  int max_error = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const double x = dequantize(in[i], in_scale, in_zp);
    const int32_t ideal = quantize_ideal(hard_swish(x), out_scale, out_zp, lo, hi);
    INFO("x = " << x << " (q " << int{in[i]} << ")");
    CHECK(std::abs(out[i] - ideal) <= 1);
    max_error = std::max(max_error, std::abs(out[i] - ideal));
    // Where the function is exactly 0 the output is exactly the zero point.
    if (x <= -3.0 || in[i] == in_zp) CHECK(int{out[i]} == out_zp);
  }
  CHECK(max_error <= 1);
}

TEST_CASE("HARD_SWISH rejects quantizations it cannot represent", "[ops][hard_swish]") {
  SECTION("an output scale below the input scale / 128") {
    const Status s = load_error(hard_swish_model<int8_t>(0.5f, 0, 0.001f, 0));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("HARD_SWISH") && ContainsSubstring("output scale"));
  }
  SECTION("an absurd input scale") {
    const Status s = load_error(hard_swish_model<int8_t>(1e6f, 0, 1e6f, 0));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("HARD_SWISH") && ContainsSubstring("input scale"));
  }
  SECTION("different input and output types") {
    const Status s = load_error(hard_swish_model<int8_t>(0.05f, 0, 0.05f, 128, tfl::kUInt8));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("HARD_SWISH") && ContainsSubstring("'hard_swish'"));
  }
}
