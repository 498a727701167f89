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

const char* jpeg_huffman_problem(const uint8_t* bytes, size_t size) {
  auto byte_at = [&](size_t i) -> uint8_t { return i < size ? bytes[i] : 0; };  // stb reads 0 past the end
  bool defined[2][4] = {};  // [class: DC, AC][id]
  bool progressive = false;
  size_t pos = 0;
  while (pos < size) {
    if (bytes[pos] != 0xFF) {  // scan data, or garbage stb also skips
      ++pos;
      continue;
    }
    while (pos < size && bytes[pos] == 0xFF) ++pos;  // the marker's 0xFF and any fill bytes
    if (pos >= size) return nullptr;
    const uint8_t marker = bytes[pos++];
    if (marker == 0xD9) return nullptr;  // end of image: stb reads no further
    const bool has_length = !(marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8));
    if (!has_length) continue;
    const size_t length = static_cast<size_t>(byte_at(pos) << 8 | byte_at(pos + 1));
    if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) progressive = marker == 0xC2;
    if (marker == 0xDA) {
      // SOS: component count, then (component, DC table << 4 | AC table)
      // pairs, then the spectral start and the successive approximation.
      const size_t components = byte_at(pos + 2);
      const uint8_t spectral_start = byte_at(pos + 3 + 2 * components);
      const uint8_t approximation_high = byte_at(pos + 5 + 2 * components) >> 4;
      const bool uses_dc = !progressive || (spectral_start == 0 && approximation_high == 0);
      const bool uses_ac = !progressive || spectral_start != 0;
      for (size_t c = 0; c < components; ++c) {
        const uint8_t tables = byte_at(pos + 4 + 2 * c);
        if ((tables >> 4) > 3 || (tables & 15) > 3) break;  // stb rejects the file
        if ((uses_dc && !defined[0][tables >> 4]) || (uses_ac && !defined[1][tables & 15])) {
          return "a scan uses a Huffman table that no DHT defined";
        }
      }
    }
    if (marker != 0xC4) {
      // Skip the payload; after SOS only its header, then the scan data follows.
      pos += length;
      continue;
    }
    // A DHT segment: tables of (class/id, 16 code counts, the codes' values)
    // until its length is used up, read the way stb reads them.
    pos += 2;
    int64_t remaining = static_cast<int64_t>(length) - 2;
    while (remaining > 0) {
      const uint8_t class_and_id = byte_at(pos);
      if ((class_and_id >> 4) > 1 || (class_and_id & 15) > 3) return nullptr;  // stb rejects the file
      size_t codes = 0;
      for (size_t i = 1; i <= 16; ++i) codes += byte_at(pos + i);
      if (codes > 256) return "a Huffman table declares more than 256 codes";
      defined[class_and_id >> 4][class_and_id & 15] = true;
      pos += 17 + codes;
      remaining -= static_cast<int64_t>(17 + codes);
    }
    if (remaining != 0) return nullptr;  // stb rejects the file
  }
  return nullptr;
}

}  // namespace mnw
