#include "kernels/simd/add_sub.hpp"

#include "kernels/reference/add_sub.hpp"
#include "kernels/simd/elementwise.hpp"
#if MNW_SIMD_KERNELS

namespace mnw::simd {
namespace {

// One input's rescale to the common scale (see the header).
class InputRescale {
 public:
  InputRescale(int32_t offset, QuantizedMultiplier m)
      : offset_(static_cast<int16_t>(offset)),
        high_(m.mantissa >> 11),
        low_(m.mantissa & ((1 << 11) - 1)),
        rounding_(m.exponent < 0 ? 1 << (-m.exponent - 1) : 0),
        negative_adjust_(m.exponent < 0 ? -1 : 0),
        shift_(-m.exponent) {}

  // x: the input values widened to int16.
  template <int kHalf>
  MNW_SIMD_INLINE I32 operator()(I16 x) const {
    const I32 v = widen<kHalf>(x + offset_);
    const I32 u = v * high_ + ((v * low_ + I32(1 << 10)) >> 11);
    return shift_right(u + rounding_ + ((u >> 31) & negative_adjust_), shift_);
  }

 private:
  I16 offset_;
  I32 high_, low_, rounding_, negative_adjust_;
  int shift_;
};

class AddSub final : public BinaryKernel {
 public:
  AddSub(const AddSubParams& p, BinaryShape shape)
      : p_(p),
        count_(shape.inner),
        requantizer_(per_tensor_requantizer(p.output_multiplier, p.output_offset, p.activation_min, p.activation_max)) {}

  void run(const void* a, const void* b, void* out) override {
    with_double_rounding_epilogue(p_.dtype, requantizer_, [&]<class T, Epilogue E>() {
      run_typed<T, E>(static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out));
    });
  }
  const char* name() const override { return "simd add_sub"; }

 private:
  template <class T, Epilogue E>
  void run_typed(const T* a, const T* b, T* out) const;

  AddSubParams p_;
  size_t count_;
  Requantizer requantizer_;
};

template <class T, Epilogue E>
MNW_SIMD_FLATTEN void AddSub::run_typed(const T* a, const T* b, T* out) const {
  const RequantView q = requantizer_.view();
  const OutputClamp<T> clamp(requantizer_);
  const InputRescale rescale_a(p_.a_offset, p_.a_multiplier), rescale_b(p_.b_offset, p_.b_multiplier);
  // SUB negates b's rescaled value: (x ^ -1) - -1 == -x.
  const I32 negate(p_.subtract ? -1 : 0);
  const auto sum = [&](I16 x, I16 y, auto half) {
    constexpr int kHalf = decltype(half)::value;
    return rescale_a.operator()<kHalf>(x) + ((rescale_b.operator()<kHalf>(y) ^ negate) - negate);
  };
  using Low = std::integral_constant<int, 0>;
  using High = std::integral_constant<int, 1>;
  const size_t full = count_ - count_ % kBlock;
  for (size_t i = 0; i < full; i += kBlock) {
    const I16 a_lo = load_widened<T>(a + i), a_hi = load_widened<T>(a + i + kLanes16);
    const I16 b_lo = load_widened<T>(b + i), b_hi = load_widened<T>(b + i + kLanes16);
    const I16 lo = requantize_pair<E>(q, sum(a_lo, b_lo, Low{}), sum(a_lo, b_lo, High{}), 0);
    const I16 hi = requantize_pair<E>(q, sum(a_hi, b_hi, Low{}), sum(a_hi, b_hi, High{}), 0);
    clamp(lo, hi).store_unaligned(out + i);
  }
  for (size_t i = full; i < count_; ++i) out[i] = static_cast<T>(reference::add_sub(p_, a[i], b[i]));
}

}  // namespace

std::unique_ptr<BinaryKernel> make_add_sub(const AddSubParams& params, BinaryShape shape) {
  // The int32 rescale needs non-negative mantissas and right shifts of at
  // most 31 (the input multipliers are at most 1/2, so always in models).
  for (const QuantizedMultiplier m : {params.a_multiplier, params.b_multiplier}) {
    if (m.mantissa < 0 || m.exponent > 0 || m.exponent < -31) return nullptr;
  }
  if (shape.rows != 1) return nullptr;
  return std::make_unique<AddSub>(params, shape);
}

}  // namespace mnw::simd

#endif
