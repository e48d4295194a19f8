// What the code generator would target on this machine: the LLVM release the
// compiler is built against, the host triple and CPU. LLVM types stay inside
// compiler/*.cpp; this header is plain C++.
#pragma once

#include <string>

namespace nf::compiler {

struct TargetInfo {
  std::string llvm_version;  // e.g. "19.1.7"
  std::string host_triple;   // e.g. "x86_64-pc-linux-gnu"
  std::string host_cpu;      // e.g. "znver3"
};

TargetInfo host_target_info();

}  // namespace nf::compiler
