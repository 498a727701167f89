// Optional extras a .tflite file may carry beyond the graph: TFLite Metadata
// (a second flatbuffer, metadata_schema.fbs, in the buffer named
// "TFLITE_METADATA") and associated files in a zip archive appended to the
// model. Both readers are total: malformed input yields "nothing found".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnw {

// Fills mean/std of the input's NormalizationOptions, if the metadata has them.
void read_normalization_metadata(const uint8_t* data, size_t size, std::vector<float>* mean,
                                 std::vector<float>* std_dev);

// Lines of the first label file (*labels*.txt, else the first .txt) stored in
// a zip archive at the end of the model file. Stored (uncompressed) entries
// only; TFLite's metadata writer stores them that way.
std::vector<std::string> read_associated_labels(const uint8_t* data, size_t size);

// Splits a labels text file into lines (LF or CRLF), dropping a trailing empty line.
std::vector<std::string> split_label_lines(const char* text, size_t size);

}  // namespace mnw
