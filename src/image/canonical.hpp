// The crop and resize that produced the golden input tensors
// (shared/golden/README.md, "How the input tensors were made from the images"),
// reproduced bit for bit so the engine's pipeline can be checked end to end.
#pragma once

#include "core/status.hpp"
#include "image/image.hpp"

namespace mnw {

// Central square crop (side = min(w, h), offsets floor((w - side) / 2) and
// floor((h - side) / 2)), then bilinear resize of the crop to
// out_width x out_height in double precision with half-pixel centres, no
// antialiasing, round half up. Not a good resampler for shrinking photos
// (it aliases); use preprocess()'s standard mode for real inference.
// Fails with kInvalidArgument for an inconsistent image or an output size
// outside 1..kMaxResizeOutputPixels.
//
// Bit-exactness needs every multiply and add rounded separately: a fused
// multiply-add changes the last bit of some values. canonical.cpp disables
// contraction itself for GCC and clang; building it with -ffp-contract=off
// as well keeps that true for any compiler.
Result<Image> canonical_crop_resize(const Image& src, int out_width, int out_height);

}  // namespace mnw
