// MEAN (TFLite's spatial mean, MobileNet V3's global pooling) on single-op
// models: the per-channel average over height and width, keep_dims or not,
// rescaled between quantizations, and the nodes it does not run.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"
#include "support/prng.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

struct Quant {
  float scale;
  int32_t zero_point;
};

template <typename T>
ModelBuilder mean_model(std::vector<int32_t> in_shape, std::vector<int32_t> axes, std::vector<int32_t> out_shape,
                        bool keep_dims, Quant in_q = {1.0f, 0}, Quant out_q = {1.0f, 0}) {
  ModelBuilder m;
  const int x = m.tensor("input", tflite_type<T>(), std::move(in_shape), per_tensor(in_q.scale, in_q.zero_point));
  const int a = m.constant_of<int32_t>("axes", tfl::kInt32, {static_cast<int32_t>(axes.size())}, axes);
  const int y = m.tensor("mean", tflite_type<T>(), std::move(out_shape), per_tensor(out_q.scale, out_q.zero_point));
  add_single_op(m, tfl::op::kMean, {x, a}, y, ReducerOptions{keep_dims});
  return m;
}

}  // namespace

TEST_CASE("MEAN over height and width averages each channel, rounding half away from zero", "[ops][mean]") {
  // 1x2x2x3; channel sums 6 (1.5), 10 (2.5) and -6 (-1.5).
  const std::vector<int8_t> input = {1, 4, -3, 2, 2, -1, 1, 2, -1, 2, 2, -1};
  const auto axes = GENERATE(std::vector<int32_t>{1, 2}, std::vector<int32_t>{2, 1}, std::vector<int32_t>{-3, -2});
  const bool keep_dims = GENERATE(false, true);
  CAPTURE(axes, keep_dims);
  const std::vector<int32_t> out_shape = keep_dims ? std::vector<int32_t>{1, 1, 1, 3} : std::vector<int32_t>{1, 3};
  const auto out = run_model<int8_t, int8_t>(mean_model<int8_t>({1, 2, 2, 3}, axes, out_shape, keep_dims), {input});
  CHECK(out == std::vector<int8_t>{2, 3, -2});
}

TEST_CASE("MEAN keeps batches apart", "[ops][mean]") {
  // 2x1x2x1: batch 0 holds {10, 20}, batch 1 {200, 255}.
  const auto out = run_model<uint8_t, uint8_t>(mean_model<uint8_t>({2, 1, 2, 1}, {1, 2}, {2, 1}, false),
                                               {std::vector<uint8_t>{10, 20, 200, 255}});
  CHECK(out == std::vector<uint8_t>{15, 228});  // 227.5 rounds up
}

TEMPLATE_TEST_CASE("MEAN rescales to the output quantization within one quantum", "[ops][mean]", uint8_t, int8_t) {
  // A MobileNet V3 head: 7x7 spatial mean (count 49, an inexact multiplier)
  // from one quantization to another.
  const Quant in_q{0.0235f, std::is_same_v<TestType, uint8_t> ? 3 : -120};
  const Quant out_q{0.0117f, std::is_same_v<TestType, uint8_t> ? 1 : -127};
  const uint64_t seed = GENERATE(1, 2, 3);
  CAPTURE(seed);
  Prng prng(seed);
  const int channels = 16;
  std::vector<TestType> input(49 * channels);
  for (auto& v : input) v = static_cast<TestType>(prng.byte());
  const auto out = run_model<TestType, TestType>(
      mean_model<TestType>({1, 7, 7, channels}, {1, 2}, {1, 1, 1, channels}, true, in_q, out_q), {input});
  for (int c = 0; c < channels; ++c) {
    double sum = 0;
    for (int p = 0; p < 49; ++p) sum += dequantize(input[static_cast<size_t>(p * channels + c)], in_q.scale, in_q.zero_point);
    const int32_t ideal = quantize_ideal(sum / 49, out_q.scale, out_q.zero_point, std::numeric_limits<TestType>::min(),
                                         std::numeric_limits<TestType>::max());
    INFO("channel " << c << " real mean " << sum / 49);
    CHECK(std::abs(out[static_cast<size_t>(c)] - ideal) <= 1);
  }
}

TEST_CASE("MEAN with an absurd scale ratio saturates instead of overflowing", "[ops][mean]") {
  // input_scale / output_scale = 1e60: the zero-point correction is infinite
  // in float and the multiplier flushes to zero.
  const auto out = run_model<uint8_t, uint8_t>(
      mean_model<uint8_t>({1, 2, 2, 2}, {1, 2}, {1, 2}, false, {1e30f, 5}, {1e-30f, 3}),
      {std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}});
  CHECK(out == std::vector<uint8_t>{0, 0});
}

TEST_CASE("MEAN rejects what it does not compute", "[ops][mean]") {
  SECTION("a mean over channels") {
    const Status s = load_error(mean_model<uint8_t>({1, 2, 2, 3}, {3}, {1, 2, 2}, false));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("MEAN") && ContainsSubstring("axes 1 and 2"));
  }
  SECTION("a 3-D input") {
    const Status s = load_error(mean_model<uint8_t>({2, 2, 3}, {0, 1}, {3}, false));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("MEAN") && ContainsSubstring("4-D"));
  }
  SECTION("a declared output shape that ignores keep_dims") {
    const Status s = load_error(mean_model<uint8_t>({1, 2, 2, 3}, {1, 2}, {1, 3}, true));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("MEAN") && ContainsSubstring("1x1x1x3"));
  }
  SECTION("axes computed at run time") {
    ModelBuilder m;
    const int x = m.tensor("input", tfl::kUInt8, {1, 2, 2, 3}, per_tensor(1.0f, 0));
    const int a = m.tensor("axes", tfl::kInt32, {2});
    const int y = m.tensor("mean", tfl::kUInt8, {1, 3}, per_tensor(1.0f, 0));
    add_single_op(m, tfl::op::kMean, {x, a}, y, ReducerOptions{false});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("MEAN") && ContainsSubstring("'axes'") && ContainsSubstring("constant"));
  }
  SECTION("int64 axes") {
    ModelBuilder m;
    const int x = m.tensor("input", tfl::kUInt8, {1, 2, 2, 3}, per_tensor(1.0f, 0));
    const int a = m.constant_of<int64_t>("axes", tfl::kInt64, {2}, {1, 2});
    const int y = m.tensor("mean", tfl::kUInt8, {1, 3}, per_tensor(1.0f, 0));
    add_single_op(m, tfl::op::kMean, {x, a}, y, ReducerOptions{false});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("MEAN") && ContainsSubstring("int64"));
  }
}
