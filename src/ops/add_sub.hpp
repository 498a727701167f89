// Quantized ADD and SUB share TFLite's arithmetic: both inputs are shifted
// left by 20 bits, rescaled to a common scale (twice the larger input scale),
// added or subtracted, then rescaled to the output.
#pragma once

#include "core/status.hpp"
#include "graph/operator.hpp"

namespace mnw {

enum class AddSubKind { kAdd, kSub };
Result<OperatorPtr> create_add_sub(const OpContext& ctx, AddSubKind kind);

}  // namespace mnw
