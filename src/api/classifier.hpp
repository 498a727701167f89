// From photos to ranked, named classes: decoding, preprocessing for the
// model's input, inference and probabilities, on top of Interpreter.
//
//   auto classifier = mnw::Classifier::load(model_bytes, labels);
//   auto top5 = (*classifier)->classify_encoded(jpeg.data(), jpeg.size(), 5);
//   for (const auto& c : *top5) printf("%s %.3f\n", c.label.c_str(), c.probability);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/interpreter.hpp"
#include "image/decode.hpp"
#include "image/preprocess.hpp"

namespace mnw {

struct Classification {
  int index = 0;          // index into the model's output
  std::string label;      // empty when no labels are known
  float probability = 0;  // in [0, 1]
};

struct ClassifierOptions {
  InterpreterOptions interpreter;
  DecodeOptions decode;
  PreprocessOptions preprocess;
  // Float-input models: the real range that pixel bytes 0..255 map to. By
  // default it comes from the model (normalization metadata, else the range
  // its first QUANTIZE covers), else [-1, 1].
  std::optional<std::pair<float, float>> float_input_range;
};

class Classifier {
 public:
  // `labels` may be empty: labels stored in the model are used then. Label
  // lists with one entry more or fewer than the model's outputs are aligned
  // on a leading "background" class (1001-class ImageNet models).
  static Result<std::unique_ptr<Classifier>> load(std::vector<uint8_t> model_bytes,
                                                  std::vector<std::string> labels = {},
                                                  const ClassifierOptions& options = {});

  Result<std::vector<Classification>> classify_encoded(const uint8_t* bytes, size_t size, int top_k);
  Result<std::vector<Classification>> classify_rgba(const uint8_t* rgba, size_t size, int width, int height,
                                                    int top_k);
  Result<std::vector<Classification>> classify_image(const Image& image, int top_k);

  // Class probabilities of the last inference, one per model output.
  std::vector<float> probabilities() const;
  // The top_k of probabilities(), most probable first, ties to the lower index.
  std::vector<Classification> top_k(int k) const;

  Interpreter& interpreter() { return *interpreter_; }
  const InputSpec& input_spec() const { return spec_; }
  // Label of each output index ("" where unknown).
  const std::vector<std::string>& labels() const { return labels_; }
  int class_count() const { return class_count_; }
  // True when the output is already a softmax (probabilities), false for logits.
  bool output_is_softmax() const { return output_is_softmax_; }
  const ClassifierOptions& options() const { return options_; }

 private:
  Classifier() = default;

  std::unique_ptr<Interpreter> interpreter_;
  ClassifierOptions options_;
  InputSpec spec_;
  std::vector<std::string> labels_;
  int class_count_ = 0;
  bool output_is_softmax_ = false;
};

// Aligns a label list to `classes` outputs: equal sizes map one to one; one
// label more drops a leading background label; one fewer adds "background"
// at index 0. Other sizes are an error.
Result<std::vector<std::string>> align_labels(std::vector<std::string> labels, int classes);

}  // namespace mnw
