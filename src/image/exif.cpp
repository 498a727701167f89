#include "image/exif.hpp"

#include <cstring>

#include "image/jpeg_segments.hpp"

namespace mnw {
namespace {

constexpr int kUpright = 1;
constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kTiffTypeShort = 3;
constexpr size_t kIfdEntrySize = 12;

uint16_t read_u16(const uint8_t* p, bool little_endian) {
  return little_endian ? static_cast<uint16_t>(p[0] | p[1] << 8)
                       : static_cast<uint16_t>(p[0] << 8 | p[1]);
}

uint32_t read_u32(const uint8_t* p, bool little_endian) {
  const uint32_t b0 = p[0], b1 = p[1], b2 = p[2], b3 = p[3];
  return little_endian ? (b0 | b1 << 8 | b2 << 16 | b3 << 24) : (b0 << 24 | b1 << 16 | b2 << 8 | b3);
}

// Reads the Orientation entry of IFD0 in a TIFF structure (the Exif payload).
int orientation_from_tiff(const uint8_t* tiff, size_t size) {
  if (size < 8) return kUpright;
  bool little_endian;
  if (tiff[0] == 'I' && tiff[1] == 'I') {
    little_endian = true;
  } else if (tiff[0] == 'M' && tiff[1] == 'M') {
    little_endian = false;
  } else {
    return kUpright;
  }
  if (read_u16(tiff + 2, little_endian) != 42) return kUpright;
  const uint32_t ifd_offset = read_u32(tiff + 4, little_endian);
  if (ifd_offset > size || size - ifd_offset < 2) return kUpright;
  const size_t entry_count = read_u16(tiff + ifd_offset, little_endian);
  const size_t entries_start = ifd_offset + 2;
  for (size_t i = 0; i < entry_count; ++i) {
    const size_t entry = entries_start + i * kIfdEntrySize;
    if (entry > size || size - entry < kIfdEntrySize) return kUpright;
    const uint8_t* e = tiff + entry;
    if (read_u16(e, little_endian) != kOrientationTag) continue;
    // A SHORT with count 1 sits in the first two bytes of the value field.
    if (read_u16(e + 2, little_endian) != kTiffTypeShort || read_u32(e + 4, little_endian) != 1) {
      return kUpright;
    }
    const int orientation = read_u16(e + 8, little_endian);
    return orientation >= 1 && orientation <= 8 ? orientation : kUpright;
  }
  return kUpright;
}

}  // namespace

int read_jpeg_exif_orientation(const uint8_t* bytes, size_t size) {
  static constexpr uint8_t kExifHeader[6] = {'E', 'x', 'i', 'f', 0, 0};
  const std::optional<JpegSegment> exif = find_jpeg_segment(bytes, size, [](const JpegSegment& s) {
    return s.marker == 0xE1 && s.size >= sizeof kExifHeader &&
           std::memcmp(s.payload, kExifHeader, sizeof kExifHeader) == 0;
  });
  if (!exif) return kUpright;
  return orientation_from_tiff(exif->payload + sizeof kExifHeader, exif->size - sizeof kExifHeader);
}

Image apply_exif_orientation(const Image& stored, int orientation) {
  if (orientation < 2 || orientation > 8) return stored;
  const ptrdiff_t w = stored.width;
  const ptrdiff_t h = stored.height;
  const bool swaps_axes = orientation >= 5;
  Image upright;
  upright.width = swaps_axes ? stored.height : stored.width;
  upright.height = swaps_axes ? stored.width : stored.height;
  upright.rgb.resize(stored.rgb.size());

  // Stored pixel index of upright pixel (x, y) = first + x * step_x + y * step_y.
  ptrdiff_t first = 0, step_x = 1, step_y = w;
  switch (orientation) {
    case 2: first = w - 1;               step_x = -1; step_y = w;  break;  // mirror
    case 3: first = (h - 1) * w + w - 1; step_x = -1; step_y = -w; break;  // 180
    case 4: first = (h - 1) * w;         step_x = 1;  step_y = -w; break;  // flip
    case 5: first = 0;                   step_x = w;  step_y = 1;  break;  // transpose
    case 6: first = (h - 1) * w;         step_x = -w; step_y = 1;  break;  // 90 cw
    case 7: first = (h - 1) * w + w - 1; step_x = -w; step_y = -1; break;  // transverse
    case 8: first = w - 1;               step_x = w;  step_y = -1; break;  // 90 ccw
  }
  const uint8_t* src = stored.rgb.data();
  uint8_t* dst = upright.rgb.data();
  for (ptrdiff_t y = 0; y < upright.height; ++y) {
    ptrdiff_t from = first + y * step_y;
    for (ptrdiff_t x = 0; x < upright.width; ++x, from += step_x, dst += 3) {
      std::memcpy(dst, src + from * 3, 3);
    }
  }
  return upright;
}

}  // namespace mnw
