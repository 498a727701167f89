// TFLite builtin operator codes (schema.fbs BuiltinOperator) and their names.
#pragma once

#include <cstdint>
#include <string>

namespace mnw {

// The builtin codes the engine runs; any other code is reported by name.
enum class OpType : int32_t {
  kAdd = 0,
  kAveragePool2D = 1,
  kConv2D = 3,
  kDepthwiseConv2D = 4,
  kDequantize = 6,
  kFullyConnected = 9,
  kLogistic = 14,
  kMul = 18,
  kRelu = 19,
  kRelu6 = 21,
  kReshape = 22,
  kSoftmax = 25,
  kPad = 34,
  kMean = 40,
  kSub = 41,
  kSqueeze = 43,
  kQuantize = 114,
  kHardSwish = 117,
};

// "CONV_2D" for 3, "BUILTIN_OP_200" for a code past the known table.
std::string op_type_name(int32_t code);

}  // namespace mnw
