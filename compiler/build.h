// Building compiled code: a program to an LLVM module, optimized, for a
// target; emitted as an object (through a content-addressed cache), as
// assembly or LLVM IR text, as a shared library, or described by a C header.
// The JIT and `neurofuse compile` share this path, so in-process and shipped
// code are the same code.
#pragma once

#include <string>

#include "compiler/factor.h"
#include "ir/program.h"

namespace nf::compiler {


struct BuildOptions {
  int opt_level = 2;               // 0..3
  std::string target_cpu = "host";  // "host", "generic", or an LLVM CPU name such as x86-64-v2
  std::string model_name = "model";
  bool use_cache = true;
  // Compartments of at least this many elements are kept as factors when
  // low rank (factor.h).
  int64_t factor_min_elements = 16384;
  // Vector-matrix products skip the rows of +0 inputs for static matrices of
  // at least this many elements (events.h).
  int64_t event_min_elements = 65536;
};

// The program as the compiler plans it: low-rank compartments kept as factors
// (factor.h), then event-driven products of static matrices (events.h).
Factored rewrite_program(const ir::Program& program, const BuildOptions& options);

// Milliseconds spent in each stage of one build.
struct BuildTimes {
  double plan_ms = 0, codegen_ms = 0, optimize_ms = 0, object_ms = 0, link_ms = 0;
  bool cached = false;  // the object came from the cache: no LLVM code generation ran
};

enum class Emit { SharedLibrary, Object, Assembly, LLVM, Header };

// The relocatable object (ELF) of `program`, with the module interface of
// neurofuse/module.h. Looked up in the cache first (keyed by the program's
// canonical text, the target, the options and the compiler version), and
// stored there after a build. Throws nf::Error when LLVM fails.
std::string build_object(const ir::Program& program, const BuildOptions& options, BuildTimes* times = nullptr);

// Writes `program` to `path` in the form `emit` asks for. A shared library is
// linked by the system C compiler (`cc`, or $CC) from the object; the file is
// written atomically (a temporary in the same directory, then renamed).
void build_file(const ir::Program& program, const std::string& path, Emit emit, const BuildOptions& options,
                BuildTimes* times = nullptr);

// What the compiler makes of `program` before code generation, as text:
// stage "factored", the program after its rewrites (factors, event checks,
// parameter values); "kernels", its kernel plan (which operations fuse into
// which loops). With `process`, of that process (and its storage variant)
// alone. Throws nf::Error for another stage.
std::string stage_text(const ir::Program& program, const std::string& stage, const std::string& process,
                       const BuildOptions& options);

// The module as optimized LLVM IR or assembly text.
std::string build_text(const ir::Program& program, Emit emit, const BuildOptions& options);

// The cache directory: $NEUROFUSE_CACHE_DIR, else $XDG_CACHE_HOME/neurofuse,
// else $HOME/.cache/neurofuse ("" when none can be determined).
std::string cache_directory();

}  // namespace nf::compiler
