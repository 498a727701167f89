#include "support/sample_models.hpp"

#include <cstdint>

namespace mnw::test {
namespace {

// Deterministic filler values, varied enough to give non-trivial outputs.
std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  uint32_t x = seed;
  for (auto& b : v) {
    x = x * 1103515245u + 12345u;
    b = static_cast<uint8_t>(x >> 16);
  }
  return v;
}

std::vector<int32_t> biases(int n, int32_t step) {
  std::vector<int32_t> v;
  for (int i = 0; i < n; ++i) v.push_back((i % 2 == 0 ? 1 : -1) * step * (i + 1));
  return v;
}

}  // namespace

ModelBuilder uint8_classifier() {
  ModelBuilder m;
  m.description = "uint8 classifier";
  const int input = m.tensor("input", tfl::kUInt8, {1, 8, 8, 3}, per_tensor(0.0078125f, 128));
  const int conv_w = m.constant("conv/weights", tfl::kUInt8, {8, 3, 3, 3}, pattern(216, 1), per_tensor(0.02f, 120));
  const int conv_b = m.constant_of<int32_t>("conv/bias", tfl::kInt32, {8}, biases(8, 300));
  const int conv = m.tensor("conv", tfl::kUInt8, {1, 4, 4, 8}, per_tensor(0.0235f, 0));
  m.builtin_op(tfl::op::kConv2D, {input, conv_w, conv_b}, {conv},
               Conv2DOptions{tfl::kSame, 2, 2, tfl::act::kRelu6, 1, 1});
  const int dw_w = m.constant("dw/weights", tfl::kUInt8, {1, 3, 3, 8}, pattern(72, 2), per_tensor(0.03f, 130));
  const int dw_b = m.constant_of<int32_t>("dw/bias", tfl::kInt32, {8}, biases(8, 200));
  const int dw = m.tensor("dw", tfl::kUInt8, {1, 4, 4, 8}, per_tensor(0.0235f, 0));
  m.builtin_op(tfl::op::kDepthwiseConv2D, {conv, dw_w, dw_b}, {dw},
               DepthwiseConv2DOptions{tfl::kSame, 1, 1, 1, tfl::act::kRelu6, 1, 1});
  const int pool = m.tensor("pool", tfl::kUInt8, {1, 1, 1, 8}, per_tensor(0.0235f, 0));
  m.builtin_op(tfl::op::kAveragePool2D, {dw}, {pool}, Pool2DOptions{tfl::kValid, 2, 2, 4, 4, tfl::act::kNone});
  const int flat = m.tensor("flat", tfl::kUInt8, {1, 8}, per_tensor(0.0235f, 0));
  m.builtin_op(tfl::op::kReshape, {pool}, {flat}, ReshapeOptions{{1, 8}});
  const int fc_w = m.constant("fc/weights", tfl::kUInt8, {5, 8}, pattern(40, 3), per_tensor(0.01f, 128));
  const int fc_b = m.constant_of<int32_t>("fc/bias", tfl::kInt32, {5}, biases(5, 1000));
  const int logits = m.tensor("logits", tfl::kUInt8, {1, 5}, per_tensor(0.05f, 100));
  m.builtin_op(tfl::op::kFullyConnected, {flat, fc_w, fc_b}, {logits}, FullyConnectedOptions{});
  const int probs = m.tensor("probabilities", tfl::kUInt8, {1, 5}, per_tensor(1.0f / 256, 0));
  m.builtin_op(tfl::op::kSoftmax, {logits}, {probs}, SoftmaxOptions{1.0f});
  m.set_inputs({input});
  m.set_outputs({probs});
  return m;
}

ModelBuilder int8_every_op() {
  ModelBuilder m;
  m.description = "int8 every op";
  const auto q = [](float scale, int64_t zero_point) { return per_tensor(scale, zero_point); };
  const int input = m.tensor("input", tfl::kFloat32, {1, 6, 6, 4});
  const int x = m.tensor("quantized", tfl::kInt8, {1, 6, 6, 4}, q(0.0078125f, 0));
  m.builtin_op(tfl::op::kQuantize, {input}, {x});

  const QuantSpec expand_q{{0.01f, 0.02f, 0.015f, 0.01f, 0.03f, 0.02f, 0.01f, 0.025f}, std::vector<int64_t>(8, 0), 0};
  const int expand_w = m.constant("expand/weights", tfl::kInt8, {8, 1, 1, 4}, pattern(32, 4), expand_q);
  const int expand_b = m.constant_of<int32_t>("expand/bias", tfl::kInt32, {8}, biases(8, 50));
  const int expand = m.tensor("expand", tfl::kInt8, {1, 6, 6, 8}, q(0.05f, -10));
  m.builtin_op(tfl::op::kConv2D, {x, expand_w, expand_b}, {expand}, Conv2DOptions{tfl::kValid, 1, 1, tfl::act::kNone, 1, 1});
  const int hs = m.tensor("hard_swish", tfl::kInt8, {1, 6, 6, 8}, q(0.04f, -118));
  m.builtin_op(tfl::op::kHardSwish, {expand}, {hs});

  const QuantSpec dw_q{{0.02f, 0.01f, 0.03f, 0.02f, 0.02f, 0.01f, 0.04f, 0.02f}, std::vector<int64_t>(8, 0), 3};
  const int dw_w = m.constant("dw/weights", tfl::kInt8, {1, 3, 3, 8}, pattern(72, 5), dw_q);
  const int dw_b = m.constant_of<int32_t>("dw/bias", tfl::kInt32, {8}, biases(8, 20));
  const int dw = m.tensor("dw", tfl::kInt8, {1, 6, 6, 8}, q(0.06f, -5));
  m.builtin_op(tfl::op::kDepthwiseConv2D, {hs, dw_w, dw_b}, {dw},
               DepthwiseConv2DOptions{tfl::kSame, 1, 1, 1, tfl::act::kRelu6, 1, 1});

  // Squeeze-and-excitation: gate the channels by sigmoid(mean).
  const int axes = m.constant_of<int32_t>("axes", tfl::kInt32, {2}, {1, 2});
  const int mean = m.tensor("mean", tfl::kInt8, {1, 1, 1, 8}, q(0.05f, -20));
  m.builtin_op(tfl::op::kMean, {dw, axes}, {mean}, ReducerOptions{true});
  const int gate = m.tensor("gate", tfl::kInt8, {1, 1, 1, 8}, q(1.0f / 256, -128));
  m.builtin_op(tfl::op::kLogistic, {mean}, {gate});
  const int gated = m.tensor("gated", tfl::kInt8, {1, 6, 6, 8}, q(0.04f, -10));
  m.builtin_op(tfl::op::kMul, {dw, gate}, {gated}, MulOptions{});

  const int residual = m.tensor("residual", tfl::kInt8, {1, 6, 6, 8}, q(0.07f, -3));
  m.builtin_op(tfl::op::kAdd, {gated, hs}, {residual}, AddOptions{tfl::act::kNone});
  const int offset = m.constant_of<int8_t>("offset", tfl::kInt8, {}, {25}, q(0.02f, 0));
  const int shifted = m.tensor("shifted", tfl::kInt8, {1, 6, 6, 8}, q(0.07f, 4));
  m.builtin_op(tfl::op::kSub, {residual, offset}, {shifted}, SubOptions{});
  const int relu = m.tensor("relu", tfl::kInt8, {1, 6, 6, 8}, q(0.05f, -128));
  m.builtin_op(tfl::op::kRelu, {shifted}, {relu});
  const int relu6 = m.tensor("relu6", tfl::kInt8, {1, 6, 6, 8}, q(0.03f, -128));
  m.builtin_op(tfl::op::kRelu6, {relu}, {relu6});

  const int paddings = m.constant_of<int32_t>("paddings", tfl::kInt32, {4, 2}, {0, 0, 1, 1, 1, 1, 0, 0});
  const int padded = m.tensor("padded", tfl::kInt8, {1, 8, 8, 8}, q(0.03f, -128));
  m.builtin_op(tfl::op::kPad, {relu6, paddings}, {padded});
  const int pool = m.tensor("pool", tfl::kInt8, {1, 1, 1, 8}, q(0.03f, -128));
  m.builtin_op(tfl::op::kAveragePool2D, {padded}, {pool}, Pool2DOptions{tfl::kValid, 1, 1, 8, 8, tfl::act::kNone});
  const int flat = m.tensor("flat", tfl::kInt8, {1, 8}, q(0.03f, -128));
  m.builtin_op(tfl::op::kReshape, {pool}, {flat}, ReshapeOptions{{1, 8}});

  const int fc_w = m.constant("fc/weights", tfl::kInt8, {4, 8}, pattern(32, 6), q(0.02f, 0));
  const int fc_b = m.constant_of<int32_t>("fc/bias", tfl::kInt32, {4}, biases(4, 100));
  const int logits = m.tensor("logits", tfl::kInt8, {1, 4}, q(0.1f, 0));
  m.builtin_op(tfl::op::kFullyConnected, {flat, fc_w, fc_b}, {logits}, FullyConnectedOptions{});
  const int probs = m.tensor("probabilities", tfl::kInt8, {1, 4}, q(1.0f / 256, -128));
  m.builtin_op(tfl::op::kSoftmax, {logits}, {probs}, SoftmaxOptions{1.0f});
  const int output = m.tensor("output", tfl::kFloat32, {1, 4});
  m.builtin_op(tfl::op::kDequantize, {probs}, {output});
  m.set_inputs({input});
  m.set_outputs({output});
  return m;
}

std::vector<NamedModel> sample_models() {
  return {{"uint8_classifier", uint8_classifier()}, {"int8_every_op", int8_every_op()}};
}

}  // namespace mnw::test
