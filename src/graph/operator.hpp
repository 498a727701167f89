// The operator layer: an Operator is created once per model node. Creation
// validates the node (types, shapes, options), precomputes requantization
// parameters and packs weights; run() only computes and cannot fail.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.hpp"
#include "kernels/dispatch.hpp"
#include "model/model.hpp"
#include "parallel/thread_pool.hpp"

namespace mnw {

// Where every tensor's bytes are during a run: constants point into the
// model file, activations into the interpreter's arena.
class TensorData {
 public:
  explicit TensorData(uint8_t* const* pointers) : pointers_(pointers) {}
  template <typename T = uint8_t>
  T* get(int32_t tensor) const {
    return reinterpret_cast<T*>(pointers_[tensor]);
  }

 private:
  uint8_t* const* pointers_;
};

// An 8-bit elementwise op with constant parameters (HARD_SWISH, MUL by a
// constant, ...) is a 256-entry table from its activation input's byte to
// its output's.
using ByteTable = std::array<uint8_t, 256>;
struct ByteMap {
  const ByteTable* table = nullptr;  // null: the op is no byte map
  int32_t input = -1, output = -1;   // tensors
};

// table followed by next, in place: what absorbing a byte map does to a table.
inline void compose_byte_tables(ByteTable& table, const ByteTable& next) {
  for (uint8_t& value : table) value = next[value];
}

class Operator {
 public:
  virtual ~Operator() = default;
  virtual void run(const TensorData& tensors) = 0;

  // Chains of byte maps (see Interpreter) run as one pass: the op's table,
  // if it is a byte map.
  virtual ByteMap byte_map() const { return {}; }
  // Makes the op apply `next` to every byte it writes and write the result
  // to tensor `output` instead of its own output; false if it cannot.
  virtual bool absorb_byte_map(const ByteTable& /*next*/, int32_t /*output*/) { return false; }
  // Once fusion is done, for the operators that run: builds the optional
  // lookup tables that make the op faster, taking their bytes from what is
  // left of the interpreter's allowance (InterpreterOptions::max_table_bytes).
  virtual void build_tables(size_t& /*table_bytes_left*/) {}
};

// What an operator sees while it is being created.
class OpContext {
 public:
  OpContext(const Model& model, size_t op_index, KernelPath kernel_path, ThreadPool& thread_pool)
      : model_(model),
        op_index_(op_index),
        op_(model.operators[op_index]),
        kernel_path_(kernel_path),
        thread_pool_(thread_pool) {}

  const Model& model() const { return model_; }
  const OperatorInfo& op() const { return op_; }
  const OpOptions& options() const { return op_.options; }
  KernelPath kernel_path() const { return kernel_path_; }
  // The interpreter's threads, which outlive the operator: operators that
  // split their work keep a reference.
  ThreadPool& thread_pool() const { return thread_pool_; }

  size_t input_count() const { return op_.inputs.size(); }
  bool has_input(size_t i) const { return i < op_.inputs.size() && op_.inputs[i] >= 0; }
  int32_t input_index(size_t i) const { return op_.inputs[i]; }
  int32_t output_index(size_t i) const { return op_.outputs[i]; }
  const TensorInfo& input(size_t i) const { return model_.tensors[static_cast<size_t>(op_.inputs[i])]; }
  const TensorInfo& output(size_t i) const { return model_.tensors[static_cast<size_t>(op_.outputs[i])]; }

  // An error prefixed with the operator: "op #7 DEPTHWISE_CONV_2D: ...".
  Status error(ErrorCode code, const std::string& message) const;
  Status unsupported(const std::string& message) const { return error(ErrorCode::kUnsupported, message); }
  Status invalid(const std::string& message) const { return error(ErrorCode::kInvalidModel, message); }

  // Checks the node has between min_inputs and max_inputs inputs (the
  // required ones present) and exactly `outputs` outputs.
  Status expect_io(size_t min_inputs, size_t max_inputs, size_t outputs) const;
  // Checks a tensor has one of the given types.
  Status expect_dtype(const TensorInfo& t, std::initializer_list<DType> allowed) const;
  // Checks the model-declared output shape equals what the op computes.
  Status expect_output_shape(size_t i, const Shape& computed) const;
  // Checks that a tensor is a constant (weights, axes, shapes).
  Status expect_constant(const TensorInfo& t, const char* role) const;
  // Per-tensor quantization is required (scale > 0, zero point in range).
  Status expect_per_tensor_quantization(const TensorInfo& t, const char* role) const;
  // An 8-bit tensor's zero points must lie in its type's range.
  Status expect_zero_points_in_range(const TensorInfo& t, const char* role) const;

 private:
  const Model& model_;
  size_t op_index_;
  const OperatorInfo& op_;
  KernelPath kernel_path_;
  ThreadPool& thread_pool_;
};

using OperatorPtr = std::unique_ptr<Operator>;

}  // namespace mnw
