// A small, strict JSON reader for test data (golden index.json files).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mnw::test {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type = Type::kNull;
  bool boolean = false;
  double number = 0.0;
  std::string string;
  std::vector<JsonValue> items;          // array elements, or object values
  std::vector<std::string> keys;         // object keys, parallel to items

  bool is_string() const { return type == Type::kString; }
  bool is_number() const { return type == Type::kNumber; }
  bool is_array() const { return type == Type::kArray; }
  bool is_object() const { return type == Type::kObject; }
  // The value of `key` in an object; nullptr if absent or this is not an object.
  const JsonValue* find(std::string_view key) const;
};

// Parses a complete JSON document (RFC 8259; nesting up to 64 levels).
// On malformed input returns nullopt and, if `error` is given, says where.
std::optional<JsonValue> parse_json(std::string_view text, std::string* error = nullptr);

}  // namespace mnw::test
