// The model reader against hostile and malformed files: every one must give a
// clear Status (never a crash, never a huge allocation). Files are built with
// support/tflite_builder, then patched, truncated or mutated.
#include <catch_amalgamated.hpp>

#include <chrono>

#include "support/model_runner.hpp"
#include "support/prng.hpp"
#include "support/sample_models.hpp"
#include "support/shared_data.hpp"

using namespace mnw;
using namespace mnw::test;
using Catch::Matchers::ContainsSubstring;

namespace {

uint32_t read_u32(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}
void write_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) { std::memcpy(b.data() + at, &v, 4); }
void write_u16(std::vector<uint8_t>& b, size_t at, uint16_t v) { std::memcpy(b.data() + at, &v, 2); }

// Where the root table's vtable entry for `field` is stored.
size_t root_vtable_entry(const std::vector<uint8_t>& b, int field) {
  const uint32_t root = read_u32(b, 0);
  const uint32_t vtable = root - read_u32(b, root);
  return vtable + 4 + 2 * static_cast<size_t>(field);
}

Status read_status(std::vector<uint8_t> bytes, const ModelLimits& limits = {}) {
  auto model = read_model(std::move(bytes), limits);
  return model.is_ok() ? Status::ok() : model.status();
}

// A hostile file's whole journey: read, create on `path` and run on zero
// input under small limits. Returns the first failure, or ok if it ran.
Status load_and_run(std::vector<uint8_t> bytes, KernelPath path) {
  ModelLimits limits;
  limits.max_tensors = 1000;
  limits.max_operators = 1000;
  limits.max_tensor_elements = 1 << 20;
  auto model = read_model(std::move(bytes), limits);
  if (!model) return model.status();
  InterpreterOptions options;
  options.kernel_path = path;
  options.max_arena_bytes = 4 << 20;
  auto interpreter = Interpreter::create(std::move(model).value(), options);
  if (!interpreter) return interpreter.status();
  interpreter.value()->invoke();
  return Status::ok();
}

// A failure must say what is wrong, with one of the codes a file can cause.
void check_clear_failure(const Status& s) {
  INFO(s.message());
  CHECK_FALSE(s.message().empty());
  CHECK((s.code() == ErrorCode::kInvalidModel || s.code() == ErrorCode::kUnsupported ||
         s.code() == ErrorCode::kOutOfMemory));
}

// A model with one op whose tensors tests patch: int8 [1,4] -> RELU -> [1,4].
ModelBuilder relu_model() {
  ModelBuilder m;
  const int x = m.tensor("x", tfl::kInt8, {1, 4}, per_tensor(0.5f, 0));
  const int y = m.tensor("y", tfl::kInt8, {1, 4}, per_tensor(0.5f, 0));
  add_single_op(m, tfl::op::kRelu, {x}, y);
  return m;
}

using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("The sample models load and give identical outputs on both kernel paths", "[model][reader]") {
  for (const NamedModel& sample : sample_models()) {
    CAPTURE(sample.name);
    auto reference = require_model(sample.model, KernelPath::kReference);
    auto simd = require_model(sample.model, KernelPath::kSimd);
    const size_t input_bytes = reference->input(0).byte_size();
    std::vector<uint8_t> input(input_bytes);
    Prng prng(5);
    if (reference->input(0).dtype == DType::kFloat32) {
      std::vector<float> values(input_bytes / 4);
      for (auto& v : values) v = static_cast<float>(prng.between(-1000, 1000)) / 1000.0f;
      input = to_bytes(values);
    } else {
      for (auto& v : input) v = prng.byte();
    }
    const std::vector<uint8_t> out = run(*reference, {input});
    CHECK(run(*simd, {input}) == out);
    // A classifier: the outputs are probabilities.
    double sum = 0;
    const TensorInfo& info = reference->output(0);
    for (size_t i = 0; i < out.size() / dtype_size(info.dtype); ++i) {
      if (info.dtype == DType::kFloat32) sum += from_bytes<float>(out)[i];
      else sum += dequantize(out[i], info.quantization.scale(), info.quantization.zero_point());
    }
    CHECK(sum == Catch::Approx(1.0).margin(0.05));
  }
}

TEST_CASE("Files too small or not TFLite are rejected", "[model][reader]") {
  SECTION("empty") {
    const Status s = read_status({});
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("too small") && ContainsSubstring("0 bytes"));
  }
  SECTION("7 bytes") {
    const Status s = read_status({1, 2, 3, 4, 'T', 'F', 'L'});
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("too small"));
  }
  SECTION("another file identifier") {
    const std::string id = GENERATE(std::string("TFL2"), std::string("M001"), std::string("tfl3"), std::string(""));
    CAPTURE(id);
    ModelBuilder m = relu_model();
    m.file_identifier = id;
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("identifier") && ContainsSubstring("TFL3"));
  }
  SECTION("a PNG") {
    const Status s = read_status({0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13});
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("not a TFLite model"));
  }
}

TEST_CASE("Schema versions other than 3 are rejected", "[model][reader]") {
  const uint32_t version = GENERATE(0u, 1u, 2u, 4u, 0xFFFFFFFFu);
  CAPTURE(version);
  ModelBuilder m = relu_model();
  m.schema_version = version;
  const Status s = read_status(m.build());
  CHECK(s.code() == ErrorCode::kInvalidModel);
  CHECK_THAT(s.message(), ContainsSubstring("schema version " + std::to_string(version)) && ContainsSubstring("expected 3"));
}

TEST_CASE("Broken FlatBuffer structure is reported, not followed", "[model][reader]") {
  const std::vector<uint8_t> good = relu_model().build();
  REQUIRE(read_status(good).is_ok());
  auto check_corrupt = [](const std::vector<uint8_t>& bytes, const std::string& where) {
    const Status s = read_status(bytes);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("corrupt") && ContainsSubstring(where));
  };
  std::vector<uint8_t> bad = good;
  SECTION("root offset past the end") {
    write_u32(bad, 0, static_cast<uint32_t>(good.size() + 100));
    check_corrupt(bad, "root table offset");
  }
  SECTION("root offset at the very end") {
    write_u32(bad, 0, static_cast<uint32_t>(good.size() - 2));
    check_corrupt(bad, "root table");
  }
  SECTION("root vtable before the start of the file") {
    write_u32(bad, read_u32(good, 0), 0x7FFFFFF0);
    check_corrupt(bad, "root table");
  }
  SECTION("root vtable after the end of the file") {
    write_u32(bad, read_u32(good, 0), static_cast<uint32_t>(-static_cast<int32_t>(good.size())));
    check_corrupt(bad, "root table");
  }
  SECTION("vtable size smaller than its header") {
    const uint32_t root = read_u32(good, 0);
    write_u16(bad, root - read_u32(good, root), 2);
    check_corrupt(bad, "root table");
  }
  SECTION("vtable entry pointing far outside the table") {
    write_u16(bad, root_vtable_entry(good, 2), 0xFFF0);  // subgraphs
    check_corrupt(bad, "subgraphs");
  }
  SECTION("vector length running past the end") {
    // The subgraphs vector's element count.
    const uint32_t root = read_u32(good, 0);
    uint16_t field;
    std::memcpy(&field, good.data() + root_vtable_entry(good, 2), 2);
    const size_t offset_at = root + field;
    write_u32(bad, offset_at + read_u32(good, offset_at), 0x40000000);
    check_corrupt(bad, "subgraphs");
  }
  SECTION("no subgraph at all") {
    write_u16(bad, root_vtable_entry(good, 2), 0);
    const Status s = read_status(bad);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("no subgraph"));
  }
}

TEST_CASE("Every truncation of a small model fails cleanly", "[model][reader]") {
  for (const NamedModel& sample : sample_models()) {
    CAPTURE(sample.name);
    const std::vector<uint8_t> full = sample.model.build();
    REQUIRE(read_status(full).is_ok());
    int loaded = 0;
    for (size_t length = 0; length < full.size(); ++length) {
      const Status s = read_status(std::vector<uint8_t>(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(length)));
      if (s.is_ok()) {
        ++loaded;
        continue;
      }
      if (s.code() != ErrorCode::kInvalidModel || s.message().empty()) {
        FAIL("length " << length << ": " << error_code_name(s.code()) << " " << s.message());
      }
    }
    // The builder writes the buffers' bytes last, and the reader needs them.
    CHECK(loaded == 0);
  }
}

TEST_CASE("Truncations of a real model fail cleanly or lose only the appended labels", "[model][reader]") {
  const auto shared = shared_dir();
  if (!shared) SKIP("../shared is not available (set MNW_SHARED_DIR)");
  const auto bytes = read_file_bytes(*shared + "/models/mobilenet_v1_0.25_128_quant.tflite");
  REQUIRE(bytes);
  const size_t size = bytes->size();
  // About 200 lengths: dense at both ends, evenly spread between.
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 64; ++n) lengths.push_back(n);
  for (size_t n = 1; n <= 64; ++n) lengths.push_back(size - n);
  for (size_t k = 1; k <= 72; ++k) lengths.push_back(size * k / 73);
  int loaded = 0;
  for (size_t length : lengths) {
    CAPTURE(length);
    auto model = read_model(std::vector<uint8_t>(bytes->begin(), bytes->begin() + static_cast<std::ptrdiff_t>(length)));
    if (model) {
      // Only the zip of labels appended after the flatbuffer can be lost.
      ++loaded;
      CHECK(model.value()->operators.size() == 31);
      continue;
    }
    CHECK(model.status().code() == ErrorCode::kInvalidModel);
    CHECK_FALSE(model.status().message().empty());
  }
  CHECK(loaded > 0);  // the tail lengths cut only the zip
  CHECK(loaded < static_cast<int>(lengths.size()) / 2);
}

TEST_CASE("Random byte mutations of small models load and run or fail with a Status", "[model][reader]") {
  // A time budget keeps the unit slice fast on slow targets (wasm under Node)
  // while still running thousands of mutants natively.
  const auto budget = std::chrono::milliseconds(1500);
  const auto start = Clock::now();
  int ran = 0, failed = 0, total = 0;
  for (const NamedModel& sample : sample_models()) {
    const std::vector<uint8_t> good = sample.model.build();
    for (uint64_t seed = 1; seed <= 2000 && Clock::now() - start < budget; ++seed) {
      Prng prng(seed * 7919 + good.size());
      std::vector<uint8_t> bytes = good;
      const int flips = static_cast<int>(prng.between(1, 4));
      for (int f = 0; f < flips; ++f) {
        const size_t at = prng.below(bytes.size());
        bytes[at] = prng.below(2) == 0 ? static_cast<uint8_t>(bytes[at] ^ (1u << prng.below(8))) : prng.byte();
      }
      const KernelPath path = seed % 2 == 0 ? KernelPath::kReference : KernelPath::kSimd;
      const Status s = load_and_run(std::move(bytes), path);
      ++total;
      if (s.is_ok()) {
        ++ran;
      } else {
        ++failed;
        CAPTURE(sample.name, seed);
        check_clear_failure(s);
      }
    }
  }
  INFO(total << " mutants: " << ran << " ran, " << failed << " failed");
  CHECK(total >= 200);
  CHECK(ran > 0);  // most flips hit weights and still run
  CHECK(failed > 0);
}

TEST_CASE("Targeted mutations of integer fields fail cleanly", "[model][reader][slow]") {
  // Every 4-byte-aligned word of each sample model, replaced by values that
  // break sizes, offsets and indices; then random multi-byte mutations.
  const uint32_t values[] = {0, 1, 2, 3, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                             0xFFFFFFFE, 1000000, 0x10000};
  int ran = 0, failed = 0;
  for (const NamedModel& sample : sample_models()) {
    CAPTURE(sample.name);
    const std::vector<uint8_t> good = sample.model.build();
    for (size_t at = 0; at + 4 <= good.size(); at += 2) {
      for (uint32_t v : values) {
        std::vector<uint8_t> bytes = good;
        write_u32(bytes, at, v);
        const Status s = load_and_run(std::move(bytes), at % 4 == 0 ? KernelPath::kSimd : KernelPath::kReference);
        if (s.is_ok()) {
          ++ran;
        } else {
          ++failed;
          CAPTURE(at, v);
          check_clear_failure(s);
        }
      }
    }
    for (uint64_t seed = 1; seed <= 30000; ++seed) {
      Prng prng(seed);
      std::vector<uint8_t> bytes = good;
      const int flips = static_cast<int>(prng.between(1, 16));
      for (int f = 0; f < flips; ++f) bytes[prng.below(bytes.size())] = prng.byte();
      const Status s = load_and_run(std::move(bytes), seed % 2 == 0 ? KernelPath::kReference : KernelPath::kSimd);
      if (!s.is_ok()) {
        CAPTURE(seed);
        check_clear_failure(s);
      }
    }
  }
  CHECK(ran > 0);
  CHECK(failed > 0);
}

TEST_CASE("Absurd tensor shapes are refused before anything is allocated", "[model][reader]") {
  SECTION("1x1000000x1000000x3") {
    ModelBuilder m = relu_model();
    m.tensors()[0].shape = {1, 1000000, 1000000, 3};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("'x'") && ContainsSubstring("too large"));
  }
  SECTION("six dimensions of 2^31 - 1") {
    ModelBuilder m = relu_model();
    m.tensors()[1].shape = std::vector<int32_t>(6, 0x7FFFFFFF);
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("'y'") && ContainsSubstring("too large"));
  }
  SECTION("over a caller's limit") {
    ModelBuilder m = relu_model();
    m.tensors()[0].shape = m.tensors()[1].shape = {1, 100, 100, 1};
    ModelLimits limits;
    limits.max_tensor_elements = 9999;
    const Status s = read_status(m.build(), limits);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("too large") && ContainsSubstring("9999"));
    CHECK(read_status(m.build()).is_ok());
  }
  SECTION("activations over the interpreter's arena limit") {
    ModelBuilder m = relu_model();
    m.tensors()[0].shape = m.tensors()[1].shape = {1, 1000, 1000};
    auto model = read_model(m.build());
    REQUIRE(model.is_ok());
    InterpreterOptions options;
    options.max_arena_bytes = 1 << 20;
    auto interpreter = Interpreter::create(model.value(), options);
    REQUIRE_FALSE(interpreter.is_ok());
    CHECK(interpreter.status().code() == ErrorCode::kOutOfMemory);
    CHECK_THAT(interpreter.status().message(), ContainsSubstring("2000") && ContainsSubstring("over the limit"));
  }
  SECTION("a negative dimension") {
    ModelBuilder m = relu_model();
    m.tensors()[0].shape = {1, -1};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("'x'") && ContainsSubstring("negative") && ContainsSubstring("-1"));
  }
  SECTION("rank 7") {
    ModelBuilder m = relu_model();
    m.tensors()[0].shape = {1, 1, 1, 1, 1, 1, 4};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("'x'") && ContainsSubstring("rank 7"));
  }
  SECTION("more tensors or operators than the caller allows") {
    ModelLimits limits;
    limits.max_tensors = 1;
    Status s = read_status(relu_model().build(), limits);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("2 tensors") && ContainsSubstring("limit"));
    limits = {};
    limits.max_operators = 0;
    s = read_status(relu_model().build(), limits);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("1 operators") && ContainsSubstring("limit"));
  }
}

TEST_CASE("Constant data must fit its tensor", "[model][reader]") {
  ModelBuilder m;
  const int x = m.tensor("x", tfl::kUInt8, {1, 2, 2, 1}, per_tensor(1.0f, 0));
  const int paddings = m.constant_of<int32_t>("paddings", tfl::kInt32, {4, 2}, {0, 0, 1, 1, 1, 1, 0, 0});
  const int y = m.tensor("y", tfl::kUInt8, {1, 4, 4, 1}, per_tensor(1.0f, 0));
  add_single_op(m, tfl::op::kPad, {x, paddings}, y);
  REQUIRE(read_status(m.build()).is_ok());
  SECTION("too few bytes") {
    m.tensors()[1].buffer = m.buffer(std::vector<uint8_t>(28));
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("'paddings'") && ContainsSubstring("needs 32 bytes") &&
                                ContainsSubstring("has 28"));
  }
  SECTION("too many bytes") {
    m.tensors()[1].buffer = m.buffer(std::vector<uint8_t>(33));
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("needs 32 bytes") && ContainsSubstring("has 33"));
  }
  SECTION("a buffer index out of range") {
    m.tensors()[1].buffer = 99;
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("buffer index 99"));
  }
}

TEST_CASE("Operators must refer to tensors and operator codes that exist", "[model][reader]") {
  ModelBuilder m = relu_model();
  SECTION("input tensor 10^6") {
    m.operators()[0].inputs = {1000000};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("op #0 RELU") && ContainsSubstring("tensor 1000000 of 2"));
  }
  SECTION("output tensor -1 (only optional inputs may be omitted)") {
    m.operators()[0].outputs = {-1};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("operator outputs") && ContainsSubstring("tensor -1"));
  }
  SECTION("input tensor -2") {
    m.operators()[0].inputs = {-2};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("tensor -2"));
  }
  SECTION("graph output tensor 2") {
    m.set_outputs({2});
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("subgraph outputs") && ContainsSubstring("tensor 2 of 2"));
  }
  SECTION("operator code index out of range") {
    m.operators()[0].opcode_index = 5;
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("op #0") && ContainsSubstring("operator code 5 of 1"));
  }
  SECTION("options of another op's type") {
    ModelBuilder conv;
    const int x = conv.tensor("x", tfl::kUInt8, {1, 2, 2, 1}, per_tensor(1.0f, 0));
    const int w = conv.constant("w", tfl::kUInt8, {1, 1, 1, 1}, {1}, per_tensor(1.0f, 0));
    const int y = conv.tensor("y", tfl::kUInt8, {1, 2, 2, 1}, per_tensor(1.0f, 0));
    add_single_op(conv, tfl::op::kConv2D, {x, w}, y, Conv2DOptions{});
    conv.operators()[0].options_type_override = 5;  // Pool2DOptions
    const Status s = read_status(conv.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("op #0 CONV_2D") && ContainsSubstring("do not belong to CONV_2D"));
  }
  SECTION("a fused activation TFLite has but the engine does not run") {
    ModelBuilder add;
    const int a = add.tensor("a", tfl::kUInt8, {4}, per_tensor(1.0f, 0));
    const int b = add.tensor("b", tfl::kUInt8, {4}, per_tensor(1.0f, 0));
    add_single_op(add, tfl::op::kAdd, {a, a}, b, AddOptions{tfl::act::kTanh});
    const Status s = read_status(add.build());
    CHECK(s.code() == ErrorCode::kUnsupported);
    CHECK_THAT(s.message(), ContainsSubstring("op #0 ADD") && ContainsSubstring("fused activation 4"));
  }
  SECTION("a padding that is neither SAME nor VALID") {
    ModelBuilder pool;
    const int x = pool.tensor("x", tfl::kUInt8, {1, 2, 2, 1}, per_tensor(1.0f, 0));
    const int y = pool.tensor("y", tfl::kUInt8, {1, 2, 2, 1}, per_tensor(1.0f, 0));
    add_single_op(pool, tfl::op::kAveragePool2D, {x}, y, Pool2DOptions{7, 1, 1, 1, 1, tfl::act::kNone});
    const Status s = read_status(pool.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("AVERAGE_POOL_2D") && ContainsSubstring("padding 7"));
  }
}

TEST_CASE("Unsupported operators are named, with the list of supported ones", "[model][reader]") {
  const auto [code, custom, name] = GENERATE(table<int32_t, std::string, std::string>({
      {tfl::op::kBatchMatmul, "", "BATCH_MATMUL"},
      {tfl::op::kMaxPool2D, "", "MAX_POOL_2D"},
      {tfl::op::kConcatenation, "", "CONCATENATION"},
      {200, "", "BUILTIN_OP_200"},
      {tfl::op::kCustom, "TFLite_Detection_PostProcess", "TFLite_Detection_PostProcess"},
  }));
  CAPTURE(code);
  ModelBuilder m;
  const int x = m.tensor("x", tfl::kUInt8, {1, 4}, per_tensor(1.0f, 0));
  const int y = m.tensor("y", tfl::kUInt8, {1, 4}, per_tensor(1.0f, 0));
  m.op(static_cast<uint32_t>(m.opcode(code, 1, custom)), {x}, {y});
  m.set_inputs({x});
  m.set_outputs({y});
  REQUIRE(read_status(m.build()).is_ok());  // reading is fine; running is not
  const Status s = load_error(m);
  CHECK(s.code() == ErrorCode::kUnsupported);
  CHECK_THAT(s.message(), ContainsSubstring("op #0") && ContainsSubstring(name) && ContainsSubstring("not supported") &&
                              ContainsSubstring("CONV_2D") && ContainsSubstring("DEPTHWISE_CONV_2D"));
}

TEST_CASE("Unsupported element types are named", "[model][reader]") {
  const auto [type, what] = GENERATE(table<int8_t, std::string>({
      {tfl::kFloat16, "element type FLOAT16"},
      {tfl::kString, "element type STRING"},
      {tfl::kBool, "element type BOOL"},
      {-1, "element type unknown type -1"},
      {99, "element type unknown type 99"},
  }));
  ModelBuilder m = relu_model();
  m.tensors()[1].type = type;
  const Status s = read_status(m.build());
  CHECK(s.code() == ErrorCode::kUnsupported);
  CHECK_THAT(s.message(), ContainsSubstring("'y'") && ContainsSubstring(what) && ContainsSubstring("int8"));
}

TEST_CASE("Malformed quantization parameters are rejected", "[model][reader]") {
  ModelBuilder m = relu_model();
  QuantSpec& q = m.tensors()[0].quant;
  SECTION("NaN scale") {
    q.scales = {std::numeric_limits<float>::quiet_NaN()};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("'x'") && ContainsSubstring("scale"));
  }
  SECTION("negative scale") {
    q.scales = {-0.5f};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("'x'") && ContainsSubstring("scale -0.5"));
  }
  SECTION("zero point beyond int32") {
    q.zero_points = {int64_t{1} << 40};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("'x'") && ContainsSubstring("zero point 1099511627776"));
  }
  SECTION("as many zero points as scales, or one") {
    q.scales = {0.5f, 0.25f, 0.125f};
    q.zero_points = {0, 0};
    const Status s = read_status(m.build());
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("3 scales but 2 zero points"));
  }
}

TEST_CASE("The graph must be a straight-line program over written tensors", "[model][reader]") {
  SECTION("an op reading a tensor nothing writes") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kInt8, {4}, per_tensor(0.5f, 0));
    const int unwritten = m.tensor("unwritten", tfl::kInt8, {4}, per_tensor(0.5f, 0));
    const int y = m.tensor("y", tfl::kInt8, {4}, per_tensor(0.5f, 0));
    m.builtin_op(tfl::op::kAdd, {x, unwritten}, {y}, AddOptions{});
    m.set_inputs({x});
    m.set_outputs({y});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("op #0 ADD") && ContainsSubstring("'unwritten'") &&
                                ContainsSubstring("before anything writes it"));
  }
  SECTION("ops in the wrong order") {
    ModelBuilder m;
    const int x = m.tensor("x", tfl::kInt8, {4}, per_tensor(0.5f, 0));
    const int mid = m.tensor("mid", tfl::kInt8, {4}, per_tensor(0.5f, 0));
    const int y = m.tensor("y", tfl::kInt8, {4}, per_tensor(0.5f, 0));
    m.builtin_op(tfl::op::kRelu, {mid}, {y});
    m.builtin_op(tfl::op::kRelu, {x}, {mid});
    m.set_inputs({x});
    m.set_outputs({y});
    const Status s = load_error(m);
    CHECK_THAT(s.message(), ContainsSubstring("op #0 RELU") && ContainsSubstring("'mid'"));
  }
  SECTION("a tensor written twice") {
    ModelBuilder m = relu_model();
    m.builtin_op(tfl::op::kRelu, {0}, {1});
    const Status s = load_error(m);
    CHECK(s.code() == ErrorCode::kInvalidModel);
    CHECK_THAT(s.message(), ContainsSubstring("op #1 RELU") && ContainsSubstring("already written"));
  }
  SECTION("an op writing a graph input") {
    ModelBuilder m = relu_model();
    m.builtin_op(tfl::op::kRelu, {1}, {0});
    const Status s = load_error(m);
    CHECK_THAT(s.message(), ContainsSubstring("op #1 RELU") && ContainsSubstring("'x'") && ContainsSubstring("already written"));
  }
  SECTION("an op writing a constant") {
    ModelBuilder m = relu_model();
    const int c = m.constant("c", tfl::kInt8, {1, 4}, {1, 2, 3, 4}, per_tensor(0.5f, 0));
    m.builtin_op(tfl::op::kRelu, {1}, {c});
    const Status s = load_error(m);
    CHECK_THAT(s.message(), ContainsSubstring("op #1 RELU") && ContainsSubstring("writes constant tensor 'c'"));
  }
  SECTION("a graph output nothing writes") {
    ModelBuilder m = relu_model();
    const int z = m.tensor("z", tfl::kInt8, {1, 4}, per_tensor(0.5f, 0));
    m.set_outputs({1, z});
    const Status s = load_error(m);
    CHECK_THAT(s.message(), ContainsSubstring("graph output 'z'") && ContainsSubstring("never written"));
  }
  SECTION("a constant graph input") {
    ModelBuilder m = relu_model();
    const int c = m.constant("c", tfl::kInt8, {1, 4}, {1, 2, 3, 4}, per_tensor(0.5f, 0));
    m.set_inputs({0, c});
    const Status s = load_error(m);
    CHECK_THAT(s.message(), ContainsSubstring("graph input 'c'") && ContainsSubstring("constant"));
  }
  SECTION("no graph inputs") {
    ModelBuilder m = relu_model();
    m.set_inputs({});
    const Status s = load_error(m);
    CHECK_THAT(s.message(), ContainsSubstring("no inputs"));
  }
}

TEST_CASE("set_input checks the index and the exact byte size", "[model][reader]") {
  ModelBuilder m;
  const int x = m.tensor("image", tfl::kUInt8, {1, 4, 4, 3}, per_tensor(1.0f, 0));
  const int y = m.tensor("y", tfl::kUInt8, {1, 4, 4, 3}, per_tensor(1.0f, 0));
  add_single_op(m, tfl::op::kRelu, {x}, y);
  auto interpreter = require_model(m);
  std::vector<uint8_t> bytes(49);
  Status s = interpreter->set_input(0, bytes.data(), 47);
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(s.message(), ContainsSubstring("'image'") && ContainsSubstring("takes 48 bytes") &&
                              ContainsSubstring("1x4x4x3 uint8") && ContainsSubstring("got 47"));
  s = interpreter->set_input(0, bytes.data(), 49);
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  s = interpreter->set_input(1, bytes.data(), 48);
  CHECK(s.code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(s.message(), ContainsSubstring("input 1 does not exist"));
  CHECK(interpreter->set_input(0, bytes.data(), 48).is_ok());
}
