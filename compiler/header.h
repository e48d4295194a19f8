// The C header that describes a compiled module's state block for C and C++
// hosts (neurofuse compile --emit header).
#pragma once

#include <string>

#include "compiler/options.h"
#include "ir/program.h"

namespace nf::compiler {

// Offsets and counts of every public compartment and run-time parameter, the
// state size and the process symbols, as macros and declarations. Throws
// nf::Error when two names would become the same macro.
std::string header_text(const ir::Program& program, const BuildOptions& options);

}  // namespace nf::compiler
