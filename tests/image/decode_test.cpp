#include <catch_amalgamated.hpp>

#include <cmath>
#include <cstring>
#include <string>

#include "../support/prng.hpp"
#include "image/decode.hpp"
#include "image_encoding.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

Result<Image> decode(const Bytes& bytes, const DecodeOptions& options = {}) {
  return decode_image(bytes.data(), bytes.size(), options);
}

// Expected RGB of a straight-alpha pixel shown over `background`, in doubles.
uint8_t over(uint8_t colour, uint8_t alpha, uint8_t background) {
  return static_cast<uint8_t>(std::lround((colour * alpha + background * (255.0 - alpha)) / 255.0));
}

Bytes rgb_of(const Bytes& pixels, int channels) {
  Bytes rgb;
  for (size_t i = 0; i < pixels.size(); i += static_cast<size_t>(channels)) {
    for (int c = 0; c < 3; ++c) rgb.push_back(pixels[i + static_cast<size_t>(channels >= 3 ? c : 0)]);
  }
  return rgb;
}

int max_abs_difference(const Bytes& a, const Bytes& b) {
  int worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

void require_error(const Result<Image>& result, const std::string& message_part) {
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.status().code() == ErrorCode::kInvalidImage);
  CHECK_THAT(result.status().message(), ContainsSubstring(message_part));
}

}  // namespace

TEST_CASE("Lossless formats decode to their exact RGB pixels") {
  const int width = 7, height = 5;  // odd sizes exercise row padding (BMP) and RLE runs (TGA)
  const Bytes rgb = gradient_pixels(width, height, 3);
  const Bytes grey = gradient_pixels(width, height, 1);
  struct Case {
    const char* name;
    Bytes file;
    Bytes expected;
  };
  const Case cases[] = {
      {"PNG RGB", encode_png(width, height, 3, rgb), rgb},
      {"PNG grey", encode_png(width, height, 1, grey), rgb_of(grey, 1)},
      {"BMP", encode_bmp(width, height, 3, rgb), rgb},
      {"TGA", encode_tga(width, height, 3, rgb), rgb},
      {"PPM", encode_pnm(width, height, 3, rgb), rgb},
      {"PGM", encode_pnm(width, height, 1, grey), rgb_of(grey, 1)},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Result<Image> image = decode(c.file);
    REQUIRE(image.is_ok());
    CHECK(image->width == width);
    CHECK(image->height == height);
    CHECK(image->rgb == c.expected);
  }
}

TEST_CASE("GIF decodes its first frame through the palette") {
  const std::vector<Rgb> palette = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}};
  const Bytes indices = {0, 1, 2, 3, 3, 2, 1};  // 7 x 1: odd count ends on a lone literal
  Result<Image> image = decode(encode_gif(7, 1, indices, palette));
  REQUIRE(image.is_ok());
  REQUIRE(image->width == 7);
  for (size_t i = 0; i < indices.size(); ++i) {
    const Rgb expected = palette[indices[i]];
    CHECK(image->rgb[i * 3] == expected.r);
    CHECK(image->rgb[i * 3 + 1] == expected.g);
    CHECK(image->rgb[i * 3 + 2] == expected.b);
  }
}

TEST_CASE("JPEG decodes close to the encoded pixels") {
  const int width = 16, height = 16;
  Bytes rgb;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) rgb.insert(rgb.end(), {static_cast<uint8_t>(x * 16), 128, static_cast<uint8_t>(y * 16)});
  }
  Result<Image> image = decode(encode_jpeg(width, height, 3, rgb, 100));
  REQUIRE(image.is_ok());
  CHECK(image->width == width);
  CHECK(image->height == height);
  CHECK(max_abs_difference(image->rgb, rgb) <= 12);  // smooth ramps survive quality 100 nearly intact
}

TEST_CASE("16-bit PNG keeps the high byte of each sample") {
  const Bytes row = {0, /*filter none*/ 0x12, 0x34, 0xAB, 0xCD, 0xFF, 0xFF};  // one RGB16 pixel
  Bytes png = png_signature();
  append_png_chunk(png, "IHDR", png_ihdr(1, 1, 16, 2));
  append_png_chunk(png, "IDAT", zlib_compress(row));
  append_png_chunk(png, "IEND", {});
  Result<Image> image = decode(png);
  REQUIRE(image.is_ok());
  CHECK(image->rgb == Bytes{0x12, 0xAB, 0xFF});
}

TEST_CASE("Alpha is composited over the background, or discarded on request") {
  const Bytes rgba = {255, 0, 0, 128,   0, 255, 0, 0,   10, 20, 30, 255,   200, 100, 50, 64};
  const Rgb white{255, 255, 255}, teal{0, 128, 128};
  auto expected = [&](Rgb bg) {
    Bytes out;
    for (size_t i = 0; i < rgba.size(); i += 4) {
      out.push_back(over(rgba[i], rgba[i + 3], bg.r));
      out.push_back(over(rgba[i + 1], rgba[i + 3], bg.g));
      out.push_back(over(rgba[i + 2], rgba[i + 3], bg.b));
    }
    return out;
  };
  DecodeOptions on_teal;
  on_teal.background = teal;
  DecodeOptions discard;
  discard.alpha = AlphaMode::kDiscard;

  const std::pair<const char*, Bytes> files[] = {
      {"PNG", encode_png(2, 2, 4, rgba)},
      {"TGA", encode_tga(2, 2, 4, rgba)},
  };
  for (const auto& [name, file] : files) {
    INFO(name);
    Result<Image> default_background = decode(file);
    REQUIRE(default_background.is_ok());
    CHECK(default_background->rgb == expected(white));
    Result<Image> teal_background = decode(file, on_teal);
    REQUIRE(teal_background.is_ok());
    CHECK(teal_background->rgb == expected(teal));
    Result<Image> discarded = decode(file, discard);
    REQUIRE(discarded.is_ok());
    CHECK(discarded->rgb == rgb_of(rgba, 4));
  }

  SECTION("raw RGBA pixels") {
    Result<Image> image = from_rgba(rgba.data(), rgba.size(), 2, 2, on_teal);
    REQUIRE(image.is_ok());
    CHECK(image->rgb == expected(teal));
  }
  SECTION("grey with alpha") {
    const Bytes grey_alpha = {100, 0, 100, 255};
    Result<Image> image = decode(encode_png(2, 1, 2, grey_alpha));
    REQUIRE(image.is_ok());
    CHECK(image->rgb == Bytes{255, 255, 255, 100, 100, 100});
  }
  SECTION("palette PNG with a tRNS chunk") {
    Bytes png = png_signature();
    append_png_chunk(png, "IHDR", png_ihdr(2, 1, 8, 3));
    append_png_chunk(png, "PLTE", {255, 0, 0, 0, 0, 255});
    append_png_chunk(png, "tRNS", {0});  // entry 0 fully transparent, entry 1 opaque
    append_png_chunk(png, "IDAT", zlib_compress({0, 0, 1}));
    append_png_chunk(png, "IEND", {});
    Result<Image> image = decode(png, on_teal);
    REQUIRE(image.is_ok());
    CHECK(image->rgb == Bytes{0, 128, 128, 0, 0, 255});
  }
  SECTION("GIF transparency") {
    const Bytes gif = encode_gif(2, 1, {0, 1}, {{255, 0, 0}, {0, 255, 0}}, /*transparent_index=*/0);
    Result<Image> image = decode(gif, on_teal);
    REQUIRE(image.is_ok());
    CHECK(image->rgb == Bytes{0, 128, 128, 0, 255, 0});
  }
}

TEST_CASE("Non-images are rejected with a message naming the expected formats") {
  const std::string text = "hello, this is not an image at all";
  Result<Image> result = decode(Bytes(text.begin(), text.end()));
  require_error(result, "not a recognised image format (expected JPEG, PNG, BMP, GIF");
  require_error(decode(Bytes{}), "empty");
  require_error(decode_image(nullptr, 10), "empty");
}

TEST_CASE("Formats stb cannot read are named") {
  const std::pair<const char*, Bytes> files[] = {
      {"WebP", {'R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '}},
      {"HEIF/AVIF", {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0}},
      {"TIFF", {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0}},
      {"P1-P4", {'P', '3', '\n', '1', ' ', '1', '\n', '2', '5', '5', '\n', '0', ' ', '0', ' ', '0'}},
      {"Radiance HDR", encode_hdr(2, 1, 3, {0.0f, 0.5f, 1.0f, 4.0f, 1.0f, 0.25f})},
      {"Photoshop PSD", encode_psd(2, 1, 3, {1, 2, 3, 4, 5, 6})},
  };
  for (const auto& [name, file] : files) {
    INFO(name);
    require_error(decode(file), name);
    require_error(decode(file), "not supported");
  }
}

TEST_CASE("Images over the pixel limit are rejected from the header alone") {
  SECTION("BMP header claiming 100000 x 100000") {
    Bytes bmp = {'B', 'M'};
    auto put32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) bmp.push_back(static_cast<uint8_t>(v >> (8 * i))); };
    auto put16 = [&](uint32_t v) { for (int i = 0; i < 2; ++i) bmp.push_back(static_cast<uint8_t>(v >> (8 * i))); };
    put32(54 + 16); put16(0); put16(0); put32(54);            // file header; pixels at 54
    put32(40); put32(100000); put32(100000); put16(1); put16(24);  // info header
    put32(0); put32(0); put32(2835); put32(2835); put32(0); put32(0);
    bmp.insert(bmp.end(), 16, 0x7F);  // a few pixels, far too few
    require_error(decode(bmp), "image is 100000 x 100000 = 10000.0 megapixels, over the limit of 64.0 megapixels");
  }
  SECTION("PNG header claiming 100000 x 100000") {
    Bytes png = png_signature();
    append_png_chunk(png, "IHDR", png_ihdr(100000, 100000, 8, 2));
    append_png_chunk(png, "IDAT", zlib_compress(Bytes(64, 0)));
    append_png_chunk(png, "IEND", {});
    require_error(decode(png), "10000.0 megapixels, over the limit");
  }
  SECTION("a lower limit from the options") {
    DecodeOptions small;
    small.max_pixels = 20;
    const Bytes png = encode_png(5, 5, 3, gradient_pixels(5, 5, 3));
    require_error(decode(png, small), "image is 5 x 5 = 0.0 megapixels, over the limit of 0.0 megapixels");
    small.max_pixels = 25;
    CHECK(decode(png, small).is_ok());
    small.max_pixels = 0;
    CHECK(decode(png, small).status().code() == ErrorCode::kInvalidArgument);
    small.max_pixels = DecodeOptions::kLargestMaxPixels + 1;
    CHECK(decode(png, small).status().code() == ErrorCode::kInvalidArgument);
  }
  SECTION("a side over stb's maximum") {
    Bytes png = png_signature();
    append_png_chunk(png, "IHDR", png_ihdr(1u << 21, 1, 8, 2));
    require_error(decode(png), "image is 2097152 x 1 pixels; sides over 1048576 are not supported");
  }
}

TEST_CASE("JPEG headers too large for stb still say how large") {
  // A frame header declaring 65535 x 65535 (4295 megapixels), stb refuses before us.
  Bytes jpeg = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03,
                0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00, 0xFF, 0xD9};
  require_error(decode(jpeg), "image is 65535 x 65535 = 4294.8 megapixels, over the limit of 64.0 megapixels");
}

TEST_CASE("Headers that would overflow stb's parsing are rejected first") {
  SECTION("a JPEG Huffman table with more than 256 codes") {
    // DHT: class 0 id 0, 16 counts of 255 (4080 codes), then values.
    Bytes dht = {0xFF, 0xC4, 0x10, 0x03, 0x00};  // length 2 + 17 + 4080
    dht.insert(dht.end(), 16, 255);
    dht.insert(dht.end(), 4080, 7);
    const Bytes jpeg = insert_after_soi(encode_jpeg(8, 8, 3, gradient_pixels(8, 8, 3), 90), dht);
    require_error(decode(jpeg), "corrupt JPEG: a Huffman table declares more than 256 codes");
  }
  SECTION("16-bit PNM, which stb reads in the wrong byte order and past its buffer") {
    const std::string header = "P5 # grey\n2 1\n65535\n";
    Bytes pnm(header.begin(), header.end());
    pnm.insert(pnm.end(), {0x12, 0x34, 0xAB, 0xCD});
    require_error(decode(pnm), "16-bit PNM images are not supported (maximum sample value 65535)");
  }
  SECTION("a PNM width of 10 digits") {
    const std::string header = "P6\n# comment\n4294967296 1\n255\n";
    Bytes pnm(header.begin(), header.end());
    pnm.insert(pnm.end(), 12, 0);
    require_error(decode(pnm), "corrupt PNM header: a number has more than 9 digits");
  }
}

TEST_CASE("Zero-sized images are rejected") {
  Bytes png = png_signature();
  append_png_chunk(png, "IHDR", png_ihdr(0, 10, 8, 2));
  append_png_chunk(png, "IEND", {});
  require_error(decode(png), "image is 0 x 10 pixels; both sides must be at least 1");
  const Bytes pixels(4, 0);
  Result<Image> zero_width = from_rgba(pixels.data(), 0, 0, 1);
  require_error(zero_width, "both sides must be at least 1");
}

TEST_CASE("Memory a header does not justify is refused") {
  SECTION("an IDAT chunk claiming 2 GiB") {
    Bytes png = png_signature();
    append_png_chunk(png, "IHDR", png_ihdr(4, 4, 8, 2));
    png.insert(png.end(), {0x7F, 0xFF, 0xFF, 0xF0, 'I', 'D', 'A', 'T', 0x78, 0x9C});
    require_error(decode(png), "corrupt or truncated PNG");
  }
  SECTION("a zlib bomb: a 4 x 4 image whose data inflates to 2 MiB") {
    Bytes png = png_signature();
    append_png_chunk(png, "IHDR", png_ihdr(4, 4, 8, 2));
    append_png_chunk(png, "IDAT", zlib_compress(Bytes(2 << 20, 0)));
    append_png_chunk(png, "IEND", {});
    require_error(decode(png), "more memory than its dimensions justify");
  }
}

TEST_CASE("Raw RGBA input is validated") {
  const Bytes rgba(2 * 3 * 4, 255);
  CHECK(from_rgba(rgba.data(), rgba.size(), 2, 3).is_ok());
  require_error(from_rgba(rgba.data(), rgba.size() - 1, 2, 3), "must be 24 bytes, got 23");
  require_error(from_rgba(nullptr, rgba.size(), 2, 3), "got 0");
  require_error(from_rgba(rgba.data(), rgba.size(), -2, -3), "at least 1");
  require_error(from_rgba(rgba.data(), rgba.size(), 100000, 100000), "over the limit");
}

// Every prefix of a valid file, and files with random bytes changed, must
// decode to a consistent image or fail with kInvalidImage: never crash.
TEST_CASE("Truncated and corrupted files never crash the decoder") {
  const int width = 24, height = 17;
  const Bytes rgb = gradient_pixels(width, height, 3);
  const Bytes rgba = gradient_pixels(width, height, 4);
  Bytes indices(static_cast<size_t>(width * height));
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<uint8_t>(i * 7 % 4);
  const std::pair<const char*, Bytes> files[] = {
      {"PNG", encode_png(width, height, 4, rgba)},
      {"JPEG", encode_jpeg(width, height, 3, rgb, 90)},
      {"BMP", encode_bmp(width, height, 3, rgb)},
      {"TGA", encode_tga(width, height, 4, rgba)},
      {"GIF", encode_gif(width, height, indices, {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}}, 2)},
      {"PNM", encode_pnm(width, height, 3, rgb)},
  };
  auto check_outcome = [](const Result<Image>& result) {
    if (result.is_ok()) {
      CHECK(result->is_consistent());
    } else {
      CHECK(result.status().code() == ErrorCode::kInvalidImage);
      CHECK_FALSE(result.status().message().empty());
    }
  };
  const uint64_t seed = 0x1D2E3F405A6B7C8Dull;
  CAPTURE(seed);
  Prng prng(seed);
  for (const auto& [name, file] : files) {
    INFO(name);
    REQUIRE(decode(file).is_ok());
    for (size_t length = 0; length < file.size(); ++length) {
      CAPTURE(length);
      check_outcome(decode_image(file.data(), length));
    }
    for (int trial = 0; trial < 300; ++trial) {
      CAPTURE(trial);
      Bytes corrupted = file;
      const int changes = static_cast<int>(prng.between(1, 8));
      for (int i = 0; i < changes; ++i) corrupted[prng.below(corrupted.size())] = prng.byte();
      check_outcome(decode(corrupted));
    }
  }
}
