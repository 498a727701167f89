// `mobilenet bench`: latency of whole models on the reference and the SIMD
// kernels, timed alternately in blocks so a slow spell of the machine hits
// both, and reported as medians and their ratio. `--profile` times every
// operator instead and relates it to the operator's multiply-accumulates.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "api/interpreter.hpp"
#include "api/profile.hpp"
#include "cli/cli.hpp"

namespace mnw::cli {
namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// A fixed, non-trivial input: pseudo-random bytes, or values in [0, 1] for float inputs.
void fill_input(Interpreter& engine) {
  const TensorInfo& info = engine.input(0);
  uint8_t* data = engine.input_data(0);
  uint32_t state = 20240601;
  const size_t n = static_cast<size_t>(info.shape.element_count());
  for (size_t i = 0; i < n; ++i) {
    state = state * 1664525u + 1013904223u;
    const uint8_t byte = static_cast<uint8_t>(state >> 24);
    if (info.dtype == DType::kFloat32) reinterpret_cast<float*>(data)[i] = byte / 255.0f;
    else data[i * dtype_size(info.dtype)] = byte;
  }
}

int profile(const std::string& path, Interpreter& engine, int runs) {
  fill_input(engine);
  const std::vector<OperatorTiming> timings = profile_operators(engine, runs);
  std::printf("profile of %s (%s kernels, trimmed mean of %d runs)\n", path.c_str(), kernel_path_name(engine.kernel_path()), runs);
  std::printf("%4s  %-18s %-16s %10s %9s %8s %6s\n", "op", "type", "output", "MMAC", "ms", "GMAC/s", "share");
  double total = 0;
  int64_t total_macs = 0;
  for (const OperatorTiming& t : timings) {
    total += t.ms;
    total_macs += t.macs;
  }
  for (size_t i = 0; i < timings.size(); ++i) {
    const OperatorTiming& t = timings[i];
    std::printf("%4zu  %-18s %-16s %10.2f %9.3f %8.2f %5.1f%%", i, t.type.c_str(), t.output.to_string().c_str(),
                t.macs / 1e6, t.ms, t.ms > 0 ? t.macs / t.ms / 1e6 : 0.0, 100.0 * t.ms / total);
    if (t.fused_into >= 0) std::printf("  (runs in op %d)", t.fused_into);
    std::printf("\n");
  }
  std::printf("total %.3f ms, %.1f MMAC, %.2f GMAC/s\n", total, total_macs / 1e6, total_macs / total / 1e6);
  return 0;
}

}  // namespace

int bench_command(const Args& args) {
  if (auto s = args.check_known({"runs", "warmup", "block", "profile", "kernels", "threads"}); !s) {
    return usage_error(s.message());
  }
  std::vector<std::string> models;
  for (const std::string& p : args.positional()) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        if (e.path().extension() == ".tflite") models.push_back(e.path().string());
      }
    } else {
      models.push_back(p);
    }
  }
  std::sort(models.begin(), models.end());
  if (models.empty()) return usage_error("bench needs model files or folders of them");
  const int runs = std::max(1, args.int_value("runs", 20));
  const int warmup = std::max(0, args.int_value("warmup", 3));
  const int block = std::max(1, args.int_value("block", 5));
  const int threads = std::clamp(args.int_value("threads", 2), 1, Interpreter::kMaxThreads);

  if (args.flag("profile")) {
    const auto kernels = args.value("kernels");
    InterpreterOptions options;
    options.kernel_path = kernels && *kernels == "reference" ? KernelPath::kReference : default_kernel_path();
    options.threads = args.int_value("threads", 1);
    for (const std::string& m : models) {
      auto bytes = read_file(m);
      if (!bytes) return fail(bytes.status());
      auto engine = Interpreter::from_bytes(std::move(bytes).value(), options);
      if (!engine) return fail(engine.status());
      profile(m, *engine.value(), runs);
    }
    return 0;
  }

  // The reference kernels, the SIMD kernels on one thread, and on `threads`
  // threads where the build has threads.
  std::vector<InterpreterOptions> configs(2);
  configs[0].kernel_path = KernelPath::kReference;
  configs[1].kernel_path = default_kernel_path();
  if (threads > 1 && ThreadPool(threads).threads() > 1) {
    configs.push_back(configs[1]);
    configs[2].threads = threads;
  }
  const bool threaded = configs.size() == 3;
  std::printf("%-48s %13s %13s", "model", "reference ms", "simd ms");
  if (threaded) std::printf(" %10s %d thr", "simd ms", threads);
  std::printf(" %9s", "vs ref");
  if (threaded) std::printf(" %9s", "threads");
  std::printf("\n");
  for (const std::string& m : models) {
    auto bytes = read_file(m);
    if (!bytes) return fail(bytes.status());
    auto model = read_model(std::move(bytes).value());
    if (!model) return fail(model.status());
    std::vector<std::unique_ptr<Interpreter>> engines;
    for (const InterpreterOptions& options : configs) {
      auto engine = Interpreter::create(model.value(), options);
      if (!engine) return fail(engine.status());
      engines.push_back(std::move(engine).value());
    }
    std::vector<std::vector<double>> times(engines.size());
    for (auto& e : engines) {
      fill_input(*e);
      for (int i = 0; i < warmup; ++i) e->invoke();
    }
    // Alternate blocks of runs between the configurations.
    for (int done = 0; done < runs; done += block) {
      for (size_t k = 0; k < engines.size(); ++k) {
        for (int i = 0; i < block && done + i < runs; ++i) {
          const Clock::time_point start = Clock::now();
          engines[k]->invoke();
          times[k].push_back(elapsed_ms(start));
        }
      }
    }
    std::vector<double> ms;
    for (const auto& t : times) ms.push_back(median(t));
    std::printf("%-48s %13.3f %13.3f", std::filesystem::path(m).stem().string().c_str(), ms[0], ms[1]);
    if (threaded) std::printf(" %17.3f", ms[2]);
    std::printf(" %8.2fx", ms[1] > 0 ? ms[0] / ms[1] : 0.0);
    if (threaded) std::printf(" %8.2fx", ms[2] > 0 ? ms[1] / ms[2] : 0.0);
    std::printf("\n");
  }
  std::printf("(%s build, SIMD path: %s; medians of %d runs)\n",
#ifdef __EMSCRIPTEN__
              "wasm",
#else
              "native",
#endif
              kernel_path_name(default_kernel_path()), runs);
  return 0;
}

}  // namespace mnw::cli
