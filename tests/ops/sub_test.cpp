// SUB on single-op models: a - b (never b - a), exact for equal scales, the
// real difference within a quantum otherwise, broadcasting both ways,
// fused activations and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

template <typename T>
ModelBuilder sub_model(const QuantizedOperand& a, const QuantizedOperand& b, const QuantizedOperand& out,
                         int8_t activation = tfl::act::kNone) {
  return binary_op_model<T>(tfl::op::kSub, SubOptions{activation}, a, b, out);
}

}  // namespace

TEMPLATE_TEST_CASE("SUB of equal scales is the exact difference, saturating", "[ops][sub]", uint8_t, int8_t) {
  const std::vector<TestType> a = all_values<TestType>();
  std::vector<TestType> b;
  for (size_t i = 0; i < a.size(); ++i) b.push_back(a[a.size() - 1 - i]);  // a - b spans the whole range
  const int32_t za = 4, zb = 9, zout = 2;
  const auto out = run_model<TestType, TestType>(
      sub_model<TestType>({{16, 16}, 0.2f, za}, {{16, 16}, 0.2f, zb}, {{16, 16}, 0.2f, zout}), {a, b});
  REQUIRE(out.size() == 256);
  constexpr int32_t lo = std::numeric_limits<TestType>::min(), hi = std::numeric_limits<TestType>::max();
  int low = 0, high = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int32_t exact = (a[i] - za) - (b[i] - zb) + zout;
    INFO("a=" << int{a[i]} << " b=" << int{b[i]});
    CHECK(out[i] == std::clamp(exact, lo, hi));
    low += exact < lo;
    high += exact > hi;
  }
  CHECK(low > 0);  // the sweep saturates at both ends
  CHECK(high > 0);
}

TEMPLATE_TEST_CASE("SUB of different scales is the real difference within one quantum", "[ops][sub]", uint8_t,
                   int8_t) {
  const QuantizedOperand a{{256, 1}, 0.02f, 3}, b{{1, 256}, 0.011f, 1}, out{{256, 256}, 0.03f, 2};
  const auto values = all_values<TestType>();
  const auto diff = run_model<TestType, TestType>(sub_model<TestType>(a, b, out), {values, values});
  REQUIRE(diff.size() == 256 * 256);
  int max_error = 0;
  std::string worst;
  for (size_t i = 0; i < 256; ++i) {
    for (size_t j = 0; j < 256; ++j) {
      const double real = dequantize(values[i], a.scale, a.zero_point) - dequantize(values[j], b.scale, b.zero_point);
      const int32_t ideal = quantize_ideal(real, out.scale, out.zero_point, std::numeric_limits<TestType>::min(),
                                           std::numeric_limits<TestType>::max());
      const int error = std::abs(diff[i * 256 + j] - ideal);
      if (error > max_error) {
        max_error = error;
        worst = "a=" + std::to_string(values[i]) + " b=" + std::to_string(values[j]);
      }
    }
  }
  INFO("worst case: " << worst);
  CHECK(max_error <= 1);
}

TEST_CASE("SUB broadcasts either operand and keeps the order a - b", "[ops][sub]") {
  const std::vector<int8_t> image = {10, 20, 30, 40, 50, 60, 70, 80};  // 1x2x2x2
  const std::vector<int32_t> nhwc = {1, 2, 2, 2};
  SECTION("[1,H,W,C] - [1,1,1,C]") {
    const auto out = run_model<int8_t, int8_t>(
        sub_model<int8_t>({nhwc, 1.0f, 0}, {{1, 1, 1, 2}, 1.0f, 0}, {nhwc, 1.0f, 0}),
        {image, std::vector<int8_t>{1, -2}});
    CHECK(out == std::vector<int8_t>{9, 22, 29, 42, 49, 62, 69, 82});
  }
  SECTION("scalar - [1,H,W,C]") {
    const auto out = run_model<int8_t, int8_t>(
        sub_model<int8_t>({{}, 1.0f, 0}, {nhwc, 1.0f, 0}, {nhwc, 1.0f, 0}), {std::vector<int8_t>{100}, image});
    CHECK(out == std::vector<int8_t>{90, 80, 70, 60, 50, 40, 30, 20});
  }
}

TEST_CASE("SUB clamps to its fused activation's range", "[ops][sub]") {
  // Scale 0.1, zero point 0 (int8): real 0 is 0, 6 is 60, -1 is -10 and 1 is 10.
  const auto [activation, lo, hi] = GENERATE(table<int8_t, int32_t, int32_t>({
      {tfl::act::kNone, -128, 127},
      {tfl::act::kRelu, 0, 127},
      {tfl::act::kRelu6, 0, 60},
      {tfl::act::kReluN1To1, -10, 10},
  }));
  CAPTURE(int{activation});
  const auto a = all_values<int8_t>();
  const std::vector<int8_t> b(256, 5);
  const QuantizedOperand q{{256}, 0.1f, 0};
  const auto out = run_model<int8_t, int8_t>(sub_model<int8_t>(q, q, q, activation), {a, b});
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("a=" << int{a[i]});
    CHECK(out[i] == std::clamp(a[i] - 5, lo, hi));
  }
}

TEST_CASE("SUB rejects operands it cannot subtract", "[ops][sub]") {
  const std::vector<int32_t> shape = {1, 3};
  SECTION("mixed element types") {
    ModelBuilder m;
    const int x = m.tensor("a", tfl::kInt8, shape, per_tensor(0.5f, 0));
    const int y = m.tensor("b", tfl::kInt8, shape, per_tensor(0.5f, 0));
    const int z = m.tensor("difference", tfl::kUInt8, shape, per_tensor(0.5f, 0));
    add_single_op(m, tfl::op::kSub, {x, y}, z, SubOptions{});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("SUB") && ContainsSubstring("'difference'") && ContainsSubstring("uint8"));
  }
  SECTION("a declared output shape that is not the broadcast shape") {
    const Status s = load_error(sub_model<int8_t>({shape, 0.5f, 0}, {{2, 1}, 0.5f, 0}, {shape, 0.5f, 0}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("SUB") && ContainsSubstring("2x3"));
  }
  SECTION("per-channel quantization") {
    ModelBuilder m;
    const int x = m.tensor("a", tfl::kInt8, shape, {{0.5f, 0.25f, 0.125f}, {0, 0, 0}, 1});
    const int y = m.tensor("b", tfl::kInt8, shape, per_tensor(0.5f, 0));
    const int z = m.tensor("difference", tfl::kInt8, shape, per_tensor(0.5f, 0));
    add_single_op(m, tfl::op::kSub, {x, y}, z, SubOptions{});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("SUB") && ContainsSubstring("per channel"));
  }
}
