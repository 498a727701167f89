// Small encoders for building test images in memory: stb_image_write for the
// formats it writes, hand-built bytes for the rest (GIF, PSD, PNM, raw PNG
// chunks for hostile headers).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "image/image.hpp"

namespace mnw::test {

using Bytes = std::vector<uint8_t>;

// `pixels` is width * height * channels interleaved bytes (channels 1..4).
Bytes encode_png(int width, int height, int channels, const Bytes& pixels);
Bytes encode_bmp(int width, int height, int channels, const Bytes& pixels);
Bytes encode_tga(int width, int height, int channels, const Bytes& pixels);  // RLE
Bytes encode_jpeg(int width, int height, int channels, const Bytes& pixels, int quality);
Bytes encode_hdr(int width, int height, int channels, const std::vector<float>& pixels);
// Binary PGM (channels 1) or PPM (channels 3), maxval 255.
Bytes encode_pnm(int width, int height, int channels, const Bytes& pixels);
// Uncompressed 8-bit RGB (channels 3) or RGBA (4) Photoshop file.
Bytes encode_psd(int width, int height, int channels, const Bytes& pixels);
// GIF89a with a palette of at most 4 colours; `indices` has one entry per
// pixel. transparent_index >= 0 adds a graphic control extension.
Bytes encode_gif(int width, int height, const Bytes& indices, const std::vector<Rgb>& palette,
                 int transparent_index = -1);

// PNG building blocks for hand-made (and hostile) files.
Bytes png_signature();
void append_png_chunk(Bytes& png, std::string_view type, const Bytes& data);
Bytes png_ihdr(uint32_t width, uint32_t height, int bit_depth, int colour_type);
Bytes zlib_compress(const Bytes& data);

// A JPEG with `segment` (marker bytes included) inserted right after SOI.
Bytes insert_after_soi(const Bytes& jpeg, const Bytes& segment);

// Canonical pixels for tests: width x height x channels bytes from a formula.
Bytes gradient_pixels(int width, int height, int channels);

}  // namespace mnw::test
