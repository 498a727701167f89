#include "api/json_output.hpp"

#include <cstdio>
#include <map>

#include "core/json.hpp"
#include "model/op_type.hpp"

namespace mnw {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string shape_json(const Shape& shape) {
  std::string out = "[";
  for (int i = 0; i < shape.rank(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string tensor_json(const TensorInfo& t) {
  return "{\"name\":" + json_quote(t.name) + ",\"shape\":" + shape_json(t.shape) + ",\"dtype\":" + json_quote(dtype_name(t.dtype)) +
         ",\"scale\":" + number(t.quantization.scale()) + ",\"zeroPoint\":" + std::to_string(t.quantization.zero_point()) +
         ",\"bytes\":" + std::to_string(t.byte_size()) + "}";
}

}  // namespace

std::string classifications_json(const std::vector<Classification>& results) {
  std::string out = "[";
  for (size_t i = 0; i < results.size(); ++i) {
    const Classification& c = results[i];
    out += std::string(i ? "," : "") + "{\"index\":" + std::to_string(c.index) + ",\"label\":" + json_quote(c.label) +
           ",\"probability\":" + number(c.probability) + "}";
  }
  return out + "]";
}

std::string model_info_json(const Classifier& classifier) {
  Interpreter& engine = const_cast<Classifier&>(classifier).interpreter();
  const Model& model = engine.model();
  std::map<std::string, int> ops;
  for (const OperatorInfo& op : model.operators) ++ops[op_type_name(op.builtin_code)];
  std::string op_counts = "{";
  for (const auto& [name, n] : ops) op_counts += (op_counts.size() > 1 ? "," : "") + json_quote(name) + ":" + std::to_string(n);
  op_counts += "}";
  std::string inputs = "[", outputs = "[";
  for (size_t i = 0; i < engine.input_count(); ++i) inputs += (i ? "," : "") + tensor_json(engine.input(i));
  for (size_t i = 0; i < engine.output_count(); ++i) outputs += (i ? "," : "") + tensor_json(engine.output(i));
  bool has_labels = false;
  for (const std::string& l : classifier.labels()) has_labels |= !l.empty();
  return "{\"inputs\":" + inputs + "],\"outputs\":" + outputs + "],\"width\":" + std::to_string(classifier.input_spec().width) +
         ",\"height\":" + std::to_string(classifier.input_spec().height) +
         ",\"inputType\":" + json_quote(dtype_name(classifier.input_spec().dtype)) +
         ",\"classes\":" + std::to_string(classifier.class_count()) + ",\"labels\":" + (has_labels ? "true" : "false") +
         ",\"ops\":" + op_counts + ",\"operatorCount\":" + std::to_string(model.operators.size()) +
         ",\"kernels\":" + json_quote(kernel_path_name(engine.kernel_path())) +
         ",\"arenaBytes\":" + std::to_string(engine.arena_bytes()) +
         ",\"tableBytes\":" + std::to_string(engine.table_bytes()) + ",\"description\":" + json_quote(model.description) + "}";
}

std::string operator_timings_json(const std::vector<OperatorTiming>& timings) {
  std::string out = "[";
  for (size_t i = 0; i < timings.size(); ++i) {
    const OperatorTiming& t = timings[i];
    out += std::string(i ? "," : "") + "{\"type\":" + json_quote(t.type) + ",\"output\":" + shape_json(t.output) +
           ",\"macs\":" + std::to_string(t.macs) + ",\"ms\":" + number(t.ms) +
           ",\"fusedInto\":" + std::to_string(t.fused_into) + "}";
  }
  return out + "]";
}

}  // namespace mnw
