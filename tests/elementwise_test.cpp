// Every element-wise op against hand-computed values, through the interpreter:
// broadcasting, NaN, infinities, signed zeros, integer wrap-around.
#include <limits>

#include "ir/math.h"
#include "tests/ir_test_util.h"

using namespace nf::ir;
using namespace nf::ir::test;

namespace {
const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const int32_t imin = std::numeric_limits<int32_t>::min();
const int32_t imax = std::numeric_limits<int32_t>::max();
}  // namespace

TEST_CASE("f32 add, sub, mul, div follow IEEE-754 binary32", "[elementwise]") {
  Tensor a = F({6}, {1.5f, -0.0f, -0.0f, kInf, 1e38f, 0.1f});
  Tensor b = F({6}, {2.25f, -0.0f, 0.0f, -kInf, 1e38f, 0.2f});
  check_f32(run_binary(Op::Add, a, b), {6}, {3.75f, -0.0f, 0.0f, kNaN, 2e38f, 0.3f});
  check_f32(run_binary(Op::Sub, a, b), {6}, {-0.75f, 0.0f, -0.0f, kInf, 0.0f, -0.1f});
  check_f32(run_binary(Op::Mul, a, b), {6}, {3.375f, 0.0f, -0.0f, -kInf, kInf, 0.020000001f});
  Tensor n = F({5}, {1.0f, -1.0f, 0.0f, 1.0f, 7.0f});
  Tensor d = F({5}, {0.0f, 0.0f, 0.0f, -0.0f, 2.0f});
  check_f32(run_binary(Op::Div, n, d), {5}, {kInf, -kInf, kNaN, -kInf, 3.5f});
}

TEST_CASE("0.1 + 0.2 rounds once in binary32", "[elementwise]") {
  Tensor r = run_binary(Op::Add, F(0.1f), F(0.2f));
  CHECK(std::bit_cast<uint32_t>(r.f32(0)) == 0x3e99999au);  // 0.3f exactly, not 0.30000001192...
}

TEST_CASE("broadcasting aligns trailing axes and repeats size-1 axes", "[elementwise]") {
  Tensor col = F({2, 1}, {10.0f, 20.0f});
  Tensor row = F({1, 3}, {1.0f, 2.0f, 3.0f});
  check_f32(run_binary(Op::Add, col, row), {2, 3}, {11, 12, 13, 21, 22, 23});
  Tensor vec = F({3}, {1.0f, 2.0f, 3.0f});
  Tensor mat = F({2, 3}, {0.5f, 0.5f, 0.5f, 4.0f, 4.0f, 4.0f});
  check_f32(run_binary(Op::Mul, vec, mat), {2, 3}, {0.5f, 1.0f, 1.5f, 4.0f, 8.0f, 12.0f});
  check_f32(run_binary(Op::Sub, F(1.0f), mat), {2, 3}, {0.5f, 0.5f, 0.5f, -3.0f, -3.0f, -3.0f});
  Tensor cube = F({2, 1, 2}, {1, 2, 3, 4});
  check_f32(run_binary(Op::Add, cube, F({3, 1}, {0, 10, 20})), {2, 3, 2},
            {1, 2, 11, 12, 21, 22, 3, 4, 13, 14, 23, 24});
}

TEST_CASE("neg, abs and sign handle signed zeros, infinities and NaN", "[elementwise]") {
  Tensor x = F({6}, {0.0f, -0.0f, -2.5f, kInf, -kInf, kNaN});
  check_f32(run_unary(Op::Neg, x), {6}, {-0.0f, 0.0f, 2.5f, -kInf, kInf, kNaN});
  check_f32(run_unary(Op::Abs, x), {6}, {0.0f, 0.0f, 2.5f, kInf, kInf, kNaN});
  check_f32(run_unary(Op::Sign, x), {6}, {0.0f, -0.0f, -1.0f, 1.0f, -1.0f, kNaN});
  Tensor r = run_unary(Op::Abs, F(-0.0f));
  CHECK(std::bit_cast<uint32_t>(r.f32(0)) == 0u);
}

TEST_CASE("min and max are IEEE 754-2019 minimum and maximum", "[elementwise]") {
  Tensor a = F({6}, {-0.0f, 0.0f, kNaN, 1.0f, -kInf, 3.0f});
  Tensor b = F({6}, {0.0f, -0.0f, 1.0f, kNaN, 3.0f, 2.0f});
  check_f32(run_binary(Op::Min, a, b), {6}, {-0.0f, -0.0f, kNaN, kNaN, -kInf, 2.0f});
  check_f32(run_binary(Op::Max, a, b), {6}, {0.0f, 0.0f, kNaN, kNaN, 3.0f, 3.0f});
}

TEST_CASE("clip is min(max(x, lo), hi)", "[elementwise]") {
  Tensor x = F({6}, {-1.0f, 0.5f, 2.0f, kNaN, -0.0f, kInf});
  check_f32(run_ternary(Op::Clip, x, F(0.0f), F(1.0f)), {6}, {0.0f, 0.5f, 1.0f, kNaN, 0.0f, 1.0f});
  // lo > hi: the result is hi, as NumPy's clip gives.
  check_f32(run_ternary(Op::Clip, F({1}, {0.5f}), F(2.0f), F(1.0f)), {1}, {1.0f});
}

TEST_CASE("fma rounds once, unlike a separate multiply and add", "[elementwise]") {
  float a = 1.0f + 0x1p-23f, b = 1.0f - 0x1p-23f;  // a*b = 1 - 2^-46 exactly
  check_f32(run_ternary(Op::Fma, F(a), F(b), F(-1.0f)), {}, {-0x1p-46f});
  Tensor prod = run_binary(Op::Mul, F(a), F(b));
  check_f32(run_binary(Op::Add, prod, F(-1.0f)), {}, {0.0f});
}

TEST_CASE("floor and sqrt are exact", "[elementwise]") {
  check_f32(run_unary(Op::Floor, F({5}, {-0.5f, -0.0f, 2.999f, -kInf, 8388609.0f})), {5},
            {-1.0f, -0.0f, 2.0f, -kInf, 8388609.0f});
  check_f32(run_unary(Op::Sqrt, F({5}, {4.0f, -0.0f, -1.0f, kInf, 2.0f})), {5},
            {2.0f, -0.0f, kNaN, kInf, 1.41421354f});
}

TEST_CASE("transcendental ops are nf::math's functions", "[elementwise]") {
  std::vector<float> xs = {0.0f, -0.0f, 1.0f, -2.5f, 0.001f, 30.0f, 100.0f, -100.0f, 1e-30f, kInf, -kInf, kNaN};
  Tensor x = F({int64_t(xs.size())}, xs);
  struct Case {
    Op op;
    float (*fn)(float);
  };
  for (Case c : {Case{Op::Exp, nf::math::exp}, Case{Op::Log, nf::math::log}, Case{Op::Tanh, nf::math::tanh},
                 Case{Op::Sigmoid, nf::math::sigmoid}, Case{Op::Sin, nf::math::sin}, Case{Op::Cos, nf::math::cos}}) {
    INFO(op_name(c.op));
    Tensor r = run_unary(c.op, x);
    for (size_t i = 0; i < xs.size(); ++i) CHECK(same_f32(r.f32(i), c.fn(xs[i])));
  }
  check_f32(run_unary(Op::Exp, F({4}, {0.0f, -kInf, kInf, -200.0f})), {4}, {1.0f, 0.0f, kInf, 0.0f});
  check_f32(run_unary(Op::Log, F({5}, {1.0f, 0.0f, -1.0f, kInf, -0.0f})), {5}, {0.0f, -kInf, kNaN, kInf, -kInf});
  check_f32(run_unary(Op::Tanh, F({4}, {-0.0f, 0.0f, 50.0f, -kInf})), {4}, {-0.0f, 0.0f, 1.0f, -1.0f});
  check_f32(run_unary(Op::Sigmoid, F({3}, {0.0f, kInf, -kInf})), {3}, {0.5f, 1.0f, 0.0f});
  check_f32(run_unary(Op::Sin, F({2}, {0.0f, -0.0f})), {2}, {0.0f, -0.0f});
  check_f32(run_unary(Op::Cos, F({1}, {0.0f})), {1}, {1.0f});
}

TEST_CASE("pow follows the C99 Annex F special cases", "[elementwise]") {
  Tensor x = F({10}, {2.0f, -2.0f, -8.0f, kNaN, 1.0f, 0.0f, -0.0f, -1.0f, 0.5f, 4.0f});
  Tensor y = F({10}, {10.0f, 3.0f, 0.33333334f, 0.0f, kNaN, -1.0f, -1.0f, kInf, -kInf, 0.5f});
  check_f32(run_binary(Op::Pow, x, y), {10}, {1024.0f, -8.0f, kNaN, 1.0f, 1.0f, kInf, -kInf, 1.0f, kInf, 2.0f});
}

TEST_CASE("f32 comparisons are false for NaN except ne", "[elementwise]") {
  Tensor a = F({4}, {1.0f, kNaN, -0.0f, 2.0f});
  Tensor b = F({4}, {2.0f, kNaN, 0.0f, 2.0f});
  check_bool(run_binary(Op::Lt, a, b), {4}, {1, 0, 0, 0});
  check_bool(run_binary(Op::Le, a, b), {4}, {1, 0, 1, 1});
  check_bool(run_binary(Op::Gt, a, b), {4}, {0, 0, 0, 0});
  check_bool(run_binary(Op::Ge, a, b), {4}, {0, 0, 1, 1});
  check_bool(run_binary(Op::Eq, a, b), {4}, {0, 0, 1, 1});
  check_bool(run_binary(Op::Ne, a, b), {4}, {1, 1, 0, 0});
}

TEST_CASE("i32 arithmetic wraps and divides toward zero", "[elementwise]") {
  Tensor a = I({6}, {imax, imin, 7, -7, 5, imin});
  Tensor b = I({6}, {1, 1, -2, 2, 0, -1});
  check_i32(run_binary(Op::Add, a, b), {6}, {imin, imin + 1, 5, -5, 5, imax});
  check_i32(run_binary(Op::Sub, a, b), {6}, {imax - 1, imax, 9, -9, 5, imin + 1});
  check_i32(run_binary(Op::Mul, a, b), {6}, {imax, imin, -14, -14, 0, imin});
  check_i32(run_binary(Op::Div, a, b), {6}, {imax, imin, -3, -3, 0, imin});
  check_i32(run_binary(Op::Min, a, b), {6}, {1, imin, -2, -7, 0, imin});
  check_i32(run_binary(Op::Max, a, b), {6}, {imax, 1, 7, 2, 5, -1});
  Tensor x = I({4}, {imin, -3, 0, 9});
  check_i32(run_unary(Op::Neg, x), {4}, {imin, 3, 0, -9});
  check_i32(run_unary(Op::Abs, x), {4}, {imin, 3, 0, 9});
  check_i32(run_unary(Op::Sign, x), {4}, {-1, -1, 0, 1});
  check_bool(run_binary(Op::Lt, x, I(0)), {4}, {1, 1, 0, 0});
  check_i32(run_ternary(Op::Clip, x, I(-1), I(5)), {4}, {-1, -1, 0, 5});
}

TEST_CASE("logical ops on bool", "[elementwise]") {
  Tensor a = B({4}, {0, 0, 1, 1});
  Tensor b = B({4}, {0, 1, 0, 1});
  check_bool(run_binary(Op::And, a, b), {4}, {0, 0, 0, 1});
  check_bool(run_binary(Op::Or, a, b), {4}, {0, 1, 1, 1});
  check_bool(run_unary(Op::Not, a), {4}, {1, 1, 0, 0});
  check_bool(run_binary(Op::Eq, a, b), {4}, {1, 0, 0, 1});
  check_bool(run_binary(Op::Ne, a, b), {4}, {0, 1, 1, 0});
}

TEST_CASE("select broadcasts its condition and both branches", "[elementwise]") {
  Tensor c = B({2, 1}, {1, 0});
  Tensor a = F({1, 3}, {1, 2, 3});
  check_f32(run_ternary(Op::Select, c, a, F(-0.0f)), {2, 3}, {1, 2, 3, -0.0f, -0.0f, -0.0f});
  check_i32(run_ternary(Op::Select, B({2}, {0, 1}), I({2}, {1, 2}), I({2}, {3, 4})), {2}, {3, 2});
}

TEST_CASE("cast converts between f32, i32 and bool", "[elementwise]") {
  auto cast = [](const Tensor& x, DType to) {
    return run_op({x}, [to](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.cast(a[0], to); });
  };
  Tensor x = F({8}, {2.7f, -2.7f, kNaN, 3e9f, -3e9f, kInf, -0.0f, 0.5f});
  check_i32(cast(x, DType::I32), {8}, {2, -2, 0, imax, imin, imax, 0, 0});
  check_bool(cast(x, DType::Bool), {8}, {1, 1, 1, 1, 1, 1, 0, 1});
  check_f32(cast(I({3}, {16777217, -5, imin}), DType::F32), {3}, {16777216.0f, -5.0f, -2147483648.0f});
  check_bool(cast(I({2}, {0, -5}), DType::Bool), {2}, {0, 1});
  check_f32(cast(B({2}, {1, 0}), DType::F32), {2}, {1.0f, 0.0f});
  check_i32(cast(B({2}, {1, 0}), DType::I32), {2}, {1, 0});
  check_f32(cast(F({2}, {-0.0f, 1.5f}), DType::F32), {2}, {-0.0f, 1.5f});
}
