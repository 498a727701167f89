#include <catch_amalgamated.hpp>

#include "json.hpp"

using mnw::test::JsonValue;
using mnw::test::parse_json;

TEST_CASE("The test JSON reader reads what index.json files hold") {
  const std::optional<JsonValue> doc = parse_json(R"( {"name": "cat", "size": [512, 341], "label": null,
      "score": -1.5e2, "ok": true, "no": false, "text": "a\"b\\c\/\u00e9\ud83d\ude00\n"} )");
  REQUIRE(doc.has_value());
  REQUIRE(doc->is_object());
  CHECK(doc->find("name")->string == "cat");
  const JsonValue* size = doc->find("size");
  REQUIRE((size != nullptr && size->is_array() && size->items.size() == 2));
  CHECK(size->items[1].number == 341);
  CHECK(doc->find("label")->type == JsonValue::Type::kNull);
  CHECK(doc->find("score")->number == -150.0);
  CHECK(doc->find("ok")->boolean);
  CHECK_FALSE(doc->find("no")->boolean);
  CHECK(doc->find("text")->string == "a\"b\\c/\xC3\xA9\xF0\x9F\x98\x80\n");
  CHECK(doc->find("missing") == nullptr);
  CHECK(size->find("name") == nullptr);
}

TEST_CASE("The test JSON reader rejects malformed text and says where") {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "01", "1.", "tru", "[1] x",
                          "\"\\ud800\"", "\"\\q\"", "\"tab\there\""}) {
    CAPTURE(bad);
    std::string error;
    CHECK_FALSE(parse_json(bad, &error).has_value());
    CHECK(error.rfind("JSON error at byte ", 0) == 0);
  }
  std::string deep(100, '[');
  deep += std::string(100, ']');
  CHECK_FALSE(parse_json(deep).has_value());
}
