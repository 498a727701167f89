// Reference vs SIMD convolution kernels on real MobileNet layer shapes:
// milliseconds per run, GMAC/s and the speed-up side by side; then the same
// for the byte table lookup of the 8-bit elementwise ops (HARD_SWISH, ...)
// on V3's tensor sizes. Each row also checks that both paths give the same
// bytes.
//
//   kernels_bench [--simd-only] [--rounds N] [substring]
//     --simd-only  time the SIMD kernels only (the reference still checks them)
//     --rounds N   repeat the measurements N times, keep the fastest
//     substring    only the rows whose name contains it
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/dispatch.hpp"

namespace {

using mnw::ConvDesc;
using mnw::DType;

struct Layer {
  const char* model;  // rows of one model sum to its network total
  int count;          // how often the shape occurs in the model
  bool depthwise;
  int in_h, in_w, in_c, out_c, kernel, stride;
  DType dtype;  // uint8: per-tensor, two roundings; int8: per-channel, as TFLite
};

constexpr DType kU8 = DType::kUInt8;
constexpr DType kI8 = DType::kInt8;

// Every CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED shape of MobileNet V2
// 1.0/224 with its count, then samples of V3 (5x5) and of int8 per-channel.
const Layer kLayers[] = {
    {"v2", 1, false, 224, 224, 3, 32, 3, 2, kU8},   {"v2", 1, true, 112, 112, 32, 32, 3, 1, kU8},
    {"v2", 1, false, 112, 112, 32, 16, 1, 1, kU8},  {"v2", 1, false, 112, 112, 16, 96, 1, 1, kU8},
    {"v2", 1, true, 112, 112, 96, 96, 3, 2, kU8},   {"v2", 1, false, 56, 56, 96, 24, 1, 1, kU8},
    {"v2", 2, false, 56, 56, 24, 144, 1, 1, kU8},   {"v2", 1, true, 56, 56, 144, 144, 3, 1, kU8},
    {"v2", 1, false, 56, 56, 144, 24, 1, 1, kU8},   {"v2", 1, true, 56, 56, 144, 144, 3, 2, kU8},
    {"v2", 1, false, 28, 28, 144, 32, 1, 1, kU8},   {"v2", 3, false, 28, 28, 32, 192, 1, 1, kU8},
    {"v2", 2, true, 28, 28, 192, 192, 3, 1, kU8},   {"v2", 2, false, 28, 28, 192, 32, 1, 1, kU8},
    {"v2", 1, true, 28, 28, 192, 192, 3, 2, kU8},   {"v2", 1, false, 14, 14, 192, 64, 1, 1, kU8},
    {"v2", 4, false, 14, 14, 64, 384, 1, 1, kU8},   {"v2", 4, true, 14, 14, 384, 384, 3, 1, kU8},
    {"v2", 3, false, 14, 14, 384, 64, 1, 1, kU8},   {"v2", 1, false, 14, 14, 384, 96, 1, 1, kU8},
    {"v2", 3, false, 14, 14, 96, 576, 1, 1, kU8},   {"v2", 2, true, 14, 14, 576, 576, 3, 1, kU8},
    {"v2", 2, false, 14, 14, 576, 96, 1, 1, kU8},   {"v2", 1, true, 14, 14, 576, 576, 3, 2, kU8},
    {"v2", 1, false, 7, 7, 576, 160, 1, 1, kU8},    {"v2", 3, false, 7, 7, 160, 960, 1, 1, kU8},
    {"v2", 3, true, 7, 7, 960, 960, 3, 1, kU8},     {"v2", 2, false, 7, 7, 960, 160, 1, 1, kU8},
    {"v2", 1, false, 7, 7, 960, 320, 1, 1, kU8},    {"v2", 1, false, 7, 7, 320, 1280, 1, 1, kU8},
    {"v2", 1, false, 1, 1, 1280, 1001, 1, 1, kU8},
    {"v3", 1, true, 56, 56, 72, 72, 5, 2, kU8},     {"v3", 1, true, 14, 14, 576, 576, 5, 1, kU8},
    {"int8", 1, false, 224, 224, 3, 32, 3, 2, kI8}, {"int8", 1, true, 56, 56, 144, 144, 3, 1, kI8},
    {"int8", 1, false, 56, 56, 24, 144, 1, 1, kI8}, {"int8", 1, false, 28, 28, 192, 32, 1, 1, kI8},
};

// The HARD_SWISH outputs of MobileNet V3 Small, with their counts.
struct ByteMapSize {
  int count, h, w, c;
};
const ByteMapSize kByteMapSizes[] = {{1, 112, 112, 16}, {1, 28, 28, 96}, {1, 14, 14, 96}, {4, 14, 14, 240},
                                     {2, 14, 14, 120},  {2, 14, 14, 144}, {1, 14, 14, 288}, {1, 7, 7, 288},
                                     {5, 7, 7, 576},    {1, 1, 1, 1024}};

std::string byte_map_name(const ByteMapSize& s) {
  std::string name = "v3 byte map " + std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
  if (s.count > 1) name += " (x" + std::to_string(s.count) + ")";
  return name;
}

std::string layer_name(const Layer& l) {
  char name[80];
  std::snprintf(name, sizeof name, "%s %s %dx%d/%d %dx%dx%d", l.model, l.depthwise ? "dw" : "conv", l.kernel, l.kernel,
                l.stride, l.in_h, l.in_w, l.in_c);
  std::string s = name;
  if (!l.depthwise) s += "->" + std::to_string(l.out_c);
  if (l.count > 1) s += " (x" + std::to_string(l.count) + ")";
  return s;
}

// splitmix64: random weights and inputs, the same on every platform.
struct Random {
  uint64_t state = 42;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int32_t between(int32_t lo, int32_t hi) { return lo + static_cast<int32_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }
};

ConvDesc make_desc(const Layer& l, Random& rng) {
  ConvDesc d;
  d.dtype = l.dtype;
  mnw::ConvGeometry& g = d.geometry;
  g.in_h = l.in_h;
  g.in_w = l.in_w;
  g.in_c = l.in_c;
  g.out_c = l.out_c;
  g.kernel_h = g.kernel_w = l.kernel;
  g.stride_h = g.stride_w = l.stride;
  // SAME padding.
  g.out_h = (l.in_h + l.stride - 1) / l.stride;
  g.out_w = (l.in_w + l.stride - 1) / l.stride;
  g.pad_top = std::max((g.out_h - 1) * l.stride + l.kernel - l.in_h, 0) / 2;
  g.pad_left = std::max((g.out_w - 1) * l.stride + l.kernel - l.in_w, 0) / 2;
  // Quantization like the real models': ReLU6 layers (stem, depthwise,
  // expansions) have output zero point 0 (uint8) or -128 (int8), the range
  // exactly [0, 6], and small shifts; linear projections a mid zero point and
  // larger shifts. int8 is per channel, with a spread of exponents.
  const bool u8 = l.dtype == kU8;
  const bool relu6 = l.depthwise || l.out_c > l.in_c || l.kernel > 1;
  d.input_zero_point = u8 ? 128 : -1;
  d.output_zero_point = relu6 ? (u8 ? 0 : -128) : (u8 ? 128 : 0);
  d.activation_min = u8 ? 0 : -128;
  d.activation_max = u8 ? 255 : 127;
  d.rounding = u8 || l.depthwise ? mnw::Rounding::kDouble : mnw::Rounding::kSingle;
  const size_t taps = static_cast<size_t>(l.kernel) * l.kernel;
  d.filter.resize(l.depthwise ? taps * l.out_c : taps * l.in_c * l.out_c);
  for (int16_t& w : d.filter) w = static_cast<int16_t>(u8 ? rng.between(-120, 135) : rng.between(-127, 127));
  const int32_t mantissa = rng.between(1 << 30, INT32_MAX);
  const int32_t exponent = l.depthwise ? -4 : relu6 ? -6 : -9;
  for (int c = 0; c < l.out_c; ++c) {
    d.bias.push_back(rng.between(-20000, 20000));
    d.multiplier.push_back(u8 ? mantissa : rng.between(1 << 30, INT32_MAX));
    d.exponent.push_back(u8 ? exponent : rng.between(exponent - 3, exponent + 2));
  }
  return d;
}

// Milliseconds per run: the fastest of many single timed runs, after a
// warm-up long enough for the wasm engine to tier up. The minimum is the
// figure least disturbed by other processes on a busy machine.
double time_ms(const std::function<void()>& run, double budget_ms) {
  using Clock = std::chrono::steady_clock;
  const auto elapsed_ms = [](Clock::time_point since) {
    return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
  };
  const auto warm_up = Clock::now();
  for (int i = 0; i < 2 || elapsed_ms(warm_up) < budget_ms / 4; ++i) run();
  double best = 1e30;
  const auto start = Clock::now();
  for (int i = 0; i < 3 || (elapsed_ms(start) < budget_ms && i < 500); ++i) {
    const auto t = Clock::now();
    run();
    best = std::min(best, elapsed_ms(t));
  }
  return best;
}

struct Row {
  const Layer* layer;
  ConvDesc desc;
  double macs;
  std::vector<uint8_t> input, ref_out, simd_out;
  std::unique_ptr<mnw::ConvKernel> ref, simd;
  double ref_ms = 1e30, simd_ms = 1e30;
};

struct ByteMapRow {
  const ByteMapSize* size;
  size_t elements;
  std::vector<uint8_t> input, ref_out, simd_out;
  double ref_ms = 1e30, simd_ms = 1e30;
};

// The byte map rows: microseconds and nanoseconds per element. Returns
// whether both paths gave the same bytes everywhere.
bool bench_byte_maps(const char* filter, int rounds, bool simd_only, Random& rng) {
  uint8_t table[256];
  for (uint8_t& t : table) t = static_cast<uint8_t>(rng.next() >> 56);
  const mnw::ByteMapKernel ref = mnw::byte_map_kernel(mnw::KernelPath::kReference);
  const mnw::ByteMapKernel simd = mnw::byte_map_kernel(mnw::KernelPath::kSimd);
  std::vector<ByteMapRow> rows;
  for (const ByteMapSize& size : kByteMapSizes) {
    if (byte_map_name(size).find(filter) == std::string::npos) continue;
    ByteMapRow& r = rows.emplace_back();
    r.size = &size;
    r.elements = static_cast<size_t>(size.h) * size.w * size.c;
    r.input.resize(r.elements);
    for (uint8_t& x : r.input) x = static_cast<uint8_t>(rng.next() >> 56);
    r.ref_out.resize(r.elements);
    r.simd_out.resize(r.elements);
  }
  if (rows.empty()) return true;
  // Small tensors take under a microsecond: each sample maps them repeatedly.
  const auto time_map = [&](mnw::ByteMapKernel map, const ByteMapRow& r, std::vector<uint8_t>& out) {
    const size_t repeats = 1 + 100000 / r.elements;
    const auto run = [&] {
      for (size_t i = 0; i < repeats; ++i) map(table, r.input.data(), out.data(), r.elements);
    };
    return time_ms(run, 100) / static_cast<double>(repeats);
  };
  for (int round = 0; round < rounds; ++round) {
    for (ByteMapRow& r : rows) {
      if (!simd_only) r.ref_ms = std::min(r.ref_ms, time_map(ref, r, r.ref_out));
      r.simd_ms = std::min(r.simd_ms, time_map(simd, r, r.simd_out));
    }
  }

  std::printf("%-40s %8s | %9s %7s | %9s %7s | %7s\n", "byte map", "elements", "ref us", "ns/el", "simd us", "ns/el",
              "speedup");
  const auto print_row = [&](const std::string& name, double elements, double ref_ms, double simd_ms, const char* note) {
    std::printf("%-40s %8.0f | ", name.c_str(), elements);
    if (simd_only) {
      std::printf("%9s %7s | %9.2f %7.3f |\n", "-", "-", simd_ms * 1e3, simd_ms * 1e6 / elements);
    } else {
      std::printf("%9.2f %7.3f | %9.2f %7.3f | %6.1fx%s\n", ref_ms * 1e3, ref_ms * 1e6 / elements, simd_ms * 1e3,
                  simd_ms * 1e6 / elements, ref_ms / simd_ms, note);
    }
  };
  bool all_equal = true;
  double elements = 0, ref_ms = 0, simd_ms = 0;
  for (ByteMapRow& r : rows) {
    if (simd_only) ref(table, r.input.data(), r.ref_out.data(), r.elements);
    const bool equal = r.ref_out == r.simd_out;
    all_equal = all_equal && equal;
    print_row(byte_map_name(*r.size), static_cast<double>(r.elements), r.ref_ms, r.simd_ms,
              equal ? "" : "  OUTPUT DIFFERS");
    elements += r.size->count * static_cast<double>(r.elements);
    ref_ms += r.size->count * r.ref_ms;
    simd_ms += r.size->count * r.simd_ms;
  }
  print_row("v3 byte map total", elements, ref_ms, simd_ms, "");
  return all_equal;
}

}  // namespace

int main(int argc, char** argv) {
  bool simd_only = false;
  int rounds = 1;
  const char* filter = "";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--simd-only") == 0) {
      simd_only = true;
    } else if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else {
      filter = argv[i];
    }
  }
  Random rng;
  std::vector<Row> rows;
  for (const Layer& l : kLayers) {
    if (layer_name(l).find(filter) == std::string::npos) continue;
    Row& r = rows.emplace_back();
    r.layer = &l;
    r.desc = make_desc(l, rng);
    const auto& g = r.desc.geometry;
    r.macs = static_cast<double>(g.out_h) * g.out_w * g.out_c * l.kernel * l.kernel * (l.depthwise ? 1 : l.in_c);
    r.input.resize(static_cast<size_t>(g.in_h) * g.in_w * g.in_c);
    for (uint8_t& x : r.input) x = static_cast<uint8_t>(rng.next() >> 56);
    r.ref_out.resize(static_cast<size_t>(g.out_h) * g.out_w * g.out_c);
    r.simd_out.resize(r.ref_out.size());
    const auto make = l.depthwise ? mnw::make_depthwise_conv2d_kernel : mnw::make_conv2d_kernel;
    r.ref = make(mnw::KernelPath::kReference, r.desc);
    r.simd = make(mnw::KernelPath::kSimd, r.desc);
  }
  // Rounds interleave the layers, so that a burst of load elsewhere on the
  // machine does not spoil every sample of one layer.
  for (int round = 0; round < rounds; ++round) {
    for (Row& r : rows) {
      if (!simd_only) r.ref_ms = std::min(r.ref_ms, time_ms([&] { r.ref->run(r.input.data(), r.ref_out.data()); }, 200));
      r.simd_ms = std::min(r.simd_ms, time_ms([&] { r.simd->run(r.input.data(), r.simd_out.data()); }, 400));
    }
  }

  std::printf("SIMD path: %s. Times per occurrence; totals count each shape as often as the model has it.\n\n",
              mnw::kernel_path_name(mnw::KernelPath::kSimd));
  std::printf("%-40s %8s | %9s %7s | %9s %7s | %7s\n", "layer", "MMAC", "ref ms", "GMAC/s", "simd ms", "GMAC/s",
              "speedup");
  const auto print_row = [&](const std::string& name, double macs, double ref_ms, double simd_ms, const char* note) {
    std::printf("%-40s %8.2f | ", name.c_str(), macs / 1e6);
    if (simd_only) {
      std::printf("%9s %7s | %9.3f %7.2f |\n", "-", "-", simd_ms, macs / simd_ms / 1e6);
    } else {
      std::printf("%9.3f %7.2f | %9.3f %7.2f | %6.1fx%s\n", ref_ms, macs / ref_ms / 1e6, simd_ms, macs / simd_ms / 1e6,
                  ref_ms / simd_ms, note);
    }
  };
  bool all_equal = true;
  for (size_t i = 0; i < rows.size(); ++i) {
    Row& r = rows[i];
    if (simd_only) r.ref->run(r.input.data(), r.ref_out.data());
    const bool equal = r.ref_out == r.simd_out;
    all_equal = all_equal && equal;
    print_row(layer_name(*r.layer), r.macs, r.ref_ms, r.simd_ms, equal ? "" : "  OUTPUT DIFFERS");
    // After a model's last row, its total.
    if (i + 1 == rows.size() || std::strcmp(rows[i + 1].layer->model, r.layer->model) != 0) {
      double macs = 0, ref_ms = 0, simd_ms = 0;
      for (const Row& m : rows) {
        if (std::strcmp(m.layer->model, r.layer->model) != 0) continue;
        macs += m.layer->count * m.macs;
        ref_ms += m.layer->count * m.ref_ms;
        simd_ms += m.layer->count * m.simd_ms;
      }
      print_row(std::string(r.layer->model) + " total", macs, ref_ms, simd_ms, "");
      std::printf("\n");
    }
  }
  all_equal = bench_byte_maps(filter, rounds, simd_only, rng) && all_equal;
  return all_equal ? 0 : 1;
}
