// Reads the TFLite flatbuffer (tensorflow/lite/schema/schema.fbs) into a Model.
// Field numbers below are the schema's; every offset and size is checked by
// fb::Buffer, and every cross-reference (tensor, buffer and opcode indices,
// data sizes) is checked here, so later stages can trust the Model.
#include <cmath>
#include <iterator>
#include <limits>

#include "model/flatbuffer.hpp"
#include "model/metadata.hpp"
#include "model/model.hpp"
#include "model/op_type.hpp"

namespace mnw {
namespace {

// schema.fbs field numbers.
namespace model_field { enum { kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kDescription = 3, kBuffers = 4, kMetadata = 6 }; }
namespace opcode_field { enum { kDeprecatedBuiltinCode = 0, kCustomCode = 1, kVersion = 2, kBuiltinCode = 3 }; }
namespace subgraph_field { enum { kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3 }; }
namespace tensor_field { enum { kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4, kSparsity = 6 }; }
namespace quant_field { enum { kScale = 2, kZeroPoint = 3, kDetailsType = 4, kQuantizedDimension = 6 }; }
namespace operator_field { enum { kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kOptionsType = 3, kOptions = 4 }; }
namespace buffer_field { enum { kData = 0, kOffset = 1, kSize = 2 }; }
namespace metadata_field { enum { kName = 0, kBuffer = 1 }; }

// BuiltinOptions union type codes for the options tables we read.
enum OptionsType : uint8_t {
  kConv2DOptions = 1,
  kDepthwiseConv2DOptions = 2,
  kPool2DOptions = 5,
  kFullyConnectedOptions = 8,
  kSoftmaxOptions = 9,
  kAddOptions = 11,
  kReshapeOptions = 17,
  kMulOptions = 21,
  kReducerOptions = 27,
  kSubOptions = 28,
  kSqueezeOptions = 30,
};

// schema.fbs TensorType names, to name the types the engine does not hold.
std::string tensor_type_name(int type) {
  static constexpr const char* kNames[] = {"FLOAT32", "FLOAT16",   "INT32",      "UINT8",  "INT64",    "STRING",
                                           "BOOL",    "INT16",     "COMPLEX64",  "INT8",   "FLOAT64",  "COMPLEX128",
                                           "UINT64",  "RESOURCE",  "VARIANT",    "UINT32", "UINT16",   "INT4"};
  if (type >= 0 && type < static_cast<int>(std::size(kNames))) return kNames[type];
  return "unknown type " + std::to_string(type);
}

struct Reader {
  fb::Buffer& fb;
  const ModelLimits& limits;

  std::vector<int32_t> int_vector(const fb::Table& t, int field, const char* what) {
    const fb::Vector v = fb.vector(t, field, 4, what);
    std::vector<int32_t> out;
    out.reserve(v.size);
    for (uint32_t i = 0; i < v.size && fb.ok(); ++i) out.push_back(fb.scalar_at<int32_t>(v, i, what));
    return out;
  }

  Activation activation(const fb::Table& t, int field, Status* status) {
    const int8_t a = fb.scalar<int8_t>(t, field, 0, "fused_activation_function");
    switch (a) {
      case 0: return Activation::kNone;
      case 1: return Activation::kRelu;
      case 2: return Activation::kReluN1To1;
      case 3: return Activation::kRelu6;
      default:
        *status = unsupported("fused activation " + std::to_string(a) +
                              " is not supported (supported: NONE, RELU, RELU_N1_TO_1, RELU6)");
        return Activation::kNone;
    }
  }

  Padding padding(const fb::Table& t, Status* status) {
    const int8_t p = fb.scalar<int8_t>(t, 0, 0, "padding");
    if (p != 0 && p != 1) *status = invalid_model("padding " + std::to_string(p) + " is not SAME or VALID");
    return p == 1 ? Padding::kValid : Padding::kSame;
  }

  // Reads the options table of `op`; the union type must be the one this op
  // code uses, otherwise the file is inconsistent.
  Status options(const fb::Table& op_table, OperatorInfo* op) {
    const uint8_t type = fb.scalar<uint8_t>(op_table, operator_field::kOptionsType, 0, "builtin_options_type");
    const fb::Table t = fb.table(op_table, operator_field::kOptions, "builtin_options");
    OpOptions& o = op->options;
    Status status;
    auto expect = [&](uint8_t wanted) {
      if (t.present && type != wanted) {
        status = invalid_model("options of type " + std::to_string(type) + " do not belong to " +
                               op_type_name(op->builtin_code));
        return false;
      }
      return t.present;
    };
    switch (static_cast<OpType>(op->builtin_code)) {
      case OpType::kConv2D:
        if (expect(kConv2DOptions)) {
          o.padding = padding(t, &status);
          o.stride_w = fb.scalar<int32_t>(t, 1, 0, "stride_w");
          o.stride_h = fb.scalar<int32_t>(t, 2, 0, "stride_h");
          o.activation = activation(t, 3, &status);
          o.dilation_w = fb.scalar<int32_t>(t, 4, 1, "dilation_w_factor");
          o.dilation_h = fb.scalar<int32_t>(t, 5, 1, "dilation_h_factor");
        }
        break;
      case OpType::kDepthwiseConv2D:
        if (expect(kDepthwiseConv2DOptions)) {
          o.padding = padding(t, &status);
          o.stride_w = fb.scalar<int32_t>(t, 1, 0, "stride_w");
          o.stride_h = fb.scalar<int32_t>(t, 2, 0, "stride_h");
          o.depth_multiplier = fb.scalar<int32_t>(t, 3, 0, "depth_multiplier");
          o.activation = activation(t, 4, &status);
          o.dilation_w = fb.scalar<int32_t>(t, 5, 1, "dilation_w_factor");
          o.dilation_h = fb.scalar<int32_t>(t, 6, 1, "dilation_h_factor");
        }
        break;
      case OpType::kAveragePool2D:
        if (expect(kPool2DOptions)) {
          o.padding = padding(t, &status);
          o.stride_w = fb.scalar<int32_t>(t, 1, 0, "stride_w");
          o.stride_h = fb.scalar<int32_t>(t, 2, 0, "stride_h");
          o.filter_w = fb.scalar<int32_t>(t, 3, 0, "filter_width");
          o.filter_h = fb.scalar<int32_t>(t, 4, 0, "filter_height");
          o.activation = activation(t, 5, &status);
        }
        break;
      case OpType::kFullyConnected:
        if (expect(kFullyConnectedOptions)) {
          o.activation = activation(t, 0, &status);
          o.weights_format = fb.scalar<int8_t>(t, 1, 0, "weights_format");
          o.keep_num_dims = fb.scalar<uint8_t>(t, 2, 0, "keep_num_dims") != 0;
        }
        break;
      case OpType::kSoftmax:
        if (expect(kSoftmaxOptions)) o.beta = fb.scalar<float>(t, 0, 1.0f, "beta");
        break;
      case OpType::kAdd:
        if (expect(kAddOptions)) o.activation = activation(t, 0, &status);
        break;
      case OpType::kMul:
        if (expect(kMulOptions)) o.activation = activation(t, 0, &status);
        break;
      case OpType::kSub:
        if (expect(kSubOptions)) o.activation = activation(t, 0, &status);
        break;
      case OpType::kReshape:
        if (expect(kReshapeOptions)) o.new_shape = int_vector(t, 0, "new_shape");
        break;
      case OpType::kMean:
        if (expect(kReducerOptions)) o.keep_dims = fb.scalar<uint8_t>(t, 0, 0, "keep_dims") != 0;
        break;
      case OpType::kSqueeze:
        if (expect(kSqueezeOptions)) o.squeeze_dims = int_vector(t, 0, "squeeze_dims");
        break;
      default:
        break;  // ops without options, or ops rejected later as unsupported
    }
    return status;
  }

  Status quantization(const fb::Table& t, TensorInfo* tensor) {
    const fb::Table q = fb.table(t, tensor_field::kQuantization, "quantization");
    if (!q.present) return Status::ok();
    if (fb.scalar<uint8_t>(q, quant_field::kDetailsType, 0, "quantization details") != 0) {
      return unsupported("tensor '" + tensor->name + "' uses custom quantization details");
    }
    const fb::Vector scales = fb.vector(q, quant_field::kScale, 4, "quantization scale");
    const fb::Vector zero_points = fb.vector(q, quant_field::kZeroPoint, 8, "quantization zero_point");
    Quantization& out = tensor->quantization;
    for (uint32_t i = 0; i < scales.size && fb.ok(); ++i) {
      const float s = fb.scalar_at<float>(scales, i, "quantization scale");
      if (!std::isfinite(s) || s < 0.0f) {
        return invalid_model("tensor '" + tensor->name + "' has quantization scale " + std::to_string(s));
      }
      out.scales.push_back(s);
    }
    for (uint32_t i = 0; i < zero_points.size && fb.ok(); ++i) {
      const int64_t z = fb.scalar_at<int64_t>(zero_points, i, "quantization zero_point");
      if (z < std::numeric_limits<int32_t>::min() || z > std::numeric_limits<int32_t>::max()) {
        return invalid_model("tensor '" + tensor->name + "' has zero point " + std::to_string(z));
      }
      out.zero_points.push_back(static_cast<int32_t>(z));
    }
    out.quantized_dimension = fb.scalar<int32_t>(q, quant_field::kQuantizedDimension, 0, "quantized_dimension");
    if (!out.scales.empty() && out.zero_points.size() != out.scales.size() && out.zero_points.size() > 1) {
      return invalid_model("tensor '" + tensor->name + "' has " + std::to_string(out.scales.size()) +
                           " scales but " + std::to_string(out.zero_points.size()) + " zero points");
    }
    return Status::ok();
  }

  // The bytes of buffer `index`: inline data or, for files over 2 GB, an
  // offset/size pair relative to the file start.
  Status buffer_data(const fb::Vector& buffers, uint32_t index, const uint8_t** data, size_t* size) {
    *data = nullptr;
    *size = 0;
    if (index >= buffers.size) return invalid_model("buffer index " + std::to_string(index) + " out of range");
    const fb::Table b = fb.table_at(buffers, index, "buffer");
    const fb::Vector v = fb.vector(b, buffer_field::kData, 1, "buffer data");
    if (v.size > 0) {
      *data = fb.data() + v.pos;
      *size = v.size;
      return Status::ok();
    }
    const uint64_t offset = fb.scalar<uint64_t>(b, buffer_field::kOffset, 0, "buffer offset");
    const uint64_t length = fb.scalar<uint64_t>(b, buffer_field::kSize, 0, "buffer size");
    if (offset > 1 && length > 0) {
      if (offset > fb.size() || length > fb.size() - offset) {
        return invalid_model("buffer " + std::to_string(index) + " points past the end of the file");
      }
      *data = fb.data() + offset;
      *size = static_cast<size_t>(length);
    }
    return Status::ok();
  }

  Status tensor(const fb::Table& t, const fb::Vector& buffers, size_t index, TensorInfo* out) {
    out->name = fb.string(t, tensor_field::kName, "tensor name");
    const std::string label = "tensor #" + std::to_string(index) + " '" + out->name + "'";
    const int8_t type = fb.scalar<int8_t>(t, tensor_field::kType, 0, "tensor type");
    if (!is_known_dtype(type)) {
      return unsupported(label + " has element type " + tensor_type_name(type) +
                         " (supported: float32, int32, uint8, int64, int16, int8)");
    }
    out->dtype = static_cast<DType>(type);
    if (fb.table(t, tensor_field::kSparsity, "sparsity").present) {
      return unsupported(label + " is sparse; sparse tensors are not supported");
    }
    const fb::Vector shape = fb.vector(t, tensor_field::kShape, 4, "tensor shape");
    if (shape.size > static_cast<uint32_t>(Shape::kMaxRank)) {
      return unsupported(label + " has rank " + std::to_string(shape.size) + " (at most 6 supported)");
    }
    int64_t elements = 1;
    for (uint32_t i = 0; i < shape.size && fb.ok(); ++i) {
      const int32_t d = fb.scalar_at<int32_t>(shape, i, "tensor shape");
      if (d < 0) return unsupported(label + " has a dynamic or negative dimension (" + std::to_string(d) + ")");
      out->shape.push_back(d);
      elements *= d == 0 ? 1 : d;
      if (elements > limits.max_tensor_elements) {
        return invalid_model(label + " is too large (over " + std::to_string(limits.max_tensor_elements) + " elements)");
      }
    }
    MNW_RETURN_IF_ERROR(quantization(t, out));
    const uint32_t buffer = fb.scalar<uint32_t>(t, tensor_field::kBuffer, 0, "tensor buffer");
    MNW_RETURN_IF_ERROR(buffer_data(buffers, buffer, &out->data, &out->data_size));
    if (out->data != nullptr && out->data_size != out->byte_size()) {
      return invalid_model(label + " of shape " + out->shape.to_string() + " and type " + dtype_name(out->dtype) +
                           " needs " + std::to_string(out->byte_size()) + " bytes but its buffer has " +
                           std::to_string(out->data_size));
    }
    return Status::ok();
  }

  Status index_list(const fb::Table& t, int field, size_t tensor_count, bool allow_omitted, const char* what,
                    std::vector<int32_t>* out) {
    *out = int_vector(t, field, what);
    for (int32_t i : *out) {
      if ((i < 0 && !(allow_omitted && i == -1)) || (i >= 0 && static_cast<size_t>(i) >= tensor_count)) {
        return invalid_model(std::string(what) + " refers to tensor " + std::to_string(i) + " of " +
                             std::to_string(tensor_count));
      }
    }
    return Status::ok();
  }
};

}  // namespace

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::kNone: return "NONE";
    case Activation::kRelu: return "RELU";
    case Activation::kReluN1To1: return "RELU_N1_TO_1";
    case Activation::kRelu6: return "RELU6";
  }
  return "?";
}

std::string Model::describe_op(size_t op_index) const {
  std::string s = "op #" + std::to_string(op_index);
  if (op_index < operators.size()) s += " " + op_type_name(operators[op_index].builtin_code);
  return s;
}

Result<std::shared_ptr<const Model>> read_model(std::vector<uint8_t> bytes, const ModelLimits& limits) {
  auto model = std::make_shared<Model>();
  model->bytes = std::move(bytes);
  const std::vector<uint8_t>& data = model->bytes;
  if (data.size() < 8) return invalid_model("file is too small to be a TFLite model (" + std::to_string(data.size()) + " bytes)");
  if (data.size() > std::numeric_limits<uint32_t>::max()) return invalid_model("model files over 4 GB are not supported");
  if (std::string_view(reinterpret_cast<const char*>(data.data()) + 4, 4) != "TFL3") {
    return invalid_model("not a TFLite model: the file identifier is not 'TFL3'");
  }
  fb::Buffer fb(data.data(), data.size());
  Reader r{fb, limits};
  auto fail = [&](const Status& s) -> Result<std::shared_ptr<const Model>> { return s; };
  auto check_fb = [&]() { return fb.ok() ? Status::ok() : invalid_model(fb.error()); };

  const fb::Table root = fb.root();
  model->schema_version = fb.scalar<uint32_t>(root, model_field::kVersion, 0, "model version");
  model->description = fb.string(root, model_field::kDescription, "model description");
  if (auto s = check_fb(); !s) return fail(s);
  if (model->schema_version != 3) {
    return invalid_model("TFLite schema version " + std::to_string(model->schema_version) + " is not supported (expected 3)");
  }

  // Operator codes: the builtin code is the larger of the deprecated int8
  // field and the newer int32 field (files written before code 127 existed
  // only set the former).
  const fb::Vector codes = fb.vector(root, model_field::kOperatorCodes, 4, "operator_codes");
  struct Code { int32_t builtin; int32_t version; std::string custom; };
  std::vector<Code> opcodes;
  for (uint32_t i = 0; i < codes.size && fb.ok(); ++i) {
    const fb::Table c = fb.table_at(codes, i, "operator code");
    const int32_t deprecated = fb.scalar<int8_t>(c, opcode_field::kDeprecatedBuiltinCode, 0, "deprecated_builtin_code");
    const int32_t builtin = fb.scalar<int32_t>(c, opcode_field::kBuiltinCode, 0, "builtin_code");
    opcodes.push_back({std::max(deprecated, builtin), fb.scalar<int32_t>(c, opcode_field::kVersion, 1, "opcode version"),
                       fb.string(c, opcode_field::kCustomCode, "custom_code")});
  }
  if (auto s = check_fb(); !s) return fail(s);

  const fb::Vector subgraphs = fb.vector(root, model_field::kSubgraphs, 4, "subgraphs");
  if (subgraphs.size == 0) return invalid_model(fb.ok() ? "model has no subgraph" : fb.error());
  const fb::Table graph = fb.table_at(subgraphs, 0, "subgraph 0");
  const fb::Vector buffers = fb.vector(root, model_field::kBuffers, 4, "buffers");
  const fb::Vector tensors = fb.vector(graph, subgraph_field::kTensors, 4, "tensors");
  const fb::Vector operators = fb.vector(graph, subgraph_field::kOperators, 4, "operators");
  if (auto s = check_fb(); !s) return fail(s);
  if (tensors.size > limits.max_tensors) return invalid_model("model has " + std::to_string(tensors.size) + " tensors, over the limit");
  if (operators.size > limits.max_operators) return invalid_model("model has " + std::to_string(operators.size) + " operators, over the limit");

  model->tensors.resize(tensors.size);
  for (uint32_t i = 0; i < tensors.size; ++i) {
    const fb::Table t = fb.table_at(tensors, i, "tensor");
    Status s = r.tensor(t, buffers, i, &model->tensors[i]);
    if (auto f = check_fb(); !f) return fail(f);
    if (!s) return fail(s);
  }
  if (auto s = r.index_list(graph, subgraph_field::kInputs, tensors.size, false, "subgraph inputs", &model->inputs); !s) return fail(s);
  if (auto s = r.index_list(graph, subgraph_field::kOutputs, tensors.size, false, "subgraph outputs", &model->outputs); !s) return fail(s);

  model->operators.resize(operators.size);
  for (uint32_t i = 0; i < operators.size; ++i) {
    OperatorInfo& op = model->operators[i];
    const fb::Table t = fb.table_at(operators, i, "operator");
    const uint32_t opcode = fb.scalar<uint32_t>(t, operator_field::kOpcodeIndex, 0, "opcode_index");
    if (auto f = check_fb(); !f) return fail(f);
    if (opcode >= opcodes.size()) {
      return invalid_model("op #" + std::to_string(i) + " uses operator code " + std::to_string(opcode) + " of " +
                           std::to_string(opcodes.size()));
    }
    op.builtin_code = opcodes[opcode].builtin;
    op.version = opcodes[opcode].version;
    op.custom_code = opcodes[opcode].custom;
    const std::string what = model->describe_op(i);
    if (auto s = r.index_list(t, operator_field::kInputs, tensors.size, true, "operator inputs", &op.inputs); !s) {
      return invalid_model(what + ": " + s.message());
    }
    if (auto s = r.index_list(t, operator_field::kOutputs, tensors.size, false, "operator outputs", &op.outputs); !s) {
      return invalid_model(what + ": " + s.message());
    }
    if (auto s = r.options(t, &op); !s) return Status(s.code(), what + ": " + s.message());
    if (auto f = check_fb(); !f) return fail(f);
  }

  // Metadata: labels from the zip appended to the file, normalization from
  // the TFLITE_METADATA flatbuffer. Both optional; a broken one is ignored
  // rather than failing a model that runs fine.
  const fb::Vector metadata = fb.vector(root, model_field::kMetadata, 4, "metadata");
  for (uint32_t i = 0; i < metadata.size && fb.ok(); ++i) {
    const fb::Table m = fb.table_at(metadata, i, "metadata");
    if (fb.string(m, metadata_field::kName, "metadata name") != "TFLITE_METADATA") continue;
    const uint32_t b = fb.scalar<uint32_t>(m, metadata_field::kBuffer, 0, "metadata buffer");
    const uint8_t* meta = nullptr;
    size_t meta_size = 0;
    if (fb.ok() && r.buffer_data(buffers, b, &meta, &meta_size).is_ok() && meta != nullptr) {
      read_normalization_metadata(meta, meta_size, &model->norm_mean, &model->norm_std);
    }
  }
  if (auto s = check_fb(); !s) return fail(s);
  model->labels = read_associated_labels(data.data(), data.size());
  return std::shared_ptr<const Model>(std::move(model));
}

}  // namespace mnw
