#include <catch_amalgamated.hpp>

#include <cstdlib>

#include "../support/prng.hpp"
#include "image/resize.hpp"

using namespace mnw;
using namespace mnw::test;

namespace {

Image filled(int width, int height, Rgb colour) {
  Image image{width, height, {}};
  for (int i = 0; i < width * height; ++i) image.rgb.insert(image.rgb.end(), {colour.r, colour.g, colour.b});
  return image;
}

// One value per pixel, the same in all three channels.
Image grey(int width, int height, const std::vector<uint8_t>& values) {
  Image image{width, height, {}};
  for (uint8_t v : values) image.rgb.insert(image.rgb.end(), {v, v, v});
  return image;
}

std::vector<uint8_t> red_channel(const Image& image) {
  std::vector<uint8_t> red;
  for (size_t i = 0; i < image.rgb.size(); i += 3) red.push_back(image.rgb[i]);
  return red;
}

Image checkerboard(int width, int height) {
  Image image{width, height, {}};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const uint8_t v = (x + y) % 2 == 0 ? 255 : 0;
      image.rgb.insert(image.rgb.end(), {v, v, v});
    }
  }
  return image;
}

Image random_image(Prng& prng, int width, int height) {
  Image image{width, height, std::vector<uint8_t>(static_cast<size_t>(width * height * 3))};
  for (uint8_t& v : image.rgb) v = prng.byte();
  return image;
}

}  // namespace

TEST_CASE("A constant image stays constant at any size") {
  const Image source = filled(37, 23, {200, 17, 99});
  const std::pair<int, int> sizes[] = {{1, 1}, {5, 3}, {12, 11}, {37, 23}, {74, 46}, {100, 7}, {3, 90}};
  for (const auto& [w, h] : sizes) {
    CAPTURE(w, h);
    Result<Image> out = resize(source, w, h);
    REQUIRE(out.is_ok());
    CHECK(out->rgb == filled(w, h, {200, 17, 99}).rgb);
  }
}

TEST_CASE("Shrinking by 2 averages 2 x 2 blocks, rounding half up") {
  const Image source = grey(4, 2, {10, 20, 0, 255,
                                   30, 41, 0, 255});
  Result<Image> out = resize(source, 2, 1);
  REQUIRE(out.is_ok());
  CHECK(red_channel(*out) == std::vector<uint8_t>{25, 128});  // 25.25 -> 25, 127.5 -> 128
}

TEST_CASE("Shrinking by a non-integer factor weights partly covered pixels by their overlap") {
  // 5 -> 2: each output pixel covers 2.5 source pixels.
  Result<Image> out = resize(grey(5, 1, {10, 20, 30, 40, 50}), 2, 1);
  REQUIRE(out.is_ok());
  CHECK(red_channel(*out) == std::vector<uint8_t>{18, 42});  // (10+20+15)/2.5, (15+40+50)/2.5
}

TEST_CASE("A 1-pixel checkerboard shrinks to flat grey instead of aliasing") {
  const Image board = checkerboard(256, 256);
  SECTION("by exactly 8") {
    Result<Image> out = resize(board, 32, 32);
    REQUIRE(out.is_ok());
    CHECK(out->rgb == filled(32, 32, {128, 128, 128}).rgb);
    // Nearest-neighbour sampling would read one parity of pixel only: all 0 or all 255.
    const uint8_t nearest = board.rgb[(4 * 256 + 4) * 3];
    CHECK((nearest == 0 || nearest == 255));
  }
  SECTION("by a non-integer factor") {
    Result<Image> out = resize(board, 30, 30);
    REQUIRE(out.is_ok());
    // Partly covered edge pixels leave at most 127.5 / (8.53 * 8.53) ~ 1.75 of imbalance.
    for (uint8_t v : out->rgb) CHECK(std::abs(v - 128) <= 2);
  }
}

TEST_CASE("Enlarging interpolates bilinearly between pixel centres") {
  Result<Image> out = resize(grey(2, 1, {0, 200}), 4, 1);
  REQUIRE(out.is_ok());
  // Output centres fall at source x = -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
  CHECK(red_channel(*out) == std::vector<uint8_t>{0, 50, 150, 200});

  Result<Image> tall = resize(grey(1, 2, {100, 0}), 1, 4);
  REQUIRE(tall.is_ok());
  CHECK(red_channel(*tall) == std::vector<uint8_t>{100, 75, 25, 0});
}

TEST_CASE("Equal sizes copy, and each axis is resampled on its own") {
  const uint64_t seed = 0x5EED0001ull;
  CAPTURE(seed);
  Prng prng(seed);
  const Image source = random_image(prng, 19, 13);
  Result<Image> same = resize(source, 19, 13);
  REQUIRE(same.is_ok());
  CHECK(same->rgb == source.rgb);

  // Shrinking only the width leaves each row's columns averaged, rows untouched.
  const Image columns = grey(4, 2, {0, 100, 50, 51,
                                    7, 9, 200, 201});
  Result<Image> narrow = resize(columns, 2, 2);
  REQUIRE(narrow.is_ok());
  CHECK(red_channel(*narrow) == std::vector<uint8_t>{50, 51, 8, 201});
}

TEST_CASE("A region resizes like a cropped copy") {
  const uint64_t seed = 0x5EED0002ull;
  CAPTURE(seed);
  Prng prng(seed);
  const Image source = random_image(prng, 40, 30);
  const PixelRect region{7, 5, 23, 17};
  Image cropped{region.width, region.height, {}};
  for (int y = region.y; y < region.y + region.height; ++y) {
    const auto row = source.rgb.begin() + (y * source.width + region.x) * 3;
    cropped.rgb.insert(cropped.rgb.end(), row, row + region.width * 3);
  }
  for (const auto& [w, h] : {std::pair{10, 8}, std::pair{50, 40}, std::pair{23, 5}}) {
    CAPTURE(w, h);
    Result<Image> from_region = resize_region(source, region, w, h);
    Result<Image> from_copy = resize(cropped, w, h);
    REQUIRE(from_region.is_ok());
    REQUIRE(from_copy.is_ok());
    CHECK(from_region->rgb == from_copy->rgb);
  }
}

TEST_CASE("Resize rejects bad arguments") {
  const Image source = filled(10, 10, {1, 2, 3});
  auto fails = [](const Result<Image>& r) { return !r.is_ok() && r.status().code() == ErrorCode::kInvalidArgument; };
  CHECK(fails(resize(source, 0, 10)));
  CHECK(fails(resize(source, 10, -1)));
  CHECK(fails(resize(source, 1 << 14, 1 << 13)));
  CHECK(fails(resize_region(source, {5, 5, 6, 5}, 4, 4)));
  CHECK(fails(resize_region(source, {-1, 0, 5, 5}, 4, 4)));
  CHECK(fails(resize_region(source, {0, 0, 0, 5}, 4, 4)));
  Image broken = source;
  broken.rgb.pop_back();
  CHECK(fails(resize(broken, 4, 4)));
  CHECK(fails(resize(Image{}, 4, 4)));
}
