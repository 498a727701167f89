#include "api/profile.hpp"

#include <algorithm>
#include <chrono>

#include "model/op_type.hpp"

namespace mnw {
namespace {

using Clock = std::chrono::steady_clock;

// The mean of the middle 80%: robust to a slow spell like a median, and finer
// than the clock's tick (browsers tick in 5 us even when isolated).
double trimmed_mean(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t cut = v.size() / 10;
  double sum = 0;
  for (size_t i = cut; i < v.size() - cut; ++i) sum += v[i];
  return v.empty() ? 0.0 : sum / static_cast<double>(v.size() - 2 * cut);
}

}  // namespace

int64_t operator_macs(const Model& model, const OperatorInfo& op) {
  const auto& t = model.tensors;
  const Shape& out = t[static_cast<size_t>(op.outputs[0])].shape;
  switch (static_cast<OpType>(op.builtin_code)) {
    case OpType::kConv2D: {
      const Shape& f = t[static_cast<size_t>(op.inputs[1])].shape;
      return out.element_count() * f[1] * f[2] * f[3];
    }
    case OpType::kDepthwiseConv2D: {
      const Shape& f = t[static_cast<size_t>(op.inputs[1])].shape;
      return out.element_count() * f[1] * f[2];
    }
    case OpType::kFullyConnected:
      return out.element_count() * t[static_cast<size_t>(op.inputs[1])].shape[1];
    default:
      return 0;
  }
}

std::vector<OperatorTiming> profile_operators(Interpreter& engine, int runs, int warmup) {
  const Model& model = engine.model();
  std::vector<std::vector<double>> times(model.operators.size());
  for (int r = 0; r < warmup + runs; ++r) {
    Clock::time_point start = Clock::now();
    engine.invoke([&](size_t op, const TensorData&) {
      const Clock::time_point now = Clock::now();
      if (r >= warmup) times[op].push_back(std::chrono::duration<double, std::milli>(now - start).count());
      start = now;
    });
  }
  std::vector<OperatorTiming> timings;
  for (size_t i = 0; i < model.operators.size(); ++i) {
    const OperatorInfo& op = model.operators[i];
    timings.push_back({op_type_name(op.builtin_code), model.tensors[static_cast<size_t>(op.outputs[0])].shape,
                       operator_macs(model, op), trimmed_mean(times[i]), engine.fused_into(i)});
  }
  return timings;
}

}  // namespace mnw
