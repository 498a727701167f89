#include <catch_amalgamated.hpp>

#include "core/status.hpp"
#include "core/tensor.hpp"

using namespace mnw;

TEST_CASE("Shape counts elements and prints dimensions") {
  Shape s{1, 224, 224, 3};
  CHECK(s.rank() == 4);
  CHECK(s.element_count() == 150528);
  CHECK(s.to_string() == "1x224x224x3");
  Shape big{1, 2, 3, 4, 5, 6};
  CHECK_FALSE(big.push_back(7));
}

TEST_CASE("Result carries either a value or the error") {
  Result<int> good = 3;
  REQUIRE(good.is_ok());
  CHECK(*good == 3);
  Result<int> bad = invalid_model("truncated");
  CHECK_FALSE(bad.is_ok());
  CHECK(bad.status().code() == ErrorCode::kInvalidModel);
  CHECK(bad.status().message() == "truncated");
}
