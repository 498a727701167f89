// MUL on single-op models: exact products when the scales make the rescale 1,
// the real product within a quantum otherwise, the squeeze-and-excitation
// broadcast of MobileNet V3, fused activations and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

template <typename T>
ModelBuilder mul_model(const QuantizedOperand& a, const QuantizedOperand& b, const QuantizedOperand& out,
                         int8_t activation = tfl::act::kNone) {
  return binary_op_model<T>(tfl::op::kMul, MulOptions{activation}, a, b, out);
}

}  // namespace

TEMPLATE_TEST_CASE("MUL with unit rescale is the exact product, saturating", "[ops][mul]", uint8_t, int8_t) {
  // 0.5 * 0.5 / 0.25 = 1: the output is (a - za) * (b - zb) + zout exactly.
  const std::vector<TestType> a = all_values<TestType>();
  std::vector<TestType> b;
  for (size_t i = 0; i < a.size(); ++i) b.push_back(static_cast<TestType>(std::numeric_limits<TestType>::min() + i % 7));
  const int32_t za = 2, zb = std::numeric_limits<TestType>::min() + 3, zout = 1;
  const auto out = run_model<TestType, TestType>(
      mul_model<TestType>({{256}, 0.5f, za}, {{256}, 0.5f, zb}, {{256}, 0.25f, zout}), {a, b});
  REQUIRE(out.size() == 256);
  constexpr int32_t lo = std::numeric_limits<TestType>::min(), hi = std::numeric_limits<TestType>::max();
  for (size_t i = 0; i < a.size(); ++i) {
    const int32_t exact = (a[i] - za) * (b[i] - zb) + zout;
    INFO("a=" << int{a[i]} << " b=" << int{b[i]});
    CHECK(out[i] == std::clamp(exact, lo, hi));
  }
}

TEMPLATE_TEST_CASE("MUL of other scales is the real product within one quantum", "[ops][mul]", uint8_t, int8_t) {
  const QuantizedOperand a{{256, 1}, 0.05f, 10}, b{{1, 256}, 0.0078125f, 3}, out{{256, 256}, 0.07f, 1};
  const auto values = all_values<TestType>();
  const auto product = run_model<TestType, TestType>(mul_model<TestType>(a, b, out), {values, values});
  REQUIRE(product.size() == 256 * 256);
  int max_error = 0, inexact = 0;
  std::string worst;
  for (size_t i = 0; i < 256; ++i) {
    for (size_t j = 0; j < 256; ++j) {
      const double real = dequantize(values[i], a.scale, a.zero_point) * dequantize(values[j], b.scale, b.zero_point);
      const int32_t ideal = quantize_ideal(real, out.scale, out.zero_point, std::numeric_limits<TestType>::min(),
                                           std::numeric_limits<TestType>::max());
      const int error = std::abs(product[i * 256 + j] - ideal);
      inexact += error != 0;
      if (error > max_error) {
        max_error = error;
        worst = "a=" + std::to_string(values[i]) + " b=" + std::to_string(values[j]);
      }
    }
  }
  INFO("worst case: " << worst);
  CHECK(max_error <= 1);
  CHECK(inexact < 256 * 256 / 100);
}

TEST_CASE("MUL gates NHWC activations by a per-channel vector and by scalars", "[ops][mul]") {
  const std::vector<uint8_t> image = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // 1x2x2x3
  const std::vector<int32_t> nhwc = {1, 2, 2, 3};
  SECTION("[1,H,W,C] * [1,1,1,C] (squeeze-and-excitation)") {
    const auto out = run_model<uint8_t, uint8_t>(
        mul_model<uint8_t>({nhwc, 1.0f, 0}, {{1, 1, 1, 3}, 1.0f, 0}, {nhwc, 1.0f, 0}),
        {image, std::vector<uint8_t>{0, 1, 10}});
    CHECK(out == std::vector<uint8_t>{0, 2, 30, 0, 5, 60, 0, 8, 90, 0, 11, 120});
  }
  SECTION("scalar * [1,H,W,C]") {
    const auto out = run_model<uint8_t, uint8_t>(
        mul_model<uint8_t>({{}, 1.0f, 0}, {nhwc, 1.0f, 0}, {nhwc, 1.0f, 0}), {std::vector<uint8_t>{30}, image});
    CHECK(out == std::vector<uint8_t>{30, 60, 90, 120, 150, 180, 210, 240, 255, 255, 255, 255});
  }
}

TEST_CASE("MUL clamps to its fused activation's range", "[ops][mul]") {
  // Output scale 1/16, zero point 0 (int8): real 0 is 0, 6 is 96, -1 is -16 and 1 is 16.
  const auto [activation, lo, hi] = GENERATE(table<int8_t, int32_t, int32_t>({
      {tfl::act::kNone, -128, 127},
      {tfl::act::kRelu, 0, 127},
      {tfl::act::kRelu6, 0, 96},
      {tfl::act::kReluN1To1, -16, 16},
  }));
  CAPTURE(int{activation});
  const auto a = all_values<int8_t>();
  const std::vector<int8_t> b(256, 1);
  // 0.0625 * 1.0 / 0.0625 = 1: exact.
  const auto out = run_model<int8_t, int8_t>(
      mul_model<int8_t>({{256}, 0.0625f, 0}, {{256}, 1.0f, 0}, {{256}, 0.0625f, 0}, activation), {a, b});
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("a=" << int{a[i]});
    CHECK(out[i] == std::clamp<int32_t>(a[i], lo, hi));
  }
}

TEST_CASE("MUL rejects operands it cannot multiply", "[ops][mul]") {
  SECTION("a declared output shape that is not the broadcast shape") {
    const Status s = load_error(mul_model<uint8_t>({{1, 4, 4, 8}, 1.0f, 0}, {{1, 1, 1, 8}, 1.0f, 0}, {{1, 1, 1, 8}, 1.0f, 0}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("MUL") && ContainsSubstring("1x4x4x8"));
  }
  SECTION("shapes that do not broadcast") {
    const Status s = load_error(mul_model<uint8_t>({{1, 4, 4, 8}, 1.0f, 0}, {{1, 1, 1, 3}, 1.0f, 0}, {{1, 4, 4, 8}, 1.0f, 0}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("MUL") && ContainsSubstring("do not broadcast"));
  }
  SECTION("a zero point outside the element type's range") {
    const Status s = load_error(mul_model<int8_t>({{4}, 1.0f, 0}, {{4}, 1.0f, 0}, {{4}, 1.0f, -129}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("MUL") && ContainsSubstring("'out'") && ContainsSubstring("-129") &&
                                ContainsSubstring("int8 range"));
  }
  SECTION("a zero scale") {
    const Status s = load_error(mul_model<uint8_t>({{4}, 0.0f, 0}, {{4}, 1.0f, 0}, {{4}, 1.0f, 0}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("MUL") && ContainsSubstring("'a'") && ContainsSubstring("scale"));
  }
}
