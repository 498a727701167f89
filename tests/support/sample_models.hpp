// Small multi-op models made with the builder, shaped like MobileNet blocks:
// the model-reader and robustness tests mutate them, the fuzzer starts from
// them (fuzz/corpus/). Each loads and runs on both kernel paths.
#pragma once

#include <string>
#include <vector>

#include "support/tflite_builder.hpp"

namespace mnw::test {

// uint8, MobileNet V1 style: CONV_2D (3x3/2, RELU6) -> DEPTHWISE_CONV_2D ->
// AVERAGE_POOL_2D -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX. Input 1x8x8x3.
ModelBuilder uint8_classifier();

// int8 with float input and output, MobileNet V3 style, using every op the
// engine runs: QUANTIZE, CONV_2D (per-channel), HARD_SWISH, DEPTHWISE_CONV_2D,
// MEAN, LOGISTIC, MUL (squeeze-and-excitation), ADD, SUB, RELU, RELU6, PAD,
// AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX, DEQUANTIZE. Input
// 1x6x6x4 float32.
ModelBuilder int8_every_op();

struct NamedModel {
  std::string name;
  ModelBuilder model;
};
// The sample models above, named.
std::vector<NamedModel> sample_models();

}  // namespace mnw::test
