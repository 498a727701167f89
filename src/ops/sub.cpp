// SUB of two quantized tensors (TF2 MobileNet V3 preprocessing).
#include "ops/add_sub.hpp"
#include "ops/ops.hpp"

namespace mnw {

Result<OperatorPtr> create_sub(const OpContext& ctx) { return create_add_sub(ctx, AddSubKind::kSub); }

}  // namespace mnw
