#include "graph/operator.hpp"

namespace mnw {

Status OpContext::error(ErrorCode code, const std::string& message) const {
  return {code, model_.describe_op(op_index_) + ": " + message};
}

Status OpContext::expect_io(size_t min_inputs, size_t max_inputs, size_t outputs) const {
  if (op_.inputs.size() < min_inputs || op_.inputs.size() > max_inputs) {
    return invalid("has " + std::to_string(op_.inputs.size()) + " inputs, expected " +
                   (min_inputs == max_inputs ? std::to_string(min_inputs)
                                             : std::to_string(min_inputs) + " to " + std::to_string(max_inputs)));
  }
  for (size_t i = 0; i < min_inputs; ++i) {
    if (op_.inputs[i] < 0) return invalid("required input " + std::to_string(i) + " is missing");
  }
  if (op_.outputs.size() != outputs) {
    return invalid("has " + std::to_string(op_.outputs.size()) + " outputs, expected " + std::to_string(outputs));
  }
  return Status::ok();
}

Status OpContext::expect_dtype(const TensorInfo& t, std::initializer_list<DType> allowed) const {
  for (DType d : allowed) {
    if (t.dtype == d) return Status::ok();
  }
  std::string list;
  for (DType d : allowed) list += std::string(list.empty() ? "" : ", ") + dtype_name(d);
  return unsupported("tensor '" + t.name + "' has type " + dtype_name(t.dtype) + " (supported: " + list + ")");
}

Status OpContext::expect_output_shape(size_t i, const Shape& computed) const {
  const TensorInfo& out = output(i);
  if (out.shape != computed) {
    return invalid("output '" + out.name + "' is declared " + out.shape.to_string() + " but the op computes " +
                   computed.to_string());
  }
  return Status::ok();
}

Status OpContext::expect_constant(const TensorInfo& t, const char* role) const {
  if (!t.is_constant()) return unsupported(std::string(role) + " '" + t.name + "' must be a constant tensor");
  return Status::ok();
}

Status OpContext::expect_per_tensor_quantization(const TensorInfo& t, const char* role) const {
  if (t.quantization.empty() || !(t.quantization.scale() > 0.0f)) {
    return invalid(std::string(role) + " '" + t.name + "' has no quantization scale");
  }
  if (t.quantization.per_channel()) {
    return unsupported(std::string(role) + " '" + t.name + "' is quantized per channel; only per-tensor is supported here");
  }
  return expect_zero_points_in_range(t, role);
}

Status OpContext::expect_zero_points_in_range(const TensorInfo& t, const char* role) const {
  // TFLite's quantization spec; the kernels' int32 arithmetic relies on it.
  if (t.dtype != DType::kUInt8 && t.dtype != DType::kInt8) return Status::ok();
  const int32_t lo = t.dtype == DType::kUInt8 ? 0 : -128;
  const int32_t hi = t.dtype == DType::kUInt8 ? 255 : 127;
  for (int32_t z : t.quantization.zero_points) {
    if (z < lo || z > hi) {
      return invalid(std::string(role) + " '" + t.name + "' has zero point " + std::to_string(z) + ", outside the " +
                     dtype_name(t.dtype) + " range");
    }
  }
  return Status::ok();
}

}  // namespace mnw
