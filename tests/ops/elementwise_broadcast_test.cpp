// MUL, ADD and SUB on every broadcast plan (ops/broadcast.hpp): a single
// element on either side (constant or not), a repeated operand on either
// side, equal shapes and a general broadcast. Each plan runs through its own
// path (byte table, kernel, element loop); all must agree with the element
// loop's arithmetic, on both kernel paths.
#include <catch_amalgamated.hpp>

#include "kernels/reference/add_sub.hpp"
#include "kernels/reference/mul.hpp"
#include "ops/broadcast.hpp"
#include "support/model_runner.hpp"
#include "support/prng.hpp"

using namespace mnw;
using namespace mnw::test;

namespace {

struct Case {
  const char* name;
  std::vector<int32_t> a, b, out;
  BroadcastKind kind;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all{
      {"scalar a", {1}, {1, 5, 7, 3}, {1, 5, 7, 3}, BroadcastKind::kScalarA},
      {"scalar b (rank 0)", {1, 5, 7, 3}, {}, {1, 5, 7, 3}, BroadcastKind::kScalarB},
      {"equal shapes", {2, 3, 37}, {2, 3, 37}, {2, 3, 37}, BroadcastKind::kRepeatB},
      {"repeated b (SE gate)", {1, 6, 5, 13}, {1, 1, 1, 13}, {1, 6, 5, 13}, BroadcastKind::kRepeatB},
      {"repeated b, two trailing dims", {3, 4, 19}, {4, 19}, {3, 4, 19}, BroadcastKind::kRepeatB},
      {"repeated a", {1, 1, 40}, {1, 9, 40}, {1, 9, 40}, BroadcastKind::kRepeatA},
      {"general", {1, 4, 1, 5}, {1, 1, 6, 5}, {1, 4, 6, 5}, BroadcastKind::kGeneral},
  };
  return all;
}

size_t count_of(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (const int32_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

Shape shape_of(const std::vector<int32_t>& dims) {
  Shape s;
  for (const int32_t d : dims) s.push_back(d);
  return s;
}

// The output by the element-by-element definition, broadcasting by hand.
template <class F>
std::vector<uint8_t> expected(const Case& c, const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, F f) {
  const Broadcast broadcast(shape_of(c.a), shape_of(c.b), shape_of(c.out));
  std::vector<uint8_t> out(count_of(c.out));
  broadcast.for_each_run([&](int64_t ai, int64_t bi, int64_t oi, int64_t n, int64_t a_step, int64_t b_step) {
    for (int64_t i = 0; i < n; ++i) {
      out[static_cast<size_t>(oi + i)] = static_cast<uint8_t>(f(a[static_cast<size_t>(ai + i * a_step)], b[static_cast<size_t>(bi + i * b_step)]));
    }
  });
  return out;
}

std::vector<uint8_t> random_bytes(Prng& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = rng.byte();
  return v;
}

}  // namespace

TEST_CASE("plan_broadcast tells the patterns apart", "[ops]") {
  for (const Case& c : cases()) {
    CAPTURE(c.name);
    CHECK(plan_broadcast(shape_of(c.a), shape_of(c.b), shape_of(c.out)).kind == c.kind);
  }
  const BroadcastPlan se = plan_broadcast(Shape{1, 56, 56, 16}, Shape{1, 1, 1, 16}, Shape{1, 56, 56, 16});
  CHECK(se.shape.rows == 56 * 56);
  CHECK(se.shape.inner == 16);
}

TEST_CASE("MUL, ADD and SUB agree with their arithmetic on every broadcast plan and both kernel paths", "[ops]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  const int32_t op = GENERATE(tfl::op::kMul, tfl::op::kAdd, tfl::op::kSub);
  const bool constant_b = GENERATE(false, true);
  CAPTURE(kernel_path_name(path), op, constant_b);
  Prng rng(static_cast<uint64_t>(op) * 2 + constant_b);
  // uint8 with zero points and scales of MobileNet's magnitude.
  const float sa = 0.02f, sb = 0.007f, so = op == tfl::op::kMul ? 0.0009f : 0.03f;
  const int32_t za = 3, zb = 200, zo = 120;
  for (const Case& c : cases()) {
    CAPTURE(c.name);
    const std::vector<uint8_t> a = random_bytes(rng, count_of(c.a)), b = random_bytes(rng, count_of(c.b));
    ModelBuilder m;
    const int x = m.tensor("a", tfl::kUInt8, c.a, per_tensor(sa, za));
    const int y = constant_b ? m.constant("b", tfl::kUInt8, c.b, b, per_tensor(sb, zb))
                             : m.tensor("b", tfl::kUInt8, c.b, per_tensor(sb, zb));
    const int z = m.tensor("out", tfl::kUInt8, c.out, per_tensor(so, zo));
    std::vector<std::vector<uint8_t>> inputs{a};
    if (!constant_b) inputs.push_back(b);
    std::vector<uint8_t> want;
    if (op == tfl::op::kMul) {
      add_single_op(m, op, {x, y}, z, MulOptions{});
      MulParams p;
      p.a_offset = -za;
      p.b_offset = -zb;
      p.output_offset = zo;
      p.multiplier = quantize_multiplier(static_cast<double>(sa * sb / so));
      want = expected(c, a, b, [&](int32_t u, int32_t v) { return reference::mul(p, u, v); });
    } else {
      if (op == tfl::op::kAdd) add_single_op(m, op, {x, y}, z, AddOptions{});
      else add_single_op(m, op, {x, y}, z, SubOptions{});
      AddSubParams p;
      p.a_offset = -za;
      p.b_offset = -zb;
      p.output_offset = zo;
      const double twice_max = 2.0 * std::max(sa, sb);
      p.a_multiplier = quantize_multiplier(sa / twice_max);
      p.b_multiplier = quantize_multiplier(sb / twice_max);
      p.output_multiplier = quantize_multiplier(twice_max / static_cast<double>(static_cast<float>(1 << 20) * so));
      p.subtract = op == tfl::op::kSub;
      want = expected(c, a, b, [&](int32_t u, int32_t v) { return reference::add_sub(p, u, v); });
    }
    CHECK(run_model<uint8_t, uint8_t>(m, inputs, path) == want);
  }
}

TEST_CASE("MUL by a single-element activation follows its value from run to run", "[ops][mul]") {
  const KernelPath path = GENERATE(from_range(kBothKernelPaths));
  ModelBuilder m;
  const int x = m.tensor("a", tfl::kUInt8, {1, 2, 2, 3}, per_tensor(1.0f, 0));
  const int y = m.tensor("b", tfl::kUInt8, {1}, per_tensor(1.0f, 0));
  const int z = m.tensor("out", tfl::kUInt8, {1, 2, 2, 3}, per_tensor(1.0f, 0));
  add_single_op(m, tfl::op::kMul, {x, y}, z, MulOptions{});
  auto interpreter = require_model(m, path);
  const std::vector<uint8_t> image = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  for (const uint8_t s : {2, 2, 0, 20, 1}) {
    CAPTURE(int{s});
    const std::vector<uint8_t> out = run(*interpreter, {image, {s}});
    for (size_t i = 0; i < image.size(); ++i) CHECK(out[i] == std::min(255, image[i] * s));
  }
}
