// QUANTIZE float32 -> uint8/int8, kBlock values per step: the same float
// division and round half away from zero (std::round's definition, not the
// wasm/SSE nearest-even instruction), NaN cleared to 0 explicitly (x86
// converts it to INT32_MIN), the clamp in float before the conversion,
// which adds the zero point. Then the bytes go through the params' table:
// its steps on whole vectors when it has few, else a lookup per byte. The
// tail takes the reference.
#pragma once

#include "kernels/elementwise.hpp"

namespace mnw::simd {

void quantize(const QuantizeParams& params, const float* in, void* out, size_t count);

}  // namespace mnw::simd
