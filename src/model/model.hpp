// A TFLite model as the engine sees it: tensors, operators and their options,
// read from the flatbuffer once and owned by the Model (which keeps the file's
// bytes alive so constant tensors can point into them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/tensor.hpp"

namespace mnw {

enum class Padding : uint8_t { kSame = 0, kValid = 1 };
enum class Activation : uint8_t { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3 };

const char* activation_name(Activation a);

struct TensorInfo {
  std::string name;
  DType dtype = DType::kFloat32;
  Shape shape;
  Quantization quantization;
  // Constant data inside the model file, or nullptr for activations.
  const uint8_t* data = nullptr;
  size_t data_size = 0;

  bool is_constant() const { return data != nullptr; }
  size_t byte_size() const {
    return static_cast<size_t>(shape.element_count()) * dtype_size(dtype);
  }
};

// The union of the builtin options of the operators we support; each operator
// reads the fields its TFLite options table defines.
struct OpOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  int32_t dilation_w = 1, dilation_h = 1;
  int32_t depth_multiplier = 1;
  int32_t filter_w = 1, filter_h = 1;
  Activation activation = Activation::kNone;
  float beta = 1.0f;              // SOFTMAX
  bool keep_dims = false;         // MEAN
  bool keep_num_dims = false;     // FULLY_CONNECTED
  int8_t weights_format = 0;      // FULLY_CONNECTED: 0 = default layout
  std::vector<int32_t> new_shape; // RESHAPE
  std::vector<int32_t> squeeze_dims;
};

struct OperatorInfo {
  int32_t builtin_code = 0;
  std::string custom_code;  // for CUSTOM ops, only to name them in errors
  int32_t version = 1;
  std::vector<int32_t> inputs;   // tensor indices; -1 marks an omitted optional input
  std::vector<int32_t> outputs;
  OpOptions options;
};

struct Model {
  // The file's bytes; constant tensors point into them.
  std::vector<uint8_t> bytes;
  uint32_t schema_version = 0;
  std::string description;
  std::vector<TensorInfo> tensors;
  std::vector<OperatorInfo> operators;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  // Class names from an associated labels file inside the model, if any.
  std::vector<std::string> labels;
  // Input normalization from the model's metadata, if present (mean/std per channel).
  std::vector<float> norm_mean;
  std::vector<float> norm_std;

  // "op #7 DEPTHWISE_CONV_2D" for messages.
  std::string describe_op(size_t op_index) const;
};

// Limits that keep a hostile file from making us allocate without bound.
struct ModelLimits {
  uint32_t max_tensors = 100000;
  uint32_t max_operators = 100000;
  int64_t max_tensor_elements = int64_t{1} << 28;  // 256 Mi elements
};

// Parses and validates a .tflite file. Only subgraph 0 is read.
Result<std::shared_ptr<const Model>> read_model(std::vector<uint8_t> bytes,
                                                 const ModelLimits& limits = {});

}  // namespace mnw
