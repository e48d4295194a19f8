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
#include <vector>

#include "ir/program.h"

namespace nf::ir {

enum class Precision { Exact, Fast };

// A precision for a program: one mode for every process, or fast mode for the
// named processes only (the others stay exact).
struct PrecisionChoice {
  Precision precision = Precision::Exact;
  std::vector<std::string> processes;  // empty: every process
};

// "exact", "fast", or "fast:P1,P2,..." (fast for processes P1, P2, ...
// only); throws nf::Error naming the choices otherwise.
PrecisionChoice parse_precision(const std::string& text);
const char* precision_name(Precision precision);

// The program with fast mode's rules applied to the chosen processes (the
// program itself for Exact). Throws nf::Error for a process it does not have
// (or `initialize`, which is always exact), suggesting a name.
Program apply_precision(const Program& program, const PrecisionChoice& choice);
inline Program apply_precision(const Program& program, Precision precision) {
  return apply_precision(program, PrecisionChoice{precision, {}});
}

}  // namespace nf::ir
