// In-process compilation: a program becomes native step functions through
// LLVM's ORC LLJIT.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "compiler/plan.h"

namespace nf::compiler {

struct JitOptions {
  int opt_level = 2;  // 0..3
};

// One step of a process on a state block, with the step's t and dt.
using StepFunction = void (*)(uint8_t* state, float t, float dt);

class JitProgram {
 public:
  // Plans, generates, optimizes and compiles every process of `program`;
  // throws nf::Error when LLVM fails.
  static std::unique_ptr<JitProgram> compile(const ir::Program& program, const JitOptions& options = {});
  ~JitProgram();

  const Plan& plan() const { return plan_; }
  const Layout& layout() const { return plan_.layout; }
  // The step function of `process`, or nullptr if the program has none.
  StepFunction process(const std::string& name) const;

 private:
  struct Impl;
  JitProgram() = default;
  Plan plan_;
  std::unique_ptr<Impl> impl_;
};

// The module's LLVM IR after optimization, as text (for tests and --emit llvm).
std::string optimized_ir(const ir::Program& program, const JitOptions& options = {});

}  // namespace nf::compiler
