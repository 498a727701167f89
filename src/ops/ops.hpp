// Factories of every supported operator, one per file in src/ops/, named
// after TFLite's builtin op. registry.cpp maps op codes to them.
#pragma once

#include "core/status.hpp"
#include "graph/operator.hpp"

namespace mnw {

Result<OperatorPtr> create_add(const OpContext& ctx);
Result<OperatorPtr> create_average_pool_2d(const OpContext& ctx);
Result<OperatorPtr> create_conv_2d(const OpContext& ctx);
Result<OperatorPtr> create_depthwise_conv_2d(const OpContext& ctx);
Result<OperatorPtr> create_dequantize(const OpContext& ctx);
Result<OperatorPtr> create_fully_connected(const OpContext& ctx);
Result<OperatorPtr> create_hard_swish(const OpContext& ctx);
Result<OperatorPtr> create_logistic(const OpContext& ctx);
Result<OperatorPtr> create_mean(const OpContext& ctx);
Result<OperatorPtr> create_mul(const OpContext& ctx);
Result<OperatorPtr> create_pad(const OpContext& ctx);
Result<OperatorPtr> create_quantize(const OpContext& ctx);
Result<OperatorPtr> create_relu(const OpContext& ctx);
Result<OperatorPtr> create_reshape(const OpContext& ctx);
Result<OperatorPtr> create_softmax(const OpContext& ctx);
Result<OperatorPtr> create_sub(const OpContext& ctx);

// Creates the operator for node `ctx`, or explains why it cannot run.
Result<OperatorPtr> create_operator(const OpContext& ctx);
// "ADD, AVERAGE_POOL_2D, ..." for error messages and `mobilenet info`.
const char* supported_ops_list();

}  // namespace mnw
