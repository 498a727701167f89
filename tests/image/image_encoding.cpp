#include "image_encoding.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC  // private to this file: other tests may embed their own copy
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace mnw::test {
namespace {

void append_to_bytes(void* context, void* data, int size) {
  auto* out = static_cast<Bytes*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

void put_u16_le(Bytes& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

void put_u16_be(Bytes& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void put_u32_be(Bytes& out, uint32_t v) {
  put_u16_be(out, v >> 16);
  put_u16_be(out, v & 0xFFFF);
}

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0) {
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

}  // namespace

Bytes encode_png(int width, int height, int channels, const Bytes& pixels) {
  Bytes out;
  stbi_write_png_to_func(append_to_bytes, &out, width, height, channels, pixels.data(), width * channels);
  return out;
}

Bytes encode_bmp(int width, int height, int channels, const Bytes& pixels) {
  Bytes out;
  stbi_write_bmp_to_func(append_to_bytes, &out, width, height, channels, pixels.data());
  return out;
}

Bytes encode_tga(int width, int height, int channels, const Bytes& pixels) {
  Bytes out;
  stbi_write_tga_to_func(append_to_bytes, &out, width, height, channels, pixels.data());
  return out;
}

Bytes encode_jpeg(int width, int height, int channels, const Bytes& pixels, int quality) {
  Bytes out;
  stbi_write_jpg_to_func(append_to_bytes, &out, width, height, channels, pixels.data(), quality);
  return out;
}

Bytes encode_hdr(int width, int height, int channels, const std::vector<float>& pixels) {
  Bytes out;
  stbi_write_hdr_to_func(append_to_bytes, &out, width, height, channels, pixels.data());
  return out;
}

Bytes encode_pnm(int width, int height, int channels, const Bytes& pixels) {
  const std::string header = std::string(channels == 1 ? "P5" : "P6") + "\n" + std::to_string(width) + " " +
                             std::to_string(height) + "\n255\n";
  Bytes out(header.begin(), header.end());
  out.insert(out.end(), pixels.begin(), pixels.end());
  return out;
}

Bytes encode_psd(int width, int height, int channels, const Bytes& pixels) {
  Bytes out = {'8', 'B', 'P', 'S'};
  put_u16_be(out, 1);                    // version
  out.insert(out.end(), 6, 0);           // reserved
  put_u16_be(out, static_cast<uint32_t>(channels));
  put_u32_be(out, static_cast<uint32_t>(height));
  put_u32_be(out, static_cast<uint32_t>(width));
  put_u16_be(out, 8);                    // bits per channel
  put_u16_be(out, 3);                    // colour mode RGB
  put_u32_be(out, 0);                    // colour mode data
  put_u32_be(out, 0);                    // image resources
  put_u32_be(out, 0);                    // layer and mask information
  put_u16_be(out, 0);                    // raw, planar image data follows
  const size_t pixel_count = static_cast<size_t>(width) * static_cast<size_t>(height);
  for (int c = 0; c < channels; ++c) {
    for (size_t i = 0; i < pixel_count; ++i) out.push_back(pixels[i * static_cast<size_t>(channels) + static_cast<size_t>(c)]);
  }
  return out;
}

Bytes encode_gif(int width, int height, const Bytes& indices, const std::vector<Rgb>& palette,
                 int transparent_index) {
  Bytes out = {'G', 'I', 'F', '8', '9', 'a'};
  put_u16_le(out, static_cast<uint32_t>(width));
  put_u16_le(out, static_cast<uint32_t>(height));
  out.push_back(0x81);  // global colour table of 4 entries
  out.push_back(0);     // background colour index
  out.push_back(0);     // pixel aspect ratio
  for (size_t i = 0; i < 4; ++i) {
    const Rgb colour = i < palette.size() ? palette[i] : Rgb{};
    out.insert(out.end(), {colour.r, colour.g, colour.b});
  }
  if (transparent_index >= 0) {
    out.insert(out.end(), {0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, static_cast<uint8_t>(transparent_index), 0x00});
  }
  out.push_back(0x2C);  // image descriptor
  put_u16_le(out, 0);
  put_u16_le(out, 0);
  put_u16_le(out, static_cast<uint32_t>(width));
  put_u16_le(out, static_cast<uint32_t>(height));
  out.push_back(0);     // no local colour table, not interlaced
  // LZW with minimum code size 2: codes are 3 bits while the table stays
  // below 8 entries, so a clear code before every pair of literals keeps it there.
  constexpr uint32_t kClear = 4, kEnd = 5, kCodeBits = 3;
  Bytes lzw;
  uint32_t bit_buffer = 0, bit_count = 0;
  auto emit = [&](uint32_t code) {
    bit_buffer |= code << bit_count;
    bit_count += kCodeBits;
    while (bit_count >= 8) {
      lzw.push_back(static_cast<uint8_t>(bit_buffer));
      bit_buffer >>= 8;
      bit_count -= 8;
    }
  };
  for (size_t i = 0; i < indices.size(); ++i) {
    if (i % 2 == 0) emit(kClear);
    emit(indices[i]);
  }
  emit(kEnd);
  if (bit_count > 0) lzw.push_back(static_cast<uint8_t>(bit_buffer));
  out.push_back(2);  // LZW minimum code size
  for (size_t pos = 0; pos < lzw.size(); pos += 255) {
    const size_t block = std::min<size_t>(255, lzw.size() - pos);
    out.push_back(static_cast<uint8_t>(block));
    out.insert(out.end(), lzw.begin() + static_cast<ptrdiff_t>(pos), lzw.begin() + static_cast<ptrdiff_t>(pos + block));
  }
  out.push_back(0);     // end of image data
  out.push_back(0x3B);  // trailer
  return out;
}

Bytes png_signature() { return {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}; }

void append_png_chunk(Bytes& png, std::string_view type, const Bytes& data) {
  put_u32_be(png, static_cast<uint32_t>(data.size()));
  const size_t type_start = png.size();
  png.insert(png.end(), type.begin(), type.end());
  png.insert(png.end(), data.begin(), data.end());
  put_u32_be(png, crc32(png.data() + type_start, png.size() - type_start));
}

Bytes png_ihdr(uint32_t width, uint32_t height, int bit_depth, int colour_type) {
  Bytes ihdr;
  put_u32_be(ihdr, width);
  put_u32_be(ihdr, height);
  ihdr.insert(ihdr.end(), {static_cast<uint8_t>(bit_depth), static_cast<uint8_t>(colour_type), 0, 0, 0});
  return ihdr;
}

Bytes zlib_compress(const Bytes& data) {
  int size = 0;
  unsigned char* compressed =
      stbi_zlib_compress(const_cast<unsigned char*>(data.data()), static_cast<int>(data.size()), &size, 8);
  Bytes out(compressed, compressed + size);
  STBIW_FREE(compressed);
  return out;
}

Bytes insert_after_soi(const Bytes& jpeg, const Bytes& segment) {
  Bytes out(jpeg.begin(), jpeg.begin() + 2);
  out.insert(out.end(), segment.begin(), segment.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

Bytes gradient_pixels(int width, int height, int channels) {
  Bytes pixels;
  pixels.reserve(static_cast<size_t>(width) * static_cast<size_t>(height) * static_cast<size_t>(channels));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) pixels.push_back(static_cast<uint8_t>(x * 37 + y * 11 + c * 85));
    }
  }
  return pixels;
}

}  // namespace mnw::test
