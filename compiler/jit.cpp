#include "compiler/jit.h"

#include <memory>

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Support/MemoryBuffer.h>

#include "ir/diagnostic.h"

namespace nf::compiler {

nf_module* jit_module(const ir::Program& program, const BuildOptions& options, BuildTimes* times) {
  // build_object initializes LLVM's native target, which the JIT needs too.
  std::string object = build_object(program, options, times);
  auto created = llvm::orc::LLJITBuilder().create();
  if (!created) throw Error("LLVM cannot create the JIT: " + llvm::toString(created.takeError()));
  std::unique_ptr<llvm::orc::LLJIT> jit = std::move(*created);
  if (llvm::Error e = jit->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(object, options.model_name)))
    throw Error("LLVM cannot load the compiled object: " + llvm::toString(std::move(e)));
  auto symbol = jit->lookup("nf_module");
  if (!symbol) throw Error("the compiled object has no nf_module: " + llvm::toString(symbol.takeError()));
  // The runtime checks the descriptor (ABI version, sizes) and owns the JIT from here.
  nf_module* m = nullptr;
  nf_status s = nf_module_adopt(symbol->toPtr<const nf_module_info*>(),
                                [](void* p) { delete static_cast<llvm::orc::LLJIT*>(p); }, jit.get(), &m);
  if (s != NF_OK) throw Error(std::string("the runtime refused the compiled module: ") + nf_last_error());
  jit.release();
  return m;
}

}  // namespace nf::compiler
