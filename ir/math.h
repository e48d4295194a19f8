// The project's own binary32 math functions: the definition of what the IR's
// transcendental ops compute, bit for bit, on every backend.
//
// Each function takes and returns IEEE-754 binary32. Internally it evaluates in
// binary64 with fixed polynomials and fixed operation order, using only basic
// IEEE operations (+ - * /, sqrt, conversions, comparisons, selects and integer
// bit manipulation), never the C library and never a fused multiply-add, and
// rounds to binary32 once at the end. That sequence is what the compiler emits
// in vector code, so compiled code and the interpreter agree exactly. The
// accuracy against the C library is measured by tests/math_accuracy_test.cpp and
// stated in docs/SEMANTICS.md.
#pragma once

namespace nf::math {

float exp(float x);
float log(float x);
float tanh(float x);
float sigmoid(float x);   // 1 / (1 + exp(-x))
float sin(float x);
float cos(float x);
float pow(float x, float y);  // C99 Annex F special cases

}  // namespace nf::math
