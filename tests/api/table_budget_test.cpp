// The lookup tables some ops build at load for speed (kernels/byte_pair_map.hpp,
// wasm only) stay within InterpreterOptions::max_table_bytes: a model of many
// small ops cannot make each allocate its 64-128 KB, and ops past the budget
// give the same bytes without one.
#include <catch_amalgamated.hpp>

#include "kernels/byte_pair_map.hpp"
#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;

namespace {

constexpr int kHardSwishOps = 6;

// kHardSwishOps HARD_SWISH ops and one ADD, all on the one 128x128 input
// (16K values: large enough for byte pair tables), each a graph output.
ModelBuilder many_tables_model() {
  ModelBuilder m;
  const std::vector<int32_t> shape = {1, 128, 128, 1};
  const int x = m.tensor("x", tfl::kUInt8, shape, per_tensor(0.05f, 120));
  std::vector<int32_t> outputs;
  for (int i = 0; i < kHardSwishOps; ++i) {
    const int y = m.tensor("hard_swish_" + std::to_string(i), tfl::kUInt8, shape, per_tensor(0.03f + 0.01f * i, 10 + i));
    m.builtin_op(tfl::op::kHardSwish, {x}, {y});
    outputs.push_back(y);
  }
  const int sum = m.tensor("sum", tfl::kUInt8, shape, per_tensor(0.1f, 128));
  m.builtin_op(tfl::op::kAdd, {x, x}, {sum}, AddOptions{});
  outputs.push_back(sum);
  m.set_inputs({x});
  m.set_outputs(outputs);
  return m;
}

std::unique_ptr<Interpreter> load(KernelPath path, size_t max_table_bytes) {
  InterpreterOptions options;
  options.kernel_path = path;
  options.max_table_bytes = max_table_bytes;
  return require_model(many_tables_model(), options);
}

std::vector<std::vector<uint8_t>> outputs_for(Interpreter& interpreter, const std::vector<uint8_t>& input) {
  run(interpreter, {input});
  std::vector<std::vector<uint8_t>> outputs;
  for (size_t o = 0; o < interpreter.output_count(); ++o) {
    outputs.emplace_back(interpreter.output_data(o), interpreter.output_data(o) + interpreter.output(o).byte_size());
  }
  return outputs;
}

}  // namespace

TEST_CASE("lookup tables stay within max_table_bytes, with the same output", "[api]") {
  const bool tables_pay = byte_pair_table_pays(KernelPath::kSimd, 128 * 128);
  std::vector<uint8_t> input(128 * 128);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 7);
  auto reference = load(KernelPath::kReference, size_t{32} << 20);
  CHECK(reference->table_bytes() == 0);
  const auto want = outputs_for(*reference, input);

  SECTION("a budget for two pair tables: the other ops do without") {
    auto engine = load(KernelPath::kSimd, 2 * BytePairTable::kBytes + BinaryByteTable::kBytes - 1);
    CHECK(engine->table_bytes() == (tables_pay ? 2 * BytePairTable::kBytes : 0));
    CHECK(outputs_for(*engine, input) == want);
  }
  SECTION("the default budget: every op gets its table") {
    auto engine = load(KernelPath::kSimd, InterpreterOptions{}.max_table_bytes);
    CHECK(engine->table_bytes() ==
          (tables_pay ? kHardSwishOps * BytePairTable::kBytes + BinaryByteTable::kBytes : 0));
    CHECK(outputs_for(*engine, input) == want);
  }
  SECTION("no budget") {
    auto engine = load(KernelPath::kSimd, 0);
    CHECK(engine->table_bytes() == 0);
    CHECK(outputs_for(*engine, input) == want);
  }
}
