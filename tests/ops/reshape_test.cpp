// RESHAPE (and SQUEEZE, which runs the same way) on single-op models: the
// bytes pass through unchanged under the declared shape; and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"
#include "support/prng.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

ModelBuilder reshape_model(int8_t type, std::vector<int32_t> in_shape, std::vector<int32_t> out_shape,
                           QuantSpec in_q, QuantSpec out_q) {
  ModelBuilder m;
  const int x = m.tensor("x", type, std::move(in_shape), std::move(in_q));
  const int y = m.tensor("reshaped", type, out_shape, std::move(out_q));
  add_single_op(m, tfl::op::kReshape, {x}, y, ReshapeOptions{out_shape});
  return m;
}

}  // namespace

TEST_CASE("RESHAPE passes the bytes through unchanged", "[ops][reshape]") {
  Prng prng(11);
  SECTION("uint8 logits [1,1,1,1001] -> [1,1001]") {
    std::vector<uint8_t> in(1001);
    for (auto& v : in) v = prng.byte();
    const auto out = run_model<uint8_t, uint8_t>(
        reshape_model(tfl::kUInt8, {1, 1, 1, 1001}, {1, 1001}, per_tensor(0.1f, 3), per_tensor(0.1f, 3)), {in});
    CHECK(out == in);
  }
  SECTION("float [2,3,4] -> [4,6]") {
    std::vector<float> in;
    for (int i = 0; i < 24; ++i) in.push_back(static_cast<float>(i) * -0.5f);
    const auto out = run_model<float, float>(reshape_model(tfl::kFloat32, {2, 3, 4}, {4, 6}, {}, {}), {in});
    CHECK(out == in);
  }
  SECTION("shape from a second, constant input") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kInt8, {1, 2, 2, 3}, per_tensor(0.5f, -1));
    const int shape = m.constant_of<int32_t>("shape", tfl::kInt32, {2}, {1, 12});
    const int y = m.tensor("reshaped", tfl::kInt8, {1, 12}, per_tensor(0.5f, -1));
    add_single_op(m, tfl::op::kReshape, {x, shape}, y);
    const std::vector<int8_t> in = {-128, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 127};
    CHECK(run_model<int8_t, int8_t>(m, {in}) == in);
  }
  SECTION("SQUEEZE [1,1,1,5] -> [1,5]") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kUInt8, {1, 1, 1, 5}, per_tensor(0.5f, 0));
    const int y = m.tensor("squeezed", tfl::kUInt8, {1, 5}, per_tensor(0.5f, 0));
    add_single_op(m, tfl::op::kSqueeze, {x}, y);
    const std::vector<uint8_t> in = {9, 8, 7, 6, 5};
    CHECK(run_model<uint8_t, uint8_t>(m, {in}) == in);
  }
}

TEST_CASE("RESHAPE rejects malformed nodes", "[ops][reshape]") {
  SECTION("a different element count") {
    const Status s = load_error(reshape_model(tfl::kUInt8, {1, 10}, {1, 12}, per_tensor(0.1f, 0), per_tensor(0.1f, 0)));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("RESHAPE") && ContainsSubstring("1x10") && ContainsSubstring("1x12"));
  }
  SECTION("a different quantization, which would need a rescale") {
    const Status s = load_error(reshape_model(tfl::kUInt8, {1, 10}, {10}, per_tensor(0.1f, 0), per_tensor(0.2f, 0)));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("RESHAPE") && ContainsSubstring("quantization"));
  }
  SECTION("a different element type") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kUInt8, {4}, per_tensor(0.1f, 0));
    const int y = m.tensor("reshaped", tfl::kInt8, {2, 2}, per_tensor(0.1f, 0));
    add_single_op(m, tfl::op::kReshape, {x}, y, ReshapeOptions{{2, 2}});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("RESHAPE") && ContainsSubstring("'reshaped'"));
  }
}
