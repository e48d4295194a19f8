// Precision modes: exact (the program as written) and fast, a program
// rewrite with defined semantics (docs/SEMANTICS.md, "Fast precision").
//
// Fast mode changes two things, decided here in the IR so that every backend
// (the interpreter included) computes the same bits:
//   * a division by a value with fewer elements than the result becomes a
//     multiplication by that value's reciprocal, rounded once;
//   * an f32 addition or subtraction one of whose operands is an f32
//     multiplication used by nothing else becomes one fused multiply-add.
// Nothing else changes: matrix products, reductions, math functions and
// every other operation keep their exact meaning, and the `initialize`
// process is left exact (both modes start from the same state).
#pragma once

#include <string>

#include "ir/program.h"

namespace nf::ir {

enum class Precision { Exact, Fast };

// "exact" or "fast"; throws nf::Error naming the choices otherwise.
Precision parse_precision(const std::string& name);
const char* precision_name(Precision precision);

// The program with fast mode's rules applied to every process (the program
// itself for Exact).
Program apply_precision(const Program& program, Precision precision);

}  // namespace nf::ir
