// What the elementwise kernels (MUL, ADD/SUB, QUANTIZE, byte tables) are
// given, and the interface of the binary ones. The operators (ops/mul.cpp,
// ops/add_sub.cpp, ops/quantize.cpp) fill these once at load time; the
// arithmetic itself is defined by the reference kernels in
// kernels/reference/{mul,add_sub,quantize}.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/fixed_point.hpp"
#include "core/tensor.hpp"

namespace mnw {

// MUL: out = clamp(output_offset + M * ((a + a_offset) * (b + b_offset))),
// M applied with TFLite's double rounding.
struct MulParams {
  DType dtype = DType::kUInt8;
  int32_t a_offset = 0, b_offset = 0, output_offset = 0;  // offsets are minus the zero points
  QuantizedMultiplier multiplier;
  int32_t activation_min = 0, activation_max = 255;
};

// ADD and SUB (TFLite's arithmetic): each input, shifted left by 20 bits,
// is rescaled to twice the larger input scale; b's is added or subtracted;
// the sum is rescaled to the output.
struct AddSubParams {
  static constexpr int kLeftShift = 20;
  DType dtype = DType::kUInt8;
  int32_t a_offset = 0, b_offset = 0, output_offset = 0;  // offsets are minus the zero points
  QuantizedMultiplier a_multiplier, b_multiplier, output_multiplier;
  bool subtract = false;
  int32_t activation_min = 0, activation_max = 255;
};

// A byte table as arithmetic: table[x] = x + offset + the sum of delta[i]
// over the steps with at[i] <= x, modulo 256 (x is the byte's value, signed
// for int8). A vector kernel applies each step with a compare and an add,
// where a lookup costs a load per byte; it pays where the table rises by one
// per value almost everywhere, as a rescale by nearly 1 does (the MUL and
// SUB that normalize a float model's input, composed).
struct ByteSteps {
  static constexpr int kMaxSteps = 4;
  int count = -1;  // -1: the table has more than kMaxSteps steps
  int32_t offset = 0;
  int32_t at[kMaxSteps] = {}, delta[kMaxSteps] = {};
};
ByteSteps byte_steps(const uint8_t* table, bool is_signed);

// QUANTIZE float32 -> dtype: round(x / scale) (half away from zero, in
// float) + zero_point, clamped to the type's range; NaN gives zero_point.
// Then, where the op absorbed byte maps, each byte through `table` (256
// entries, indexed by the byte), which `steps` gives as arithmetic where it can.
struct QuantizeParams {
  DType dtype = DType::kUInt8;
  float scale = 1.0f;
  int32_t zero_point = 0;
  const uint8_t* table = nullptr;
  ByteSteps steps;
};

// The operands of a binary kernel: `a` and the output are `rows` x `inner`
// elements; `b` has `inner` elements, the same for every row. One row is
// two tensors of the same shape; more is b broadcast along the leading
// dimensions ([1,H,W,C] x [1,1,1,C]: rows H*W, inner C).
struct BinaryShape {
  size_t rows = 1, inner = 0;
};

class BinaryKernel {
 public:
  virtual ~BinaryKernel() = default;
  // Elements of the params' dtype. Never allocates; not const, as a kernel
  // may keep scratch memory (sized at construction) between the steps of a run.
  virtual void run(const void* a, const void* b, void* out) = 0;
  virtual const char* name() const = 0;
};

// Maps `count` bytes through a 256-entry table (8-bit elementwise functions).
using ByteMapKernel = void (*)(const uint8_t* table, const uint8_t* in, uint8_t* out, size_t count);
using QuantizeKernel = void (*)(const QuantizeParams& params, const float* in, void* out, size_t count);

}  // namespace mnw
