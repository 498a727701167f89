#include "kernels/byte_pair_map.hpp"

#include <bit>
#include <cstring>

namespace mnw {

// Byte i of a loaded word is the byte at address + i.
static_assert(std::endian::native == std::endian::little);

void BytePairTable::fill(const uint8_t* table) {
  pairs_.resize(size_t{1} << 16);
  for (size_t i = 0; i < pairs_.size(); ++i) pairs_[i] = static_cast<uint16_t>(table[i & 0xFF] | table[i >> 8] << 8);
}

void BytePairTable::map(const uint8_t* in, uint8_t* out, size_t count) const {
  const uint16_t* pairs = pairs_.data();
  size_t i = 0;
  // A 4-byte word per step measured 1.1x faster than 2 bytes, and 8 no faster.
  for (; i + 4 <= count; i += 4) {
    uint32_t word;
    std::memcpy(&word, in + i, sizeof word);
    word = pairs[word & 0xFFFF] | uint32_t{pairs[word >> 16]} << 16;
    std::memcpy(out + i, &word, sizeof word);
  }
  // The last bytes: a pair with zero in the high byte gives table[x] low.
  for (; i < count; ++i) out[i] = static_cast<uint8_t>(pairs[in[i]]);
}

BinaryByteTable::BinaryByteTable(BinaryKernel& fill, BinaryShape shape)
    : name_(std::string("byte pair table of ") + fill.name()),
      table_(size_t{1} << 16),
      shape_(shape),
      rows_(shape.rows > 1 ? shape.inner : 0) {
  std::vector<uint8_t> a(table_.size()), b(table_.size());
  for (size_t i = 0; i < table_.size(); ++i) {
    a[i] = static_cast<uint8_t>(i & 0xFF);
    b[i] = static_cast<uint8_t>(i >> 8);
  }
  fill.run(a.data(), b.data(), table_.data());
}

void BinaryByteTable::run(const void* a_bytes, const void* b_bytes, void* out_bytes) {
  const auto* a = static_cast<const uint8_t*>(a_bytes);
  const auto* b = static_cast<const uint8_t*>(b_bytes);
  auto* out = static_cast<uint8_t*>(out_bytes);
  const uint8_t* table = table_.data();
  const size_t inner = shape_.inner;
  // Four values per 4-byte load and store.
  if (shape_.rows == 1) {
    size_t i = 0;
    for (; i + 4 <= inner; i += 4) {
      uint32_t x, y;
      std::memcpy(&x, a + i, sizeof x);
      std::memcpy(&y, b + i, sizeof y);
      const uint32_t word = table[(x & 0xFF) | (y & 0xFF) << 8] | table[(x >> 8 & 0xFF) | (y & 0xFF00)] << 8 |
                            table[(x >> 16 & 0xFF) | (y >> 8 & 0xFF00)] << 16 | uint32_t{table[(x >> 24) | (y >> 16 & 0xFF00)]} << 24;
      std::memcpy(out + i, &word, sizeof word);
    }
    for (; i < inner; ++i) out[i] = table[a[i] | b[i] << 8];
    return;
  }
  // b is the same for every row: its table rows once per run.
  for (size_t c = 0; c < inner; ++c) rows_[c] = table + (size_t{b[c]} << 8);
  const uint8_t* const* rows = rows_.data();
  for (size_t r = 0; r < shape_.rows; ++r, a += inner, out += inner) {
    size_t c = 0;
    for (; c + 4 <= inner; c += 4) {
      uint32_t x;
      std::memcpy(&x, a + c, sizeof x);
      const uint32_t word = rows[c][x & 0xFF] | rows[c + 1][x >> 8 & 0xFF] << 8 | rows[c + 2][x >> 16 & 0xFF] << 16 |
                            uint32_t{rows[c + 3][x >> 24]} << 24;
      std::memcpy(out + c, &word, sizeof word);
    }
    for (; c < inner; ++c) out[c] = rows[c][a[c]];
  }
}

}  // namespace mnw
