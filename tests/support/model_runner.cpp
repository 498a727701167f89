#include "support/model_runner.hpp"

#include <catch_amalgamated.hpp>

namespace mnw::test {

void add_single_op(ModelBuilder& model, int32_t builtin_code, std::vector<int32_t> inputs, int output,
                   BuiltinOptions options) {
  std::vector<int32_t> graph_inputs;
  for (int32_t t : inputs) {
    if (t >= 0 && model.tensors()[static_cast<size_t>(t)].buffer == 0) graph_inputs.push_back(t);
  }
  model.builtin_op(builtin_code, std::move(inputs), {output}, std::move(options));
  model.set_inputs(graph_inputs);
  model.set_outputs({output});
}

Result<std::unique_ptr<Interpreter>> load_model(const ModelBuilder& model, const InterpreterOptions& options) {
  auto read = read_model(model.build());
  if (!read) return read.status();
  return Interpreter::create(std::move(read).value(), options);
}

Result<std::unique_ptr<Interpreter>> load_model(const ModelBuilder& model, KernelPath path) {
  InterpreterOptions options;
  options.kernel_path = path;
  return load_model(model, options);
}

std::unique_ptr<Interpreter> require_model(const ModelBuilder& model, const InterpreterOptions& options) {
  auto loaded = load_model(model, options);
  INFO("kernel path: " << kernel_path_name(options.kernel_path));
  INFO("load error: " << loaded.status().message());
  REQUIRE(loaded.is_ok());
  return std::move(loaded).value();
}

std::unique_ptr<Interpreter> require_model(const ModelBuilder& model, KernelPath path) {
  InterpreterOptions options;
  options.kernel_path = path;
  return require_model(model, options);
}

Status load_error(const ModelBuilder& model) {
  auto loaded = load_model(model);
  REQUIRE_FALSE(loaded.is_ok());
  return loaded.status();
}

std::vector<uint8_t> run(Interpreter& interpreter, const std::vector<std::vector<uint8_t>>& inputs) {
  REQUIRE(inputs.size() == interpreter.input_count());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Status s = interpreter.set_input(i, inputs[i].data(), inputs[i].size());
    INFO(s.message());
    REQUIRE(s.is_ok());
  }
  interpreter.invoke();
  const size_t bytes = interpreter.output(0).byte_size();
  return std::vector<uint8_t>(interpreter.output_data(0), interpreter.output_data(0) + bytes);
}

}  // namespace mnw::test
