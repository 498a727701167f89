// Writes .tflite files for tests: a small FlatBuffers writer and, on top of
// it, a builder of tiny TFLite graphs (tensorflow/lite/schema/schema.fbs,
// schema version 3, file identifier "TFL3").
//
// Every field the builder knows is written explicitly, defaults included, and
// nothing is validated: tests use it to make hostile files as well as good ones.
// The schema constants below are written from schema.fbs on purpose instead of
// reusing the engine's enums, so a wrong code in the engine cannot hide.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace mnw::test {

// The bytes of `values` as stored in a little-endian file.
template <typename T>
std::vector<uint8_t> to_bytes(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// --- FlatBuffers -------------------------------------------------------------

// Builds a FlatBuffer back to front, as the format requires: an object is
// written before anything that refers to it, so every stored uoffset points
// forward. A Ref names a written object by its distance from the END of the
// buffer, which stays valid while more bytes are prepended.
class FlatBufferWriter {
 public:
  using Ref = uint32_t;

  // The fields of one table. Values are kept until table() writes them, so
  // other objects may be written while a Table is being filled.
  class Table {
   public:
    template <typename T>
    Table& scalar(int field, T value) {
      static_assert(std::is_arithmetic_v<T> && sizeof(T) <= 8);
      Field f{field, {}, sizeof(T), false, 0};
      std::memcpy(f.bytes, &value, sizeof(T));
      fields_.push_back(f);
      return *this;
    }
    Table& offset(int field, Ref ref) {
      fields_.push_back(Field{field, {}, 4, true, ref});
      return *this;
    }

   private:
    friend class FlatBufferWriter;
    struct Field {
      int id;
      uint8_t bytes[8];
      uint8_t size;
      bool is_offset;
      Ref ref;
    };
    std::vector<Field> fields_;
  };

  // With sharing on, equal vectors of scalars are written once and referred
  // to from every parent: legal FlatBuffers (TFLite's converter never does it).
  explicit FlatBufferWriter(bool share_vectors = false) : share_vectors_(share_vectors) {}

  // A vector of scalars; `alignment` of its first element may be raised
  // (TFLite's buffers ask for 16).
  template <typename T>
  Ref vector(const std::vector<T>& values, size_t alignment = sizeof(T)) {
    static_assert(std::is_arithmetic_v<T>);
    const size_t bytes = values.size() * sizeof(T);
    alignment = std::max<size_t>(alignment, 4);
    std::string key;
    if (share_vectors_) {
      key = std::to_string(alignment) + ":" + std::to_string(values.size()) + ":";
      key.append(reinterpret_cast<const char*>(values.data()), bytes);
      for (const auto& [k, ref] : shared_vectors_) {
        if (k == key) return ref;
      }
    }
    pad_to(alignment, bytes);
    for (size_t i = values.size(); i-- > 0;) prepend(&values[i], sizeof(T));
    const Ref ref = prepend_u32(static_cast<uint32_t>(values.size()));
    if (share_vectors_) shared_vectors_.emplace_back(std::move(key), ref);
    return ref;
  }
  Ref string(std::string_view s);
  Ref offset_vector(const std::vector<Ref>& refs);
  Ref table(const Table& t);
  // The finished buffer: root uoffset, then the 4-byte file identifier (none
  // if empty), then everything written so far.
  std::vector<uint8_t> finish(Ref root, std::string_view file_identifier);

 private:
  size_t size() const { return bytes_.size() - head_; }
  void prepend(const void* data, size_t n);
  Ref prepend_u32(uint32_t value);
  void prepend_uoffset(Ref target);
  // Pads so that after `following` more bytes the size is a multiple of `alignment`.
  void pad_to(size_t alignment, size_t following = 0);

  std::vector<uint8_t> bytes_;  // the buffer lives in bytes_[head_, end)
  size_t head_ = 0;
  size_t max_alignment_ = 4;
  std::vector<std::pair<std::vector<uint16_t>, size_t>> vtables_;  // written vtables, by distance from the end
  bool share_vectors_;
  std::vector<std::pair<std::string, Ref>> shared_vectors_;  // (alignment, size, bytes) -> vector
};

// --- TFLite schema codes -----------------------------------------------------

namespace tfl {

// TensorType
enum TensorType : int8_t {
  kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kUInt8 = 3, kInt64 = 4,
  kString = 5, kBool = 6, kInt16 = 7, kInt8 = 9,
};

// BuiltinOperator (the ones tests use).
namespace op {
enum BuiltinOperator : int32_t {
  kAdd = 0, kAveragePool2D = 1, kConcatenation = 2, kConv2D = 3, kDepthwiseConv2D = 4,
  kDequantize = 6, kFullyConnected = 9, kLogistic = 14, kMaxPool2D = 17, kMul = 18, kRelu = 19,
  kRelu6 = 21, kReshape = 22, kSoftmax = 25, kCustom = 32, kPad = 34, kMean = 40, kSub = 41,
  kSqueeze = 43, kQuantize = 114, kHardSwish = 117, kBatchMatmul = 126,
};
}  // namespace op

enum Padding : int8_t { kSame = 0, kValid = 1 };
// ActivationFunctionType
namespace act {
enum Activation : int8_t { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3, kTanh = 4 };
}  // namespace act

}  // namespace tfl

// --- builtin options tables ----------------------------------------------------

struct Conv2DOptions {
  int8_t padding = tfl::kValid;
  int32_t stride_w = 1, stride_h = 1;
  int8_t activation = tfl::act::kNone;
  int32_t dilation_w = 1, dilation_h = 1;
};
struct DepthwiseConv2DOptions {
  int8_t padding = tfl::kValid;
  int32_t stride_w = 1, stride_h = 1;
  int32_t depth_multiplier = 1;
  int8_t activation = tfl::act::kNone;
  int32_t dilation_w = 1, dilation_h = 1;
};
struct Pool2DOptions {
  int8_t padding = tfl::kValid;
  int32_t stride_w = 1, stride_h = 1;
  int32_t filter_w = 1, filter_h = 1;
  int8_t activation = tfl::act::kNone;
};
struct FullyConnectedOptions {
  int8_t activation = tfl::act::kNone;
  int8_t weights_format = 0;  // 0: DEFAULT
  bool keep_num_dims = false;
};
struct SoftmaxOptions { float beta = 1.0f; };
struct AddOptions { int8_t activation = tfl::act::kNone; };
struct SubOptions { int8_t activation = tfl::act::kNone; };
struct MulOptions { int8_t activation = tfl::act::kNone; };
struct ReshapeOptions { std::vector<int32_t> new_shape; };
struct ReducerOptions { bool keep_dims = false; };

using BuiltinOptions = std::variant<std::monostate, Conv2DOptions, DepthwiseConv2DOptions, Pool2DOptions,
                                    FullyConnectedOptions, SoftmaxOptions, AddOptions, SubOptions, MulOptions,
                                    ReshapeOptions, ReducerOptions>;

// --- model ----------------------------------------------------------------------

struct QuantSpec {
  std::vector<float> scales;  // empty: no quantization table at all
  std::vector<int64_t> zero_points;
  int32_t quantized_dimension = 0;
};

inline QuantSpec per_tensor(float scale, int64_t zero_point) { return {{scale}, {zero_point}, 0}; }

struct TensorSpec {
  std::string name;
  int8_t type = tfl::kUInt8;  // raw TensorType code, so unsupported ones can be written
  std::vector<int32_t> shape;
  QuantSpec quant;
  // Buffer index; 0 is the empty buffer every TFLite file starts with.
  uint32_t buffer = 0;
};

struct OperatorSpec {
  uint32_t opcode_index = 0;
  std::vector<int32_t> inputs, outputs;
  BuiltinOptions options;
  // Overrides the union type written for `options`, to write inconsistent files.
  int options_type_override = -1;
};

// A TFLite model with one subgraph, built up field by field.
class ModelBuilder {
 public:
  // An activation tensor (no data); returns its index.
  int tensor(std::string name, int8_t type, std::vector<int32_t> shape, QuantSpec quant = {});
  // A constant tensor with the given raw bytes in a buffer of its own.
  int constant(std::string name, int8_t type, std::vector<int32_t> shape, std::vector<uint8_t> data,
               QuantSpec quant = {});
  template <typename T>
  int constant_of(std::string name, int8_t type, std::vector<int32_t> shape, const std::vector<T>& values,
                  QuantSpec quant = {}) {
    return constant(std::move(name), type, std::move(shape), to_bytes(values), std::move(quant));
  }
  // An operator code; returns its index in operator_codes.
  int opcode(int32_t builtin_code, int32_t version = 1, std::string custom_code = {});
  // An operator using opcode `opcode_index` (see opcode()).
  void op(uint32_t opcode_index, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
          BuiltinOptions options = {});
  // opcode() and op() in one call, reusing an equal operator code.
  void builtin_op(int32_t builtin_code, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                  BuiltinOptions options = {});
  void set_inputs(std::vector<int32_t> tensors) { inputs_ = std::move(tensors); }
  void set_outputs(std::vector<int32_t> tensors) { outputs_ = std::move(tensors); }
  // A named metadata entry whose buffer holds `data` (e.g. "TFLITE_METADATA").
  void metadata(std::string name, std::vector<uint8_t> data);
  // A raw buffer (for specs that point tensors at it); returns its index.
  uint32_t buffer(std::vector<uint8_t> data);

  // Direct access, to make inconsistent files.
  std::vector<TensorSpec>& tensors() { return tensors_; }
  std::vector<OperatorSpec>& operators() { return operators_; }

  uint32_t schema_version = 3;
  std::string file_identifier = "TFL3";
  std::string description = "built by tests";
  // Write equal vectors (shapes, scales, indices) once; see FlatBufferWriter.
  bool share_vectors = false;

  std::vector<uint8_t> build() const;

 private:
  struct OpcodeSpec {
    int32_t builtin_code;
    int32_t version;
    std::string custom_code;
  };
  std::vector<TensorSpec> tensors_;
  std::vector<std::vector<uint8_t>> buffers_{{}};  // buffer 0: empty
  std::vector<OpcodeSpec> opcodes_;
  std::vector<OperatorSpec> operators_;
  std::vector<int32_t> inputs_, outputs_;
  std::vector<std::pair<std::string, uint32_t>> metadata_;
};

}  // namespace mnw::test
