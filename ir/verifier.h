// The verifier: the rules a program must satisfy to have a meaning.
//
// It checks names (unique, well-formed), compartment types and initial values,
// and every node of every process: operands defined earlier in the same
// process, the typing rule of its op (ir/infer.h), read/write/param names and
// types, and that every random stream is used by exactly one draw. Each problem
// becomes one diagnostic naming the offending value and the types involved.
#pragma once

#include <vector>

#include "ir/diagnostic.h"
#include "ir/program.h"

namespace nf::ir {

std::vector<Diagnostic> verify(const Program& program);

// A dotted name: identifiers ([A-Za-z_][A-Za-z0-9_]*) joined by '.'.
bool is_dotted_name(const std::string& s, int min_parts);

}  // namespace nf::ir
