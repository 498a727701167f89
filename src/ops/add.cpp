// ADD of two quantized tensors (residual connections, scalar offsets).
#include "ops/add_sub.hpp"
#include "ops/ops.hpp"

namespace mnw {

Result<OperatorPtr> create_add(const OpContext& ctx) { return create_add_sub(ctx, AddSubKind::kAdd); }

}  // namespace mnw
