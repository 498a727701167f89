#include "kernels/elementwise.hpp"

namespace mnw {

ByteSteps byte_steps(const uint8_t* table, bool is_signed) {
  // All modulo 256, so a table that wraps around is no different.
  const int32_t lowest = is_signed ? -128 : 0;
  const auto value = [&](int32_t x) { return int32_t{table[static_cast<uint8_t>(x)]}; };
  ByteSteps steps;
  steps.count = 0;
  steps.offset = (value(lowest) - lowest) & 0xFF;
  for (int32_t x = lowest + 1; x < lowest + 256; ++x) {
    const int32_t rise = (value(x) - value(x - 1)) & 0xFF;
    if (rise == 1) continue;
    if (steps.count == ByteSteps::kMaxSteps) return ByteSteps{};
    steps.at[steps.count] = x;
    steps.delta[steps.count] = rise - 1;
    ++steps.count;
  }
  return steps;
}

}  // namespace mnw
