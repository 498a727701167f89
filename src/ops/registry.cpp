// Maps TFLite builtin codes to operator factories.
#include "model/op_type.hpp"
#include "ops/ops.hpp"

namespace mnw {

const char* supported_ops_list() {
  return "ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE, FULLY_CONNECTED, HARD_SWISH, "
         "LOGISTIC, MEAN, MUL, PAD, QUANTIZE, RELU, RELU6, RESHAPE, SOFTMAX, SQUEEZE, SUB";
}

Result<OperatorPtr> create_operator(const OpContext& ctx) {
  switch (static_cast<OpType>(ctx.op().builtin_code)) {
    case OpType::kAdd: return create_add(ctx);
    case OpType::kAveragePool2D: return create_average_pool_2d(ctx);
    case OpType::kConv2D: return create_conv_2d(ctx);
    case OpType::kDepthwiseConv2D: return create_depthwise_conv_2d(ctx);
    case OpType::kDequantize: return create_dequantize(ctx);
    case OpType::kFullyConnected: return create_fully_connected(ctx);
    case OpType::kHardSwish: return create_hard_swish(ctx);
    case OpType::kLogistic: return create_logistic(ctx);
    case OpType::kMean: return create_mean(ctx);
    case OpType::kMul: return create_mul(ctx);
    case OpType::kPad: return create_pad(ctx);
    case OpType::kQuantize: return create_quantize(ctx);
    case OpType::kRelu:
    case OpType::kRelu6: return create_relu(ctx);
    case OpType::kReshape:
    case OpType::kSqueeze: return create_reshape(ctx);
    case OpType::kSoftmax: return create_softmax(ctx);
    case OpType::kSub: return create_sub(ctx);
  }
  const std::string what = ctx.op().builtin_code == 32 ? "custom op '" + ctx.op().custom_code + "'" : "this operator";
  return ctx.unsupported(what + " is not supported (supported: " + supported_ops_list() + ")");
}

}  // namespace mnw
