// The canonical text form of a program.
//
//   dt = 0.5                      (the defaults, when not 1 and 0)
//   seed = 1234
//   param W.eta = 0.01
//   compartment W.weights : f32[2,3] state = 0.5
//
//   process evolve {
//     %0 = read W.weights : f32[2,3]
//     %1 = param W.eta : f32[]
//     %2 = mul %0, %1 : f32[2,3]
//     write W.weights, %2
//   }
//
// Values are numbered from %0 in each process in statement order; attributes
// appear in braces before the result type; literals are exact (shortest
// round-trip decimal). parse_program(print(p)) is structurally equal to p, and
// printing that again gives the same text.
#pragma once

#include <string>

#include "ir/program.h"

namespace nf::ir {

std::string print(const Program& program);
std::string print(const Process& process);

}  // namespace nf::ir
