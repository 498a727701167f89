// The tests' .tflite writer (support/tflite_builder) must produce files the
// engine's reader accepts field for field; every other model test relies on it.
#include <catch_amalgamated.hpp>

#include "model/model.hpp"
#include "support/model_runner.hpp"
#include "support/sample_models.hpp"
#include "support/tflite_builder.hpp"

using namespace mnw;
using namespace mnw::test;

TEST_CASE("Built models read back field for field", "[model][builder]") {
  ModelBuilder b;
  b.description = "round trip";
  const int input = b.tensor("input", tfl::kInt8, {1, 4, 4, 3}, per_tensor(0.5f, -3));
  const int filter = b.constant_of<int8_t>("filter", tfl::kInt8, {2, 1, 1, 3}, {1, -2, 3, -4, 5, -6},
                                           {{0.25f, 0.125f}, {0, 0}, 0});
  const int bias = b.constant_of<int32_t>("bias", tfl::kInt32, {2}, {100, -100});
  const int output = b.tensor("output", tfl::kInt8, {1, 2, 2, 2}, per_tensor(1.5f, 7));
  b.builtin_op(tfl::op::kConv2D, {input, filter, bias}, {output},
               Conv2DOptions{tfl::kSame, 2, 2, tfl::act::kRelu6, 1, 1});
  b.opcode(tfl::op::kBatchMatmul, 3);
  b.set_inputs({input});
  b.set_outputs({output});

  auto read = read_model(b.build());
  INFO(read.status().message());
  REQUIRE(read.is_ok());
  const Model& m = *read.value();
  CHECK(m.schema_version == 3);
  CHECK(m.description == "round trip");
  REQUIRE(m.tensors.size() == 4);
  CHECK(m.inputs == std::vector<int32_t>{input});
  CHECK(m.outputs == std::vector<int32_t>{output});

  const TensorInfo& in = m.tensors[static_cast<size_t>(input)];
  CHECK(in.name == "input");
  CHECK(in.dtype == DType::kInt8);
  CHECK(in.shape == Shape{1, 4, 4, 3});
  CHECK(in.quantization.scales == std::vector<float>{0.5f});
  CHECK(in.quantization.zero_points == std::vector<int32_t>{-3});
  CHECK_FALSE(in.is_constant());

  const TensorInfo& f = m.tensors[static_cast<size_t>(filter)];
  REQUIRE(f.is_constant());
  CHECK(f.data_size == 6);
  CHECK(static_cast<int8_t>(f.data[5]) == -6);
  CHECK((f.data - m.bytes.data()) % 16 == 0);  // schema: force_align 16
  CHECK(f.quantization.scales == std::vector<float>{0.25f, 0.125f});
  CHECK(f.quantization.per_channel());

  const TensorInfo& bias_info = m.tensors[static_cast<size_t>(bias)];
  REQUIRE(bias_info.data_size == 8);
  int32_t bias_values[2];
  std::memcpy(bias_values, bias_info.data, 8);
  CHECK(bias_values[1] == -100);
  CHECK(bias_info.quantization.empty());

  REQUIRE(m.operators.size() == 1);
  const OperatorInfo& op = m.operators[0];
  CHECK(op.builtin_code == 3);
  CHECK(op.inputs == std::vector<int32_t>{input, filter, bias});
  CHECK(op.outputs == std::vector<int32_t>{output});
  CHECK(op.options.padding == Padding::kSame);
  CHECK(op.options.stride_w == 2);
  CHECK(op.options.stride_h == 2);
  CHECK(op.options.activation == Activation::kRelu6);
}

TEST_CASE("Built models carry every options table the engine reads", "[model][builder]") {
  ModelBuilder b;
  const int x = b.tensor("x", tfl::kUInt8, {1, 4, 4, 2}, per_tensor(1.0f, 0));
  b.builtin_op(tfl::op::kDepthwiseConv2D, {x}, {x}, DepthwiseConv2DOptions{tfl::kValid, 3, 4, 2, tfl::act::kReluN1To1, 5, 6});
  b.builtin_op(tfl::op::kAveragePool2D, {x}, {x}, Pool2DOptions{tfl::kSame, 2, 3, 4, 5, tfl::act::kRelu});
  b.builtin_op(tfl::op::kFullyConnected, {x}, {x}, FullyConnectedOptions{tfl::act::kRelu6, 1, true});
  b.builtin_op(tfl::op::kSoftmax, {x}, {x}, SoftmaxOptions{0.75f});
  b.builtin_op(tfl::op::kAdd, {x}, {x}, AddOptions{tfl::act::kRelu});
  b.builtin_op(tfl::op::kSub, {x}, {x}, SubOptions{tfl::act::kRelu6});
  b.builtin_op(tfl::op::kMul, {x}, {x}, MulOptions{tfl::act::kReluN1To1});
  b.builtin_op(tfl::op::kReshape, {x}, {x}, ReshapeOptions{{1, 32}});
  b.builtin_op(tfl::op::kMean, {x}, {x}, ReducerOptions{true});
  b.builtin_op(tfl::op::kPad, {x}, {x});
  b.builtin_op(tfl::op::kHardSwish, {x}, {x});  // code 117: beyond the int8 deprecated field
  auto read = read_model(b.build());
  INFO(read.status().message());
  REQUIRE(read.is_ok());
  const std::vector<OperatorInfo>& ops = read.value()->operators;
  REQUIRE(ops.size() == 11);

  const OpOptions& dw = ops[0].options;
  CHECK(dw.padding == Padding::kValid);
  CHECK(dw.stride_w == 3);
  CHECK(dw.stride_h == 4);
  CHECK(dw.depth_multiplier == 2);
  CHECK(dw.activation == Activation::kReluN1To1);
  CHECK(dw.dilation_w == 5);
  CHECK(dw.dilation_h == 6);

  const OpOptions& pool = ops[1].options;
  CHECK(pool.padding == Padding::kSame);
  CHECK(pool.stride_w == 2);
  CHECK(pool.stride_h == 3);
  CHECK(pool.filter_w == 4);
  CHECK(pool.filter_h == 5);
  CHECK(pool.activation == Activation::kRelu);

  CHECK(ops[2].options.activation == Activation::kRelu6);
  CHECK(ops[2].options.weights_format == 1);
  CHECK(ops[2].options.keep_num_dims);
  CHECK(ops[3].options.beta == 0.75f);
  CHECK(ops[4].options.activation == Activation::kRelu);
  CHECK(ops[5].options.activation == Activation::kRelu6);
  CHECK(ops[6].options.activation == Activation::kReluN1To1);
  CHECK(ops[7].options.new_shape == std::vector<int32_t>{1, 32});
  CHECK(ops[8].options.keep_dims);
  CHECK(ops[9].builtin_code == 34);
  CHECK(ops[10].builtin_code == 117);
}

TEST_CASE("Models with shared vtables and vectors run like their plain twins", "[model][builder]") {
  // Every builder file shares vtables between tables of one layout, so most
  // tables point forward to theirs (a negative soffset); share_vectors also
  // lets many tensors refer to one shape or scale vector.
  ModelBuilder plain = int8_every_op();
  ModelBuilder shared = int8_every_op();
  shared.share_vectors = true;
  const std::vector<uint8_t> plain_bytes = plain.build(), shared_bytes = shared.build();
  CHECK(shared_bytes.size() < plain_bytes.size());
  std::vector<float> input(6 * 6 * 4);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i % 13) / 6.5f - 1.0f;
  CHECK(run_model<float, float>(shared, {input}) == run_model<float, float>(plain, {input}));
}
