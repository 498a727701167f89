// The SIMD per-channel sums against the reference: channel counts around the
// vector sizes and odd ones, pixel counts from none to a 56x56 map, both
// types, added onto non-zero starting sums (pooling adds row after row).
// Besides random bytes, every byte at one extreme: the largest sums the
// kernel's narrower partial sums must hold.
#include <catch_amalgamated.hpp>

#include <optional>
#include <vector>

#include "kernels/dispatch.hpp"
#include "kernels/reference/channel_sums.hpp"
#include "support/prng.hpp"

using namespace mnw;
using mnw::test::Prng;

TEST_CASE("SIMD channel sums equal the reference", "[kernels]") {
  const ChannelSumsKernel simd = channel_sums_kernel(KernelPath::kSimd);
  if (default_kernel_path() == KernelPath::kSimd) REQUIRE(simd != &reference::channel_sums);
  Prng rng(20261123);
  for (DType dtype : {DType::kUInt8, DType::kInt8}) {
    for (size_t channels : {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 96, 129, 240, 576}) {
      for (size_t count : {0, 1, 2, 5, 49, 127, 128, 129, 257, 3136}) {
        CAPTURE(dtype_name(dtype), channels, count);
        for (const std::optional<uint8_t> fill : {std::optional<uint8_t>(), {0x00}, {0x7F}, {0x80}, {0xFF}}) {
          CAPTURE(fill.value_or(0), fill.has_value());
          std::vector<uint8_t> pixels(count * channels);
          for (uint8_t& p : pixels) p = fill.value_or(rng.byte());
          std::vector<int32_t> expected(channels), actual(channels);
          for (size_t c = 0; c < channels; ++c) {
            expected[c] = actual[c] = static_cast<int32_t>(rng.between(-5000, 5000));
          }
          reference::channel_sums(dtype, pixels.data(), count, channels, expected.data());
          simd(dtype, pixels.data(), count, channels, actual.data());
          REQUIRE(actual == expected);
        }
      }
    }
  }
}
