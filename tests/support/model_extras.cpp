#include "support/model_extras.hpp"

#include "support/tflite_builder.hpp"

namespace mnw::test {
namespace {

uint32_t crc32(const std::string& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v));
  put16(out, static_cast<uint16_t>(v >> 16));
}
void put(std::vector<uint8_t>& out, const std::string& s) { out.insert(out.end(), s.begin(), s.end()); }

}  // namespace

std::vector<uint8_t> zip_archive(const std::vector<ZipEntry>& entries, size_t base, const std::string& comment) {
  std::vector<uint8_t> out, directory;
  for (const ZipEntry& e : entries) {
    const uint32_t local = static_cast<uint32_t>(base + out.size());
    const uint32_t crc = crc32(e.data);
    const uint32_t size = static_cast<uint32_t>(e.data.size());
    // Local file header: signature, version, flags, method, time, date, crc,
    // sizes, name and extra lengths; then the name and the data.
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0);
    put16(out, e.method);
    put32(out, 0);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, static_cast<uint16_t>(e.name.size()));
    put16(out, 0);
    put(out, e.name);
    put(out, e.data);
    // Central directory entry: the same plus comment length, disk,
    // attributes and the local header's offset.
    put32(directory, 0x02014b50);
    put16(directory, 20);
    put16(directory, 20);
    put16(directory, 0);
    put16(directory, e.method);
    put32(directory, 0);
    put32(directory, crc);
    put32(directory, size);
    put32(directory, size);
    put16(directory, static_cast<uint16_t>(e.name.size()));
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put32(directory, 0);
    put32(directory, local);
    put(directory, e.name);
  }
  const uint32_t directory_offset = static_cast<uint32_t>(base + out.size());
  out.insert(out.end(), directory.begin(), directory.end());
  // End of central directory: disks, entry counts, directory size and offset, comment.
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint16_t>(entries.size()));
  put16(out, static_cast<uint16_t>(entries.size()));
  put32(out, static_cast<uint32_t>(directory.size()));
  put32(out, directory_offset);
  put16(out, static_cast<uint16_t>(comment.size()));
  put(out, comment);
  return out;
}

std::vector<uint8_t> input_metadata(const std::vector<ProcessUnitSpec>& units) {
  using Table = FlatBufferWriter::Table;
  FlatBufferWriter w;
  std::vector<FlatBufferWriter::Ref> unit_refs;
  for (const ProcessUnitSpec& u : units) {
    // NormalizationOptions: mean 0, std 1. ProcessUnit: options_type 0, options 1.
    const auto mean = w.vector(u.mean);
    const auto std_dev = w.vector(u.std);
    const auto options = w.table(Table().offset(0, mean).offset(1, std_dev));
    unit_refs.push_back(w.table(Table().scalar<uint8_t>(0, u.options_type).offset(1, options)));
  }
  // TensorMetadata: process_units 4. SubGraphMetadata: input_tensor_metadata 2.
  // ModelMetadata: name 0, subgraph_metadata 3.
  const auto unit_vector = w.offset_vector(unit_refs);
  const auto tensor = w.table(Table().offset(4, unit_vector));
  const auto tensors = w.offset_vector({tensor});
  const auto subgraph = w.table(Table().offset(2, tensors));
  const auto subgraphs = w.offset_vector({subgraph});
  const auto name = w.string("test metadata");
  return w.finish(w.table(Table().offset(0, name).offset(3, subgraphs)), "M001");
}

}  // namespace mnw::test
