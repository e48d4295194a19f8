// In-process compilation: a program's object (compiler/build.h) linked into
// this process by LLVM's ORC LLJIT. What runs is the same object that
// `neurofuse compile` ships, reached through the same nf_module descriptor.
#pragma once

#include <string>

#include "compiler/build.h"
#include "neurofuse/runtime.h"

namespace nf::compiler {

// Compiles `program` and hands it to the runtime as an nf_module (runtime.h)
// that owns the compiled code; nf_module_close releases it. Throws nf::Error.
//
// Tiered compilation (options.tiered, with an optimization level above 0):
// when the object cache does not hold the optimized object, the module is
// first the program built at -O0, whose entry points jump through a table
// (module_abi.h); a thread builds the optimized object (and caches it),
// links it, and repoints the table at its functions. States step on the
// first tier's code until then, and on the optimized code after, even in
// the middle of a scan. Both builds compute the same bits (no contraction,
// no reassociation at any level), so only the speed changes. Closing the
// module waits for the thread.
nf_module* jit_module(const ir::Program& program, const BuildOptions& options = {}, BuildTimes* times = nullptr);

// Waits until a tiered module's optimized code is in (at once for a module
// that is not tiered). False, with the reason in `why_not`, when the
// optimized build failed and the module keeps its first tier's code. The
// module must stay open meanwhile.
bool wait_for_optimized_code(const nf_module* module, std::string* why_not = nullptr);

}  // namespace nf::compiler
