// libFuzzer target: any bytes through read_model, Interpreter::create and
// invoke, on both kernel paths, which must then agree byte for byte. Run by
// scripts/fuzz.sh with AddressSanitizer and UndefinedBehaviorSanitizer.
//
// The limits keep each input cheap (an op's work is bounded by its tensors'
// sizes), so the fuzzer's time goes to parsing and validation; they also
// mean a hostile file can never make it allocate much.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "api/interpreter.hpp"
#include "model/model.hpp"

namespace {

using mnw::Interpreter;
using mnw::KernelPath;

std::unique_ptr<Interpreter> create(const std::shared_ptr<const mnw::Model>& model, KernelPath path) {
  mnw::InterpreterOptions options;
  options.kernel_path = path;
  options.max_arena_bytes = size_t{1} << 18;
  auto interpreter = Interpreter::create(model, options);
  if (!interpreter) return nullptr;
  return std::move(interpreter).value();
}

// Fills every input with `data` repeated: arbitrary but reproducible values,
// NaNs and infinities included for float inputs.
void fill_inputs(Interpreter& interpreter, const uint8_t* data, size_t size) {
  for (size_t i = 0; i < interpreter.input_count(); ++i) {
    uint8_t* input = interpreter.input_data(i);
    const size_t bytes = interpreter.input(i).byte_size();
    for (size_t k = 0; k < bytes; ++k) input[k] = data[k % size];
  }
}

// An output of no elements has no data (a null pointer), which memcmp may
// not be given even for zero bytes.
bool same_outputs(const Interpreter& a, const Interpreter& b) {
  for (size_t i = 0; i < a.output_count(); ++i) {
    const size_t bytes = a.output(i).byte_size();
    if (bytes != 0 && std::memcmp(a.output_data(i), b.output_data(i), bytes) != 0) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mnw::ModelLimits limits;
  limits.max_tensors = 256;
  limits.max_operators = 256;
  limits.max_tensor_elements = 1 << 12;
  auto model = mnw::read_model(std::vector<uint8_t>(data, data + size), limits);
  if (!model) return 0;
  const auto reference = create(model.value(), KernelPath::kReference);
  const auto simd = create(model.value(), KernelPath::kSimd);
  // Validation does not depend on the kernel path.
  if ((reference == nullptr) != (simd == nullptr)) __builtin_trap();
  if (reference == nullptr) return 0;
  // First on the zero inputs a new interpreter starts with, then on the file's bytes.
  reference->invoke();
  simd->invoke();
  if (!same_outputs(*reference, *simd)) __builtin_trap();
  fill_inputs(*reference, data, size);
  fill_inputs(*simd, data, size);
  reference->invoke();
  simd->invoke();
  if (!same_outputs(*reference, *simd)) __builtin_trap();
  return 0;
}
