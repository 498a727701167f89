// Walking the marker segments at the start of a JPEG file (the metadata and
// frame header that precede the first scan), bounds-checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

namespace mnw {

struct JpegSegment {
  uint8_t marker = 0;                // the byte after 0xFF, e.g. 0xE1 for APP1
  const uint8_t* payload = nullptr;  // the bytes after the 2-byte length field
  size_t size = 0;                   // payload size
};

// The first segment before the first scan for which `wanted` is true. nullopt
// when the bytes are not a JPEG, no segment matches, or the structure breaks
// (lost marker sync, a length running past the end) before one does.
std::optional<JpegSegment> find_jpeg_segment(const uint8_t* bytes, size_t size,
                                             const std::function<bool(const JpegSegment&)>& wanted);

// What stb_image 2.27 would mishandle in a JPEG's Huffman coding, or null:
// - "a Huffman table declares more than 256 codes": stb builds each table
//   into 256-entry arrays without checking the count, so such a table
//   writes past them (heap corruption);
// - "a scan uses a Huffman table that no DHT defined": stb does not clear
//   its decoder state, so it would decode with whatever bytes that memory
//   held before (measured: an out-of-bounds read and a crash, depending on
//   what ran earlier).
// Follows stb's own reading: segments are skipped by their length, scan data
// is searched byte by byte for the next marker (as stb does after a scan,
// also between progressive scans), and reading stops at the first
// end-of-image marker. A scan needs the tables stb decodes it with: DC and
// AC in a baseline frame; in a progressive one DC for a first DC scan, AC
// for any AC scan.
const char* jpeg_huffman_problem(const uint8_t* bytes, size_t size);

}  // namespace mnw
