#include <catch_amalgamated.hpp>

#include "image/jpeg_segments.hpp"
#include "image_encoding.hpp"

using namespace mnw;
using namespace mnw::test;

namespace {

// A DHT segment (marker included) with one table whose 16 counts are `counts`.
Bytes dht_segment(const std::vector<uint8_t>& counts) {
  size_t codes = 0;
  for (uint8_t c : counts) codes += c;
  const size_t length = 2 + 1 + 16 + codes;
  Bytes segment = {0xFF, 0xC4, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length), 0x10};
  segment.insert(segment.end(), counts.begin(), counts.end());
  segment.insert(segment.end(), codes, 0x42);
  return segment;
}

std::vector<uint8_t> counts_totalling(size_t codes) {
  std::vector<uint8_t> counts(16, 0);
  for (size_t i = 15; codes > 0; --i) {
    counts[i] = static_cast<uint8_t>(std::min<size_t>(codes, 255));
    codes -= counts[i];
  }
  return counts;
}

bool tables_fit(const Bytes& jpeg) { return jpeg_huffman_problem(jpeg.data(), jpeg.size()) == nullptr; }

const Bytes& sample_jpeg() {
  static const Bytes jpeg = encode_jpeg(16, 8, 3, gradient_pixels(16, 8, 3), 80);
  return jpeg;
}

}  // namespace

TEST_CASE("Segments are found in order before the first scan") {
  const Bytes jpeg = sample_jpeg();
  const auto frame = find_jpeg_segment(jpeg.data(), jpeg.size(), [](const JpegSegment& s) { return s.marker == 0xC0; });
  REQUIRE(frame.has_value());
  REQUIRE(frame->size >= 5);
  CHECK((frame->payload[1] << 8 | frame->payload[2]) == 8);   // height
  CHECK((frame->payload[3] << 8 | frame->payload[4]) == 16);  // width
  CHECK_FALSE(find_jpeg_segment(jpeg.data(), jpeg.size(), [](const JpegSegment& s) { return s.marker == 0xE5; }));
  CHECK_FALSE(find_jpeg_segment(jpeg.data(), 3, [](const JpegSegment&) { return true; }));
}

TEST_CASE("Huffman tables of at most 256 codes pass, larger ones are caught wherever stb would read them") {
  const Bytes jpeg = sample_jpeg();
  CHECK(tables_fit(jpeg));
  CHECK(tables_fit(insert_after_soi(jpeg, dht_segment(counts_totalling(256)))));
  CHECK_FALSE(tables_fit(insert_after_soi(jpeg, dht_segment(counts_totalling(257)))));

  SECTION("inside another segment's payload it is only data") {
    const Bytes hidden = dht_segment(counts_totalling(300));
    Bytes app = {0xFF, 0xE2, static_cast<uint8_t>((hidden.size() + 2) >> 8), static_cast<uint8_t>(hidden.size() + 2)};
    app.insert(app.end(), hidden.begin(), hidden.end());
    CHECK(tables_fit(insert_after_soi(jpeg, app)));
  }
  SECTION("between scans, as in progressive files") {
    Bytes with_late_table(jpeg.begin(), jpeg.end() - 2);  // drop EOI
    const Bytes table = dht_segment(counts_totalling(4080));
    with_late_table.insert(with_late_table.end(), table.begin(), table.end());
    with_late_table.insert(with_late_table.end(), {0xFF, 0xD9});
    CHECK_FALSE(tables_fit(with_late_table));
  }
  SECTION("after fill bytes and garbage between segments") {
    Bytes garbage = {0x12, 0x34, 0xFF, 0xFF};
    const Bytes table = dht_segment(counts_totalling(1000));
    garbage.insert(garbage.end(), table.begin() + 1, table.end());
    CHECK_FALSE(tables_fit(insert_after_soi(jpeg, garbage)));
  }
  SECTION("after the end of the image nothing is read") {
    Bytes trailing = jpeg;
    const Bytes table = dht_segment(counts_totalling(1000));
    trailing.insert(trailing.end(), table.begin(), table.end());
    CHECK(tables_fit(trailing));
  }
  SECTION("a table cut off by the end of the file") {
    const Bytes table = dht_segment(counts_totalling(600));
    Bytes cut = {0xFF, 0xD8};
    cut.insert(cut.end(), table.begin(), table.begin() + 12);  // counts partly present, sum < 256 so far
    CHECK(tables_fit(cut));
    cut.assign({0xFF, 0xD8});
    cut.insert(cut.end(), table.begin(), table.begin() + 21);
    CHECK_FALSE(tables_fit(cut));
  }
}
