// FULLY_CONNECTED on single-op models, on both kernel paths: hand-computed
// answers, batches of rows, flattened inputs, TFLite's rounding per type,
// per-channel int8 weights, random sizes against the definition with
// identical bytes on both paths, and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"
#include "support/prng.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

struct FcCase {
  bool int8 = false;
  std::vector<int32_t> input_shape = {1, 1};
  std::vector<int32_t> output_shape;  // empty: [rows, units]
  int units = 1;
  float in_scale = 1.0f, out_scale = 1.0f;
  int32_t in_zp = 0, out_zp = 0;
  std::vector<float> weight_scales = {1.0f};
  int32_t weight_zp = 0;
  std::vector<int32_t> weights;  // [units][in_features]
  std::vector<int32_t> bias;
  FullyConnectedOptions options;

  int in_features() const { return static_cast<int>(weights.size()) / units; }
  int rows() const {
    int elements = 1;
    for (int32_t d : input_shape) elements *= d;
    return elements / in_features();
  }
};

ModelBuilder fc_model(const FcCase& c) {
  const int8_t type = c.int8 ? tfl::kInt8 : tfl::kUInt8;
  ModelBuilder m;
  const int x = m.tensor("input", type, c.input_shape, per_tensor(c.in_scale, c.in_zp));
  std::vector<uint8_t> weight_bytes;
  for (int32_t v : c.weights) weight_bytes.push_back(static_cast<uint8_t>(v));
  const int w = m.constant("weights", type, {c.units, c.in_features()}, weight_bytes,
                           {c.weight_scales, std::vector<int64_t>(c.weight_scales.size(), c.weight_zp), 0});
  std::vector<int32_t> inputs = {x, w};
  if (!c.bias.empty()) inputs.push_back(m.constant_of<int32_t>("bias", tfl::kInt32, {c.units}, c.bias));
  const std::vector<int32_t> out_shape = c.output_shape.empty() ? std::vector<int32_t>{c.rows(), c.units} : c.output_shape;
  const int y = m.tensor("output", type, out_shape, per_tensor(c.out_scale, c.out_zp));
  add_single_op(m, tfl::op::kFullyConnected, inputs, y, c.options);
  return m;
}

std::vector<int32_t> run_fc(const FcCase& c, const std::vector<int32_t>& input, KernelPath path) {
  std::vector<uint8_t> bytes;
  for (int32_t v : input) bytes.push_back(static_cast<uint8_t>(v));
  const std::vector<uint8_t> out = run(*require_model(fc_model(c), path), {bytes});
  std::vector<int32_t> values;
  for (uint8_t b : out) values.push_back(c.int8 ? static_cast<int8_t>(b) : b);
  return values;
}

std::vector<int32_t> ideal_fc(const FcCase& c, const std::vector<int32_t>& input) {
  const int32_t lo = c.int8 ? -128 : 0, hi = c.int8 ? 127 : 255;
  std::vector<int32_t> out;
  for (int r = 0; r < c.rows(); ++r) {
    for (int u = 0; u < c.units; ++u) {
      int64_t acc = c.bias.empty() ? 0 : c.bias[static_cast<size_t>(u)];
      for (int k = 0; k < c.in_features(); ++k) {
        acc += static_cast<int64_t>(input[static_cast<size_t>(r * c.in_features() + k)] - c.in_zp) *
               (c.weights[static_cast<size_t>(u * c.in_features() + k)] - c.weight_zp);
      }
      const float scale = c.weight_scales.size() > 1 ? c.weight_scales[static_cast<size_t>(u)] : c.weight_scales[0];
      out.push_back(quantize_ideal(static_cast<double>(acc) * c.in_scale * scale, c.out_scale, c.out_zp, lo, hi));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("FULLY_CONNECTED computes hand-checked dot products", "[ops][fully_connected]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  SECTION("uint8, one row, zero points everywhere") {
    FcCase c;
    c.input_shape = {1, 4};
    c.units = 2;
    c.in_zp = 128;
    c.weight_zp = 127;
    c.out_zp = 100;
    c.weights = {128, 129, 130, 131,   // 1 2 3 4
                 127, 126, 127, 137};  // 0 -1 0 10
    c.bias = {-5, 3};
    // real input {1, -1, 2, 0}: 1 - 2 + 6 + 0 - 5 = 0; 0 + 1 + 0 + 0 + 3 = 4
    CHECK(run_fc(c, {129, 127, 130, 128}, path) == std::vector<int32_t>{100, 104});
  }
  SECTION("int8, a batch of three rows") {
    FcCase c;
    c.int8 = true;
    c.input_shape = {3, 2};
    c.units = 3;
    c.weights = {1, 0, 0, 1, 2, -3};
    CHECK(run_fc(c, {1, 2, -3, 4, 10, 7}, path) ==
          std::vector<int32_t>{1, 2, -4, -3, 4, -18, 10, 7, -1});
  }
  SECTION("a 4-D input is flattened into rows of the weights' width") {
    FcCase c;
    c.int8 = true;
    c.input_shape = {1, 1, 1, 6};
    c.units = 1;
    c.weights = {1, 1, 1, 1, 1, 1};
    CHECK(run_fc(c, {1, 2, 3, 4, 5, 6}, path) == std::vector<int32_t>{21});
  }
  SECTION("keep_num_dims keeps the input's leading dimensions") {
    FcCase c;
    c.int8 = true;
    c.input_shape = {2, 1, 2};
    c.output_shape = {2, 1, 1};
    c.options.keep_num_dims = true;
    c.weights = {3, -1};
    CHECK(run_fc(c, {1, 2, 5, 5}, path) == std::vector<int32_t>{1, 10});
  }
}

TEST_CASE("FULLY_CONNECTED rounds int8 results once (ruy) and uint8 results twice (gemmlowp)",
          "[ops][fully_connected]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  FcCase c;
  c.input_shape = {2, 1};
  c.weights = {1};
  c.weight_scales = {0.25f};
  SECTION("int8: -1.5 -> -1, 1.5 -> 2") {
    c.int8 = true;
    CHECK(run_fc(c, {-6, 6}, path) == std::vector<int32_t>{-1, 2});
  }
  SECTION("uint8: -1.5 -> -2, 1.5 -> 2") {
    c.in_zp = c.out_zp = 10;
    CHECK(run_fc(c, {4, 16}, path) == std::vector<int32_t>{8, 12});
  }
}

TEST_CASE("FULLY_CONNECTED scales each unit by its own int8 weight scale", "[ops][fully_connected]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  FcCase c;
  c.int8 = true;
  c.input_shape = {1, 2};
  c.units = 3;
  c.weight_scales = {1.0f, 0.5f, 2.0f};
  c.weights = {10, 20, 10, 20, 10, 20};
  // dot product 10*1 + 20*2 = 50, times 1, 0.5 and 2 (saturating)
  CHECK(run_fc(c, {1, 2}, path) == std::vector<int32_t>{50, 25, 100});
}

TEST_CASE("FULLY_CONNECTED clamps to its fused activation's range", "[ops][fully_connected]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  CAPTURE(kernel_path_name(path));
  const auto [activation, lo, hi] = GENERATE(table<int8_t, int32_t, int32_t>({
      {tfl::act::kRelu, 0, 127},
      {tfl::act::kRelu6, 0, 60},
      {tfl::act::kReluN1To1, -10, 10},
  }));
  CAPTURE(int{activation});
  // Scale 0.1 everywhere but the weight (1.0): identity rows.
  FcCase c;
  c.int8 = true;
  c.input_shape = {256, 1};
  c.in_scale = c.out_scale = 0.1f;
  c.weights = {1};
  c.options.activation = activation;
  std::vector<int32_t> input;
  for (int q = -128; q < 128; ++q) input.push_back(q);
  const std::vector<int32_t> out = run_fc(c, input, path);
  for (size_t i = 0; i < input.size(); ++i) {
    INFO("q = " << input[i]);
    CHECK(out[i] == std::clamp(input[i], lo, hi));
  }
}

TEST_CASE("FULLY_CONNECTED random sizes: within a quantum of the definition, identical on both paths",
          "[ops][fully_connected]") {
  const uint64_t seed = GENERATE(range(1, 31));
  CAPTURE(seed);
  Prng prng(seed);
  FcCase c;
  c.int8 = prng.below(2) == 1;
  const int rows = static_cast<int>(prng.between(1, 5));
  const int in_features = std::array{1, 3, 8, 15, 16, 17, 64, 100, 257}[prng.below(9)];
  c.units = std::array{1, 2, 7, 8, 16, 33, 100}[prng.below(7)];
  c.input_shape = {rows, in_features};
  c.in_scale = 0.05f;
  c.in_zp = c.int8 ? static_cast<int32_t>(prng.between(-128, 127)) : static_cast<int32_t>(prng.between(0, 255));
  c.out_zp = c.int8 ? static_cast<int32_t>(prng.between(-10, 10)) : static_cast<int32_t>(prng.between(120, 136));
  c.weight_zp = c.int8 ? 0 : static_cast<int32_t>(prng.between(100, 150));
  c.weight_scales.clear();
  const bool per_channel = c.int8 && prng.below(2) == 1;
  for (int u = 0; u < (per_channel ? c.units : 1); ++u) c.weight_scales.push_back(0.002f * static_cast<float>(prng.between(1, 10)));
  for (int i = 0; i < c.units * in_features; ++i) {
    c.weights.push_back(c.int8 ? static_cast<int32_t>(prng.between(-127, 127)) : static_cast<int32_t>(prng.between(0, 255)));
  }
  if (prng.below(3) != 0) {
    for (int u = 0; u < c.units; ++u) c.bias.push_back(static_cast<int32_t>(prng.between(-20000, 20000)));
  }
  c.out_scale = static_cast<float>(c.in_scale * c.weight_scales[0] * 40.0 * std::sqrt(in_features));
  CAPTURE(c.int8, rows, in_features, c.units, c.weight_scales.size());
  std::vector<int32_t> input;
  for (int i = 0; i < rows * in_features; ++i) input.push_back(c.int8 ? static_cast<int8_t>(prng.byte()) : prng.byte());

  const std::vector<int32_t> reference = run_fc(c, input, KernelPath::kReference);
  CHECK(run_fc(c, input, KernelPath::kSimd) == reference);
  const std::vector<int32_t> ideal = ideal_fc(c, input);
  REQUIRE(ideal.size() == reference.size());
  int max_error = 0;
  for (size_t i = 0; i < ideal.size(); ++i) max_error = std::max(max_error, std::abs(reference[i] - ideal[i]));
  CHECK(max_error <= 1);
}

TEST_CASE("FULLY_CONNECTED rejects nodes it cannot run", "[ops][fully_connected]") {
  FcCase c;
  c.input_shape = {1, 4};
  c.units = 2;
  c.weights.assign(8, 1);
  SECTION("weights computed at run time") {
    ModelBuilder m = fc_model(c);
    m.tensors()[1].buffer = 0;
    m.set_inputs({0, 1});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("FULLY_CONNECTED") && ContainsSubstring("'weights'") &&
                                ContainsSubstring("constant"));
  }
  SECTION("shuffled weights") {
    c.options.weights_format = 1;
    const Status s = load_error(fc_model(c));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("FULLY_CONNECTED") && ContainsSubstring("shuffled"));
  }
  SECTION("3-D weights") {
    ModelBuilder m = fc_model(c);
    m.tensors()[1].shape = {2, 2, 2};
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("FULLY_CONNECTED") && ContainsSubstring("2-D"));
  }
  SECTION("an input that is not a whole number of rows") {
    ModelBuilder m = fc_model(c);
    m.tensors()[0].shape = {1, 6};
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("FULLY_CONNECTED") && ContainsSubstring("rows of 4"));
  }
  SECTION("a declared output of the wrong size") {
    c.output_shape = {1, 3};
    const Status s = load_error(fc_model(c));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("FULLY_CONNECTED") && ContainsSubstring("1x2"));
  }
  SECTION("a bias that overflows the 32-bit accumulator") {
    c.bias = {-2147483647 - 1, 0};
    const Status s = load_error(fc_model(c));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("FULLY_CONNECTED") && ContainsSubstring("output channel 0") &&
                                ContainsSubstring("overflow"));
  }
  SECTION("the largest bias that cannot overflow still runs") {
    // |bias| + 510 * sum |w| = 2^31 - 257: the sums stay inside int32 on every path.
    c.int8 = true;
    c.weights = {1, 1, 1, 1, 0, 0, 0, 0};
    c.bias = {2147483647 - 256 - 2040, 0};
    c.out_scale = 1e9f;
    for (KernelPath path : kBothKernelPaths) CHECK(run_fc(c, {127, 127, 127, 127}, path) == std::vector<int32_t>{2, 0});
  }
  SECTION("a bias of the wrong length") {
    c.bias = {1, 2};
    ModelBuilder m = fc_model(c);
    m.tensors()[2].shape = {1};
    m.tensors()[2].buffer = m.buffer(to_bytes(std::vector<int32_t>{1}));
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("FULLY_CONNECTED") && ContainsSubstring("1 values for 2"));
  }
}
