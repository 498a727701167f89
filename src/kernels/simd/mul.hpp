// MUL of uint8 or int8 tensors, same shape or b repeated per row.
//
// Both operands are loaded widened to int16 with their offsets added
// (|x| <= 255), multiplied in int32 lanes (17-bit products) and requantized
// with the convolutions' per-tensor epilogue, kBlock outputs per step. A
// repeated b is expanded at each run into int16 scratch holding b + offset
// for inner + kBlock positions, so that b's values for any kBlock outputs
// are one unaligned load at (position % inner): one flat loop over the
// output whatever the channel count (3, 16, 576). The last count % kBlock
// outputs take the reference arithmetic.
#pragma once

#include <memory>

#include "kernels/elementwise.hpp"

namespace mnw::simd {

std::unique_ptr<BinaryKernel> make_mul(const MulParams& params, BinaryShape shape);

}  // namespace mnw::simd
