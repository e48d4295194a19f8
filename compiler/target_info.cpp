#include "compiler/target_info.h"

#include <llvm/ADT/StringRef.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/TargetParser/Host.h>

namespace nf::compiler {

TargetInfo host_target_info() {
  return {LLVM_VERSION_STRING, llvm::sys::getProcessTriple(), llvm::sys::getHostCPUName().str()};
}

}  // namespace nf::compiler
