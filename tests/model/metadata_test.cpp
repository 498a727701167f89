// Model metadata: labels from the zip archive appended to a .tflite file and
// input normalization from the TFLITE_METADATA flatbuffer, from real models
// and hand-built ones. Broken archives and metadata give nothing, never a
// crash and never a failed model.
#include <catch_amalgamated.hpp>

#include <chrono>

#include "model/metadata.hpp"
#include "model/model.hpp"
#include "support/model_extras.hpp"
#include "support/model_runner.hpp"
#include "support/prng.hpp"
#include "support/shared_data.hpp"

using namespace mnw;
using namespace mnw::test;

namespace {

// A small model that runs, with `entries` zipped onto its end.
std::vector<uint8_t> model_with_zip(const std::vector<ZipEntry>& entries, const std::string& comment = "") {
  ModelBuilder m;
  const int x = m.tensor("x", tfl::kUInt8, {1, 3}, per_tensor(1.0f, 0));
  const int y = m.tensor("y", tfl::kUInt8, {1, 3}, per_tensor(1.0f, 0));
  add_single_op(m, tfl::op::kRelu, {x}, y);
  std::vector<uint8_t> bytes = m.build();
  const std::vector<uint8_t> archive = zip_archive(entries, bytes.size(), comment);
  bytes.insert(bytes.end(), archive.begin(), archive.end());
  return bytes;
}

std::vector<std::string> labels_of(std::vector<uint8_t> bytes) {
  auto model = read_model(std::move(bytes));
  INFO(model.status().message());
  REQUIRE(model.is_ok());  // a broken archive never fails the model
  return model.value()->labels;
}

std::shared_ptr<const Model> model_with_metadata(const std::string& name, std::vector<uint8_t> metadata) {
  ModelBuilder m;
  const int x = m.tensor("x", tfl::kUInt8, {1, 3}, per_tensor(1.0f, 0));
  const int y = m.tensor("y", tfl::kUInt8, {1, 3}, per_tensor(1.0f, 0));
  add_single_op(m, tfl::op::kRelu, {x}, y);
  m.metadata(name, std::move(metadata));
  auto model = read_model(m.build());
  INFO(model.status().message());
  REQUIRE(model.is_ok());
  return model.value();
}

using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("Labels and normalization come out of the real models", "[model][metadata]") {
  const auto shared = shared_dir();
  if (!shared) SKIP("../shared is not available (set MNW_SHARED_DIR)");
  auto load = [&](const std::string& file) {
    auto bytes = read_file_bytes(*shared + "/models/" + file);
    REQUIRE(bytes);
    auto model = read_model(std::move(*bytes));
    INFO(model.status().message());
    REQUIRE(model.is_ok());
    return model.value();
  };
  SECTION("MobileNet V1: 1001 ImageNet labels") {
    const auto m = load("mobilenet_v1_0.25_128_quant.tflite");
    REQUIRE(m->labels.size() == 1001);
    CHECK(m->labels.front() == "background");
    CHECK(m->labels[1] == "tench, Tinca tinca");
    CHECK(m->labels.back() == "toilet tissue, toilet paper, bathroom tissue");
    CHECK(m->norm_mean == std::vector<float>{127.5f});
    CHECK(m->norm_std == std::vector<float>{127.5f});
  }
  SECTION("MobileNet V2 birds: 965 labels, background last") {
    const auto m = load("mobilenet_v2_1.0_224_inat_bird_quant.tflite");
    REQUIRE(m->labels.size() == 965);
    CHECK(m->labels.front() == "Haemorhous cassinii (Cassin's Finch)");
    CHECK(m->labels.back() == "background");
  }
  SECTION("MobileNet V3 small: no metadata at all") {
    const auto m = load("mobilenet_v3_small_1.0_224_quant.tflite");
    CHECK(m->labels.empty());
    CHECK(m->norm_mean.empty());
    CHECK(m->norm_std.empty());
  }
}

TEST_CASE("Labels come from the zip appended to a model", "[model][metadata]") {
  SECTION("a labels file is preferred over other text files, CRLF or LF") {
    const auto labels = labels_of(model_with_zip({
        {"readme.md", "not labels\n"},
        {"vocab.txt", "x\ny\n"},
        {"my_labels.txt", "cat\r\ndog\r\nwild boar\r\n"},
        {"labels_v2.txt", "later\n"},
    }));
    CHECK(labels == std::vector<std::string>{"cat", "dog", "wild boar"});
  }
  SECTION("otherwise the first text file, without a trailing newline") {
    const auto labels = labels_of(model_with_zip({{"model.json", "{}"}, {"classes.txt", "a\nb\n\nd"}, {"z.txt", "z"}}));
    CHECK(labels == std::vector<std::string>{"a", "b", "", "d"});
  }
  SECTION("compressed entries are skipped") {
    const auto labels = labels_of(model_with_zip({{"labels.txt", "\x78\x9c garbage", 8}, {"other.txt", "one\ntwo\n"}}));
    CHECK(labels == std::vector<std::string>{"one", "two"});
  }
  SECTION("an archive comment after the directory") {
    const auto labels = labels_of(model_with_zip({{"labels.txt", "only\n"}}, std::string(1000, '#')));
    CHECK(labels == std::vector<std::string>{"only"});
  }
  SECTION("no text file, no archive, an empty labels file") {
    CHECK(labels_of(model_with_zip({{"labels.json", "[]"}})).empty());
    CHECK(labels_of(model_with_zip({})).empty());
    CHECK(labels_of(model_with_zip({{"labels.txt", ""}})).empty());
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kUInt8, {1}, per_tensor(1.0f, 0));
    add_single_op(m, tfl::op::kRelu, {x}, m.tensor("y", tfl::kUInt8, {1}, per_tensor(1.0f, 0)));
    CHECK(labels_of(m.build()).empty());
  }
}

TEST_CASE("Broken zip archives give no labels and never fail the model", "[model][metadata]") {
  const std::vector<ZipEntry> entries = {{"labels.txt", "cat\ndog\n"}};
  const std::vector<uint8_t> good = model_with_zip(entries);
  REQUIRE(labels_of(good).size() == 2);
  const size_t eocd = good.size() - 22;
  const size_t zip_start = good.size() - zip_archive(entries, 0).size();
  const size_t directory = eocd - (46 + 10);
  auto patch32 = [](std::vector<uint8_t> b, size_t at, uint32_t v) {
    std::memcpy(b.data() + at, &v, 4);
    return b;
  };
  auto patch16 = [](std::vector<uint8_t> b, size_t at, uint16_t v) {
    std::memcpy(b.data() + at, &v, 2);
    return b;
  };
  SECTION("end record cut short") {
    for (size_t cut = 1; cut <= 22; ++cut) {
      CHECK(labels_of(std::vector<uint8_t>(good.begin(), good.end() - static_cast<std::ptrdiff_t>(cut))).empty());
    }
  }
  SECTION("directory offset past the end record") { CHECK(labels_of(patch32(good, eocd + 16, 0xFFFFFF00)).empty()); }
  SECTION("directory size past the end record") { CHECK(labels_of(patch32(good, eocd + 12, 0x7FFFFFFF)).empty()); }
  SECTION("more entries than the directory holds") { CHECK(labels_of(patch16(good, eocd + 10, 0xFFFF)).empty()); }
  SECTION("a directory entry without its signature") { CHECK(labels_of(patch32(good, directory, 0)).empty()); }
  SECTION("a file name running past the directory") { CHECK(labels_of(patch16(good, directory + 28, 0xFFFF)).empty()); }
  SECTION("a local header past the end of the file") {
    CHECK(labels_of(patch32(good, directory + 42, 0xFFFFFFF0)).empty());
  }
  SECTION("a local header where there is none") { CHECK(labels_of(patch32(good, directory + 42, 0)).empty()); }
  SECTION("offsets relative to the archive instead of the file") {
    CHECK(labels_of(patch32(good, eocd + 16, static_cast<uint32_t>(directory - zip_start))).empty());
  }
  SECTION("an entry size past the end of the file") {
    std::vector<uint8_t> b = patch32(good, directory + 20, 0xFFFFFFF0);
    CHECK(labels_of(patch32(b, directory + 24, 0xFFFFFFF0)).empty());
  }
  SECTION("a local name length past the end of the file") { CHECK(labels_of(patch16(good, zip_start + 26, 0xFFFF)).empty()); }
}

TEST_CASE("Randomly corrupted zip tails never crash the label reader", "[model][metadata]") {
  const std::vector<uint8_t> good = model_with_zip({{"a.txt", "1\n2\n"}, {"labels.txt", "x\ny\nz\n"}}, "comment");
  const size_t tail = good.size() - zip_archive({{"a.txt", "1\n2\n"}, {"labels.txt", "x\ny\nz\n"}}, 0, "comment").size();
  const auto start = Clock::now();
  int some_labels = 0, none = 0;
  for (uint64_t seed = 1; seed <= 3000 && Clock::now() - start < std::chrono::milliseconds(500); ++seed) {
    Prng prng(seed);
    std::vector<uint8_t> bytes = good;
    const int flips = static_cast<int>(prng.between(1, 3));
    for (int f = 0; f < flips; ++f) bytes[tail + prng.below(bytes.size() - tail)] = prng.byte();
    const std::vector<std::string> labels = read_associated_labels(bytes.data(), bytes.size());
    size_t text = 0;
    for (const std::string& l : labels) text += l.size();
    CHECK(text <= bytes.size() - tail);  // labels only ever come from the archive's bytes
    (labels.empty() ? none : some_labels) += 1;
  }
  CHECK(some_labels > 0);
  CHECK(none > 0);
}

TEST_CASE("The label reader takes any bytes", "[model][metadata]") {
  Prng prng(99);
  for (size_t size = 0; size < 200; ++size) {
    std::vector<uint8_t> bytes(size);
    for (auto& b : bytes) b = prng.byte();
    // An end-of-directory signature somewhere, so the parser gets past the search.
    if (size >= 4) {
      const size_t at = prng.below(size - 3);
      bytes[at] = 0x50;
      bytes[at + 1] = 0x4b;
      bytes[at + 2] = 0x05;
      bytes[at + 3] = 0x06;
    }
    CAPTURE(size);
    CHECK(read_associated_labels(bytes.data(), bytes.size()).size() <= size);
  }
  CHECK(read_associated_labels(nullptr, 0).empty());
}

TEST_CASE("Label lines split on LF and CRLF", "[model][metadata]") {
  auto split = [](const std::string& s) { return split_label_lines(s.data(), s.size()); };
  CHECK(split("a\nb\n") == std::vector<std::string>{"a", "b"});
  CHECK(split("a\r\nb") == std::vector<std::string>{"a", "b"});
  CHECK(split("a\n\nb\n") == std::vector<std::string>{"a", "", "b"});
  CHECK(split("one line") == std::vector<std::string>{"one line"});
  CHECK(split("\n") == std::vector<std::string>{""});
  CHECK(split("").empty());
  CHECK(split("cr\rinside\n") == std::vector<std::string>{"cr\rinside"});
}

TEST_CASE("Input normalization comes from the TFLITE_METADATA buffer", "[model][metadata]") {
  SECTION("per-channel mean and std") {
    const auto m = model_with_metadata("TFLITE_METADATA",
                                       input_metadata({{1, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}}}));
    CHECK(m->norm_mean == std::vector<float>{0.485f, 0.456f, 0.406f});
    CHECK(m->norm_std == std::vector<float>{0.229f, 0.224f, 0.225f});
  }
  SECTION("after a process unit of another kind") {
    const auto m = model_with_metadata("TFLITE_METADATA", input_metadata({{2, {9.0f}, {9.0f}}, {1, {127.5f}, {127.5f}}}));
    CHECK(m->norm_mean == std::vector<float>{127.5f});
    CHECK(m->norm_std == std::vector<float>{127.5f});
  }
  SECTION("means and stds of different lengths are ignored") {
    const auto m = model_with_metadata("TFLITE_METADATA", input_metadata({{1, {1.0f, 2.0f}, {3.0f}}}));
    CHECK(m->norm_mean.empty());
    CHECK(m->norm_std.empty());
  }
  SECTION("metadata under another name is not read") {
    const auto m = model_with_metadata("min_runtime_version", input_metadata({{1, {1.0f}, {2.0f}}}));
    CHECK(m->norm_mean.empty());
  }
  SECTION("garbage metadata is ignored and the model still loads") {
    std::vector<uint8_t> metadata = input_metadata({{1, {1.0f}, {2.0f}}});
    Prng prng(4);
    for (int i = 0; i < 300; ++i) {
      std::vector<uint8_t> mutated = metadata;
      mutated[prng.below(mutated.size())] = prng.byte();
      mutated.resize(mutated.size() - prng.below(mutated.size()));
      const auto m = model_with_metadata("TFLITE_METADATA", mutated);
      CHECK(m->norm_mean.size() == m->norm_std.size());
    }
    CHECK(model_with_metadata("TFLITE_METADATA", {})->norm_mean.empty());
  }
}
