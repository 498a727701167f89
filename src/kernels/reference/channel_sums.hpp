// Reference per-channel sums (kernels/channel_sums.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"

namespace mnw::reference {

template <typename T>
void add_channel_sums(const T* pixels, size_t count, size_t channels, int32_t* sums) {
  for (size_t p = 0; p < count; ++p, pixels += channels) {
    for (size_t c = 0; c < channels; ++c) sums[c] += pixels[c];
  }
}

inline void channel_sums(DType dtype, const void* pixels, size_t count, size_t channels, int32_t* sums) {
  if (dtype == DType::kUInt8) return add_channel_sums(static_cast<const uint8_t*>(pixels), count, channels, sums);
  add_channel_sums(static_cast<const int8_t*>(pixels), count, channels, sums);
}

}  // namespace mnw::reference
