#include "model/flatbuffer.hpp"

namespace mnw::fb {

void Buffer::fail(std::string_view what) {
  if (error_.empty()) {
    error_ = "truncated or corrupt data at " + std::string(what);
  }
}

Table Buffer::root() {
  const uint32_t pos = follow(0, "root table offset");
  return table_at_pos(pos, "root table");
}

uint32_t Buffer::follow(uint64_t at, std::string_view what) {
  uint32_t offset = 0;
  if (!read(at, &offset, what)) return 0;
  const uint64_t target = at + offset;
  if (target >= size_) {
    fail(what);
    return 0;
  }
  return static_cast<uint32_t>(target);
}

Table Buffer::table_at_pos(uint64_t pos, std::string_view what) {
  int32_t back = 0;
  if (!read(pos, &back, what)) return {};
  const int64_t vtable = static_cast<int64_t>(pos) - back;
  uint16_t vtable_size = 0;
  uint16_t table_size = 0;
  if (vtable < 0 || !read(static_cast<uint64_t>(vtable), &vtable_size, what) ||
      !read(static_cast<uint64_t>(vtable) + 2, &table_size, what)) {
    fail(what);
    return {};
  }
  // The vtable must hold its own two header fields and lie inside the buffer;
  // the table's inline data must too.
  if (vtable_size < 4 || (vtable_size & 1) != 0 ||
      static_cast<uint64_t>(vtable) + vtable_size > size_ || pos + table_size > size_ ||
      table_size < 4) {
    fail(what);
    return {};
  }
  return {static_cast<uint32_t>(pos), static_cast<uint32_t>(vtable), vtable_size, true};
}

uint32_t Buffer::field_pos(const Table& t, int field) {
  if (!t.present || !ok()) return 0;
  const uint32_t entry = 4 + 2 * static_cast<uint32_t>(field);
  if (entry + 2 > t.vtable_size) return 0;  // field added after this file was written
  uint16_t offset = 0;
  if (!read(t.vtable + entry, &offset, "vtable")) return 0;
  if (offset == 0) return 0;
  return t.pos + offset;
}

Table Buffer::table(const Table& t, int field, std::string_view what) {
  const uint32_t at = field_pos(t, field);
  if (at == 0) return {};
  const uint32_t pos = follow(at, what);
  if (!ok()) return {};
  return table_at_pos(pos, what);
}

Vector Buffer::vector_at_pos(uint32_t pos, uint32_t element_size, std::string_view what) {
  uint32_t count = 0;
  if (!read(pos, &count, what)) return {};
  const uint64_t bytes = static_cast<uint64_t>(count) * element_size;
  if (pos + 4ULL + bytes > size_) {
    fail(what);
    return {};
  }
  return {pos + 4, count};
}

Vector Buffer::vector(const Table& t, int field, uint32_t element_size, std::string_view what) {
  const uint32_t at = field_pos(t, field);
  if (at == 0) return {};
  const uint32_t pos = follow(at, what);
  if (!ok()) return {};
  return vector_at_pos(pos, element_size, what);
}

std::string Buffer::string(const Table& t, int field, std::string_view what) {
  const Vector v = vector(t, field, 1, what);
  if (!ok() || v.size == 0) return {};
  return std::string(reinterpret_cast<const char*>(data_ + v.pos), v.size);
}

Table Buffer::table_at(const Vector& v, uint32_t i, std::string_view what) {
  if (i >= v.size) {
    fail(what);
    return {};
  }
  const uint32_t pos = follow(v.pos + 4ULL * i, what);
  if (!ok()) return {};
  return table_at_pos(pos, what);
}

}  // namespace mnw::fb
