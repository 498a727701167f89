// A bounds-checked reader for the FlatBuffers binary format, enough for the
// TFLite schema. Every access is checked against the buffer; the first failure
// is recorded (with the path being read) and later reads return defaults, so a
// parser can read a whole structure and check error() once at the end.
//
// Layout reminder: a table starts with an int32 offset back to its vtable; the
// vtable holds uint16 [vtable size, table size, field offsets...]. Offsets to
// sub-tables, vectors and strings are uint32, relative to where they are stored.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mnw::fb {

class Buffer;

// A table in the buffer; a default-constructed one is "absent".
struct Table {
  uint32_t pos = 0;
  uint32_t vtable = 0;
  uint16_t vtable_size = 0;
  bool present = false;
};

// A vector in the buffer: element count and the position of element 0.
struct Vector {
  uint32_t pos = 0;
  uint32_t size = 0;
};

class Buffer {
 public:
  Buffer(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Records a failure unless one is already recorded; `what` names the field.
  void fail(std::string_view what);

  Table root();

  // Scalars stored in a table field, or `fallback` when the field is absent.
  template <typename T>
  T scalar(const Table& t, int field, T fallback, std::string_view what) {
    const uint32_t at = field_pos(t, field);
    if (at == 0) return fallback;
    T value;
    if (!read(at, &value, what)) return fallback;
    return value;
  }

  Table table(const Table& t, int field, std::string_view what);
  Vector vector(const Table& t, int field, uint32_t element_size, std::string_view what);
  std::string string(const Table& t, int field, std::string_view what);

  // Element i of a vector of tables / of scalars.
  Table table_at(const Vector& v, uint32_t i, std::string_view what);
  template <typename T>
  T scalar_at(const Vector& v, uint32_t i, std::string_view what) {
    T value{};
    if (i >= v.size) {
      fail(what);
      return value;
    }
    read(v.pos + i * static_cast<uint32_t>(sizeof(T)), &value, what);
    return value;
  }

 private:
  template <typename T>
  bool read(uint64_t at, T* out, std::string_view what) {
    if (!ok()) return false;
    if (at + sizeof(T) > size_) {
      fail(what);
      return false;
    }
    std::memcpy(out, data_ + at, sizeof(T));
    return true;
  }
  // Absolute position of a field's value, 0 when absent (or on error).
  uint32_t field_pos(const Table& t, int field);
  Table table_at_pos(uint64_t pos, std::string_view what);
  // Follows the uint32 offset stored at `at`.
  uint32_t follow(uint64_t at, std::string_view what);
  Vector vector_at_pos(uint32_t pos, uint32_t element_size, std::string_view what);

  const uint8_t* data_;
  size_t size_;
  std::string error_;
};

}  // namespace mnw::fb
