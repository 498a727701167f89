// mobilenet: run quantized MobileNet .tflite models from the command line.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace {

constexpr const char* kUsage = R"(usage: mobilenet <command> [options]

commands:
  classify --model M.tflite [--labels L.txt] [--top K] [--json] [--crop F] [--canonical] IMAGE...
        Top-K classes of each photo (JPEG, PNG, BMP, GIF, ...). Labels come from
        --labels, else the model, else a *labels*.txt beside the model.
        --crop: central crop fraction (default 0.95); --canonical: the exact
        preprocessing of shared/golden (square crop, plain bilinear).
  eval  --model M.tflite [--json] [--limit N] [--crop F] [--canonical] DIR
        Top-1/top-5 accuracy over DIR, whose files start with the 0-based
        ImageNet class ("042_n01..._name.JPEG").
  run   --model M.tflite --input in.bin --output out.bin [--kernels simd|reference] [--threads N]
        Run the model on a raw input tensor (exact bytes: NHWC, the model's
        input type) and write the raw output tensor.
  info  M.tflite
        Inputs, outputs, quantization, operators, labels and memory of a model.
  dump  --model M.tflite --input in.bin --out DIR [--kernels simd|reference]
        Write every operator's output tensor as DIR/NNN_OPNAME.bin (the naming
        of TFLite's dump in shared/peers), plus DIR/index.json.
  bench [--runs N] [--warmup N] [--block N] [--threads N] [--profile [--kernels K]] MODEL|DIR...
        Median latency of each model on the reference and SIMD kernels, side by
        side; --profile times each operator instead (ms, MMAC, GMAC/s).

Exit status: 0 on success, 1 when the work failed, 2 for a usage error.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace mnw::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> rest(argv + 2, argv + argc);
  if (command == "run") return run_command(Args(rest, {}));
  if (command == "info") return info_command(Args(rest, {}));
  if (command == "dump") return dump_command(Args(rest, {}));
  if (command == "classify") return classify_command(Args(rest, {"json", "canonical"}));
  if (command == "eval") return eval_command(Args(rest, {"json", "canonical"}));
  if (command == "bench") return bench_command(Args(rest, {"profile"}));
  return usage_error("unknown command '" + command + "'");
}
