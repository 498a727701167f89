// EXIF orientation: phones store photos as the sensor saw them and record in
// the JPEG's Exif metadata how to turn them upright.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/image.hpp"

namespace mnw {

// The EXIF Orientation tag (0x0112) of a JPEG, 1..8 as defined by EXIF/TIFF:
// 1 upright, 2 mirrored left-right, 3 rotated 180, 4 mirrored top-bottom,
// 5 transposed, 6 needs 90 degrees clockwise, 7 transverse, 8 needs 90
// counter-clockwise. Returns 1 when the bytes are not a JPEG, carry no Exif
// APP1 segment before the first scan, or the metadata is malformed: broken
// metadata never makes an otherwise decodable photo fail.
int read_jpeg_exif_orientation(const uint8_t* bytes, size_t size);

// Returns the upright image for a stored image with the given EXIF
// orientation; orientations 5 to 8 swap width and height. Values outside
// 1..8 are treated as 1.
Image apply_exif_orientation(const Image& stored, int orientation);

}  // namespace mnw
