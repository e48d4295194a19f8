#include "ir/elementwise.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "ir/diagnostic.h"
#include "ir/math.h"

namespace nf::ir {

float f32_min(float a, float b) {
  if (std::isnan(a)) return a;
  if (std::isnan(b)) return b;
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

float f32_max(float a, float b) {
  if (std::isnan(a)) return a;
  if (std::isnan(b)) return b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

int32_t i32_div(int32_t a, int32_t b) {
  if (b == 0) return 0;
  if (a == std::numeric_limits<int32_t>::min() && b == -1) return a;
  return a / b;
}

int32_t f32_to_i32(float x) {
  if (std::isnan(x)) return 0;
  if (x >= 2147483648.0f) return std::numeric_limits<int32_t>::max();
  if (x < -2147483648.0f) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(x);
}

namespace {

uint32_t w(float x) { return std::bit_cast<uint32_t>(x); }
uint32_t w(int32_t x) { return std::bit_cast<uint32_t>(x); }
uint32_t w(bool x) { return x ? 1u : 0u; }
float f(uint32_t x) { return std::bit_cast<float>(x); }
int32_t i(uint32_t x) { return std::bit_cast<int32_t>(x); }

// The switches below list every element-wise op and end in
// NF_CASES_EXCEPT_ELEMENTWISE (ir/ops.h) instead of `default:`, so -Wswitch
// names an element-wise op that one of them forgot; those others never reach
// them, and throw if they do.

[[noreturn]] void no_meaning(Op op, const char* dtype) {
  throw Error("internal error: op '" + std::string(op_name(op)) + "' has no element-wise meaning on " + dtype);
}

uint32_t eval_f32(Op op, std::span<const uint32_t> a) {
  switch (op) {
    case Op::Neg: return a[0] ^ 0x80000000u;
    case Op::Abs: return a[0] & 0x7fffffffu;
    case Op::Sign: {
      float x = f(a[0]);
      if (std::isnan(x) || x == 0.0f) return a[0];
      return w(x > 0.0f ? 1.0f : -1.0f);
    }
    case Op::Floor: return w(std::floor(f(a[0])));
    case Op::Sqrt: return w(std::sqrt(f(a[0])));
    case Op::Exp: return w(math::exp(f(a[0])));
    case Op::Log: return w(math::log(f(a[0])));
    case Op::Tanh: return w(math::tanh(f(a[0])));
    case Op::Sigmoid: return w(math::sigmoid(f(a[0])));
    case Op::Sin: return w(math::sin(f(a[0])));
    case Op::Cos: return w(math::cos(f(a[0])));
    case Op::Add: return w(f(a[0]) + f(a[1]));
    case Op::Sub: return w(f(a[0]) - f(a[1]));
    case Op::Mul: return w(f(a[0]) * f(a[1]));
    case Op::Div: return w(f(a[0]) / f(a[1]));
    case Op::Pow: return w(math::pow(f(a[0]), f(a[1])));
    case Op::Min: return w(f32_min(f(a[0]), f(a[1])));
    case Op::Max: return w(f32_max(f(a[0]), f(a[1])));
    case Op::Eq: return w(f(a[0]) == f(a[1]));
    case Op::Ne: return w(f(a[0]) != f(a[1]));
    case Op::Lt: return w(f(a[0]) < f(a[1]));
    case Op::Le: return w(f(a[0]) <= f(a[1]));
    case Op::Gt: return w(f(a[0]) > f(a[1]));
    case Op::Ge: return w(f(a[0]) >= f(a[1]));
    case Op::Clip: return w(f32_min(f32_max(f(a[0]), f(a[1])), f(a[2])));
    case Op::Fma: return w(std::fma(f(a[0]), f(a[1]), f(a[2])));
    case Op::Not: case Op::And: case Op::Or:  // bool only
    case Op::Select: case Op::Cast:           // eval_element
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  no_meaning(op, "f32");
}

uint32_t eval_i32(Op op, std::span<const uint32_t> a) {
  // Wrap-around arithmetic is done on the unsigned words.
  switch (op) {
    case Op::Neg: return 0u - a[0];
    case Op::Abs: return i(a[0]) < 0 ? 0u - a[0] : a[0];
    case Op::Sign: return w(int32_t(i(a[0]) > 0) - int32_t(i(a[0]) < 0));
    case Op::Add: return a[0] + a[1];
    case Op::Sub: return a[0] - a[1];
    case Op::Mul: return a[0] * a[1];
    case Op::Div: return w(i32_div(i(a[0]), i(a[1])));
    case Op::Min: return i(a[0]) <= i(a[1]) ? a[0] : a[1];
    case Op::Max: return i(a[0]) >= i(a[1]) ? a[0] : a[1];
    case Op::Eq: return w(a[0] == a[1]);
    case Op::Ne: return w(a[0] != a[1]);
    case Op::Lt: return w(i(a[0]) < i(a[1]));
    case Op::Le: return w(i(a[0]) <= i(a[1]));
    case Op::Gt: return w(i(a[0]) > i(a[1]));
    case Op::Ge: return w(i(a[0]) >= i(a[1]));
    case Op::Clip: {
      int32_t lo_clamped = std::max(i(a[0]), i(a[1]));
      return w(std::min(lo_clamped, i(a[2])));
    }
    case Op::Floor: case Op::Sqrt: case Op::Exp: case Op::Log: case Op::Tanh: case Op::Sigmoid:
    case Op::Sin: case Op::Cos: case Op::Pow: case Op::Fma:  // f32 only
    case Op::Not: case Op::And: case Op::Or:                  // bool only
    case Op::Select: case Op::Cast:                           // eval_element
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  no_meaning(op, "i32");
}

uint32_t eval_bool(Op op, std::span<const uint32_t> a) {
  switch (op) {
    case Op::Not: return a[0] ^ 1u;
    case Op::And: return a[0] & a[1];
    case Op::Or: return a[0] | a[1];
    case Op::Eq: return w(a[0] == a[1]);
    case Op::Ne: return w(a[0] != a[1]);
    case Op::Neg: case Op::Abs: case Op::Sign: case Op::Floor: case Op::Sqrt: case Op::Exp: case Op::Log:
    case Op::Tanh: case Op::Sigmoid: case Op::Sin: case Op::Cos:
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Pow: case Op::Min: case Op::Max:
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
    case Op::Clip: case Op::Fma:     // numeric only
    case Op::Select: case Op::Cast:  // eval_element
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  no_meaning(op, "bool");
}

uint32_t eval_cast(DType from, DType to, uint32_t x) {
  if (from == to) return x;
  switch (from) {
    case DType::F32:
      return to == DType::I32 ? w(f32_to_i32(f(x))) : w(f(x) != 0.0f);
    case DType::I32:
      return to == DType::F32 ? w(static_cast<float>(i(x))) : w(x != 0);
    case DType::Bool:
      return to == DType::F32 ? w(x ? 1.0f : 0.0f) : x;
    case DType::F64: break;  // eval_scalar64
  }
  throw Error("internal error: a cast from f64 reaches eval_element; it goes through eval_scalar64");
}

}  // namespace

uint64_t eval_scalar64(Op op, DType result, std::span<const uint64_t> args) {
  auto d = [&](size_t k) { return std::bit_cast<double>(args[k]); };
  auto bits = [](double x) { return std::bit_cast<uint64_t>(x); };
  switch (op) {
    case Op::Neg: return args[0] ^ 0x8000000000000000ull;
    case Op::Add: return bits(d(0) + d(1));
    case Op::Sub: return bits(d(0) - d(1));
    case Op::Mul: return bits(d(0) * d(1));
    case Op::Div: return bits(d(0) / d(1));
    case Op::Eq: return d(0) == d(1);
    case Op::Ne: return d(0) != d(1);
    case Op::Lt: return d(0) < d(1);
    case Op::Le: return d(0) <= d(1);
    case Op::Gt: return d(0) > d(1);
    case Op::Ge: return d(0) >= d(1);
    case Op::Select: return args[0] ? args[1] : args[2];
    case Op::Cast:
      if (result == DType::F32) return std::bit_cast<uint32_t>(static_cast<float>(d(0)));
      break;
    // Parameter arithmetic has no other ops (docs/SEMANTICS.md).
    case Op::Abs: case Op::Sign: case Op::Not: case Op::Floor: case Op::Sqrt: case Op::Exp: case Op::Log:
    case Op::Tanh: case Op::Sigmoid: case Op::Sin: case Op::Cos:
    case Op::Pow: case Op::Min: case Op::Max: case Op::And: case Op::Or:
    case Op::Clip: case Op::Fma:
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  throw Error("internal error: op '" + std::string(op_name(op)) + "' has no f64 meaning");
}

uint32_t eval_element(Op op, DType operand, DType result, std::span<const uint32_t> args) {
  if (op == Op::Cast) return eval_cast(operand, result, args[0]);
  if (op == Op::Select) return args[0] ? args[1] : args[2];
  switch (operand) {
    case DType::F32: return eval_f32(op, args);
    case DType::I32: return eval_i32(op, args);
    case DType::Bool: return eval_bool(op, args);
    case DType::F64: break;
  }
  throw Error("internal error: f64 operands reach eval_element; they go through eval_scalar64");
}

}  // namespace nf::ir

