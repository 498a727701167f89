// Chains of 8-bit elementwise ops with constant parameters run as one table
// (InterpreterOptions::fuse_byte_maps): the same output bytes as op by op,
// and only where nothing else needs the tensor in between.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;

namespace {

// A float model's input normalization, as in tf2 MobileNet V3 with float
// I/O: QUANTIZE to int8, MUL and SUB by constants, then HARD_SWISH.
// `intermediate_is_output` also makes MUL's output a graph output;
// `scalar_is_input` feeds MUL's single element as a graph input instead;
// `unit_input` (with `activation` false) is the tf2 model's own chain: an
// image in [0, 1], times 2, minus 1, which composes to nearly the identity.
ModelBuilder normalization_model(bool intermediate_is_output = false, bool scalar_is_input = false,
                                 bool activation = true, bool unit_input = false) {
  ModelBuilder m;
  const std::vector<int32_t> shape = {1, 5, 7, 3};
  const int x = m.tensor("image", tfl::kFloat32, shape);
  const int q = m.tensor("quantized", tfl::kInt8, shape, per_tensor(unit_input ? 1.0f / 255 : 1.0f, -128));
  const float factor_scale = unit_input ? 0.02f : 0.01f;
  const int two = scalar_is_input ? m.tensor("factor", tfl::kInt8, {1}, per_tensor(factor_scale, 0))
                                  : m.constant_of("factor", tfl::kInt8, {1}, std::vector<int8_t>{100},
                                                  per_tensor(factor_scale, 0));
  const int scaled = m.tensor("scaled", tfl::kInt8, shape, per_tensor(2.0f / 255, -128));
  const int one = m.constant_of("one", tfl::kInt8, {1}, std::vector<int8_t>{127}, per_tensor(1.0f / 127, 0));
  const int centred = m.tensor("centred", tfl::kInt8, shape, per_tensor(1.0f / 128, 0));
  const int activated = m.tensor("activated", tfl::kInt8, shape, per_tensor(1.0f / 160, -20));
  m.builtin_op(tfl::op::kQuantize, {x}, {q});
  m.builtin_op(tfl::op::kMul, {q, two}, {scaled}, MulOptions{});
  m.builtin_op(tfl::op::kSub, {scaled, one}, {centred}, SubOptions{});
  if (activation) m.builtin_op(tfl::op::kHardSwish, {centred}, {activated});
  const int last = activation ? activated : centred;
  m.set_inputs(scalar_is_input ? std::vector<int32_t>{x, two} : std::vector<int32_t>{x});
  m.set_outputs(intermediate_is_output ? std::vector<int32_t>{last, scaled} : std::vector<int32_t>{last});
  return m;
}

std::unique_ptr<Interpreter> load(const ModelBuilder& model, KernelPath path, bool fuse) {
  InterpreterOptions options;
  options.kernel_path = path;
  options.fuse_byte_maps = fuse;
  return require_model(model, options);
}

// Values spread over the quantized range (in steps of `scale`), a third of
// them at a rounding tie.
std::vector<uint8_t> image_bytes(float scale = 1.0f) {
  std::vector<float> pixels(1 * 5 * 7 * 3);
  for (size_t i = 0; i < pixels.size(); ++i) {
    pixels[i] = (static_cast<float>((i * 37) % 256) + (i % 3 == 0 ? 0.5f : 0.0f)) * scale;
  }
  return to_bytes(pixels);
}

void check_fused_equals_separate(bool activation, bool unit_input) {
  for (const KernelPath path : kBothKernelPaths) {
    CAPTURE(path == KernelPath::kSimd, activation);
    auto fused = load(normalization_model(false, false, activation, unit_input), path, true);
    auto separate = load(normalization_model(false, false, activation, unit_input), path, false);
    // QUANTIZE takes MUL, SUB and HARD_SWISH.
    CHECK(fused->fused_into(0) == -1);
    for (size_t i = 1; i < fused->model().operators.size(); ++i) CHECK(fused->fused_into(i) == 0);
    for (size_t i = 0; i < separate->model().operators.size(); ++i) CHECK(separate->fused_into(i) == -1);
    const std::vector<uint8_t> image = image_bytes(unit_input ? 1.0f / 255 : 1.0f);
    const std::vector<uint8_t> want = run(*separate, {image});
    CHECK(run(*fused, {image}) == want);
    // Not all one value: the chain really maps its inputs.
    CHECK(std::count(want.begin(), want.end(), want[0]) < static_cast<std::ptrdiff_t>(want.size()));
  }
}

// The table the chain after QUANTIZE composes to, from running it on every byte.
std::vector<uint8_t> composed_table(bool activation, bool unit_input) {
  auto separate = load(normalization_model(false, false, activation, unit_input), KernelPath::kReference, false);
  const float scale = unit_input ? 1.0f / 255 : 1.0f;
  std::vector<float> every_byte(1 * 5 * 7 * 3, 0.0f);
  std::vector<uint8_t> table;
  for (int first = 0; first < 256; first += static_cast<int>(every_byte.size())) {
    for (size_t i = 0; i < every_byte.size(); ++i) every_byte[i] = static_cast<float>(std::min<size_t>(first + i, 255)) * scale;
    const std::vector<uint8_t> out = run(*separate, {to_bytes(every_byte)});
    table.insert(table.end(), out.begin(), out.end());
  }
  table.resize(256);  // indexed by q + 128, the int8 value's byte plus 128
  std::vector<uint8_t> by_byte(256);
  for (int v = -128; v < 128; ++v) by_byte[static_cast<uint8_t>(v)] = table[static_cast<size_t>(v + 128)];
  return by_byte;
}

}  // namespace

TEST_CASE("byte map fusion: a chain runs inside QUANTIZE with the same output", "[api][fusion]") {
  SECTION("with HARD_SWISH: a table of many steps, looked up") {
    REQUIRE(byte_steps(composed_table(true, false).data(), true).count == -1);
    check_fused_equals_separate(true, false);
  }
  SECTION("MUL and SUB only, as in tf2 MobileNet V3: a table of few steps (see ByteSteps)") {
    const ByteSteps steps = byte_steps(composed_table(false, true).data(), true);
    REQUIRE(steps.count >= 1);
    check_fused_equals_separate(false, true);
  }
}

TEST_CASE("byte map fusion: not where the tensor in between is needed", "[api][fusion]") {
  SECTION("a graph output") {
    auto fused = load(normalization_model(/*intermediate_is_output=*/true), KernelPath::kSimd, true);
    CHECK(fused->fused_into(2) == -1);  // SUB would overwrite MUL's output
    CHECK(fused->fused_into(3) == 2);
    auto separate = load(normalization_model(true), KernelPath::kSimd, false);
    const std::vector<uint8_t> image = image_bytes();
    run(*separate, {image});
    run(*fused, {image});
    for (size_t o = 0; o < 2; ++o) {
      const size_t size = fused->output(o).byte_size();
      CHECK(std::vector<uint8_t>(fused->output_data(o), fused->output_data(o) + size) ==
            std::vector<uint8_t>(separate->output_data(o), separate->output_data(o) + size));
    }
  }
  SECTION("a table that depends on an input") {
    auto fused = load(normalization_model(false, /*scalar_is_input=*/true), KernelPath::kSimd, true);
    CHECK(fused->fused_into(2) == -1);  // MUL's table is built per run
    CHECK(fused->fused_into(3) == 2);
  }
}
