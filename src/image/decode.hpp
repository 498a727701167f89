// Image decoding: file bytes (or raw RGBA pixels) to an upright 8-bit RGB Image.
//
// Formats are those of stb_image 2.27: JPEG (baseline and progressive, no
// arithmetic coding), PNG (all bit depths, 16-bit reduced to 8), BMP, GIF
// (first frame only), TGA and PNM (binary P5/P6). Radiance HDR and Photoshop
// PSD are rejected: stb's readers for them hang or misbehave on corrupt files.
// Hostile input never aborts, crashes or allocates beyond what the header's
// dimensions need: every failure is an ErrorCode::kInvalidImage Status.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/status.hpp"
#include "image/image.hpp"

namespace mnw {

// What to do with transparency (PNG, GIF, TGA, BMP, PSD with alpha, RGBA pixels).
enum class AlphaMode {
  kComposite,  // blend over DecodeOptions::background, as a viewer shows it
  kDiscard,    // keep the colour channels and drop alpha, as stbi_load(..., 3) does
};

struct DecodeOptions {
  // 64 megapixels covers 48-50 MP phone cameras with margin. Decoding peaks at
  // roughly 8 bytes per pixel (~0.5 GB at the limit), which still fits a wasm
  // heap. Larger images are rejected before any pixel memory is allocated.
  static constexpr int64_t kDefaultMaxPixels = 64'000'000;
  // stb_image decodes at most 2^30 bytes of RGBA, so a larger max_pixels is refused.
  static constexpr int64_t kLargestMaxPixels = int64_t{1} << 28;

  int64_t max_pixels = kDefaultMaxPixels;  // 1..kLargestMaxPixels
  // Turn JPEGs upright per their EXIF Orientation tag (see exif.hpp).
  bool apply_exif_orientation = true;
  AlphaMode alpha = AlphaMode::kComposite;
  // Transparent pixels show this colour; white like a web page or document.
  Rgb background{255, 255, 255};

  // The decoding of the golden "canonical" recipe (shared/golden/README.md):
  // exactly what stbi_load(path, &w, &h, &n, 3) returns, EXIF ignored.
  static DecodeOptions canonical() {
    DecodeOptions options;
    options.apply_exif_orientation = false;
    options.alpha = AlphaMode::kDiscard;
    return options;
  }
};

// Decodes an encoded image file held in memory.
Result<Image> decode_image(const uint8_t* bytes, size_t size, const DecodeOptions& options = {});

// Builds an Image from width * height RGBA pixels (straight, not premultiplied,
// alpha; e.g. a canvas ImageData), applying options.alpha and options.max_pixels.
// `size` must be exactly width * height * 4.
Result<Image> from_rgba(const uint8_t* rgba, size_t size, int width, int height,
                        const DecodeOptions& options = {});

}  // namespace mnw
