// In-process compilation: a program's object (compiler/build.h) linked into
// this process by LLVM's ORC LLJIT. What runs is the same object that
// `neurofuse compile` ships, reached through the same nf_module descriptor.
#pragma once

#include "compiler/build.h"
#include "neurofuse/runtime.h"

namespace nf::compiler {

// Compiles `program` and hands it to the runtime as an nf_module (runtime.h)
// that owns the compiled code; nf_module_close releases it. Throws nf::Error.
nf_module* jit_module(const ir::Program& program, const BuildOptions& options = {}, BuildTimes* times = nullptr);

}  // namespace nf::compiler
