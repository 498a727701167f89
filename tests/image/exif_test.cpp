#include <catch_amalgamated.hpp>

#include <string>

#include "../support/prng.hpp"
#include "image/decode.hpp"
#include "image/exif.hpp"
#include "image_encoding.hpp"

using namespace mnw;
using namespace mnw::test;

namespace {

enum class Endian { kLittle, kBig };

void put16(Bytes& out, uint32_t v, Endian e) {
  const uint8_t hi = static_cast<uint8_t>(v >> 8), lo = static_cast<uint8_t>(v);
  if (e == Endian::kLittle) out.insert(out.end(), {lo, hi});
  else out.insert(out.end(), {hi, lo});
}

void put32(Bytes& out, uint32_t v, Endian e) {
  if (e == Endian::kLittle) {
    put16(out, v & 0xFFFF, e);
    put16(out, v >> 16, e);
  } else {
    put16(out, v >> 16, e);
    put16(out, v & 0xFFFF, e);
  }
}

struct IfdEntry {
  uint16_t tag;
  uint16_t type;
  uint32_t count;
  uint16_t value;
};

// A TIFF structure with one IFD holding `entries` (SHORT values, left-justified).
Bytes tiff(Endian e, const std::vector<IfdEntry>& entries) {
  Bytes out = e == Endian::kLittle ? Bytes{'I', 'I'} : Bytes{'M', 'M'};
  put16(out, 42, e);
  put32(out, 8, e);  // IFD0 right after the header
  put16(out, static_cast<uint32_t>(entries.size()), e);
  for (const IfdEntry& entry : entries) {
    put16(out, entry.tag, e);
    put16(out, entry.type, e);
    put32(out, entry.count, e);
    put16(out, entry.value, e);
    put16(out, 0, e);
  }
  put32(out, 0, e);  // no next IFD
  return out;
}

// An APP1 segment (marker included) carrying `payload` after "Exif\0\0".
Bytes exif_segment(const Bytes& payload) {
  Bytes segment = {0xFF, 0xE1};
  const size_t length = 2 + 6 + payload.size();
  segment.push_back(static_cast<uint8_t>(length >> 8));
  segment.push_back(static_cast<uint8_t>(length));
  segment.insert(segment.end(), {'E', 'x', 'i', 'f', 0, 0});
  segment.insert(segment.end(), payload.begin(), payload.end());
  return segment;
}

Bytes orientation_segment(int orientation, Endian e) {
  return exif_segment(tiff(e, {{0x010F, 2, 4, 0}, {0x0112, 3, 1, static_cast<uint16_t>(orientation)}}));
}

// A minimal JPEG prefix: SOI, the given segments, then SOS so scanning stops.
Bytes jpeg_with(const std::vector<Bytes>& segments) {
  Bytes out = {0xFF, 0xD8};
  for (const Bytes& s : segments) out.insert(out.end(), s.begin(), s.end());
  out.insert(out.end(), {0xFF, 0xDA, 0x00, 0x02});
  return out;
}

int orientation_of(const Bytes& bytes) { return read_jpeg_exif_orientation(bytes.data(), bytes.size()); }

// Reference transforms written independently of exif.cpp's index tables.
Image rotate_clockwise(const Image& in) {
  Image out{in.height, in.width, Bytes(in.rgb.size())};
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      // Stored row y becomes column (height - 1 - y) of the rotated image.
      const int ox = in.height - 1 - y, oy = x;
      for (int c = 0; c < 3; ++c) {
        out.rgb[(static_cast<size_t>(oy) * out.width + ox) * 3 + c] = in.rgb[(static_cast<size_t>(y) * in.width + x) * 3 + c];
      }
    }
  }
  return out;
}

Image mirror(const Image& in) {
  Image out = in;
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        out.rgb[(static_cast<size_t>(y) * in.width + (in.width - 1 - x)) * 3 + c] = in.rgb[(static_cast<size_t>(y) * in.width + x) * 3 + c];
      }
    }
  }
  return out;
}

// EXIF's definitions: 2 mirror, 3 rotate 180, 4 mirror + 180, 5 mirror + 270 cw,
// 6 rotate 90 cw, 7 mirror + 90 cw, 8 rotate 270 cw.
Image reference_upright(const Image& stored, int orientation) {
  const bool mirrored = orientation == 2 || orientation == 4 || orientation == 5 || orientation == 7;
  const int quarter_turns[9] = {0, 0, 0, 2, 2, 3, 1, 1, 3};
  Image out = mirrored ? mirror(stored) : stored;
  for (int i = 0; i < quarter_turns[orientation]; ++i) out = rotate_clockwise(out);
  return out;
}

}  // namespace

TEST_CASE("EXIF orientation is read in both byte orders") {
  for (Endian e : {Endian::kLittle, Endian::kBig}) {
    for (int orientation = 1; orientation <= 8; ++orientation) {
      CAPTURE(e == Endian::kLittle, orientation);
      CHECK(orientation_of(jpeg_with({orientation_segment(orientation, e)})) == orientation);
    }
  }
}

TEST_CASE("EXIF orientation is found past other segments") {
  const Bytes app0 = {0xFF, 0xE0, 0x00, 0x07, 'J', 'F', 'I', 'F', 0};
  const std::string xmp_id = "http://ns.adobe.com/xap/1.0/";
  Bytes xmp = {0xFF, 0xE1, 0x00, static_cast<uint8_t>(2 + xmp_id.size() + 1)};
  xmp.insert(xmp.end(), xmp_id.begin(), xmp_id.end());
  xmp.push_back(0);
  const Bytes segment = orientation_segment(6, Endian::kBig);
  Bytes with_fill = {0xFF, 0xFF};  // fill bytes may precede a marker
  with_fill.insert(with_fill.end(), segment.begin(), segment.end());
  CHECK(orientation_of(jpeg_with({app0, xmp, with_fill})) == 6);
}

TEST_CASE("Absent or malformed EXIF means upright") {
  CHECK(orientation_of(jpeg_with({})) == 1);
  CHECK(orientation_of(Bytes{0x89, 'P', 'N', 'G'}) == 1);
  CHECK(read_jpeg_exif_orientation(nullptr, 0) == 1);
  for (Endian e : {Endian::kLittle, Endian::kBig}) {
    CHECK(orientation_of(jpeg_with({orientation_segment(0, e)})) == 1);
    CHECK(orientation_of(jpeg_with({orientation_segment(9, e)})) == 1);
    // Orientation stored as a LONG, or with count 2: not the tag's defined form.
    CHECK(orientation_of(jpeg_with({exif_segment(tiff(e, {{0x0112, 4, 1, 6}}))})) == 1);
    CHECK(orientation_of(jpeg_with({exif_segment(tiff(e, {{0x0112, 3, 2, 6}}))})) == 1);
  }
  // After the first scan, metadata no longer counts.
  Bytes late = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02};
  const Bytes segment = orientation_segment(6, Endian::kLittle);
  late.insert(late.end(), segment.begin(), segment.end());
  CHECK(orientation_of(late) == 1);

  SECTION("IFD offset past the end") {
    Bytes t = tiff(Endian::kLittle, {{0x0112, 3, 1, 6}});
    t[4] = 0xF0;
    CHECK(orientation_of(jpeg_with({exif_segment(t)})) == 1);
  }
  SECTION("entry count larger than the data") {
    Bytes t = tiff(Endian::kBig, {{0x010F, 2, 4, 0}, {0x0112, 3, 1, 6}});
    t[8] = 0xFF;
    t[9] = 0xFF;
    t.erase(t.end() - 16, t.end());  // cut inside the orientation entry
    CHECK(orientation_of(jpeg_with({exif_segment(t)})) == 1);
  }
  SECTION("segment length past the end of the file") {
    Bytes jpeg = jpeg_with({orientation_segment(6, Endian::kLittle)});
    jpeg[4] = 0xFF;
    CHECK(orientation_of(jpeg) == 1);
  }
  SECTION("every truncation of a valid segment") {
    const Bytes jpeg = jpeg_with({orientation_segment(8, Endian::kBig)});
    for (size_t length = 0; length < jpeg.size(); ++length) {
      CAPTURE(length);
      const int orientation = read_jpeg_exif_orientation(jpeg.data(), length);
      CHECK((orientation == 1 || orientation == 8));
    }
  }
  SECTION("random corruption") {
    const uint64_t seed = 0xE81F0A5ull;
    CAPTURE(seed);
    Prng prng(seed);
    const Bytes jpeg = jpeg_with({orientation_segment(3, Endian::kLittle)});
    for (int trial = 0; trial < 2000; ++trial) {
      Bytes corrupted = jpeg;
      for (int i = 0; i < 3; ++i) corrupted[prng.below(corrupted.size())] = prng.byte();
      const int orientation = orientation_of(corrupted);
      CHECK((orientation >= 1 && orientation <= 8));
    }
  }
}

TEST_CASE("apply_exif_orientation matches the EXIF definitions") {
  Image stored{3, 2, {}};
  for (int i = 0; i < 3 * 2 * 3; ++i) stored.rgb.push_back(static_cast<uint8_t>(i));
  for (int orientation = 1; orientation <= 8; ++orientation) {
    CAPTURE(orientation);
    const Image upright = apply_exif_orientation(stored, orientation);
    const Image expected = reference_upright(stored, orientation);
    CHECK(upright.width == expected.width);
    CHECK(upright.height == expected.height);
    CHECK(upright.rgb == expected.rgb);
  }
  CHECK(apply_exif_orientation(stored, 0).rgb == stored.rgb);
  CHECK(apply_exif_orientation(stored, 42).rgb == stored.rgb);
}

TEST_CASE("Decoding a JPEG with EXIF orientation makes it upright") {
  // 32 x 16 stored image of four 8-pixel-wide colour bars plus a dark bottom
  // half: every orientation moves the distinct corners somewhere different.
  const int width = 32, height = 16;
  Bytes rgb;
  const Rgb bars[4] = {{230, 30, 30}, {30, 230, 30}, {30, 30, 230}, {230, 230, 30}};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const Rgb bar = bars[x / 8];
      const int dim = y < 8 ? 0 : 100;
      rgb.insert(rgb.end(), {static_cast<uint8_t>(bar.r - dim / 4), static_cast<uint8_t>(bar.g - dim / 4),
                             static_cast<uint8_t>(bar.b - dim / 4)});
    }
  }
  const Bytes jpeg = encode_jpeg(width, height, 3, rgb, 95);
  DecodeOptions ignore_exif;
  ignore_exif.apply_exif_orientation = false;
  Result<Image> stored = decode_image(jpeg.data(), jpeg.size(), ignore_exif);
  REQUIRE(stored.is_ok());

  for (Endian e : {Endian::kLittle, Endian::kBig}) {
    for (int orientation = 1; orientation <= 8; ++orientation) {
      CAPTURE(e == Endian::kLittle, orientation);
      const Bytes tagged = insert_after_soi(jpeg, orientation_segment(orientation, e));
      Result<Image> upright = decode_image(tagged.data(), tagged.size());
      REQUIRE(upright.is_ok());
      const Image expected = reference_upright(*stored, orientation);
      CHECK(upright->width == expected.width);
      CHECK(upright->height == expected.height);
      CHECK(upright->rgb == expected.rgb);
      Result<Image> ignored = decode_image(tagged.data(), tagged.size(), ignore_exif);
      REQUIRE(ignored.is_ok());
      CHECK(ignored->rgb == stored->rgb);
    }
  }

  SECTION("orientation 6 puts the stored bottom-left corner at the top-left") {
    const Bytes tagged = insert_after_soi(jpeg, orientation_segment(6, Endian::kBig));
    Result<Image> upright = decode_image(tagged.data(), tagged.size());
    REQUIRE(upright.is_ok());
    CHECK(upright->width == height);
    CHECK(upright->height == width);
    // Stored bottom-left is the dimmed red bar; 90 degrees clockwise brings it to the top-left.
    CHECK(upright->rgb[0] > 150);
    CHECK(upright->rgb[1] < 60);
    CHECK(upright->rgb[0] < 225);
  }
}
