// A byte copy for copies made on every run. Emscripten 3.1.6's memcpy sends
// 512 bytes or more through a call into JavaScript unless the build has bulk
// memory, which its builds without threads cannot link with (wasm-ld then
// asks for atomics); measured in Chromium, a 1001-byte RESHAPE took 4 us.
// This loop stays in wasm, vectorized: clang is told not to turn it back
// into a memcpy call.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mnw {

#if defined(__clang__)
__attribute__((no_builtin("memcpy")))
#endif
inline void copy_bytes(void* dst, const void* src, size_t bytes) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  for (size_t i = 0; i < bytes; ++i) d[i] = s[i];
}

}  // namespace mnw
