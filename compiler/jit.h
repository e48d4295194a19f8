// In-process compilation: a program's object (compiler/build.h) linked into
// this process by LLVM's ORC LLJIT. What runs is the same object that
// `neurofuse compile` ships, reached through the same nf_module descriptor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "compiler/build.h"
#include "neurofuse/runtime.h"

namespace nf::compiler {

// One step of a process on a state block, with the step's t and dt.
using StepFunction = nf_step_fn;

// Compiles `program` and hands it to the runtime as an nf_module (runtime.h)
// that owns the compiled code; nf_module_close releases it. Throws nf::Error.
nf_module* jit_module(const ir::Program& program, const BuildOptions& options = {}, BuildTimes* times = nullptr);


class JitProgram {
 public:
  // Builds (or takes from the cache) and links every process of `program`;
  // throws nf::Error when LLVM fails.
  static std::unique_ptr<JitProgram> compile(const ir::Program& program, const BuildOptions& options = {},
                                             BuildTimes* times = nullptr);
  ~JitProgram();

  const nf_module_info& module() const { return *module_; }
  // The step function of `process`, or nullptr if the program has none.
  StepFunction process(const std::string& name) const;

 private:
  struct Impl;
  JitProgram() = default;
  std::unique_ptr<Impl> impl_;
  const nf_module_info* module_ = nullptr;
};

}  // namespace nf::compiler
