// The module interface of runtime/include/neurofuse/module.h, emitted into a
// generated LLVM module: the exported `nf_module` descriptor and the `nf_scan`
// function. Plain C++: LLVM types forward-declared.
#pragma once

#include <string>

#include "compiler/plan.h"

namespace llvm {
class Module;
}

namespace nf::compiler {

// Adds nf_scan and nf_module to `module`, which must already define the
// process step functions (codegen.h). `target` names what the code is for.
void emit_module_abi(llvm::Module& module, const ir::Program& program, const Plan& plan,
                     const std::string& model_name, const std::string& target);

}  // namespace nf::compiler
