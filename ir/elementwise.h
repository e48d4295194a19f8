// The meaning of every element-wise op on one element, bit for bit.
//
// Elements are 32-bit words: f32 bit patterns, i32 two's complement, bool 0/1.
// This function is the definition the interpreter uses and the compiler must
// reproduce; docs/SEMANTICS.md states the same rules in prose.
#pragma once

#include <cstdint>
#include <span>

#include "ir/ops.h"
#include "ir/types.h"

namespace nf::ir {

// Applies element-wise op `op` (Unary, Binary, Compare, Ternary or Cast class)
// to one element of each operand. `operand` is the dtype of the (first
// non-condition) operand, `result` the result dtype.
uint32_t eval_element(Op op, DType operand, DType result, std::span<const uint32_t> args);

// Applies an op to f64 scalars (parameter arithmetic): neg, add, sub, mul,
// div in binary64; comparisons give 0/1; select picks args[1] or args[2] by
// args[0] != 0; a cast to f32 rounds once to nearest even (the result is
// then the f32 pattern). Operands and the result are f64 bit patterns (a
// bool condition or result is 0/1).
uint64_t eval_scalar64(Op op, DType result, std::span<const uint64_t> args);

// The scalar rules that other ops reuse.
float f32_min(float a, float b);  // IEEE 754-2019 minimum: NaN wins, -0 < +0
float f32_max(float a, float b);  // IEEE 754-2019 maximum
int32_t i32_div(int32_t a, int32_t b);  // truncating; x/0 = 0; INT_MIN/-1 = INT_MIN
int32_t f32_to_i32(float x);  // truncate toward zero, saturate, NaN -> 0

}  // namespace nf::ir
