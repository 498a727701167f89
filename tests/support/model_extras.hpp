// What a .tflite file may carry besides the graph, written for tests: a zip
// archive of associated files (labels) appended to the model, and a
// TFLITE_METADATA flatbuffer (metadata_schema.fbs) with input normalization.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mnw::test {

struct ZipEntry {
  std::string name;
  std::string data;
  uint16_t method = 0;  // 0: stored; 8: deflate (the data is written as given)
};

// A zip archive whose offsets count from `base`, the size of the file it will
// be appended to, as TFLite's metadata writer does.
std::vector<uint8_t> zip_archive(const std::vector<ZipEntry>& entries, size_t base, const std::string& comment = "");

struct ProcessUnitSpec {
  uint8_t options_type;  // ProcessUnitOptions: 1 is NormalizationOptions
  std::vector<float> mean, std;
};

// ModelMetadata { subgraph_metadata: [SubGraphMetadata { input_tensor_metadata:
//   [TensorMetadata { process_units: [ProcessUnit...] }] }] }, identifier "M001".
std::vector<uint8_t> input_metadata(const std::vector<ProcessUnitSpec>& units);

}  // namespace mnw::test
