// AVERAGE_POOL_2D on single-op models: averages rounded half away from zero,
// SAME padding that averages only the taps inside the input, strides, windows
// of one tap, fused activations and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

template <typename T>
ModelBuilder pool_model(std::vector<int32_t> in_shape, std::vector<int32_t> out_shape, Pool2DOptions options,
                        float scale = 1.0f, int32_t zero_point = 0) {
  ModelBuilder m;
  const int x = m.tensor("input", tflite_type<T>(), std::move(in_shape), per_tensor(scale, zero_point));
  const int y = m.tensor("pooled", tflite_type<T>(), std::move(out_shape), per_tensor(scale, zero_point));
  add_single_op(m, tfl::op::kAveragePool2D, {x}, y, options);
  return m;
}

// Whole-input 2x2 average of one channel holding `values`.
template <typename T>
T average_of_four(std::vector<T> values) {
  Pool2DOptions o;
  o.filter_w = o.filter_h = 2;
  return run_model<T, T>(pool_model<T>({1, 2, 2, 1}, {1, 1, 1, 1}, o), {values}).at(0);
}

}  // namespace

TEST_CASE("AVERAGE_POOL_2D rounds averages half away from zero", "[ops][average_pool_2d]") {
  CHECK(average_of_four<uint8_t>({1, 2, 2, 2}) == 2);      // 1.75
  CHECK(average_of_four<uint8_t>({1, 1, 1, 2}) == 1);      // 1.25
  CHECK(average_of_four<uint8_t>({1, 1, 2, 2}) == 2);      // 1.5
  CHECK(average_of_four<uint8_t>({0, 0, 0, 2}) == 1);      // 0.5
  CHECK(average_of_four<uint8_t>({255, 255, 255, 255}) == 255);
  CHECK(average_of_four<int8_t>({-1, -1, -2, -2}) == -2);  // -1.5
  CHECK(average_of_four<int8_t>({0, 0, 0, -2}) == -1);     // -0.5
  CHECK(average_of_four<int8_t>({-1, -1, -1, -2}) == -1);  // -1.25
  CHECK(average_of_four<int8_t>({-128, -128, -128, -128}) == -128);
  CHECK(average_of_four<int8_t>({-3, 1, 0, 0}) == -1);     // -0.5
}

TEST_CASE("AVERAGE_POOL_2D with SAME padding averages only the taps inside the input", "[ops][average_pool_2d]") {
  // 3x3 input, 3x3 window, stride 1: a corner sees 4 taps, an edge 6, the centre 9.
  const std::vector<uint8_t> input = {10, 20, 30,  //
                                      40, 50, 60,  //
                                      70, 80, 90};
  Pool2DOptions o;
  o.padding = tfl::kSame;
  o.filter_w = o.filter_h = 3;
  const auto out = run_model<uint8_t, uint8_t>(pool_model<uint8_t>({1, 3, 3, 1}, {1, 3, 3, 1}, o), {input});
  CHECK(out == std::vector<uint8_t>{30, 35, 40,  //
                                    45, 50, 55,  //
                                    60, 65, 70});
}

TEST_CASE("AVERAGE_POOL_2D strides over channels independently", "[ops][average_pool_2d]") {
  // 1x4x4x2, 2x2 window, stride 2, VALID: channel 1 is 100 + channel 0.
  std::vector<int8_t> input;
  for (int i = 0; i < 16; ++i) {
    input.push_back(static_cast<int8_t>(i - 8));
    input.push_back(static_cast<int8_t>(i + 100));
  }
  Pool2DOptions o;
  o.filter_w = o.filter_h = 2;
  o.stride_w = o.stride_h = 2;
  const auto out = run_model<int8_t, int8_t>(pool_model<int8_t>({1, 4, 4, 2}, {1, 2, 2, 2}, o), {input});
  // Window sums of (i - 8) over {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}.
  CHECK(out == std::vector<int8_t>{-6, 103, -4, 105, 3, 111, 5, 113});  // halves round away from zero
}

TEST_CASE("AVERAGE_POOL_2D global pooling over a 7x7 map", "[ops][average_pool_2d]") {
  // MobileNet V1's last pooling: 7x7 window over a 7x7x3 map.
  std::vector<uint8_t> input;
  for (int i = 0; i < 49; ++i) {
    input.push_back(static_cast<uint8_t>(i));
    input.push_back(static_cast<uint8_t>(2 * i + 1));
    input.push_back(static_cast<uint8_t>(i == 0 ? 49 : 0));
  }
  Pool2DOptions o;
  o.filter_w = o.filter_h = 7;
  o.stride_w = o.stride_h = 2;
  const auto out = run_model<uint8_t, uint8_t>(pool_model<uint8_t>({1, 7, 7, 3}, {1, 1, 1, 3}, o), {input});
  CHECK(out == std::vector<uint8_t>{24, 49, 1});  // 24, 49, 1 exactly
}

TEST_CASE("AVERAGE_POOL_2D over a 1x1 map passes each channel through", "[ops][average_pool_2d]") {
  // MobileNet V3's last pooling: a window larger than the map sees one tap.
  std::vector<int8_t> input;
  for (int c = 0; c < 40; ++c) input.push_back(static_cast<int8_t>(c * 7 - 128));
  Pool2DOptions o;
  o.padding = tfl::kSame;
  o.filter_w = o.filter_h = 7;
  o.stride_w = o.stride_h = 2;
  CHECK(run_model<int8_t, int8_t>(pool_model<int8_t>({1, 1, 1, 40}, {1, 1, 1, 40}, o), {input}) == input);
}

TEST_CASE("AVERAGE_POOL_2D with a 1x1 window at stride 2 keeps every other pixel", "[ops][average_pool_2d]") {
  std::vector<uint8_t> input(16);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(10 * i);
  Pool2DOptions o;
  o.stride_w = o.stride_h = 2;
  const auto out = run_model<uint8_t, uint8_t>(pool_model<uint8_t>({1, 4, 4, 1}, {1, 2, 2, 1}, o), {input});
  CHECK(out == std::vector<uint8_t>{0, 20, 80, 100});
}

TEST_CASE("AVERAGE_POOL_2D clamps to its fused activation's range", "[ops][average_pool_2d]") {
  // Scale 0.1, zero point 10 (uint8): real 0 is 10, 6 is 70, -1 is 0 and 1 is 20.
  const auto [activation, lo, hi] = GENERATE(table<int8_t, int32_t, int32_t>({
      {tfl::act::kNone, 0, 255},
      {tfl::act::kRelu, 10, 255},
      {tfl::act::kRelu6, 10, 70},
      {tfl::act::kReluN1To1, 0, 20},
  }));
  CAPTURE(int{activation});
  const auto values = all_values<uint8_t>();
  Pool2DOptions o;
  o.activation = activation;
  const auto out =
      run_model<uint8_t, uint8_t>(pool_model<uint8_t>({1, 16, 16, 1}, {1, 16, 16, 1}, o, 0.1f, 10), {values});
  for (size_t i = 0; i < values.size(); ++i) {
    INFO("input " << int{values[i]});
    CHECK(out[i] == std::clamp<int32_t>(values[i], lo, hi));
  }
}

TEST_CASE("AVERAGE_POOL_2D with RELU6 beyond the type's range keeps only the type's bound", "[ops][average_pool_2d]") {
  // With scale 1e-30, 6.0 is 6e30 quanta: far outside int32, let alone uint8.
  Pool2DOptions o;
  o.activation = tfl::act::kRelu6;
  const auto values = all_values<uint8_t>();
  const auto out =
      run_model<uint8_t, uint8_t>(pool_model<uint8_t>({1, 16, 16, 1}, {1, 16, 16, 1}, o, 1e-30f, 10), {values});
  for (size_t i = 0; i < values.size(); ++i) {
    INFO("input " << int{values[i]});
    CHECK(out[i] == std::max<int32_t>(values[i], 10));
  }
}

TEST_CASE("AVERAGE_POOL_2D rejects malformed nodes", "[ops][average_pool_2d]") {
  Pool2DOptions o;
  o.filter_w = o.filter_h = 2;
  SECTION("a 3-D input") {
    const Status s = load_error(pool_model<uint8_t>({4, 4, 1}, {2, 2, 1}, o));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("AVERAGE_POOL_2D") && ContainsSubstring("4-D"));
  }
  SECTION("a zero filter size") {
    o.filter_w = 0;
    const Status s = load_error(pool_model<uint8_t>({1, 4, 4, 1}, {1, 3, 3, 1}, o));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("AVERAGE_POOL_2D") && ContainsSubstring("filter"));
  }
  SECTION("a zero stride") {
    o.stride_h = 0;
    const Status s = load_error(pool_model<uint8_t>({1, 4, 4, 1}, {1, 3, 3, 1}, o));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("AVERAGE_POOL_2D") && ContainsSubstring("strides"));
  }
  SECTION("a stride near INT_MAX") {
    o.stride_h = 0x7FFFFFFF;
    const Status s = load_error(pool_model<uint8_t>({1, 4, 4, 1}, {1, 1, 3, 1}, o));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("AVERAGE_POOL_2D") && ContainsSubstring("stride 2147483647"));
  }
  SECTION("a VALID window larger than the input") {
    o.filter_w = o.filter_h = 5;
    const Status s = load_error(pool_model<uint8_t>({1, 4, 4, 1}, {1, 1, 1, 1}, o));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("AVERAGE_POOL_2D") && ContainsSubstring("larger than the input"));
  }
  SECTION("a wrong declared output shape") {
    const Status s = load_error(pool_model<uint8_t>({1, 4, 4, 1}, {1, 2, 2, 1}, o));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("AVERAGE_POOL_2D") && ContainsSubstring("1x3x3x1"));
  }
  SECTION("a float input") {
    const Status s = load_error(pool_model<float>({1, 4, 4, 1}, {1, 3, 3, 1}, o));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("AVERAGE_POOL_2D") && ContainsSubstring("float32"));
  }
}
