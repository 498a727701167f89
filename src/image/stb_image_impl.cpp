// The only translation unit that compiles stb_image's implementation.
#include <cstdlib>

#define STB_IMAGE_IMPLEMENTATION
// stb 2.27 lets hostile files overflow signed ints (JPEG DC prediction) and
// pass a null pointer to a zero-byte memcpy (PNG with an empty first IDAT).
// Both are harmless as written, but undefined: tell GCC not to optimise on
// them. Clang has no such pragma: CMake gives this file -fwrapv and
// -fno-delete-null-pointer-checks there.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("wrapv", "no-delete-null-pointer-checks")
#endif
// stb is third-party C-style code; its warnings are not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "image/stb_image_config.hpp"
#pragma GCC diagnostic pop

namespace mnw::image_detail {
namespace {
// 0 outside any StbAllocationCap: stb then gets no memory at all.
thread_local size_t allocation_cap = 0;
}  // namespace

void* capped_malloc(size_t size) {
  return size <= allocation_cap ? std::malloc(size) : nullptr;
}

void* capped_realloc(void* pointer, size_t size) {
  return size <= allocation_cap ? std::realloc(pointer, size) : nullptr;
}

void capped_free(void* pointer) { std::free(pointer); }

StbAllocationCap::StbAllocationCap(size_t max_bytes) : previous_(allocation_cap) {
  allocation_cap = max_bytes;
}

StbAllocationCap::~StbAllocationCap() { allocation_cap = previous_; }

}  // namespace mnw::image_detail
