// Element types, shapes and quantization parameters shared by every layer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace mnw {

// Element types the engine can hold. Codes follow the TFLite schema's TensorType
// so a model's byte maps to ours without a table.
enum class DType : uint8_t {
  kFloat32 = 0,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kInt16 = 7,
  kInt8 = 9,
};

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);
// True for the codes above; a model's tensor type must pass this before the cast.
bool is_known_dtype(int tflite_type);

// A tensor shape of rank 0..kMaxRank. Dimensions are non-negative.
class Shape {
 public:
  static constexpr int kMaxRank = 6;
  Shape() = default;
  Shape(std::initializer_list<int32_t> dims);

  int rank() const { return rank_; }
  int32_t operator[](int i) const { return dims_[static_cast<size_t>(i)]; }
  int32_t& operator[](int i) { return dims_[static_cast<size_t>(i)]; }
  // Product of all dimensions; the caller has checked it does not overflow.
  int64_t element_count() const;
  bool push_back(int32_t d);  // false if the rank would exceed kMaxRank
  bool operator==(const Shape& other) const;
  bool operator!=(const Shape& other) const { return !(*this == other); }
  std::string to_string() const;  // "1x224x224x3"

 private:
  std::array<int32_t, kMaxRank> dims_{};
  int rank_ = 0;
};

// Affine quantization, real = scale * (q - zero_point). Per-tensor when scales
// has one entry, otherwise per-channel along quantized_dimension.
struct Quantization {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  int quantized_dimension = 0;

  bool empty() const { return scales.empty(); }
  bool per_channel() const { return scales.size() > 1; }
  float scale() const { return scales.empty() ? 0.0f : scales[0]; }
  int32_t zero_point() const { return zero_points.empty() ? 0 : zero_points[0]; }
};

}  // namespace mnw
