// Per-channel sums in vectors: a block of channels at a time, its sums held
// in registers while the pixels stream past (one strided load per pixel),
// then the remaining channels by the reference.
#pragma once

#include "kernels/channel_sums.hpp"

namespace mnw::simd {

void channel_sums(DType dtype, const void* pixels, size_t count, size_t channels, int32_t* sums);

}  // namespace mnw::simd
