// SOFTMAX on single-op models: each row is the float softmax within one
// quantum, sums to about 1, preserves order, honours beta, and malformed
// nodes are rejected.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"
#include "support/prng.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

// TFLite's fixed output quantization for 8-bit softmax: scale 1/256 and the
// zero point at the bottom of the type's range.
template <typename T>
constexpr int32_t softmax_output_zero_point() {
  return std::numeric_limits<T>::min();
}

template <typename T>
ModelBuilder softmax_model(std::vector<int32_t> shape, float input_scale, int32_t input_zero_point, float beta = 1.0f,
                           std::vector<int32_t> out_shape = {}) {
  ModelBuilder m;
  const int x = m.tensor("logits", tflite_type<T>(), shape, per_tensor(input_scale, input_zero_point));
  const int y = m.tensor("probabilities", tflite_type<T>(), out_shape.empty() ? shape : out_shape,
                         per_tensor(1.0f / 256, softmax_output_zero_point<T>()));
  add_single_op(m, tfl::op::kSoftmax, {x}, y, SoftmaxOptions{beta});
  return m;
}

std::vector<double> float_softmax(const std::vector<double>& logits) {
  const double max = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p;
  double sum = 0;
  for (double l : logits) sum += std::exp(l - max);
  for (double l : logits) p.push_back(std::exp(l - max) / sum);
  return p;
}

}  // namespace

TEMPLATE_TEST_CASE("SOFTMAX rows are probabilities within one quantum of the float softmax", "[ops][softmax]",
                   uint8_t, int8_t) {
  const float input_scale = GENERATE(0.02f, 0.1f, 0.5f);
  const int32_t input_zero_point = std::is_same_v<TestType, uint8_t> ? 128 : 0;
  const uint64_t seed = GENERATE(7, 8);
  CAPTURE(input_scale, seed);
  const int rows = 4, depth = 37;
  Prng prng(seed);
  std::vector<TestType> logits(rows * depth);
  for (auto& v : logits) v = static_cast<TestType>(prng.byte());
  const auto out = run_model<TestType, TestType>(softmax_model<TestType>({rows, depth}, input_scale, input_zero_point),
                                                 {logits});
  const int32_t zp = softmax_output_zero_point<TestType>();
  int order_violations = 0;
  for (int r = 0; r < rows; ++r) {
    std::vector<double> real;
    for (int i = 0; i < depth; ++i) real.push_back(dequantize(logits[static_cast<size_t>(r * depth + i)], input_scale, input_zero_point));
    const std::vector<double> expected = float_softmax(real);
    double sum = 0;
    for (int i = 0; i < depth; ++i) {
      const size_t k = static_cast<size_t>(r * depth + i);
      const int32_t ideal = quantize_ideal(expected[static_cast<size_t>(i)], 1.0f / 256, zp,
                                           std::numeric_limits<TestType>::min(), std::numeric_limits<TestType>::max());
      INFO("row " << r << " element " << i << " p=" << expected[static_cast<size_t>(i)]);
      CHECK(std::abs(out[k] - ideal) <= 1);
      sum += dequantize(out[k], 1.0f / 256, zp);
      // Larger logits never get smaller probabilities.
      for (int j = 0; j < depth; ++j) {
        const size_t kj = static_cast<size_t>(r * depth + j);
        order_violations += logits[k] > logits[kj] && out[k] < out[kj];
      }
    }
    // Each output is off by at most half a quantum before clamping to 255/256.
    CHECK(std::abs(sum - 1.0) <= depth * 0.5 / 256 + 1.0 / 256);
  }
  CHECK(order_violations == 0);
}

TEST_CASE("SOFTMAX of equal logits is uniform and of one dominant logit is one-hot", "[ops][softmax]") {
  const auto uniform = run_model<uint8_t, uint8_t>(softmax_model<uint8_t>({1, 4}, 0.1f, 0),
                                                   {std::vector<uint8_t>{77, 77, 77, 77}});
  CHECK(uniform == std::vector<uint8_t>{64, 64, 64, 64});
  // exp(-25.5) is far below half a quantum; 1.0 itself saturates at 255/256.
  const auto one_hot = run_model<int8_t, int8_t>(softmax_model<int8_t>({1, 3}, 0.1f, 0),
                                                 {std::vector<int8_t>{-128, 127, -128}});
  CHECK(one_hot == std::vector<int8_t>{-128, 127, -128});
}

TEST_CASE("SOFTMAX beta scales the logits", "[ops][softmax]") {
  // beta 0.5 on scale 0.25 is the same distribution as beta 1 on scale 0.125.
  Prng prng(3);
  std::vector<uint8_t> logits(64);
  for (auto& v : logits) v = prng.byte();
  const auto with_beta = run_model<uint8_t, uint8_t>(softmax_model<uint8_t>({2, 32}, 0.25f, 100, 0.5f), {logits});
  const auto scaled = run_model<uint8_t, uint8_t>(softmax_model<uint8_t>({2, 32}, 0.125f, 100, 1.0f), {logits});
  CHECK(with_beta == scaled);
  const auto unscaled = run_model<uint8_t, uint8_t>(softmax_model<uint8_t>({2, 32}, 0.25f, 100, 1.0f), {logits});
  CHECK(with_beta != unscaled);
}

TEST_CASE("SOFTMAX with a degenerate output scale saturates instead of overflowing", "[ops][softmax]") {
  // 1 / (sum * 1e-40) is infinite in float; converting it to an integer
  // would be undefined.
  ModelBuilder m;
  const int x = m.tensor("logits", tfl::kUInt8, {1, 3}, per_tensor(0.1f, 0));
  const int y = m.tensor("probabilities", tfl::kUInt8, {1, 3}, per_tensor(1e-40f, 0));
  add_single_op(m, tfl::op::kSoftmax, {x}, y, SoftmaxOptions{1.0f});
  CHECK(run_model<uint8_t, uint8_t>(m, {std::vector<uint8_t>{0, 1, 255}}) == std::vector<uint8_t>{255, 255, 255});
}

TEST_CASE("SOFTMAX rejects malformed nodes", "[ops][softmax]") {
  SECTION("a beta that is not finite") {
    const float beta = GENERATE(std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN());
    const Status s = load_error(softmax_model<uint8_t>({1, 10}, 0.1f, 0, beta));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("SOFTMAX") && ContainsSubstring("beta"));
  }
  SECTION("a declared output shape that differs from the input's") {
    const Status s = load_error(softmax_model<uint8_t>({1, 10}, 0.1f, 0, 1.0f, {10}));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("SOFTMAX") && ContainsSubstring("1x10"));
  }
  SECTION("an empty last dimension") {
    const Status s = load_error(softmax_model<uint8_t>({1, 0}, 0.1f, 0));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("SOFTMAX") && ContainsSubstring("last dimension"));
  }
  SECTION("a float input") {
    ModelBuilder m;
    const int x = m.tensor("logits", tfl::kFloat32, {1, 10});
    const int y = m.tensor("probabilities", tfl::kFloat32, {1, 10});
    add_single_op(m, tfl::op::kSoftmax, {x}, y, SoftmaxOptions{});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("SOFTMAX") && ContainsSubstring("float32"));
  }
}
