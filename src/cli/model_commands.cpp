// Verbs that work on raw tensors: run, info, dump.
#include <cstdio>
#include <filesystem>
#include <map>

#include "api/interpreter.hpp"
#include "cli/cli.hpp"
#include "model/op_type.hpp"

namespace mnw::cli {
namespace {

Result<KernelPath> kernel_path_option(const Args& args) {
  const auto v = args.value("kernels");
  if (!v || *v == "simd") return default_kernel_path();
  if (*v == "reference") return KernelPath::kReference;
  return invalid_argument("--kernels must be 'simd' or 'reference', not '" + *v + "'");
}

// fuse_byte_maps: see InterpreterOptions (off where every operator's output is dumped).
Result<std::unique_ptr<Interpreter>> load(const std::string& path, const Args& args, bool fuse_byte_maps = true) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.status();
  auto kernels = kernel_path_option(args);
  if (!kernels) return kernels.status();
  InterpreterOptions options;
  options.kernel_path = *kernels;
  options.threads = args.int_value("threads", 1);
  options.fuse_byte_maps = fuse_byte_maps;
  auto interpreter = Interpreter::from_bytes(std::move(bytes).value(), options);
  if (!interpreter) return Status(interpreter.status().code(), path + ": " + interpreter.status().message());
  return interpreter;
}

std::string describe_quantization(const Quantization& q) {
  if (q.empty()) return "not quantized";
  if (q.per_channel()) return "per-channel (" + std::to_string(q.scales.size()) + " scales, axis " +
                              std::to_string(q.quantized_dimension) + ")";
  char text[64];
  std::snprintf(text, sizeof text, "scale %.9g, zero point %d", static_cast<double>(q.scale()), q.zero_point());
  return text;
}

Result<std::unique_ptr<Interpreter>> load_model_option(const Args& args, bool fuse_byte_maps) {
  const auto model = args.value("model");
  if (!model) return invalid_argument("--model is required");
  return load(*model, args, fuse_byte_maps);
}

// The interpreter of --model with the raw tensor of `input_path` as its input.
Result<std::unique_ptr<Interpreter>> load_with_input(const Args& args, const std::string& input_path,
                                                     bool fuse_byte_maps = true) {
  auto interpreter = load_model_option(args, fuse_byte_maps);
  if (!interpreter) return interpreter.status();
  auto input = read_file(input_path);
  if (!input) return input.status();
  MNW_RETURN_IF_ERROR(interpreter.value()->set_input(0, input->data(), input->size()));
  return interpreter;
}

}  // namespace

int run_command(const Args& args) {
  if (auto s = args.check_known({"model", "input", "output", "kernels", "threads"}); !s) return usage_error(s.message());
  const auto input_path = args.value("input");
  const auto output_path = args.value("output");
  if (!input_path || !output_path) return usage_error("run needs --model, --input and --output");
  auto interpreter = load_with_input(args, *input_path);
  if (!interpreter) return fail(interpreter.status());
  Interpreter& engine = *interpreter.value();
  engine.invoke();
  if (auto s = write_file(*output_path, engine.output_data(0), engine.output(0).byte_size()); !s) return fail(s);
  return 0;
}

int info_command(const Args& args) {
  if (auto s = args.check_known({"kernels"}); !s) return usage_error(s.message());
  if (args.positional().size() != 1) return usage_error("info takes one model file");
  auto interpreter = load(args.positional()[0], args);
  if (!interpreter) return fail(interpreter.status());
  const Interpreter& engine = *interpreter.value();
  const Model& model = engine.model();
  std::printf("model: %s (%zu bytes)\n", args.positional()[0].c_str(), model.bytes.size());
  if (!model.description.empty()) std::printf("description: %s\n", model.description.c_str());
  auto print_tensor = [](const char* role, const TensorInfo& t) {
    std::printf("%s '%s': %s %s, %s\n", role, t.name.c_str(), t.shape.to_string().c_str(), dtype_name(t.dtype),
                describe_quantization(t.quantization).c_str());
  };
  for (size_t i = 0; i < engine.input_count(); ++i) print_tensor("input", engine.input(i));
  for (size_t i = 0; i < engine.output_count(); ++i) print_tensor("output", engine.output(i));
  std::map<std::string, int> counts;
  for (const OperatorInfo& op : model.operators) ++counts[op_type_name(op.builtin_code)];
  std::printf("operators: %zu (", model.operators.size());
  bool first = true;
  for (const auto& [name, n] : counts) {
    std::printf("%s%s %d", first ? "" : ", ", name.c_str(), n);
    first = false;
  }
  std::printf(")\n");
  std::printf("labels: %s\n", model.labels.empty() ? "none in the model"
                                                   : (std::to_string(model.labels.size()) + " in the model").c_str());
  if (!model.norm_mean.empty()) {
    std::printf("normalization: mean %g, std %g\n", static_cast<double>(model.norm_mean[0]),
                static_cast<double>(model.norm_std[0]));
  }
  std::printf("activation memory: %zu bytes\nkernels: %s\n", engine.arena_bytes(), kernel_path_name(engine.kernel_path()));
  return 0;
}

int dump_command(const Args& args) {
  if (auto s = args.check_known({"model", "input", "out", "kernels"}); !s) return usage_error(s.message());
  const auto input_path = args.value("input");
  const auto out_dir = args.value("out");
  if (!input_path || !out_dir) return usage_error("dump needs --model, --input and --out");
  auto interpreter = load_with_input(args, *input_path, /*fuse_byte_maps=*/false);
  if (!interpreter) return fail(interpreter.status());
  Interpreter& engine = *interpreter.value();
  std::error_code ec;
  std::filesystem::create_directories(*out_dir, ec);
  if (ec) return fail(io_error("cannot create '" + *out_dir + "': " + ec.message()));

  // Same file naming as TFLite's dump (peers/tflite-dump.mjs), so the two
  // folders can be compared file by file.
  const Model& model = engine.model();
  Status status;
  std::string index = "[\n";
  engine.invoke([&](size_t op_index, const TensorData& tensors) {
    const OperatorInfo& op = model.operators[op_index];
    const int32_t t = op.outputs[0];
    const TensorInfo& info = model.tensors[static_cast<size_t>(t)];
    char name[96];
    std::snprintf(name, sizeof name, "%03zu_%s.bin", op_index, op_type_name(op.builtin_code).c_str());
    if (status) status = write_file(*out_dir + "/" + name, tensors.get(t), info.byte_size());
    index += std::string(op_index ? ",\n" : "") + " {\"op\": " + std::to_string(op_index) + ", \"file\": \"" + name +
             "\", \"tensor\": " + std::to_string(t) + ", \"shape\": \"" + info.shape.to_string() + "\", \"dtype\": \"" +
             dtype_name(info.dtype) + "\"}";
  });
  index += "\n]\n";
  if (status) status = write_file(*out_dir + "/index.json", reinterpret_cast<const uint8_t*>(index.data()), index.size());
  if (!status) return fail(status);
  std::printf("%zu tensors written to %s\n", model.operators.size(), out_dir->c_str());
  return 0;
}

}  // namespace mnw::cli
