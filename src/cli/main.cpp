// mobilenet: run quantized MobileNet .tflite models from the command line.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace {

constexpr const char* kUsage = R"(usage: mobilenet <command> [options]

commands:
  run   --model M.tflite --input in.bin --output out.bin [--kernels simd|reference]
        Run the model on a raw input tensor (exact bytes: NHWC, the model's
        input type) and write the raw output tensor.
  info  M.tflite
        Inputs, outputs, quantization, operators, labels and memory of a model.
  dump  --model M.tflite --input in.bin --out DIR [--kernels simd|reference]
        Write every operator's output tensor as DIR/NNN_OPNAME.bin (the naming
        of TFLite's dump in shared/peers), plus DIR/index.json.
  bench [--runs N] [--warmup N] [--block N] [--profile [--kernels K]] MODEL|DIR...
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
  if (command == "bench") return bench_command(Args(rest, {"profile"}));
  return usage_error("unknown command '" + command + "'");
}
