// ADD on single-op models through the interpreter: exact sums when the
// scales agree, the real sum within one quantum otherwise, broadcasting,
// fused activations and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

template <typename T>
ModelBuilder add_model(const QuantizedOperand& a, const QuantizedOperand& b, const QuantizedOperand& out,
                         int8_t activation = tfl::act::kNone) {
  return binary_op_model<T>(tfl::op::kAdd, AddOptions{activation}, a, b, out);
}

template <typename T>
int32_t clamp_to(int32_t v) {
  return std::clamp<int32_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
}

}  // namespace

TEMPLATE_TEST_CASE("ADD of equal scales is the exact sum, saturating", "[ops][add]", uint8_t, int8_t) {
  // With equal scales TFLite's rescaling by 1/2 and back is exact: the
  // result is (a - za) + (b - zb) + zout.
  const std::vector<TestType> a = all_values<TestType>();
  std::vector<TestType> b;
  for (size_t i = 0; i < a.size(); ++i) b.push_back(static_cast<TestType>(a[(i * 37 + 11) % a.size()]));
  const int32_t za = 10, zb = 7, zout = 3;
  const auto out = run_model<TestType, TestType>(
      add_model<TestType>({{256}, 0.5f, za}, {{256}, 0.5f, zb}, {{256}, 0.5f, zout}), {a, b});
  REQUIRE(out.size() == 256);
  int saturated = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int32_t exact = (a[i] - za) + (b[i] - zb) + zout;
    INFO("a=" << int{a[i]} << " b=" << int{b[i]});
    CHECK(out[i] == clamp_to<TestType>(exact));
    saturated += exact != clamp_to<TestType>(exact);
  }
  CHECK(saturated > 0);  // the sweep reaches both ends of the range
}

TEMPLATE_TEST_CASE("ADD of different scales is the real sum within one quantum", "[ops][add]", uint8_t, int8_t) {
  // Every pair of values: a is 256x1 and b is 1x256, broadcast to 256x256.
  const QuantizedOperand a{{256, 1}, 0.1f, 17}, b{{1, 256}, 0.37f, 20}, out{{256, 256}, 0.25f, 5};
  const auto values = all_values<TestType>();
  const auto sum = run_model<TestType, TestType>(add_model<TestType>(a, b, out), {values, values});
  REQUIRE(sum.size() == 256 * 256);
  int max_error = 0, off_by_one = 0;
  std::string worst;
  for (size_t i = 0; i < 256; ++i) {
    for (size_t j = 0; j < 256; ++j) {
      const double real = dequantize(values[i], a.scale, a.zero_point) + dequantize(values[j], b.scale, b.zero_point);
      const int32_t ideal = quantize_ideal(real, out.scale, out.zero_point, std::numeric_limits<TestType>::min(),
                                           std::numeric_limits<TestType>::max());
      const int error = std::abs(sum[i * 256 + j] - ideal);
      off_by_one += error != 0;
      if (error > max_error) {
        max_error = error;
        worst = "a=" + std::to_string(values[i]) + " b=" + std::to_string(values[j]);
      }
    }
  }
  INFO("worst case: " << worst);
  CHECK(max_error <= 1);
  CHECK(off_by_one < 256 * 256 / 100);  // within a quantum, and nearly always exact
}

TEST_CASE("ADD broadcasts a per-channel vector over NHWC and a scalar over anything", "[ops][add]") {
  const std::vector<uint8_t> image = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};  // 1x2x2x3
  const std::vector<uint8_t> channel = {1, 2, 3};
  const std::vector<int32_t> nhwc = {1, 2, 2, 3};

  SECTION("[1,H,W,C] + [1,1,1,C]") {
    const auto out = run_model<uint8_t, uint8_t>(
        add_model<uint8_t>({nhwc, 1.0f, 0}, {{1, 1, 1, 3}, 1.0f, 0}, {nhwc, 1.0f, 0}), {image, channel});
    CHECK(out == std::vector<uint8_t>{11, 22, 33, 41, 52, 63, 71, 82, 93, 101, 112, 123});
  }
  SECTION("[1,1,1,C] + [1,H,W,C]: the smaller operand may come first") {
    const auto out = run_model<uint8_t, uint8_t>(
        add_model<uint8_t>({{1, 1, 1, 3}, 1.0f, 0}, {nhwc, 1.0f, 0}, {nhwc, 1.0f, 0}), {channel, image});
    CHECK(out == std::vector<uint8_t>{11, 22, 33, 41, 52, 63, 71, 82, 93, 101, 112, 123});
  }
  SECTION("rank-0 scalar") {
    const auto out = run_model<uint8_t, uint8_t>(
        add_model<uint8_t>({nhwc, 1.0f, 0}, {{}, 1.0f, 0}, {nhwc, 1.0f, 0}), {image, std::vector<uint8_t>{5}});
    CHECK(out == std::vector<uint8_t>{15, 25, 35, 45, 55, 65, 75, 85, 95, 105, 115, 125});
  }
  SECTION("shape [1] scalar") {
    const auto out = run_model<uint8_t, uint8_t>(
        add_model<uint8_t>({{1}, 1.0f, 0}, {nhwc, 1.0f, 0}, {nhwc, 1.0f, 0}), {std::vector<uint8_t>{200}, image});
    CHECK(out == std::vector<uint8_t>{210, 220, 230, 240, 250, 255, 255, 255, 255, 255, 255, 255});
  }
  SECTION("both operands broadcast: [2,1] + [1,3] -> [2,3]") {
    const auto out = run_model<uint8_t, uint8_t>(
        add_model<uint8_t>({{2, 1}, 1.0f, 0}, {{1, 3}, 1.0f, 0}, {{2, 3}, 1.0f, 0}),
        {std::vector<uint8_t>{10, 20}, channel});
    CHECK(out == std::vector<uint8_t>{11, 12, 13, 21, 22, 23});
  }
}

TEST_CASE("ADD clamps to its fused activation's range", "[ops][add]") {
  // Scale 0.05, zero point 128: real 0 is 128, 6 is 248, -1 is 108 and 1 is 148.
  const auto [activation, lo, hi] = GENERATE(table<int8_t, int32_t, int32_t>({
      {tfl::act::kNone, 0, 255},
      {tfl::act::kRelu, 128, 255},
      {tfl::act::kRelu6, 128, 248},
      {tfl::act::kReluN1To1, 108, 148},
  }));
  CAPTURE(int{activation});
  const auto a = all_values<uint8_t>();
  const std::vector<uint8_t> b(256, 140);
  const QuantizedOperand q{{256}, 0.05f, 128};
  const auto out = run_model<uint8_t, uint8_t>(add_model<uint8_t>(q, q, q, activation), {a, b});
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("a=" << int{a[i]});
    CHECK(out[i] == std::clamp(a[i] - 128 + 140, lo, hi));
  }
}

TEST_CASE("ADD rejects operands it cannot add", "[ops][add]") {
  const QuantizedOperand q{{1, 2, 2, 3}, 0.5f, 0};
  SECTION("mixed element types") {
    ModelBuilder m;
    const int x = m.tensor("a", tfl::kUInt8, q.shape, per_tensor(0.5f, 0));
    const int y = m.tensor("b", tfl::kInt8, q.shape, per_tensor(0.5f, 0));
    const int z = m.tensor("sum", tfl::kUInt8, q.shape, per_tensor(0.5f, 0));
    add_single_op(m, tfl::op::kAdd, {x, y}, z, AddOptions{});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("ADD") && ContainsSubstring("'b'") && ContainsSubstring("int8"));
  }
  SECTION("float tensors") {
    ModelBuilder m;
    const int x = m.tensor("a", tfl::kFloat32, q.shape);
    const int y = m.tensor("b", tfl::kFloat32, q.shape);
    const int z = m.tensor("sum", tfl::kFloat32, q.shape);
    add_single_op(m, tfl::op::kAdd, {x, y}, z, AddOptions{});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("ADD") && ContainsSubstring("float32"));
  }
  SECTION("shapes that do not broadcast") {
    const Status s = load_error(add_model<uint8_t>(q, {{1, 2, 3, 3}, 0.5f, 0}, q));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("ADD") && ContainsSubstring("do not broadcast"));
  }
  SECTION("a declared output shape that is not the broadcast shape") {
    const Status s = load_error(add_model<uint8_t>(q, q, {{1, 2, 2, 1}, 0.5f, 0}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("ADD") && ContainsSubstring("1x2x2x1") && ContainsSubstring("1x2x2x3"));
  }
  SECTION("an operand without quantization") {
    ModelBuilder m;
    const int x = m.tensor("a", tfl::kUInt8, q.shape, per_tensor(0.5f, 0));
    const int y = m.tensor("b", tfl::kUInt8, q.shape);
    const int z = m.tensor("sum", tfl::kUInt8, q.shape, per_tensor(0.5f, 0));
    add_single_op(m, tfl::op::kAdd, {x, y}, z, AddOptions{});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("ADD") && ContainsSubstring("quantization"));
  }
  SECTION("a zero point outside the element type's range") {
    // (q - zero_point) << 20 would overflow int32.
    const Status s = load_error(add_model<uint8_t>(q, {q.shape, 0.5f, 4653056}, q));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("ADD") && ContainsSubstring("'b'") && ContainsSubstring("zero point 4653056"));
  }
  SECTION("a third input") {
    ModelBuilder m;
    const int x = m.tensor("a", tfl::kUInt8, q.shape, per_tensor(0.5f, 0));
    const int z = m.tensor("sum", tfl::kUInt8, q.shape, per_tensor(0.5f, 0));
    add_single_op(m, tfl::op::kAdd, {x, x, x}, z, AddOptions{});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("ADD") && ContainsSubstring("3 inputs"));
  }
}
