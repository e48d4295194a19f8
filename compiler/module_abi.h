// The module interface of runtime/include/neurofuse/module.h, emitted into a
// generated LLVM module: the exported `nf_module` descriptor and the `nf_scan`
// function. Plain C++: LLVM types forward-declared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/plan.h"

namespace llvm {
class LLVMContext;
class Module;
class StructType;
}  // namespace llvm

namespace nf::compiler {

struct KeptProgram;

// The LLVM types of the structs of neurofuse/module.h, field by field in
// their order (tests/module_abi_test.cpp compares their layout with the C
// compiler's offsetof and sizeof for every field). Code generation reaches
// those structs through these types only.
struct AbiTypes {
  llvm::StructType* compartment;  // nf_compartment_info
  llvm::StructType* param;        // nf_param_info
  llvm::StructType* process;      // nf_process_info
  llvm::StructType* stream;       // nf_stream
  llvm::StructType* observer;     // nf_observer
  llvm::StructType* alias;        // nf_alias_info
  llvm::StructType* split_output; // nf_split_output
  llvm::StructType* split;        // nf_split
  llvm::StructType* parallel;     // nf_parallel
  llvm::StructType* module_info;  // nf_module_info
};
AbiTypes abi_types(llvm::LLVMContext& context);

// The layout those types have on the host target, struct by struct in
// AbiTypes' order: its C name, size and the byte offset of every field.
struct AbiLayout {
  std::string name;
  uint64_t size = 0;
  std::vector<uint64_t> offsets;
};
std::vector<AbiLayout> abi_layouts();

// The NF_F32/NF_I32/NF_BOOL code of a dtype (neurofuse/module.h), and back.
int32_t dtype_code(ir::DType d);
ir::DType dtype_of_code(int32_t code);

// How compiled code keeps a public compartment (neurofuse/module.h, "Kept
// compartments"): NF_KEPT_*, and the offset of its word (-1 for plain).
struct Kept {
  int32_t kind;
  int64_t form_offset;
};
Kept kept_of(const KeptProgram& factored, const Layout& layout, const std::string& compartment);

// Adds the exported step functions (nf_process_P, choosing among a process's
// variants, factor.h), nf_scan, materialize and nf_module to `module`, which
// must already define the bodies of every process of `plan` (codegen.h).
// `target` names what the code is for ("triple cpu"), `features` the CPU
// features it may use ("+avx2,+fma,..."), which the runtime checks at load.
// With `tier_table`, every entry point the descriptor names jumps through
// the exported array `nf_tier_table` (processes in order, then scan,
// materialize, derive, invalidate, share), which the JIT may repoint at an
// optimized build's functions (jit.h).
void emit_module_abi(llvm::Module& module, const KeptProgram& factored, const Plan& plan,
                     const std::string& model_name, const std::string& target, const std::string& features,
                     bool tier_table = false);

}  // namespace nf::compiler
