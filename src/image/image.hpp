// The one pixel format the image side works in: 8-bit RGB, rows top to bottom.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mnw {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3 bytes: R, G, B per pixel, no row padding

  size_t stride() const { return static_cast<size_t>(width) * 3; }
  // True when the dimensions are positive and the buffer holds exactly their pixels.
  bool is_consistent() const {
    return width > 0 && height > 0 &&
           rgb.size() == static_cast<size_t>(width) * static_cast<size_t>(height) * 3;
  }
};

struct Rgb {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
};

}  // namespace mnw
