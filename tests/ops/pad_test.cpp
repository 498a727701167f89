// PAD on single-op models: the new border holds the output zero point (real
// 0) or 0.0f, the input is copied inside it, for ranks 1 to 4; and validation.
#include <catch_amalgamated.hpp>

#include "support/model_runner.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

ModelBuilder pad_model(int8_t type, std::vector<int32_t> in_shape, std::vector<int32_t> paddings,
                       std::vector<int32_t> out_shape, QuantSpec quant = {}) {
  ModelBuilder m;
  const int rank = static_cast<int>(in_shape.size());
  const int x = m.tensor("x", type, std::move(in_shape), quant);
  const int p = m.constant_of<int32_t>("paddings", tfl::kInt32, {rank, 2}, paddings);
  const int y = m.tensor("padded", type, std::move(out_shape), quant);
  add_single_op(m, tfl::op::kPad, {x, p}, y);
  return m;
}

}  // namespace

TEST_CASE("PAD fills the border with the output zero point", "[ops][pad]") {
  SECTION("uint8 NHWC, height and width") {
    // 1x2x2x1 with one row above and below, two columns on the left.
    const auto out = run_model<uint8_t, uint8_t>(
        pad_model(tfl::kUInt8, {1, 2, 2, 1}, {0, 0, 1, 1, 2, 0, 0, 0}, {1, 4, 4, 1}, per_tensor(0.1f, 7)),
        {std::vector<uint8_t>{1, 2, 3, 4}});
    CHECK(out == std::vector<uint8_t>{7, 7, 7, 7,  //
                                      7, 7, 1, 2,  //
                                      7, 7, 3, 4,  //
                                      7, 7, 7, 7});
  }
  SECTION("int8 NHWC, channels and batch") {
    const auto out = run_model<int8_t, int8_t>(
        pad_model(tfl::kInt8, {1, 1, 2, 2}, {1, 0, 0, 0, 0, 0, 1, 2}, {2, 1, 2, 5}, per_tensor(0.1f, -128)),
        {std::vector<int8_t>{-1, 2, 3, -4}});
    CHECK(out == std::vector<int8_t>{-128, -128, -128, -128, -128, -128, -128, -128, -128, -128,  //
                                     -128, -1, 2, -128, -128, -128, 3, -4, -128, -128});
  }
  SECTION("float, rank 1: zeros") {
    const auto out = run_model<float, float>(pad_model(tfl::kFloat32, {3}, {2, 1}, {6}),
                                             {std::vector<float>{1.5f, -2.5f, 3.0f}});
    CHECK(out == std::vector<float>{0.0f, 0.0f, 1.5f, -2.5f, 3.0f, 0.0f});
  }
  SECTION("rank 3 with nothing to pad is a copy") {
    const std::vector<uint8_t> in = {1, 2, 3, 4, 5, 6};
    const auto out = run_model<uint8_t, uint8_t>(
        pad_model(tfl::kUInt8, {1, 2, 3}, {0, 0, 0, 0, 0, 0}, {1, 2, 3}, per_tensor(1.0f, 9)), {in});
    CHECK(out == in);
  }
}

TEST_CASE("PAD of an empty tensor is all border, or nothing", "[ops][pad]") {
  // Empty tensors get no memory at all (a null pointer); the op must not
  // touch it. There is no input to set: invoke directly.
  auto border = require_model(pad_model(tfl::kUInt8, {2, 0}, {0, 0, 1, 2}, {2, 3}, per_tensor(0.5f, 42)));
  border->invoke();
  CHECK(std::vector<uint8_t>(border->output_data(0), border->output_data(0) + 6) == std::vector<uint8_t>(6, 42));
  auto nothing = require_model(pad_model(tfl::kUInt8, {0, 3}, {0, 0, 0, 0}, {0, 3}, per_tensor(0.5f, 42)));
  nothing->invoke();
  CHECK(nothing->output(0).byte_size() == 0);
}

TEST_CASE("PAD rejects malformed nodes", "[ops][pad]") {
  SECTION("paddings computed at run time") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kUInt8, {1, 2, 2, 1}, per_tensor(0.1f, 0));
    const int p = m.tensor("paddings", tfl::kInt32, {4, 2});
    const int y = m.tensor("padded", tfl::kUInt8, {1, 4, 4, 1}, per_tensor(0.1f, 0));
    add_single_op(m, tfl::op::kPad, {x, p}, y);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("PAD") && ContainsSubstring("'paddings'") && ContainsSubstring("constant"));
  }
  SECTION("negative paddings") {
    const Status s = load_error(pad_model(tfl::kUInt8, {4}, {-1, 0}, {3}, per_tensor(0.1f, 0)));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("PAD") && ContainsSubstring("paddings"));
  }
  SECTION("paddings of the wrong shape") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kUInt8, {2, 2}, per_tensor(0.1f, 0));
    const int p = m.constant_of<int32_t>("paddings", tfl::kInt32, {4}, {1, 1, 1, 1});
    const int y = m.tensor("padded", tfl::kUInt8, {4, 4}, per_tensor(0.1f, 0));
    add_single_op(m, tfl::op::kPad, {x, p}, y);
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("PAD") && ContainsSubstring("2x2"));
  }
  SECTION("rank 5") {
    const Status s = load_error(pad_model(tfl::kUInt8, {1, 1, 1, 1, 1}, std::vector<int32_t>(10, 0), {1, 1, 1, 1, 1},
                                          per_tensor(0.1f, 0)));
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("PAD") && ContainsSubstring("rank 5"));
  }
  SECTION("an output zero point that no uint8 border can hold") {
    const Status s = load_error(pad_model(tfl::kUInt8, {2}, {1, 1}, {4}, per_tensor(0.1f, 300)));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("PAD") && ContainsSubstring("zero point 300"));
  }
  SECTION("a declared output shape that is not the padded shape") {
    const Status s = load_error(pad_model(tfl::kUInt8, {2, 2}, {1, 1, 1, 1}, {4, 3}, per_tensor(0.1f, 0)));
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("PAD") && ContainsSubstring("4x4"));
  }
}
