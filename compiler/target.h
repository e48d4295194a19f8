// The LLVM target machine a build compiles for, and machine code from it.
// Plain C++ at its interface: LLVM types forward-declared.
#pragma once

#include <memory>
#include <string>

#include "compiler/options.h"

namespace llvm {
class Module;
class TargetMachine;
}  // namespace llvm

namespace nf::compiler {

struct Target {
  std::unique_ptr<llvm::TargetMachine> machine;
  std::string description;  // "triple cpu"
  std::string features;     // "+avx2,+fma,...": every feature the code may use (nf_module_info.features)
  Target();
  Target(Target&&) noexcept;
  ~Target();
};

// The target machine: the host triple; the host CPU and its features, or the
// named CPU with its own baseline features. Floating-point contraction is
// off. Throws nf::Error for a bad optimization level or CPU.
Target make_target(const BuildOptions& options);

// Optimizes `module` with LLVM's standard pipeline at `opt_level` for the
// target (vectorizers on, no fast-math); nothing at level 0.
void optimize_module(llvm::Module& module, const Target& target, int opt_level);

// The first tier's few passes (jit.h): values out of stack slots, common
// subexpressions, local simplification; no loop passes, no vectorizers.
// Code several times faster than -O0's for a few milliseconds more.
void optimize_first_tier(llvm::Module& module, const Target& target);

// The module as an ELF object, or as assembly text.
std::string emit_object(llvm::Module& module, const Target& target);
std::string emit_assembly(llvm::Module& module, const Target& target);

}  // namespace nf::compiler
