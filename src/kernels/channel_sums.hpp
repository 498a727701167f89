// Per-channel sums over NHWC pixels: the reduction of AVERAGE_POOL_2D (one
// window row at a time) and MEAN (all pixels). Pixels are `count` runs of
// `channels` 8-bit values of `dtype` (uint8 or int8); their sums are added to
// sums[0..channels). Callers keep count * 255 below 2^31.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"

namespace mnw {

using ChannelSumsKernel = void (*)(DType dtype, const void* pixels, size_t count, size_t channels, int32_t* sums);

}  // namespace mnw
