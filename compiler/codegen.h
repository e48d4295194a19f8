// LLVM code generation: a planned program becomes one LLVM module.
//
// The module defines, for every planned process P, an internal function
//   void body_P(uint8_t* state, float t, float dt)
// that runs one step of P on a state block laid out by the plan's Layout
// (module_abi.h exports them, as nf_process_P).
// Each kernel of the plan is an internal function whose buffers are noalias
// pointers, so the loop vectorizer needs no run-time overlap checks; the
// process function calls its kernels in order and then makes the plan's
// copies. Floating point is strict: no fast-math flags, fma only where the IR
// says fma. Transcendentals and random draws are emitted inline
// (math_emitter.h, random_emitter.h), so a module calls nothing outside itself.
// LLVM types are forward-declared; only compiler/*.cpp include LLVM.
#pragma once

#include <memory>
#include <string>

#include "compiler/plan.h"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace nf::compiler {

// The C symbol of a public process's step function, and the internal symbol
// of a planned process's body.
std::string process_symbol(const std::string& process);
std::string body_symbol(const std::string& process);

// Builds and verifies the module; throws nf::Error if LLVM's verifier rejects
// a function (a compiler bug, reported with the function's name). With
// `versions` false, a kernel computes its run-time choices element by element
// instead of compiling a loop per outcome (the same values, less code: the
// JIT's first tier, jit.h).
std::unique_ptr<llvm::Module> generate_module(const Plan& plan, llvm::LLVMContext& context, bool versions = true);

}  // namespace nf::compiler
