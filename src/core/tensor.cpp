#include "core/tensor.hpp"

namespace mnw {

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return 4;
    case DType::kInt32: return 4;
    case DType::kUInt8: return 1;
    case DType::kInt64: return 8;
    case DType::kInt16: return 2;
    case DType::kInt8: return 1;
  }
  return 0;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return "float32";
    case DType::kInt32: return "int32";
    case DType::kUInt8: return "uint8";
    case DType::kInt64: return "int64";
    case DType::kInt16: return "int16";
    case DType::kInt8: return "int8";
  }
  return "unknown";
}

bool is_known_dtype(int tflite_type) {
  switch (tflite_type) {
    case 0: case 2: case 3: case 4: case 7: case 9: return true;
    default: return false;
  }
}

Shape::Shape(std::initializer_list<int32_t> dims) {
  for (int32_t d : dims) push_back(d);
}

int64_t Shape::element_count() const {
  int64_t n = 1;
  for (int i = 0; i < rank_; ++i) n *= dims_[static_cast<size_t>(i)];
  return n;
}

bool Shape::push_back(int32_t d) {
  if (rank_ >= kMaxRank) return false;
  dims_[static_cast<size_t>(rank_++)] = d;
  return true;
}

bool Shape::operator==(const Shape& other) const {
  if (rank_ != other.rank_) return false;
  for (int i = 0; i < rank_; ++i) {
    if (dims_[static_cast<size_t>(i)] != other.dims_[static_cast<size_t>(i)]) return false;
  }
  return true;
}

std::string Shape::to_string() const {
  if (rank_ == 0) return "scalar";
  std::string s;
  for (int i = 0; i < rank_; ++i) {
    if (i) s += 'x';
    s += std::to_string(dims_[static_cast<size_t>(i)]);
  }
  return s;
}

}  // namespace mnw
