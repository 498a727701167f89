#include "kernels/simd/channel_sums.hpp"

#include "kernels/reference/channel_sums.hpp"
#include "kernels/simd/xsimd_extensions.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {
namespace {

template <class T>
void add_channel_sums(const T* pixels, size_t count, size_t channels, int32_t* sums) {
  // Two widened loads per pixel and block: kBlock channels, four int32 sums.
  constexpr size_t kBlock = 2 * kLanes16;
  size_t c = 0;
  for (; c + kBlock <= channels; c += kBlock) {
    I32 s0 = I32::load_unaligned(sums + c), s1 = I32::load_unaligned(sums + c + kLanes);
    I32 s2 = I32::load_unaligned(sums + c + 2 * kLanes), s3 = I32::load_unaligned(sums + c + 3 * kLanes);
    const T* p = pixels + c;
    for (size_t i = 0; i < count; ++i, p += channels) {
      const I16 lo = load_widened(p), hi = load_widened(p + kLanes16);
      s0 += widen<0>(lo);
      s1 += widen<1>(lo);
      s2 += widen<0>(hi);
      s3 += widen<1>(hi);
    }
    s0.store_unaligned(sums + c);
    s1.store_unaligned(sums + c + kLanes);
    s2.store_unaligned(sums + c + 2 * kLanes);
    s3.store_unaligned(sums + c + 3 * kLanes);
  }
  if (c == channels) return;
  // The last channels: the reference on a strided view, pixel by pixel.
  for (size_t i = 0; i < count; ++i) reference::add_channel_sums(pixels + i * channels + c, 1, channels - c, sums + c);
}

}  // namespace

void channel_sums(DType dtype, const void* pixels, size_t count, size_t channels, int32_t* sums) {
  if (dtype == DType::kUInt8) return add_channel_sums(static_cast<const uint8_t*>(pixels), count, channels, sums);
  add_channel_sums(static_cast<const int8_t*>(pixels), count, channels, sums);
}

}  // namespace mnw::simd

#endif
