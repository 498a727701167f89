// The engine's C++ entry point: load a .tflite model once, then run it on raw
// input tensors as often as needed.
//
//   auto interpreter = mnw::Interpreter::from_bytes(std::move(file_bytes));
//   if (!interpreter) { report(interpreter.status().message()); }
//   (*interpreter)->set_input(0, pixels.data(), pixels.size());
//   (*interpreter)->invoke();
//   const uint8_t* scores = (*interpreter)->output_data(0);
//
// Creation validates the whole graph, packs weights and plans activation
// memory; invoke() allocates nothing. One Interpreter must not be used from two
// threads at once (it runs its own threads inside invoke()); distinct Interpreters (even of one Model) are independent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/status.hpp"
#include "graph/operator.hpp"
#include "kernels/dispatch.hpp"
#include "model/model.hpp"

namespace mnw {

struct InterpreterOptions {
  KernelPath kernel_path = default_kernel_path();
  // Threads that share each large layer, the calling one included. Clamped
  // to [1, kMaxThreads].
  int threads = 1;
  // When set, used instead of starting `threads` threads of its own (a
  // WebAssembly module has a fixed set of Web Workers). Interpreters sharing
  // a pool must not invoke at the same time.
  std::shared_ptr<ThreadPool> thread_pool;
  // Refuse models whose activations would need more memory than this.
  size_t max_arena_bytes = size_t{1} << 30;
  // At most this much memory for the lookup tables that make some ops faster
  // (kernels/byte_pair_map.hpp: 128 KB or 64 KB each, in wasm; MobileNet V3
  // Small builds 2.5 MB). Ops past it run without them.
  size_t max_table_bytes = size_t{32} << 20;
  // Run a chain of 8-bit elementwise ops with constant parameters (a float
  // model's input normalization QUANTIZE -> MUL -> SUB, say) as one table
  // lookup; the tensors inside the chain are then never written. Off for
  // dumping every operator's output.
  bool fuse_byte_maps = true;
};

class Interpreter {
 public:
  static constexpr int kMaxThreads = 64;

  static Result<std::unique_ptr<Interpreter>> create(std::shared_ptr<const Model> model,
                                                     const InterpreterOptions& options = {});
  static Result<std::unique_ptr<Interpreter>> from_bytes(std::vector<uint8_t> model_bytes,
                                                         const InterpreterOptions& options = {});

  const Model& model() const { return *model_; }
  KernelPath kernel_path() const { return options_.kernel_path; }
  size_t arena_bytes() const { return arena_bytes_; }
  // Bytes of the optional lookup tables the operators built at load (see
  // InterpreterOptions::max_table_bytes).
  size_t table_bytes() const { return table_bytes_; }
  int threads() const { return thread_pool_->threads(); }

  size_t input_count() const { return model_->inputs.size(); }
  size_t output_count() const { return model_->outputs.size(); }
  const TensorInfo& input(size_t i) const { return model_->tensors[static_cast<size_t>(model_->inputs[i])]; }
  const TensorInfo& output(size_t i) const { return model_->tensors[static_cast<size_t>(model_->outputs[i])]; }

  // Copies an input tensor in; `size` must be exactly the tensor's byte size.
  Status set_input(size_t i, const void* data, size_t size);
  // Direct access to input/output memory (valid for the Interpreter's life).
  uint8_t* input_data(size_t i) { return tensor_pointers_[static_cast<size_t>(model_->inputs[i])]; }
  const uint8_t* output_data(size_t i) const { return tensor_pointers_[static_cast<size_t>(model_->outputs[i])]; }

  // Runs the graph on the current inputs.
  void invoke();
  // Runs the graph and calls after_op(op_index, tensor_data) after every
  // operator, while that operator's outputs are still intact: used to dump or
  // time intermediate tensors. An operator fused into an earlier one (see
  // fused_into) runs nothing; its output was written by that one.
  void invoke(const std::function<void(size_t op_index, const TensorData& tensors)>& after_op);
  // The operator that computes op_index's output along with its own, or -1.
  int fused_into(size_t op_index) const { return fused_into_[op_index]; }

 private:
  Interpreter() = default;

  std::shared_ptr<const Model> model_;
  InterpreterOptions options_;
  // Before the operators, which refer to it: destroyed after them.
  std::shared_ptr<ThreadPool> thread_pool_;
  std::vector<OperatorPtr> operators_;
  std::vector<int> fused_into_;  // per operator, see fused_into()
  std::unique_ptr<uint8_t[]> arena_storage_;
  size_t arena_bytes_ = 0;
  size_t table_bytes_ = 0;
  std::vector<uint8_t*> tensor_pointers_;  // per tensor: constant data or arena slot
};

}  // namespace mnw
