// How stb_image is configured for the engine. Included by the single TU that
// compiles stb's implementation and by the decoder, so both see the same API.
//
// Hostile bytes must never abort, crash or allocate without bound:
// - STBI_ASSERT is disabled: its checks are internal sanity checks that corrupt
//   files can trip, and assert() would abort the whole (wasm) process.
// - Every stb allocation goes through a per-thread cap that the decoder sets
//   from the header's dimensions (StbAllocationCap), so a PNG chunk claiming
//   2 GiB or a zlib bomb fails with "outofmem" instead of exhausting memory.
// - STBI_MAX_DIMENSIONS rejects absurd sides before any pixel buffer exists.
// - Decoding is from memory only. Left out: Softimage PIC (rare), Radiance
//   HDR, whose 2.27 reader loops forever on a zero-length RLE run (any
//   truncated file has one), and Photoshop PSD, whose alpha un-matting
//   converts out-of-range floats to bytes (undefined behaviour).
// - decode.cpp refuses what stb 2.27 would mishandle before stb sees it:
//   JPEG Huffman tables of over 256 codes and scans using undefined ones
//   (jpeg_huffman_problem), PNM
//   header numbers that overflow and 16-bit PNM (check_pnm_header).
#pragma once

#include <cstddef>

#define STBI_NO_STDIO
#define STBI_NO_PIC
#define STBI_NO_HDR
#define STBI_NO_PSD
#define STBI_MAX_DIMENSIONS (1 << 20)
#define STBI_ASSERT(condition) ((void)sizeof(condition))
#define STBI_MALLOC(size) ::mnw::image_detail::capped_malloc(size)
#define STBI_REALLOC(pointer, size) ::mnw::image_detail::capped_realloc(pointer, size)
#define STBI_FREE(pointer) ::mnw::image_detail::capped_free(pointer)

namespace mnw::image_detail {

void* capped_malloc(size_t size);
void* capped_realloc(void* pointer, size_t size);
void capped_free(void* pointer);

// While alive, no single stb allocation on this thread may exceed `max_bytes`.
// Without one, stb may not allocate at all: decoding outside a cap is a bug.
class StbAllocationCap {
 public:
  explicit StbAllocationCap(size_t max_bytes);
  ~StbAllocationCap();
  StbAllocationCap(const StbAllocationCap&) = delete;
  StbAllocationCap& operator=(const StbAllocationCap&) = delete;

 private:
  size_t previous_;
};

}  // namespace mnw::image_detail

#include <stb_image.h>
