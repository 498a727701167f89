#include "api/classifier.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/op_type.hpp"

namespace mnw {
namespace {

// The real range of a float-input model's pixels: metadata normalization
// (x - mean) / std, else the range its first QUANTIZE can represent.
std::pair<float, float> float_range_from_model(const Model& model) {
  if (!model.norm_mean.empty() && model.norm_std[0] != 0.0f) {
    return {(0.0f - model.norm_mean[0]) / model.norm_std[0], (255.0f - model.norm_mean[0]) / model.norm_std[0]};
  }
  const int32_t input = model.inputs[0];
  for (const OperatorInfo& op : model.operators) {
    if (op.builtin_code != static_cast<int32_t>(OpType::kQuantize) || op.inputs.empty() || op.inputs[0] != input) continue;
    const TensorInfo& q = model.tensors[static_cast<size_t>(op.outputs[0])];
    const bool is_signed = q.dtype == DType::kInt8;
    const float lo = q.quantization.scale() * static_cast<float>((is_signed ? -128 : 0) - q.quantization.zero_point());
    const float hi = q.quantization.scale() * static_cast<float>((is_signed ? 127 : 255) - q.quantization.zero_point());
    return {lo, hi};
  }
  return {-1.0f, 1.0f};
}

}  // namespace

Result<std::vector<std::string>> align_labels(std::vector<std::string> labels, int classes) {
  const int n = static_cast<int>(labels.size());
  if (n == classes) return labels;
  if (n == classes + 1) {
    labels.erase(labels.begin());
    return labels;
  }
  if (n + 1 == classes) {
    labels.insert(labels.begin(), "background");
    return labels;
  }
  return invalid_argument("the labels list has " + std::to_string(n) + " entries but the model has " +
                          std::to_string(classes) + " classes");
}

Result<std::unique_ptr<Classifier>> Classifier::load(std::vector<uint8_t> model_bytes, std::vector<std::string> labels,
                                                     const ClassifierOptions& options) {
  auto interpreter = Interpreter::from_bytes(std::move(model_bytes), options.interpreter);
  if (!interpreter) return interpreter.status();
  std::unique_ptr<Classifier> self(new Classifier());
  self->interpreter_ = std::move(interpreter).value();
  self->options_ = options;
  const Interpreter& engine = *self->interpreter_;
  const Model& model = engine.model();

  const TensorInfo& input = engine.input(0);
  if (input.shape.rank() != 4 || input.shape[0] != 1 || input.shape[3] != 3) {
    return invalid_argument("not an image classifier: input '" + input.name + "' is " + input.shape.to_string() +
                            ", expected 1xHxWx3");
  }
  if (input.dtype != DType::kUInt8 && input.dtype != DType::kInt8 && input.dtype != DType::kFloat32) {
    return unsupported(std::string("input type ") + dtype_name(input.dtype) + " is not an image type");
  }
  self->spec_.height = input.shape[1];
  self->spec_.width = input.shape[2];
  self->spec_.dtype = input.dtype;
  if (input.dtype == DType::kFloat32) {
    const auto range = options.float_input_range.value_or(float_range_from_model(model));
    self->spec_.float_lo = range.first;
    self->spec_.float_hi = range.second;
  }

  const TensorInfo& output = engine.output(0);
  const int64_t classes = output.shape.element_count();
  if (output.shape.rank() < 1 || classes < 2 || classes != output.shape[output.shape.rank() - 1] ||
      (output.dtype != DType::kUInt8 && output.dtype != DType::kInt8 && output.dtype != DType::kFloat32)) {
    return invalid_argument("not an image classifier: output '" + output.name + "' is " + output.shape.to_string() +
                            " " + dtype_name(output.dtype));
  }
  self->class_count_ = static_cast<int>(classes);
  // Probabilities when the output is a SOFTMAX, possibly followed by type
  // conversions (TF2 models end with SOFTMAX int8 -> QUANTIZE uint8).
  int32_t tensor = model.outputs[0];
  for (size_t i = model.operators.size(); i-- > 0;) {
    const OperatorInfo& op = model.operators[i];
    if (op.outputs.empty() || op.outputs[0] != tensor) continue;
    const auto code = static_cast<OpType>(op.builtin_code);
    if (code == OpType::kSoftmax) self->output_is_softmax_ = true;
    if ((code != OpType::kQuantize && code != OpType::kDequantize) || op.inputs.empty()) break;
    tensor = op.inputs[0];
  }
  if (labels.empty()) labels = model.labels;
  if (labels.empty()) {
    self->labels_.assign(static_cast<size_t>(classes), "");
  } else {
    auto aligned = align_labels(std::move(labels), self->class_count_);
    if (!aligned) return aligned.status();
    self->labels_ = std::move(aligned).value();
  }
  return self;
}

Result<std::vector<Classification>> Classifier::classify_image(const Image& image, int top_k) {
  auto tensor = preprocess(image, spec_, options_.preprocess);
  if (!tensor) return tensor.status();
  MNW_RETURN_IF_ERROR(interpreter_->set_input(0, tensor->data(), tensor->size()));
  interpreter_->invoke();
  return this->top_k(top_k);
}

Result<std::vector<Classification>> Classifier::classify_encoded(const uint8_t* bytes, size_t size, int top_k) {
  auto image = decode_image(bytes, size, options_.decode);
  if (!image) return image.status();
  return classify_image(*image, top_k);
}

Result<std::vector<Classification>> Classifier::classify_rgba(const uint8_t* rgba, size_t size, int width, int height,
                                                              int top_k) {
  auto image = from_rgba(rgba, size, width, height, options_.decode);
  if (!image) return image.status();
  return classify_image(*image, top_k);
}

std::vector<float> Classifier::probabilities() const {
  const TensorInfo& output = interpreter_->output(0);
  const uint8_t* data = interpreter_->output_data(0);
  const size_t n = static_cast<size_t>(class_count_);
  std::vector<float> values(n);
  for (size_t i = 0; i < n; ++i) {
    switch (output.dtype) {
      case DType::kFloat32: values[i] = reinterpret_cast<const float*>(data)[i]; break;
      case DType::kUInt8:
        values[i] = output.quantization.scale() * static_cast<float>(data[i] - output.quantization.zero_point());
        break;
      default:
        values[i] = output.quantization.scale() *
                    static_cast<float>(static_cast<int8_t>(data[i]) - output.quantization.zero_point());
        break;
    }
  }
  if (output_is_softmax_) return values;
  // Logits: softmax in double for a stable, accurate normalisation.
  const float max_value = *std::max_element(values.begin(), values.end());
  double sum = 0.0;
  std::vector<double> exps(n);
  for (size_t i = 0; i < n; ++i) sum += exps[i] = std::exp(static_cast<double>(values[i] - max_value));
  for (size_t i = 0; i < n; ++i) values[i] = static_cast<float>(exps[i] / sum);
  return values;
}

std::vector<Classification> Classifier::top_k(int k) const {
  const std::vector<float> p = probabilities();
  std::vector<int> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t count = std::min(static_cast<size_t>(std::max(k, 0)), order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                    [&](int a, int b) { return p[static_cast<size_t>(a)] > p[static_cast<size_t>(b)] ||
                                               (p[static_cast<size_t>(a)] == p[static_cast<size_t>(b)] && a < b); });
  std::vector<Classification> result;
  for (size_t i = 0; i < count; ++i) {
    const size_t index = static_cast<size_t>(order[i]);
    result.push_back({order[i], labels_[index], p[index]});
  }
  return result;
}

}  // namespace mnw
