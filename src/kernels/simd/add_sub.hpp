// ADD and SUB of uint8 or int8 tensors of the same shape.
//
// Each input's rescale, SaturatingRoundingDoublingHighMul((x + offset) << 20, m)
// then RoundingDivideByPOT by s, is done in int32 lanes without 64-bit
// products: for m >= 0 the first step is floor((v * m + 2^10) / 2^11) with
// v = x + offset (the 2^20 cancels), and splitting m = h * 2^11 + l
// (0 <= l < 2^11) gives exactly v * h + ((v * l + 2^10) >> 11), all terms
// within int32 as |v| <= 255. Rounding half away from zero by s bits is
// (u + 2^(s-1) - (u < 0)) >> s. The sum is requantized with the
// convolutions' per-tensor epilogue, kBlock outputs per step; the last
// count % kBlock take the reference arithmetic.
#pragma once

#include <memory>

#include "kernels/elementwise.hpp"

namespace mnw::simd {

// nullptr unless the shapes are equal (shape.rows == 1).
std::unique_ptr<BinaryKernel> make_add_sub(const AddSubParams& params, BinaryShape shape);

}  // namespace mnw::simd
