#include "model/metadata.hpp"

#include <cstring>
#include <string_view>

#include "model/flatbuffer.hpp"

namespace mnw {
namespace {

uint32_t read_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}
uint16_t read_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

void read_normalization_metadata(const uint8_t* data, size_t size, std::vector<float>* mean,
                                 std::vector<float>* std_dev) {
  // metadata_schema.fbs: ModelMetadata.subgraph_metadata (3) ->
  // SubGraphMetadata.input_tensor_metadata (2) -> TensorMetadata.process_units
  // (4) -> ProcessUnit {options_type (0), options (1)}; NormalizationOptions
  // (type 1) = {mean (0), std (1)}.
  fb::Buffer fb(data, size);
  const fb::Table root = fb.root();
  const fb::Vector subgraphs = fb.vector(root, 3, 4, "subgraph_metadata");
  if (!fb.ok() || subgraphs.size == 0) return;
  const fb::Vector inputs = fb.vector(fb.table_at(subgraphs, 0, "subgraph"), 2, 4, "input_tensor_metadata");
  if (!fb.ok() || inputs.size == 0) return;
  const fb::Vector units = fb.vector(fb.table_at(inputs, 0, "tensor metadata"), 4, 4, "process_units");
  for (uint32_t i = 0; i < units.size && fb.ok(); ++i) {
    const fb::Table unit = fb.table_at(units, i, "process unit");
    if (fb.scalar<uint8_t>(unit, 0, 0, "options_type") != 1) continue;
    const fb::Table options = fb.table(unit, 1, "normalization options");
    const fb::Vector m = fb.vector(options, 0, 4, "mean");
    const fb::Vector s = fb.vector(options, 1, 4, "std");
    std::vector<float> means, stds;
    for (uint32_t k = 0; k < m.size && fb.ok(); ++k) means.push_back(fb.scalar_at<float>(m, k, "mean"));
    for (uint32_t k = 0; k < s.size && fb.ok(); ++k) stds.push_back(fb.scalar_at<float>(s, k, "std"));
    if (fb.ok() && !means.empty() && means.size() == stds.size()) {
      *mean = std::move(means);
      *std_dev = std::move(stds);
    }
    return;
  }
}

std::vector<std::string> split_label_lines(const char* text, size_t size) {
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < size; ++i) {
    if (text[i] == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
      line.clear();
    } else {
      line += text[i];
    }
  }
  if (!line.empty()) {
    if (line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> read_associated_labels(const uint8_t* data, size_t size) {
  // Zip: the end-of-central-directory record (22 bytes + comment of up to
  // 64 KiB) points at the central directory, whose entries point at local
  // headers followed by the file data.
  constexpr size_t kEocdSize = 22;
  if (size < kEocdSize) return {};
  const size_t search_start = size > kEocdSize + 0xFFFF ? size - kEocdSize - 0xFFFF : 0;
  size_t eocd = size;
  for (size_t p = size - kEocdSize + 1; p-- > search_start;) {
    if (read_u32(data + p) == 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd == size) return {};
  const uint16_t entries = read_u16(data + eocd + 10);
  const uint32_t dir_size = read_u32(data + eocd + 12);
  const uint32_t dir_offset = read_u32(data + eocd + 16);
  if (dir_offset > eocd || dir_size > eocd - dir_offset) return {};

  std::string_view chosen_name;
  const uint8_t* chosen = nullptr;
  size_t chosen_size = 0;
  size_t p = dir_offset;
  for (uint16_t e = 0; e < entries; ++e) {
    if (p + 46 > eocd || read_u32(data + p) != 0x02014b50) return {};
    const uint16_t method = read_u16(data + p + 10);
    const uint32_t compressed = read_u32(data + p + 20);
    const uint32_t uncompressed = read_u32(data + p + 24);
    const uint16_t name_len = read_u16(data + p + 28);
    const uint16_t extra_len = read_u16(data + p + 30);
    const uint16_t comment_len = read_u16(data + p + 32);
    const uint32_t local = read_u32(data + p + 42);
    if (p + 46 + name_len > eocd) return {};
    const std::string_view name(reinterpret_cast<const char*>(data + p + 46), name_len);
    p += 46ULL + name_len + extra_len + comment_len;
    if (method != 0 || compressed != uncompressed || !ends_with(name, ".txt")) continue;
    if (local + 30ULL > size || read_u32(data + local) != 0x04034b50) continue;
    const size_t start = local + 30ULL + read_u16(data + local + 26) + read_u16(data + local + 28);
    if (start > size || compressed > size - start) continue;
    const bool is_labels = name.find("label") != std::string_view::npos;
    if (chosen == nullptr || (is_labels && chosen_name.find("label") == std::string_view::npos)) {
      chosen_name = name;
      chosen = data + start;
      chosen_size = compressed;
    }
  }
  if (chosen == nullptr) return {};
  return split_label_lines(reinterpret_cast<const char*>(chosen), chosen_size);
}

}  // namespace mnw
