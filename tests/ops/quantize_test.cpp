// QUANTIZE on single-op models: float to 8-bit with rounding half away from
// zero and saturation (NaN, infinities and huge values included), 8-bit to
// 8-bit requantization, and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

template <typename Out>
ModelBuilder quantize_model(int8_t in_type, QuantSpec in_q, float scale, int32_t zero_point,
                            std::vector<int32_t> shape, std::vector<int32_t> out_shape = {}) {
  ModelBuilder m;
  const int x = m.tensor("input", in_type, shape, std::move(in_q));
  const int y = m.tensor("quantized", tflite_type<Out>(), out_shape.empty() ? shape : out_shape,
                         per_tensor(scale, zero_point));
  add_single_op(m, tfl::op::kQuantize, {x}, y);
  return m;
}

constexpr float kInf = std::numeric_limits<float>::infinity();

}  // namespace

TEST_CASE("QUANTIZE float to int8 rounds half away from zero and saturates", "[ops][quantize]") {
  // Scale 0.5, zero point -3: q = round(2x) - 3, clamped to [-128, 127].
  const std::vector<std::pair<float, int8_t>> cases = {
      {0.0f, -3},       {0.25f, -2},     {-0.25f, -4},  {0.75f, -1},   {-0.75f, -5},   {1.0f, -1},
      {0.2f, -3},       {-0.2f, -3},     {65.0f, 127},  {65.5f, 127},  {64.5f, 126},   {-62.5f, -128},
      {-62.0f, -127},   {1e30f, 127},    {-1e30f, -128}, {kInf, 127},  {-kInf, -128},  {3e9f, 127},
      {-3e9f, -128},    {std::numeric_limits<float>::max(), 127},      {std::numeric_limits<float>::lowest(), -128},
      {std::numeric_limits<float>::denorm_min(), -3},
      {std::numeric_limits<float>::quiet_NaN(), -3},  // NaN has no value: it maps to real 0
  };
  std::vector<float> input;
  for (const auto& c : cases) input.push_back(c.first);
  const auto out = run_model<int8_t, float>(
      quantize_model<int8_t>(tfl::kFloat32, {}, 0.5f, -3, {static_cast<int32_t>(input.size())}), {input});
  REQUIRE(out.size() == cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO("x = " << cases[i].first);
    CHECK(int{out[i]} == int{cases[i].second});
  }
}

TEST_CASE("QUANTIZE float to uint8 maps [0, 1] onto 0..255", "[ops][quantize]") {
  const std::vector<float> input = {0.0f, 1.0f, 0.5f, -0.001f, 1.001f, 127.5f / 255, 0.1f, -kInf, kInf,
                                    std::numeric_limits<float>::quiet_NaN()};
  const auto out = run_model<uint8_t, float>(
      quantize_model<uint8_t>(tfl::kFloat32, {}, 1.0f / 255, 0, {1, 2, 5}), {input});
  // x / scale is a float division, as in TFLite: 0.5 / (1/255) is 127.49999
  // and 0.1 / (1/255) is 25.499998, so both round down.
  CHECK(out == std::vector<uint8_t>{0, 255, 127, 0, 255, 127, 25, 0, 255, 0});
}

TEST_CASE("QUANTIZE float to 8-bit matches round(x / scale) + zero point for every representable value",
          "[ops][quantize]") {
  // Every quantization level and the midpoints between them, as floats.
  const float scale = 0.0390625f;  // 5/128: x / scale is exact for these inputs
  const int32_t zero_point = 7;
  std::vector<float> input;
  for (int half_steps = -600; half_steps <= 600; ++half_steps) input.push_back(scale * 0.5f * static_cast<float>(half_steps));
  const auto out = run_model<int8_t, float>(
      quantize_model<int8_t>(tfl::kFloat32, {}, scale, zero_point, {static_cast<int32_t>(input.size())}), {input});
  for (size_t i = 0; i < input.size(); ++i) {
    const int32_t expected = quantize_ideal(input[i], scale, zero_point, -128, 127);
    INFO("x = " << input[i]);
    CHECK(int{out[i]} == expected);
  }
}

TEST_CASE("QUANTIZE requantizes 8-bit tensors", "[ops][quantize]") {
  SECTION("int8 to uint8 with the same scale shifts by 128 exactly") {
    const auto in = all_values<int8_t>();
    const auto out = run_model<uint8_t, int8_t>(
        quantize_model<uint8_t>(tfl::kInt8, per_tensor(0.3f, -5), 0.3f, 123, {256}), {in});
    for (size_t i = 0; i < in.size(); ++i) {
      INFO("q = " << int{in[i]});
      CHECK(int{out[i]} == std::clamp(in[i] + 5 + 123, 0, 255));
    }
  }
  SECTION("a rescale by exactly 2 doubles and saturates") {
    const auto in = all_values<uint8_t>();
    const auto out = run_model<uint8_t, uint8_t>(
        quantize_model<uint8_t>(tfl::kUInt8, per_tensor(0.2f, 128), 0.1f, 128, {256}), {in});
    for (size_t i = 0; i < in.size(); ++i) {
      INFO("q = " << int{in[i]});
      CHECK(int{out[i]} == std::clamp(2 * (in[i] - 128) + 128, 0, 255));
    }
  }
  SECTION("any other rescale is within one quantum of the real value") {
    const auto in = all_values<uint8_t>();
    const auto out = run_model<int8_t, uint8_t>(
        quantize_model<int8_t>(tfl::kUInt8, per_tensor(0.3f, 100), 0.7f, -10, {256}), {in});
    for (size_t i = 0; i < in.size(); ++i) {
      INFO("q = " << int{in[i]});
      CHECK(std::abs(out[i] - quantize_ideal(dequantize(in[i], 0.3f, 100), 0.7f, -10, -128, 127)) <= 1);
    }
  }
}

TEST_CASE("QUANTIZE rejects malformed nodes", "[ops][quantize]") {
  SECTION("a float output") {
    ModelBuilder m;
    const int x = m.tensor("input", tfl::kFloat32, {4});
    const int y = m.tensor("quantized", tfl::kFloat32, {4});
    add_single_op(m, tfl::op::kQuantize, {x}, y);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("QUANTIZE") && ContainsSubstring("'quantized'"));
  }
  SECTION("an output without quantization") {
    ModelBuilder m;
    const int x = m.tensor("input", tfl::kFloat32, {4});
    const int y = m.tensor("quantized", tfl::kInt8, {4});
    add_single_op(m, tfl::op::kQuantize, {x}, y);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("QUANTIZE") && ContainsSubstring("quantization scale"));
  }
  SECTION("a declared output shape that differs from the input's") {
    const Status s = load_error(quantize_model<int8_t>(tfl::kFloat32, {}, 0.5f, 0, {2, 2}, {4}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("QUANTIZE") && ContainsSubstring("2x2"));
  }
  SECTION("an int32 input") {
    const Status s = load_error(quantize_model<int8_t>(tfl::kInt32, per_tensor(1.0f, 0), 0.5f, 0, {4}));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("QUANTIZE") && ContainsSubstring("int32"));
  }
}
