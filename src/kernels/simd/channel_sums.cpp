#include "kernels/simd/channel_sums.hpp"

#include <algorithm>

#include "kernels/reference/channel_sums.hpp"
#include "kernels/simd/xsimd_extensions.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {
namespace {

// Two widened loads: kBlock values, four int32 sums.
constexpr size_t kBlock = 2 * kLanes16;

// Pixels whose values an int16 lane can sum exactly: 128 * 255 (or -128)
// fits. Summed in int16 first and widened once per run of them, a pixel takes
// two loads and two adds where int32 sums take four more widenings.
constexpr size_t kPixelsPerInt16Sum = 128;

// Channels [c, c + kBlock) of pixels [0, count) added to lanes s (an int32
// per channel); reads kBlock values from each pixel's channel c, which the
// caller keeps inside the buffer.
template <class T>
void add_block(const T* pixels, size_t count, size_t channels, size_t c, I32 (&s)[4]) {
  const T* p = pixels + c;
  for (size_t first = 0; first < count; first += kPixelsPerInt16Sum) {
    I16 lo(0), hi(0);
    for (const T* end = p + std::min(kPixelsPerInt16Sum, count - first) * channels; p != end; p += channels) {
      lo += load_widened(p);
      hi += load_widened(p + kLanes16);
    }
    s[0] += widen<0>(lo);
    s[1] += widen<1>(lo);
    s[2] += widen<0>(hi);
    s[3] += widen<1>(hi);
  }
}

// Fewer channels than a block, and dividing it: the pixels as one stream of
// values, lane j summing channel j % channels, folded at the end (natively,
// with 64-value blocks, 16 channels had gone value by value: 5x slower than
// in wasm).
template <class T>
void add_narrow_channel_sums(const T* pixels, size_t count, size_t channels, int32_t* sums) {
  const size_t values = count * channels, full = values - values % kBlock;
  // Blocks of kBlock values taken as pixels of kBlock channels.
  I32 s[4] = {I32(0), I32(0), I32(0), I32(0)};
  add_block(pixels, full / kBlock, kBlock, 0, s);
  alignas(Arch::alignment()) int32_t lanes[kBlock];
  for (size_t v = 0; v < 4; ++v) s[v].store_aligned(lanes + v * kLanes);
  for (size_t j = 0; j < kBlock; j += channels) {
    for (size_t c = 0; c < channels; ++c) sums[c] += lanes[j + c];
  }
  // The rest: whole pixels, as full holds whole pixels.
  reference::add_channel_sums(pixels + full, (values - full) / channels, channels, sums);
}

template <class T>
void add_channel_sums(const T* pixels, size_t count, size_t channels, int32_t* sums) {
  if (channels > 0 && channels < kBlock && kBlock % channels == 0) {
    return add_narrow_channel_sums(pixels, count, channels, sums);
  }
  size_t c = 0;
  for (; c + kBlock <= channels; c += kBlock) {
    I32 s[4];
    for (size_t v = 0; v < 4; ++v) s[v] = I32::load_unaligned(sums + c + v * kLanes);
    add_block(pixels, count, channels, c, s);
    for (size_t v = 0; v < 4; ++v) s[v].store_unaligned(sums + c + v * kLanes);
  }
  if (c == channels) return;
  // The last channels as one more block over the pixels whose block stays
  // inside the buffer, its extra lanes discarded; the last pixel or two by
  // the reference.
  const size_t rest = channels - c;
  const size_t values = count * channels;
  const size_t inside = values - c >= kBlock ? std::min(count, (values - c - kBlock) / channels + 1) : 0;
  I32 s[4] = {I32(0), I32(0), I32(0), I32(0)};
  add_block(pixels, inside, channels, c, s);
  alignas(Arch::alignment()) int32_t lanes[kBlock];
  for (size_t v = 0; v < 4; ++v) s[v].store_aligned(lanes + v * kLanes);
  for (size_t j = 0; j < rest; ++j) sums[c + j] += lanes[j];
  for (size_t i = inside; i < count; ++i) reference::add_channel_sums(pixels + i * channels + c, 1, rest, sums + c);
}

}  // namespace

void channel_sums(DType dtype, const void* pixels, size_t count, size_t channels, int32_t* sums) {
  if (dtype == DType::kUInt8) return add_channel_sums(static_cast<const uint8_t*>(pixels), count, channels, sums);
  add_channel_sums(static_cast<const int8_t*>(pixels), count, channels, sums);
}

}  // namespace mnw::simd

#endif
