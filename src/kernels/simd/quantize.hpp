// QUANTIZE float32 -> uint8/int8, kBlock values per step: the same float
// division and round half away from zero (xsimd::round is std::round's
// definition, not the wasm/SSE nearest-even instruction), the clamp in
// float before the conversion, NaN selected to 0 explicitly (x86 converts
// it to INT32_MIN), then the zero point in saturating int16 lanes, which
// cannot saturate after the clamp. Then the bytes go through the params'
// table: its steps on whole vectors when it has few, else a lookup per byte.
// The tail takes the reference.
#pragma once

#include "kernels/elementwise.hpp"

namespace mnw::simd {

void quantize(const QuantizeParams& params, const float* in, void* out, size_t count);

}  // namespace mnw::simd
