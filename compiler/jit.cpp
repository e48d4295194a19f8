#include "compiler/jit.h"

#include <mutex>

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>

#include "ir/diagnostic.h"
#include "neurofuse/runtime.h"

namespace nf::compiler {

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
  return out;
}

nf_module* jit_module(const ir::Program& program, const BuildOptions& options, BuildTimes* times) {
  std::unique_ptr<JitProgram> jit = JitProgram::compile(program, options, times);
  nf_module* m = nullptr;
  nf_status s = nf_module_adopt(&jit->module(), [](void* p) { delete static_cast<JitProgram*>(p); }, jit.get(), &m);
  if (s != NF_OK) throw Error(std::string("the runtime refused the compiled module: ") + nf_last_error());
  jit.release();
  return m;
}

StepFunction JitProgram::process(const std::string& name) const {
  for (int32_t i = 0; i < module_->n_processes; ++i)
    if (name == module_->processes[i].name) return module_->processes[i].step;
  return nullptr;
}

}  // namespace nf::compiler
