#include <catch_amalgamated.hpp>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "image/canonical.hpp"
#include "image/decode.hpp"
#include "image/preprocess.hpp"

using namespace mnw;

namespace {

Image filled(int width, int height, uint8_t r, uint8_t g, uint8_t b) {
  Image image{width, height, {}};
  for (int i = 0; i < width * height; ++i) image.rgb.insert(image.rgb.end(), {r, g, b});
  return image;
}

std::vector<float> as_floats(const std::vector<uint8_t>& bytes) {
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

bool fails_with(const Result<std::vector<uint8_t>>& result, ErrorCode code) {
  return !result.is_ok() && result.status().code() == code;
}

}  // namespace

TEST_CASE("The central crop keeps the input's aspect ratio and the given fraction") {
  auto same = [](PixelRect a, PixelRect b) {
    return a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height;
  };
  // 87.5% of the 300-pixel square is 262.5, rounded to 263.
  CHECK(same(central_crop(400, 300, 224, 224, 0.875), {68, 18, 263, 263}));
  CHECK(same(central_crop(400, 300, 224, 224, 1.0), {50, 0, 300, 300}));
  CHECK(same(central_crop(300, 400, 224, 224, 1.0), {0, 50, 300, 300}));
  CHECK(same(central_crop(400, 400, 200, 100, 1.0), {0, 100, 400, 200}));
  CHECK(same(central_crop(1, 1, 224, 224, 0.5), {0, 0, 1, 1}));
}

TEST_CASE("Pixel bytes become tensor values per input type") {
  const Image pixels{4, 1, {0, 1, 127, 128, 129, 200, 254, 255, 51, 0, 0, 0}};
  InputSpec spec{4, 1, DType::kUInt8};

  SECTION("uint8 takes the bytes as they are") {
    Result<std::vector<uint8_t>> tensor = to_input_tensor(pixels, spec);
    REQUIRE(tensor.is_ok());
    CHECK(*tensor == pixels.rgb);
  }
  SECTION("int8 is the byte minus 128") {
    spec.dtype = DType::kInt8;
    Result<std::vector<uint8_t>> tensor = to_input_tensor(pixels, spec);
    REQUIRE(tensor.is_ok());
    for (size_t i = 0; i < pixels.rgb.size(); ++i) {
      CHECK(static_cast<int8_t>((*tensor)[i]) == pixels.rgb[i] - 128);
    }
  }
  SECTION("float32 maps 0..255 onto [lo, hi]") {
    spec.dtype = DType::kFloat32;
    Result<std::vector<uint8_t>> unit = to_input_tensor(pixels, spec);
    REQUIRE(unit.is_ok());
    REQUIRE(unit->size() == pixels.rgb.size() * 4);
    const std::vector<float> unit_values = as_floats(*unit);
    CHECK(unit_values[0] == 0.0f);
    CHECK(unit_values[7] == 1.0f);
    CHECK(unit_values[8] == 0.2f);  // 51 / 255 rounds to the float nearest 0.2

    spec.float_lo = -1.0f;
    spec.float_hi = 1.0f;
    Result<std::vector<uint8_t>> symmetric = to_input_tensor(pixels, spec);
    REQUIRE(symmetric.is_ok());
    const std::vector<float> values = as_floats(*symmetric);
    for (size_t i = 0; i < pixels.rgb.size(); ++i) {
      CHECK(values[i] == static_cast<float>(-1.0 + pixels.rgb[i] * 2.0 / 255));
    }
    CHECK(values[0] == -1.0f);
    CHECK(values[7] == 1.0f);
  }
}

TEST_CASE("Input specs and images are validated") {
  const Image image = filled(8, 8, 1, 2, 3);
  CHECK(fails_with(preprocess(image, {0, 224, DType::kUInt8}), ErrorCode::kInvalidArgument));
  CHECK(fails_with(preprocess(image, {224, 224, DType::kInt32}), ErrorCode::kUnsupported));
  CHECK(fails_with(preprocess(image, {224, 224, DType::kFloat32, 1.0f, 1.0f}), ErrorCode::kInvalidArgument));
  PreprocessOptions bad_fraction;
  bad_fraction.central_crop_fraction = 0.0;
  CHECK(fails_with(preprocess(image, {4, 4, DType::kUInt8}, bad_fraction), ErrorCode::kInvalidArgument));
  bad_fraction.central_crop_fraction = 1.5;
  CHECK(fails_with(preprocess(image, {4, 4, DType::kUInt8}, bad_fraction), ErrorCode::kInvalidArgument));
  Image broken = image;
  broken.rgb.resize(5);
  CHECK(fails_with(preprocess(broken, {4, 4, DType::kUInt8}), ErrorCode::kInvalidArgument));
  CHECK(fails_with(to_input_tensor(image, {4, 4, DType::kUInt8}), ErrorCode::kInvalidArgument));
}

TEST_CASE("Standard preprocessing crops the centre and resizes") {
  // A red 60 x 40 frame around a blue 40 x 20 centre: the 87.5% crop of the
  // central 40 x 40 square is 35 x 35 and still reaches into the red band, while
  // a crop fraction of 0.5 (20 x 20) sees blue only.
  Image image = filled(60, 40, 255, 0, 0);
  for (int y = 10; y < 30; ++y) {
    for (int x = 10; x < 50; ++x) {
      uint8_t* p = &image.rgb[(static_cast<size_t>(y) * 60 + x) * 3];
      p[0] = 0;
      p[2] = 255;
    }
  }
  const InputSpec spec{10, 10, DType::kUInt8};
  PreprocessOptions centre_only;
  centre_only.central_crop_fraction = 0.5;
  Result<std::vector<uint8_t>> blue = preprocess(image, spec, centre_only);
  REQUIRE(blue.is_ok());
  CHECK(*blue == filled(10, 10, 0, 0, 255).rgb);

  Result<std::vector<uint8_t>> standard = preprocess(image, spec);
  REQUIRE(standard.is_ok());
  CHECK((*standard)[0] > 0);                    // top-left output pixel has some red
  CHECK((*standard)[(5 * 10 + 5) * 3] == 0);    // the middle is pure blue
  CHECK((*standard)[(5 * 10 + 5) * 3 + 2] == 255);
}

TEST_CASE("Canonical resize follows the golden recipe on a small image") {
  // 3 x 2 image: the central square is columns 0..1 (offset floor(1 / 2) = 0).
  const Image image{3, 2, {0, 0, 0,     100, 100, 100,   255, 255, 255,
                           200, 200, 200, 50, 50, 50,      255, 255, 255}};
  Result<Image> out = canonical_crop_resize(image, 4, 4);
  REQUIRE(out.is_ok());
  std::vector<uint8_t> red;
  for (size_t i = 0; i < out->rgb.size(); i += 3) red.push_back(out->rgb[i]);
  // s = (x + 0.5) * 2 / 4 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (upper clamped to 1).
  // Row y = 1, x = 1: top = 0 + 100 * 0.25 = 25, bottom = 200 - 150 * 0.25 = 162.5,
  // v = 25 + 137.5 * 0.25 = 59.375 -> 59.
  CHECK(red == std::vector<uint8_t>{0, 25, 75, 100,
                                    50, 59, 78, 88,
                                    150, 128, 84, 63,
                                    200, 163, 88, 50});
}
