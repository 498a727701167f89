// From a decoded Image to the raw bytes of a model's input tensor.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.hpp"
#include "core/tensor.hpp"
#include "image/image.hpp"
#include "image/resize.hpp"

namespace mnw {

// What a model's image input needs; the model side fills it from the model.
// The tensor is NHWC with N = 1 and C = 3 (RGB).
//
// uint8 and int8 inputs take the pixel bytes as they are (int8: byte - 128).
// Their quantization (scale, zero point) is deliberately not used: quantized
// TFLite image models are trained so the raw pixel byte is the quantized
// value, which is how the golden tensors were made.
struct InputSpec {
  int width = 0;
  int height = 0;
  DType dtype = DType::kUInt8;  // kUInt8, kInt8 or kFloat32
  // Float inputs only: bytes 0..255 map linearly onto [float_lo, float_hi]
  // (value = lo + byte * (hi - lo) / 255, in double, rounded to float32).
  // [0, 1] for tf2_mobilenet_v3_small_..._float_io, [-1, 1] for classic float MobileNets.
  float float_lo = 0.0f;
  float float_hi = 1.0f;
};

enum class PreprocessMode {
  // Central crop (see PreprocessOptions), antialiased resize (resize.hpp):
  // the pipeline to use for real inference.
  kStandard,
  // The golden recipe (canonical.hpp), byte for byte equal to
  // shared/golden/*/<case>.input.bin when the image was decoded with
  // DecodeOptions::canonical(). Ignores central_crop_fraction: it always
  // crops the central square of the whole image.
  kCanonical,
};

struct PreprocessOptions {
  PreprocessMode mode = PreprocessMode::kStandard;
  // Standard mode: take the largest centred rectangle with the input's aspect
  // ratio (a square for 224x224) and keep this fraction of its width and
  // height, centred; 1.0 keeps the whole square. The default 0.95 was
  // measured on shared/imagenet-dev (100 images) with all nine models: it is
  // within one point of TFLite's own top-1 on every one of them, while the
  // classic Inception evaluation crop 0.875 loses 4 points on V3 Large and
  // TF2 V2, and 1.0 loses 2 on V1 0.5 (README, "Accuracy"). Unlike TF's
  // inception_preprocessing, which crops each side and then squashes to the
  // input's aspect, this never distorts the picture.
  double central_crop_fraction = 0.95;
};

// The standard mode's crop of a width x height image for a
// target_width x target_height input (see PreprocessOptions). Sides are
// rounded to whole pixels (at least 1) and offsets floored. Arguments must be
// positive and fraction in (0, 1]; preprocess() checks them.
PixelRect central_crop(int width, int height, int target_width, int target_height, double fraction);

// Crops and resizes `image` per options and converts it to the input tensor's
// bytes: width * height * 3 values of spec.dtype, little-endian.
Result<std::vector<uint8_t>> preprocess(const Image& image, const InputSpec& spec,
                                        const PreprocessOptions& options = {});

// Converts an image that is already spec.width x spec.height to the input
// tensor's bytes (the last step of preprocess()).
Result<std::vector<uint8_t>> to_input_tensor(const Image& sized, const InputSpec& spec);

}  // namespace mnw
