// Whole-model goldens: for every model and input in ../shared/golden, the
// engine's output equals TFLite's builtin integer kernels byte for byte
// (<case>.output_builtin.bin), on the SIMD and the reference kernel paths.
// Also reports how often our top-1 agrees with TFLite's default XNNPACK path
// (<case>.output.bin), which requantizes in float and so differs slightly.
#include <catch_amalgamated.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include "api/interpreter.hpp"
#include "support/shared_data.hpp"

using namespace mnw;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> golden_models(const std::string& golden_dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(golden_dir)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> golden_cases(const std::string& dir) {
  std::vector<std::string> cases;
  const std::string suffix = ".input.bin";
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      cases.push_back(name.substr(0, name.size() - suffix.size()));
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

// Index of the largest output value (the first on ties), for uint8 or float32 outputs.
size_t top1(const TensorInfo& info, const uint8_t* data) {
  const size_t n = static_cast<size_t>(info.shape.element_count());
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) {
    const bool greater = info.dtype == DType::kFloat32
                             ? reinterpret_cast<const float*>(data)[i] > reinterpret_cast<const float*>(data)[best]
                             : data[i] > data[best];
    if (greater) best = i;
  }
  return best;
}

}  // namespace

TEST_CASE("every model equals TFLite's builtin kernels on every golden input", "[golden]") {
  const auto shared = test::shared_dir();
  if (!shared) SKIP("../shared is not present: golden tests need ../shared/golden and ../shared/models");
  const std::string golden_dir = *shared + "/golden";
  const auto model_names = golden_models(golden_dir);
  REQUIRE(model_names.size() >= 9);

  for (const std::string& name : model_names) {
    DYNAMIC_SECTION(name) {
      const auto model_bytes = test::read_file_bytes(*shared + "/models/" + name + ".tflite");
      REQUIRE(model_bytes.has_value());
      auto model = read_model(*model_bytes);
      REQUIRE(model.is_ok());
      const auto cases = golden_cases(golden_dir + "/" + name);
      REQUIRE(!cases.empty());

      // The SIMD kernels on one thread and split over two, and the reference.
      for (const auto& [path, threads] : {std::pair{KernelPath::kSimd, 1}, std::pair{KernelPath::kSimd, 2},
                                          std::pair{KernelPath::kReference, 1}}) {
        InterpreterOptions options;
        options.kernel_path = path;
        options.threads = threads;
        auto interpreter = Interpreter::create(model.value(), options);
        REQUIRE(interpreter.is_ok());
        Interpreter& engine = *interpreter.value();
        int exact = 0, top1_agrees_with_xnnpack = 0;
        for (const std::string& c : cases) {
          CAPTURE(name, c, kernel_path_name(path), threads);
          const std::string base = golden_dir + "/" + name + "/" + c;
          const auto input = test::read_file_bytes(base + ".input.bin");
          const auto builtin = test::read_file_bytes(base + ".output_builtin.bin");
          const auto xnnpack = test::read_file_bytes(base + ".output.bin");
          REQUIRE(input.has_value());
          REQUIRE(builtin.has_value());
          REQUIRE(xnnpack.has_value());
          REQUIRE(engine.set_input(0, input->data(), input->size()).is_ok());
          engine.invoke();
          const TensorInfo& out = engine.output(0);
          REQUIRE(builtin->size() == out.byte_size());
          const bool same = std::memcmp(engine.output_data(0), builtin->data(), builtin->size()) == 0;
          CHECK(same);
          exact += same;
          top1_agrees_with_xnnpack += top1(out, engine.output_data(0)) == top1(out, xnnpack->data());
        }
        std::printf("golden %-46s %-10s %d thr %3d/%zu byte-exact vs builtin, top-1 agrees with XNNPACK %d/%zu\n",
                    name.c_str(), kernel_path_name(path), engine.threads(), exact, cases.size(), top1_agrees_with_xnnpack, cases.size());
      }
    }
  }
}
