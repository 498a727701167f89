#include "kernels/simd/mul.hpp"

#include "kernels/reference/mul.hpp"
#include "kernels/simd/elementwise.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {
namespace {

class Mul final : public BinaryKernel {
 public:
  Mul(const MulParams& p, BinaryShape shape)
      : p_(p),
        shape_(shape),
        requantizer_(per_tensor_requantizer(p.multiplier, p.output_offset, p.activation_min, p.activation_max)) {
    // A repeated b goes into one of the two forms (see run_typed).
    if (shape.rows == 1) return;
    const size_t size = shape.inner + kBlock;
    if (folds_multiplier()) {
      repeated_high_.resize(size);
      repeated_low_.resize(size);
    } else {
      repeated_b_.resize(size);
    }
  }

  void run(const void* a, const void* b, void* out) override {
    with_double_rounding_epilogue(p_.dtype, requantizer_, [&]<class T, Epilogue E>() {
      run_typed<T, E>(static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out));
    });
  }
  const char* name() const override { return "simd mul"; }

 private:
  template <class T, Epilogue E>
  void run_typed(const T* a, const T* b, T* out);
  bool folds_multiplier() const {
    return requantizer_.epilogue() == Epilogue::kDoubleRoundingPerTensor ||
           requantizer_.epilogue() == Epilogue::kDoubleRoundingPreShifted;
  }

  MulParams p_;
  BinaryShape shape_;
  Requantizer requantizer_;
  AlignedVector<int16_t> repeated_b_;
  // A repeated b with a per-tensor epilogue: per element, G = (b + b_offset)
  // * multiplier as G >> 22 and its low 22 bits (see run_typed).
  AlignedVector<int32_t> repeated_high_, repeated_low_;
};

template <class T, Epilogue E>
MNW_SIMD_FLATTEN void Mul::run_typed(const T* a, const T* b, T* out) {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  const I16 a_offset(static_cast<int16_t>(p_.a_offset)), b_offset(static_cast<int16_t>(p_.b_offset));
  const auto block = [&](size_t i, I16 b_lo, I16 b_hi) {
    const I16 a_lo = load_widened<T>(a + i) + a_offset, a_hi = load_widened<T>(a + i + kLanes16) + a_offset;
    const I16 lo = requantize_pair<E>(q, widen<0>(a_lo) * widen<0>(b_lo), widen<1>(a_lo) * widen<1>(b_lo), 0);
    const I16 hi = requantize_pair<E>(q, widen<0>(a_hi) * widen<0>(b_hi), widen<1>(a_hi) * widen<1>(b_hi), 0);
    clamp(lo, hi).store_unaligned(out + i);
  };
  const size_t inner = shape_.inner, count = shape_.rows * inner, full = count - count % kBlock;
  if (shape_.rows == 1) {
    for (size_t i = 0; i < full; i += kBlock) {
      block(i, load_widened<T>(b + i) + b_offset, load_widened<T>(b + i + kLanes16) + b_offset);
    }
  } else if constexpr (kPerTensorEpilogue<E>) {
    // b is the same for every row, so the multiplier goes into it: the first
    // step of the requantization, floor((x * y * m + 2^30) / 2^31) for
    // x = a + a_offset and y = b + b_offset, is floor((x * G + 2^30) / 2^31)
    // with G = y * m, below 2^39. Split as G = high * 2^22 + low (low in
    // [0, 2^22)), floors nest to (x * high + (x * low >> 22) + 2^8) >> 9:
    // int32 all the way, as |x| <= 255. Two 32-bit multiplies per four
    // values instead of one and a 64-bit product (measured in Chromium on
    // V3 Small's squeeze-and-excitation MULs: 1.2x).
    for (size_t i = 0; i < repeated_high_.size(); ++i) {
      const int64_t g = int64_t{b[i % inner] + p_.b_offset} * p_.multiplier.mantissa;
      repeated_high_[i] = static_cast<int32_t>(g >> 22);
      repeated_low_[i] = static_cast<int32_t>(g & ((1 << 22) - 1));
    }
    const I32 half(1 << 8);
    const size_t advance = kBlock % inner;
    size_t phase = 0;  // i % inner
    for (size_t i = 0; i < full; i += kBlock) {
      const I16 a_lo = load_widened<T>(a + i) + a_offset, a_hi = load_widened<T>(a + i + kLanes16) + a_offset;
      const auto first_step = [&](I32 x, size_t k) {
        const I32 high = I32::load_unaligned(repeated_high_.data() + phase + k * kLanes);
        const I32 low = I32::load_unaligned(repeated_low_.data() + phase + k * kLanes);
        return (x * high + ((x * low) >> 22) + half) >> 9;
      };
      const I16 lo = finish_per_tensor<E>(q, first_step(widen<0>(a_lo), 0), first_step(widen<1>(a_lo), 1));
      const I16 hi = finish_per_tensor<E>(q, first_step(widen<0>(a_hi), 2), first_step(widen<1>(a_hi), 3));
      clamp(lo, hi).store_unaligned(out + i);
      phase += advance;
      if (phase >= inner) phase -= inner;
    }
  } else {
    for (size_t i = 0; i < repeated_b_.size(); ++i) repeated_b_[i] = static_cast<int16_t>(b[i % inner] + p_.b_offset);
    const int16_t* repeated = repeated_b_.data();
    const size_t advance = kBlock % inner;
    size_t phase = 0;  // i % inner
    for (size_t i = 0; i < full; i += kBlock) {
      block(i, I16::load_unaligned(repeated + phase), I16::load_unaligned(repeated + phase + kLanes16));
      phase += advance;
      if (phase >= inner) phase -= inner;
    }
  }
  for (size_t i = full; i < count; ++i) out[i] = static_cast<T>(reference::mul(p_, a[i], b[i % inner]));
}

}  // namespace

std::unique_ptr<BinaryKernel> make_mul(const MulParams& params, BinaryShape shape) {
  if (shape.inner == 0) return nullptr;
  return std::make_unique<Mul>(params, shape);
}

}  // namespace mnw::simd

#endif
