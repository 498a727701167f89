// Writes the fuzzers' seed corpora: for the model reader (fuzz/corpus/) small
// built models that load and run, covering every supported op, both element
// types, per-channel weights, appended labels and normalization metadata; for
// the image decoder (fuzz/image_corpus/) a small image in every format it
// reads.
//
//   cmake --build build/fuzz --target make_fuzz_corpus &&
//   build/fuzz/fuzz/make_fuzz_corpus fuzz/corpus fuzz/image_corpus
#include <cstdio>
#include <string>
#include <vector>

#include "image_encoding.hpp"
#include "support/model_extras.hpp"
#include "support/sample_models.hpp"
#include "support/tflite_builder.hpp"

namespace {

using namespace mnw::test;

// A dilated, strided uint8 convolution with SAME padding and RELU.
ModelBuilder dilated_conv() {
  ModelBuilder m;
  const int x = m.tensor("input", tfl::kUInt8, {1, 7, 9, 2}, per_tensor(0.05f, 120));
  std::vector<uint8_t> weights(3 * 3 * 3 * 2);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<uint8_t>(i * 37 + 11);
  const int w = m.constant("weights", tfl::kUInt8, {3, 3, 3, 2}, weights, per_tensor(0.01f, 128));
  const int y = m.tensor("output", tfl::kUInt8, {1, 4, 5, 3}, per_tensor(0.1f, 10));
  m.builtin_op(tfl::op::kConv2D, {x, w, -1}, {y}, Conv2DOptions{tfl::kSame, 2, 2, tfl::act::kRelu, 2, 2});
  m.set_inputs({x});
  m.set_outputs({y});
  return m;
}

// A batch of rows through FULLY_CONNECTED with per-channel int8 weights.
ModelBuilder batched_fully_connected() {
  ModelBuilder m;
  const int x = m.tensor("input", tfl::kInt8, {3, 2, 5}, per_tensor(0.02f, -3));
  std::vector<uint8_t> weights(4 * 5);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<uint8_t>(i * 53 + 7);
  const int w = m.constant("weights", tfl::kInt8, {4, 5}, weights, {{0.01f, 0.02f, 0.005f, 0.04f}, {0, 0, 0, 0}, 0});
  const int b = m.constant_of<int32_t>("bias", tfl::kInt32, {4}, {100, -200, 300, -400});
  const int y = m.tensor("output", tfl::kInt8, {3, 2, 4}, per_tensor(0.05f, 1));
  m.builtin_op(tfl::op::kFullyConnected, {x, w, b}, {y}, FullyConnectedOptions{tfl::act::kRelu6, 0, true});
  m.set_inputs({x});
  m.set_outputs({y});
  return m;
}

// Seeds stay under 4 KB: short names and shared vectors make room for structure.
ModelBuilder compact(ModelBuilder model) {
  for (size_t i = 0; i < model.tensors().size(); ++i) model.tensors()[i].name = "t" + std::to_string(i);
  model.description.clear();
  model.share_vectors = true;
  return model;
}

std::vector<uint8_t> with_labels(const ModelBuilder& model) {
  std::vector<uint8_t> bytes = model.build();
  const auto archive = zip_archive({{"labels.txt", "zero\none\ntwo\nthree\nfour\n"}}, bytes.size());
  bytes.insert(bytes.end(), archive.begin(), archive.end());
  return bytes;
}

using Files = std::vector<std::pair<std::string, std::vector<uint8_t>>>;

bool write_all(const std::string& directory, const Files& files) {
  for (const auto& [name, bytes] : files) {
    const std::string path = directory + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return false;
    }
    std::printf("%s: %zu bytes\n", path.c_str(), bytes.size());
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL_CORPUS_DIRECTORY IMAGE_CORPUS_DIRECTORY\n", argv[0]);
    return 2;
  }
  ModelBuilder normalized = uint8_classifier();
  normalized.metadata("TFLITE_METADATA", input_metadata({{1, {127.5f}, {127.5f}}}));
  const Files models = {
      {"uint8_classifier.tflite", uint8_classifier().build()},
      {"int8_every_op.tflite", compact(int8_every_op()).build()},
      {"dilated_conv.tflite", dilated_conv().build()},
      {"batched_fully_connected.tflite", batched_fully_connected().build()},
      {"labels_and_metadata.tflite", with_labels(normalized)},
  };
  const Bytes rgb = gradient_pixels(12, 8, 3), rgba = gradient_pixels(12, 8, 4);
  Bytes indices(12 * 8);
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<uint8_t>(i % 4);
  const Files images = {
      {"gradient.jpg", encode_jpeg(12, 8, 3, rgb, 90)},
      {"gradient.png", encode_png(12, 8, 4, rgba)},
      {"gradient.bmp", encode_bmp(12, 8, 3, rgb)},
      {"gradient.tga", encode_tga(12, 8, 3, rgb)},
      {"gradient.ppm", encode_pnm(12, 8, 3, rgb)},
      {"palette.gif", encode_gif(12, 8, indices, {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}})},
  };
  return write_all(argv[1], models) && write_all(argv[2], images) ? 0 : 1;
}
