// The SIMD elementwise kernels (MUL, ADD/SUB, QUANTIZE) against their
// references from kernels/dispatch: random shapes with odd channel counts
// and tails shorter than a vector, repeated operands, random zero points,
// multipliers and clamps, uint8 and int8. Each case's seed is captured.
#include <catch_amalgamated.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "kernels/byte_pair_map.hpp"
#include "kernels/dispatch.hpp"
#include "support/prng.hpp"

using namespace mnw;
using mnw::test::Prng;

namespace {

constexpr int32_t kMantissaMin = 1 << 30, kMantissaMax = std::numeric_limits<int32_t>::max();

// On a build with SIMD kernels, the SIMD path must not quietly fall back.
void require_simd_kernel(const BinaryKernel& k) {
  if (default_kernel_path() == KernelPath::kSimd) REQUIRE(std::string(k.name()).rfind("simd", 0) == 0);
}

// Shapes that hit the edges: single rows of every length around the vector
// sizes (16 to 64 bytes), rows of odd channel counts, MobileNet's SE shapes.
std::vector<BinaryShape> shapes(Prng& rng) {
  std::vector<BinaryShape> s;
  for (size_t n : {1, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000}) s.push_back({1, n});
  for (size_t inner : {1, 3, 13, 16, 24, 72, 127, 240}) s.push_back({static_cast<size_t>(rng.between(2, 40)), inner});
  s.push_back({56 * 56, 16});
  for (int i = 0; i < 12; ++i) {
    s.push_back({static_cast<size_t>(rng.between(1, 50)), static_cast<size_t>(rng.between(1, 300))});
  }
  return s;
}

QuantizedMultiplier random_multiplier(Prng& rng, int min_exponent, int max_exponent) {
  return {static_cast<int32_t>(rng.between(kMantissaMin, kMantissaMax)),
          static_cast<int32_t>(rng.between(min_exponent, max_exponent))};
}

// Random bytes, sometimes only the extremes (the largest products and sums).
std::vector<uint8_t> random_bytes(Prng& rng, size_t n, bool extremes) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = extremes ? (rng.below(2) ? 0x00 : 0xFF) ^ (rng.below(2) ? 0x80 : 0x00) : rng.byte();
  return v;
}

// Zero point and clamp of a random output: full range or a random sub-range.
template <class Params>
void randomize_output(Params& p, Prng& rng) {
  const bool is_signed = p.dtype == DType::kInt8;
  const int32_t lowest = is_signed ? -128 : 0, highest = is_signed ? 127 : 255;
  p.output_offset = static_cast<int32_t>(rng.between(lowest, highest));
  p.activation_min = lowest;
  p.activation_max = highest;
  if (rng.below(3) == 0) {
    p.activation_min = static_cast<int32_t>(rng.between(lowest, highest));
    p.activation_max = static_cast<int32_t>(rng.between(p.activation_min, highest));
  }
}

int32_t random_offset(Prng& rng, DType dtype) {
  return dtype == DType::kInt8 ? static_cast<int32_t>(rng.between(-127, 128)) : static_cast<int32_t>(rng.between(-255, 0));
}

// Runs the kernels of both paths on the same random operands; bytes must match.
template <class MakeKernel>
void check_binary(MakeKernel make, BinaryShape shape, Prng& rng) {
  const size_t count = shape.rows * shape.inner;
  const bool extremes = rng.below(4) == 0;
  const std::vector<uint8_t> a = random_bytes(rng, count, extremes), b = random_bytes(rng, shape.inner, extremes);
  std::vector<uint8_t> want(count), got(count);
  make(KernelPath::kReference)->run(a.data(), b.data(), want.data());
  const auto simd = make(KernelPath::kSimd);
  simd->run(a.data(), b.data(), got.data());
  for (size_t i = 0; i < count; ++i) {
    if (got[i] != want[i]) {
      FAIL("element " << i << " (a " << int{a[i]} << ", b " << int{b[i % shape.inner]} << "): reference "
                      << int{want[i]} << ", " << simd->name() << " " << int{got[i]});
    }
  }
}

}  // namespace

TEST_CASE("simd MUL equals the reference: same shapes, repeated rows, random quantization", "[kernels]") {
  for (const DType dtype : {DType::kUInt8, DType::kInt8}) {
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      Prng rng(seed);
      CAPTURE(seed, dtype == DType::kInt8);
      MulParams p;
      p.dtype = dtype;
      p.a_offset = random_offset(rng, dtype);
      p.b_offset = random_offset(rng, dtype);
      // MobileNet's SE gates shift by about 8; the rest cover every epilogue,
      // down to a product that can never reach one quantum.
      p.multiplier = random_multiplier(rng, seed % 4 == 0 ? -31 : -24, seed % 3 == 0 ? 2 : -1);
      if (seed == 1) p.multiplier.exponent = 0;
      randomize_output(p, rng);
      CAPTURE(p.a_offset, p.b_offset, p.multiplier.mantissa, p.multiplier.exponent, p.output_offset, p.activation_min,
              p.activation_max);
      for (const BinaryShape shape : shapes(rng)) {
        CAPTURE(shape.rows, shape.inner);
        const auto make = [&](KernelPath path) { return make_mul_kernel(path, p, shape); };
        require_simd_kernel(*make(KernelPath::kSimd));
        check_binary(make, shape, rng);
      }
    }
  }
}

TEST_CASE("simd ADD and SUB equal the reference on tensors of the same shape", "[kernels]") {
  for (const DType dtype : {DType::kUInt8, DType::kInt8}) {
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      Prng rng(seed);
      CAPTURE(seed, dtype == DType::kInt8);
      AddSubParams p;
      p.dtype = dtype;
      p.subtract = seed % 2 == 0;
      p.a_offset = random_offset(rng, dtype);
      p.b_offset = random_offset(rng, dtype);
      // One input has the larger scale (multiplier 1/2, exponent 0), the
      // other a smaller one, down to multipliers below 2^-31; the output's
      // around 2^-20 in models, here anywhere that is representable.
      p.a_multiplier = {kMantissaMin, 0};
      p.b_multiplier = random_multiplier(rng, -31, 0);
      if (seed % 3 == 0) std::swap(p.a_multiplier, p.b_multiplier);
      p.output_multiplier = random_multiplier(rng, seed % 4 == 0 ? -30 : -22, seed % 5 == 0 ? 1 : -14);
      randomize_output(p, rng);
      CAPTURE(p.subtract, p.a_offset, p.b_offset, p.a_multiplier.mantissa, p.a_multiplier.exponent,
              p.b_multiplier.mantissa, p.b_multiplier.exponent, p.output_multiplier.mantissa,
              p.output_multiplier.exponent, p.output_offset, p.activation_min, p.activation_max);
      for (const BinaryShape shape : shapes(rng)) {
        if (shape.rows != 1) continue;  // the SIMD kernel takes equal shapes only
        CAPTURE(shape.inner);
        const auto make = [&](KernelPath path) { return make_add_sub_kernel(path, p, shape, false); };
        require_simd_kernel(*make(KernelPath::kSimd));
        check_binary(make, shape, rng);
      }
    }
  }
}

TEST_CASE("binary byte table equals its op: MUL and ADD, same shapes and repeated rows", "[kernels]") {
  // The table of the reference kernel against the reference kernel itself, on
  // every target (dispatch takes tables only where they pay: wasm).
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Prng rng(seed);
    const DType dtype = seed % 2 == 0 ? DType::kInt8 : DType::kUInt8;
    CAPTURE(seed);
    MulParams mul;
    mul.dtype = dtype;
    mul.a_offset = random_offset(rng, dtype);
    mul.b_offset = random_offset(rng, dtype);
    mul.multiplier = random_multiplier(rng, -12, -6);
    randomize_output(mul, rng);
    AddSubParams add;
    add.dtype = dtype;
    add.a_offset = random_offset(rng, dtype);
    add.b_offset = random_offset(rng, dtype);
    add.a_multiplier = random_multiplier(rng, -4, -1);
    add.b_multiplier = random_multiplier(rng, -4, -1);
    add.output_multiplier = random_multiplier(rng, -24, -18);
    add.subtract = seed % 3 == 0;
    randomize_output(add, rng);
    const BinaryShape every_pair{1, size_t{1} << 16};
    for (const BinaryShape shape : {BinaryShape{1, 1000}, BinaryShape{1, 3}, BinaryShape{37, 24}, BinaryShape{5, 1}}) {
      CAPTURE(shape.rows, shape.inner);
      const auto check = [&](BinaryKernel& op, BinaryKernel& fill) {
        const size_t count = shape.rows * shape.inner;
        const std::vector<uint8_t> a = random_bytes(rng, count, false);
        // b as a whole tensor for one row; one row of it, repeated, otherwise.
        const std::vector<uint8_t> b = random_bytes(rng, shape.inner, false);
        std::vector<uint8_t> want(count), got(count);
        op.run(a.data(), b.data(), want.data());
        BinaryByteTable table(fill, shape);
        table.run(a.data(), b.data(), got.data());
        REQUIRE(got == want);
      };
      check(*make_mul_kernel(KernelPath::kReference, mul, shape), *make_mul_kernel(KernelPath::kReference, mul, every_pair));
      if (shape.rows == 1) {
        check(*make_add_sub_kernel(KernelPath::kReference, add, shape, false),
              *make_add_sub_kernel(KernelPath::kReference, add, every_pair, false));
      }
    }
  }
}

TEST_CASE("simd ADD rescales every input byte exactly, with every input shift", "[kernels]") {
  // All 256 x 256 pairs per case: every byte of each input meets the rescale.
  std::vector<uint8_t> a(256 * 256), b(256 * 256);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<uint8_t>(i);
    b[i] = static_cast<uint8_t>(i >> 8);
  }
  Prng rng(99);
  for (int shift = 0; shift <= 31; ++shift) {
    for (const int32_t mantissa : {kMantissaMin, kMantissaMax, static_cast<int32_t>(rng.between(kMantissaMin, kMantissaMax))}) {
      CAPTURE(shift, mantissa);
      AddSubParams p;
      p.dtype = shift % 2 ? DType::kInt8 : DType::kUInt8;
      p.subtract = rng.below(2) == 0;
      p.a_offset = random_offset(rng, p.dtype);
      p.b_offset = random_offset(rng, p.dtype);
      p.a_multiplier = {mantissa, -shift};
      p.b_multiplier = random_multiplier(rng, -shift, -shift);
      // The sums (about 255 * 2^(20 - shift)) scaled back to about +-255, so
      // that from shift 19 on every unit of the rescaled inputs shows.
      p.output_multiplier = {kMantissaMin, std::min(0, shift - 19)};
      p.output_offset = p.dtype == DType::kInt8 ? 0 : 128;
      p.activation_min = p.dtype == DType::kInt8 ? -128 : 0;
      p.activation_max = p.activation_min + 255;
      const BinaryShape shape{1, a.size()};
      std::vector<uint8_t> want(a.size()), got(a.size());
      make_add_sub_kernel(KernelPath::kReference, p, shape, false)->run(a.data(), b.data(), want.data());
      const auto simd = make_add_sub_kernel(KernelPath::kSimd, p, shape, false);
      require_simd_kernel(*simd);
      simd->run(a.data(), b.data(), got.data());
      REQUIRE(got == want);
    }
  }
}

TEST_CASE("simd QUANTIZE equals the reference: ties, NaN, infinities, every tail", "[kernels]") {
  const QuantizeKernel simd = quantize_kernel(KernelPath::kSimd), reference = quantize_kernel(KernelPath::kReference);
  if (default_kernel_path() == KernelPath::kSimd) REQUIRE(simd != reference);
  for (const DType dtype : {DType::kUInt8, DType::kInt8}) {
    for (uint64_t seed = 1; seed <= 40; ++seed) {
      Prng rng(seed);
      CAPTURE(seed, dtype == DType::kInt8);
      QuantizeParams p;
      p.dtype = dtype;
      // A power of two in every third case, so that the ties are exact.
      const float mantissa = seed % 3 == 0 ? 1.0f : static_cast<float>(rng.between(1 << 20, 1 << 24)) / (1 << 24);
      p.scale = std::ldexp(mantissa, static_cast<int>(rng.between(-12, 2)));
      p.zero_point = dtype == DType::kInt8 ? static_cast<int32_t>(rng.between(-128, 127)) : static_cast<int32_t>(rng.between(0, 255));
      CAPTURE(p.scale, p.zero_point);
      const size_t count = static_cast<size_t>(rng.between(0, 300));
      std::vector<float> in(count);
      for (float& x : in) {
        const int64_t k = rng.between(-300, 300);
        switch (rng.below(6)) {
          case 0: x = (static_cast<float>(k) + 0.5f) * p.scale; break;  // ties
          case 1: x = static_cast<float>(k) * p.scale; break;
          case 2: x = std::numeric_limits<float>::quiet_NaN(); break;
          case 3: x = rng.below(2) ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::max(); break;
          default: {
            const uint32_t bits = static_cast<uint32_t>(rng.next());
            std::memcpy(&x, &bits, sizeof x);  // any float, NaN payloads and denormals included
          }
        }
      }
      std::vector<uint8_t> want(count), got(count);
      reference(p, in.data(), want.data(), count);
      simd(p, in.data(), got.data(), count);
      for (size_t i = 0; i < count; ++i) {
        if (got[i] != want[i]) FAIL("x " << in[i] << ": reference " << int{want[i]} << ", simd " << int{got[i]});
      }
    }
  }
}

// A table that rises by one per value except at `steps` random places, where
// it rises by 0..3 (or drops, wrapping, once in a while).
std::vector<uint8_t> table_with_steps(Prng& rng, int steps, bool is_signed) {
  std::vector<int32_t> rise(256, 1);
  for (int s = 0; s < steps; ++s) rise[static_cast<size_t>(rng.between(1, 255))] = static_cast<int32_t>(rng.between(-2, 3));
  std::vector<uint8_t> table(256);
  int32_t value = static_cast<int32_t>(rng.between(-128, 127));
  for (int32_t i = 0; i < 256; ++i) {
    value += i == 0 ? 0 : rise[static_cast<size_t>(i)];
    const int32_t x = is_signed ? i - 128 : i;  // the i-th smallest byte value
    table[static_cast<uint8_t>(x)] = static_cast<uint8_t>(value);
  }
  return table;
}

TEST_CASE("byte_steps: the same table as arithmetic, or none when it has many steps", "[kernels]") {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    Prng rng(seed);
    const bool is_signed = seed % 2 == 0;
    const int steps = static_cast<int>(rng.between(0, 6));
    const std::vector<uint8_t> table = table_with_steps(rng, steps, is_signed);
    CAPTURE(seed, steps);
    const ByteSteps found = byte_steps(table.data(), is_signed);
    if (found.count < 0) {
      // Only a table with more steps than fit (the random places may coincide,
      // or rise by exactly one).
      REQUIRE(steps > ByteSteps::kMaxSteps);
      continue;
    }
    REQUIRE(found.count <= steps);
    for (int32_t x = is_signed ? -128 : 0; x < (is_signed ? 128 : 256); ++x) {
      int32_t value = x + found.offset;
      for (int s = 0; s < found.count; ++s) value += x >= found.at[s] ? found.delta[s] : 0;
      REQUIRE(static_cast<uint8_t>(value) == table[static_cast<uint8_t>(x)]);
    }
  }
  // Every byte to a random one: far too many steps.
  Prng rng(99);
  std::vector<uint8_t> noise(256);
  for (uint8_t& t : noise) t = rng.byte();
  CHECK(byte_steps(noise.data(), true).count == -1);
}

TEST_CASE("simd QUANTIZE through a byte table (steps or lookups) equals the reference", "[kernels]") {
  const QuantizeKernel simd = quantize_kernel(KernelPath::kSimd), reference = quantize_kernel(KernelPath::kReference);
  for (const DType dtype : {DType::kUInt8, DType::kInt8}) {
    for (uint64_t seed = 1; seed <= 60; ++seed) {
      Prng rng(seed);
      const bool is_signed = dtype == DType::kInt8;
      const std::vector<uint8_t> table = table_with_steps(rng, static_cast<int>(rng.between(0, 8)), is_signed);
      QuantizeParams p;
      p.dtype = dtype;
      p.scale = 1.0f / 200;
      p.zero_point = is_signed ? -10 : 118;
      p.table = table.data();
      p.steps = byte_steps(table.data(), is_signed);
      CAPTURE(seed, is_signed, p.steps.count);
      const size_t count = static_cast<size_t>(rng.between(0, 700));
      std::vector<float> in(count);
      for (float& x : in) x = static_cast<float>(rng.between(-1000, 1000)) / 1000.0f;
      std::vector<uint8_t> want(count), got(count);
      reference(p, in.data(), want.data(), count);
      simd(p, in.data(), got.data(), count);
      REQUIRE(got == want);
      // The table really applies: the plain quantization differs somewhere.
      if (count > 200) {
        QuantizeParams plain = p;
        plain.table = nullptr;
        std::vector<uint8_t> unmapped(count);
        reference(plain, in.data(), unmapped.data(), count);
        CHECK(unmapped != want);
      }
    }
  }
}

// `map` (a table, then as ByteMapKernel) against the reference: every length
// to 200 and some large ones, unaligned, in place, nothing written outside.
void check_byte_map(const std::function<void(const uint8_t*, const uint8_t*, uint8_t*, size_t)>& map) {
  const ByteMapKernel reference = byte_map_kernel(KernelPath::kReference);
  Prng rng(7);
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 200; ++n) lengths.push_back(n);
  for (size_t n : {255, 256, 257, 1000, 4096, 4099, 200704}) lengths.push_back(n);
  for (const size_t count : lengths) {
    uint8_t table[256];
    for (uint8_t& t : table) t = rng.byte();
    // Every input byte occurs once the count allows; offsets up to a cache
    // line misalign input and output differently.
    const size_t in_offset = rng.below(64), out_offset = rng.below(64);
    CAPTURE(count, in_offset, out_offset);
    std::vector<uint8_t> in(in_offset + count), want(count), got(out_offset + count + 64);
    for (size_t i = 0; i < count; ++i) in[in_offset + i] = rng.below(2) ? static_cast<uint8_t>(i) : rng.byte();
    const std::vector<uint8_t> guard = random_bytes(rng, got.size(), false);
    got = guard;
    reference(table, in.data() + in_offset, want.data(), count);
    map(table, in.data() + in_offset, got.data() + out_offset, count);
    REQUIRE(std::equal(want.begin(), want.end(), got.begin() + static_cast<ptrdiff_t>(out_offset)));
    // Nothing outside the output was written.
    REQUIRE(std::equal(guard.begin(), guard.begin() + static_cast<ptrdiff_t>(out_offset), got.begin()));
    REQUIRE(std::equal(guard.begin() + static_cast<ptrdiff_t>(out_offset + count), guard.end(),
                       got.begin() + static_cast<ptrdiff_t>(out_offset + count)));
    // In place, as the reference allows.
    std::vector<uint8_t> in_place(in.begin() + static_cast<ptrdiff_t>(in_offset), in.end());
    map(table, in_place.data(), in_place.data(), count);
    REQUIRE(in_place == want);
  }
}

TEST_CASE("simd byte map equals the reference: every length to 200, unaligned, in place", "[kernels]") {
  const ByteMapKernel simd = byte_map_kernel(KernelPath::kSimd);
  if (simd == byte_map_kernel(KernelPath::kReference)) {
    SKIP("this build maps bytes with the reference kernel (wasm: measured slower)");
  }
  check_byte_map(simd);
}

TEST_CASE("byte pair table equals the reference: every length to 200, unaligned, in place", "[kernels]") {
  check_byte_map([](const uint8_t* table, const uint8_t* in, uint8_t* out, size_t count) {
    BytePairTable pairs;
    pairs.fill(table);
    pairs.map(in, out, count);
  });
  // Taken on the SIMD path of a target without a vector byte map, and only
  // for large tensors.
  const bool vector_byte_map = byte_map_kernel(KernelPath::kSimd) != byte_map_kernel(KernelPath::kReference);
  CHECK(byte_pair_table_pays(KernelPath::kSimd, 200704) == !vector_byte_map);
  CHECK_FALSE(byte_pair_table_pays(KernelPath::kSimd, 1024));
  CHECK_FALSE(byte_pair_table_pays(KernelPath::kReference, 200704));
}
