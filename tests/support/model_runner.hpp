// Loading builder-made models (tflite_builder.hpp) into mnw::Interpreter and
// running them, for the operator and model-reader tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "api/interpreter.hpp"
#include "support/tflite_builder.hpp"

namespace mnw::test {

inline constexpr KernelPath kBothKernelPaths[] = {KernelPath::kReference, KernelPath::kSimd};

// The TFLite TensorType of an element type.
template <typename T>
constexpr int8_t tflite_type() {
  if constexpr (std::is_same_v<T, uint8_t>) return tfl::kUInt8;
  else if constexpr (std::is_same_v<T, int8_t>) return tfl::kInt8;
  else if constexpr (std::is_same_v<T, int32_t>) return tfl::kInt32;
  else if constexpr (std::is_same_v<T, float>) return tfl::kFloat32;
  else static_assert(sizeof(T) == 0, "no TFLite type for T");
}

// Adds one operator whose non-constant inputs become the graph inputs and
// whose output is the graph output.
void add_single_op(ModelBuilder& model, int32_t builtin_code, std::vector<int32_t> inputs, int output,
                   BuiltinOptions options = {});

// An operand of a per-tensor quantized single-op model.
struct QuantizedOperand {
  std::vector<int32_t> shape;
  float scale;
  int32_t zero_point;
};

// A model of one binary operator (ADD, SUB, MUL) on inputs a and b of element
// type T.
template <typename T>
ModelBuilder binary_op_model(int32_t builtin_code, BuiltinOptions options, const QuantizedOperand& a,
                             const QuantizedOperand& b, const QuantizedOperand& out) {
  ModelBuilder m;
  const int x = m.tensor("a", tflite_type<T>(), a.shape, per_tensor(a.scale, a.zero_point));
  const int y = m.tensor("b", tflite_type<T>(), b.shape, per_tensor(b.scale, b.zero_point));
  const int z = m.tensor("out", tflite_type<T>(), out.shape, per_tensor(out.scale, out.zero_point));
  add_single_op(m, builtin_code, {x, y}, z, std::move(options));
  return m;
}

// read_model + Interpreter::create on the built bytes.
Result<std::unique_ptr<Interpreter>> load_model(const ModelBuilder& model, const InterpreterOptions& options);
Result<std::unique_ptr<Interpreter>> load_model(const ModelBuilder& model,
                                                KernelPath path = default_kernel_path());
// load_model that must succeed (REQUIREd, with the error message shown).
std::unique_ptr<Interpreter> require_model(const ModelBuilder& model, const InterpreterOptions& options);
std::unique_ptr<Interpreter> require_model(const ModelBuilder& model, KernelPath path = default_kernel_path());
// The Status of a model that must fail to load (REQUIREd).
Status load_error(const ModelBuilder& model);

// Copies one byte vector per graph input in, invokes, returns output 0's bytes.
std::vector<uint8_t> run(Interpreter& interpreter, const std::vector<std::vector<uint8_t>>& inputs);

template <typename T>
std::vector<T> from_bytes(const std::vector<uint8_t>& bytes) {
  std::vector<T> values(bytes.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}

// Runs `model` on `inputs` with the given element types and returns output 0.
template <typename Out, typename In>
std::vector<Out> run_model(const ModelBuilder& model, const std::vector<std::vector<In>>& inputs,
                           KernelPath path = default_kernel_path()) {
  auto interpreter = require_model(model, path);
  std::vector<std::vector<uint8_t>> raw;
  for (const auto& input : inputs) raw.push_back(to_bytes(input));
  return from_bytes<Out>(run(*interpreter, raw));
}

// Every value of an 8-bit type, in order.
template <typename T>
std::vector<T> all_values() {
  std::vector<T> v;
  for (int x = std::numeric_limits<T>::min(); x <= std::numeric_limits<T>::max(); ++x) v.push_back(static_cast<T>(x));
  return v;
}

inline double dequantize(int32_t q, float scale, int32_t zero_point) {
  return static_cast<double>(scale) * (q - zero_point);
}

// round(real / scale) + zero_point, half away from zero, clamped to [lo, hi]:
// the ideal quantized value TFLite's fixed point approximates.
inline int32_t quantize_ideal(double real, float scale, int32_t zero_point, int32_t lo, int32_t hi) {
  const double q = std::round(real / static_cast<double>(scale)) + zero_point;
  return static_cast<int32_t>(std::clamp(q, static_cast<double>(lo), static_cast<double>(hi)));
}

}  // namespace mnw::test
