#include <catch2/catch.hpp>

#include <limits>

#include "ir/types.h"

using namespace nf::ir;

TEST_CASE("NumPy broadcasting of shapes", "[types]") {
  CHECK(broadcast_shapes({2, 1}, {1, 3}) == Shape{2, 3});
  CHECK(broadcast_shapes({3}, {2, 3}) == Shape{2, 3});
  CHECK(broadcast_shapes({}, {4, 5}) == Shape{4, 5});
  CHECK(broadcast_shapes({2, 0}, {1}) == Shape{2, 0});
  CHECK(broadcast_shapes({5, 1, 4}, {3, 1}) == Shape{5, 3, 4});
  CHECK_FALSE(broadcast_shapes({2, 3}, {4}).has_value());
  CHECK_FALSE(broadcast_shapes({2, 3}, {3, 3}).has_value());
  CHECK(broadcasts_to({3}, {2, 3}));
  CHECK(broadcasts_to({1, 3}, {2, 3}));
  CHECK_FALSE(broadcasts_to({2, 3}, {3}));
  CHECK_FALSE(broadcasts_to({2, 1}, {3, 1}));
}

TEST_CASE("shapes: element counts, row-major strides, text", "[types]") {
  CHECK(Shape{}.num_elements() == 1);
  CHECK(Shape{2, 0, 3}.num_elements() == 0);
  CHECK(Shape{2, 3, 4}.strides() == std::vector<int64_t>{12, 4, 1});
  // Saturates instead of wrapping (2^34 * 2^30 = 2^64 wrapped to 0).
  CHECK(Shape{int64_t(1) << 34, int64_t(1) << 30}.num_elements() == std::numeric_limits<int64_t>::max());
  CHECK(Shape{int64_t(1) << 34, 0}.num_elements() == 0);
  CHECK(Shape{3, -1}.num_elements() == -1);
  CHECK(Shape{}.str() == "[]");
  CHECK((Type{DType::Bool, {1, 36}}.str()) == "bool[1,36]");
  CHECK(dtype_from_name("i32") == DType::I32);
  CHECK(dtype_from_name("f64") == DType::F64);
  CHECK_FALSE(dtype_from_name("f16").has_value());
}
