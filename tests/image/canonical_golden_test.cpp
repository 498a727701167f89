// The canonical pipeline against the golden input tensors: for every golden
// case made from an image file, decode + canonical preprocess must give
// <case>.input.bin byte for byte. Each source image is decoded once and
// checked against every model's case that uses it.
#include <catch_amalgamated.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../support/json.hpp"
#include "../support/shared_data.hpp"
#include "image/decode.hpp"
#include "image/preprocess.hpp"

using namespace mnw;
using namespace mnw::test;

namespace {

struct GoldenCase {
  std::string model;          // golden folder name
  std::string name;           // file prefix of the .bin files
  std::string tensor_path;    // <case>.input.bin
  int source_width = 0;
  int source_height = 0;
  InputSpec spec;
};

std::optional<DType> image_dtype(const std::string& name) {
  if (name == "uint8") return DType::kUInt8;
  if (name == "int8") return DType::kInt8;
  if (name == "float32") return DType::kFloat32;
  return std::nullopt;
}

// Adds the index's cases whose source is an image file to `by_source`
// (keyed by the source path relative to the shared folder).
void collect_cases(const std::string& golden_dir, const std::string& model,
                   std::map<std::string, std::vector<GoldenCase>>& by_source) {
  const std::string index_path = golden_dir + "/" + model + "/index.json";
  INFO(index_path);
  const std::optional<std::vector<uint8_t>> text = read_file_bytes(index_path);
  REQUIRE(text.has_value());
  std::string error;
  const std::optional<JsonValue> index =
      parse_json(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), &error);
  INFO(error);
  REQUIRE(index.has_value());

  const JsonValue* input = index->find("input");
  REQUIRE(input != nullptr);
  const JsonValue* shape = input->find("shape");
  const JsonValue* dtype_name = input->find("dtype");
  REQUIRE((shape != nullptr && shape->is_array() && shape->items.size() == 4));
  REQUIRE((dtype_name != nullptr && dtype_name->is_string()));
  const std::optional<DType> dtype = image_dtype(dtype_name->string);
  INFO("input dtype " << dtype_name->string);
  REQUIRE(dtype.has_value());
  InputSpec spec;
  spec.height = static_cast<int>(shape->items[1].number);
  spec.width = static_cast<int>(shape->items[2].number);
  spec.dtype = *dtype;
  // golden/README.md: the float-input model maps bytes onto [0, 1] (v / 255).
  spec.float_lo = 0.0f;
  spec.float_hi = 1.0f;

  const JsonValue* inputs = index->find("inputs");
  REQUIRE((inputs != nullptr && inputs->is_array()));
  for (const JsonValue& entry : inputs->items) {
    const JsonValue* name = entry.find("name");
    const JsonValue* source = entry.find("source");
    const JsonValue* size = entry.find("source_size");
    REQUIRE((name != nullptr && name->is_string() && source != nullptr && source->is_string()));
    if (source->string.rfind("synthetic:", 0) == 0) continue;  // not made from an image
    REQUIRE((size != nullptr && size->is_array() && size->items.size() == 2));
    GoldenCase golden;
    golden.model = model;
    golden.name = name->string;
    golden.tensor_path = golden_dir + "/" + model + "/" + name->string + ".input.bin";
    golden.source_width = static_cast<int>(size->items[0].number);
    golden.source_height = static_cast<int>(size->items[1].number);
    golden.spec = spec;
    by_source[source->string].push_back(golden);
  }
}

}  // namespace

TEST_CASE("Canonical preprocessing reproduces every golden input tensor", "[golden]") {
  const std::optional<std::string> shared = shared_dir();
  if (!shared) SKIP("shared data not found: set MNW_SHARED_DIR or place it at <repo>/../shared");
  const std::string golden_dir = *shared + "/golden";
  std::error_code error;
  if (!std::filesystem::is_directory(golden_dir, error)) SKIP("no golden folder in " + *shared);

  std::vector<std::string> models;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir, error)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "index.json")) {
      models.push_back(entry.path().filename().string());
    }
  }
  REQUIRE_FALSE(models.empty());
  std::map<std::string, std::vector<GoldenCase>> by_source;
  for (const std::string& model : models) collect_cases(golden_dir, model, by_source);

  PreprocessOptions canonical;
  canonical.mode = PreprocessMode::kCanonical;
  size_t checked = 0;
  for (const auto& [source, cases] : by_source) {
    INFO("source " << source);
    const std::optional<std::vector<uint8_t>> file = read_file_bytes(*shared + "/" + source);
    REQUIRE(file.has_value());
    Result<Image> image = decode_image(file->data(), file->size(), DecodeOptions::canonical());
    INFO(image.status().message());
    REQUIRE(image.is_ok());
    for (const GoldenCase& golden : cases) {
      INFO("model " << golden.model << ", case " << golden.name);
      CHECK(image->width == golden.source_width);
      CHECK(image->height == golden.source_height);
      Result<std::vector<uint8_t>> tensor = preprocess(*image, golden.spec, canonical);
      REQUIRE(tensor.is_ok());
      const std::optional<std::vector<uint8_t>> expected = read_file_bytes(golden.tensor_path);
      REQUIRE(expected.has_value());
      REQUIRE(tensor->size() == expected->size());
      size_t first_difference = 0;
      while (first_difference < expected->size() && (*tensor)[first_difference] == (*expected)[first_difference]) {
        ++first_difference;
      }
      INFO("first differing byte " << first_difference << " of " << expected->size());
      CHECK(first_difference == expected->size());
      ++checked;
    }
  }
  INFO("cases checked: " << checked);
  CHECK(checked > 0);
}
