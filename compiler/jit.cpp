#include "compiler/jit.h"

#include <mutex>

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>

#include "ir/diagnostic.h"

namespace nf::compiler {

Layout layout_of(const nf_module_info& m) {
  Layout l;
  for (int32_t i = 0; i < m.n_compartments; ++i) {
    const nf_compartment_info& c = m.compartments[i];
    ir::DType d = c.dtype == NF_I32 ? ir::DType::I32 : c.dtype == NF_BOOL ? ir::DType::Bool : ir::DType::F32;
    ir::Shape shape(std::vector<int64_t>(c.shape, c.shape + c.rank));
    l.compartments.push_back({c.name, ir::Type{d, shape}, c.offset, c.bytes});
  }
  for (int32_t i = 0; i < m.n_params; ++i)
    l.params.push_back({m.params[i].name, ir::Type{ir::DType::F32, {}}, m.params[i].offset, 4});
  l.seed_offset = m.seed_offset;
  l.size = m.state_size;
  return l;
}

struct JitProgram::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

JitProgram::~JitProgram() = default;

std::unique_ptr<JitProgram> JitProgram::compile(const ir::Program& program, const BuildOptions& options,
                                                BuildTimes* times) {
  std::string object = build_object(program, options, times);
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  std::unique_ptr<JitProgram> out(new JitProgram());
  out->impl_ = std::make_unique<Impl>();
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) throw Error("LLVM cannot create the JIT: " + llvm::toString(jit.takeError()));
  out->impl_->jit = std::move(*jit);
  if (llvm::Error e = out->impl_->jit->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(object, options.model_name)))
    throw Error("LLVM cannot load the compiled object: " + llvm::toString(std::move(e)));
  auto symbol = out->impl_->jit->lookup("nf_module");
  if (!symbol) throw Error("the compiled object has no nf_module: " + llvm::toString(symbol.takeError()));
  out->module_ = symbol->toPtr<const nf_module_info*>();
  if (out->module_->abi_version != NF_MODULE_ABI_VERSION) throw Error("the compiled object has another ABI version");
  out->layout_ = layout_of(*out->module_);
  return out;
}

StepFunction JitProgram::process(const std::string& name) const {
  for (int32_t i = 0; i < module_->n_processes; ++i)
    if (name == module_->processes[i].name) return module_->processes[i].step;
  return nullptr;
}

}  // namespace nf::compiler
