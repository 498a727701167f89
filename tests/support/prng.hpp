// The tests' own random numbers: splitmix64, identical on every platform
// (std::uniform_*_distribution differs between libstdc++ and libc++).
// Tests CAPTURE the seed so a failure can be replayed.
#pragma once

#include <cstdint>

namespace mnw::test {

class Prng {
 public:
  explicit Prng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound) for bound >= 1 (the modulo bias is negligible for test sizes).
  uint64_t below(uint64_t bound) { return next() % bound; }

  // Uniform in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }

  uint8_t byte() { return static_cast<uint8_t>(next() >> 56); }

 private:
  uint64_t state_;
};

}  // namespace mnw::test
