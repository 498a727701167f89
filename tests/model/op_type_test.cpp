// Builtin operator codes map to TFLite's names (schema.fbs BuiltinOperator).
#include <catch_amalgamated.hpp>

#include "model/op_type.hpp"

using mnw::op_type_name;

TEST_CASE("op_type_name names TFLite's builtin operators", "[model][op_type]") {
  CHECK(op_type_name(0) == "ADD");
  CHECK(op_type_name(1) == "AVERAGE_POOL_2D");
  CHECK(op_type_name(3) == "CONV_2D");
  CHECK(op_type_name(4) == "DEPTHWISE_CONV_2D");
  CHECK(op_type_name(9) == "FULLY_CONNECTED");
  CHECK(op_type_name(22) == "RESHAPE");
  CHECK(op_type_name(25) == "SOFTMAX");
  CHECK(op_type_name(32) == "CUSTOM");
  CHECK(op_type_name(34) == "PAD");
  CHECK(op_type_name(40) == "MEAN");
  CHECK(op_type_name(41) == "SUB");
  CHECK(op_type_name(43) == "SQUEEZE");
  CHECK(op_type_name(97) == "RESIZE_NEAREST_NEIGHBOR");
  CHECK(op_type_name(98) == "LEAKY_RELU");
  CHECK(op_type_name(114) == "QUANTIZE");
  CHECK(op_type_name(117) == "HARD_SWISH");
  CHECK(op_type_name(126) == "BATCH_MATMUL");
}

TEST_CASE("op_type_name numbers codes it has no name for", "[model][op_type]") {
  CHECK(op_type_name(127) == "BUILTIN_OP_127");
  CHECK(op_type_name(999) == "BUILTIN_OP_999");
  CHECK(op_type_name(-1) == "BUILTIN_OP_-1");
  CHECK(op_type_name(INT32_MIN) == "BUILTIN_OP_-2147483648");
}
