// Internal to code generation: the emitter of one kernel's loop bodies.
#pragma once

#include <map>
#include <set>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "compiler/partition.h"
#include "compiler/plan.h"

namespace nf::compiler {

using Index = std::vector<llvm::Value*>;  // one i64 per axis

// Emits the instructions of one kernel function. Values are computed element
// by element: value(n, idx) is node n's element at multi-index idx, built from
// its operands' elements (fused) or loaded from where the plan stored them.
class KernelEmitter {
 public:
  KernelEmitter(llvm::Module& module, llvm::IRBuilder<>& b, const Plan& plan, const ProcessPlan& process,
                const Kernel& kernel, llvm::Function* fn);

  void emit_body(bool versions);

 private:
  // ---- elements (codegen_element.cpp) ----
  llvm::Value* value(const ir::Node* n, const Index& idx);
  llvm::Value* compute(const ir::Node* n, const Index& idx);
  llvm::Value* elementwise(const ir::Node* n, const std::vector<llvm::Value*>& args, ir::DType operand);
  llvm::Value* draw(const ir::Node* n, const Index& idx);
  Index broadcast_index(const ir::Shape& operand, const Index& idx);
  llvm::Value* linear(const Index& idx, const ir::Shape& shape);
  Index unravel(llvm::Value* linear, const ir::Shape& shape);
  llvm::Value* load(llvm::Value* base, const ir::Type& type, const Index& idx);
  void store(llvm::Value* base, const ir::Type& type, const Index& idx, llvm::Value* v);
  llvm::Value* scalar_arg(const ir::Node* n);

  // ---- loops and kernels (codegen.cpp) ----
  // Nested counted loops, outermost first; the loop over `start_axis`
  // starts at `start` (every loop at 0 when null).
  void loops(const std::vector<llvm::Value*>& extents, const std::function<void(const Index&)>& body,
             llvm::Value* start = nullptr, size_t start_axis = 0);
  llvm::Value* i64(int64_t v) { return b_.getInt64(uint64_t(v)); }
  llvm::Value* buffer(const Buffer& buf);
  bool costly(const ir::Node* n, std::set<const ir::Node*>& seen) const;
  bool unchanged(const KernelOutput& o) const;
  std::vector<const ir::Node*> runtime_switches() const;
  void emit_versions(const std::vector<const ir::Node*>& switches, size_t i);
  void elementwise_kernel();
  void matmul_kernel();
  void event_products(const ir::Node* x, const ir::Node* w, llvm::Value* out, int64_t K);
  void row_sweep_kernel();
  void reduce_kernel();
  void concat_kernel();
  void sparse_kernel();
  llvm::Value* connectivity_table(const std::string& name, const char* table, const std::vector<int32_t>& values);
  llvm::Type* register_type(ir::DType d);

  llvm::Module& module_;
  llvm::IRBuilder<>& b_;
  const Plan& plan_;
  const ProcessPlan& process_;
  const Kernel& kernel_;
  llvm::Function* fn_;
  llvm::Value* state_ = nullptr;
  llvm::Value* t_ = nullptr;
  llvm::Value* dt_ = nullptr;
  llvm::Value* lo_ = nullptr;  // the range of the split axis this call computes
  llvm::Value* hi_ = nullptr;
  std::map<std::string, llvm::Value*> buffers_;  // buffer key -> noalias argument
  std::map<std::pair<const ir::Node*, Index>, llvm::Value*> cache_;  // per loop body
  std::map<const ir::Node*, bool> decided_;  // switches' outcomes in the version being emitted
};

// The key under which a buffer is passed to a kernel function.
std::string buffer_key(const Buffer& b);

// for (i = begin; i < end; ++i) body(i) in the builder's function, with i of
// end's type (begin null: from 0); the builder is left after the loop.
void emit_loop(llvm::IRBuilderBase& b, llvm::Value* begin, llvm::Value* end,
               const std::function<void(llvm::Value*)>& body);
// if (cond) then(); the builder is left after it.
void emit_if(llvm::IRBuilderBase& b, llvm::Value* cond, const std::function<void()>& then);
// if (cond) then(); else otherwise(); the builder is left after both.
void emit_if_else(llvm::IRBuilderBase& b, llvm::Value* cond, const std::function<void()>& then,
                  const std::function<void()>& otherwise);


}  // namespace nf::compiler
