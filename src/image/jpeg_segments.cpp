#include "image/jpeg_segments.hpp"

namespace mnw {

std::optional<JpegSegment> find_jpeg_segment(const uint8_t* bytes, size_t size,
                                             const std::function<bool(const JpegSegment&)>& wanted) {
  if (bytes == nullptr || size < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8) return std::nullopt;
  size_t pos = 2;
  while (size - pos >= 4) {
    if (bytes[pos] != 0xFF) return std::nullopt;  // lost marker sync: malformed
    const uint8_t marker = bytes[pos + 1];
    if (marker == 0xFF) {  // fill byte before a marker
      ++pos;
      continue;
    }
    const bool standalone = marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8);
    if (standalone) {
      pos += 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // start of scan, end of image
    const size_t length = static_cast<size_t>(bytes[pos + 2] << 8 | bytes[pos + 3]);
    if (length < 2 || length > size - pos - 2) return std::nullopt;
    const JpegSegment segment{marker, bytes + pos + 4, length - 2};
    if (wanted(segment)) return segment;
    pos += 2 + length;
  }
  return std::nullopt;
}

}  // namespace mnw
