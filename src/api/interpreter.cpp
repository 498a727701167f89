#include "api/interpreter.hpp"

#include <algorithm>

#include <cstring>
#include <new>

#include "graph/memory_planner.hpp"
#include "ops/ops.hpp"

namespace mnw {
namespace {

// Checks the graph is a valid straight-line program: every activation a node
// reads was written before (by an earlier node or as a graph input), nodes
// write only activations, each exactly once; computes each activation's lifetime.
Status check_graph_and_lifetimes(const Model& model, std::vector<TensorLifetime>* lifetimes) {
  constexpr int kUnwritten = -2;
  std::vector<int> written_by(model.tensors.size(), kUnwritten);
  std::vector<int> last_read(model.tensors.size(), -1);
  for (int32_t t : model.inputs) {
    if (model.tensors[static_cast<size_t>(t)].is_constant()) {
      return invalid_model("graph input '" + model.tensors[static_cast<size_t>(t)].name + "' is a constant");
    }
    written_by[static_cast<size_t>(t)] = -1;
  }
  for (size_t i = 0; i < model.operators.size(); ++i) {
    const OperatorInfo& op = model.operators[i];
    for (int32_t t : op.inputs) {
      if (t < 0 || model.tensors[static_cast<size_t>(t)].is_constant()) continue;
      if (written_by[static_cast<size_t>(t)] == kUnwritten) {
        return invalid_model(model.describe_op(i) + " reads tensor '" + model.tensors[static_cast<size_t>(t)].name +
                             "' before anything writes it");
      }
      last_read[static_cast<size_t>(t)] = static_cast<int>(i);
    }
    for (int32_t t : op.outputs) {
      const TensorInfo& tensor = model.tensors[static_cast<size_t>(t)];
      if (tensor.is_constant()) return invalid_model(model.describe_op(i) + " writes constant tensor '" + tensor.name + "'");
      if (written_by[static_cast<size_t>(t)] != kUnwritten) {
        return invalid_model(model.describe_op(i) + " writes tensor '" + tensor.name + "', which is already written");
      }
      written_by[static_cast<size_t>(t)] = static_cast<int>(i);
    }
  }
  const int end = static_cast<int>(model.operators.size());
  for (int32_t t : model.outputs) {
    if (written_by[static_cast<size_t>(t)] == kUnwritten && !model.tensors[static_cast<size_t>(t)].is_constant()) {
      return invalid_model("graph output '" + model.tensors[static_cast<size_t>(t)].name + "' is never written");
    }
    last_read[static_cast<size_t>(t)] = end;
  }
  lifetimes->assign(model.tensors.size(), {});
  for (size_t t = 0; t < model.tensors.size(); ++t) {
    if (written_by[t] == kUnwritten) continue;
    TensorLifetime& l = (*lifetimes)[t];
    l.bytes = model.tensors[t].byte_size();
    l.first_op = written_by[t];
    l.last_op = std::max(last_read[t], written_by[t]);
  }
  return Status::ok();
}

// Folds each byte map (Operator::byte_map) into the operator that writes its
// input, where nothing else reads that tensor and the writer can absorb it:
// one pass over the data instead of two. Returns, per operator, the one it
// was folded into or -1, and updates the lifetimes: the absorbed output is
// written from the writer on, the tensor in between never.
std::vector<int> fuse_byte_maps(const Model& model, const std::vector<OperatorPtr>& operators,
                                std::vector<TensorLifetime>& lifetimes) {
  std::vector<int> writer(model.tensors.size(), -1), readers(model.tensors.size(), 0);
  for (size_t i = 0; i < model.operators.size(); ++i) {
    for (int32_t t : model.operators[i].inputs) {
      if (t >= 0) ++readers[static_cast<size_t>(t)];
    }
    for (int32_t t : model.operators[i].outputs) writer[static_cast<size_t>(t)] = static_cast<int>(i);
  }
  for (int32_t t : model.outputs) ++readers[static_cast<size_t>(t)];  // read after the run
  std::vector<int> fused_into(operators.size(), -1);
  for (size_t i = 0; i < operators.size(); ++i) {
    const ByteMap map = operators[i]->byte_map();
    if (map.table == nullptr) continue;
    const auto between = static_cast<size_t>(map.input);
    const int producer = writer[between];
    if (producer < 0 || readers[between] != 1) continue;
    if (!operators[static_cast<size_t>(producer)]->absorb_byte_map(*map.table, map.output)) continue;
    fused_into[i] = producer;
    writer[static_cast<size_t>(map.output)] = producer;
    lifetimes[static_cast<size_t>(map.output)].first_op = producer;
    lifetimes[between].bytes = 0;
  }
  return fused_into;
}

}  // namespace

Result<std::unique_ptr<Interpreter>> Interpreter::from_bytes(std::vector<uint8_t> model_bytes,
                                                             const InterpreterOptions& options) {
  auto model = read_model(std::move(model_bytes));
  if (!model) return model.status();
  return create(std::move(model).value(), options);
}

Result<std::unique_ptr<Interpreter>> Interpreter::create(std::shared_ptr<const Model> model,
                                                         const InterpreterOptions& options) {
  if (model == nullptr) return invalid_argument("no model");
  std::unique_ptr<Interpreter> self(new Interpreter());
  self->model_ = model;
  self->options_ = options;
  if (model->inputs.empty() || model->outputs.empty()) return invalid_model("the graph has no inputs or no outputs");

  std::vector<TensorLifetime> lifetimes;
  MNW_RETURN_IF_ERROR(check_graph_and_lifetimes(*model, &lifetimes));

  self->thread_pool_ = options.thread_pool ? options.thread_pool
                                           : std::make_shared<ThreadPool>(std::clamp(options.threads, 1, kMaxThreads));
  self->operators_.reserve(model->operators.size());
  for (size_t i = 0; i < model->operators.size(); ++i) {
    auto op = create_operator(OpContext(*model, i, options.kernel_path, *self->thread_pool_));
    if (!op) return op.status();
    self->operators_.push_back(std::move(op).value());
  }
  self->fused_into_.assign(self->operators_.size(), -1);
  if (options.fuse_byte_maps) self->fused_into_ = fuse_byte_maps(*model, self->operators_, lifetimes);
  // A fused operator never runs: it goes now; the others get their tables,
  // so that a model of many small ops cannot make each build 64-128 KB.
  size_t table_bytes_left = options.max_table_bytes;
  for (size_t i = 0; i < self->operators_.size(); ++i) {
    if (self->fused_into_[i] >= 0) {
      self->operators_[i].reset();
    } else {
      self->operators_[i]->build_tables(table_bytes_left);
    }
  }
  self->table_bytes_ = options.max_table_bytes - table_bytes_left;

  // Only activations (lifetime bytes > 0) get arena space.
  const MemoryPlan plan = plan_memory(lifetimes);
  if (plan.arena_bytes > options.max_arena_bytes) {
    return out_of_memory("the model needs " + std::to_string(plan.arena_bytes) + " bytes of activations, over the limit of " +
                         std::to_string(options.max_arena_bytes));
  }
  self->arena_bytes_ = plan.arena_bytes;
  self->arena_storage_.reset(new (std::nothrow) uint8_t[plan.arena_bytes + kArenaAlignment]);
  if (!self->arena_storage_) return out_of_memory("cannot allocate " + std::to_string(plan.arena_bytes) + " bytes");
  const uintptr_t raw = reinterpret_cast<uintptr_t>(self->arena_storage_.get());
  uint8_t* arena = self->arena_storage_.get() + ((kArenaAlignment - raw % kArenaAlignment) % kArenaAlignment);
  std::memset(arena, 0, plan.arena_bytes);

  self->tensor_pointers_.assign(model->tensors.size(), nullptr);
  for (size_t t = 0; t < model->tensors.size(); ++t) {
    const TensorInfo& info = model->tensors[t];
    // Constants are read-only in practice; the pointer type is shared with activations.
    if (info.is_constant()) self->tensor_pointers_[t] = const_cast<uint8_t*>(info.data);
    else if (lifetimes[t].bytes > 0) self->tensor_pointers_[t] = arena + plan.offsets[t];
  }
  return self;
}

Status Interpreter::set_input(size_t i, const void* data, size_t size) {
  if (i >= input_count()) return invalid_argument("input " + std::to_string(i) + " does not exist");
  const TensorInfo& info = input(i);
  if (size != info.byte_size()) {
    return invalid_argument("input '" + info.name + "' takes " + std::to_string(info.byte_size()) + " bytes (" +
                            info.shape.to_string() + " " + dtype_name(info.dtype) + "), got " + std::to_string(size));
  }
  if (size > 0) std::memcpy(input_data(i), data, size);  // empty tensors have no memory
  return Status::ok();
}

void Interpreter::invoke() {
  const TensorData tensors(tensor_pointers_.data());
  for (size_t i = 0; i < operators_.size(); ++i) {
    if (fused_into_[i] < 0) operators_[i]->run(tensors);
  }
}

void Interpreter::invoke(const std::function<void(size_t, const TensorData&)>& after_op) {
  const TensorData tensors(tensor_pointers_.data());
  for (size_t i = 0; i < operators_.size(); ++i) {
    if (fused_into_[i] < 0) operators_[i]->run(tensors);
    after_op(i, tensors);
  }
}

}  // namespace mnw
