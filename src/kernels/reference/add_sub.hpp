// Reference ADD and SUB: the arithmetic of TFLite's quantized ADD/SUB.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>

#include "core/fixed_point.hpp"
#include "kernels/elementwise.hpp"

namespace mnw::reference {

// An input value rescaled to the common scale: ((x + offset) << 20) * M.
// Exactly representable: |x + offset| <= 255, so the shift cannot overflow.
inline int32_t add_sub_rescale(int32_t x, int32_t offset, QuantizedMultiplier m) {
  return multiply_by_quantized_multiplier((x + offset) * (1 << AddSubParams::kLeftShift), m);
}

// The output value from the two rescaled inputs, b's already negated for SUB.
inline int32_t add_sub_output(const AddSubParams& p, int32_t rescaled_a, int32_t rescaled_b) {
  const int32_t scaled = multiply_by_quantized_multiplier(rescaled_a + rescaled_b, p.output_multiplier);
  // In 64 bits: a multiplier clamped to 2^30 can take `scaled` near INT32_MAX.
  return static_cast<int32_t>(std::clamp<int64_t>(int64_t{scaled} + p.output_offset, p.activation_min, p.activation_max));
}

inline int32_t add_sub(const AddSubParams& p, int32_t a, int32_t b) {
  const int32_t rescaled_b = add_sub_rescale(b, p.b_offset, p.b_multiplier);
  return add_sub_output(p, add_sub_rescale(a, p.a_offset, p.a_multiplier), p.subtract ? -rescaled_b : rescaled_b);
}

// add_sub() with each input's rescale, a function of its byte, tabulated
// once: per element, two lookups and the output rescale.
template <typename T>
class AddSubTables {
 public:
  explicit AddSubTables(const AddSubParams& p) : p_(p) {
    for (int byte = 0; byte < 256; ++byte) {
      const int32_t x = std::is_signed_v<T> ? static_cast<int8_t>(byte) : byte;
      const int32_t rescaled_b = add_sub_rescale(x, p.b_offset, p.b_multiplier);
      rescaled_a_[static_cast<size_t>(byte)] = add_sub_rescale(x, p.a_offset, p.a_multiplier);
      rescaled_b_[static_cast<size_t>(byte)] = p.subtract ? -rescaled_b : rescaled_b;
    }
  }
  T operator()(T a, T b) const {
    return static_cast<T>(add_sub_output(p_, rescaled_a_[static_cast<uint8_t>(a)], rescaled_b_[static_cast<uint8_t>(b)]));
  }

 private:
  AddSubParams p_;
  std::array<int32_t, 256> rescaled_a_{}, rescaled_b_{};
};

template <typename T>
void add_sub(const AddSubTables<T>& tables, BinaryShape shape, const T* a, const T* b, T* out) {
  for (size_t r = 0; r < shape.rows; ++r, a += shape.inner, out += shape.inner) {
    for (size_t i = 0; i < shape.inner; ++i) out[i] = tables(a[i], b[i]);
  }
}

}  // namespace mnw::reference
